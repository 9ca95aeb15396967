package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/latchkey-dev/latchkey/store"
)

// linkErr checks that err is a *store.LinkError with this reason and
// primary user id ("" skips the id check).
func linkErr(t *testing.T, err error, reason store.LinkReason, primary, what string) {
	t.Helper()
	var le *store.LinkError
	if !errors.As(err, &le) || le.Reason != reason {
		t.Fatalf("%s: got %v, want a link error with reason %d", what, err, reason)
	}
	if primary != "" && le.PrimaryUserID != primary {
		t.Fatalf("%s: primary user id %q, want %q", what, le.PrimaryUserID, primary)
	}
}

// methodIDs returns the recipe user ids of u's login methods, in order.
func methodIDs(u store.User) []string {
	out := make([]string, len(u.LoginMethods))
	for i, m := range u.LoginMethods {
		out[i] = m.RecipeUserID
	}
	return out
}

// snapshot is what a refused write must leave as it was.
func snapshot(t *testing.T, ctx context.Context, s store.Store, ids ...string) []store.User {
	t.Helper()
	var out []store.User
	for _, id := range ids {
		u, err := s.User(ctx, id)
		ok(t, err, "User "+id)
		out = append(out, u)
	}
	return out
}

func sameUsers(t *testing.T, got, want []store.User, what string) {
	t.Helper()
	for i := range want {
		if got[i].ID != want[i].ID || got[i].IsPrimary != want[i].IsPrimary ||
			!equalStrings(methodIDs(got[i]), methodIDs(want[i])) {
			t.Fatalf("%s: user %d is %+v, was %+v", what, i, got[i], want[i])
		}
	}
}

func testAccountLinking(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	ep := createEP(t, ctx, s, epUser("ada@example.com", at(10)))
	tp := signInTP(t, ctx, s, tpUser("oidc", "o-1", "ada@example.com", at(20)), true, true)
	other := createEP(t, ctx, s, epUser("bob@example.com", at(30)))

	// Not yet primary: linking to it is refused, the check says the same.
	_, _, err := s.LinkAccounts(ctx, tp.ID, ep.ID, false)
	linkErr(t, err, store.LinkNotPrimary, "", "LinkAccounts to a non-primary user")
	_, _, err = s.LinkAccounts(ctx, ep.ID, ep.ID, true)
	linkErr(t, err, store.LinkNotPrimary, "", "LinkAccounts of a non-primary user to itself")

	// The check changes nothing.
	u, was, err := s.CreatePrimaryUser(ctx, ep.ID, true)
	ok(t, err, "CreatePrimaryUser dry run")
	if was || !u.IsPrimary {
		t.Fatalf("dry run: was %v, primary %v", was, u.IsPrimary)
	}
	if u, _ := s.User(ctx, ep.ID); u.IsPrimary {
		t.Fatal("a dry run made the user primary")
	}

	u, was, err = s.CreatePrimaryUser(ctx, ep.ID, false)
	ok(t, err, "CreatePrimaryUser")
	if was || !u.IsPrimary || u.ID != ep.ID {
		t.Fatalf("CreatePrimaryUser: was %v, user %+v", was, u)
	}
	if _, was, err = s.CreatePrimaryUser(ctx, ep.ID, false); err != nil || !was {
		t.Fatalf("CreatePrimaryUser again: was %v, %v", was, err)
	}
	if _, _, err := s.CreatePrimaryUser(ctx, "no-such-user", false); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("CreatePrimaryUser of an unknown user: %v", err)
	}
	// Linking to itself is "already linked".
	if _, already, err := s.LinkAccounts(ctx, ep.ID, ep.ID, false); err != nil || !already {
		t.Fatalf("LinkAccounts to itself: already %v, %v", already, err)
	}

	// Unknown users on either side.
	for _, c := range [][2]string{{"no-such-user", ep.ID}, {tp.ID, "no-such-user"}} {
		if _, _, err := s.LinkAccounts(ctx, c[0], c[1], false); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("LinkAccounts(%s, %s): %v, want ErrNotFound", c[0], c[1], err)
		}
	}

	// The third-party user links: one person, two login methods.
	u, already, err := s.LinkAccounts(ctx, tp.ID, ep.ID, false)
	ok(t, err, "LinkAccounts")
	if already || u.ID != ep.ID || !u.IsPrimary {
		t.Fatalf("LinkAccounts: already %v, user %+v", already, u)
	}
	wantStrings(t, methodIDs(u), []string{ep.ID, tp.ID}, "login methods")
	if !u.TimeJoined.Equal(at(10)) || !u.LoginMethods[1].TimeJoined.Equal(at(20)) || !u.LoginMethods[1].Verified {
		t.Fatalf("linked user times and flags: %+v", u)
	}
	if _, already, err := s.LinkAccounts(ctx, tp.ID, ep.ID, false); err != nil || !already {
		t.Fatalf("LinkAccounts again: already %v, %v", already, err)
	}
	// Naming the primary user by its linked login method finds it.
	if _, already, err := s.LinkAccounts(ctx, tp.ID, tp.ID, false); err != nil || !already {
		t.Fatalf("LinkAccounts to a linked login method: already %v, %v", already, err)
	}

	for _, id := range []string{ep.ID, tp.ID} {
		if p, err := s.PrimaryUserID(ctx, id); err != nil || p != ep.ID {
			t.Fatalf("PrimaryUserID(%s) = %q, %v", id, p, err)
		}
		got, err := s.LinkedUserIDs(ctx, id)
		ok(t, err, "LinkedUserIDs")
		if len(got) != 2 {
			t.Fatalf("LinkedUserIDs(%s) = %q", id, got)
		}
	}
	if p, err := s.PrimaryUserID(ctx, other.ID); err != nil || p != other.ID {
		t.Fatalf("PrimaryUserID of an unlinked user = %q, %v", p, err)
	}
	if p, err := s.PrimaryUserID(ctx, "no-such-user"); err != nil || p != "no-such-user" {
		t.Fatalf("PrimaryUserID of an unknown id = %q, %v", p, err)
	}

	// Every lookup finds the person.
	for _, id := range []string{ep.ID, tp.ID} {
		got, err := s.User(ctx, id)
		ok(t, err, "User "+id)
		if got.ID != ep.ID || len(got.LoginMethods) != 2 {
			t.Fatalf("User(%s) = %+v, want the primary user", id, got)
		}
	}
	for _, info := range []store.AccountInfo{
		{Email: "ada@example.com"},
		{ThirdParty: &store.ThirdPartyInfo{ID: "oidc", UserID: "o-1"}},
		{Email: "ada@example.com", ThirdParty: &store.ThirdPartyInfo{ID: "oidc", UserID: "o-1"}},
	} {
		got, err := s.UsersByAccountInfo(ctx, store.DefaultTenant, info, false)
		ok(t, err, "UsersByAccountInfo")
		wantStrings(t, ids(got), []string{ep.ID}, "UsersByAccountInfo")
	}
	// Listed and counted once.
	page, err := s.ListUsers(ctx, store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 10})
	ok(t, err, "ListUsers")
	wantStrings(t, ids(page), []string{ep.ID, other.ID}, "listing")
	found, err := s.ListUsers(ctx, store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 10,
		Search: store.UserSearch{Emails: []string{"ada"}}})
	ok(t, err, "search")
	wantStrings(t, ids(found), []string{ep.ID}, "search")
	if n, err := s.CountUsers(ctx, store.DefaultTenant, nil); err != nil || n != 2 {
		t.Fatalf("CountUsers = %d, %v; want 2", n, err)
	}

	// Refusals leave the store as it was.
	before := snapshot(t, ctx, s, ep.ID, other.ID)
	_, _, err = s.CreatePrimaryUser(ctx, tp.ID, false)
	linkErr(t, err, store.LinkAlreadyLinked, ep.ID, "CreatePrimaryUser of a linked user")
	_, _, err = s.LinkAccounts(ctx, ep.ID, other.ID, false)
	linkErr(t, err, store.LinkNotPrimary, "", "LinkAccounts to a non-primary")
	_, _, err = s.CreatePrimaryUser(ctx, other.ID, false)
	ok(t, err, "CreatePrimaryUser bob")
	_, _, err = s.LinkAccounts(ctx, tp.ID, other.ID, false)
	linkErr(t, err, store.LinkAlreadyLinked, ep.ID, "LinkAccounts of a user linked elsewhere")
	_, _, err = s.LinkAccounts(ctx, ep.ID, other.ID, false)
	linkErr(t, err, store.LinkAlreadyLinked, ep.ID, "LinkAccounts of a primary user")
	// A second Ada cannot become primary, nor join Bob.
	ada2 := signInTP(t, ctx, s, tpUser("github", "gh-1", "ada@example.com", at(40)), false, true)
	_, _, err = s.CreatePrimaryUser(ctx, ada2.ID, false)
	linkErr(t, err, store.LinkAccountInfoConflict, ep.ID, "CreatePrimaryUser with a claimed email")
	_, _, err = s.LinkAccounts(ctx, ada2.ID, other.ID, false)
	linkErr(t, err, store.LinkAccountInfoConflict, ep.ID, "LinkAccounts with a claimed email")
	// Ada's third-party login gets a new email, which her person claims;
	// Bob cannot take it.
	signInTP(t, ctx, s, tpUser("oidc", "o-1", "ada.alt@example.com", at(99)), false, false)
	_, err = s.UpdateEmailPasswordUser(ctx, other.ID, func(u *store.EmailPasswordUser) error { u.Email = "ada.alt@example.com"; return nil })
	linkErr(t, err, store.LinkAccountInfoConflict, ep.ID, "UpdateEmailPasswordUser to a claimed email")
	after := snapshot(t, ctx, s, ep.ID)
	sameUsers(t, after, before[:1], "after refusals")
	if got, _ := s.EmailPasswordUser(ctx, other.ID); got.Email != "bob@example.com" {
		t.Fatalf("a refused email change was stored: %q", got.Email)
	}

	// Unlinking the third-party login method leaves two users.
	res, err := s.UnlinkAccount(ctx, tp.ID)
	ok(t, err, "UnlinkAccount")
	if !res.WasLinked || res.WasRecipeUserDeleted {
		t.Fatalf("UnlinkAccount: %+v", res)
	}
	got, err := s.User(ctx, tp.ID)
	ok(t, err, "User after unlink")
	if got.ID != tp.ID || got.IsPrimary || len(got.LoginMethods) != 1 || len(got.TenantIDs) != 1 {
		t.Fatalf("unlinked user: %+v", got)
	}
	if n, _ := s.CountUsers(ctx, store.DefaultTenant, nil); n != 4 {
		t.Fatalf("CountUsers after unlink = %d, want 4", n)
	}
	if res, err := s.UnlinkAccount(ctx, tp.ID); err != nil || res.WasLinked {
		t.Fatalf("UnlinkAccount of an unlinked user: %+v %v", res, err)
	}
	if _, err := s.UnlinkAccount(ctx, "no-such-user"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("UnlinkAccount of an unknown user: %v", err)
	}
	// A primary user alone stops being primary.
	res, err = s.UnlinkAccount(ctx, other.ID)
	ok(t, err, "UnlinkAccount of a lone primary")
	if !res.WasLinked || res.WasRecipeUserDeleted {
		t.Fatalf("UnlinkAccount of a lone primary: %+v", res)
	}
	if got, _ := s.User(ctx, other.ID); got.IsPrimary {
		t.Fatal("a lone primary stayed primary after unlink")
	}

	// A passwordless login with a phone number joins Ada; the number finds
	// her, and no other primary user may claim it.
	pwl := store.PasswordlessUser{ID: newID(), TenantID: store.DefaultTenant, PhoneNumber: "+4915112345678", TimeJoined: at(50)}
	ok(t, s.CreatePasswordlessUser(ctx, pwl), "CreatePasswordlessUser")
	_, _, err = s.LinkAccounts(ctx, pwl.ID, ep.ID, false)
	ok(t, err, "LinkAccounts passwordless")
	byPhone, err := s.UsersByAccountInfo(ctx, store.DefaultTenant, store.AccountInfo{PhoneNumber: "+4915112345678"}, false)
	ok(t, err, "UsersByAccountInfo by phone")
	wantStrings(t, ids(byPhone), []string{ep.ID}, "by phone")
	_, _, err = s.CreatePrimaryUser(ctx, other.ID, false)
	ok(t, err, "CreatePrimaryUser bob again")
	_, err = s.UpdatePasswordlessUser(ctx, pwl.ID, func(u *store.PasswordlessUser) error { u.Email = "bob@example.com"; return nil })
	linkErr(t, err, store.LinkAccountInfoConflict, other.ID, "UpdatePasswordlessUser to another primary's email")
	if u, _ := s.PasswordlessUser(ctx, pwl.ID); u.Email != "" {
		t.Fatalf("a refused email change was stored: %+v", u)
	}
}

func testDeleteLinkedUser(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	link := func() (store.EmailPasswordUser, store.ThirdPartyUser) {
		ep := createEP(t, ctx, s, epUser(newID()+"@example.com", at(10)))
		tp := signInTP(t, ctx, s, tpUser("oidc", newID(), ep.Email, at(20)), false, true)
		_, _, err := s.CreatePrimaryUser(ctx, ep.ID, false)
		ok(t, err, "CreatePrimaryUser")
		_, _, err = s.LinkAccounts(ctx, tp.ID, ep.ID, false)
		ok(t, err, "LinkAccounts")
		_, err = s.UpdateMetadata(ctx, ep.ID, func(json.RawMessage) (json.RawMessage, error) { return json.RawMessage(`{"a":1}`), nil })
		ok(t, err, "UpdateMetadata")
		return ep, tp
	}

	// Deleting by a linked login method with removeAllLinked removes the
	// person.
	ep, tp := link()
	ok(t, s.DeleteUser(ctx, tp.ID, true), "DeleteUser all")
	for _, id := range []string{ep.ID, tp.ID} {
		if _, err := s.User(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("User(%s) after deleting the person: %v", id, err)
		}
	}
	if n, _ := s.CountUsers(ctx, "", nil); n != 0 {
		t.Fatalf("CountUsers = %d after deleting the person", n)
	}

	// Deleting only the linked login method keeps the primary user.
	ep, tp = link()
	ok(t, s.DeleteUser(ctx, tp.ID, false), "DeleteUser linked only")
	u, err := s.User(ctx, ep.ID)
	ok(t, err, "User")
	wantStrings(t, methodIDs(u), []string{ep.ID}, "after deleting the linked method")
	if n, _ := s.CountUsers(ctx, "", nil); n != 1 {
		t.Fatalf("CountUsers = %d, want 1", n)
	}
	// The email is free for another primary user now? Only its own login
	// method still has it, so another user with it still cannot be primary.
	ok(t, s.DeleteUser(ctx, ep.ID, true), "clean up")

	// Deleting only the primary's own login method hands the person, with
	// its metadata, to the remaining one.
	ep, tp = link()
	ok(t, s.DeleteUser(ctx, ep.ID, false), "DeleteUser primary only")
	u, err = s.User(ctx, tp.ID)
	ok(t, err, "User")
	if u.ID != tp.ID || !u.IsPrimary || len(u.LoginMethods) != 1 {
		t.Fatalf("after deleting the primary's method: %+v", u)
	}
	if md, _ := s.Metadata(ctx, tp.ID); string(md) != `{"a":1}` {
		t.Fatalf("metadata did not move: %s", md)
	}
	page, err := s.ListUsers(ctx, store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 10})
	ok(t, err, "ListUsers")
	wantStrings(t, ids(page), []string{tp.ID}, "listing after promotion")
	if n, _ := s.CountUsers(ctx, "", nil); n != 1 {
		t.Fatalf("CountUsers = %d, want 1", n)
	}

	// Unlinking the primary's own method while others remain deletes it.
	ok(t, s.DeleteUser(ctx, tp.ID, true), "clean up")
	ep, tp = link()
	res, err := s.UnlinkAccount(ctx, ep.ID)
	ok(t, err, "UnlinkAccount primary")
	if !res.WasLinked || !res.WasRecipeUserDeleted {
		t.Fatalf("UnlinkAccount primary: %+v", res)
	}
	if _, err := s.EmailPasswordUser(ctx, ep.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the unlinked primary's method survived: %v", err)
	}
}

// testRaceLink: racers primary users try to link one recipe user, and
// racers recipe users with one email try to become primary; in each race
// exactly one wins.
func testRaceLink(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	target := signInTP(t, ctx, s, tpUser("oidc", "shared", "shared@example.com", at(1)), false, true)
	primaries := make([]string, racers)
	for i := range primaries {
		u := createEP(t, ctx, s, epUser(newID()+"@example.com", at(int64(10+i))))
		_, _, err := s.CreatePrimaryUser(ctx, u.ID, false)
		ok(t, err, "CreatePrimaryUser")
		primaries[i] = u.ID
	}
	errs := race(racers, func(i int) error {
		_, _, err := s.LinkAccounts(ctx, target.ID, primaries[i], false)
		var le *store.LinkError
		if errors.As(err, &le) && le.Reason == store.LinkAlreadyLinked {
			return store.ErrConflict
		}
		return err
	})
	w := oneWinner(t, errs, store.ErrConflict, "LinkAccounts")
	u, err := s.User(ctx, target.ID)
	ok(t, err, "User")
	if u.ID != primaries[w] {
		t.Fatalf("linked to %s, winner was %s", u.ID, primaries[w])
	}

	same := make([]string, racers)
	for i := range same {
		same[i] = signInTP(t, ctx, s, tpUser("oidc", newID(), "same@example.com", at(int64(100+i))), false, true).ID
	}
	errs = race(racers, func(i int) error {
		_, _, err := s.CreatePrimaryUser(ctx, same[i], false)
		var le *store.LinkError
		if errors.As(err, &le) && le.Reason == store.LinkAccountInfoConflict {
			return store.ErrConflict
		}
		return err
	})
	w = oneWinner(t, errs, store.ErrConflict, "CreatePrimaryUser")
	got, err := s.UsersByAccountInfo(ctx, store.DefaultTenant, store.AccountInfo{Email: "same@example.com"}, false)
	ok(t, err, "UsersByAccountInfo")
	primaryCount := 0
	for _, u := range got {
		if u.IsPrimary {
			primaryCount++
			if u.ID != same[w] {
				t.Fatalf("primary %s, winner %s", u.ID, same[w])
			}
		}
	}
	if primaryCount != 1 {
		t.Fatalf("%d primary users share one email", primaryCount)
	}
}
