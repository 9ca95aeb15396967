package phone

import "testing"

func TestNormalise(t *testing.T) {
	for _, tc := range []struct {
		region, in, want string
	}{
		{"", "+1 201-555-0123", "+12015550123"},
		{"", "  +1 (201) 555-0123 ", "+12015550123"},
		{"", "+12015550123", "+12015550123"},
		{"", "tel:+1-201-555-0123", "+12015550123"},
		{"", "+44 20 7946 0958", "+442079460958"},
		// Without a region, national and 00-prefixed forms are kept as
		// they are (trimmed), as the reference core does.
		{"", "(201) 555-0123", "(201) 555-0123"},
		{"", " 0012015550123 ", "0012015550123"},
		{"", "not a number", "not a number"},
		{"", "", ""},
		{"US", "(201) 555-0123", "+12015550123"},
		{"us", "201.555.0123", "+12015550123"},
		{"US", "1-201-555-0123", "+12015550123"},
		{"US", "011 1 201 555 0123", "+12015550123"},
		{"US", "+44 20 7946 0958", "+442079460958"},
		{"GB", "020 7946 0958", "+442079460958"},
		{"GB", "00 1 201 555 0123", "+12015550123"},
		{"DE", "0012015550123", "+12015550123"},
		{"US", "hello", "hello"},
		// The library reads this as +440000000000, whose E.164 form reads
		// back as +44000000000: it is kept as typed.
		{"GB", "00000000000", "00000000000"},
	} {
		n := Normaliser{Region: tc.region}
		got := n.Normalise(tc.in)
		if got != tc.want {
			t.Errorf("Normalise(%q) in %q = %q, want %q", tc.in, tc.region, got, tc.want)
		}
		if again := n.Normalise(got); again != got {
			t.Errorf("Normalise is not idempotent on %q: %q", got, again)
		}
	}
}

func TestValidRegion(t *testing.T) {
	for r, want := range map[string]bool{"US": true, "gb": true, "DE": true, "ZZ": false, "XX": false, "": false, "USA": false} {
		if got := ValidRegion(r); got != want {
			t.Errorf("ValidRegion(%q) = %v, want %v", r, got, want)
		}
	}
}

func FuzzNormalise(f *testing.F) {
	for _, s := range []string{"+1 201-555-0123", "(201) 555-0123", "00", "+", "ext. 5", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, region := range []string{"", "US", "GB"} {
			n := Normaliser{Region: region}
			got := n.Normalise(s)
			if again := n.Normalise(got); again != got {
				t.Fatalf("region %q: Normalise(%q) = %q, but Normalise(%q) = %q", region, s, got, got, again)
			}
		}
	})
}
