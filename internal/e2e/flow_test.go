package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core/coretest"
)

// TestCookieSessionFlow walks sign-up, a protected route, expiry, refresh,
// theft detection and sign-out with cookies, as a browser does.
func TestCookieSessionFlow(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a := newApp(t, m, options{})
		b := a.browser(false)

		// Sign-up sets the session.
		r := b.post("/auth/signup", fields("email", "ann@example.com", "password", "secret123"))
		r.want(t, 200, "OK")
		user, _ := r.body["user"].(map[string]any)
		userID, _ := user["id"].(string)
		if userID == "" || user["loginMethods"] == nil {
			t.Fatalf("sign-up user is not the account-linking User: %s", r.raw)
		}
		access := r.setCookies("sAccessToken")
		refresh := r.setCookies("sRefreshToken")
		if len(access) != 1 || len(refresh) != 1 {
			t.Fatalf("want one access and one refresh cookie, got %q", r.header.Values("Set-Cookie"))
		}
		for _, attr := range []string{"Path=/", "HttpOnly", "SameSite=Lax"} {
			if !strings.Contains(access[0], attr) {
				t.Errorf("access cookie %q lacks %s", access[0], attr)
			}
		}
		if !strings.Contains(refresh[0], "Path=/auth/session/refresh") || !strings.Contains(refresh[0], "HttpOnly") {
			t.Errorf("refresh cookie %q", refresh[0])
		}
		if strings.Contains(access[0], "Secure") {
			t.Errorf("cookie over http must not be Secure: %q", access[0])
		}
		if r.header.Get("front-token") == "" || !strings.Contains(strings.Join(r.header.Values("Access-Control-Expose-Headers"), ","), "front-token") {
			t.Fatalf("no exposed front-token: %v", r.header)
		}
		if up := b.frontPayload(); up["sub"] != userID {
			t.Fatalf("front token payload %v", up)
		}
		if r.header.Get("st-access-token") != "" {
			t.Fatal("cookie mode must not send the access token in a header")
		}

		// A protected route works.
		r = b.get("/api/me")
		r.want(t, 200, "")
		if r.body["userId"] != userID {
			t.Fatalf("me: %s", r.raw)
		}
		oldRefresh := b.cookie("sRefreshToken", "/auth/session/refresh")

		// The access token expires: 401 try refresh token.
		a.clock.Advance(2 * time.Hour)
		r = b.get("/api/me")
		if r.code != 401 || r.body["message"] != "try refresh token" {
			t.Fatalf("expired token: %d %s", r.code, r.raw)
		}

		// Refresh works, and the route works again.
		r = b.post("/auth/session/refresh", nil, "rid", "session")
		r.want(t, 200, "")
		if r.raw != "{}" {
			t.Fatalf("refresh body %q, want {}", r.raw)
		}
		if len(r.setCookies("sAccessToken")) != 1 || len(r.setCookies("sRefreshToken")) != 1 {
			t.Fatalf("refresh did not set both cookies: %q", r.header.Values("Set-Cookie"))
		}
		r = b.get("/api/me")
		r.want(t, 200, "")

		// Reusing the old refresh token is theft: 401, cookies cleared,
		// the session revoked.
		thief := a.browser(false)
		r = thief.post("/auth/session/refresh", nil, "rid", "session", "Cookie", "sRefreshToken="+oldRefresh)
		if r.code != 401 || r.body["message"] != "token theft detected" {
			t.Fatalf("reused refresh token: %d %s", r.code, r.raw)
		}
		for _, name := range []string{"sAccessToken", "sRefreshToken"} {
			c := r.setCookies(name)
			if len(c) != 1 || !strings.Contains(c[0], "Expires=Thu, 01 Jan 1970 00:00:00 GMT") {
				t.Fatalf("theft did not clear %s: %q", name, c)
			}
		}
		if r.header.Get("front-token") != "remove" {
			t.Fatalf("theft: front-token %q", r.header.Get("front-token"))
		}
		handles, err := a.sess.SessionHandlesForUser(t.Context(), userID, "")
		if err != nil || len(handles) != 0 {
			t.Fatalf("after theft the session must be revoked: %v %v", handles, err)
		}
		r = b.post("/auth/session/refresh", nil, "rid", "session")
		if r.code != 401 {
			t.Fatalf("refresh of a revoked session: %d %s", r.code, r.raw)
		}

		// Sign in again, then sign out.
		b = a.browser(false)
		r = b.post("/auth/signin", fields("email", "ann@example.com", "password", "secret123"))
		r.want(t, 200, "OK")
		b.get("/api/me").want(t, 200, "")
		r = b.post("/auth/signout", map[string]any{}, "rid", "session")
		r.want(t, 200, "OK")
		if c := r.setCookies("sAccessToken"); len(c) != 1 || !strings.Contains(c[0], "1970") {
			t.Fatalf("sign-out did not clear the cookie: %q", c)
		}
		r = b.get("/api/me")
		if r.code != 401 || r.body["message"] != "unauthorised" {
			t.Fatalf("after sign-out: %d %s", r.code, r.raw)
		}
	})
}

// TestHeaderSessionFlow is the same walk with header tokens.
func TestHeaderSessionFlow(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a := newApp(t, m, options{})
		b := a.browser(true)
		r := b.post("/auth/signup", fields("email", "bob@example.com", "password", "secret123"))
		r.want(t, 200, "OK")
		if b.access == "" || b.refr == "" || len(r.header.Values("Set-Cookie")) != 0 {
			t.Fatalf("header mode: tokens %q %q, cookies %q", b.access, b.refr, r.header.Values("Set-Cookie"))
		}
		b.get("/api/me").want(t, 200, "")
		oldRefresh := b.refr
		a.clock.Advance(2 * time.Hour)
		if r := b.get("/api/me"); r.code != 401 || r.body["message"] != "try refresh token" {
			t.Fatalf("expired: %d %s", r.code, r.raw)
		}
		b.post("/auth/session/refresh", nil).want(t, 200, "")
		if b.refr == oldRefresh {
			t.Fatal("refresh did not send a new refresh token")
		}
		b.get("/api/me").want(t, 200, "")

		thief := a.browser(true)
		thief.refr = oldRefresh
		r = thief.post("/auth/session/refresh", nil)
		if r.code != 401 || r.body["message"] != "token theft detected" {
			t.Fatalf("theft: %d %s", r.code, r.raw)
		}
		if v, ok := r.header["St-Access-Token"]; !ok || v[0] != "" {
			t.Fatalf("theft must clear the header tokens: %v", r.header)
		}
		if r := b.get("/api/me"); r.code != 200 {
			// The access token is still valid locally until it expires:
			// only a database check sees the revocation.
			t.Fatalf("me: %d %s", r.code, r.raw)
		}

		b = a.browser(true)
		b.post("/auth/signin", fields("email", "bob@example.com", "password", "secret123")).want(t, 200, "OK")
		b.post("/auth/signout", map[string]any{}).want(t, 200, "OK")
		if b.access != "" {
			t.Fatal("sign-out must clear the header access token")
		}
	})
}

// TestPasswordReset resets a password through the captured email.
func TestPasswordReset(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a := newApp(t, m, options{})
		b := a.browser(false)
		b.post("/auth/signup", fields("email", "cat@example.com", "password", "oldpass123")).want(t, 200, "OK")

		// Unknown emails answer OK too, and send nothing.
		b.post("/auth/user/password/reset/token", fields("email", "nobody@example.com")).want(t, 200, "OK")
		b.post("/auth/user/password/reset/token", fields("email", "cat@example.com")).want(t, 200, "OK")
		if n := len(a.mail.Emails()); n != 1 {
			t.Fatalf("%d emails sent, want 1", n)
		}
		e, _ := a.mail.Last("cat@example.com")
		const prefix = "http://localhost:3000/auth/reset-password?token="
		if !strings.HasPrefix(e.Link, prefix) || !strings.HasSuffix(e.Link, "&tenantId=public") {
			t.Fatalf("reset link %q", e.Link)
		}
		token := strings.TrimSuffix(strings.TrimPrefix(e.Link, prefix), "&tenantId=public")

		r := b.post("/auth/user/password/reset", map[string]any{"formFields": []map[string]any{{"id": "password", "value": "short"}}, "token": token})
		r.want(t, 200, "FIELD_ERROR")
		r = b.post("/auth/user/password/reset", map[string]any{"formFields": []map[string]any{{"id": "password", "value": "newpass456"}}, "token": token})
		r.want(t, 200, "OK")
		r = b.post("/auth/user/password/reset", map[string]any{"formFields": []map[string]any{{"id": "password", "value": "newpass789"}}, "token": token})
		r.want(t, 200, "RESET_PASSWORD_INVALID_TOKEN_ERROR")

		b.post("/auth/signin", fields("email", "cat@example.com", "password", "oldpass123")).want(t, 200, "WRONG_CREDENTIALS_ERROR")
		b.post("/auth/signin", fields("email", "cat@example.com", "password", "newpass456")).want(t, 200, "OK")
	})
}

// TestPasswordResetRevokesOtherSessions: a reset signs the user out
// everywhere but in the browser that reset (issue 11, finding 12), unless
// the app keeps sessions.
func TestPasswordResetRevokesOtherSessions(t *testing.T) {
	for _, tc := range []struct {
		name       string
		keep       bool
		resetInOne bool // the reset is sent by the first signed-in browser
		wantOne    int  // refresh status for the first browser
		wantTwo    int  // refresh status for the second
	}{
		{name: "from a browser without a session", wantOne: 401, wantTwo: 401},
		{name: "from a signed-in browser", resetInOne: true, wantOne: 200, wantTwo: 401},
		{name: "sessions kept", keep: true, wantOne: 200, wantTwo: 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			modes(t, func(t *testing.T, m coretest.Mode) {
				a := newApp(t, m, options{keepSessionsOnReset: tc.keep})
				one, two, other := a.browser(false), a.browser(false), a.browser(false)
				one.post("/auth/signup", fields("email", "ida@example.com", "password", "oldpass123")).want(t, 200, "OK")
				two.post("/auth/signin", fields("email", "ida@example.com", "password", "oldpass123")).want(t, 200, "OK")

				resetter := other
				if tc.resetInOne {
					resetter = one
				}
				resetter.post("/auth/user/password/reset/token", fields("email", "ida@example.com")).want(t, 200, "OK")
				e, _ := a.mail.Last("ida@example.com")
				token := strings.TrimSuffix(strings.TrimPrefix(e.Link, "http://localhost:3000/auth/reset-password?token="), "&tenantId=public")
				resetter.post("/auth/user/password/reset", map[string]any{"formFields": []map[string]any{{"id": "password", "value": "newpass456"}}, "token": token},
					"rid", "emailpassword").want(t, 200, "OK")

				if r := one.post("/auth/session/refresh", nil, "rid", "session"); r.code != tc.wantOne {
					t.Errorf("first browser's refresh: %d %s, want %d", r.code, r.raw, tc.wantOne)
				}
				if r := two.post("/auth/session/refresh", nil, "rid", "session"); r.code != tc.wantTwo {
					t.Errorf("second browser's refresh: %d %s, want %d", r.code, r.raw, tc.wantTwo)
				}
			})
		})
	}
}

// TestEmailVerificationRequired blocks an unverified user with 403 until
// the link in the captured email is followed.
func TestEmailVerificationRequired(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a := newApp(t, m, options{evMode: "REQUIRED"})
		b := a.browser(false)
		b.post("/auth/signup", fields("email", "dan@example.com", "password", "secret123")).want(t, 200, "OK")
		if ev, _ := b.frontPayload()["st-ev"].(map[string]any); ev["v"] != false {
			t.Fatalf("st-ev in the new session: %v", b.frontPayload())
		}

		r := b.get("/api/me")
		if r.code != 403 || r.body["message"] != "invalid claim" {
			t.Fatalf("unverified user: %d %s", r.code, r.raw)
		}
		errs, _ := r.body["claimValidationErrors"].([]any)
		if len(errs) != 1 || errs[0].(map[string]any)["id"] != "st-ev" {
			t.Fatalf("claim errors: %s", r.raw)
		}

		r = b.get("/auth/user/email/verify")
		r.want(t, 200, "OK")
		if r.body["isVerified"] != false {
			t.Fatalf("isVerified: %s", r.raw)
		}
		b.post("/auth/user/email/verify/token", map[string]any{}).want(t, 200, "OK")
		e, ok := a.mail.Last("dan@example.com")
		const prefix = "http://localhost:3000/auth/verify-email?token="
		if !ok || e.Kind != "EMAIL_VERIFICATION" || !strings.HasPrefix(e.Link, prefix) || !strings.HasSuffix(e.Link, "&tenantId=public") {
			t.Fatalf("verification email %+v", e)
		}
		token := strings.TrimSuffix(strings.TrimPrefix(e.Link, prefix), "&tenantId=public")
		b.post("/auth/user/email/verify", map[string]any{"method": "token", "token": "nope"}).want(t, 200, "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR")
		b.post("/auth/user/email/verify", map[string]any{"method": "token", "token": token}).want(t, 200, "OK")
		if ev, _ := b.frontPayload()["st-ev"].(map[string]any); ev["v"] != true {
			t.Fatalf("st-ev after verifying: %v", b.frontPayload())
		}
		b.get("/api/me").want(t, 200, "")
		b.post("/auth/user/email/verify/token", map[string]any{}).want(t, 200, "EMAIL_ALREADY_VERIFIED_ERROR")
	})
}

// TestSignInThrottledFDI: after five wrong passwords the core locks the
// account, and the SDK answers the FDI's GENERAL_ERROR with a message the
// frontend shows (issue 11, finding 6); after the lock the right password
// works.
func TestSignInThrottledFDI(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a := newApp(t, m, options{})
		b := a.browser(false)
		b.post("/auth/signup", fields("email", "lou@example.com", "password", "right-pass-1")).want(t, 200, "OK")
		for range 5 {
			b.post("/auth/signin", fields("email", "lou@example.com", "password", "wrong-pass-1")).want(t, 200, "WRONG_CREDENTIALS_ERROR")
		}
		r := b.post("/auth/signin", fields("email", "lou@example.com", "password", "right-pass-1"))
		r.want(t, 200, "GENERAL_ERROR")
		if r.body["message"] != "Too many failed sign-in attempts. Please try again in 1 minute." {
			t.Errorf("message: %s", r.raw)
		}
		if len(r.setCookies("sAccessToken")) != 0 {
			t.Error("a locked sign-in set a session")
		}
		a.clock.Advance(time.Minute)
		b.post("/auth/signin", fields("email", "lou@example.com", "password", "right-pass-1")).want(t, 200, "OK")
	})
}

// TestPasswordResetEmailsLimited: five reset requests per address, then
// GENERAL_ERROR, for an unknown address as for a known one, so that the
// refusal says nothing about which accounts exist (issue 11, finding 6).
func TestPasswordResetEmailsLimited(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a := newApp(t, m, options{})
		b := a.browser(false)
		b.post("/auth/signup", fields("email", "max@example.com", "password", "right-pass-1")).want(t, 200, "OK")
		for _, email := range []string{"max@example.com", "nobody@example.com"} {
			for range 5 {
				b.post("/auth/user/password/reset/token", fields("email", email)).want(t, 200, "OK")
			}
			r := b.post("/auth/user/password/reset/token", fields("email", email))
			if r.body["status"] != "GENERAL_ERROR" || r.body["message"] != "Too many messages sent to this address. Please try again in 1 minute." {
				t.Errorf("%s, sixth request: %s", email, r.raw)
			}
		}
		if n := len(a.mail.Emails()); n != 5 {
			t.Errorf("%d emails sent, want 5", n)
		}
	})
}

// TestVerificationEmailsLimited: five verification emails per address,
// then GENERAL_ERROR and no email (issue 11, finding 6).
func TestVerificationEmailsLimited(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a := newApp(t, m, options{evMode: "OPTIONAL"})
		b := a.browser(false)
		b.post("/auth/signup", fields("email", "ned@example.com", "password", "right-pass-1")).want(t, 200, "OK")
		for range 5 {
			b.post("/auth/user/email/verify/token", map[string]any{}).want(t, 200, "OK")
		}
		r := b.post("/auth/user/email/verify/token", map[string]any{})
		if r.body["status"] != "GENERAL_ERROR" || r.body["message"] != "Too many messages sent to this address. Please try again in 1 minute." {
			t.Errorf("sixth request: %s", r.raw)
		}
		if n := len(a.mail.Emails()); n != 5 {
			t.Errorf("%d emails sent, want 5", n)
		}
	})
}
