package storetest

import (
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

func testEmailPasswordUsers(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	u := createEP(t, ctx, s, epUser("ada@example.com", at(0)))

	got, err := s.EmailPasswordUser(ctx, u.ID)
	ok(t, err, "EmailPasswordUser")
	sameEP(t, got, u, "EmailPasswordUser")
	got, err = s.EmailPasswordUserByEmail(ctx, store.DefaultTenant, u.Email)
	ok(t, err, "EmailPasswordUserByEmail")
	sameEP(t, got, u, "EmailPasswordUserByEmail")

	for _, tc := range []struct {
		name string
		u    store.EmailPasswordUser
	}{
		{"same email, same tenant", epUser(u.Email, at(1))},
		{"same id", func() store.EmailPasswordUser { v := epUser("other@example.com", at(1)); v.ID = u.ID; return v }()},
	} {
		is(t, s.CreateEmailPasswordUser(ctx, tc.u), store.ErrAlreadyExists, "CreateEmailPasswordUser, "+tc.name)
	}
	if n, err := s.CountUsers(ctx, "", nil); err != nil || n != 1 {
		t.Fatalf("CountUsers after rejected sign-ups = %d, %v; want 1 (nothing half-written)", n, err)
	}

	// The rule is one email-password login per email per tenant: another
	// tenant may reuse the email.
	other := epUser(u.Email, at(2))
	other.TenantID = "t2"
	createEP(t, ctx, s, other)
	got, err = s.EmailPasswordUserByEmail(ctx, "t2", u.Email)
	ok(t, err, "EmailPasswordUserByEmail t2")
	sameEP(t, got, other, "EmailPasswordUserByEmail t2")

	_, err = s.EmailPasswordUser(ctx, newID())
	is(t, err, store.ErrNotFound, "EmailPasswordUser unknown id")
	_, err = s.EmailPasswordUserByEmail(ctx, store.DefaultTenant, "nobody@example.com")
	is(t, err, store.ErrNotFound, "EmailPasswordUserByEmail unknown email")
	_, err = s.EmailPasswordUserByEmail(ctx, "t3", u.Email)
	is(t, err, store.ErrNotFound, "EmailPasswordUserByEmail other tenant")
}

func testUpdateEmailPasswordUser(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	u := createEP(t, ctx, s, epUser("bea@example.com", at(0)))
	taken := createEP(t, ctx, s, epUser("taken@example.com", at(1)))

	got, err := s.UpdateEmailPasswordUser(ctx, u.ID, func(v *store.EmailPasswordUser) error {
		v.Email = "bea@new.example"
		v.PasswordHash = "new-hash"
		// Immutable fields: changes are ignored.
		v.ID, v.TenantID, v.TimeJoined = "x", "y", at(99)
		return nil
	})
	ok(t, err, "UpdateEmailPasswordUser")
	want := u
	want.Email, want.PasswordHash = "bea@new.example", "new-hash"
	sameEP(t, got, want, "UpdateEmailPasswordUser result")
	stored, err := s.EmailPasswordUser(ctx, u.ID)
	ok(t, err, "EmailPasswordUser")
	sameEP(t, stored, want, "EmailPasswordUser after update")
	_, err = s.EmailPasswordUserByEmail(ctx, store.DefaultTenant, u.Email)
	is(t, err, store.ErrNotFound, "by old email")
	byNew, err := s.EmailPasswordUserByEmail(ctx, store.DefaultTenant, want.Email)
	ok(t, err, "by new email")
	sameEP(t, byNew, want, "by new email")
	// The old email is free again.
	createEP(t, ctx, s, epUser(u.Email, at(2)))

	// The user object and search follow the new email.
	usr, err := s.User(ctx, u.ID)
	ok(t, err, "User")
	if usr.LoginMethods[0].Email != want.Email {
		t.Fatalf("User email = %q, want %q", usr.LoginMethods[0].Email, want.Email)
	}
	found, err := s.ListUsers(ctx, store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 10,
		Search: store.UserSearch{Emails: []string{"new.exa"}}})
	ok(t, err, "search new domain")
	if len(found) != 1 || found[0].ID != u.ID {
		t.Fatalf("search by new domain = %v, want %s", ids(found), u.ID)
	}

	_, err = s.UpdateEmailPasswordUser(ctx, u.ID, func(v *store.EmailPasswordUser) error {
		v.Email = taken.Email
		return nil
	})
	is(t, err, store.ErrAlreadyExists, "update to a taken email")

	_, err = s.UpdateEmailPasswordUser(ctx, u.ID, func(v *store.EmailPasswordUser) error {
		v.PasswordHash = "not stored"
		return errUpdater
	})
	is(t, err, errUpdater, "updater error")
	stored, err = s.EmailPasswordUser(ctx, u.ID)
	ok(t, err, "EmailPasswordUser")
	sameEP(t, stored, want, "after a failed update")

	_, err = s.UpdateEmailPasswordUser(ctx, newID(), func(*store.EmailPasswordUser) error { return nil })
	is(t, err, store.ErrNotFound, "update unknown user")
}

func testImportEmailPasswordUser(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	u := epUser("cy@example.com", at(0))
	got, existed, err := s.ImportEmailPasswordUser(ctx, u)
	ok(t, err, "ImportEmailPasswordUser new")
	if existed {
		t.Fatal("ImportEmailPasswordUser new: existed = true")
	}
	sameEP(t, got, u, "ImportEmailPasswordUser new")

	again := epUser(u.Email, at(5))
	again.PasswordHash = "$argon2id$replaced"
	got, existed, err = s.ImportEmailPasswordUser(ctx, again)
	ok(t, err, "ImportEmailPasswordUser existing")
	if !existed {
		t.Fatal("ImportEmailPasswordUser existing: existed = false")
	}
	want := u
	want.PasswordHash = again.PasswordHash
	sameEP(t, got, want, "ImportEmailPasswordUser existing")
	stored, err := s.EmailPasswordUser(ctx, u.ID)
	ok(t, err, "EmailPasswordUser")
	sameEP(t, stored, want, "stored after import")
	if n, _ := s.CountUsers(ctx, "", nil); n != 1 {
		t.Fatalf("CountUsers = %d, want 1", n)
	}
}

func testPasswordResetTokens(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	u := createEP(t, ctx, s, epUser("dee@example.com", at(0)))
	now := at(1000)
	tok := func(hash string, expiry time.Time) store.PasswordResetToken {
		return store.PasswordResetToken{UserID: u.ID, Email: u.Email, TokenHash: hash, Expiry: expiry}
	}

	is(t, s.CreatePasswordResetToken(ctx, store.PasswordResetToken{UserID: newID(), Email: "x@y.z", TokenHash: "h0", Expiry: now}),
		store.ErrNotFound, "token for an unknown user")

	ok(t, s.CreatePasswordResetToken(ctx, tok("h1", now.Add(time.Hour))), "create h1")
	ok(t, s.CreatePasswordResetToken(ctx, tok("h2", now.Add(time.Hour))), "create h2")
	is(t, s.CreatePasswordResetToken(ctx, tok("h1", now.Add(time.Hour))), store.ErrAlreadyExists, "duplicate hash")

	got, err := s.ConsumePasswordResetToken(ctx, "h1", now)
	ok(t, err, "consume h1")
	if got.UserID != u.ID || got.Email != u.Email || got.TokenHash != "h1" || !got.Expiry.Equal(now.Add(time.Hour)) {
		t.Fatalf("consume h1 = %+v", got)
	}
	_, err = s.ConsumePasswordResetToken(ctx, "h1", now)
	is(t, err, store.ErrNotFound, "consume h1 twice")
	_, err = s.ConsumePasswordResetToken(ctx, "h2", now)
	is(t, err, store.ErrNotFound, "consume h2 (deleted with h1)")
	_, err = s.ConsumePasswordResetToken(ctx, "unknown", now)
	is(t, err, store.ErrNotFound, "consume unknown")

	// An expired token is rejected, and the user's tokens go either way.
	ok(t, s.CreatePasswordResetToken(ctx, tok("old", now.Add(-time.Millisecond))), "create old")
	ok(t, s.CreatePasswordResetToken(ctx, tok("fresh", now.Add(time.Hour))), "create fresh")
	_, err = s.ConsumePasswordResetToken(ctx, "old", now)
	is(t, err, store.ErrNotFound, "consume expired")
	_, err = s.ConsumePasswordResetToken(ctx, "fresh", now)
	is(t, err, store.ErrNotFound, "consume fresh after expired one")
	// Expiring exactly now is not "before now".
	ok(t, s.CreatePasswordResetToken(ctx, tok("edge", now)), "create edge")
	_, err = s.ConsumePasswordResetToken(ctx, "edge", now)
	ok(t, err, "consume token expiring now")

	ok(t, s.CreatePasswordResetToken(ctx, tok("e1", now.Add(-2*time.Second))), "create e1")
	ok(t, s.CreatePasswordResetToken(ctx, tok("e2", now.Add(-time.Second))), "create e2")
	ok(t, s.CreatePasswordResetToken(ctx, tok("live", now.Add(time.Second))), "create live")
	n, err := s.DeleteExpiredPasswordResetTokens(ctx, now)
	ok(t, err, "DeleteExpiredPasswordResetTokens")
	if n != 2 {
		t.Fatalf("DeleteExpiredPasswordResetTokens = %d, want 2", n)
	}
	_, err = s.ConsumePasswordResetToken(ctx, "live", now)
	ok(t, err, "live token survives the purge")
}

// testResetTokensDieWithTheEmail: a reset link went to an address; once
// the user's email changes, whoever still reads the old mailbox must not
// be able to set the password. A password-only update keeps the tokens.
func testResetTokensDieWithTheEmail(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	u := createEP(t, ctx, s, epUser("eve@example.com", at(0)))
	now := at(1000)
	tok := func(hash string) store.PasswordResetToken {
		return store.PasswordResetToken{UserID: u.ID, Email: u.Email, TokenHash: hash, Expiry: now.Add(time.Hour)}
	}

	ok(t, s.CreatePasswordResetToken(ctx, tok("kept")), "create kept")
	_, err := s.UpdateEmailPasswordUser(ctx, u.ID, func(e *store.EmailPasswordUser) error { e.PasswordHash = "new-hash"; return nil })
	ok(t, err, "update password only")
	_, err = s.ConsumePasswordResetToken(ctx, "kept", now)
	ok(t, err, "token survives a password-only update")

	ok(t, s.CreatePasswordResetToken(ctx, tok("old-address")), "create old-address")
	_, err = s.UpdateEmailPasswordUser(ctx, u.ID, func(e *store.EmailPasswordUser) error { e.Email = "eve@new.example.com"; return nil })
	ok(t, err, "update email")
	_, err = s.ConsumePasswordResetToken(ctx, "old-address", now)
	is(t, err, store.ErrNotFound, "token after the email changed")
}
