package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

// tpUser returns a third-party user in the public tenant.
func tpUser(provider, providerUserID, email string, joined time.Time) store.ThirdPartyUser {
	return store.ThirdPartyUser{ID: newID(), TenantID: store.DefaultTenant, ThirdPartyID: provider,
		ThirdPartyUserID: providerUserID, Email: email, TimeJoined: joined}
}

func sameTP(t *testing.T, got, want store.ThirdPartyUser, what string) {
	t.Helper()
	if got.ID != want.ID || got.TenantID != want.TenantID || got.ThirdPartyID != want.ThirdPartyID ||
		got.ThirdPartyUserID != want.ThirdPartyUserID || got.Email != want.Email || !got.TimeJoined.Equal(want.TimeJoined) {
		t.Fatalf("%s: got %+v, want %+v", what, got, want)
	}
}

func signInTP(t *testing.T, ctx context.Context, s store.Store, u store.ThirdPartyUser, verified, wantCreated bool) store.ThirdPartyUser {
	t.Helper()
	got, created, err := s.ThirdPartySignInUp(ctx, u, verified)
	ok(t, err, "ThirdPartySignInUp "+u.ThirdPartyID+" "+u.ThirdPartyUserID)
	if created != wantCreated {
		t.Fatalf("ThirdPartySignInUp %s: created = %v, want %v", u.ThirdPartyUserID, created, wantCreated)
	}
	return got
}

func testThirdPartyUsers(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	g := tpUser("google", "g-1", "ada@example.com", at(1))
	got := signInTP(t, ctx, s, g, false, true)
	sameTP(t, got, g, "sign-up")

	// The same account signs in: same user, new email, verified recorded.
	again := tpUser("google", "g-1", "ada@new.example", at(99))
	got = signInTP(t, ctx, s, again, true, false)
	want := g
	want.Email = "ada@new.example"
	sameTP(t, got, want, "sign-in with a new email")
	byID, err := s.ThirdPartyUser(ctx, g.ID)
	ok(t, err, "ThirdPartyUser")
	sameTP(t, byID, want, "ThirdPartyUser")
	byAccount, err := s.ThirdPartyUserByAccount(ctx, store.DefaultTenant, "google", "g-1")
	ok(t, err, "ThirdPartyUserByAccount")
	sameTP(t, byAccount, want, "ThirdPartyUserByAccount")
	if v, err := s.IsEmailVerified(ctx, g.ID, "ada@new.example"); err != nil || !v {
		t.Fatalf("the provider-verified email is not verified: %v %v", v, err)
	}
	if v, _ := s.IsEmailVerified(ctx, g.ID, "ada@example.com"); v {
		t.Fatal("the first, unverified email is verified")
	}

	// The user object has one third-party login method with the new email.
	u, err := s.User(ctx, g.ID)
	ok(t, err, "User")
	lm := u.LoginMethods
	if len(lm) != 1 || lm[0].RecipeID != store.RecipeThirdParty || lm[0].Email != "ada@new.example" || !lm[0].Verified ||
		lm[0].ThirdParty == nil || *lm[0].ThirdParty != (store.ThirdPartyInfo{ID: "google", UserID: "g-1"}) ||
		!u.TimeJoined.Equal(at(1)) || !equalStrings(u.TenantIDs, []string{store.DefaultTenant}) {
		t.Fatalf("User = %+v", u)
	}

	// Another provider's account with the same email, and an email-password
	// user with it too, are other users.
	gh := signInTP(t, ctx, s, tpUser("github", "123", "ada@new.example", at(2)), false, true)
	ep := createEP(t, ctx, s, epUser("ada@new.example", at(3)))
	if gh.ID == g.ID {
		t.Fatal("two providers' accounts are one user")
	}
	users, err := s.UsersByAccountInfo(ctx, store.DefaultTenant, store.AccountInfo{Email: "ada@new.example"}, false)
	ok(t, err, "UsersByAccountInfo email")
	if len(users) != 3 || users[0].ID != g.ID || users[1].ID != gh.ID || users[2].ID != ep.ID {
		t.Fatalf("UsersByAccountInfo by email: %+v", users)
	}
	users, err = s.UsersByAccountInfo(ctx, store.DefaultTenant, store.AccountInfo{ThirdParty: &store.ThirdPartyInfo{ID: "github", UserID: "123"}}, false)
	ok(t, err, "UsersByAccountInfo third party")
	if len(users) != 1 || users[0].ID != gh.ID {
		t.Fatalf("UsersByAccountInfo by account: %+v", users)
	}
	users, _ = s.UsersByAccountInfo(ctx, store.DefaultTenant, store.AccountInfo{Email: "ada@example.com"}, true)
	if len(users) != 0 {
		t.Fatalf("the old email still finds %d users", len(users))
	}

	// Search by provider prefix, list by recipe, count by recipe.
	list := func(q store.ListUsersQuery) []string {
		q.TenantID, q.Limit = store.DefaultTenant, 100
		us, err := s.ListUsers(ctx, q)
		ok(t, err, "ListUsers")
		ids := []string{}
		for _, u := range us {
			ids = append(ids, u.ID)
		}
		return ids
	}
	wantStrings(t, list(store.ListUsersQuery{Search: store.UserSearch{Providers: []string{"goo"}}}), []string{g.ID}, "search provider goo")
	wantStrings(t, list(store.ListUsersQuery{Search: store.UserSearch{Providers: []string{"g"}}}), []string{g.ID, gh.ID}, "search provider g")
	wantStrings(t, list(store.ListUsersQuery{Search: store.UserSearch{Providers: []string{"github"}, Emails: []string{"ada"}}}), []string{gh.ID}, "provider and email")
	wantStrings(t, list(store.ListUsersQuery{Search: store.UserSearch{Emails: []string{"new.example"}}, RecipeIDs: []string{store.RecipeThirdParty}}),
		[]string{g.ID, gh.ID}, "email domain, third party only")
	wantStrings(t, list(store.ListUsersQuery{RecipeIDs: []string{store.RecipeThirdParty}}), []string{g.ID, gh.ID}, "third-party users")
	if n, err := s.CountUsers(ctx, store.DefaultTenant, []string{store.RecipeThirdParty}); err != nil || n != 2 {
		t.Fatalf("CountUsers thirdparty = %d, %v", n, err)
	}
	if n, err := s.CountUsers(ctx, "", nil); err != nil || n != 3 {
		t.Fatalf("CountUsers = %d, %v", n, err)
	}

	// Delete takes the user, its account and its email away.
	ok(t, s.DeleteUser(ctx, gh.ID, true), "DeleteUser")
	_, err = s.ThirdPartyUser(ctx, gh.ID)
	is(t, err, store.ErrNotFound, "ThirdPartyUser after delete")
	_, err = s.ThirdPartyUserByAccount(ctx, store.DefaultTenant, "github", "123")
	is(t, err, store.ErrNotFound, "ThirdPartyUserByAccount after delete")
	if n, _ := s.CountUsers(ctx, store.DefaultTenant, []string{store.RecipeThirdParty}); n != 1 {
		t.Fatalf("CountUsers thirdparty after delete = %d", n)
	}
	// The account can sign up again, as a new user.
	again2 := signInTP(t, ctx, s, tpUser("github", "123", "ada@new.example", at(5)), false, true)
	if again2.ID == gh.ID {
		t.Fatal("a deleted user came back")
	}

	_, err = s.ThirdPartyUser(ctx, ep.ID)
	is(t, err, store.ErrNotFound, "ThirdPartyUser of an email-password user")
	_, err = s.ThirdPartyUserByAccount(ctx, store.DefaultTenant, "google", "nope")
	is(t, err, store.ErrNotFound, "ThirdPartyUserByAccount unknown")
	if _, _, err := s.ThirdPartySignInUp(ctx, tpUser("bad::id", "1", "a@b.co", at(6)), false); err == nil {
		t.Fatal(`a provider id with "::" was stored`)
	}
	// A duplicate user id is an error, not a sign-in.
	dup := tpUser("gitlab", "9", "x@y.co", at(7))
	dup.ID = g.ID
	if _, _, err := s.ThirdPartySignInUp(ctx, dup, false); !errors.Is(err, store.ErrAlreadyExists) {
		t.Fatalf("duplicate user id: %v", err)
	}
	if _, err := s.ThirdPartyUserByAccount(ctx, store.DefaultTenant, "gitlab", "9"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a failed sign-up left a user: %v", err)
	}
}

// testRaceThirdPartySignUp: racers sign up one provider account at once;
// one user is created and every racer gets it.
func testRaceThirdPartySignUp(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	users := make([]store.ThirdPartyUser, racers)
	got := make([]store.ThirdPartyUser, racers)
	created := make([]bool, racers)
	for i := range users {
		users[i] = tpUser("google", "race", "race@example.com", at(int64(i)))
	}
	errs := race(racers, func(i int) error {
		var err error
		got[i], created[i], err = s.ThirdPartySignInUp(ctx, users[i], i%2 == 0)
		return err
	})
	winner := -1
	for i, err := range errs {
		ok(t, err, "ThirdPartySignInUp")
		if created[i] {
			if winner >= 0 {
				t.Fatalf("racers %d and %d both created the user", winner, i)
			}
			winner = i
		}
	}
	if winner < 0 {
		t.Fatal("nobody created the user")
	}
	for i := range got {
		if got[i].ID != users[winner].ID {
			t.Fatalf("racer %d got user %s, want %s", i, got[i].ID, users[winner].ID)
		}
	}
	if n, err := s.CountUsers(ctx, "", nil); err != nil || n != 1 {
		t.Fatalf("CountUsers = %d, %v; want 1", n, err)
	}
	if v, err := s.IsEmailVerified(ctx, users[winner].ID, "race@example.com"); err != nil || !v {
		t.Fatalf("IsEmailVerified = %v, %v", v, err)
	}
}
