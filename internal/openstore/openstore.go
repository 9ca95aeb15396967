// Package openstore opens a store engine from a connection string, the one
// place that knows every engine: "sqlite:PATH" (or a bare path) or a
// "postgres://" / "postgresql://" URL.
package openstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/latchkey-dev/latchkey/store"
	"github.com/latchkey-dev/latchkey/store/postgres"
	"github.com/latchkey-dev/latchkey/store/sqlite"
)

// Open opens (and migrates) the store that dsn names; opts apply to a
// PostgreSQL store.
func Open(ctx context.Context, dsn string, opts ...postgres.Option) (store.Store, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return postgres.Open(ctx, dsn, opts...)
	case strings.HasPrefix(dsn, "sqlite:"):
		return sqlite.Open(ctx, strings.TrimPrefix(dsn, "sqlite:"))
	case dsn == "":
		return nil, fmt.Errorf("openstore: no database given: use sqlite:PATH or a postgres:// URL")
	case strings.Contains(dsn, "://"):
		return nil, fmt.Errorf("openstore: unsupported database %q: use sqlite:PATH or a postgres:// URL", Describe(dsn))
	}
	return sqlite.Open(ctx, dsn)
}

// Describe returns dsn fit for a log line or an error: every PostgreSQL
// password is masked (see [postgres.Redact]), even when dsn does not parse.
func Describe(dsn string) string { return postgres.Redact(dsn) }
