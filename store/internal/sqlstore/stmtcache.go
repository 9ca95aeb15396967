package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// Statement cache limits: how many distinct SQL texts readPool keeps
// prepared, and the longest text it prepares. The texts the store sends are
// a fixed set (id lists are one bound argument, see Dialect.InStrings) apart
// from searches, which are long and nearly always new; those go unprepared.
const (
	maxCachedStatements = 256
	maxCachedQueryBytes = 4 << 10
)

// readPool is the pool of plain reads. With Dialect.CacheStatements it
// prepares each query text once and reuses the statement (database/sql
// keeps one per connection): modernc.org/sqlite has no statement cache of
// its own, and parsing the SQL was about a tenth of the core's CPU on a
// refresh or a sign-in. Without it (PostgreSQL, whose pgx driver caches
// prepared statements itself) it is the pool as is.
type readPool struct {
	db    *sql.DB
	cache bool

	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

func newReadPool(db *sql.DB, cache bool) *readPool {
	return &readPool{db: db, cache: cache, stmts: map[string]*sql.Stmt{}}
}

// stmt returns query's prepared statement, preparing it on first use; nil
// when it is not to be cached (too long, cache full, or the prepare
// failed: the caller then runs the query as is and reports its error).
func (p *readPool) stmt(ctx context.Context, query string) *sql.Stmt {
	if !p.cache || len(query) > maxCachedQueryBytes {
		return nil
	}
	p.mu.RLock()
	st, ok := p.stmts[query]
	full := len(p.stmts) >= maxCachedStatements
	p.mu.RUnlock()
	if ok || full {
		return st
	}
	st, err := p.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if prev, ok := p.stmts[query]; ok {
		st.Close() // prepared at the same time by another caller
		return prev
	}
	if len(p.stmts) >= maxCachedStatements {
		st.Close()
		return nil
	}
	p.stmts[query] = st
	return st
}

// QueryContext runs a query that returns rows.
func (p *readPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query that returns at most one row.
func (p *readPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, query, args...)
}

// ExecContext runs a statement without rows.
func (p *readPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.db.ExecContext(ctx, query, args...)
}

// close closes the cached statements (not the pool).
func (p *readPool) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var err error
	for q, st := range p.stmts {
		if e := st.Close(); e != nil && err == nil {
			err = e
		}
		delete(p.stmts, q)
	}
	return err
}
