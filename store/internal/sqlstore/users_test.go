package sqlstore

import "testing"

func TestSuccessor(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"a", "b"},
		{"john", "joho"},
		{"zo\u00eb", "zo\u00ec"},
		{"a\u007f", "a\u0080"},       // crosses from one UTF-8 byte to two
		{"a\ud7ff", "a\ue000"},       // skips the surrogates
		{"a\U0010ffff", "b"},         // carries past the last code point
		{"\U0010ffff\U0010ffff", ""}, // nothing is greater
		{"x@", "xA"},
	} {
		if got := successor(tc.in); got != tc.want {
			t.Errorf("successor(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPrefixRange(t *testing.T) {
	for _, bad := range []string{"\xff", "a\x00b"} {
		if _, _, ok := prefixRange(bad); ok {
			t.Errorf("prefixRange(%q) ok, want a prefix that matches nothing", bad)
		}
	}
	lo, hi, ok := prefixRange("ab")
	if !ok || lo != "ab" || hi != "ac" {
		t.Errorf(`prefixRange("ab") = %q, %q, %v`, lo, hi, ok)
	}
}

func TestMergeRanges(t *testing.T) {
	for _, tc := range []struct{ in, want [][2]string }{
		{[][2]string{{"b", "c"}}, [][2]string{{"b", "c"}}},
		{[][2]string{{"john", "joho"}, {"jo", "jp"}}, [][2]string{{"jo", "jp"}}},
		{[][2]string{{"b", "c"}, {"a", "b"}}, [][2]string{{"a", "c"}}},
		{[][2]string{{"x", "y"}, {"a", "b"}}, [][2]string{{"a", "b"}, {"x", "y"}}},
		{[][2]string{{"a", ""}, {"b", "c"}}, [][2]string{{"a", ""}}},
		{[][2]string{{"a", "b"}, {"a", ""}}, [][2]string{{"a", ""}}},
	} {
		got := mergeRanges(tc.in)
		if len(got) != len(tc.want) {
			t.Errorf("mergeRanges = %q, want %q", got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("mergeRanges = %q, want %q", got, tc.want)
			}
		}
	}
}
