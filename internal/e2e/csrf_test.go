package e2e

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/recipe/emailpassword"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// TestAntiCSRFViaToken: the core issues an anti-CSRF token with the
// session; a POST without it must refresh, and refresh needs it too.
func TestAntiCSRFViaToken(t *testing.T) {
	t.Run("refused", func(t *testing.T) { sqliteModes(t, antiCSRFRefused) })
	t.Run("accepted", func(t *testing.T) { sqliteModes(t, antiCSRFAccepted) })
}

func antiCSRFRefused(t *testing.T, m coretest.Mode) {
	a := newApp(t, m, options{session: session.Config{AntiCSRF: session.AntiCSRFViaToken}})
	b := a.browser(false)
	r := b.post("/auth/signup", fields("email", "hal@example.com", "password", "secret123"))
	r.want(t, 200, "OK")
	token := r.header.Get("anti-csrf")
	if token == "" || !strings.Contains(strings.Join(r.header.Values("Access-Control-Expose-Headers"), ","), "anti-csrf") {
		t.Fatalf("no anti-csrf token: %v", r.header)
	}
	if r := b.post("/auth/signout", map[string]any{}); r.code != 401 || r.body["message"] != "try refresh token" {
		t.Fatalf("POST without the token: %d %s", r.code, r.raw)
	}
	if r := b.get("/api/me"); r.code != 200 {
		t.Fatalf("GET needs no token: %d %s", r.code, r.raw)
	}
	if r := b.post("/auth/session/refresh", nil, "anti-csrf", "wrong"); r.code != 401 {
		t.Fatalf("refresh with a wrong token: %d %s", r.code, r.raw)
	}
}

func antiCSRFAccepted(t *testing.T, m coretest.Mode) {
	a := newApp(t, m, options{session: session.Config{AntiCSRF: session.AntiCSRFViaToken}})
	b := a.browser(false)
	r := b.post("/auth/signup", fields("email", "ida@example.com", "password", "secret123"))
	token := r.header.Get("anti-csrf")
	r = b.post("/auth/session/refresh", nil, "anti-csrf", token)
	r.want(t, 200, "")
	next := r.header.Get("anti-csrf")
	if next == "" {
		t.Fatal("refresh must issue a new anti-csrf token")
	}
	b.post("/auth/signout", map[string]any{}, "anti-csrf", next).want(t, 200, "OK")

	// Header mode needs no anti-CSRF token.
	h := a.browser(true)
	r = h.post("/auth/signin", fields("email", "ida@example.com", "password", "secret123"))
	if r.header.Get("anti-csrf") != "" {
		t.Fatal("header mode must not use anti-csrf")
	}
	h.post("/auth/signout", map[string]any{}).want(t, 200, "OK")
}

func TestCustomSignUpFields(t *testing.T) {
	a := newApp(t, coretest.Mode{Engine: "sqlite", InProcess: true}, options{fields: []emailpassword.Field{
		{ID: "name", Validate: func(_ context.Context, v any, _ string) error {
			if s, _ := v.(string); len(s) < 2 {
				return errors.New("Name is too short")
			}
			return nil
		}},
		{ID: "age", Optional: true},
		{ID: "password", Validate: func(_ context.Context, v any, _ string) error {
			if s, _ := v.(string); len(s) < 4 {
				return errors.New("Four or more")
			}
			return nil
		}},
	}})
	b := a.browser(false)
	r := b.post("/auth/signup", fields("email", "jo@example.com", "password", "abc", "name", "J"))
	r.want(t, 200, "FIELD_ERROR")
	if !strings.Contains(r.raw, `"id":"name","error":"Name is too short"`) || !strings.Contains(r.raw, `"id":"password","error":"Four or more"`) {
		t.Fatalf("field errors: %s", r.raw)
	}
	r = b.post("/auth/signup", fields("email", "jo@example.com", "password", "abcd"))
	if !strings.Contains(r.raw, `"id":"name","error":"Field is not optional"`) {
		t.Fatalf("missing name: %s", r.raw)
	}
	b.post("/auth/signup", fields("email", "jo@example.com", "password", "abcd", "name", "Jo")).want(t, 200, "OK")
	r = b.post("/auth/signup", fields("email", "x@example.com", "password", "abcd", "name", "Jo", "age", "3", "extra", "1"))
	if r.code != 400 || r.body["message"] != "Are you sending too many formFields?" {
		t.Fatalf("too many: %d %s", r.code, r.raw)
	}
}

// TestNonJSONBodiesRefused: in cookie mode with SameSite=Lax, a page on a
// sibling subdomain (same site) can send text/plain, a form or an untyped
// body with the user's cookies and no CORS preflight. The SDK's
// state-changing routes refuse those with 415 and change nothing (issue
// 11, finding 11); JSON and body-less calls, which web-js sends, pass.
func TestNonJSONBodiesRefused(t *testing.T) {
	a := newApp(t, coretest.Mode{Engine: "sqlite", InProcess: true}, options{evMode: "OPTIONAL"})
	b := a.browser(false)
	b.post("/auth/signup", fields("email", "kim@example.com", "password", "secret123")).want(t, 200, "OK")
	sameSite := []string{"Origin", "http://evil.localhost:3000", "Sec-Fetch-Site", "same-site", "rid", ""}
	for _, tc := range []struct {
		name, path, contentType string
		body                    any
		want                    int
	}{
		{"text/plain sign-out", "/auth/signout", "text/plain", map[string]any{}, 415},
		{"text/plain with a charset", "/auth/signout", "text/plain;charset=UTF-8", map[string]any{}, 415},
		{"form sign-in", "/auth/signin", "application/x-www-form-urlencoded", fields("email", "kim@example.com", "password", "secret123"), 415},
		{"multipart verification email", "/auth/user/email/verify/token", "multipart/form-data; boundary=x", map[string]any{}, 415},
		{"untyped body", "/auth/signout", "", map[string]any{}, 415},
		{"bad media type", "/auth/signout", "application/json;;", map[string]any{}, 415},
		{"JSON with a charset", "/auth/user/email/verify/token", "application/json; charset=utf-8", map[string]any{}, 200},
	} {
		r := b.post(tc.path, tc.body, append([]string{"Content-Type", tc.contentType}, sameSite...)...)
		if r.code != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, r.code, r.raw, tc.want)
		}
		if tc.want == 415 && !strings.Contains(r.raw, "Content-Type: application/json") {
			t.Errorf("%s: the message does not say what to send: %s", tc.name, r.raw)
		}
	}
	if n := len(a.mail.Emails()); n != 1 {
		t.Errorf("%d verification emails sent, want 1 (from the JSON call only)", n)
	}
	// The refused sign-out changed nothing: the session still works.
	if r := b.get("/api/me"); r.code != 200 {
		t.Fatalf("session after the refused calls: %d %s", r.code, r.raw)
	}
	// A body-less refresh and sign-out (supertokens-website sends no
	// Content-Type with them) still work.
	b.post("/auth/session/refresh", nil, "Content-Type", "", "rid", "session").want(t, 200, "")
	b.post("/auth/signout", nil, "Content-Type", "").want(t, 200, "OK")
}
