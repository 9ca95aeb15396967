package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

func sameSuspension(t *testing.T, got, want store.Suspension, what string) {
	t.Helper()
	if got.UserID != want.UserID || got.Reason != want.Reason || got.Actor != want.Actor ||
		!got.SuspendedAt.Equal(want.SuspendedAt) || !got.Until.Equal(want.Until) {
		t.Fatalf("%s: got %+v, want %+v", what, got, want)
	}
}

func testSuspensions(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	alice := createEP(t, ctx, s, epUser("alice@example.com", at(1)))
	bob := createEP(t, ctx, s, epUser("bob@example.com", at(2)))
	ok(t, s.CreateSession(ctx, session("a1", store.DefaultTenant, alice.ID, base.Add(time.Hour))), "CreateSession a1")
	ok(t, s.CreateSession(ctx, session("a2", "t2", alice.ID, base.Add(time.Hour))), "CreateSession a2")
	ok(t, s.CreateSession(ctx, session("b1", store.DefaultTenant, bob.ID, base.Add(time.Hour))), "CreateSession b1")

	_, err := s.Suspension(ctx, alice.ID, base)
	is(t, err, store.ErrNotFound, "Suspension of a user never suspended")
	_, err = s.SuspendUser(ctx, store.Suspension{UserID: newID(), Reason: "r", Actor: "op", SuspendedAt: base}, base)
	is(t, err, store.ErrNotFound, "SuspendUser of an unknown user")

	sa := store.Suspension{UserID: alice.ID, Reason: "chargeback", Actor: "op@example.com", SuspendedAt: at(10)}
	handles, err := s.SuspendUser(ctx, sa, at(10))
	ok(t, err, "SuspendUser alice")
	wantStrings(t, sortedCopy(handles), []string{"a1", "a2"}, "sessions removed with the suspension, every tenant")
	_, err = s.Session(ctx, "a1")
	is(t, err, store.ErrNotFound, "alice's session after the suspension")
	_, err = s.Session(ctx, "b1")
	ok(t, err, "bob's session is untouched")

	got, err := s.Suspension(ctx, alice.ID, at(11))
	ok(t, err, "Suspension alice")
	sameSuspension(t, got, sa, "Suspension alice")
	_, err = s.SuspendUser(ctx, store.Suspension{UserID: alice.ID, Reason: "again", Actor: "op", SuspendedAt: at(12)}, at(12))
	is(t, err, store.ErrAlreadyExists, "SuspendUser of a suspended user")
	got, err = s.Suspension(ctx, alice.ID, at(13))
	ok(t, err, "Suspension alice after the refused second suspension")
	sameSuspension(t, got, sa, "the first suspension stays")

	// Bob's suspension ends by itself.
	sb := store.Suspension{UserID: bob.ID, Reason: "cool off", Actor: "op", SuspendedAt: at(20), Until: at(100)}
	handles, err = s.SuspendUser(ctx, sb, at(20))
	ok(t, err, "SuspendUser bob with an end")
	wantStrings(t, handles, []string{"b1"}, "bob's sessions")
	got, err = s.Suspension(ctx, bob.ID, at(99))
	ok(t, err, "Suspension bob before the end")
	sameSuspension(t, got, sb, "Suspension bob")
	_, err = s.Suspension(ctx, bob.ID, at(100))
	is(t, err, store.ErrNotFound, "Suspension bob at its end")

	// UserStanding: the primary user and whether it is suspended, for a
	// suspended user, one whose suspension has ended, a linked member of
	// a suspended primary user, and an id that is no user.
	carol := createEP(t, ctx, s, epUser("carol@example.com", at(3)))
	_, _, err = s.CreatePrimaryUser(ctx, alice.ID, false)
	ok(t, err, "CreatePrimaryUser alice")
	_, _, err = s.LinkAccounts(ctx, carol.ID, alice.ID, false)
	ok(t, err, "LinkAccounts carol to alice")
	nobody := newID()
	for _, tc := range []struct {
		id, primary string
		when        time.Time
		suspended   bool
	}{
		{alice.ID, alice.ID, at(30), true},
		{carol.ID, alice.ID, at(30), true},
		{bob.ID, bob.ID, at(99), true},
		{bob.ID, bob.ID, at(100), false},
		{nobody, nobody, at(30), false},
	} {
		primary, suspended, err := s.UserStanding(ctx, tc.id, tc.when)
		ok(t, err, "UserStanding")
		if primary != tc.primary || suspended != tc.suspended {
			t.Errorf("UserStanding(%s, %v) = %s, %v; want %s, %v", tc.id, tc.when, primary, suspended, tc.primary, tc.suspended)
		}
	}

	m, err := s.SuspensionsForUsers(ctx, []string{alice.ID, bob.ID, newID(), alice.ID}, at(50))
	ok(t, err, "SuspensionsForUsers")
	if len(m) != 2 {
		t.Fatalf("SuspensionsForUsers: got %d, want 2: %+v", len(m), m)
	}
	sameSuspension(t, m[bob.ID], sb, "SuspensionsForUsers bob")
	m, err = s.SuspensionsForUsers(ctx, []string{alice.ID, bob.ID}, at(200))
	ok(t, err, "SuspensionsForUsers after bob's end")
	if _, has := m[bob.ID]; has || len(m) != 1 {
		t.Fatalf("SuspensionsForUsers after bob's end: got %+v, want alice only", m)
	}

	// Newest first, keyset pages, ended suspensions left out.
	list, err := s.ListSuspensions(ctx, store.DefaultTenant, 10, nil, at(50))
	ok(t, err, "ListSuspensions")
	if len(list) != 2 || list[0].UserID != bob.ID || list[1].UserID != alice.ID {
		t.Fatalf("ListSuspensions: got %+v, want bob then alice", list)
	}
	page, err := s.ListSuspensions(ctx, store.DefaultTenant, 1, nil, at(50))
	ok(t, err, "ListSuspensions page 1")
	next, err := s.ListSuspensions(ctx, store.DefaultTenant, 1, &store.SuspensionCursor{SuspendedAt: list[1].SuspendedAt, UserID: list[1].UserID}, at(50))
	ok(t, err, "ListSuspensions page 2")
	if len(page) != 1 || page[0].UserID != bob.ID || len(next) != 1 || next[0].UserID != alice.ID {
		t.Fatalf("ListSuspensions pages: got %+v then %+v", page, next)
	}
	list, err = s.ListSuspensions(ctx, store.DefaultTenant, 10, nil, at(200))
	ok(t, err, "ListSuspensions after bob's end")
	if len(list) != 1 || list[0].UserID != alice.ID {
		t.Fatalf("ListSuspensions after bob's end: got %+v, want alice", list)
	}
	list, err = s.ListSuspensions(ctx, "t2", 10, nil, at(50))
	ok(t, err, "ListSuspensions of another tenant")
	if len(list) != 0 {
		t.Fatalf("ListSuspensions of a tenant without these users: got %+v", list)
	}

	// An ended suspension is replaced by a new one; reinstating it is
	// ErrNotFound.
	sb2 := store.Suspension{UserID: bob.ID, Reason: "again", Actor: "op2", SuspendedAt: at(300)}
	_, err = s.SuspendUser(ctx, sb2, at(300))
	ok(t, err, "SuspendUser bob after the first ended")
	got, err = s.Suspension(ctx, bob.ID, at(301))
	ok(t, err, "Suspension bob, second")
	sameSuspension(t, got, sb2, "the second suspension replaced the first")

	got, err = s.ReinstateUser(ctx, alice.ID, at(400))
	ok(t, err, "ReinstateUser alice")
	sameSuspension(t, got, sa, "ReinstateUser returns the lifted suspension")
	_, err = s.Suspension(ctx, alice.ID, at(401))
	is(t, err, store.ErrNotFound, "Suspension after reinstating")
	_, err = s.ReinstateUser(ctx, alice.ID, at(402))
	is(t, err, store.ErrNotFound, "ReinstateUser of a user not suspended")

	ended := store.Suspension{UserID: alice.ID, Reason: "short", Actor: "op", SuspendedAt: at(500), Until: at(510)}
	_, err = s.SuspendUser(ctx, ended, at(500))
	ok(t, err, "SuspendUser alice briefly")
	_, err = s.ReinstateUser(ctx, alice.ID, at(600))
	is(t, err, store.ErrNotFound, "ReinstateUser of an ended suspension")
	_, err = s.SuspendUser(ctx, store.Suspension{UserID: alice.ID, Reason: "r", Actor: "op", SuspendedAt: at(601)}, at(601))
	ok(t, err, "SuspendUser after the ended row was removed")

	// Deleting the user removes the suspension with it.
	ok(t, s.DeleteUser(ctx, alice.ID, true), "DeleteUser alice")
	m, err = s.SuspensionsForUsers(ctx, []string{alice.ID}, at(602))
	ok(t, err, "SuspensionsForUsers of a deleted user")
	if len(m) != 0 {
		t.Fatalf("a deleted user's suspension: got %+v", m)
	}
}

// testRaceSuspend has many goroutines suspend one user: exactly one wins.
func testRaceSuspend(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	u := createEP(t, ctx, s, epUser("race@example.com", at(1)))
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := s.SuspendUser(ctx, store.Suspension{UserID: u.ID, Reason: "race", Actor: "op", SuspendedAt: at(int64(10 + i))}, at(10))
			errs <- err
		}()
	}
	wins := 0
	for range n {
		err := <-errs
		switch {
		case err == nil:
			wins++
		case !isErr(err, store.ErrAlreadyExists):
			t.Fatalf("SuspendUser race: unexpected error %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("SuspendUser race: %d winners, want 1", wins)
	}
}

func sortedCopy(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return out
}

func isErr(err, target error) bool { return errors.Is(err, target) }
