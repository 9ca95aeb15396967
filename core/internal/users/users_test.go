package users_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/store"
)

type obj = map[string]any

// bulkLoader is the engines' fast path for loading many users at once.
type bulkLoader interface {
	BulkLoadEmailPasswordUsers(ctx context.Context, users []store.EmailPasswordUser) error
}

// seed stores email-password users directly, joined at the given times:
// through the store contract for a few, in bulk for many.
func seed(t *testing.T, c *coretest.Client, emails []string, joined func(i int) time.Time) []string {
	t.Helper()
	ids := make([]string, len(emails))
	users := make([]store.EmailPasswordUser, len(emails))
	for i, e := range emails {
		ids[i] = uuid.NewString()
		users[i] = store.EmailPasswordUser{ID: ids[i], TenantID: "public", Email: e, PasswordHash: "$2a$04$x", TimeJoined: joined(i)}
	}
	if bl, ok := c.Store.(bulkLoader); ok && len(users) > 100 {
		if err := bl.BulkLoadEmailPasswordUsers(t.Context(), users); err != nil {
			t.Fatalf("seeding: %v", err)
		}
		return ids
	}
	for _, u := range users {
		if err := c.Store.CreateEmailPasswordUser(t.Context(), u); err != nil {
			t.Fatalf("seeding %s: %v", u.Email, err)
		}
	}
	return ids
}

var epoch = time.UnixMilli(1_700_000_000_000)

func emailsOf(t *testing.T, r *coretest.Response) []string {
	t.Helper()
	var out []string
	for _, u := range r.JSON(t)["users"].([]any) {
		out = append(out, u.(obj)["emails"].([]any)[0].(string))
	}
	return out
}

func TestListUsersRules(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		seed(t, c, []string{"u0@a.com", "u1@a.com", "u2@a.com"}, func(i int) time.Time { return epoch.Add(time.Duration(i) * time.Second) })
		bad := []struct{ query, want string }{
			{"limit=0", "limit must a positive integer with min value 1"},
			{"limit=501", "max limit allowed is 500"},
			{"limit=ten", "Field name 'limit' must be an int in the GET request"},
			{"timeJoinedOrder=desc", "timeJoinedOrder can be either ASC OR DESC"},
			{"includeRecipeIds=emailpassword,magic", "Unknown recipe ID: magic"},
			{"paginationToken=%21%21", "invalid pagination token"},
			{"paginationToken=" + url.QueryEscape(base64.StdEncoding.EncodeToString([]byte("id;notanumber"))), "invalid pagination token"},
			{"paginationToken=" + url.QueryEscape(base64.StdEncoding.EncodeToString([]byte("onlyonepart"))), "invalid pagination token"},
		}
		for _, b := range bad {
			r := c.Get(t, "/users?"+b.query)
			if r.Code != 400 || r.Text() != b.want {
				t.Errorf("%s: %d %q, want 400 %q", b.query, r.Code, r.Body, b.want)
			}
		}

		r := c.Get(t, "/users")
		if got := emailsOf(t, r); strings.Join(got, ",") != "u0@a.com,u1@a.com,u2@a.com" {
			t.Errorf("default order (ASC) = %v", got)
		}
		if _, has := r.JSON(t)["nextPaginationToken"]; has {
			t.Error("a single page has a nextPaginationToken")
		}
		r = c.Get(t, "/users?limit=2&timeJoinedOrder=DESC")
		if got := emailsOf(t, r); strings.Join(got, ",") != "u2@a.com,u1@a.com" {
			t.Errorf("DESC page = %v", got)
		}
		tok, _ := r.JSON(t)["nextPaginationToken"].(string)
		raw, err := base64.StdEncoding.DecodeString(tok)
		if err != nil || !strings.HasSuffix(string(raw), fmt.Sprintf(";%d", epoch.UnixMilli())) {
			t.Errorf("token %q does not decode to <id>;<timeJoined of the next user>", tok)
		}
		r = c.Get(t, "/users?limit=2&timeJoinedOrder=DESC&paginationToken="+url.QueryEscape(tok))
		if got := emailsOf(t, r); strings.Join(got, ",") != "u0@a.com" {
			t.Errorf("second DESC page = %v", got)
		}
		if r := c.Get(t, "/users?includeRecipeIds=passwordless"); len(emailsOf(t, r)) != 0 {
			t.Errorf("recipe filter: %s", r.Body)
		}
		if r := c.Get(t, "/users/count?includeRecipeIds=emailpassword"); r.JSON(t)["count"] != float64(3) {
			t.Errorf("count = %s", r.Body)
		}
		if r := c.Get(t, "/users/count?includeAllTenants=TRUE"); r.JSON(t)["count"] != float64(3) {
			t.Errorf("count across tenants = %s", r.Body)
		}
		if r := c.Get(t, "/users/count?includeRecipeIds=passwordless"); r.JSON(t)["count"] != float64(0) {
			t.Errorf("passwordless count = %s", r.Body)
		}
	})
}

func TestSearch(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		seed(t, c, []string{"john.smith@acme.com", "johnny@globex.com", "jane@acme.org", "bob@johnson.net"},
			func(i int) time.Time { return epoch.Add(time.Duration(i) * time.Minute) })
		cases := []struct {
			query string
			want  string
		}{
			{"email=john", "john.smith@acme.com,johnny@globex.com,bob@johnson.net"},
			{"email=JOHN.S", "john.smith@acme.com"},
			{"email=acme", "john.smith@acme.com,jane@acme.org"},
			{"email=acme.c", "john.smith@acme.com"},
			{"email=jane;globex", "johnny@globex.com,jane@acme.org"},
			{"email=%20;%20", ""},
			{"email=zzz", ""},
			{"email=john&phone=%2B1", ""},
			{"provider=google", ""},
			{"email=john&timeJoinedOrder=DESC", "bob@johnson.net,johnny@globex.com,john.smith@acme.com"},
			{"email=j&limit=1000", "john.smith@acme.com,johnny@globex.com,jane@acme.org,bob@johnson.net"},
		}
		for _, tc := range cases {
			r := c.Get(t, "/users?"+tc.query)
			if r.Status(t) != "OK" {
				t.Fatalf("%s: %s", tc.query, r.Body)
			}
			if got := strings.Join(emailsOf(t, r), ","); got != tc.want {
				t.Errorf("%s: got %q, want %q", tc.query, got, tc.want)
			}
			if _, has := r.JSON(t)["nextPaginationToken"]; has {
				t.Errorf("%s: a search has no pages", tc.query)
			}
		}
		if r := c.Get(t, "/user/search/tags"); r.Status(t) != "OK" || fmt.Sprint(r.JSON(t)["tags"]) != "[email phone provider]" {
			t.Errorf("tags: %s", r.Body)
		}
	})
}

// TestPaginationWalk walks 10,000 users, many sharing a join time, in both
// orders and checks each is seen exactly once and in order.
func TestPaginationWalk(t *testing.T) {
	for _, engine := range coretest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			c := coretest.Start(t, coretest.Mode{Engine: engine})
			const n = 10000
			emails := make([]string, n)
			for i := range emails {
				emails[i] = fmt.Sprintf("walker%05d@example.com", i)
			}
			// Groups of 7 share a millisecond, to exercise the tie-break.
			seed(t, c, emails, func(i int) time.Time { return epoch.Add(time.Duration(i/7) * time.Millisecond) })
			for _, order := range []string{"ASC", "DESC"} {
				seen := map[string]bool{}
				var lastJoined float64
				token := ""
				pages := 0
				for {
					q := "/users?limit=337&timeJoinedOrder=" + order
					if token != "" {
						q += "&paginationToken=" + url.QueryEscape(token)
					}
					r := c.Get(t, q)
					if r.Status(t) != "OK" {
						t.Fatalf("%s page %d: %s", order, pages, r.Body)
					}
					body := r.JSON(t)
					for _, u := range body["users"].([]any) {
						u := u.(obj)
						id := u["id"].(string)
						if seen[id] {
							t.Fatalf("%s: user %s seen twice", order, id)
						}
						seen[id] = true
						joined := u["timeJoined"].(float64)
						if len(seen) > 1 && (order == "ASC" && joined < lastJoined || order == "DESC" && joined > lastJoined) {
							t.Fatalf("%s: out of order at %s", order, id)
						}
						lastJoined = joined
					}
					pages++
					next, ok := body["nextPaginationToken"].(string)
					if !ok {
						break
					}
					token = next
				}
				if len(seen) != n {
					t.Errorf("%s walk saw %d users, want %d", order, len(seen), n)
				}
			}
		})
	}
}

func TestGetUserAndByAccountInfo(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		ids := seed(t, c, []string{"one@example.com", "two@example.com"}, func(i int) time.Time { return epoch.Add(time.Duration(i) * time.Second) })
		r := c.Get(t, "/user/id?userId="+ids[0])
		if r.Status(t) != "OK" || r.JSON(t)["user"].(obj)["id"] != ids[0] {
			t.Errorf("user/id: %s", r.Body)
		}
		if r := c.Get(t, "/user/id?userId=nope"); r.Status(t) != "UNKNOWN_USER_ID_ERROR" {
			t.Errorf("unknown: %s", r.Body)
		}
		if r := c.Get(t, "/user/id"); r.Code != 400 || r.Text() != "Field name 'userId' is missing in GET request" {
			t.Errorf("missing userId: %d %s", r.Code, r.Body)
		}
		cases := []struct {
			query    string
			wantCode int
			want     int
		}{
			{"email=ONE@example.com&doUnionOfAccountInfo=true", 200, 1},
			{"email=one@example.com&phoneNumber=%2B15550100&doUnionOfAccountInfo=true", 200, 1},
			{"email=one@example.com&phoneNumber=%2B15550100&doUnionOfAccountInfo=false", 200, 0},
			{"doUnionOfAccountInfo=true", 200, 0},
			{"email=one@example.com", 400, 0},
			{"email=one@example.com&doUnionOfAccountInfo=yes", 400, 0},
			{"thirdPartyId=google&doUnionOfAccountInfo=true", 400, 0},
		}
		for _, tc := range cases {
			r := c.Get(t, "/users/by-accountinfo?"+tc.query)
			if r.Code != tc.wantCode {
				t.Fatalf("%s: %d %s", tc.query, r.Code, r.Body)
			}
			if tc.wantCode == 200 && len(r.JSON(t)["users"].([]any)) != tc.want {
				t.Errorf("%s: %s, want %d users", tc.query, r.Body, tc.want)
			}
		}
	})
}

// TestRemoveUser checks that /user/remove deletes everything the store
// holds for the user, and that removing an unknown user is OK.
func TestRemoveUser(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		ctx := t.Context()
		ids := seed(t, c, []string{"gone@example.com", "kept@example.com"}, func(i int) time.Time { return epoch })
		gone, kept := ids[0], ids[1]
		now := time.Now()
		for _, id := range ids {
			must(t, c.Store.CreateSession(ctx, store.Session{Handle: uuid.NewString(), TenantID: "public", UserID: id,
				RefreshTokenHash2: "h", SessionData: json.RawMessage(`{}`), JWTPayload: json.RawMessage(`{}`), CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))
			_, err := c.Store.UpdateMetadata(ctx, id, func(json.RawMessage) (json.RawMessage, error) { return json.RawMessage(`{"a":1}`), nil })
			must(t, err)
			must(t, c.Store.SetEmailVerified(ctx, id, "x@example.com", true))
		}
		if _, err := c.Store.CreateRole(ctx, "admin", nil); err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if _, err := c.Store.AddUserRole(ctx, "public", id, "admin"); err != nil {
				t.Fatal(err)
			}
		}

		if r := c.Post(t, "/user/remove", obj{"userId": gone}); r.Status(t) != "OK" {
			t.Fatalf("remove: %s", r.Body)
		}
		if r := c.Post(t, "/user/remove", obj{"userId": "never-existed", "removeAllLinkedAccounts": false}); r.Status(t) != "OK" {
			t.Errorf("remove unknown: %s", r.Body)
		}
		if r := c.Post(t, "/user/remove", obj{"userId": gone, "removeAllLinkedAccounts": "yes"}); r.Code != 400 {
			t.Errorf("non-boolean flag: %d", r.Code)
		}
		if r := c.Get(t, "/user/id?userId="+gone); r.Status(t) != "UNKNOWN_USER_ID_ERROR" {
			t.Errorf("user still there: %s", r.Body)
		}
		for id, want := range map[string]int{gone: 0, kept: 1} {
			hs, err := c.Store.UserSessionHandles(ctx, []string{id}, "", now)
			must(t, err)
			md, err := c.Store.Metadata(ctx, id)
			must(t, err)
			roles, err := c.Store.UserRoles(ctx, "public", id)
			must(t, err)
			verified, err := c.Store.IsEmailVerified(ctx, id, "x@example.com")
			must(t, err)
			got := []int{len(hs), boolInt(md != nil), len(roles), boolInt(verified)}
			if fmt.Sprint(got) != fmt.Sprint([]int{want, want, want, want}) {
				t.Errorf("user %s: sessions, metadata, roles, verified = %v, want all %d", id, got, want)
			}
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestPagedSearch: with pagedSearch=true (a Latchkey extension) a search
// pages like the list, so that every match is reached however many there
// are; without it the CDI's single page stays.
func TestPagedSearch(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		var emails []string
		for i := range 7 {
			emails = append(emails, fmt.Sprintf("user%d@acme.com", i))
		}
		emails = append(emails, "other@globex.com")
		seed(t, c, emails, func(i int) time.Time { return epoch.Add(time.Duration(i) * time.Minute) })
		for _, order := range []string{"ASC", "DESC"} {
			var got []string
			path := "/users?email=acme&pagedSearch=true&limit=3&timeJoinedOrder=" + order
			for pages := 0; ; pages++ {
				if pages > 5 {
					t.Fatalf("%s: the pages do not end", order)
				}
				r := c.Get(t, path)
				page := emailsOf(t, r)
				if len(page) > 3 {
					t.Fatalf("%s: a page of %d, over the limit", order, len(page))
				}
				got = append(got, page...)
				next, _ := r.JSON(t)["nextPaginationToken"].(string)
				if next == "" {
					break
				}
				path = "/users?email=acme&pagedSearch=true&limit=3&timeJoinedOrder=" + order + "&paginationToken=" + url.QueryEscape(next)
			}
			want := emails[:7]
			if order == "DESC" {
				want = slices.Clone(want)
				slices.Reverse(want)
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s: got %v, want %v", order, got, want)
			}
		}
		// Without pagedSearch, the CDI's one page, whatever the limit.
		if r := c.Get(t, "/users?email=acme&limit=3"); len(emailsOf(t, r)) != 7 {
			t.Errorf("CDI search: %s", r.Body)
		}
		for _, bad := range []string{"/users?email=acme&pagedSearch=true&limit=501", "/users?email=acme&pagedSearch=true&paginationToken=nope"} {
			if r := c.Get(t, bad); r.Code != 400 {
				t.Errorf("%s: %d %s", bad, r.Code, r.Body)
			}
		}
	})
}

// TestSearchCount: /users/count with search tags (a Latchkey extension)
// counts the matches, up to a cap it reports.
func TestSearchCount(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		emails := []string{"ann@acme.com", "bob@acme.com", "cy@globex.com"}
		for i := range 1001 {
			emails = append(emails, fmt.Sprintf("many%04d@bulk.example", i))
		}
		seed(t, c, emails, func(i int) time.Time { return epoch.Add(time.Duration(i) * time.Second) })
		for _, tc := range []struct {
			query  string
			count  float64
			capped bool
		}{
			{"email=acme", 2, false},
			{"email=acme;globex", 3, false},
			{"email=nobody", 0, false},
			{"email=%20", 0, false},
			{"email=acme&includeRecipeIds=passwordless", 0, false},
			{"email=bulk.example", 1000, true},
		} {
			m := c.Get(t, "/users/count?"+tc.query).JSON(t)
			if m["status"] != "OK" || m["count"] != tc.count || m["searched"] != true || m["countIsCapped"] != tc.capped {
				t.Errorf("%s: %v, want %v (capped %v)", tc.query, m, tc.count, tc.capped)
			}
		}
		if m := c.Get(t, "/users/count").JSON(t); m["count"] != float64(1004) || m["searched"] != nil {
			t.Errorf("plain count: %v", m)
		}
		if r := c.Get(t, "/users/count?email=acme&includeAllTenants=true"); r.Code != 400 {
			t.Errorf("a search across tenants: %d %s", r.Code, r.Body)
		}
	})
}

// TestListByActivity: latchkeyOrderBy=lastActive (a Latchkey extension)
// lists the users who signed in, most recently active first, in pages.
func TestListByActivity(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		ids := seed(t, c, []string{"a@example.com", "b@example.com", "c@example.com", "never@example.com"},
			func(i int) time.Time { return epoch.Add(time.Duration(i) * time.Minute) })
		for _, i := range []int{1, 2, 0} { // b signs in first, a last
			if r := c.Post(t, "/recipe/session", obj{"userId": ids[i], "enableAntiCsrf": false, "userDataInJWT": obj{}, "userDataInDatabase": obj{}}); r.Status(t) != "OK" {
				t.Fatalf("session: %s", r.Body)
			}
			time.Sleep(2 * time.Millisecond) // distinct sign-in times
		}
		var got []string
		path := "/users?latchkeyOrderBy=lastActive&limit=2"
		for pages := 0; ; pages++ {
			if pages > 3 {
				t.Fatal("the pages do not end")
			}
			r := c.Get(t, path)
			got = append(got, emailsOf(t, r)...)
			next, _ := r.JSON(t)["nextPaginationToken"].(string)
			if next == "" {
				break
			}
			path = "/users?latchkeyOrderBy=lastActive&limit=2&paginationToken=" + url.QueryEscape(next)
		}
		if strings.Join(got, ",") != "a@example.com,c@example.com,b@example.com" {
			t.Errorf("by last activity: %v", got)
		}
		if r := c.Get(t, "/users?latchkeyOrderBy=lastActive&timeJoinedOrder=ASC"); strings.Join(emailsOf(t, r), ",") != "b@example.com,c@example.com,a@example.com" {
			t.Errorf("least recently active first: %s", r.Body)
		}
		for _, bad := range []string{"latchkeyOrderBy=name", "latchkeyOrderBy=lastActive&email=a", "latchkeyOrderBy=lastActive&includeRecipeIds=emailpassword"} {
			if r := c.Get(t, "/users?"+bad); r.Code != 400 {
				t.Errorf("%s: %d %s", bad, r.Code, r.Body)
			}
		}
	})
}
