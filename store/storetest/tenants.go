package storetest

import (
	"testing"

	"github.com/latchkey-dev/latchkey/store"
)

// testTenants: the migrations create the default tenant, and only it.
func testTenants(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	got, err := s.Tenant(ctx, store.DefaultTenant)
	ok(t, err, "Tenant(default)")
	if got.ID != store.DefaultTenant || got.CreatedAt.IsZero() {
		t.Fatalf("Tenant(default) = %+v", got)
	}
	for _, id := range []string{"t1", "", "PUBLIC", "public ", "recipe"} {
		_, err := s.Tenant(ctx, id)
		is(t, err, store.ErrNotFound, "Tenant("+id+")")
	}
}
