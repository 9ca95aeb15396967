package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// sqliteModes runs fn on SQLite, in-process and over HTTP: enough for the
// behaviour that does not depend on the engine.
func sqliteModes(t *testing.T, fn func(t *testing.T, m coretest.Mode)) {
	for _, m := range []coretest.Mode{{Engine: "sqlite"}, {Engine: "sqlite", InProcess: true}} {
		t.Run(m.String(), func(t *testing.T) {
			t.Parallel()
			fn(t, m)
		})
	}
}

func TestSignUpValidation(t *testing.T) {
	sqliteModes(t, func(t *testing.T, m coretest.Mode) {
		a := newApp(t, m, options{})
		b := a.browser(false)
		for _, tc := range []struct {
			email, password, id, msg string
		}{
			{"not-an-email", "secret123", "email", "Email is invalid"},
			{"", "secret123", "email", "Field is not optional"},
			{"a@example.com", "short1", "password", "Password must contain at least 8 characters, including a number"},
			{"a@example.com", strings.Repeat("a1", 50), "password", "Password's length must be lesser than 100 characters"},
			{"a@example.com", "12345678", "password", "Password must contain at least one alphabet"},
			{"a@example.com", "abcdefgh", "password", "Password must contain at least one number"},
		} {
			r := b.post("/auth/signup", fields("email", tc.email, "password", tc.password))
			r.want(t, 200, "FIELD_ERROR")
			ff, _ := r.body["formFields"].([]any)
			if len(ff) != 1 || ff[0].(map[string]any)["id"] != tc.id || ff[0].(map[string]any)["error"] != tc.msg {
				t.Errorf("%q/%q: %s", tc.email, tc.password, r.raw)
			}
		}
		b.post("/auth/signup", fields("email", " Fay@Example.com ", "password", "secret123")).want(t, 200, "OK")
		r := b.post("/auth/signup", fields("email", "fay@example.com", "password", "secret123"))
		r.want(t, 200, "FIELD_ERROR")
		if !strings.Contains(r.raw, "This email already exists. Please sign in instead.") {
			t.Errorf("duplicate: %s", r.raw)
		}
		b.post("/auth/signin", fields("email", "fay@example.com", "password", "wrong-pass1")).want(t, 200, "WRONG_CREDENTIALS_ERROR")
		b.post("/auth/signin", fields("email", "bad", "password", "x")).want(t, 200, "FIELD_ERROR")

		r = b.get("/auth/emailpassword/email/exists?email=fay@example.com")
		if r.body["exists"] != true {
			t.Errorf("exists: %s", r.raw)
		}
		r = b.get("/auth/public/signup/email/exists?email=nobody@example.com")
		if r.code != 200 || r.body["exists"] != false {
			t.Errorf("not exists: %s", r.raw)
		}

		// An FDI 1.17 frontend gets the legacy user shape.
		r = b.post("/auth/signin", fields("email", "fay@example.com", "password", "secret123"), "fdi-version", "1.16,1.17")
		r.want(t, 200, "OK")
		u := r.body["user"].(map[string]any)
		if u["email"] != "fay@example.com" || u["loginMethods"] != nil {
			t.Errorf("legacy user: %s", r.raw)
		}
		r = b.post("/auth/signin", fields("email", "fay@example.com", "password", "secret123"), "fdi-version", "1.17,2.0,3.0")
		if u := r.body["user"].(map[string]any); u["loginMethods"] == nil || u["emails"] == nil {
			t.Errorf("FDI 3.0 user: %s", r.raw)
		}
	})
}

// TestBadInputIsNever500 sends malformed requests to every API.
func TestBadInputIsNever500(t *testing.T) {
	for _, engine := range coretest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			badInput(t, coretest.Mode{Engine: engine, InProcess: true})
		})
	}
}

func badInput(t *testing.T, m coretest.Mode) {
	a := newApp(t, m, options{evMode: "OPTIONAL"})
	b := a.browser(false)
	bodies := []string{``, `{`, `null`, `[]`, `"x"`, `{"formFields":null}`, `{"formFields":{}}`, `{"formFields":[1]}`,
		`{"formFields":[{"id":1}]}`, `{"formFields":[{"id":"email","value":5}]}`, `{"formFields":[{"id":"password","value":{}}]}`,
		`{"formFields":[{"id":"email","value":"a@b.co"},{"id":"password","value":"x"},{"id":"x","value":1}]}`,
		`{"formFields":[{"id":"password","value":"secret123"}],"token":7}`, `{"token":null}`, `{"token":"a\u0000b","formFields":[{"id":"password","value":"secret123"}]}`, `{"method":"token","token":"a\u0000b"}`, `{"token":"` + strings.Repeat("x", 5000) + `"}`}
	paths := []string{"/auth/signup", "/auth/signin", "/auth/user/password/reset/token", "/auth/user/password/reset",
		"/auth/user/email/verify", "/auth/user/email/verify/token", "/auth/session/refresh", "/auth/signout", "/auth/t1/signup"}
	for _, p := range paths {
		for _, body := range bodies {
			req, _ := http.NewRequest("POST", a.srv.URL+p, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Cookie", "sAccessToken=garbage; sRefreshToken=%zz")
			req.Header.Set("Authorization", "Bearer a.b.c")
			resp, err := b.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode >= 500 {
				t.Errorf("POST %s %q: %d", p, body, resp.StatusCode)
			}
		}
	}
	long := strings.Repeat("p4", 3000)
	for _, ff := range []map[string]any{
		fields("email", "a@example.com", "password", long),
		fields("email", "a\x00b@example.com", "password", "secret123"),
		fields("email", strings.Repeat("a", 5000)+"@example.com", "password", "secret123"),
		fields("email", "ünï@exämple.com", "password", "secret123"),
	} {
		for _, p := range []string{"/auth/signin", "/auth/signup", "/auth/user/password/reset/token"} {
			if r := b.post(p, ff); r.code >= 500 {
				t.Errorf("POST %s: %d %s", p, r.code, r.raw)
			}
		}
	}
	for _, q := range []string{"", "?email=", "?email=%zz", "?email=a%00b@example.com", "?email=" + strings.Repeat("a", 3000)} {
		r := b.get("/auth/emailpassword/email/exists" + q)
		if r.code >= 500 {
			t.Errorf("email exists %q: %d", q, r.code)
		}
	}
}

func TestOptionalVerificationAndClaims(t *testing.T) {
	sqliteModes(t, func(t *testing.T, m coretest.Mode) {
		a := newApp(t, m, options{evMode: "OPTIONAL"})
		ctx := context.Background()
		if _, err := a.roles.Service(); err != nil {
			t.Fatal(err)
		}
		svc, _ := a.roles.Service()
		if _, err := svc.CreateNewRoleOrAddPermissions(ctx, "admin", []string{"read", "write"}); err != nil {
			t.Fatal(err)
		}
		b := a.browser(false)
		r := b.post("/auth/signup", fields("email", "gus@example.com", "password", "secret123"))
		r.want(t, 200, "OK")
		userID := r.body["user"].(map[string]any)["id"].(string)

		// OPTIONAL mode lets an unverified user in, with st-ev false.
		r = b.get("/api/me")
		r.want(t, 200, "")
		p := r.body["payload"].(map[string]any)
		if p["st-ev"].(map[string]any)["v"] != false {
			t.Fatalf("payload %v", p)
		}
		if role := p["st-role"].(map[string]any)["v"].([]any); len(role) != 0 {
			t.Fatalf("roles %v", role)
		}

		// A role given later reaches the token when the claim is
		// refetched, and a role validator then passes.
		if _, err := svc.AddRoleToUser(ctx, "public", userID, "admin"); err != nil {
			t.Fatal(err)
		}
		adminOnly := a.sess.VerifySession(&session.VerifyOptions{
			OverrideGlobalClaimValidators: func(_ context.Context, _ *session.Session, g []session.Validator) ([]session.Validator, error) {
				return append(g, a.roles.RoleClaim().Includes("admin"), a.roles.PermissionClaim().Includes("write")), nil
			},
		}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
		rq, _ := http.NewRequest("GET", a.srv.URL+"/api/me", nil)
		w := &captureWriter{header: http.Header{}}
		for _, c := range b.http.Jar.Cookies(rq.URL) {
			rq.AddCookie(c)
		}
		adminOnly.ServeHTTP(w, rq)
		if w.code != 403 || !strings.Contains(w.body.String(), "st-role") {
			t.Fatalf("stale roles must fail: %d %s", w.code, w.body.String())
		}
		a.clock.Advance(301 * time.Second)
		w = &captureWriter{header: http.Header{}}
		adminOnly.ServeHTTP(w, rq)
		if w.code != 204 {
			t.Fatalf("refetched roles: %d %s", w.code, w.body.String())
		}

		// Metadata.
		md, err := a.md.UpdateUserMetadata(ctx, userID, map[string]any{"theme": "dark", "n": 1})
		if err != nil || md["theme"] != "dark" {
			t.Fatal(md, err)
		}
		md, _ = a.md.UpdateUserMetadata(ctx, userID, map[string]any{"theme": nil})
		if _, ok := md["theme"]; ok {
			t.Fatalf("nil must delete: %v", md)
		}
		if err := a.md.ClearUserMetadata(ctx, userID); err != nil {
			t.Fatal(err)
		}
		if md, _ := a.md.UserMetadata(ctx, userID); len(md) != 0 {
			t.Fatalf("cleared: %v", md)
		}

		// Verification by Go function flips st-ev on the next GET verify.
		if err := a.ev.VerifyEmail(ctx, userID, "gus@example.com"); err != nil {
			t.Fatal(err)
		}
		r = b.get("/auth/user/email/verify")
		if r.body["isVerified"] != true || b.frontPayload()["st-ev"].(map[string]any)["v"] != true {
			t.Fatalf("verify: %s", r.raw)
		}

		// Revoking all of a user's sessions ends them at a database check.
		if _, err := a.sess.RevokeAllSessionsForUser(ctx, userID, ""); err != nil {
			t.Fatal(err)
		}
		check := a.sess.VerifySession(&session.VerifyOptions{CheckDatabase: true}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		w = &captureWriter{header: http.Header{}}
		check.ServeHTTP(w, rq)
		if w.code != 401 {
			t.Fatalf("revoked session with CheckDatabase: %d %s", w.code, w.body.String())
		}
	})
}

type captureWriter struct {
	header http.Header
	code   int
	body   strings.Builder
}

func (c *captureWriter) Header() http.Header { return c.header }
func (c *captureWriter) WriteHeader(code int) {
	if c.code == 0 {
		c.code = code
	}
}
func (c *captureWriter) Write(p []byte) (int, error) {
	if c.code == 0 {
		c.code = 200
	}
	return c.body.Write(p)
}
