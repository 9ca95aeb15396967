package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/latchkey-dev/latchkey/store"
)

// testListFilters checks ListUsers' and CountUsersMatching's filters
// (email verified, role, joined range), alone, together, with a recipe
// filter and a search, in both orders and page by page; and that the
// verified flag follows verifications and email changes.
func testListFilters(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	var u [6]store.EmailPasswordUser
	for i := range u {
		domain := "acme.com"
		if i == 5 {
			domain = "globex.com"
		}
		u[i] = createEP(t, ctx, s, epUser(fmt.Sprintf("u%d@%s", i, domain), at(int64(i))))
	}
	for _, i := range []int{0, 2, 4} {
		ok(t, s.SetEmailVerified(ctx, u[i].ID, u[i].Email, true), "SetEmailVerified")
	}
	_, err := s.CreateRole(ctx, "admin", nil)
	ok(t, err, "CreateRole")
	for _, i := range []int{1, 2, 5} {
		_, err := s.AddUserRole(ctx, store.DefaultTenant, u[i].ID, "admin")
		ok(t, err, "AddUserRole")
	}
	// Another tenant's role is not this tenant's.
	_, err = s.AddUserRole(ctx, "other", u[3].ID, "admin")
	ok(t, err, "AddUserRole in another tenant")

	yes, no := true, false
	// want lists users newest first, by index into u.
	check := func(t *testing.T, name string, q store.ListUsersQuery, want ...int) {
		t.Helper()
		q.TenantID = store.DefaultTenant
		for _, desc := range []bool{true, false} {
			q.Descending = desc
			wantIDs := make([]string, len(want))
			for i, w := range want {
				wantIDs[i] = u[w].ID
			}
			if !desc {
				slices.Reverse(wantIDs)
			}
			q.Limit = 100
			q.After = nil
			got, err := s.ListUsers(ctx, q)
			ok(t, err, "ListUsers "+name)
			if !slices.Equal(ids(got), wantIDs) {
				t.Errorf("%s desc=%v: got %v, want %v", name, desc, ids(got), wantIDs)
			}
			n, err := s.CountUsersMatching(ctx, q)
			ok(t, err, "CountUsersMatching "+name)
			if n != len(want) {
				t.Errorf("%s: CountUsersMatching = %d, want %d", name, n, len(want))
			}
			// Page by one, as the core does: limit+1, the extra row is
			// the next page's cursor.
			var walked []string
			q.Limit = 2
			for range 10 {
				page, err := s.ListUsers(ctx, q)
				ok(t, err, "ListUsers page "+name)
				if len(page) == 0 {
					break
				}
				walked = append(walked, page[0].ID)
				if len(page) < 2 {
					break
				}
				q.After = &store.UserCursor{UserID: page[1].ID, TimeJoined: page[1].TimeJoined}
			}
			if !slices.Equal(walked, wantIDs) && len(wantIDs) > 0 {
				t.Errorf("%s desc=%v: paged %v, want %v", name, desc, walked, wantIDs)
			}
		}
	}
	t.Run("filters", func(t *testing.T) {
		check(t, "verified", store.ListUsersQuery{EmailVerified: &yes}, 4, 2, 0)
		check(t, "not verified", store.ListUsersQuery{EmailVerified: &no}, 5, 3, 1)
		check(t, "role", store.ListUsersQuery{Role: "admin"}, 5, 2, 1)
		check(t, "unknown role", store.ListUsersQuery{Role: "nobody"})
		check(t, "joined", store.ListUsersQuery{JoinedFrom: at(1), JoinedTo: at(4)}, 3, 2, 1)
		check(t, "joined from", store.ListUsersQuery{JoinedFrom: at(4)}, 5, 4)
		check(t, "joined to", store.ListUsersQuery{JoinedTo: at(1)}, 0)
		check(t, "verified role", store.ListUsersQuery{EmailVerified: &yes, Role: "admin"}, 2)
		check(t, "not verified role joined", store.ListUsersQuery{EmailVerified: &no, Role: "admin", JoinedFrom: at(1), JoinedTo: at(6)}, 5, 1)
		check(t, "role joined", store.ListUsersQuery{Role: "admin", JoinedTo: at(5)}, 2, 1)
		check(t, "recipe verified", store.ListUsersQuery{EmailVerified: &yes, RecipeIDs: []string{store.RecipeEmailPassword}}, 4, 2, 0)
		check(t, "other recipe verified", store.ListUsersQuery{EmailVerified: &yes, RecipeIDs: []string{store.RecipePasswordless}})
		check(t, "two recipes joined role", store.ListUsersQuery{Role: "admin", JoinedFrom: at(2),
			RecipeIDs: []string{store.RecipeEmailPassword, store.RecipeThirdParty}}, 5, 2)
		check(t, "search verified", store.ListUsersQuery{EmailVerified: &yes, Search: store.UserSearch{Emails: []string{"u"}}}, 4, 2, 0)
		check(t, "search role", store.ListUsersQuery{Role: "admin", Search: store.UserSearch{Emails: []string{"globex.com"}}}, 5)
		check(t, "search joined", store.ListUsersQuery{JoinedFrom: at(2), Search: store.UserSearch{Emails: []string{"acme.com"}}}, 4, 3, 2)
		check(t, "search not verified role", store.ListUsersQuery{EmailVerified: &no, Role: "admin", Search: store.UserSearch{Emails: []string{"acme"}}}, 1)
	})

	t.Run("verified follows changes", func(t *testing.T) {
		// A changed email is not verified until it is; an unverified
		// email leaves the verified filter.
		_, err := s.UpdateEmailPasswordUser(ctx, u[0].ID, func(e *store.EmailPasswordUser) error {
			e.Email = "u0-new@acme.com"
			return nil
		})
		ok(t, err, "UpdateEmailPasswordUser")
		check(t, "verified after a change", store.ListUsersQuery{EmailVerified: &yes}, 4, 2)
		check(t, "not verified after a change", store.ListUsersQuery{EmailVerified: &no}, 5, 3, 1, 0)
		ok(t, s.SetEmailVerified(ctx, u[0].ID, "u0-new@acme.com", true), "SetEmailVerified new")
		ok(t, s.SetEmailVerified(ctx, u[4].ID, u[4].Email, false), "SetEmailVerified false")
		check(t, "verified after verifying", store.ListUsersQuery{EmailVerified: &yes}, 2, 0)
		check(t, "not verified after unverifying", store.ListUsersQuery{EmailVerified: &no}, 5, 4, 3, 1)
		// A verification recorded before the user exists counts.
		pre := epUser("pre@acme.com", at(9))
		ok(t, s.SetEmailVerified(ctx, pre.ID, pre.Email, true), "SetEmailVerified before the user")
		createEP(t, ctx, s, pre)
		got, err := s.ListUsers(ctx, store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 1, Descending: true, EmailVerified: &yes})
		ok(t, err, "ListUsers verified")
		if len(got) != 1 || got[0].ID != pre.ID {
			t.Errorf("a user verified before it was created: got %v, want %s first", ids(got), pre.ID)
		}
	})

	t.Run("common role", func(t *testing.T) {
		// Enough holders that the list walks the tenant and tests each
		// user, instead of reading the role's users: pages must agree.
		s := open(t)
		users := make([]store.EmailPasswordUser, 130)
		for i := range users {
			users[i] = epUser(fmt.Sprintf("m%03d@example.com", i), at(int64(i)))
		}
		loadUsers(t, ctx, s, users)
		_, err := s.CreateRole(ctx, "member", nil)
		ok(t, err, "CreateRole")
		var want []string
		for i, usr := range users {
			if i%13 == 0 {
				continue
			}
			_, err := s.AddUserRole(ctx, store.DefaultTenant, usr.ID, "member")
			ok(t, err, "AddUserRole")
			want = append(want, usr.ID)
		}
		slices.Reverse(want)
		var walked []string
		q := store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 3, Descending: true, Role: "member"}
		for range 100 {
			page, err := s.ListUsers(ctx, q)
			ok(t, err, "ListUsers member")
			walked = append(walked, ids(page[:min(2, len(page))])...)
			if len(page) < 3 {
				break
			}
			q.After = &store.UserCursor{UserID: page[2].ID, TimeJoined: page[2].TimeJoined}
		}
		if !slices.Equal(walked, want) {
			t.Errorf("paging a common role: got %d users, want %d (%v)", len(walked), len(want), walked)
		}
		q = store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 1000, Role: "member", JoinedFrom: at(13), JoinedTo: at(26)}
		n, err := s.CountUsersMatching(ctx, q)
		ok(t, err, "CountUsersMatching member")
		if n != 12 {
			t.Errorf("members joined in [13, 26): %d, want 12", n)
		}

		// A search with a filter starts from the filter's users when they
		// are few for the page size, and from the search's matches when
		// not: each way, pages and counts must agree. Three users are
		// verified; the search "m0" matches users 0 to 99.
		yes, no := true, false
		for _, i := range []int{5, 50, 95} {
			ok(t, s.SetEmailVerified(ctx, users[i].ID, users[i].Email, true), "SetEmailVerified")
		}
		pageAll := func(q store.ListUsersQuery) []string {
			var out []string
			for range 200 {
				page, err := s.ListUsers(ctx, q)
				ok(t, err, "ListUsers search with a filter")
				out = append(out, ids(page[:min(q.Limit-1, len(page))])...)
				if len(page) < q.Limit {
					break
				}
				q.After = &store.UserCursor{UserID: page[q.Limit-1].ID, TimeJoined: page[q.Limit-1].TimeJoined}
			}
			return out
		}
		wantOf := func(keep func(i int) bool) []string {
			var out []string
			for i := 99; i >= 0; i-- {
				if keep(i) {
					out = append(out, users[i].ID)
				}
			}
			return out
		}
		search := store.UserSearch{Emails: []string{"m0"}}
		verified := func(i int) bool { return i == 5 || i == 50 || i == 95 }
		for _, tc := range []struct {
			name string
			q    store.ListUsersQuery
			want []string
		}{
			{"member", store.ListUsersQuery{Role: "member"}, wantOf(func(i int) bool { return i%13 != 0 })},
			{"verified", store.ListUsersQuery{EmailVerified: &yes}, wantOf(verified)},
			{"not verified", store.ListUsersQuery{EmailVerified: &no}, wantOf(func(i int) bool { return !verified(i) })},
			{"verified member", store.ListUsersQuery{EmailVerified: &yes, Role: "member"}, wantOf(func(i int) bool { return verified(i) && i%13 != 0 })},
			{"not verified member joined", store.ListUsersQuery{EmailVerified: &no, Role: "member", JoinedFrom: at(40), JoinedTo: at(60)},
				wantOf(func(i int) bool { return !verified(i) && i%13 != 0 && i >= 40 && i < 60 })},
		} {
			// By 2, the role's 120 holders are many (50 a row of the
			// page or more) and the search reads its matches; by 101
			// it reads the holders. The flag's 3 users are few for any
			// limit, its 127 others only by 101.
			for _, limit := range []int{2, 101} {
				q := tc.q
				q.TenantID, q.Descending, q.Search, q.Limit = store.DefaultTenant, true, search, limit
				if got := pageAll(q); !slices.Equal(got, tc.want) {
					t.Errorf("search m0, %s, by %d: got %d users, want %d", tc.name, limit, len(got), len(tc.want))
				}
				// A count counts up to its limit.
				q.After = nil
				n, err := s.CountUsersMatching(ctx, q)
				ok(t, err, "CountUsersMatching search with a filter")
				if n != min(limit, len(tc.want)) {
					t.Errorf("search m0, %s, count up to %d: %d, want %d", tc.name, limit, n, min(limit, len(tc.want)))
				}
			}
		}
	})
}
