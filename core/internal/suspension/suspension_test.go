package suspension_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

type obj = map[string]any

type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// run runs fn on a core of its own in every mode (both engines, HTTP and
// in-process), each with its own clock.
func run(t *testing.T, fn func(t *testing.T, c *coretest.Client, clk *clock)) {
	for _, m := range coretest.Modes() {
		t.Run(m.String(), func(t *testing.T) {
			t.Parallel()
			clk := &clock{}
			fn(t, coretest.Start(t, m, func(cfg *core.Config) { cfg.Now = clk.Now }), clk)
		})
	}
}

func want(t *testing.T, r *coretest.Response, status string) obj {
	t.Helper()
	if r.Code != http.StatusOK {
		t.Fatalf("got %d %s, want 200 %s", r.Code, r.Text(), status)
	}
	if got := r.Status(t); got != status {
		t.Fatalf("status %s, want %s: %s", got, status, r.Body)
	}
	return r.JSON(t)
}

func wantText(t *testing.T, r *coretest.Response, code int, text string) {
	t.Helper()
	if r.Code != code || r.Text() != text {
		t.Fatalf("got %d %q, want %d %q", r.Code, r.Text(), code, text)
	}
}

func signUp(t *testing.T, c *coretest.Client, email string) string {
	t.Helper()
	body := want(t, c.Post(t, "/recipe/signup", obj{"email": email, "password": "pass-word-1"}), "OK")
	return body["user"].(obj)["id"].(string)
}

func newSession(t *testing.T, c *coretest.Client, userID string) obj {
	t.Helper()
	return want(t, c.Post(t, "/recipe/session", obj{"userId": userID, "enableAntiCsrf": false,
		"userDataInJWT": obj{}, "userDataInDatabase": obj{}}), "OK")
}

func refresh(t *testing.T, c *coretest.Client, s obj) *coretest.Response {
	t.Helper()
	return c.Post(t, "/recipe/session/refresh", obj{"refreshToken": s["refreshToken"].(obj)["token"], "enableAntiCsrf": false, "useDynamicSigningKey": true})
}

func TestSuspendEmailPassword(t *testing.T) {
	run(t, func(t *testing.T, c *coretest.Client, clk *clock) {
		alice := signUp(t, c, "alice@example.com")
		bob := signUp(t, c, "bob@example.com")
		s1 := newSession(t, c, alice)
		s2 := newSession(t, c, alice)
		sb := newSession(t, c, bob)

		body := want(t, c.Post(t, "/recipe/latchkey/user/suspend", obj{"userId": alice, "reason": " chargeback ", "actor": "op@example.com"}), "OK")
		su := body["suspension"].(obj)
		if su["userId"] != alice || su["reason"] != "chargeback" || su["actor"] != "op@example.com" || su["until"] != nil ||
			su["suspendedAt"].(float64) <= 0 {
			t.Fatalf("suspend: %v", body)
		}
		if revoked := body["revokedSessionHandles"].([]any); len(revoked) != 2 {
			t.Fatalf("revoked %v, want alice's two sessions", revoked)
		}
		for _, s := range []obj{s1, s2} {
			r := want(t, refresh(t, c, s), "UNAUTHORISED")
			if r["message"] == "" {
				t.Errorf("refresh of a revoked session: %v", r)
			}
		}
		want(t, refresh(t, c, sb), "OK") // bob is untouched

		// Sign-in: the right password is refused as suspended, a wrong one
		// stays wrong credentials (a suspension is not told to a guesser).
		r := want(t, c.Post(t, "/recipe/signin", obj{"email": "alice@example.com", "password": "pass-word-1"}), "SIGN_IN_NOT_ALLOWED")
		if r["suspended"] != true || r["reason"] != "User is suspended" || r["user"] != nil {
			t.Errorf("sign-in of a suspended user: %v", r)
		}
		want(t, c.Post(t, "/recipe/signin", obj{"email": "alice@example.com", "password": "wrong-pass-1"}), "WRONG_CREDENTIALS_ERROR")
		want(t, c.Post(t, "/recipe/signin", obj{"email": "bob@example.com", "password": "pass-word-1"}), "OK")

		// Back-office code gets no new session either.
		wantText(t, c.Post(t, "/recipe/session", obj{"userId": alice, "enableAntiCsrf": false,
			"userDataInJWT": obj{}, "userDataInDatabase": obj{}}), http.StatusForbidden, "User is suspended")

		// Bulk and list.
		bulk := want(t, c.Post(t, "/recipe/latchkey/user/suspensions/bulk", obj{"userIds": []string{alice, bob, "nobody"}}), "OK")
		if m := bulk["suspensions"].(obj); len(m) != 1 || m[alice].(obj)["reason"] != "chargeback" {
			t.Errorf("bulk: %v", m)
		}
		list := want(t, c.Get(t, "/recipe/latchkey/suspensions?limit=10"), "OK")
		rows := list["suspensions"].([]any)
		if len(rows) != 1 || rows[0].(obj)["user"].(obj)["id"] != alice || list["nextPaginationToken"] != nil {
			t.Errorf("list: %v", list)
		}

		// Reinstate: everything works again.
		want(t, c.Post(t, "/recipe/latchkey/user/reinstate", obj{"userId": alice}), "OK")
		want(t, c.Post(t, "/recipe/signin", obj{"email": "alice@example.com", "password": "pass-word-1"}), "OK")
		want(t, refresh(t, c, newSession(t, c, alice)), "OK")

		// An end time: in force before it, lapsed after it.
		until := clk.Now().Add(time.Hour).UnixMilli()
		body = want(t, c.Post(t, "/recipe/latchkey/user/suspend", obj{"userId": alice, "reason": "cool off", "until": until}), "OK")
		if body["suspension"].(obj)["until"] != float64(until) || body["suspension"].(obj)["actor"] != "" {
			t.Errorf("suspend with until: %v", body)
		}
		want(t, c.Post(t, "/recipe/signin", obj{"email": "alice@example.com", "password": "pass-word-1"}), "SIGN_IN_NOT_ALLOWED")
		clk.Advance(time.Hour + time.Second)
		want(t, c.Post(t, "/recipe/signin", obj{"email": "alice@example.com", "password": "pass-word-1"}), "OK")
		wantText(t, c.Post(t, "/recipe/latchkey/user/reinstate", obj{"userId": alice}), http.StatusConflict, "User is not suspended")
	})
}

func TestSuspendBadInput(t *testing.T) {
	run(t, func(t *testing.T, c *coretest.Client, clk *clock) {
		alice := signUp(t, c, "alice@example.com")
		bob := signUp(t, c, "bob@example.com")
		want(t, c.Post(t, "/recipe/latchkey/user/suspend", obj{"userId": bob, "reason": "r"}), "OK")
		past := clk.Now().Add(-time.Minute).UnixMilli()
		ids := make([]string, 1001)
		for i := range ids {
			ids[i] = "u" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + time.Duration(i).String()
		}
		for _, s := range []struct {
			name, method, path string
			body               any
			code               int
			text               string
		}{
			{"unknown user", "POST", "/recipe/latchkey/user/suspend", obj{"userId": "nobody", "reason": "r"}, 404, "Unknown user id"},
			{"already suspended", "POST", "/recipe/latchkey/user/suspend", obj{"userId": bob, "reason": "again"}, 409, "User is already suspended"},
			{"end time in the past", "POST", "/recipe/latchkey/user/suspend", obj{"userId": alice, "reason": "r", "until": past}, 400, "Field name 'until' must be a time in the future, in milliseconds since the epoch"},
			{"end time zero", "POST", "/recipe/latchkey/user/suspend", obj{"userId": alice, "reason": "r", "until": 0}, 400, "Field name 'until' must be a time in the future, in milliseconds since the epoch"},
			{"end time not a number", "POST", "/recipe/latchkey/user/suspend", obj{"userId": alice, "reason": "r", "until": "soon"}, 400, "Field name 'until' is invalid in JSON input"},
			{"no reason", "POST", "/recipe/latchkey/user/suspend", obj{"userId": alice}, 400, "Field name 'reason' must be a non-empty string"},
			{"blank reason", "POST", "/recipe/latchkey/user/suspend", obj{"userId": alice, "reason": "  "}, 400, "Field name 'reason' must be a non-empty string"},
			{"long reason", "POST", "/recipe/latchkey/user/suspend", obj{"userId": alice, "reason": strings.Repeat("é", 1001)}, 400, "Field name 'reason' is longer than 1000 characters"},
			{"long actor", "POST", "/recipe/latchkey/user/suspend", obj{"userId": alice, "reason": "r", "actor": strings.Repeat("a", 201)}, 400, "Field name 'actor' is longer than 200 characters"},
			{"no userId", "POST", "/recipe/latchkey/user/suspend", obj{"reason": "r"}, 400, "Field name 'userId' is invalid in JSON input"},
			{"bad JSON", "POST", "/recipe/latchkey/user/suspend", "{", 400, "Invalid Json Input"},
			{"reinstate unknown user", "POST", "/recipe/latchkey/user/reinstate", obj{"userId": "nobody"}, 404, "Unknown user id"},
			{"reinstate not suspended", "POST", "/recipe/latchkey/user/reinstate", obj{"userId": alice}, 409, "User is not suspended"},
			{"bulk over the cap", "POST", "/recipe/latchkey/user/suspensions/bulk", obj{"userIds": ids}, 400, "Field name 'userIds' holds more than 1000 user ids"},
			{"bulk no ids", "POST", "/recipe/latchkey/user/suspensions/bulk", obj{}, 400, "Field name 'userIds' is invalid in JSON input"},
			{"list limit 0", "GET", "/recipe/latchkey/suspensions?limit=0", nil, 400, "limit must be an integer from 1 to 100"},
			{"list limit 101", "GET", "/recipe/latchkey/suspensions?limit=101", nil, 400, "limit must be an integer from 1 to 100"},
			{"list bad token", "GET", "/recipe/latchkey/suspensions?paginationToken=%21%21", nil, 400, "invalid pagination token"},
			{"list token without id", "GET", "/recipe/latchkey/suspensions?paginationToken=MTIz", nil, 400, "invalid pagination token"},
		} {
			wantText(t, c.Do(t, s.method, s.path, s.body), s.code, s.text)
		}
		// Nothing above changed alice.
		want(t, c.Post(t, "/recipe/signin", obj{"email": "alice@example.com", "password": "pass-word-1"}), "OK")
	})
}

func TestSuspendedListPages(t *testing.T) {
	run(t, func(t *testing.T, c *coretest.Client, clk *clock) {
		var ids []string
		for i := range 5 {
			id := signUp(t, c, string(rune('a'+i))+"@example.com")
			want(t, c.Post(t, "/recipe/latchkey/user/suspend", obj{"userId": id, "reason": "r"}), "OK")
			clk.Advance(time.Millisecond)
			ids = append(ids, id)
		}
		signUp(t, c, "free@example.com")
		var got []string
		path := "/recipe/latchkey/suspensions?limit=2"
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("pagination does not end")
			}
			body := want(t, c.Get(t, path), "OK")
			for _, row := range body["suspensions"].([]any) {
				got = append(got, row.(obj)["suspension"].(obj)["userId"].(string))
			}
			next, _ := body["nextPaginationToken"].(string)
			if next == "" {
				break
			}
			path = "/recipe/latchkey/suspensions?limit=2&paginationToken=" + next
		}
		if len(got) != 5 || got[0] != ids[4] || got[4] != ids[0] {
			t.Fatalf("pages: %v, want newest first %v", got, ids)
		}
	})
}

func TestSuspendPasswordlessAndThirdParty(t *testing.T) {
	run(t, func(t *testing.T, c *coretest.Client, _ *clock) {
		pl := func(path string, body obj) *coretest.Response { return c.Post(t, path, body, "rid", "passwordless") }
		signInCode := func() *coretest.Response {
			code := want(t, pl("/recipe/signinup/code", obj{"email": "pat@example.com"}), "OK")
			return pl("/recipe/signinup/code/consume", obj{"preAuthSessionId": code["preAuthSessionId"],
				"deviceId": code["deviceId"], "userInputCode": code["userInputCode"]})
		}
		pat := want(t, signInCode(), "OK")["user"].(obj)["id"].(string)

		tp := func() *coretest.Response {
			return c.Post(t, "/recipe/signinup", obj{"thirdPartyId": "google", "thirdPartyUserId": "g-1",
				"email": obj{"id": "tess@example.com", "isVerified": true}}, "rid", "thirdparty")
		}
		tess := want(t, tp(), "OK")["user"].(obj)["id"].(string)

		for _, id := range []string{pat, tess} {
			want(t, c.Post(t, "/recipe/latchkey/user/suspend", obj{"userId": id, "reason": "r"}), "OK")
		}
		if r := want(t, signInCode(), "SIGN_IN_NOT_ALLOWED"); r["suspended"] != true {
			t.Errorf("passwordless: %v", r)
		}
		if r := want(t, tp(), "SIGN_IN_NOT_ALLOWED"); r["suspended"] != true {
			t.Errorf("third party: %v", r)
		}
		// A new user of either recipe is not anybody's suspension.
		want(t, c.Post(t, "/recipe/signinup", obj{"thirdPartyId": "google", "thirdPartyUserId": "g-2",
			"email": obj{"id": "new@example.com", "isVerified": true}}, "rid", "thirdparty"), "OK")
		for _, id := range []string{pat, tess} {
			want(t, c.Post(t, "/recipe/latchkey/user/reinstate", obj{"userId": id}), "OK")
		}
		want(t, signInCode(), "OK")
		want(t, tp(), "OK")
	})
}
