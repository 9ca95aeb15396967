package dashboard_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/store"
)

type obj = map[string]any

const key = "dashboard-test-key-0123456789"

func TestCreateAccountRules(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		cases := []struct {
			name        string
			body        any
			wantCode    int
			wantStatus  string
			wantMessage string // PASSWORD_WEAK_ERROR message or 400 text
		}{
			{"ok", obj{"email": " Admin@Example.com ", "password": "abcd1234"}, 200, "OK", ""},
			{"taken email", obj{"email": "admin@example.com", "password": "abcd1234"}, 200, "EMAIL_ALREADY_EXISTS_ERROR", ""},
			{"bad email", obj{"email": "not-an-email", "password": "abcd1234"}, 200, "INVALID_EMAIL_ERROR", ""},
			{"short", obj{"email": "b@example.com", "password": "abc123"}, 200, "PASSWORD_WEAK_ERROR", "Password must contain at least 8 characters, including a number"},
			{"long", obj{"email": "b@example.com", "password": strings.Repeat("a1", 50)}, 200, "PASSWORD_WEAK_ERROR", "Password's length must be lesser than 100 characters"},
			{"no letter", obj{"email": "b@example.com", "password": "12345678"}, 200, "PASSWORD_WEAK_ERROR", "Password must contain at least one alphabet"},
			{"no digit", obj{"email": "b@example.com", "password": "abcdefgh"}, 200, "PASSWORD_WEAK_ERROR", "Password must contain at least one number"},
			{"blank email", obj{"email": "  ", "password": "abcd1234"}, 400, "", "Field name 'email' cannot be an empty String"},
			{"missing password", obj{"email": "b@example.com"}, 400, "", "Field name 'password' is invalid in JSON input"},
		}
		for _, tc := range cases {
			r := c.Post(t, "/recipe/dashboard/user", tc.body, "rid", "dashboard")
			if r.Code != tc.wantCode {
				t.Fatalf("%s: %d %s", tc.name, r.Code, r.Body)
			}
			if tc.wantCode == 400 {
				if r.Text() != tc.wantMessage {
					t.Errorf("%s: %q, want %q", tc.name, r.Text(), tc.wantMessage)
				}
				continue
			}
			body := r.JSON(t)
			if body["status"] != tc.wantStatus {
				t.Errorf("%s: %s, want %s", tc.name, r.Body, tc.wantStatus)
			}
			if tc.wantMessage != "" && body["message"] != tc.wantMessage {
				t.Errorf("%s: message %v, want %q", tc.name, body["message"], tc.wantMessage)
			}
			if tc.wantStatus == "OK" {
				u := body["user"].(obj)
				if u["email"] != "admin@example.com" || u["userId"] == "" || u["timeJoined"] == nil {
					t.Errorf("%s: user %v", tc.name, u)
				}
			}
		}
	})
}

// TestNoAccountLimit: unlike the SuperTokens core without a licence, every
// account can be created and can sign in.
func TestNoAccountLimit(t *testing.T) {
	c := coretest.New(t)
	for i := range 6 {
		email := string(rune('a'+i)) + "@example.com"
		if r := c.Post(t, "/recipe/dashboard/user", obj{"email": email, "password": "abcd1234"}); r.Status(t) != "OK" {
			t.Fatalf("account %d: %d %s", i+1, r.Code, r.Body)
		}
		if r := c.Post(t, "/recipe/dashboard/signin", obj{"email": email, "password": "abcd1234"}); r.Status(t) != "OK" {
			t.Fatalf("sign-in %d: %s", i+1, r.Body)
		}
	}
	r := c.Get(t, "/recipe/dashboard/users")
	users := r.JSON(t)["users"].([]any)
	if len(users) != 6 || users[0].(obj)["email"] != "a@example.com" {
		t.Errorf("users = %v, want all 6 oldest first", users)
	}
}

func TestSignInVerifySignOut(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		c.Post(t, "/recipe/dashboard/user", obj{"email": "ops@example.com", "password": "abcd1234"})
		if r := c.Post(t, "/recipe/dashboard/signin", obj{"email": "ops@example.com", "password": "wrong1234"}); r.Status(t) != "INVALID_CREDENTIALS_ERROR" {
			t.Errorf("wrong password: %s", r.Body)
		}
		if r := c.Post(t, "/recipe/dashboard/signin", obj{"email": "nobody@example.com", "password": "abcd1234"}); r.Status(t) != "INVALID_CREDENTIALS_ERROR" {
			t.Errorf("unknown email: %s", r.Body)
		}
		r := c.Post(t, "/recipe/dashboard/signin", obj{"email": "OPS@example.com", "password": "abcd1234"})
		if r.Status(t) != "OK" {
			t.Fatalf("sign-in: %s", r.Body)
		}
		sid := r.JSON(t)["sessionId"].(string)
		r = c.Post(t, "/recipe/dashboard/session/verify", obj{"sessionId": sid})
		if r.Status(t) != "OK" || r.JSON(t)["email"] != "ops@example.com" {
			t.Errorf("verify: %s", r.Body)
		}
		if r := c.Post(t, "/recipe/dashboard/session/verify", obj{"sessionId": "nope"}); r.Status(t) != "INVALID_SESSION_ERROR" {
			t.Errorf("verify unknown: %s", r.Body)
		}
		users := c.Get(t, "/recipe/dashboard/users").JSON(t)["users"].([]any)
		uid := users[0].(obj)["userId"].(string)
		ss := c.Get(t, "/recipe/dashboard/user/sessions?userId="+uid).JSON(t)["sessions"].([]any)
		// The list names sessions by their stored hash: it hands out no
		// credential.
		if sum := sha256.Sum256([]byte(sid)); len(ss) != 1 || ss[0].(obj)["sessionId"] != hex.EncodeToString(sum[:]) {
			t.Errorf("sessions = %v", ss)
		}
		if r := c.Delete(t, "/recipe/dashboard/session?sessionId="+sid); r.Status(t) != "OK" {
			t.Errorf("sign-out: %s", r.Body)
		}
		if r := c.Delete(t, "/recipe/dashboard/session?sessionId=unknown"); r.Status(t) != "OK" {
			t.Errorf("sign-out of an unknown session: %s", r.Body)
		}
		if r := c.Post(t, "/recipe/dashboard/session/verify", obj{"sessionId": sid}); r.Status(t) != "INVALID_SESSION_ERROR" {
			t.Errorf("verify after sign-out: %s", r.Body)
		}
	})
}

// TestSessionIDStoredHashed: the store holds the sha256 of a dashboard
// session id, never the 30-day credential itself (issue 11, finding 9).
func TestSessionIDStoredHashed(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		c.Post(t, "/recipe/dashboard/user", obj{"email": "hash@example.com", "password": "abcd1234"})
		sid := c.Post(t, "/recipe/dashboard/signin", obj{"email": "hash@example.com", "password": "abcd1234"}).JSON(t)["sessionId"].(string)
		if _, err := c.Store.DashboardSession(t.Context(), sid); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the store finds the session by its plain id: %v", err)
		}
		sum := sha256.Sum256([]byte(sid))
		if _, err := c.Store.DashboardSession(t.Context(), hex.EncodeToString(sum[:])); err != nil {
			t.Errorf("the store does not hold the hash: %v", err)
		}
		// A stored value used as a session id signs nobody in.
		if r := c.Post(t, "/recipe/dashboard/session/verify", obj{"sessionId": hex.EncodeToString(sum[:])}); r.Status(t) != "INVALID_SESSION_ERROR" {
			t.Errorf("the stored hash works as a session id: %s", r.Body)
		}
	})
}

func TestSessionExpires(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	c := coretest.New(t, func(cfg *core.Config) {
		cfg.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	c.Post(t, "/recipe/dashboard/user", obj{"email": "ops@example.com", "password": "abcd1234"})
	sid := c.Post(t, "/recipe/dashboard/signin", obj{"email": "ops@example.com", "password": "abcd1234"}).JSON(t)["sessionId"].(string)
	mu.Lock()
	now = now.Add(30*24*time.Hour + time.Second)
	mu.Unlock()
	if r := c.Post(t, "/recipe/dashboard/session/verify", obj{"sessionId": sid}); r.Status(t) != "INVALID_SESSION_ERROR" {
		t.Errorf("a 30-day-old session still verifies: %s", r.Body)
	}
}

func TestUpdateEndsSessions(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		uid := c.Post(t, "/recipe/dashboard/user", obj{"email": "ops@example.com", "password": "abcd1234"}).JSON(t)["user"].(obj)["userId"].(string)
		c.Post(t, "/recipe/dashboard/user", obj{"email": "other@example.com", "password": "abcd1234"})
		sid := c.Post(t, "/recipe/dashboard/signin", obj{"email": "ops@example.com", "password": "abcd1234"}).JSON(t)["sessionId"].(string)

		cases := []struct {
			name       string
			body       obj
			wantCode   int
			wantStatus string
		}{
			{"neither id nor email", obj{"newPassword": "efgh5678"}, 400, ""},
			{"unknown email", obj{"email": "nobody@example.com", "newPassword": "efgh5678"}, 200, "UNKNOWN_USER_ERROR"},
			{"unknown id", obj{"userId": "nope", "newPassword": "efgh5678"}, 200, "UNKNOWN_USER_ERROR"},
			{"weak password", obj{"email": "ops@example.com", "newPassword": "weak"}, 200, "PASSWORD_WEAK_ERROR"},
			{"bad new email", obj{"email": "ops@example.com", "newEmail": "nope"}, 200, "INVALID_EMAIL_ERROR"},
			{"taken new email", obj{"email": "ops@example.com", "newEmail": "other@example.com"}, 200, "EMAIL_ALREADY_EXISTS_ERROR"},
			{"new password by email", obj{"email": "ops@example.com", "newPassword": "efgh5678"}, 200, "OK"},
			{"new email by id", obj{"userId": uid, "email": "ignored@example.com", "newEmail": "Ops2@Example.com"}, 200, "OK"},
		}
		for _, tc := range cases {
			r := c.Put(t, "/recipe/dashboard/user", tc.body, "rid", "dashboard")
			if r.Code != tc.wantCode {
				t.Fatalf("%s: %d %s", tc.name, r.Code, r.Body)
			}
			if tc.wantCode == 400 {
				if r.Text() != "Either field 'email' or 'userId' must be present" {
					t.Errorf("%s: %q", tc.name, r.Text())
				}
				continue
			}
			if got := r.Status(t); got != tc.wantStatus {
				t.Errorf("%s: %s, want %s", tc.name, r.Body, tc.wantStatus)
			}
		}
		if r := c.Post(t, "/recipe/dashboard/session/verify", obj{"sessionId": sid}); r.Status(t) != "INVALID_SESSION_ERROR" {
			t.Errorf("session survived a password change: %s", r.Body)
		}
		if r := c.Post(t, "/recipe/dashboard/signin", obj{"email": "ops2@example.com", "password": "efgh5678"}); r.Status(t) != "OK" {
			t.Errorf("sign-in with new email and password: %s", r.Body)
		}
	})
}

func TestDeleteAccount(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		uid := c.Post(t, "/recipe/dashboard/user", obj{"email": "a@example.com", "password": "abcd1234"}).JSON(t)["user"].(obj)["userId"].(string)
		c.Post(t, "/recipe/dashboard/user", obj{"email": "b@example.com", "password": "abcd1234"})
		sid := c.Post(t, "/recipe/dashboard/signin", obj{"email": "a@example.com", "password": "abcd1234"}).JSON(t)["sessionId"].(string)
		if r := c.Delete(t, "/recipe/dashboard/user"); r.Code != 400 {
			t.Errorf("no id or email: %d %s", r.Code, r.Body)
		}
		for _, tc := range []struct {
			query string
			want  bool
		}{{"?userId=" + uid, true}, {"?userId=" + uid, false}, {"?email=B@example.com", true}, {"?email=b@example.com", false}} {
			r := c.Delete(t, "/recipe/dashboard/user"+tc.query)
			if r.Status(t) != "OK" || r.JSON(t)["didUserExist"] != tc.want {
				t.Errorf("delete %s: %s, want didUserExist %v", tc.query, r.Body, tc.want)
			}
		}
		if r := c.Post(t, "/recipe/dashboard/session/verify", obj{"sessionId": sid}); r.Status(t) != "INVALID_SESSION_ERROR" {
			t.Errorf("session of a deleted account: %s", r.Body)
		}
	})
}

func TestConcurrentAccountsOneEmail(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		const n = 50
		var mu sync.Mutex
		counts := map[string]int{}
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := c.Post(t, "/recipe/dashboard/user", obj{"email": "race@example.com", "password": "abcd1234"})
				if r.Code != 200 {
					t.Errorf("HTTP %d: %s", r.Code, r.Body)
					return
				}
				mu.Lock()
				counts[r.JSON(t)["status"].(string)]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if counts["OK"] != 1 || counts["EMAIL_ALREADY_EXISTS_ERROR"] != n-1 {
			t.Errorf("statuses = %v", counts)
		}
		if users := c.Get(t, "/recipe/dashboard/users").JSON(t)["users"].([]any); len(users) != 1 {
			t.Errorf("%d accounts stored", len(users))
		}
	})
}

// TestDashboardCurlCommand runs, verbatim, the command the dashboard's
// "Add a new user" screen shows, against a core that requires that key.
func TestDashboardCurlCommand(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed")
	}
	c := coretest.New(t, func(cfg *core.Config) { cfg.APIKeys = []string{key} })
	run := func(args ...string) string {
		out, err := exec.CommandContext(t.Context(), curl, append([]string{"--silent", "--show-error"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("curl: %v\n%s", err, out)
		}
		return string(out)
	}
	out := run("--location", "--request", "POST", c.URL+"/recipe/dashboard/user", "--header", "rid: dashboard", "--header", "api-key: "+key,
		"--header", "Content-Type: application/json", "--data-raw", `{"email": "admin@example.com","password": "abcd1234"}`)
	if !strings.Contains(out, `"status":"OK"`) {
		t.Fatalf("POST: %s", out)
	}
	out = run("--location", "--request", "PUT", c.URL+"/recipe/dashboard/user", "--header", "rid: dashboard", "--header", "api-key: "+key,
		"--header", "Content-Type: application/json", "--data-raw", `{"email": "admin@example.com","newPassword": "efgh5678"}`)
	if !strings.Contains(out, `"status":"OK"`) {
		t.Fatalf("PUT: %s", out)
	}
	c.Header.Set("api-key", key)
	if r := c.Post(t, "/recipe/dashboard/signin", obj{"email": "admin@example.com", "password": "efgh5678"}); r.Code != http.StatusOK || r.Status(t) != "OK" {
		t.Errorf("sign-in with the new password: %s", r.Body)
	}
}

// TestReadOnlyAccounts: the readOnly extension is stored on create and
// update, listed, and answered by session verify, which is how the SDK
// learns that an account may only look.
func TestReadOnlyAccounts(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		if r := c.Post(t, "/recipe/dashboard/user", obj{"email": "viewer@example.com", "password": "abcd1234", "readOnly": true}); r.Status(t) != "OK" || r.JSON(t)["user"].(obj)["readOnly"] != true {
			t.Fatalf("create read-only: %s", r.Body)
		}
		if r := c.Post(t, "/recipe/dashboard/user", obj{"email": "admin@example.com", "password": "abcd1234"}); r.JSON(t)["user"].(obj)["readOnly"] != false {
			t.Fatalf("create: %s (want readOnly false by default)", r.Body)
		}
		if r := c.Post(t, "/recipe/dashboard/user", obj{"email": "x@example.com", "password": "abcd1234", "readOnly": "yes"}); r.Code != 400 {
			t.Errorf("readOnly not a boolean: %d %s", r.Code, r.Body)
		}
		verify := func(want bool) {
			t.Helper()
			r := c.Post(t, "/recipe/dashboard/signin", obj{"email": "viewer@example.com", "password": "abcd1234"})
			sid, _ := r.JSON(t)["sessionId"].(string)
			v := c.Post(t, "/recipe/dashboard/session/verify", obj{"sessionId": sid}).JSON(t)
			if v["status"] != "OK" || v["readOnly"] != want || v["userId"] == "" {
				t.Fatalf("verify: %v, want readOnly %v", v, want)
			}
		}
		verify(true)
		if r := c.Put(t, "/recipe/dashboard/user", obj{"email": "viewer@example.com", "readOnly": false}); r.Status(t) != "OK" || r.JSON(t)["user"].(obj)["readOnly"] != false {
			t.Fatalf("update: %s", r.Body)
		}
		verify(false)
		users := c.Get(t, "/recipe/dashboard/users").JSON(t)["users"].([]any)
		for _, u := range users {
			if u.(obj)["readOnly"] != false {
				t.Errorf("list: %v", u)
			}
		}
	})
}
