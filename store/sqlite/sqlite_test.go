package sqlite_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/latchkey-dev/latchkey/store"
	"github.com/latchkey-dev/latchkey/store/sqlite"
	"github.com/latchkey-dev/latchkey/store/storetest"
)

// open opens a fresh database file in the test's temporary directory.
func open(t *testing.T) store.Store {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "latchkey.db"))
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestStore(t *testing.T)       { storetest.Run(t, open) }
func TestConcurrency(t *testing.T) { storetest.RunConcurrency(t, open) }

// TestOpenConcurrently opens one new file from several goroutines at once,
// as processes starting together would: each must succeed, and the
// migrations must be applied exactly once.
func TestOpenConcurrently(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	const n = 8
	dbs := make([]*sqlite.DB, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { dbs[i], errs[i] = sqlite.Open(t.Context(), path) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		t.Cleanup(func() { dbs[i].Close() })
	}
	var versions int
	if err := dbs[0].Writer().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM schema_migrations`).Scan(&versions); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if versions != len(files) {
		t.Fatalf("schema_migrations has %d rows, want one per migration, %d", versions, len(files))
	}
	// A user written through one handle is read through another.
	u := store.EmailPasswordUser{ID: "u1", TenantID: "public", Email: "a@b.c", PasswordHash: "h"}
	if err := dbs[1].CreateEmailPasswordUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	if _, err := dbs[2].EmailPasswordUser(t.Context(), "u1"); err != nil {
		t.Fatal(err)
	}
}

// TestPragmas checks the settings the engine depends on: WAL, enforced
// foreign keys, and synchronous=FULL (2).
func TestPragmas(t *testing.T) {
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tc := range []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"synchronous", "2"},
		{"busy_timeout", "10000"},
	} {
		var got string
		if err := db.Writer().QueryRowContext(t.Context(), "PRAGMA "+tc.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("PRAGMA %s = %s, want %s", tc.pragma, got, tc.want)
		}
	}
	// Readers map as much of the file as SQLite can (2 GiB, where 1 GiB
	// left most of a million-user store to syscalls).
	var mmap int64
	if err := db.Reader().QueryRowContext(t.Context(), "PRAGMA mmap_size").Scan(&mmap); err != nil {
		t.Fatal(err)
	}
	if mmap != 2147418112 {
		t.Errorf("readers' PRAGMA mmap_size = %d, want 2147418112", mmap)
	}
}

func TestOpenRejectsBadPaths(t *testing.T) {
	for _, p := range []string{"", "a?b.db", filepath.Join(t.TempDir(), "missing-dir", "x.db")} {
		if db, err := sqlite.Open(t.Context(), p); err == nil {
			db.Close()
			t.Errorf("Open(%q): no error", p)
		}
	}
}

// TestNewFileIsPrivate: a new database holds password hashes and sessions,
// so it and its WAL are readable by their owner only.
func TestNewFileIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "private.db")
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s has permissions %v, want none for group and others", filepath.Base(p), perm)
		}
	}
}

// TestMigration0008SignsDashboardSessionsOut: dashboard session ids stored
// before 0008 are plain; the migration removes them, since the core now
// looks sessions up by hash (issue 11, finding 9).
func TestMigration0008SignsDashboardSessionsOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	storetest.PlainDashboardSessionBefore0008(t, db, func(query string) error {
		_, err := db.Writer().ExecContext(t.Context(), query)
		return err
	}, func() store.Store {
		db.Close()
		db, err = sqlite.Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}
