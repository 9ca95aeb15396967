package signing_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core/internal/signing"
	"github.com/latchkey-dev/latchkey/store"
	"github.com/latchkey-dev/latchkey/store/sqlite"
)

// The manager is tested on a real SQLite store (the HTTP tests in
// core/internal/jwt and core/internal/session cover PostgreSQL and the endpoints).

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "keys.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func newManager(t *testing.T, st store.Keys, clk *clock) *signing.Manager {
	t.Helper()
	m, err := signing.New(signing.Config{Store: st, Now: clk.Now, UpdateInterval: 168 * time.Hour, AccessTokenValidity: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	_, err := signing.New(signing.Config{UpdateInterval: time.Second})
	if err == nil {
		t.Fatal("no error for an empty config")
	}
	for _, want := range []string{"Store is required", "UpdateInterval", "AccessTokenValidity"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

// TestFirstUse: two managers (two processes) on one store, each hit by a
// crowd at once, end up with one dynamic key and one static key.
func TestFirstUse(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	clk := &clock{now: time.UnixMilli(1_750_000_000_000)}
	managers := []*signing.Manager{newManager(t, st, clk), newManager(t, st, clk)}
	ids := make([]string, 16)
	statics := make([]string, 16)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			k, err := managers[i%2].SigningKey(t.Context(), signing.RS256, true)
			if err != nil {
				t.Error(err)
				return
			}
			s, err := managers[i%2].SigningKey(t.Context(), signing.RS256, false)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i], statics[i] = k.ID, s.ID
		})
	}
	wg.Wait()
	keys, err := st.DynamicSigningKeys(t.Context())
	if err != nil || len(keys) != 1 {
		t.Fatalf("%d dynamic keys stored (%v), want 1", len(keys), err)
	}
	for i := range ids {
		if ids[i] != keys[0].ID || statics[i] != statics[0] || len(statics[i]) != 38 {
			t.Errorf("caller %d got %s / %s, want %s / %s", i, ids[i], statics[i], keys[0].ID, statics[0])
		}
	}
}

// TestVerifyingKey: a key another process made is found by reading the
// store again; made-up and expired ids are not.
func TestVerifyingKey(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	clk := &clock{now: time.UnixMilli(1_750_000_000_000)}
	a, b := newManager(t, st, clk), newManager(t, st, clk)
	// b has read the store before a made anything.
	if _, _, err := b.JWKS(t.Context()); err != nil {
		t.Fatal(err)
	}
	clk.Advance(168*time.Hour - time.Minute) // a new key is due
	k, err := a.SigningKey(t.Context(), signing.RS256, true)
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := st.DynamicSigningKeys(t.Context())
	if len(keys) != 2 {
		t.Fatalf("%d keys, want 2", len(keys))
	}
	newest := keys[0].ID
	if k.ID == newest {
		t.Errorf("a key under 60 s old signs")
	}
	got, err := b.VerifyingKey(t.Context(), newest)
	if err != nil || got.ID != newest {
		t.Errorf("b.VerifyingKey(%s) = %v, %v", newest, got, err)
	}
	for _, kid := range []string{"d-1", "d-abc", "x", "", "s-00000000-0000-4000-8000-000000000000", "d-99999999999999"} {
		if _, err := b.VerifyingKey(t.Context(), kid); !errors.Is(err, signing.ErrKeyNotFound) {
			t.Errorf("VerifyingKey(%q) = %v, want ErrKeyNotFound", kid, err)
		}
	}
	// The first key stops verifying U + 2V after it was made.
	first := keys[1].ID
	clk.Advance(time.Minute + 2*time.Hour - time.Millisecond)
	if _, err := b.VerifyingKey(t.Context(), first); err != nil {
		t.Errorf("first key before U+2V: %v", err)
	}
	clk.Advance(time.Millisecond)
	if _, err := b.VerifyingKey(t.Context(), first); !errors.Is(err, signing.ErrKeyNotFound) {
		t.Errorf("first key at U+2V: %v", err)
	}
}

// TestAlgorithmChange: a core switched to ES256 or EdDSA makes a key of
// that algorithm at once, next to the RS256 keys, which still verify and
// are still listed; each algorithm then rotates on its own.
func TestAlgorithmChange(t *testing.T) {
	t.Parallel()
	for _, alg := range []string{signing.ES256, signing.EdDSA} {
		t.Run(alg, func(t *testing.T) {
			t.Parallel()
			st := openStore(t)
			clk := &clock{now: time.UnixMilli(1_750_000_000_000)}
			old := newManager(t, st, clk)
			rs, err := old.SigningKey(t.Context(), signing.RS256, true)
			if err != nil {
				t.Fatal(err)
			}
			clk.Advance(time.Hour)
			m, err := signing.New(signing.Config{Store: st, Now: clk.Now, UpdateInterval: 168 * time.Hour, AccessTokenValidity: time.Hour, Algorithm: alg})
			if err != nil {
				t.Fatal(err)
			}
			if m.Algorithm() != alg || old.Algorithm() != signing.RS256 {
				t.Fatalf("algorithms %s, %s", m.Algorithm(), old.Algorithm())
			}
			k, err := m.SigningKey(t.Context(), alg, true)
			if err != nil {
				t.Fatal(err)
			}
			if k.Algorithm != alg || k.ID != fmt.Sprintf("d-%d-%s", clk.Now().UnixMilli(), strings.ToLower(alg)) {
				t.Fatalf("signing key %s %s", k.ID, k.Algorithm)
			}
			static, err := m.SigningKey(t.Context(), alg, false)
			if err != nil || static.Algorithm != alg || !strings.HasPrefix(static.ID, "s-") {
				t.Fatalf("static key %+v, %v", static, err)
			}
			// The RS256 core keeps its key: nothing was due for RS256.
			if again, err := old.SigningKey(t.Context(), signing.RS256, true); err != nil || again.ID != rs.ID {
				t.Fatalf("RS256 key after the change: %v, %v; want %s", again, err, rs.ID)
			}
			keys, maxAge, err := m.JWKS(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, j := range keys {
				got = append(got, j.Algorithm+" "+j.ID[:2])
			}
			if want := []string{alg + " d-", "RS256 d-", "RS256 s-", alg + " s-"}; !slices.Equal(got, want) {
				t.Errorf("JWKS %v, want %v", got, want)
			}
			// The RS256 key is due first (it is an hour older).
			if want := 167*time.Hour - time.Minute; maxAge != want {
				t.Errorf("JWKS max age %s, want %s", maxAge, want)
			}
			for _, kid := range []string{rs.ID, k.ID, static.ID} {
				if _, err := m.VerifyingKey(t.Context(), kid); err != nil {
					t.Errorf("VerifyingKey(%s): %v", kid, err)
				}
			}
			// A week on, only the algorithm in use gets a new key.
			clk.Advance(168*time.Hour - time.Minute)
			if _, err := m.SigningKey(t.Context(), alg, true); err != nil {
				t.Fatal(err)
			}
			rows, _ := st.DynamicSigningKeys(t.Context())
			var algs []string
			for _, r := range rows {
				algs = append(algs, r.Algorithm)
			}
			if want := []string{alg, alg, signing.RS256}; !slices.Equal(algs, want) {
				t.Errorf("stored keys %v, want %v", algs, want)
			}
		})
	}
}
