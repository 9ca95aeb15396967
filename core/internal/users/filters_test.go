package users_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core/coretest"
)

// TestListFilters: the Latchkey filters of GET /users and /users/count
// (latchkeyEmailVerified, latchkeyRole, latchkeyJoinedFrom/To) alone and
// combined with each other, the recipe filter and a paged search, and
// their 400s.
func TestListFilters(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		emails := []string{"u0@acme.com", "u1@acme.com", "u2@acme.com", "u3@acme.com", "u4@globex.com"}
		ids := seed(t, c, emails, func(i int) time.Time { return epoch.Add(time.Duration(i) * time.Hour) })
		ctx := t.Context()
		for _, i := range []int{0, 2, 4} {
			if err := c.Store.SetEmailVerified(ctx, ids[i], emails[i], true); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := c.Store.CreateRole(ctx, "admin", nil); err != nil {
			t.Fatal(err)
		}
		for _, i := range []int{1, 2, 4} {
			if _, err := c.Store.AddUserRole(ctx, "public", ids[i], "admin"); err != nil {
				t.Fatal(err)
			}
		}
		hour := func(i int) string { return fmt.Sprint(epoch.Add(time.Duration(i) * time.Hour).UnixMilli()) }
		for _, tc := range []struct {
			query string
			want  string // emails, newest first
		}{
			{"latchkeyEmailVerified=true", "u4@globex.com,u2@acme.com,u0@acme.com"},
			{"latchkeyEmailVerified=false", "u3@acme.com,u1@acme.com"},
			{"latchkeyRole=admin", "u4@globex.com,u2@acme.com,u1@acme.com"},
			{"latchkeyRole=nobody", ""},
			{"latchkeyJoinedFrom=" + hour(1) + "&latchkeyJoinedTo=" + hour(3), "u2@acme.com,u1@acme.com"},
			{"latchkeyRole=admin&latchkeyEmailVerified=true&latchkeyJoinedTo=" + hour(4), "u2@acme.com"},
			{"latchkeyRole=admin&includeRecipeIds=emailpassword&latchkeyJoinedFrom=" + hour(2), "u4@globex.com,u2@acme.com"},
			{"latchkeyRole=admin&includeRecipeIds=passwordless", ""},
			{"latchkeyEmailVerified=true&email=acme.com&pagedSearch=true", "u2@acme.com,u0@acme.com"},
			{"latchkeyRole=admin&email=u&latchkeyJoinedFrom=" + hour(2) + "&pagedSearch=true", "u4@globex.com,u2@acme.com"},
		} {
			r := c.Get(t, "/users?timeJoinedOrder=DESC&limit=10&"+tc.query)
			if got := strings.Join(emailsOf(t, r), ","); r.Code != 200 || got != tc.want {
				t.Errorf("%s: %d %s, want %q", tc.query, r.Code, got, tc.want)
			}
			// Page by one: the same users, then no token.
			var paged []string
			path := "/users?timeJoinedOrder=DESC&limit=1&" + tc.query
			for range 10 {
				r := c.Get(t, path)
				paged = append(paged, emailsOf(t, r)...)
				next, _ := r.JSON(t)["nextPaginationToken"].(string)
				if next == "" {
					break
				}
				path = "/users?timeJoinedOrder=DESC&limit=1&" + tc.query + "&paginationToken=" + url.QueryEscape(next)
			}
			if got := strings.Join(paged, ","); got != tc.want {
				t.Errorf("%s paged by one: %s, want %q", tc.query, got, tc.want)
			}
			want := 0
			if tc.want != "" {
				want = len(strings.Split(tc.want, ","))
			}
			r = c.Get(t, "/users/count?"+strings.ReplaceAll(tc.query, "&pagedSearch=true", ""))
			j := r.JSON(t)
			if r.Code != 200 || j["count"] != float64(want) || (j["filtered"] != true && j["searched"] != true) {
				t.Errorf("count %s: %d %s, want %d", tc.query, r.Code, r.Body, want)
			}
		}
		// An unfiltered count is the CDI's, without the field.
		if r := c.Get(t, "/users/count"); r.JSON(t)["count"] != float64(5) || r.JSON(t)["filtered"] != nil {
			t.Errorf("plain count: %s", r.Body)
		}

		for _, b := range []struct{ query, want string }{
			{"latchkeyEmailVerified=yes", "latchkeyEmailVerified must be true or false"},
			{"latchkeyRole=%20", "latchkeyRole must not be empty"},
			{"latchkeyRole=" + strings.Repeat("r", 257), "latchkeyRole is too long: at most 256 bytes are allowed"},
			{"latchkeyJoinedFrom=yesterday", "latchkeyJoinedFrom must be a time in Unix milliseconds, from 0"},
			{"latchkeyJoinedTo=-5", "latchkeyJoinedTo must be a time in Unix milliseconds, from 0"},
			{"latchkeyJoinedFrom=20&latchkeyJoinedTo=10", "latchkeyJoinedFrom must be before latchkeyJoinedTo"},
			{"latchkeyRole=admin&latchkeyOrderBy=lastActive", "latchkeyOrderBy does not combine with a search, includeRecipeIds or the latchkey filters"},
			{"latchkeyOrderBy=name", "latchkeyOrderBy can only be lastActive or lastSignIn"},
		} {
			if r := c.Get(t, "/users?"+b.query); r.Code != 400 || r.Text() != b.want {
				t.Errorf("list %s: %d %q, want 400 %q", b.query, r.Code, r.Body, b.want)
			}
			if strings.Contains(b.query, "OrderBy") {
				continue
			}
			if r := c.Get(t, "/users/count?"+b.query); r.Code != 400 || r.Text() != b.want {
				t.Errorf("count %s: %d %q, want 400 %q", b.query, r.Code, r.Body, b.want)
			}
		}
		if r := c.Get(t, "/users/count?latchkeyRole=admin&includeAllTenants=true"); r.Code != 400 {
			t.Errorf("a filtered count across tenants: %d %s", r.Code, r.Body)
		}
	})
}

// TestListBySignIn: latchkeyOrderBy=lastSignIn lists the users who signed
// in by their last sign-in, both ways, in pages.
func TestListBySignIn(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		ids := seed(t, c, []string{"a@example.com", "b@example.com", "c@example.com", "never@example.com"},
			func(i int) time.Time { return epoch.Add(time.Duration(i) * time.Minute) })
		for _, i := range []int{1, 2, 0} { // b signs in first, a last
			if r := c.Post(t, "/recipe/session", obj{"userId": ids[i], "enableAntiCsrf": false, "userDataInJWT": obj{}, "userDataInDatabase": obj{}}); r.Status(t) != "OK" {
				t.Fatalf("session: %s", r.Body)
			}
			time.Sleep(2 * time.Millisecond) // distinct sign-in times
		}
		for _, tc := range []struct{ order, want string }{
			{"DESC", "a@example.com,c@example.com,b@example.com"},
			{"ASC", "b@example.com,c@example.com,a@example.com"},
		} {
			var got []string
			base := "/users?latchkeyOrderBy=lastSignIn&limit=2&timeJoinedOrder=" + tc.order
			path := base
			for range 4 {
				r := c.Get(t, path)
				got = append(got, emailsOf(t, r)...)
				next, _ := r.JSON(t)["nextPaginationToken"].(string)
				if next == "" {
					break
				}
				path = base + "&paginationToken=" + url.QueryEscape(next)
			}
			if strings.Join(got, ",") != tc.want {
				t.Errorf("by last sign-in %s: %v, want %s", tc.order, got, tc.want)
			}
		}
	})
}
