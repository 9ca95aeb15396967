package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/store"
)

// bulkLoader is the engines' fast path for loading many users at once.
type bulkLoader interface {
	BulkLoadEmailPasswordUsers(ctx context.Context, users []store.EmailPasswordUser) error
}

// TestExportUsers: ExportUsers writes every selected user, past one page
// and past the CDI's 1,000-result search cap, as CSV (with formulas
// defused) and as a JSON array, on every core mode.
func TestExportUsers(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a := newApp(t, m, options{})
		ctx := t.Context()
		const many = 1234
		users := make([]store.EmailPasswordUser, many)
		for i := range users {
			email := fmt.Sprintf("user%04d@acme.com", i)
			if i == 7 {
				email = "=hyperlink@acme.com"
			}
			users[i] = store.EmailPasswordUser{ID: uuid.NewString(), TenantID: "public", Email: email,
				PasswordHash: "$2a$04$x", TimeJoined: time.UnixMilli(1_700_000_000_000 + int64(i)*1000)}
		}
		if err := a.core.Store.(bulkLoader).BulkLoadEmailPasswordUsers(ctx, users); err != nil {
			t.Fatal(err)
		}
		if _, err := a.ep.SignUp(ctx, "", "someone@globex.com", "secret123"); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			name   string
			search latchkey.UserSearch
			want   int
		}{
			{"everyone", latchkey.UserSearch{}, many + 1},
			{"a search past the CDI's cap", latchkey.UserSearch{Emails: []string{"acme.com"}}, many},
			{"a narrow search", latchkey.UserSearch{Emails: []string{"globex"}}, 1},
			{"nobody", latchkey.UserSearch{Emails: []string{"nobody"}}, 0},
		} {
			var out bytes.Buffer
			pages := 0
			n, err := a.lk.ExportUsers(ctx, &out, latchkey.ExportOptions{Format: latchkey.ExportCSV,
				ListUsersOptions: latchkey.ListUsersOptions{Search: tc.search}, AfterPage: func() error { pages++; return nil }})
			if err != nil || n != tc.want {
				t.Fatalf("%s: csv: %d users, %v; want %d", tc.name, n, err, tc.want)
			}
			rows, err := csv.NewReader(&out).ReadAll()
			if err != nil || len(rows) != tc.want+1 || rows[0][0] != "user_id" {
				t.Fatalf("%s: csv: %d rows (%v), want a header and %d", tc.name, len(rows), err, tc.want)
			}
			if wantPages := max(1, (tc.want+latchkey.MaxUsersPerPage-1)/latchkey.MaxUsersPerPage); tc.want > 0 && pages != wantPages {
				t.Errorf("%s: %d pages, want %d", tc.name, pages, wantPages)
			}
			if tc.want == many {
				if got := rows[8][5]; got != "'=hyperlink@acme.com" {
					t.Errorf("%s: a formula-looking email was written as %q", tc.name, got)
				}
				if rows[1][1] != "2023-11-14T22:13:20.000Z" || rows[1][4] != "emailpassword" || rows[1][3] != "public" {
					t.Errorf("%s: first row %v", tc.name, rows[1])
				}
			}

			out.Reset()
			n, err = a.lk.ExportUsers(ctx, &out, latchkey.ExportOptions{Format: latchkey.ExportJSON, ListUsersOptions: latchkey.ListUsersOptions{Search: tc.search}})
			var list []latchkey.User
			if err != nil || n != tc.want || json.Unmarshal(out.Bytes(), &list) != nil || len(list) != tc.want {
				t.Fatalf("%s: json: %d users, %v, %d parsed from %.200s", tc.name, n, err, len(list), out.String())
			}
			if tc.want > 0 && list[0].LoginMethods[0].RecipeID != "emailpassword" {
				t.Errorf("%s: json: %+v", tc.name, list[0])
			}
		}
		// An error after a page (a download the browser dropped) ends the
		// export there, with the next page, fetched meanwhile, unwritten.
		for _, f := range []latchkey.ExportFormat{latchkey.ExportCSV, latchkey.ExportJSON} {
			var out bytes.Buffer
			stopped := errors.New("stopped")
			n, err := a.lk.ExportUsers(ctx, &out, latchkey.ExportOptions{Format: f, AfterPage: func() error { return stopped }})
			if !errors.Is(err, stopped) || n != latchkey.MaxUsersPerPage {
				t.Errorf("%s: AfterPage's error: %d users, %v; want %d and the error", f, n, err, latchkey.MaxUsersPerPage)
			}
			if f == latchkey.ExportJSON && json.Valid(out.Bytes()) {
				t.Errorf("json: a stopped export is a whole array: %.100s", out.String())
			}
		}
		if _, err := a.lk.ExportUsers(ctx, &bytes.Buffer{}, latchkey.ExportOptions{Format: "xml"}); err == nil || !strings.Contains(err.Error(), "csv or json") {
			t.Errorf("an unknown format: %v", err)
		}
	})
}
