package sqlstore

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "modernc.org/sqlite" // the driver the cache is for
)

// TestReadPool: a query's statement is prepared once and reused, from many
// goroutines at once; texts too long or beyond the cap run unprepared and
// still answer; with the cache off nothing is kept.
func TestReadPool(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'one'), (2, 'two')`); err != nil {
		t.Fatal(err)
	}
	read := func(p *readPool, q string, id int) string {
		t.Helper()
		var v string
		if err := p.QueryRowContext(t.Context(), q, id).Scan(&v); err != nil {
			t.Fatalf("%.40s: %v", q, err)
		}
		return v
	}

	p := newReadPool(db, true)
	const q = `SELECT v FROM t WHERE id = $1`
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if got, want := read(p, q, 1+i%2), []string{"one", "two"}[i%2]; got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
	wg.Wait()
	if len(p.stmts) != 1 || p.stmts[q] == nil {
		t.Fatalf("cached after 20 concurrent reads of one text: %d statements", len(p.stmts))
	}

	long := q + " AND v <> '" + strings.Repeat("x", maxCachedQueryBytes) + "'"
	if read(p, long, 2) != "two" || p.stmts[long] != nil {
		t.Fatal("a text over the length cap was cached, or did not answer")
	}
	for i := range maxCachedStatements + 10 {
		read(p, fmt.Sprintf("%s AND %d = %d", q, i, i), 1)
	}
	if len(p.stmts) != maxCachedStatements {
		t.Fatalf("cache holds %d statements, want the cap %d", len(p.stmts), maxCachedStatements)
	}
	if _, err := p.QueryContext(t.Context(), `SELECT v FROM nowhere`); err == nil {
		t.Fatal("a query of a missing table answered")
	}
	if err := p.close(); err != nil || len(p.stmts) != 0 {
		t.Fatalf("close: %v, %d left", err, len(p.stmts))
	}

	off := newReadPool(db, false)
	if read(off, q, 1) != "one" || len(off.stmts) != 0 {
		t.Fatal("with the cache off a statement was kept")
	}
}
