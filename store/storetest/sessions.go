package storetest

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

func session(handle, tenant, userID string, expires time.Time) store.Session {
	return store.Session{
		Handle:            handle,
		TenantID:          tenant,
		UserID:            userID,
		RefreshTokenHash2: "hash-" + handle,
		SessionData:       json.RawMessage(`{"db":true}`),
		JWTPayload:        json.RawMessage(`{"role":"admin","n":[1,2]}`),
		UseStaticKey:      true,
		CreatedAt:         base,
		ExpiresAt:         expires,
	}
}

func sameSession(t *testing.T, got, want store.Session, what string) {
	t.Helper()
	if got.Handle != want.Handle || got.TenantID != want.TenantID || got.UserID != want.UserID ||
		got.RefreshTokenHash2 != want.RefreshTokenHash2 || !bytes.Equal(got.SessionData, want.SessionData) ||
		!bytes.Equal(got.JWTPayload, want.JWTPayload) || got.UseStaticKey != want.UseStaticKey ||
		!got.CreatedAt.Equal(want.CreatedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) {
		t.Fatalf("%s: got %+v, want %+v", what, got, want)
	}
}

func testSessions(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	ss := session("h1", store.DefaultTenant, newID(), base.Add(time.Hour))
	ok(t, s.CreateSession(ctx, ss), "CreateSession")
	got, err := s.Session(ctx, "h1")
	ok(t, err, "Session")
	sameSession(t, got, ss, "Session")

	dup := session("h1", "t2", newID(), base)
	is(t, s.CreateSession(ctx, dup), store.ErrAlreadyExists, "duplicate handle, even in another tenant")
	_, err = s.Session(ctx, "nope")
	is(t, err, store.ErrNotFound, "unknown handle")

	// Empty JSON and false round-trip too; expired rows are still returned.
	bare := store.Session{Handle: "h2", TenantID: store.DefaultTenant, UserID: "u", RefreshTokenHash2: "r",
		CreatedAt: base, ExpiresAt: base.Add(-time.Hour)}
	ok(t, s.CreateSession(ctx, bare), "CreateSession bare")
	got, err = s.Session(ctx, "h2")
	ok(t, err, "Session bare")
	sameSession(t, got, bare, "Session bare")
}

func testUpdateSession(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	ss := session("h1", store.DefaultTenant, newID(), base.Add(time.Hour))
	ok(t, s.CreateSession(ctx, ss), "CreateSession")

	want := ss
	want.RefreshTokenHash2 = "rotated"
	want.SessionData = json.RawMessage(`{"db":2}`)
	want.JWTPayload = json.RawMessage(`{}`)
	want.UseStaticKey = false
	want.ExpiresAt = base.Add(2 * time.Hour)
	got, err := s.UpdateSession(ctx, "h1", func(v *store.Session) error {
		sameSession(t, *v, ss, "updater sees the stored session")
		v.RefreshTokenHash2, v.SessionData, v.JWTPayload = want.RefreshTokenHash2, want.SessionData, want.JWTPayload
		v.UseStaticKey, v.ExpiresAt = want.UseStaticKey, want.ExpiresAt
		// Immutable fields: changes are ignored.
		v.Handle, v.TenantID, v.UserID, v.CreatedAt = "x", "y", "z", at(5)
		return nil
	})
	ok(t, err, "UpdateSession")
	sameSession(t, got, want, "UpdateSession result")
	got, err = s.Session(ctx, "h1")
	ok(t, err, "Session")
	sameSession(t, got, want, "Session after update")

	_, err = s.UpdateSession(ctx, "h1", func(v *store.Session) error {
		v.RefreshTokenHash2 = "not stored"
		return errUpdater
	})
	is(t, err, errUpdater, "updater error is returned as is")
	got, err = s.Session(ctx, "h1")
	ok(t, err, "Session")
	sameSession(t, got, want, "Session after a failed update")

	_, err = s.UpdateSession(ctx, "nope", func(*store.Session) error { return nil })
	is(t, err, store.ErrNotFound, "UpdateSession unknown")
}

func testSessionQueries(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	now := base
	live, dead := now.Add(time.Hour), now.Add(-time.Millisecond)
	u1, u2, u3 := newID(), newID(), newID()
	for _, ss := range []store.Session{
		session("a1", store.DefaultTenant, u1, live),
		session("a2", "t2", u1, live),
		session("a3", store.DefaultTenant, u1, dead),
		session("b1", store.DefaultTenant, u2, live),
		session("b2", "t2", u2, now), // expires exactly now: not yet expired
		session("c1", store.DefaultTenant, u3, live),
	} {
		ok(t, s.CreateSession(ctx, ss), "CreateSession "+ss.Handle)
	}
	sorted := func(ss []string, err error) []string {
		t.Helper()
		ok(t, err, "query")
		slices.Sort(ss)
		return ss
	}
	wantStrings(t, sorted(s.UserSessionHandles(ctx, []string{u1}, "", now)), []string{"a1", "a2"}, "u1, every tenant, live")
	wantStrings(t, sorted(s.UserSessionHandles(ctx, []string{u1, u2}, store.DefaultTenant, now)), []string{"a1", "b1"}, "u1+u2 in public")
	wantStrings(t, sorted(s.UserSessionHandles(ctx, []string{u2}, "t2", now)), []string{"b2"}, "expiring now counts as live")
	wantStrings(t, sorted(s.UserSessionHandles(ctx, []string{newID()}, "", now)), []string{}, "unknown user")
	wantStrings(t, sorted(s.UserSessionHandles(ctx, nil, "", now)), []string{}, "no users")

	wantStrings(t, sorted(s.DeleteSessions(ctx, []string{"a1", "nope", "a1"})), []string{"a1"}, "DeleteSessions")
	wantStrings(t, sorted(s.DeleteSessions(ctx, []string{"a1"})), []string{}, "DeleteSessions again")
	wantStrings(t, sorted(s.DeleteSessions(ctx, nil)), []string{}, "DeleteSessions none")
	wantStrings(t, sorted(s.DeleteUserSessions(ctx, []string{u1, u2}, "t2")), []string{"a2", "b2"}, "DeleteUserSessions in t2")
	wantStrings(t, sorted(s.DeleteUserSessions(ctx, []string{u1}, "")), []string{"a3"}, "DeleteUserSessions everywhere")
	wantStrings(t, sorted(s.DeleteUserSessions(ctx, nil, "")), []string{}, "DeleteUserSessions none")

	ok(t, s.CreateSession(ctx, session("d1", store.DefaultTenant, u3, now.Add(-2*time.Second))), "create d1")
	ok(t, s.CreateSession(ctx, session("d2", store.DefaultTenant, u3, now.Add(-time.Second))), "create d2")
	n, err := s.DeleteExpiredSessions(ctx, now)
	ok(t, err, "DeleteExpiredSessions")
	if n != 2 {
		t.Fatalf("DeleteExpiredSessions = %d, want 2", n)
	}
	for _, h := range []string{"b1", "c1"} {
		_, err := s.Session(ctx, h)
		ok(t, err, "live session "+h+" survives")
	}
}
