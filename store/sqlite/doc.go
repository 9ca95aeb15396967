// Package sqlite is the embedded store engine: [store.Store] on one SQLite
// file, through the pure-Go modernc.org/sqlite driver so that the binary
// stays static.
//
// [Open] keeps two pools on the file. One writer connection serves every
// write transaction, opened with BEGIN IMMEDIATE, so that goroutines queue
// in Go instead of spinning in SQLite's busy handler and no read ever has
// to upgrade to a write; reads that are part of a read-modify-write run
// inside that transaction. The write transactions waiting for the writer
// when it frees up share one transaction and one commit, each in a
// savepoint of its own (group commit, sqlstore's groupcommit.go), since a
// commit's WAL sync (synchronous=FULL) is most of a small write's time;
// each caller still gets its own outcome, after the commit. A pool of
// query-only connections serves plain reads, which WAL lets run beside the
// writer.
//
// The schema is migrations/*.sql, embedded and applied by Open.
package sqlite
