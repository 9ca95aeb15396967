package postgres_test

import (
	"os"
	"testing"

	"github.com/latchkey-dev/latchkey/store/postgres"
	"github.com/latchkey-dev/latchkey/store/storetest"
)

// BenchmarkUsers runs the listing benchmarks on the database named by
// LATCHKEY_BENCH_POSTGRES_URL, loaded beforehand with
//
//	go run ./bench/users1m -db "$URL" -n 1000000
//	LATCHKEY_BENCH_POSTGRES_URL="$URL" go test -run '^$' -bench Users ./store/postgres
//
// Use a database (or a search_path schema) of its own: the tests' schemas
// are dropped after each test.
func BenchmarkUsers(b *testing.B) {
	url := os.Getenv("LATCHKEY_BENCH_POSTGRES_URL")
	if url == "" {
		b.Skip("LATCHKEY_BENCH_POSTGRES_URL is not set; see the comment on BenchmarkUsers")
	}
	db, err := postgres.Open(b.Context(), url)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	storetest.BenchmarkUsers(b, db)
}
