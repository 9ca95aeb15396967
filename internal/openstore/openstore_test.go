package openstore_test

import (
	"strings"
	"testing"

	"github.com/latchkey-dev/latchkey/internal/openstore"
)

// TestDescribeMasksPasswords checks that no PostgreSQL password survives
// Describe, which the commands use in log lines and errors: in the URL's
// user info, as ?password= or ?sslpassword=, in a URL that does not parse,
// or in a key=value connection string.
func TestDescribeMasksPasswords(t *testing.T) {
	for _, tc := range []struct{ dsn, keep string }{
		{"postgres://latchkey:s3cret@db.internal:5432/latchkey?sslmode=verify-full", "db.internal:5432/latchkey?sslmode=verify-full"},
		{"postgresql://latchkey:s3cret@db.internal/latchkey", "db.internal/latchkey"},
		{"postgres://latchkey@db.internal/latchkey?password=s3cret&sslmode=require", "sslmode=require"},
		{"postgres://latchkey@db.internal/latchkey?sslmode=require&PassWord=s3cret", "sslmode=require"},
		{"postgres://latchkey@db.internal/latchkey?pass%77ord=s3cret", "db.internal"},
		{"postgres://latchkey@db.internal/latchkey?sslpassword=s3cret", "db.internal"},
		{"postgres://latchkey:s3cret@db.internal:badport/latchkey", "db.internal"},
		{"postgres://latchkey:s3%cret@db.internal/latchkey", "db.internal"},
		{"postgres://latchkey:s3cret@db.internal/latchkey?password=s3cret%zz", "db.internal"},
		{"host=db.internal user=latchkey password=s3cret dbname=latchkey", "host=db.internal"},
		{"host=db.internal password='s3 cret' dbname=latchkey", "dbname=latchkey"},
	} {
		got := openstore.Describe(tc.dsn)
		if strings.Contains(got, "s3cret") || strings.Contains(got, "cret") {
			t.Errorf("Describe(%q) = %q: the password shows", tc.dsn, got)
		}
		if !strings.Contains(got, tc.keep) {
			t.Errorf("Describe(%q) = %q: lost %q", tc.dsn, got, tc.keep)
		}
	}
	if got := openstore.Describe("sqlite:latchkey.db"); got != "sqlite:latchkey.db" {
		t.Errorf("Describe(sqlite) = %q", got)
	}
}
