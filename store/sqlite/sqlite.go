package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/latchkey-dev/latchkey/store"
	"github.com/latchkey-dev/latchkey/store/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// busyTimeoutMS is how long a connection waits for another process's
// write lock before failing with SQLITE_BUSY. Within one process the
// single writer connection means nobody waits here.
const busyTimeoutMS = 10000

// DB is a store on one SQLite file. Its methods implement [store.Store]
// (promoted from the shared SQL implementation).
type DB struct {
	*sqlstore.DB
}

var _ store.Store = (*DB)(nil)

// dialect: write transactions are serialised by BEGIN IMMEDIATE on the one
// writer connection, so no row or advisory locks are needed.
var dialect = sqlstore.Dialect{
	GroupCommit:     true,
	CacheStatements: true,
	SearchWalkFrom:  "account_infos AS w INDEXED BY account_infos_walk",
	RoleRowsFrom:    "user_roles ro INDEXED BY user_roles_role",
	Classify:        classify,
	InStrings:       inStrings,
}

// inStrings passes a list as one JSON array, unpacked by json_each.
func inStrings(expr, ph string, vs []string) (string, any) {
	arr, _ := json.Marshal(vs) // a []string always marshals
	return expr + " IN (SELECT value FROM json_each(" + ph + "))", string(arr)
}

// Open opens (creating if needed) the SQLite database at path and applies
// any pending migrations. Processes may open one file at once: the
// migration transaction takes the write lock, so the second process waits
// for the first and then finds nothing to apply.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: open: empty path")
	}
	if strings.ContainsAny(path, "?#") {
		// The driver splits the path from its parameters at '?'.
		return nil, fmt.Errorf("sqlite: open %q: the path must not contain '?' or '#'", path)
	}
	migrations, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	if err := createPrivate(path); err != nil {
		return nil, fmt.Errorf("sqlite: open %q: %w", path, err)
	}

	writer, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %q: %w", path, err)
	}
	// One connection, never closed while idle: writes queue for it in Go.
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxIdleTime(0)
	writer.SetConnMaxLifetime(0)
	if err := retryBusy(ctx, func() error { return sqlstore.Migrate(ctx, writer, migrations, dialect) }); err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: open %q: %w", path, err)
	}

	reader, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: open %q: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	if err := retryBusy(ctx, func() error { return reader.PingContext(ctx) }); err != nil {
		writer.Close()
		reader.Close()
		return nil, fmt.Errorf("sqlite: open %q: %w", path, err)
	}
	return &DB{sqlstore.New(writer, reader, dialect)}, nil
}

// retryBusy runs fn until it succeeds, fails with an error other than
// SQLITE_BUSY, or busyTimeoutMS has passed. The busy timeout alone is not
// enough while a new file is being set up: SQLite returns SQLITE_BUSY at
// once, without calling the busy handler, to a connection that finds
// another one switching the file to WAL or rebuilding the WAL index, which
// is exactly what happens when several processes open a new file together.
// Migrate and the first read are one transaction each, so running them
// again is safe.
func retryBusy(ctx context.Context, fn func() error) error {
	deadline := time.Now().Add(busyTimeoutMS * time.Millisecond)
	wait := 5 * time.Millisecond
	for {
		err := fn()
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY, in any extended form.
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// createPrivate creates the database file, if it does not exist yet, with
// permissions for its owner only: it holds password hashes and sessions,
// and SQLite would create it world-readable under a usual umask. SQLite
// gives the -wal and -shm files the permissions of the database file.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// dsn builds the driver's connection string. The driver applies
// _busy_timeout first, then the _pragma list, then _foreign_keys, then
// _synchronous, then _query_only, whatever their order in the string;
// these keys are chosen so that the pragmas run in the order that matters:
// busy_timeout first (so that the others wait for a lock instead of
// failing), then journal_mode(WAL), foreign_keys(ON) and synchronous(FULL),
// which in WAL mode, unlike NORMAL, loses no committed transaction on
// power loss. Write transactions start with BEGIN IMMEDIATE (_txlock), so
// a transaction never fails to upgrade a read lock.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(busyTimeoutMS))
	q.Set("_foreign_keys", "1")
	if readOnly {
		q.Set("_query_only", "1")
		// Readers map the file instead of copying pages in with a
		// syscall each; on a big store that is a third of a search's
		// time. It maps address space, not memory: the OS page cache
		// holds the pages either way. The size is the most this SQLite
		// maps (SQLITE_MAX_MMAP_SIZE): with 1 GiB, the pages of a
		// million-user store (1.7 GB) past the first GiB were each read
		// with a syscall through a 2 MB cache, and walking 200,000 of
		// its users took a third more CPU.
		q.Add("_pragma", "mmap_size("+strconv.FormatInt(maxMmapSize, 10)+")")
	} else {
		q.Set("_pragma", "journal_mode(WAL)")
		q.Set("_synchronous", "FULL")
		q.Set("_txlock", "immediate")
	}
	return path + "?" + q.Encode()
}

// maxMmapSize is SQLITE_MAX_MMAP_SIZE of modernc.org/sqlite on 64-bit
// Linux, the most mmap_size can be; a larger value is clamped to it.
const maxMmapSize = 2147418112

// classify maps SQLite's extended result codes to constraint kinds.
func classify(err error) sqlstore.Violation {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return sqlstore.NoViolation
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return sqlstore.UniqueViolation
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return sqlstore.ForeignKeyViolation
	}
	return sqlstore.NoViolation
}
