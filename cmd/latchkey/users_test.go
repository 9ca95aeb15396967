package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/latchkey-dev/latchkey/internal/openstore"
	"github.com/latchkey-dev/latchkey/store"
)

// TestUsersExport runs `latchkey users export` on a SQLite file with a
// few users: CSV to standard output, JSON of a search to a file (never
// over an existing one), and the refusals of bad flags.
func TestUsersExport(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "latchkey.db")
	st, err := openstore.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	var users []store.EmailPasswordUser
	for i, e := range []string{"ann@acme.com", "bob@acme.com", "cy@globex.com"} {
		users = append(users, store.EmailPasswordUser{ID: uuid.NewString(), TenantID: "public", Email: e, PasswordHash: "$2a$04$x",
			TimeJoined: time.UnixMilli(1_700_000_000_000 + int64(i))})
	}
	bl := st.(interface {
		BulkLoadEmailPasswordUsers(ctx context.Context, users []store.EmailPasswordUser) error
	})
	if err := bl.BulkLoadEmailPasswordUsers(t.Context(), users); err != nil {
		t.Fatal(err)
	}
	st.Close()

	latchkey := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(t.Context(), append([]string{"users"}, args...), func(string) string { return "" }, &out, &errb)
		return code, out.String(), errb.String()
	}
	code, out, errs := latchkey("export", "--db", db, "--order", "DESC")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) != 4 || rows[1][5] != "cy@globex.com" {
		t.Fatalf("csv export: exit %d, %v, %q, stderr %s", code, err, out, errs)
	}

	file := filepath.Join(dir, "acme.json")
	code, _, errs = latchkey("export", "--db", db, "--format", "json", "--email", "acme.com", "--out", file)
	raw, _ := os.ReadFile(file)
	var list []map[string]any
	if code != 0 || json.Unmarshal(raw, &list) != nil || len(list) != 2 || !strings.Contains(errs, "exported 2 users") {
		t.Fatalf("json export: exit %d, %s, stderr %s", code, raw, errs)
	}
	if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the export file's mode: %v, %v (want 0600: it holds personal data)", info.Mode(), err)
	}
	if code, _, errs := latchkey("export", "--db", db, "--out", file); code != 1 || !strings.Contains(errs, "exists") {
		t.Errorf("over an existing file: exit %d, %s", code, errs)
	}

	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"export", "--db", db, "--format", "xml"}, 1, "csv or json"},
		{[]string{"export", "--db", db, "--order", "up"}, 1, "ASC or DESC"},
		{[]string{"export", "--db", db, "--recipes", "nope"}, 1, "Unknown recipe ID: nope"},
		{[]string{"import"}, 2, "Usage: latchkey users export"},
		{[]string{}, 2, "Usage: latchkey users export"},
	} {
		if code, _, errs := latchkey(tc.args...); code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, %s; want %d and %q", tc.args, code, errs, tc.code, tc.want)
		}
	}
}
