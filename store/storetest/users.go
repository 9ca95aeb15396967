package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

// bulkLoader is implemented by engines that can load many users at once;
// the suite uses it, when present, to build large listings quickly (and so
// tests it too).
type bulkLoader interface {
	BulkLoadEmailPasswordUsers(ctx context.Context, users []store.EmailPasswordUser) error
}

func loadUsers(t *testing.T, ctx context.Context, s store.Store, users []store.EmailPasswordUser) {
	t.Helper()
	if b, isBulk := s.(bulkLoader); isBulk {
		ok(t, b.BulkLoadEmailPasswordUsers(ctx, users), "BulkLoadEmailPasswordUsers")
		return
	}
	for _, u := range users {
		createEP(t, ctx, s, u)
	}
}

func ids(users []store.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.ID
	}
	return out
}

// listingOrder sorts users as ListUsers does: time joined in the chosen
// direction, then id descending (byte order).
func listingOrder(users []store.EmailPasswordUser, desc bool) []string {
	sorted := slices.Clone(users)
	slices.SortFunc(sorted, func(a, b store.EmailPasswordUser) int {
		if c := a.TimeJoined.Compare(b.TimeJoined); c != 0 {
			if desc {
				return -c
			}
			return c
		}
		return -strings.Compare(a.ID, b.ID)
	})
	out := make([]string, len(sorted))
	for i, u := range sorted {
		out[i] = u.ID
	}
	return out
}

func testUser(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	u := createEP(t, ctx, s, epUser("gus@example.com", at(42)))

	check := func(verified bool) {
		t.Helper()
		got, err := s.User(ctx, u.ID)
		ok(t, err, "User")
		if got.ID != u.ID || !got.TimeJoined.Equal(u.TimeJoined) || !equalStrings(got.TenantIDs, []string{store.DefaultTenant}) ||
			len(got.LoginMethods) != 1 {
			t.Fatalf("User = %+v", got)
		}
		lm := got.LoginMethods[0]
		if lm.RecipeID != store.RecipeEmailPassword || lm.RecipeUserID != u.ID || !equalStrings(lm.TenantIDs, []string{store.DefaultTenant}) ||
			!lm.TimeJoined.Equal(u.TimeJoined) || lm.Email != u.Email || lm.PhoneNumber != "" || lm.ThirdParty != nil ||
			lm.Verified != verified {
			t.Fatalf("login method = %+v, want verified=%v", lm, verified)
		}
	}
	check(false)
	ok(t, s.SetEmailVerified(ctx, u.ID, "another@example.com", true), "verify another email")
	check(false)
	ok(t, s.SetEmailVerified(ctx, u.ID, u.Email, true), "verify the user's email")
	check(true)

	_, err := s.User(ctx, newID())
	is(t, err, store.ErrNotFound, "User unknown")
}

func testCountUsers(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	for i := range 5 {
		createEP(t, ctx, s, epUser(fmt.Sprintf("c%d@example.com", i), at(int64(i))))
	}
	for i := range 3 {
		u := epUser(fmt.Sprintf("c%d@example.com", i), at(int64(i)))
		u.TenantID = "t2"
		createEP(t, ctx, s, u)
	}
	for _, tc := range []struct {
		tenant  string
		recipes []string
		want    int64
	}{
		{store.DefaultTenant, nil, 5},
		{"t2", nil, 3},
		{"", nil, 8},
		{"t3", nil, 0},
		{store.DefaultTenant, []string{store.RecipeEmailPassword}, 5},
		{store.DefaultTenant, []string{store.RecipeThirdParty}, 0},
		{store.DefaultTenant, []string{store.RecipeThirdParty, store.RecipeEmailPassword}, 5},
		{"", []string{store.RecipeEmailPassword}, 8},
		{"", []string{store.RecipePasswordless}, 0},
	} {
		n, err := s.CountUsers(ctx, tc.tenant, tc.recipes)
		ok(t, err, "CountUsers")
		if n != tc.want {
			t.Errorf("CountUsers(%q, %q) = %d, want %d", tc.tenant, tc.recipes, n, tc.want)
		}
	}
}

func testListUsers(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	// Two users share each time, so the id breaks ties.
	var users []store.EmailPasswordUser
	for i := range 6 {
		users = append(users, createEP(t, ctx, s, epUser(fmt.Sprintf("l%d@example.com", i), at(int64(i/2)))))
	}
	elsewhere := epUser("l0@example.com", at(0))
	elsewhere.TenantID = "t2"
	createEP(t, ctx, s, elsewhere)

	asc, desc := listingOrder(users, false), listingOrder(users, true)
	list := func(q store.ListUsersQuery) []string {
		t.Helper()
		got, err := s.ListUsers(ctx, q)
		ok(t, err, "ListUsers")
		return ids(got)
	}
	q := store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 100}
	wantStrings(t, list(q), asc, "ascending")
	q.Descending = true
	wantStrings(t, list(q), desc, "descending")

	q.Limit = 3
	wantStrings(t, list(q), desc[:3], "descending, limit 3")
	// A cursor names the first row of the page.
	byID := map[string]store.EmailPasswordUser{}
	for _, u := range users {
		byID[u.ID] = u
	}
	cursor := func(id string) *store.UserCursor {
		return &store.UserCursor{UserID: id, TimeJoined: byID[id].TimeJoined}
	}
	q.After = cursor(desc[3])
	wantStrings(t, list(q), desc[3:6], "descending from the 4th")
	q.Descending, q.After = false, cursor(asc[1])
	wantStrings(t, list(q), asc[1:4], "ascending from the 2nd (a tie)")

	q = store.ListUsersQuery{TenantID: "t2", Limit: 10}
	wantStrings(t, list(q), []string{elsewhere.ID}, "tenant t2")
	q.TenantID = "t3"
	wantStrings(t, list(q), []string{}, "empty tenant")

	q = store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 100}
	q.RecipeIDs = []string{store.RecipeEmailPassword}
	wantStrings(t, list(q), asc, "emailpassword only")
	q.RecipeIDs = []string{store.RecipeThirdParty}
	wantStrings(t, list(q), []string{}, "thirdparty only")
	q.RecipeIDs = []string{store.RecipeThirdParty, store.RecipeEmailPassword, store.RecipePasswordless}
	wantStrings(t, list(q), asc, "several recipes")

	got, err := s.ListUsers(ctx, store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 1})
	ok(t, err, "ListUsers limit 1")
	if len(got) != 1 || got[0].LoginMethods[0].Email != byID[asc[0]].Email {
		t.Fatalf("ListUsers returns full users: %+v", got)
	}
	for _, limit := range []int{0, -1} {
		if _, err := s.ListUsers(ctx, store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: limit}); err == nil {
			t.Errorf("ListUsers with Limit %d: no error", limit)
		}
	}
}

// testPaginationWalk walks 10,000 users page by page the way the core does
// (fetch limit+1, resume at the extra row), in both orders and with recipe
// filters, and checks that every user is seen once and in order. A third
// of the users share one time joined, and the rest come in threes, so the
// id tie-break carries the walk across pages.
func testPaginationWalk(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	const n = 10_000
	users := make([]store.EmailPasswordUser, n)
	for i := range users {
		joined := at(int64(i / 3))
		if i%3 == 0 {
			joined = at(1234)
		}
		users[i] = epUser(fmt.Sprintf("walk%05d@example.com", i), joined)
	}
	loadUsers(t, ctx, s, users)
	if c, err := s.CountUsers(ctx, store.DefaultTenant, nil); err != nil || c != n {
		t.Fatalf("CountUsers = %d, %v; want %d", c, err, n)
	}

	// A search term that matches most users is served by walking in
	// listing order, one that matches a few by sorting the matches: walk
	// both ways.
	emails := func(terms ...string) store.UserSearch { return store.UserSearch{Emails: terms} }
	for _, tc := range []struct {
		desc    bool
		recipes []string
		limit   int
		search  store.UserSearch
		match   func(email string) bool
	}{
		{false, nil, 97, store.UserSearch{}, nil},
		{true, nil, 97, store.UserSearch{}, nil},
		{false, []string{store.RecipeEmailPassword}, 500, store.UserSearch{}, nil},
		{true, []string{store.RecipeThirdParty, store.RecipeEmailPassword}, 250, store.UserSearch{}, nil},
		{false, nil, 97, emails("walk"), func(string) bool { return true }},
		{true, nil, 97, emails("walk"), func(string) bool { return true }},
		{true, nil, 50, emails("example.com", "nomatch"), func(string) bool { return true }},
		{false, []string{store.RecipeEmailPassword}, 97, emails("walk05", "walk09"),
			func(e string) bool { return strings.HasPrefix(e, "walk05") || strings.HasPrefix(e, "walk09") }},
		{true, nil, 9, emails("walk000"), func(e string) bool { return strings.HasPrefix(e, "walk000") }},
		{false, nil, 30, emails("walk01", "walk02", "walk03"),
			func(e string) bool { return e >= "walk01" && e < "walk04" }},
		{true, nil, 30, emails("walk01", "walk02", "walk03"),
			func(e string) bool { return e >= "walk01" && e < "walk04" }},
	} {
		t.Run(fmt.Sprintf("desc=%v/recipes=%v/search=%v", tc.desc, tc.recipes, tc.search.Emails), func(t *testing.T) {
			kept := users
			if tc.match != nil {
				kept = slices.DeleteFunc(slices.Clone(users), func(u store.EmailPasswordUser) bool { return !tc.match(u.Email) })
			}
			want := listingOrder(kept, tc.desc)
			n := len(want)
			var seen []string
			q := store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: tc.limit + 1, Descending: tc.desc,
				RecipeIDs: tc.recipes, Search: tc.search}
			for pages := 0; ; pages++ {
				if pages > n {
					t.Fatal("the walk does not end")
				}
				page, err := s.ListUsers(ctx, q)
				ok(t, err, "ListUsers")
				if len(page) <= tc.limit {
					seen = append(seen, ids(page)...)
					break
				}
				seen = append(seen, ids(page[:tc.limit])...)
				next := page[tc.limit]
				q.After = &store.UserCursor{UserID: next.ID, TimeJoined: next.TimeJoined}
			}
			if len(seen) != n {
				t.Fatalf("walk saw %d users, want %d", len(seen), n)
			}
			for i := range want {
				if seen[i] != want[i] {
					t.Fatalf("walk position %d: got %s, want %s", i, seen[i], want[i])
				}
			}
		})
	}
}

func testSearch(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	emails := map[string]string{
		"j1": "john.smith@example.com",
		"j2": "johnny@gmail.com",
		"a":  "alice@john.org",
		"b":  "bob@example.com",
		"z":  "zoë@exämple.com",
		"u1": "a_b@x.com",
		"u2": "axb@x.com",
		"p":  "a%b@x.com",
		"x":  "examiner@example.net", // local part and domain both match "ex"
		"m":  "\U0010FFFFmax@q.org",  // a prefix of it has no upper bound
	}
	// Distinct times in this order, so ascending results are this order.
	names := []string{"j1", "j2", "a", "b", "z", "u1", "u2", "p", "x", "m"}
	id := map[string]string{}
	for i, name := range names {
		u := createEP(t, ctx, s, epUser(emails[name], at(int64(i))))
		id[name] = u.ID
	}
	other := epUser("john@other.com", at(100))
	other.TenantID = "t2"
	createEP(t, ctx, s, other)

	for _, tc := range []struct {
		name    string
		search  store.UserSearch
		recipes []string
		want    []string // ascending
	}{
		{"local part prefix or domain prefix", store.UserSearch{Emails: []string{"john"}}, nil, []string{"j1", "j2", "a"}},
		{"longer local part", store.UserSearch{Emails: []string{"john.s"}}, nil, []string{"j1"}},
		{"local part or domain", store.UserSearch{Emails: []string{"john."}}, nil, []string{"j1", "a"}},
		{"full email", store.UserSearch{Emails: []string{"john.smith@example.com"}}, nil, []string{"j1"}},
		{"domain", store.UserSearch{Emails: []string{"gmail"}}, nil, []string{"j2"}},
		{"full domain", store.UserSearch{Emails: []string{"example.com"}}, nil, []string{"j1", "b"}},
		{"short prefix", store.UserSearch{Emails: []string{"ex"}}, nil, []string{"j1", "b", "z", "x"}},
		{"overlapping terms", store.UserSearch{Emails: []string{"exam", "ex", "examiner@"}}, nil, []string{"j1", "b", "z", "x"}},
		{"overlapping terms, local part", store.UserSearch{Emails: []string{"john", "jo", "johnny"}}, nil, []string{"j1", "j2", "a"}},
		{"non-ASCII domain", store.UserSearch{Emails: []string{"exä"}}, nil, []string{"z"}},
		{"non-ASCII local part", store.UserSearch{Emails: []string{"zoë"}}, nil, []string{"z"}},
		{"prefix ending before non-ASCII", store.UserSearch{Emails: []string{"zo"}}, nil, []string{"z"}},
		{"terms are ORed", store.UserSearch{Emails: []string{"bob", "alice"}}, nil, []string{"a", "b"}},
		{"repeated term", store.UserSearch{Emails: []string{"john", "john"}}, nil, []string{"j1", "j2", "a"}},
		{"underscore is literal", store.UserSearch{Emails: []string{"a_"}}, nil, []string{"u1"}},
		{"percent is literal", store.UserSearch{Emails: []string{"a%"}}, nil, []string{"p"}},
		{"shared domain", store.UserSearch{Emails: []string{"x.com"}}, nil, []string{"u1", "u2", "p"}},
		{"no match", store.UserSearch{Emails: []string{"nomatch"}}, nil, nil},
		{"at sign", store.UserSearch{Emails: []string{"@"}}, nil, nil},
		{"invalid UTF-8", store.UserSearch{Emails: []string{"\xff"}}, nil, nil},
		{"NUL byte", store.UserSearch{Emails: []string{"a\x00"}}, nil, nil},
		{"prefix with no upper bound", store.UserSearch{Emails: []string{"\U0010FFFF"}}, nil, []string{"m"}},
		{"prefix with no upper bound and others", store.UserSearch{Emails: []string{"bob", "\U0010FFFF", "q.o"}}, nil, []string{"b", "m"}},
		{"domain after a value with no upper bound", store.UserSearch{Emails: []string{"\U0010FFFFmax", "q"}}, nil, []string{"m"}},
		{"phone", store.UserSearch{Phones: []string{"+1"}}, nil, nil},
		{"provider", store.UserSearch{Providers: []string{"google"}}, nil, nil},
		{"fields are ANDed", store.UserSearch{Emails: []string{"john"}, Phones: []string{"+1"}}, nil, nil},
		{"email and provider", store.UserSearch{Emails: []string{"john"}, Providers: []string{"g"}}, nil, nil},
		{"recipe kept", store.UserSearch{Emails: []string{"john"}}, []string{store.RecipeEmailPassword}, []string{"j1", "j2", "a"}},
		{"recipe filtered out", store.UserSearch{Emails: []string{"john"}}, []string{store.RecipeThirdParty}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := make([]string, len(tc.want))
			for i, name := range tc.want {
				want[i] = id[name]
			}
			for _, desc := range []bool{false, true} {
				got, err := s.ListUsers(ctx, store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 100,
					Descending: desc, RecipeIDs: tc.recipes, Search: tc.search})
				ok(t, err, "ListUsers")
				w := slices.Clone(want)
				if desc {
					slices.Reverse(w)
				}
				wantStrings(t, ids(got), w, fmt.Sprintf("descending=%v", desc))
			}
		})
	}

	// An identifier that matches twice (its local part and its domain)
	// still takes one place in a page.
	got, err := s.ListUsers(ctx, store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 3, Descending: true,
		Search: store.UserSearch{Emails: []string{"ex", "exam"}}})
	ok(t, err, "search, limit 3")
	wantStrings(t, ids(got), []string{id["x"], id["z"], id["b"]}, "a double match fills one place")

	q := store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 2, Search: store.UserSearch{Emails: []string{"john"}}}
	got, err = s.ListUsers(ctx, q)
	ok(t, err, "search, limit 2")
	wantStrings(t, ids(got), []string{id["j1"], id["j2"]}, "search, limit 2")
	q.After = &store.UserCursor{UserID: id["j2"], TimeJoined: at(1)}
	got, err = s.ListUsers(ctx, q)
	ok(t, err, "search from a cursor")
	wantStrings(t, ids(got), []string{id["j2"], id["a"]}, "search from a cursor")

	got, err = s.ListUsers(ctx, store.ListUsersQuery{TenantID: "t2", Limit: 10, Search: store.UserSearch{Emails: []string{"john"}}})
	ok(t, err, "search t2")
	wantStrings(t, ids(got), []string{other.ID}, "search is per tenant")
	if len(got) == 1 && got[0].LoginMethods[0].Email != other.Email {
		t.Fatalf("search returns full users: %+v", got[0])
	}
}

// testSearchManyTerms searches with hundreds of terms per field: the
// queries must stay valid (the engines cap bound parameters, and SQL that
// repeats every term in every branch exceeds the caps) and give the same
// answer as a few terms, in both plans (sorting the matches and walking in
// listing order).
func testSearchManyTerms(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	var users []store.EmailPasswordUser
	for i := range 120 {
		users = append(users, createEP(t, ctx, s, epUser(fmt.Sprintf("m%03d@many.example", i), at(int64(i)))))
	}
	other := createEP(t, ctx, s, epUser("other@m0.example", at(500))) // matches m0 by its domain only
	// 300 terms that match nobody, around the ones that match, so that
	// the matching ranges are neither first nor last.
	var terms []string
	for i := range 150 {
		terms = append(terms, fmt.Sprintf("k%03dx", i), fmt.Sprintf("z%03dx", i)) // disjoint ranges: none merge
		if i == 70 {
			terms = append(terms, "m0", "many", "m1", "m0", "m10")
		}
	}
	want := append(slices.Clone(users), other)
	for _, limit := range []int{2, 10, 1000} { // 2: dense (walk); 10, 1000: sparse (sort)
		for _, desc := range []bool{false, true} {
			got, err := s.ListUsers(ctx, store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: limit,
				Descending: desc, Search: store.UserSearch{Emails: terms}})
			ok(t, err, fmt.Sprintf("search with %d terms", len(terms)))
			w := listingOrder(want, desc)
			w = w[:min(limit, len(w))]
			wantStrings(t, ids(got), w, fmt.Sprintf("limit %d, descending=%v", limit, desc))
		}
	}
	// Several fields, each with many terms, are ANDed.
	got, err := s.ListUsers(ctx, store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 10,
		Search: store.UserSearch{Emails: terms, Phones: terms, Providers: terms}})
	ok(t, err, "search with many terms in every field")
	wantStrings(t, ids(got), nil, "email-password users have no phone")
}

func testUsersByAccountInfo(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	u := createEP(t, ctx, s, epUser("fay@example.com", at(1)))
	v := epUser(u.Email, at(2))
	v.TenantID = "t2"
	createEP(t, ctx, s, v)

	for _, tc := range []struct {
		name   string
		tenant string
		info   store.AccountInfo
		union  bool
		want   []string
	}{
		{"email", store.DefaultTenant, store.AccountInfo{Email: u.Email}, false, []string{u.ID}},
		{"email, union", store.DefaultTenant, store.AccountInfo{Email: u.Email}, true, []string{u.ID}},
		{"email in t2", "t2", store.AccountInfo{Email: u.Email}, false, []string{v.ID}},
		{"unknown email", store.DefaultTenant, store.AccountInfo{Email: "nobody@example.com"}, true, nil},
		{"no fields", store.DefaultTenant, store.AccountInfo{}, true, nil},
		{"email or phone", store.DefaultTenant, store.AccountInfo{Email: u.Email, PhoneNumber: "+14155550100"}, true, []string{u.ID}},
		{"email and phone", store.DefaultTenant, store.AccountInfo{Email: u.Email, PhoneNumber: "+14155550100"}, false, nil},
		{"third party", store.DefaultTenant, store.AccountInfo{ThirdParty: &store.ThirdPartyInfo{ID: "google", UserID: "1"}}, true, nil},
		{"email or third party", store.DefaultTenant, store.AccountInfo{Email: u.Email, ThirdParty: &store.ThirdPartyInfo{ID: "google", UserID: "1"}}, true, []string{u.ID}},
	} {
		got, err := s.UsersByAccountInfo(ctx, tc.tenant, tc.info, tc.union)
		ok(t, err, "UsersByAccountInfo "+tc.name)
		wantStrings(t, ids(got), append([]string{}, tc.want...), "UsersByAccountInfo "+tc.name)
	}
	got, err := s.UsersByAccountInfo(ctx, store.DefaultTenant, store.AccountInfo{Email: u.Email}, false)
	ok(t, err, "UsersByAccountInfo")
	if got[0].LoginMethods[0].Email != u.Email || !got[0].TimeJoined.Equal(u.TimeJoined) {
		t.Fatalf("UsersByAccountInfo returns full users: %+v", got[0])
	}
}

// userRows creates one row of every kind the store keys by user id.
func userRows(t *testing.T, ctx context.Context, s store.Store, userID, email string) {
	t.Helper()
	far := base.Add(24 * time.Hour)
	ok(t, s.CreateSession(ctx, store.Session{Handle: "h-" + userID, TenantID: store.DefaultTenant, UserID: userID,
		RefreshTokenHash2: "r", CreatedAt: base, ExpiresAt: far}), "CreateSession")
	_, err := s.UpdateMetadata(ctx, userID, func(json.RawMessage) (json.RawMessage, error) { return json.RawMessage(`{"k":1}`), nil })
	ok(t, err, "UpdateMetadata")
	_, err = s.CreateRole(ctx, "admin", nil)
	ok(t, err, "CreateRole")
	for _, tenant := range []string{store.DefaultTenant, "t2"} {
		_, err = s.AddUserRole(ctx, tenant, userID, "admin")
		ok(t, err, "AddUserRole")
	}
	ok(t, s.CreateEmailVerificationToken(ctx, store.EmailVerificationToken{TenantID: store.DefaultTenant, UserID: userID,
		Email: email, TokenHash: "ev-" + userID, Expiry: far}), "CreateEmailVerificationToken")
	ok(t, s.SetEmailVerified(ctx, userID, email, true), "SetEmailVerified")
}

// checkUserRows reports whether the rows userRows made exist (all or none).
func checkUserRows(t *testing.T, ctx context.Context, s store.Store, userID, email string, want bool) {
	t.Helper()
	_, err := s.Session(ctx, "h-"+userID)
	if (err == nil) != want {
		t.Errorf("session exists = %v, want %v (%v)", err == nil, want, err)
	}
	md, err := s.Metadata(ctx, userID)
	ok(t, err, "Metadata")
	if (md != nil) != want {
		t.Errorf("metadata = %s, want present=%v", md, want)
	}
	for _, tenant := range []string{store.DefaultTenant, "t2"} {
		roles, err := s.UserRoles(ctx, tenant, userID)
		ok(t, err, "UserRoles")
		if (len(roles) == 1) != want {
			t.Errorf("roles in %s = %q, want present=%v", tenant, roles, want)
		}
	}
	v, err := s.IsEmailVerified(ctx, userID, email)
	ok(t, err, "IsEmailVerified")
	if v != want {
		t.Errorf("verified = %v, want %v", v, want)
	}
	users, err := s.RoleUsers(ctx, store.DefaultTenant, "admin")
	ok(t, err, "RoleUsers")
	if slices.Contains(users, userID) != want {
		t.Errorf("RoleUsers contains %s = %v, want %v", userID, !want, want)
	}
}

func testDeleteUser(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	now := base
	u := createEP(t, ctx, s, epUser("gone@example.com", at(1)))
	v := createEP(t, ctx, s, epUser("kept@example.com", at(2)))
	for _, w := range []store.EmailPasswordUser{u, v} {
		userRows(t, ctx, s, w.ID, w.Email)
		ok(t, s.CreatePasswordResetToken(ctx, store.PasswordResetToken{UserID: w.ID, Email: w.Email,
			TokenHash: "pr-" + w.ID, Expiry: now.Add(time.Hour)}), "CreatePasswordResetToken")
	}

	ok(t, s.DeleteUser(ctx, u.ID, true), "DeleteUser")
	_, err := s.User(ctx, u.ID)
	is(t, err, store.ErrNotFound, "User after delete")
	_, err = s.EmailPasswordUser(ctx, u.ID)
	is(t, err, store.ErrNotFound, "EmailPasswordUser after delete")
	_, err = s.EmailPasswordUserByEmail(ctx, store.DefaultTenant, u.Email)
	is(t, err, store.ErrNotFound, "EmailPasswordUserByEmail after delete")
	checkUserRows(t, ctx, s, u.ID, u.Email, false)
	_, err = s.ConsumeEmailVerificationToken(ctx, store.DefaultTenant, "ev-"+u.ID, now)
	is(t, err, store.ErrNotFound, "verification token after delete")
	_, err = s.ConsumePasswordResetToken(ctx, "pr-"+u.ID, now)
	is(t, err, store.ErrNotFound, "reset token after delete")
	list, err := s.ListUsers(ctx, store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 10})
	ok(t, err, "ListUsers")
	wantStrings(t, ids(list), []string{v.ID}, "listing after delete")
	list, err = s.ListUsers(ctx, store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 10, Search: store.UserSearch{Emails: []string{"gone"}}})
	ok(t, err, "search")
	wantStrings(t, ids(list), []string{}, "search after delete")
	if n, _ := s.CountUsers(ctx, "", nil); n != 1 {
		t.Errorf("CountUsers after delete = %d, want 1", n)
	}

	// The other user is untouched.
	checkUserRows(t, ctx, s, v.ID, v.Email, true)
	_, err = s.EmailPasswordUser(ctx, v.ID)
	ok(t, err, "other user")
	_, err = s.ConsumePasswordResetToken(ctx, "pr-"+v.ID, now)
	ok(t, err, "other user's reset token")

	// The email is free again, and deleting twice is fine.
	createEP(t, ctx, s, epUser(u.Email, at(3)))
	ok(t, s.DeleteUser(ctx, u.ID, true), "DeleteUser again")

	// An id that is no user still loses the rows keyed by it.
	ghost := newID()
	userRows(t, ctx, s, ghost, "ghost@example.com")
	ok(t, s.DeleteUser(ctx, ghost, true), "DeleteUser of a non-user id")
	checkUserRows(t, ctx, s, ghost, "ghost@example.com", false)
}

func testCountUsersMatching(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	for i, e := range []string{"ann@acme.com", "bob@acme.com", "cy@acme.com", "dee@globex.com"} {
		createEP(t, ctx, s, epUser(e, at(int64(i))))
	}
	for _, tc := range []struct {
		name  string
		q     store.ListUsersQuery
		count int
	}{
		{"a domain", store.ListUsersQuery{Limit: 10, Search: store.UserSearch{Emails: []string{"acme.com"}}}, 3},
		{"capped", store.ListUsersQuery{Limit: 2, Search: store.UserSearch{Emails: []string{"acme.com"}}}, 2},
		{"no match", store.ListUsersQuery{Limit: 10, Search: store.UserSearch{Emails: []string{"zed"}}}, 0},
		{"everyone", store.ListUsersQuery{Limit: 10}, 4},
		{"a recipe", store.ListUsersQuery{Limit: 10, RecipeIDs: []string{store.RecipePasswordless}}, 0},
	} {
		tc.q.TenantID = store.DefaultTenant
		n, err := s.CountUsersMatching(ctx, tc.q)
		ok(t, err, "CountUsersMatching "+tc.name)
		listed, err := s.ListUsers(ctx, tc.q)
		ok(t, err, "ListUsers "+tc.name)
		if n != tc.count || n != len(listed) {
			t.Errorf("CountUsersMatching %s = %d, ListUsers %d, want %d", tc.name, n, len(listed), tc.count)
		}
	}
}
