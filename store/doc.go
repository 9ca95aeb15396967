// Package store is Latchkey's persistence contract: the value types the core
// keeps and small per-area interfaces over them. Engines live beside it
// (store/sqlite, store/postgres) and prove themselves against one
// conformance suite (store/storetest).
//
// Rules every engine keeps:
//
//   - Uniqueness and races are settled by the database (unique keys,
//     transactions), never by check-then-insert in Go.
//   - Every method that writes does so in one transaction; updater methods
//     (UpdateXxx(ctx, id, func(*T) error)) read, call the function and write
//     in that same transaction.
//   - Errors wrap ErrNotFound, ErrAlreadyExists or ErrConflict with %w, so
//     callers test them with errors.Is.
//   - Times are stored as Unix milliseconds, the unit of the wire protocol.
package store
