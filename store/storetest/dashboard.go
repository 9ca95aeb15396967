package storetest

import (
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

func dashUser(email string, joined time.Time) store.DashboardUser {
	return store.DashboardUser{ID: newID(), Email: email, PasswordHash: "$2a$11$" + email, TimeJoined: joined}
}

func sameDash(t *testing.T, got, want store.DashboardUser, what string) {
	t.Helper()
	if got.ID != want.ID || got.Email != want.Email || got.PasswordHash != want.PasswordHash || got.ReadOnly != want.ReadOnly || !got.TimeJoined.Equal(want.TimeJoined) {
		t.Fatalf("%s: got %+v, want %+v", what, got, want)
	}
}

func dashSession(userID string, created time.Time) store.DashboardSession {
	return store.DashboardSession{ID: newID(), UserID: userID, TimeCreated: created, Expiry: created.Add(30 * 24 * time.Hour)}
}

func testDashboardUsers(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	b := dashUser("b@example.com", at(2))
	b.ReadOnly = true
	a := dashUser("a@example.com", at(1))
	for _, u := range []store.DashboardUser{b, a} {
		ok(t, s.CreateDashboardUser(ctx, u), "CreateDashboardUser")
	}
	is(t, s.CreateDashboardUser(ctx, dashUser(a.Email, at(3))), store.ErrAlreadyExists, "duplicate email")
	dupID := dashUser("c@example.com", at(3))
	dupID.ID = a.ID
	is(t, s.CreateDashboardUser(ctx, dupID), store.ErrAlreadyExists, "duplicate id")

	got, err := s.DashboardUser(ctx, a.ID)
	ok(t, err, "DashboardUser")
	sameDash(t, got, a, "DashboardUser")
	got, err = s.DashboardUserByEmail(ctx, a.Email)
	ok(t, err, "DashboardUserByEmail")
	sameDash(t, got, a, "DashboardUserByEmail")
	_, err = s.DashboardUser(ctx, newID())
	is(t, err, store.ErrNotFound, "DashboardUser unknown")
	_, err = s.DashboardUserByEmail(ctx, "nobody@example.com")
	is(t, err, store.ErrNotFound, "DashboardUserByEmail unknown")

	list, err := s.ListDashboardUsers(ctx)
	ok(t, err, "ListDashboardUsers")
	if len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID {
		t.Fatalf("ListDashboardUsers = %+v, want a then b (oldest first)", list)
	}
	sameDash(t, list[1], b, "ListDashboardUsers keeps the read-only flag")

	// Update: new email and hash, sessions revoked.
	ok(t, s.CreateDashboardSession(ctx, dashSession(a.ID, at(10))), "CreateDashboardSession")
	want := a
	want.Email, want.PasswordHash, want.ReadOnly = "a2@example.com", "new-hash", true
	got, err = s.UpdateDashboardUser(ctx, a.ID, func(u *store.DashboardUser) error {
		u.Email, u.PasswordHash, u.ReadOnly = want.Email, want.PasswordHash, want.ReadOnly
		u.ID, u.TimeJoined = "x", at(99) // ignored
		return nil
	})
	ok(t, err, "UpdateDashboardUser")
	sameDash(t, got, want, "UpdateDashboardUser result")
	got, err = s.DashboardUserByEmail(ctx, want.Email)
	ok(t, err, "DashboardUserByEmail new")
	sameDash(t, got, want, "after update")
	sessions, err := s.DashboardSessions(ctx, a.ID)
	ok(t, err, "DashboardSessions")
	if len(sessions) != 0 {
		t.Fatalf("sessions after update = %+v, want none", sessions)
	}

	_, err = s.UpdateDashboardUser(ctx, a.ID, func(u *store.DashboardUser) error { u.Email = b.Email; return nil })
	is(t, err, store.ErrAlreadyExists, "update to a taken email")
	ok(t, s.CreateDashboardSession(ctx, dashSession(a.ID, at(11))), "CreateDashboardSession")
	_, err = s.UpdateDashboardUser(ctx, a.ID, func(u *store.DashboardUser) error { u.PasswordHash = "x"; return errUpdater })
	is(t, err, errUpdater, "updater error")
	got, _ = s.DashboardUser(ctx, a.ID)
	sameDash(t, got, want, "after a failed update")
	if sessions, _ := s.DashboardSessions(ctx, a.ID); len(sessions) != 1 {
		t.Fatalf("a failed update revoked sessions: %+v", sessions)
	}
	_, err = s.UpdateDashboardUser(ctx, newID(), func(*store.DashboardUser) error { return nil })
	is(t, err, store.ErrNotFound, "update unknown")

	existed, err := s.DeleteDashboardUser(ctx, a.ID)
	ok(t, err, "DeleteDashboardUser")
	if !existed {
		t.Fatal("DeleteDashboardUser: existed = false")
	}
	existed, err = s.DeleteDashboardUser(ctx, a.ID)
	ok(t, err, "DeleteDashboardUser again")
	if existed {
		t.Fatal("DeleteDashboardUser again: existed = true")
	}
	if sessions, _ := s.DashboardSessions(ctx, a.ID); len(sessions) != 0 {
		t.Fatalf("sessions of a deleted account: %+v", sessions)
	}
	ok(t, s.CreateDashboardUser(ctx, dashUser(want.Email, at(4))), "the email is free again")
}

func testDashboardSessions(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	u := dashUser("ops@example.com", at(0))
	u.ReadOnly = true
	ok(t, s.CreateDashboardUser(ctx, u), "CreateDashboardUser")
	later, earlier := dashSession(u.ID, at(20)), dashSession(u.ID, at(10))
	for _, ds := range []store.DashboardSession{later, earlier} {
		ok(t, s.CreateDashboardSession(ctx, ds), "CreateDashboardSession")
	}
	is(t, s.CreateDashboardSession(ctx, dashSession(newID(), at(0))), store.ErrNotFound, "session for an unknown account")
	is(t, s.CreateDashboardSession(ctx, later), store.ErrAlreadyExists, "duplicate session id")

	got, err := s.DashboardSession(ctx, later.ID)
	ok(t, err, "DashboardSession")
	if got.ID != later.ID || got.UserID != u.ID || got.Email != u.Email || !got.ReadOnly || !got.TimeCreated.Equal(later.TimeCreated) || !got.Expiry.Equal(later.Expiry) {
		t.Fatalf("DashboardSession = %+v", got)
	}
	_, err = s.DashboardSession(ctx, newID())
	is(t, err, store.ErrNotFound, "DashboardSession unknown")

	list, err := s.DashboardSessions(ctx, u.ID)
	ok(t, err, "DashboardSessions")
	got2 := []string{}
	for _, ds := range list {
		got2 = append(got2, ds.ID)
	}
	wantStrings(t, got2, []string{earlier.ID, later.ID}, "DashboardSessions oldest first")
	if list, _ := s.DashboardSessions(ctx, newID()); len(list) != 0 {
		t.Fatalf("DashboardSessions of unknown account = %+v", list)
	}

	ok(t, s.DeleteDashboardSession(ctx, earlier.ID), "DeleteDashboardSession")
	ok(t, s.DeleteDashboardSession(ctx, earlier.ID), "DeleteDashboardSession of none")
	_, err = s.DashboardSession(ctx, earlier.ID)
	is(t, err, store.ErrNotFound, "deleted session")

	// later expires at 20 ms + 30 days; this one 20 ms before it.
	expired := dashSession(u.ID, at(0))
	ok(t, s.CreateDashboardSession(ctx, expired), "CreateDashboardSession")
	n, err := s.DeleteExpiredDashboardSessions(ctx, at(10).Add(30*24*time.Hour))
	ok(t, err, "DeleteExpiredDashboardSessions")
	if n != 1 {
		t.Fatalf("DeleteExpiredDashboardSessions = %d, want 1", n)
	}
	_, err = s.DashboardSession(ctx, later.ID)
	ok(t, err, "live session survives the purge")
}
