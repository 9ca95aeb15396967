package tenantid

import "testing"

func TestValid(t *testing.T) {
	for id, want := range map[string]bool{
		"public": true, "t1": true, "acme-corp": true, "-": true,
		"": false, "Public": false, "a_b": false, "a/b": false, "é": false, "a b": false,
	} {
		if got := Valid(id); got != want {
			t.Errorf("Valid(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestReserved(t *testing.T) {
	for id, want := range map[string]bool{"recipe": true, "config": true, "users": true, "hello": true, "public": false, "user": false} {
		if got := Reserved(id); got != want {
			t.Errorf("Reserved(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestOr(t *testing.T) {
	if got := Or(""); got != Default {
		t.Errorf(`Or("") = %q`, got)
	}
	if got := Or("t1"); got != "t1" {
		t.Errorf(`Or("t1") = %q`, got)
	}
}
