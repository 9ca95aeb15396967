package password

import (
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// TestDummyHash: the timing equaliser's hash is well formed, with the
// configured parameters, so that checking a password against it does the
// whole computation, and it matches no password.
func TestDummyHash(t *testing.T) {
	t.Parallel()
	h, err := New(Config{Algorithm: Bcrypt, BcryptCost: 5})
	if err != nil {
		t.Fatal(err)
	}
	if cost, err := bcrypt.Cost([]byte(h.dummy)); err != nil || cost != 5 || detect(h.dummy) != Bcrypt {
		t.Fatalf("bcrypt dummy %q: cost %d, %v", h.dummy, cost, err)
	}
	// A well-formed hash fails with a mismatch, not a format error.
	if err := bcrypt.CompareHashAndPassword([]byte(h.dummy), []byte("latchkey")); err != bcrypt.ErrMismatchedHashAndPassword {
		t.Errorf("comparing with the bcrypt dummy: %v", err)
	}
	if err := h.VerifyNothing(t.Context(), "any password"); err != nil {
		t.Errorf("VerifyNothing: %v", err)
	}

	a, err := New(Config{Algorithm: Argon2, Argon2Iterations: 1, Argon2MemoryKB: 64, Argon2Parallelism: 1})
	if err != nil {
		t.Fatal(err)
	}
	p, err := parseArgon2(a.dummy)
	if err != nil || p.variant != "argon2id" || p.memory != 64 || p.iterations != 1 || p.threads != 1 || len(p.salt) != 16 || len(p.key) != 32 {
		t.Fatalf("argon2 dummy %q: %+v, %v", a.dummy, p, err)
	}
	if ok, err := a.Verify(t.Context(), a.dummy, "latchkey"); ok || err != nil {
		t.Errorf("the argon2 dummy matched (%v, %v)", ok, err)
	}

	for _, cfg := range []Config{{Algorithm: Bcrypt, BcryptCost: 3}, {Algorithm: Bcrypt, BcryptCost: 32}, {Algorithm: "MD5"}} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) made a hasher", cfg)
		}
	}
}

// BenchmarkNew measures making a Hasher at the default cost: part of
// every core's start.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(Config{Algorithm: Bcrypt, BcryptCost: 11}); err != nil {
			b.Fatal(err)
		}
	}
}
