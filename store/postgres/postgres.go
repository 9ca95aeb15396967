package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/latchkey-dev/latchkey/store"
	"github.com/latchkey-dev/latchkey/store/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Advisory lock classes (the first key of pg_advisory_xact_lock(int, int));
// the second key is a hash of the current schema.
const (
	lockClassMigrations  = 0x4C4B0001 // "LK", 1
	lockClassDynamicKeys = 0x4C4B0002 // "LK", 2
)

// lockStmt takes a transaction-scoped advisory lock of class for the
// current schema; it is released at commit or rollback, so a crashed
// process cannot leave it held.
func lockStmt(class int) string {
	return fmt.Sprintf(`SELECT pg_advisory_xact_lock(%d, hashtext(coalesce(current_schema(), '')))`, class)
}

var dialect = sqlstore.Dialect{
	ForUpdate:       " FOR UPDATE",
	LockDynamicKeys: lockStmt(lockClassDynamicKeys),
	LockMigrations:  lockStmt(lockClassMigrations),
	Classify:        classify,
	InStrings:       inStrings,

	SearchBranchPerRange: true,
	// Searches run unprepared: their text is new nearly every time.
	OneOffArgs: []any{pgx.QueryExecModeExec},
}

// inStrings passes a list as one text[] parameter.
func inStrings(expr, ph string, vs []string) (string, any) {
	return expr + " = ANY(" + ph + "::text[])", vs
}

// DB is a store on a PostgreSQL database. Its methods implement
// [store.Store] (promoted from the shared SQL implementation).
type DB struct {
	*sqlstore.DB
}

var _ store.Store = (*DB)(nil)

// Option adjusts [Open].
type Option func(*openOptions)

type openOptions struct{ logger *slog.Logger }

// WithLogger sets where Open logs its warnings. Default: slog.Default().
func WithLogger(l *slog.Logger) Option { return func(o *openOptions) { o.logger = l } }

// Open connects to the database at url (a postgres:// URL or a
// "key=value" connection string, as pgx accepts; search_path may be set
// there) and applies any pending migrations, one process at a time. It
// warns when it may talk to a server on another machine without TLS
// (sslmode disable, allow or prefer, pgx's default): use
// sslmode=verify-full there. Errors never show the password (pgx masks
// it; see also [Redact]).
func Open(ctx context.Context, url string, opts ...Option) (*DB, error) {
	o := openOptions{logger: slog.Default()}
	for _, opt := range opts {
		opt(&o)
	}
	if url == "" {
		return nil, errors.New("postgres: open: empty connection URL")
	}
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	if hosts := plaintextRemoteHosts(cfg); len(hosts) > 0 {
		o.logger.Warn("postgres: the connection to a server on another machine may not use TLS: set sslmode=verify-full",
			"hosts", hosts)
	}
	migrations, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	// A transaction holds its connection while it waits for a row lock, so
	// the pool bounds how many requests can queue inside the database;
	// the rest queue in Go, which is cheaper than a backend each.
	n := max(8, 4*runtime.GOMAXPROCS(0))
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqlstore.Migrate(ctx, db, migrations, dialect); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	return &DB{sqlstore.New(db, db, dialect)}, nil
}

// classify maps SQLSTATEs to constraint kinds.
func classify(err error) sqlstore.Violation {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return sqlstore.NoViolation
	}
	switch pe.Code {
	case "23505": // unique_violation
		return sqlstore.UniqueViolation
	case "23503": // foreign_key_violation
		return sqlstore.ForeignKeyViolation
	}
	return sqlstore.NoViolation
}

// plaintextRemoteHosts returns the hosts, among the configured one and its
// fallbacks, that are not on this machine and that pgx may reach without
// TLS.
func plaintextRemoteHosts(cfg *pgx.ConnConfig) []string {
	var out []string
	check := func(host string, tls bool) {
		if tls || isLocalHost(host) || slices.Contains(out, host) {
			return
		}
		out = append(out, host)
	}
	check(cfg.Host, cfg.TLSConfig != nil)
	for _, f := range cfg.Fallbacks {
		check(f.Host, f.TLSConfig != nil)
	}
	return out
}

// isLocalHost reports whether host is a Unix socket directory, localhost
// or a loopback address.
func isLocalHost(host string) bool {
	if strings.HasPrefix(host, "/") || strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
