package tenants

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

// fakeStore knows a set of tenants, counts its reads and can fail.
type fakeStore struct {
	mu      sync.Mutex
	tenants map[string]bool
	reads   int
	fail    error
}

func (f *fakeStore) Tenant(_ context.Context, id string) (store.Tenant, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	if f.fail != nil {
		return store.Tenant{}, f.fail
	}
	if !f.tenants[id] {
		return store.Tenant{}, fmt.Errorf("fake: %w", store.ErrNotFound)
	}
	return store.Tenant{ID: id}, nil
}

func (f *fakeStore) set(id string, exists bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tenants[id] = exists
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestCache(t *testing.T) {
	ctx := t.Context()
	st := &fakeStore{tenants: map[string]bool{"public": true}}
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	c := NewCache(Config{Store: st, Now: clk.now, TTL: 5 * time.Second})

	want := func(id string, exists bool, reads int) {
		t.Helper()
		got, err := c.Tenant(ctx, id)
		switch {
		case exists && (err != nil || got.ID != id):
			t.Fatalf("Tenant(%q) = %+v, %v; want it found", id, got, err)
		case !exists && !errors.Is(err, store.ErrNotFound):
			t.Fatalf("Tenant(%q) = %+v, %v; want ErrNotFound", id, got, err)
		}
		if st.reads != reads {
			t.Fatalf("after Tenant(%q): %d store reads, want %d", id, st.reads, reads)
		}
	}
	want("public", true, 1)
	want("public", true, 1) // remembered
	clk.t = clk.t.Add(5 * time.Second)
	want("public", true, 2) // TTL over: read again

	// An unknown id is asked every time, so a tenant created elsewhere is
	// seen at once.
	want("acme", false, 3)
	want("acme", false, 4)
	st.set("acme", true)
	want("acme", true, 5)

	// A removed tenant is served until the TTL is over, then refused.
	st.set("acme", false)
	want("acme", true, 5)
	clk.t = clk.t.Add(5 * time.Second)
	want("acme", false, 6)
	want("acme", false, 7)

	// A failing store: a tenant found before is still served; one never
	// found gets the error.
	st.fail = errors.New("database down")
	clk.t = clk.t.Add(5 * time.Second)
	if _, err := c.Tenant(ctx, "public"); err != nil {
		t.Fatalf("public with the store down: %v", err)
	}
	if _, err := c.Tenant(ctx, "other"); err == nil || errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown tenant with the store down: %v, want the store's error", err)
	}
}

func TestCacheIsBounded(t *testing.T) {
	st := &fakeStore{tenants: map[string]bool{}}
	for i := range 10 {
		st.tenants[fmt.Sprint("t", i)] = true
	}
	c := NewCache(Config{Store: st, MaxEntries: 3})
	for i := range 10 {
		if _, err := c.Tenant(t.Context(), fmt.Sprint("t", i)); err != nil {
			t.Fatal(err)
		}
		if n := len(c.found); n > 3 {
			t.Fatalf("%d tenants remembered, cap 3", n)
		}
	}
	// Unknown ids are never remembered.
	for i := range 100 {
		_, _ = c.Tenant(t.Context(), fmt.Sprint("nope", i))
	}
	if n := len(c.found); n > 3 {
		t.Fatalf("%d entries after unknown ids", n)
	}
}
