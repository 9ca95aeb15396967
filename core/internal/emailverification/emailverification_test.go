package emailverification_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

type step struct {
	Name     string
	Method   string
	Path     string
	Body     any
	WantCode int
	WantJSON string
	WantText string
}

func run(t *testing.T, c *coretest.Client, steps []step) {
	t.Helper()
	for _, s := range steps {
		code := s.WantCode
		if code == 0 {
			code = http.StatusOK
		}
		r := c.Do(t, s.Method, s.Path, s.Body)
		if r.Code != code {
			t.Errorf("%s: HTTP %d, want %d: %s", s.Name, r.Code, code, r.Body)
			continue
		}
		if s.WantText != "" && r.Text() != s.WantText {
			t.Errorf("%s: body %q, want %q", s.Name, r.Text(), s.WantText)
		}
		if s.WantJSON != "" {
			var got, want any
			_ = json.Unmarshal(r.Body, &got)
			if err := json.Unmarshal([]byte(s.WantJSON), &want); err != nil {
				t.Fatalf("%s: bad WantJSON: %v", s.Name, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: got %s, want %s", s.Name, r.Body, s.WantJSON)
			}
		}
	}
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

var tokenShape = regexp.MustCompile(`^[A-Za-z0-9_-]{128}$`)

func TestEmailVerification(t *testing.T) {
	for _, m := range coretest.Modes() {
		t.Run(m.String(), func(t *testing.T) {
			t.Parallel()
			clk := &clock{now: time.UnixMilli(1_750_000_000_000)}
			c := coretest.Start(t, m, func(cfg *core.Config) { cfg.Now = clk.Now })
			newToken := func(userID, email string) string {
				t.Helper()
				r := c.Post(t, "/recipe/user/email/verify/token", map[string]any{"userId": userID, "email": email}).JSON(t)
				tok, _ := r["token"].(string)
				if r["status"] != "OK" || !tokenShape.MatchString(tok) {
					t.Fatalf("create token: %v", r)
				}
				return tok
			}
			tok := newToken("u1", "  Alice@Example.COM ")
			tokens, err := c.Store.DeleteExpiredEmailVerificationTokens(t.Context(), clk.Now())
			if err != nil || tokens != 0 {
				t.Fatalf("cleanup removed %d live tokens: %v", tokens, err)
			}
			run(t, c, []step{
				{Name: "not yet", Method: "GET", Path: "/recipe/user/email/verify?userId=u1&email=alice@example.com", WantJSON: `{"status":"OK","isVerified":false}`},
				{Name: "wrong method", Method: "POST", Path: "/recipe/user/email/verify", Body: map[string]any{"method": "code", "token": tok}, WantCode: 400, WantText: "Unsupported method for email verification"},
				{Name: "unknown token", Method: "POST", Path: "/recipe/user/email/verify", Body: map[string]any{"method": "token", "token": "nope"}, WantJSON: `{"status":"EMAIL_VERIFICATION_INVALID_TOKEN_ERROR"}`},
				{Name: "verify", Method: "POST", Path: "/public/recipe/user/email/verify", Body: map[string]any{"method": "token", "token": tok}, WantJSON: `{"status":"OK","userId":"u1","email":"alice@example.com"}`},
				{Name: "token used up", Method: "POST", Path: "/recipe/user/email/verify", Body: map[string]any{"method": "token", "token": tok}, WantJSON: `{"status":"EMAIL_VERIFICATION_INVALID_TOKEN_ERROR"}`},
				{Name: "verified", Method: "GET", Path: "/recipe/user/email/verify?userId=u1&email=alice@example.com", WantJSON: `{"status":"OK","isVerified":true}`},
				{Name: "GET uses the email verbatim", Method: "GET", Path: "/recipe/user/email/verify?userId=u1&email=Alice@Example.com", WantJSON: `{"status":"OK","isVerified":false}`},
				{Name: "already verified", Method: "POST", Path: "/recipe/user/email/verify/token", Body: map[string]any{"userId": "u1", "email": "ALICE@example.com"}, WantJSON: `{"status":"EMAIL_ALREADY_VERIFIED_ERROR"}`},
				{Name: "unverify", Method: "POST", Path: "/recipe/user/email/verify/remove", Body: map[string]any{"userId": "u1", "email": " Alice@example.com"}, WantJSON: `{"status":"OK"}`},
				{Name: "unverified", Method: "GET", Path: "/recipe/user/email/verify?userId=u1&email=alice@example.com", WantJSON: `{"status":"OK","isVerified":false}`},
				{Name: "unverify again", Method: "POST", Path: "/recipe/user/email/verify/remove", Body: map[string]any{"userId": "u1", "email": "alice@example.com"}, WantJSON: `{"status":"OK"}`},
				{Name: "GET no email", Method: "GET", Path: "/recipe/user/email/verify?userId=u1", WantCode: 400, WantText: "Field name 'email' is missing in GET request"},
				{Name: "GET no userId", Method: "GET", Path: "/recipe/user/email/verify?email=a", WantCode: 400, WantText: "Field name 'userId' is missing in GET request"},
				{Name: "token no email", Method: "POST", Path: "/recipe/user/email/verify/token", Body: map[string]any{"userId": "u1"}, WantCode: 400, WantText: "Field name 'email' is invalid in JSON input"},
				{Name: "token numeric userId", Method: "POST", Path: "/recipe/user/email/verify/token", Body: map[string]any{"userId": 1, "email": "a@b.c"}, WantCode: 400, WantText: "Field name 'userId' is invalid in JSON input"},
				{Name: "verify no token", Method: "POST", Path: "/recipe/user/email/verify", Body: map[string]any{"method": "token"}, WantCode: 400, WantText: "Field name 'token' is invalid in JSON input"},
				{Name: "verify no method", Method: "POST", Path: "/recipe/user/email/verify", Body: map[string]any{"token": "x"}, WantCode: 400, WantText: "Field name 'method' is invalid in JSON input"},
				{Name: "remove no userId", Method: "POST", Path: "/recipe/user/email/verify/remove", Body: map[string]any{"email": "a"}, WantCode: 400, WantText: "Field name 'userId' is invalid in JSON input"},
				{Name: "remove tokens no email", Method: "POST", Path: "/recipe/user/email/verify/token/remove", Body: map[string]any{"userId": "u1"}, WantCode: 400, WantText: "Field name 'email' is invalid in JSON input"},
				{Name: "bad JSON", Method: "POST", Path: "/recipe/user/email/verify/token", Body: "nope", WantCode: 400, WantText: "Invalid Json Input"},
			})

			// Removing tokens invalidates every token of (user, email).
			t1, t2 := newToken("u2", "b@example.com"), newToken("u2", "B@example.com")
			other := newToken("u2", "c@example.com")
			run(t, c, []step{
				{Name: "remove tokens", Method: "POST", Path: "/recipe/user/email/verify/token/remove", Body: map[string]any{"userId": "u2", "email": " b@EXAMPLE.com"}, WantJSON: `{"status":"OK"}`},
				{Name: "t1 gone", Method: "POST", Path: "/recipe/user/email/verify", Body: map[string]any{"method": "token", "token": t1}, WantJSON: `{"status":"EMAIL_VERIFICATION_INVALID_TOKEN_ERROR"}`},
				{Name: "t2 gone", Method: "POST", Path: "/recipe/user/email/verify", Body: map[string]any{"method": "token", "token": t2}, WantJSON: `{"status":"EMAIL_VERIFICATION_INVALID_TOKEN_ERROR"}`},
				{Name: "other email kept", Method: "POST", Path: "/recipe/user/email/verify", Body: map[string]any{"method": "token", "token": other}, WantJSON: `{"status":"OK","userId":"u2","email":"c@example.com"}`},
			})

			// Tokens expire after the lifetime (24 h by default).
			late := newToken("u3", "d@example.com")
			clk.Advance(24*time.Hour + time.Millisecond)
			run(t, c, []step{{Name: "expired", Method: "POST", Path: "/recipe/user/email/verify", Body: map[string]any{"method": "token", "token": late}, WantJSON: `{"status":"EMAIL_VERIFICATION_INVALID_TOKEN_ERROR"}`}})

			// A user's verified flag follows the endpoints.
			r := c.Post(t, "/recipe/signup", map[string]any{"email": "eve@example.com", "password": "pw-123456"}).JSON(t)
			id := r["user"].(map[string]any)["id"].(string)
			verified := func() any {
				u := c.Get(t, "/user/id?userId="+id).JSON(t)["user"].(map[string]any)
				return u["loginMethods"].([]any)[0].(map[string]any)["verified"]
			}
			if v := verified(); v != false {
				t.Errorf("new user verified = %v", v)
			}
			tok = newToken(id, "eve@example.com")
			c.Post(t, "/recipe/user/email/verify", map[string]any{"method": "token", "token": tok})
			if v := verified(); v != true {
				t.Errorf("after verify, verified = %v", v)
			}
			c.Post(t, "/recipe/user/email/verify/remove", map[string]any{"userId": id, "email": "eve@example.com"})
			if v := verified(); v != false {
				t.Errorf("after unverify, verified = %v", v)
			}
		})
	}
}
