// Package postgres is the scale-out store engine: [store.Store] on a
// PostgreSQL database that any number of core processes share.
//
// It runs the shared SQL (store/internal/sqlstore) through pgx's
// database/sql driver at the server's default isolation, READ COMMITTED.
// Read-modify-writes lock their row with SELECT … FOR UPDATE, so that
// concurrent updates of one row run one after the other; where there may be
// no row to lock yet (the first signing key, migrations) a transaction-
// scoped advisory lock serialises processes instead. Uniqueness is left to
// primary and unique keys.
//
// The schema is migrations/*.sql, embedded and applied by [Open]. Advisory
// lock keys include the current schema, so that databases holding several
// Latchkey schemas (tests) do not serialise each other.
package postgres
