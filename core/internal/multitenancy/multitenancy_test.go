package multitenancy_test

import (
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/core/internal/tenants"
)

func putTenant(t *testing.T, c *coretest.Client, body map[string]any) {
	t.Helper()
	if got := c.Put(t, "/recipe/multitenancy/tenant/v2", body).Status(t); got != "OK" {
		t.Fatalf("PUT tenant %v = %s", body, got)
	}
}

// TestTenantIsolation: each recipe acts in the tenant of its path; a user
// exists for another tenant only once associated; a tenant's login
// methods and settings are its own.
func TestTenantIsolation(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		putTenant(t, c, map[string]any{"tenantId": "a", "firstFactors": nil})
		putTenant(t, c, map[string]any{"tenantId": "b", "firstFactors": []string{"emailpassword", "otp-email"},
			"coreConfig": map[string]any{"passwordless_code_lifetime": 120000}})

		signUp := c.Post(t, "/a/recipe/signup", map[string]any{"email": "x@example.com", "password": "pw-a"}).JSON(t)
		id := signUp["recipeUserId"].(string)

		for _, tc := range []struct {
			name, method, path string
			body               map[string]any
			wantStatus         string
			wantCode           int
		}{
			{"sign-in on a", "POST", "/a/recipe/signin", map[string]any{"email": "x@example.com", "password": "pw-a"}, "OK", 200},
			{"sign-in on b", "POST", "/b/recipe/signin", map[string]any{"email": "x@example.com", "password": "pw-a"}, "WRONG_CREDENTIALS_ERROR", 200},
			{"sign-in on public", "POST", "/recipe/signin", map[string]any{"email": "x@example.com", "password": "pw-a"}, "WRONG_CREDENTIALS_ERROR", 200},
			{"user by email on b", "GET", "/b/recipe/user?email=x@example.com", nil, "UNKNOWN_EMAIL_ERROR", 200},
			{"count on b", "GET", "/b/users/count", nil, "OK", 200},
			{"same email signs up on b", "POST", "/b/recipe/signup", map[string]any{"email": "x@example.com", "password": "pw-b"}, "OK", 200},
			{"b enables no third party", "POST", "/b/recipe/signinup", map[string]any{"thirdPartyId": "okta", "thirdPartyUserId": "1",
				"email": map[string]any{"id": "t@example.com", "isVerified": true}}, "", http.StatusForbidden},
			{"b enables email OTP", "POST", "/b/recipe/signinup/code", map[string]any{"email": "p@example.com"}, "OK", 200},
			{"unknown tenant", "POST", "/zz/recipe/signin", map[string]any{"email": "x@example.com", "password": "pw-a"}, "", http.StatusBadRequest},
		} {
			r := c.Do(t, tc.method, tc.path, tc.body)
			if r.Code != tc.wantCode || tc.wantStatus != "" && r.Status(t) != tc.wantStatus {
				t.Errorf("%s: %d %s, want %d %s", tc.name, r.Code, r.Body, tc.wantCode, tc.wantStatus)
			}
		}
		// b's own code lifetime applies on b only.
		if got := c.Post(t, "/b/recipe/signinup/code", map[string]any{"email": "q@example.com"}).JSON(t)["codeLifetime"]; got != 120000.0 {
			t.Errorf("codeLifetime on b = %v, want 120000", got)
		}
		if got := c.Post(t, "/a/recipe/signinup/code", map[string]any{"email": "q@example.com"}).JSON(t)["codeLifetime"]; got == 120000.0 {
			t.Errorf("codeLifetime on a = %v, b's", got)
		}
		if n := c.Get(t, "/b/users/count").JSON(t)["count"]; n != 1.0 {
			t.Errorf("users on b = %v, want 1", n)
		}

		// Associated with public, the user of a signs in there too; its
		// session on public is in public.
		if got := c.Post(t, "/public/recipe/multitenancy/tenant/user", map[string]any{"recipeUserId": id}).Status(t); got != "OK" {
			t.Fatalf("associate with public = %s", got)
		}
		if got := c.Post(t, "/recipe/signin", map[string]any{"email": "x@example.com", "password": "pw-a"}).Status(t); got != "OK" {
			t.Errorf("sign-in on public after association = %s", got)
		}
		// Removing a leaves the user in public.
		if got := c.Post(t, "/recipe/multitenancy/tenant/remove", map[string]any{"tenantId": "a"}).JSON(t); got["didExist"] != true {
			t.Fatalf("remove a = %v", got)
		}
		u := c.Get(t, "/user/id?userId="+id).JSON(t)
		if u["status"] != "OK" {
			t.Fatalf("user after a is removed = %v", u)
		}
		if ts := u["user"].(map[string]any)["tenantIds"].([]any); len(ts) != 1 || ts[0] != "public" {
			t.Errorf("tenantIds after a is removed = %v", ts)
		}
		if r := c.Post(t, "/a/recipe/signin", map[string]any{"email": "x@example.com", "password": "pw-a"}); r.Code != http.StatusBadRequest {
			t.Errorf("sign-in on removed a = %d %s", r.Code, r.Body)
		}
	})
}

// TestTenantChangesReachOtherCores: two cores on one database. A tenant
// one creates is served by the other at once (unknown ids are not
// cached); one it removes is refused by the other once the lookup cache's
// TTL has passed, and served until then.
func TestTenantChangesReachOtherCores(t *testing.T) {
	for _, engine := range coretest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			a := coretest.Start(t, coretest.Mode{Engine: engine, InProcess: true})
			var (
				mu  sync.Mutex
				now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			)
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			other, err := core.New(core.Config{Store: a.Store, Now: clock, CleanupInterval: -1,
				Logger:          slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
				PasswordHashing: core.PasswordHashing{BcryptCost: 4}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { other.Close() })
			b := coretest.Connect(t, other, a.Store, coretest.Mode{Engine: engine, InProcess: true})

			if r := b.Get(t, "/acme/recipe/multitenancy/tenant/v2"); r.Code != http.StatusBadRequest {
				t.Fatalf("unknown acme on b = %d", r.Code)
			}
			putTenant(t, a, map[string]any{"tenantId": "acme", "firstFactors": []string{"emailpassword"}})
			if got := b.Get(t, "/acme/recipe/multitenancy/tenant/v2").Status(t); got != "OK" {
				t.Fatalf("acme on b right after a created it = %s", got)
			}
			if got := a.Post(t, "/recipe/multitenancy/tenant/remove", map[string]any{"tenantId": "acme"}).Status(t); got != "OK" {
				t.Fatalf("remove = %s", got)
			}
			if r := a.Get(t, "/acme/recipe/multitenancy/tenant/v2"); r.Code != http.StatusBadRequest {
				t.Errorf("acme on a right after removing it = %d, want 400", r.Code)
			}
			if got := b.Get(t, "/acme/recipe/multitenancy/tenant/v2").Status(t); got != "OK" {
				t.Errorf("acme on b within the TTL = %s, want the cached tenant", got)
			}
			mu.Lock()
			now = now.Add(tenants.DefaultTTL)
			mu.Unlock()
			if r := b.Get(t, "/acme/recipe/multitenancy/tenant/v2"); r.Code != http.StatusBadRequest {
				t.Errorf("acme on b after the TTL = %d %s, want 400", r.Code, r.Body)
			}
		})
	}
}
