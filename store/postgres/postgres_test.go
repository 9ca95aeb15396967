package postgres_test

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/latchkey-dev/latchkey/store"
	"github.com/latchkey-dev/latchkey/store/postgres"
	"github.com/latchkey-dev/latchkey/store/storetest"
)

// serverURL returns LATCHKEY_TEST_POSTGRES_URL. Without it the test is
// skipped locally and fails in CI, where a skipped engine would pass
// unnoticed.
func serverURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("LATCHKEY_TEST_POSTGRES_URL")
	if u == "" {
		const msg = "LATCHKEY_TEST_POSTGRES_URL is not set; set it to a PostgreSQL URL, e.g. " +
			"postgres://postgres@127.0.0.1:5432/test?sslmode=disable, to run the PostgreSQL store tests"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return u
}

// freshSchema creates an empty schema, dropped when the test ends, and
// returns a URL whose connections use it.
func freshSchema(t *testing.T) string {
	t.Helper()
	base := serverURL(t)
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])

	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.ExecContext(t.Context(), `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return withSearchPath(t, base, schema)
}

// withSearchPath sets search_path on a URL or key=value connection string.
func withSearchPath(t *testing.T, conn, schema string) string {
	t.Helper()
	if !strings.HasPrefix(conn, "postgres://") && !strings.HasPrefix(conn, "postgresql://") {
		return conn + " search_path=" + schema
	}
	u, err := url.Parse(conn)
	if err != nil {
		t.Fatalf("LATCHKEY_TEST_POSTGRES_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// open opens a store on a fresh schema.
func open(t *testing.T) store.Store {
	t.Helper()
	db, err := postgres.Open(t.Context(), freshSchema(t))
	if err != nil {
		t.Fatalf("postgres.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestStore(t *testing.T) {
	serverURL(t)
	storetest.Run(t, open)
}

func TestConcurrency(t *testing.T) {
	serverURL(t)
	storetest.RunConcurrency(t, open)
}

// TestOpenConcurrently opens one new schema from several goroutines at
// once, as core processes starting together would: each must succeed and
// the migrations must be applied exactly once.
func TestOpenConcurrently(t *testing.T) {
	u := freshSchema(t)
	const n = 8
	dbs := make([]*postgres.DB, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { dbs[i], errs[i] = postgres.Open(t.Context(), u) })
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
}

func TestOpenRejectsBadURLs(t *testing.T) {
	for _, u := range []string{"", "postgres://%zz", "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"} {
		if db, err := postgres.Open(t.Context(), u); err == nil {
			db.Close()
			t.Errorf("Open(%q): no error", u)
		}
	}
}

// TestMigration0008SignsDashboardSessionsOut: dashboard session ids stored
// before 0008 are plain; the migration removes them, since the core now
// looks sessions up by hash (issue 11, finding 9).
func TestMigration0008SignsDashboardSessionsOut(t *testing.T) {
	u := freshSchema(t)
	db, err := postgres.Open(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	storetest.PlainDashboardSessionBefore0008(t, db, func(query string) error {
		_, err := db.Writer().ExecContext(t.Context(), query)
		return err
	}, func() store.Store {
		db.Close()
		db, err = postgres.Open(t.Context(), u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}
