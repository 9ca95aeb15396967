package sqlite_test

import (
	"os"
	"testing"

	"github.com/latchkey-dev/latchkey/store/sqlite"
	"github.com/latchkey-dev/latchkey/store/storetest"
)

// BenchmarkUsers runs the listing benchmarks on the database file named by
// LATCHKEY_BENCH_SQLITE, loaded beforehand with
//
//	go run ./bench/users1m -db sqlite:/tmp/users1m.db -n 1000000
//	LATCHKEY_BENCH_SQLITE=/tmp/users1m.db go test -run '^$' -bench Users ./store/sqlite
func BenchmarkUsers(b *testing.B) {
	path := os.Getenv("LATCHKEY_BENCH_SQLITE")
	if path == "" {
		b.Skip("LATCHKEY_BENCH_SQLITE is not set; see the comment on BenchmarkUsers")
	}
	db, err := sqlite.Open(b.Context(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	storetest.BenchmarkUsers(b, db)
}
