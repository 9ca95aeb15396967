package core_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/store"
)

// extraTenants is a store that knows more tenants than its migrations
// made, or fails to say.
type extraTenants struct {
	store.Store
	known map[string]bool
	fail  error
}

func (s extraTenants) Tenant(ctx context.Context, id string) (store.Tenant, error) {
	if s.fail != nil {
		return store.Tenant{}, s.fail
	}
	if s.known[id] {
		return store.Tenant{ID: id}, nil
	}
	return s.Store.Tenant(ctx, id)
}

// TestTenantsComeFromTheStore: the transport asks the store which tenants
// exist, rather than knowing only the public one.
func TestTenantsComeFromTheStore(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		for _, tc := range []struct {
			path     string
			wantCode int
			wantText string
		}{
			{"/users/count", 200, ""},
			{"/public/users/count", 200, ""},
			{"/acme/users/count", 200, ""},
			{"/ACME/users/count", 200, ""},
			{"/appid-public/acme/users/count", 200, ""},
			{"/other/users/count", 400, "AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, public, other)"},
			{"/appid-x/acme/users/count", 400, "AppId or tenantId not found => App with the following connectionURIDomain and appId combination not found: (, x)"},
		} {
			r := c.Get(t, tc.path)
			if r.Code != tc.wantCode || tc.wantText != "" && r.Text() != tc.wantText {
				t.Errorf("GET %s = %d %q, want %d %q", tc.path, r.Code, r.Text(), tc.wantCode, tc.wantText)
			}
		}
		// The tenant endpoints answer for the tenant the store knows.
		if body := c.Get(t, "/acme/recipe/multitenancy/tenant/v2").JSON(t); body["status"] != "OK" || body["tenantId"] != "acme" {
			t.Errorf("tenant/v2 on acme = %v", body)
		}
		if r := c.Get(t, "/acme/recipe/multitenancy/tenant/list/v2"); r.Code != http.StatusForbidden {
			t.Errorf("tenant list on acme = %d %s, want 403", r.Code, r.Body)
		}
	}, func(cfg *core.Config) {
		cfg.Store = extraTenants{Store: cfg.Store, known: map[string]bool{"acme": true}}
	})
}

// TestTenantLookupFailure: a store that cannot say whether a tenant exists
// is a 500, not the unknown-tenant 400.
func TestTenantLookupFailure(t *testing.T) {
	c := coretest.New(t, func(cfg *core.Config) {
		cfg.Store = extraTenants{Store: cfg.Store, fail: errors.New("database down")}
	})
	if r := c.Get(t, "/acme/users/count"); r.Code != http.StatusInternalServerError {
		t.Errorf("got %d %q, want 500", r.Code, r.Text())
	}
}
