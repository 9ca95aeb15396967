package storetest

import (
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

func testEmailVerification(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	now := at(1000)
	// Ids need not be users.
	userID, email := newID(), "eve@example.com"
	tok := func(tenant, hash, email string, expiry time.Time) store.EmailVerificationToken {
		return store.EmailVerificationToken{TenantID: tenant, UserID: userID, Email: email, TokenHash: hash, Expiry: expiry}
	}
	verified := func(email string) bool {
		t.Helper()
		v, err := s.IsEmailVerified(ctx, userID, email)
		ok(t, err, "IsEmailVerified")
		return v
	}

	if verified(email) {
		t.Fatal("verified before any token")
	}
	ok(t, s.CreateEmailVerificationToken(ctx, tok(store.DefaultTenant, "a1", email, now.Add(time.Hour))), "create a1")
	ok(t, s.CreateEmailVerificationToken(ctx, tok(store.DefaultTenant, "a2", email, now.Add(time.Hour))), "create a2")
	ok(t, s.CreateEmailVerificationToken(ctx, tok(store.DefaultTenant, "b1", "other@example.com", now.Add(time.Hour))), "create b1")
	ok(t, s.CreateEmailVerificationToken(ctx, tok("t2", "c1", email, now.Add(time.Hour))), "create c1")
	is(t, s.CreateEmailVerificationToken(ctx, tok(store.DefaultTenant, "a1", email, now)), store.ErrAlreadyExists, "duplicate hash")

	_, err := s.ConsumeEmailVerificationToken(ctx, "t2", "a1", now)
	is(t, err, store.ErrNotFound, "consume in the wrong tenant")
	got, err := s.ConsumeEmailVerificationToken(ctx, store.DefaultTenant, "a1", now)
	ok(t, err, "consume a1")
	if got.TenantID != store.DefaultTenant || got.UserID != userID || got.Email != email || got.TokenHash != "a1" || !got.Expiry.Equal(now.Add(time.Hour)) {
		t.Fatalf("consume a1 = %+v", got)
	}
	if !verified(email) {
		t.Fatal("not verified after consume")
	}
	_, err = s.ConsumeEmailVerificationToken(ctx, store.DefaultTenant, "a2", now)
	is(t, err, store.ErrNotFound, "a2 went with a1 (same tenant, user, email)")
	_, err = s.ConsumeEmailVerificationToken(ctx, store.DefaultTenant, "b1", now)
	ok(t, err, "b1 (another email) survives")
	_, err = s.ConsumeEmailVerificationToken(ctx, "t2", "c1", now)
	ok(t, err, "c1 (another tenant) survives")

	// Expired: rejected, deleted, nothing verified.
	e2 := "late@example.com"
	ok(t, s.CreateEmailVerificationToken(ctx, tok(store.DefaultTenant, "x1", e2, now.Add(-time.Millisecond))), "create x1")
	ok(t, s.CreateEmailVerificationToken(ctx, tok(store.DefaultTenant, "x2", e2, now.Add(time.Hour))), "create x2")
	_, err = s.ConsumeEmailVerificationToken(ctx, store.DefaultTenant, "x1", now)
	is(t, err, store.ErrNotFound, "consume expired")
	if verified(e2) {
		t.Fatal("expired token verified the email")
	}
	_, err = s.ConsumeEmailVerificationToken(ctx, store.DefaultTenant, "x2", now)
	is(t, err, store.ErrNotFound, "x2 deleted with the expired x1")

	// SetEmailVerified is idempotent both ways.
	for _, v := range []bool{true, true, false, false, true} {
		ok(t, s.SetEmailVerified(ctx, userID, e2, v), "SetEmailVerified")
		if verified(e2) != v {
			t.Fatalf("after SetEmailVerified(%v): IsEmailVerified = %v", v, !v)
		}
	}

	ok(t, s.CreateEmailVerificationToken(ctx, tok(store.DefaultTenant, "d1", e2, now.Add(time.Hour))), "create d1")
	ok(t, s.CreateEmailVerificationToken(ctx, tok("t2", "d2", e2, now.Add(time.Hour))), "create d2")
	ok(t, s.DeleteEmailVerificationTokens(ctx, store.DefaultTenant, userID, e2), "DeleteEmailVerificationTokens")
	_, err = s.ConsumeEmailVerificationToken(ctx, store.DefaultTenant, "d1", now)
	is(t, err, store.ErrNotFound, "d1 deleted")
	_, err = s.ConsumeEmailVerificationToken(ctx, "t2", "d2", now)
	ok(t, err, "d2 in another tenant kept")
	ok(t, s.DeleteEmailVerificationTokens(ctx, store.DefaultTenant, newID(), e2), "deleting none is not an error")

	ok(t, s.CreateEmailVerificationToken(ctx, tok(store.DefaultTenant, "p1", e2, now.Add(-time.Second))), "create p1")
	ok(t, s.CreateEmailVerificationToken(ctx, tok(store.DefaultTenant, "p2", email, now.Add(time.Second))), "create p2")
	n, err := s.DeleteExpiredEmailVerificationTokens(ctx, now)
	ok(t, err, "DeleteExpiredEmailVerificationTokens")
	if n != 1 {
		t.Fatalf("DeleteExpiredEmailVerificationTokens = %d, want 1", n)
	}
	_, err = s.ConsumeEmailVerificationToken(ctx, store.DefaultTenant, "p2", now)
	ok(t, err, "p2 survives the purge")
}
