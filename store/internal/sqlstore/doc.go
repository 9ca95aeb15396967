// Package sqlstore implements [store.Store] once over database/sql, for every
// SQL engine Latchkey ships (store/sqlite, store/postgres).
//
// The SQL is written once with $1, $2, … placeholders, which both
// modernc.org/sqlite and PostgreSQL bind by number. Where the engines differ
// (row locks, advisory locks, migration locking, how a constraint violation
// is reported) the engine passes a [Dialect]; the DDL lives with each engine
// as embedded migrations, run by [Migrate].
//
// Layout, by store area:
//
//	sqlstore.go           DB, Dialect, transactions, error mapping
//	migrate.go            numbered .sql migrations, tracked in schema_migrations
//	tenants.go            which tenants exist
//	users.go              User, ListUsers (keyset pages), CountUsers, DeleteUser, …
//	search.go             ListUsers with a search: two plans, picked per query
//	users_load.go         loading full User objects for a page in two queries
//	counts.go             user_counts, the counters behind CountUsers
//	emailpassword.go      email-password users and reset tokens
//	emailverification.go  verification tokens and verified emails
//	passwordless.go       passwordless devices, codes and users; the atomic consume
//	sessions.go           session rows
//	keys.go               dynamic and static signing keys
//	metadata.go           user metadata
//	roles.go              roles, permissions, user roles
//	dashboard.go          dashboard accounts and their sessions
//	bulk.go               BulkLoadEmailPasswordUsers for benchmarks
//
// Tables (see the engines' migrations/0001_init.sql):
//
//   - users: one row per user; tenant_users: the per-tenant listing, with
//     time_joined copied so that pages are index range scans.
//   - account_infos: one row per identifier (email, phone, third-party id)
//     of a login method per tenant. Its primary key is the "one login per
//     identifier per recipe per tenant" rule, and its key order
//     (tenant, type, value) makes prefix search a range scan.
//   - per-recipe tables (emailpassword_users, …) hold what only that recipe
//     needs, so a new recipe only adds tables.
package sqlstore
