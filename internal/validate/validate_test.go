package validate

import (
	"strings"
	"testing"
)

func TestPassword(t *testing.T) {
	for _, tc := range []struct {
		name, pw string
		want     error
	}{
		{"good", "abcdefg1", nil},
		{"seven ASCII", "abcdef1", ErrPasswordTooShort},
		// Seven characters but 17 bytes: counted as seven.
		{"seven characters of 3 bytes", "a1€€€€€", ErrPasswordTooShort},
		{"eight characters of 3 bytes", "a1€€€€€€", nil},
		{"99 characters", "a1" + strings.Repeat("x", 97), nil},
		{"100 characters", "a1" + strings.Repeat("x", 98), ErrPasswordTooLong},
		// 99 characters but 295 bytes: still short enough.
		{"99 characters of 3 bytes", "a1" + strings.Repeat("€", 97), nil},
		{"no letter", "12345678", ErrPasswordNoLetter},
		{"only a non-ASCII letter", "é1234567", ErrPasswordNoLetter},
		{"no digit", "abcdefgh", ErrPasswordNoDigit},
		{"empty", "", ErrPasswordTooShort},
	} {
		if got := Password(tc.pw); got != tc.want {
			t.Errorf("%s: Password(%q) = %v, want %v", tc.name, tc.pw, got, tc.want)
		}
	}
}

func TestEmail(t *testing.T) {
	for email, want := range map[string]bool{
		"a@b.co": true, "a.b@c.example.com": true, `"a b"@c.com`: true, "a@[1.2.3.4]": true,
		"": false, "a": false, "a@b": false, "a@b.c": false, "a b@c.com": false, "a@@b.com": false, ".a@b.com": false,
	} {
		if got := Email(email); got != want {
			t.Errorf("Email(%q) = %v, want %v", email, got, want)
		}
	}
}
