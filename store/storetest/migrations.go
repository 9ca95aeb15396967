package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

// PlainDashboardSessionBefore0008 checks migration 0008 on an engine: it
// stores a dashboard session in s, as a core before 0008 did (a plain id),
// marks 0008 as not applied with exec, and reopens the store, which runs
// 0008 again: the session must be gone, so that no plain 30-day credential
// stays in the database.
func PlainDashboardSessionBefore0008(t *testing.T, s store.Store, exec func(query string) error, reopen func() store.Store) {
	t.Helper()
	ctx := t.Context()
	u := store.DashboardUser{ID: newID(), Email: "old@example.com", PasswordHash: "h", TimeJoined: at(0)}
	ok(t, s.CreateDashboardUser(ctx, u), "CreateDashboardUser")
	sess := store.DashboardSession{ID: "plain-session-id", UserID: u.ID, TimeCreated: at(1), Expiry: time.Now().Add(time.Hour)}
	ok(t, s.CreateDashboardSession(ctx, sess), "CreateDashboardSession")
	ok(t, exec(`DELETE FROM schema_migrations WHERE version = 8`), "forget 0008")
	s = reopen()
	if _, err := s.DashboardSession(ctx, sess.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a plain dashboard session id survived migration 0008: %v", err)
	}
	if _, err := s.DashboardUser(ctx, u.ID); err != nil {
		t.Fatalf("the account did not survive migration 0008: %v", err)
	}
}
