package postgres

import (
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestPlaintextRemoteHosts checks which connection strings Open warns
// about: a server on another machine that pgx may reach without TLS.
func TestPlaintextRemoteHosts(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want []string
	}{
		{"postgres://u@db.internal/x?sslmode=disable", []string{"db.internal"}},
		{"postgres://u@db.internal/x", []string{"db.internal"}}, // prefer: falls back to plain text
		{"postgres://u@db.internal/x?sslmode=allow", []string{"db.internal"}},
		{"postgres://u@10.1.2.3:5432/x?sslmode=disable", []string{"10.1.2.3"}},
		{"postgres://u@db.internal/x?sslmode=require", nil},
		{"postgres://u@db.internal/x?sslmode=verify-full", nil},
		{"postgres://u@127.0.0.1/x?sslmode=disable", nil},
		{"postgres://u@localhost/x?sslmode=disable", nil},
		{"postgres://u@[::1]:5432/x?sslmode=disable", nil},
		{"host=/var/run/postgresql user=u sslmode=disable", nil},
	} {
		cfg, err := pgx.ParseConfig(tc.url)
		if err != nil {
			t.Fatalf("%s: %v", tc.url, err)
		}
		if got := plaintextRemoteHosts(cfg); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.url, got, tc.want)
		}
	}
}
