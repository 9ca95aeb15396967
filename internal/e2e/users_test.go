package e2e

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

// TestUserCalls drives the SDK instance's typed user calls against a real
// core: list (pages, order, search, recipe filter), count, search tags,
// user by id, delete, and the dashboard account calls.
func TestUserCalls(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a := newApp(t, m, options{})
		ctx := t.Context()
		var ids []string
		for i := range 5 {
			res, err := a.ep.SignUp(ctx, "", fmt.Sprintf("user%d@example.com", i), "secret123")
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, res.User.ID)
			a.clock.Advance(time.Second) // distinct join times
		}

		page, err := a.lk.ListUsers(ctx, latchkey.ListUsersOptions{Limit: 2, Order: latchkey.NewestFirst})
		if err != nil || len(page.Users) != 2 || page.Users[0].ID != ids[4] || page.NextPaginationToken == "" {
			t.Fatalf("first page: %+v, %v", page, err)
		}
		page, err = a.lk.ListUsers(ctx, latchkey.ListUsersOptions{Limit: 2, Order: latchkey.NewestFirst, PaginationToken: page.NextPaginationToken})
		if err != nil || len(page.Users) != 2 || page.Users[0].ID != ids[2] {
			t.Fatalf("second page: %+v, %v", page, err)
		}
		page, err = a.lk.ListUsers(ctx, latchkey.ListUsersOptions{})
		if err != nil || len(page.Users) != 5 || page.Users[0].ID != ids[0] || page.NextPaginationToken != "" {
			t.Fatalf("default page (oldest first): %+v, %v", page, err)
		}
		page, err = a.lk.ListUsers(ctx, latchkey.ListUsersOptions{Search: latchkey.UserSearch{Emails: []string{"user1", "user3@"}}})
		if err != nil || len(page.Users) != 2 {
			t.Fatalf("search: %+v, %v", page, err)
		}
		page, err = a.lk.ListUsers(ctx, latchkey.ListUsersOptions{RecipeIDs: []string{"passwordless"}})
		if err != nil || len(page.Users) != 0 {
			t.Fatalf("recipe filter: %+v, %v", page, err)
		}
		var ce *latchkey.CoreError
		if _, err := a.lk.ListUsers(ctx, latchkey.ListUsersOptions{Limit: latchkey.MaxUsersPerPage + 1}); !errors.As(err, &ce) || ce.Code != 400 {
			t.Fatalf("a limit over the cap: %v, want a 400 CoreError", err)
		}

		if n, err := a.lk.CountUsers(ctx, latchkey.CountUsersOptions{}); err != nil || n != 5 {
			t.Fatalf("count: %d, %v", n, err)
		}
		if n, err := a.lk.CountUsers(ctx, latchkey.CountUsersOptions{AllTenants: true, RecipeIDs: []string{"emailpassword"}}); err != nil || n != 5 {
			t.Fatalf("count of every tenant: %d, %v", n, err)
		}
		if tags, err := a.lk.SearchTags(ctx); err != nil || len(tags) != 3 {
			t.Fatalf("search tags: %v, %v", tags, err)
		}
		if tenants, err := a.lk.Tenants(ctx); err != nil || len(tenants) != 1 || tenants[0].TenantID != latchkey.DefaultTenantID {
			t.Fatalf("tenants: %+v, %v", tenants, err)
		}

		if err := a.lk.DeleteUser(ctx, ids[0], true); err != nil {
			t.Fatal(err)
		}
		if u, err := a.lk.User(ctx, ids[0]); err != nil || u != nil {
			t.Fatalf("deleted user: %+v, %v", u, err)
		}
		if u, err := a.lk.User(ctx, ids[1]); err != nil || u == nil || u.Emails[0] != "user1@example.com" {
			t.Fatalf("user: %+v, %v", u, err)
		}
		if err := a.lk.DeleteUser(ctx, "no-such-user", false); err != nil {
			t.Fatalf("deleting an unknown user: %v", err)
		}

		// Dashboard accounts.
		if s := a.core.Post(t, "/recipe/dashboard/user", map[string]string{"email": "ops@example.com", "password": "dash-pass-1"}).Status(t); s != "OK" {
			t.Fatalf("creating a dashboard account: %s", s)
		}
		if _, err := a.lk.DashboardSignIn(ctx, "ops@example.com", "wrong-pass-1"); !errors.Is(err, latchkey.ErrDashboardWrongCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
		sid, err := a.lk.DashboardSignIn(ctx, "ops@example.com", "dash-pass-1")
		if err != nil || sid == "" {
			t.Fatalf("dashboard sign-in: %q, %v", sid, err)
		}
		if acct, err := a.lk.VerifyDashboardSession(ctx, sid); err != nil || acct.Email != "ops@example.com" || acct.UserID == "" || acct.ReadOnly {
			t.Fatalf("verify: %+v, %v", acct, err)
		}
		if err := a.lk.DashboardSignOut(ctx, sid); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{sid, "not a session id"} {
			if _, err := a.lk.VerifyDashboardSession(ctx, id); !errors.Is(err, latchkey.ErrDashboardSessionInvalid) {
				t.Fatalf("verify %q after sign-out: %v", id, err)
			}
		}
	})
}
