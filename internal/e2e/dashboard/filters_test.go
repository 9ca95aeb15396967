package dashboard

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/latchkey-dev/latchkey/store"
)

// seedFiltered stores five email-password users u0..u4, joined at noon UTC
// on 2026-01-01..05, with u0, u2 and u4 verified and u1, u2 and u4
// holding the role admin, and returns their ids.
func seedFiltered(t *testing.T, e *env) []string {
	t.Helper()
	ctx, s := t.Context(), e.core.Store
	ids := make([]string, 5)
	if _, err := s.CreateRole(ctx, "admin", nil); err != nil {
		t.Fatal(err)
	}
	for i := range ids {
		ids[i] = uuid.NewString()
		email := fmt.Sprintf("u%d@acme.com", i)
		joined := time.Date(2026, 1, 1+i, 12, 0, 0, 0, time.UTC)
		if err := s.CreateEmailPasswordUser(ctx, store.EmailPasswordUser{ID: ids[i], TenantID: "public", Email: email, PasswordHash: "$2a$04$x", TimeJoined: joined}); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if err := s.SetEmailVerified(ctx, ids[i], email, true); err != nil {
				t.Fatal(err)
			}
		}
		if i == 1 || i == 2 || i == 4 {
			if _, err := s.AddUserRole(ctx, "public", ids[i], "admin"); err != nil {
				t.Fatal(err)
			}
		}
	}
	return ids
}

// TestListFilters: emailVerified, role and joinedFrom/joinedTo (UTC days,
// both included) narrow the list, its count, a paged search and the
// export, combined with each other and the login method; bad values and
// combinations the list cannot serve are 400s that say why.
func TestListFilters(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	seedFiltered(t, e)
	for _, tok := range []string{e.signIn(adminEmail), e.signIn(viewerEmail)} {
		for _, tc := range []struct{ query, want string }{
			{"emailVerified=true", "u4,u2,u0"},
			{"emailVerified=false", "u3,u1"},
			{"role=admin", "u4,u2,u1"},
			{"role=nobody", ""},
			{"joinedFrom=2026-01-02&joinedTo=2026-01-03", "u2,u1"},
			{"joinedFrom=2026-01-04", "u4,u3"},
			{"joinedTo=2026-01-01", "u0"},
			{"role=admin&emailVerified=true&joinedTo=2026-01-04", "u2"},
			{"role=admin&recipeIds=emailpassword&joinedFrom=2026-01-03", "u4,u2"},
			{"emailVerified=false&email=u&pagedSearch=true", "u3,u1"},
			{"role=admin&email=acme.com&joinedFrom=2026-01-02&joinedTo=2026-01-02&pagedSearch=true", "u1"},
		} {
			got := emails(t, e.ok(tok, "GET", "/dashboard/api/users?limit=10&"+tc.query, nil))
			for i := range got {
				got[i] = strings.TrimSuffix(got[i], "@acme.com")
			}
			if strings.Join(got, ",") != tc.want {
				t.Errorf("%s: %v, want %s", tc.query, got, tc.want)
			}
			want := 0
			if tc.want != "" {
				want = len(strings.Split(tc.want, ","))
			}
			if m := e.ok(tok, "GET", "/dashboard/api/users/count?"+strings.ReplaceAll(tc.query, "&pagedSearch=true", ""), nil); m["count"] != float64(want) {
				t.Errorf("count %s: %v, want %d", tc.query, m, want)
			}
			r := e.call(tok, "GET", "/dashboard/api/users/export?format=csv&"+tc.query, nil)
			rows, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
			if r.Code != 200 || err != nil || len(rows) != want+1 {
				t.Errorf("export %s: %d %v, %d rows, want %d", tc.query, r.Code, err, len(rows)-1, want)
			}
		}
	}
	tok := e.signIn(viewerEmail)
	// The last page is the first page the other way round.
	if got := emails(t, e.ok(tok, "GET", "/dashboard/api/users?limit=1&timeJoinedOrder=ASC&role=admin", nil)); strings.Join(got, ",") != "u1@acme.com" {
		t.Errorf("the last admin page: %v", got)
	}
	if got := emails(t, e.ok(tok, "GET", "/dashboard/api/users?limit=10&orderBy=lastSignIn", nil)); len(got) != 0 {
		t.Errorf("by last sign-in before any sign-in: %v", got)
	}
	for _, b := range []struct{ query, msg string }{
		{"emailVerified=maybe", "Invalid value received for 'emailVerified': use true or false"},
		{"role=", "Invalid value received for 'role': it must not be empty"},
		{"role=" + strings.Repeat("r", 257), "Invalid value received for 'role': at most 256 bytes are allowed"},
		{"joinedFrom=01/02/2026", "Invalid value received for 'joinedFrom': use a date as YYYY-MM-DD, from 1970"},
		{"joinedTo=2026-02-30", "Invalid value received for 'joinedTo': use a date as YYYY-MM-DD, from 1970"},
		{"joinedFrom=1969-12-31", "Invalid value received for 'joinedFrom': use a date as YYYY-MM-DD, from 1970"},
		{"joinedFrom=2026-01-03&joinedTo=2026-01-02", "Invalid values received for 'joinedFrom' and 'joinedTo': the first day must not be after the last"},
	} {
		for _, path := range []string{"/dashboard/api/users?limit=10&", "/dashboard/api/users/count?", "/dashboard/api/users/export?format=csv&"} {
			e.wantCode(tok, "GET", path+b.query, nil, 400, b.msg)
		}
	}
	for _, b := range []struct{ query, msg string }{
		{"suspended=true&role=admin", errSuspended},
		{"suspended=true&email=u", errSuspended},
		{"suspended=true&joinedFrom=2026-01-01", errSuspended},
		{"orderBy=lastActive&emailVerified=true", errActivity},
		{"orderBy=lastSignIn&recipeIds=emailpassword", errActivity},
		{"orderBy=lastSignIn&email=u&pagedSearch=true", errActivity},
		{"orderBy=name", "Invalid value received for 'orderBy': use timeJoined, lastActive or lastSignIn"},
	} {
		e.wantCode(tok, "GET", "/dashboard/api/users?limit=10&"+b.query, nil, 400, b.msg)
	}
}

// The reasons the list gives for combinations it does not serve.
const (
	errSuspended = "The suspended users are listed on their own: remove the search and the filters to list them"
	errActivity  = "Sorting by last activity or last sign-in lists every user who signed in: remove the search and the filters to sort so"
)
