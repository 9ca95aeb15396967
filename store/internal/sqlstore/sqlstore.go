package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

// Violation is the kind of constraint a failed statement violated.
type Violation int

const (
	// NoViolation means the error is not a constraint violation.
	NoViolation Violation = iota
	// UniqueViolation is a duplicate primary or unique key.
	UniqueViolation
	// ForeignKeyViolation is a reference to a missing row.
	ForeignKeyViolation
)

// Dialect is what differs between engines at run time. Everything else,
// the SQL text included, is shared.
type Dialect struct {
	// ForUpdate is appended to a SELECT that reads a row the same
	// transaction will write, so that concurrent read-modify-writes of one
	// row run one after the other (" FOR UPDATE" on PostgreSQL). It is
	// empty where write transactions are already serialised (SQLite opens
	// them with BEGIN IMMEDIATE on its one writer connection).
	ForUpdate string
	// LockDynamicKeys, when not empty, is executed first in the transaction
	// of AddDynamicSigningKey so that its check and insert are serialised
	// across processes even when there is no row to lock yet.
	LockDynamicKeys string
	// LockMigrations, when not empty, is executed first in the migration
	// transaction so that processes starting together migrate one at a
	// time.
	LockMigrations string
	// SearchWalkFrom names account_infos in the FROM clause of a search
	// that walks the identifiers in listing order: on SQLite with INDEXED
	// BY account_infos_walk, because without statistics its planner would
	// rather sort every match; PostgreSQL's planner makes that choice from
	// its statistics. Its alias is w. Default: "account_infos AS w".
	SearchWalkFrom string
	// RoleRowsFrom names user_roles (alias ro) where the list reads a rare
	// role's users from it: on SQLite with INDEXED BY user_roles_role,
	// whose planner would rather read every role of the tenant from the
	// covering unique key. Default: "user_roles ro".
	RoleRowsFrom string
	// SearchBranchPerRange makes a search one SELECT per term's range,
	// with its own bounds, rather than one join with a VALUES list of
	// ranges: PostgreSQL's planner estimates a range from its statistics
	// only when the bounds are the SELECT's own. SQLite caps a compound
	// SELECT at 500 terms, so it joins the list.
	SearchBranchPerRange bool
	// OneOffArgs go before the arguments of a query whose text is new
	// almost every time (a search: its SQL holds every term's range, up to
	// 70 KB), to run it without preparing it. On PostgreSQL, pgx by default
	// prepares each new text (a round trip more) and keeps it in a cache of
	// 512 statements per connection, which one-off searches only fill.
	OneOffArgs []any
	// GroupCommit runs the write transactions that wait for the one
	// writer connection together, each in a savepoint of one transaction,
	// so that they share one commit: SQLite syncs the WAL on every commit
	// (synchronous=FULL), and on a disk that syncs in 1.6 ms that capped
	// every write (a refresh, a sign-up) at about 600 a second. See
	// groupcommit.go.
	GroupCommit bool
	// CacheStatements prepares each plain read's SQL once and reuses it
	// (readPool), for a driver that does not cache statements itself.
	CacheStatements bool
	// Classify reports which constraint, if any, err violated.
	Classify func(err error) Violation
	// InStrings returns a predicate that expr is one of vs, written with
	// the single placeholder ph, and the one argument to bind to it. Long
	// id lists then cost one bound parameter instead of one each, which
	// matters on SQLite, whose lookup of a "$N" parameter's number is
	// linear in the number of parameters. Default: an IN list of
	// placeholders is not possible with one placeholder, so every engine
	// sets this.
	InStrings func(expr, ph string, vs []string) (string, any)
}

// DB implements [store.Store] over two database/sql pools: writes (and the
// reads of a read-modify-write) go through writer, plain reads through
// reader. An engine with one pool passes it twice.
type DB struct {
	writer  *sql.DB
	reader  *readPool
	dialect Dialect
	batch   batcher // with Dialect.GroupCommit
}

var _ store.Store = (*DB)(nil)

// New returns a store over the two pools. Close closes both (once when they
// are the same pool).
func New(writer, reader *sql.DB, d Dialect) *DB {
	if d.SearchWalkFrom == "" {
		d.SearchWalkFrom = "account_infos AS w"
	}
	if d.RoleRowsFrom == "" {
		d.RoleRowsFrom = "user_roles ro"
	}
	if d.Classify == nil {
		d.Classify = func(error) Violation { return NoViolation }
	}
	return &DB{writer: writer, reader: newReadPool(reader, d.CacheStatements), dialect: d}
}

// Writer returns the pool that write transactions use, for engine-specific
// code such as bulk loading.
func (s *DB) Writer() *sql.DB { return s.writer }

// Reader returns the pool that reads use, for engine-specific checks such
// as of its settings.
func (s *DB) Reader() *sql.DB { return s.reader.db }

// Ping touches the database through both pools.
func (s *DB) Ping(ctx context.Context) error {
	if err := s.writer.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlstore: ping writer: %w", err)
	}
	if s.reader.db != s.writer {
		if err := s.reader.db.PingContext(ctx); err != nil {
			return fmt.Errorf("sqlstore: ping reader: %w", err)
		}
	}
	return nil
}

// Close closes both pools.
func (s *DB) Close() error {
	err := errors.Join(s.reader.close(), s.writer.Close())
	if s.reader.db != s.writer {
		err = errors.Join(err, s.reader.db.Close())
	}
	return err
}

// querier is what *sql.DB and *sql.Tx have in common, so that read helpers
// run both on the reader pool and inside a write transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// commitAnyway wraps an error that a transaction function returns after
// making changes that must still be committed (a consumed token that turned
// out to be expired is deleted either way). inTx commits and returns the
// wrapped error.
type commitAnyway struct{ err error }

func (c commitAnyway) Error() string { return c.err.Error() }

// inTx runs fn in one write transaction and commits it unless fn fails.
// The function's error is returned unchanged, so that an updater's error
// reaches the caller as is. fn gets the context to run its statements
// with: ctx, or (with Dialect.GroupCommit) ctx without its cancellation.
func (s *DB) inTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if s.dialect.GroupCommit {
		return s.groupCommit(ctx, fn)
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	err = fn(ctx, tx)
	var ca commitAnyway
	if err != nil && !errors.As(err, &ca) {
		_ = tx.Rollback()
		return err
	}
	if cerr := tx.Commit(); cerr != nil {
		return s.wrap("commit", cerr)
	}
	if err != nil {
		return ca.err
	}
	return nil
}

// wrap names the operation and maps constraint violations to the store's
// errors: a duplicate key is store.ErrAlreadyExists, a missing referenced
// row store.ErrConflict. Methods for which a missing reference means
// something else (an unknown user, an unknown role) check
// isForeignKeyViolation first.
func (s *DB) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	switch s.dialect.Classify(err) {
	case UniqueViolation:
		return fmt.Errorf("sqlstore: %s: %w: %w", op, store.ErrAlreadyExists, err)
	case ForeignKeyViolation:
		return fmt.Errorf("sqlstore: %s: %w: %w", op, store.ErrConflict, err)
	}
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}

func (s *DB) isForeignKeyViolation(err error) bool {
	return err != nil && s.dialect.Classify(err) == ForeignKeyViolation
}

func (s *DB) isUniqueViolation(err error) bool {
	return err != nil && s.dialect.Classify(err) == UniqueViolation
}

// notFound returns store.ErrNotFound named by op.
func notFound(op string) error {
	return fmt.Errorf("sqlstore: %s: %w", op, store.ErrNotFound)
}

// ms converts a time to the stored unit, Unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts stored Unix milliseconds back to a time, in UTC so that
// values read back compare equal across engines and machines.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// placeholders appends len(n) placeholders numbered from first, separated by
// commas: "$3, $4, $5".
func placeholders(first, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(first + i))
	}
	return b.String()
}

// anys converts strings to query arguments.
func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// dedupe returns ss without repeats, keeping first occurrences in order.
func dedupe(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// argList builds a query's arguments and hands out their placeholders, for
// queries whose shape depends on the input (IN lists, search terms).
type argList struct{ args []any }

// add appends v and returns its placeholder.
func (a *argList) add(v any) string {
	a.args = append(a.args, v)
	return "$" + strconv.Itoa(len(a.args))
}

// in appends every value and returns "$i, $j, …" for an IN list.
func (a *argList) in(vs []string) string {
	first := len(a.args) + 1
	a.args = append(a.args, anys(vs)...)
	return placeholders(first, len(vs))
}

// scanStrings reads a one-column result of strings.
func scanStrings(rows *sql.Rows, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// nullText stores an empty JSON value as NULL, so that "none" reads back
// as nil.
func nullText(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

// rawJSON converts a nullable text column back to a raw JSON value.
func rawJSON(v sql.NullString) []byte {
	if !v.Valid {
		return nil
	}
	return []byte(v.String)
}
