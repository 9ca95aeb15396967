package e2e

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/internal/localoidc"
	"github.com/latchkey-dev/latchkey/recipe/passwordless"
)

// TestSuspendSignedInUser suspends users who are signed in with
// email-password and passwordless: their next refresh is refused, their
// next sign-in gets GENERAL_ERROR with the configured message, and
// back-office code gets no session for them; reinstating lets them in
// again.
func TestSuspendSignedInUser(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a := newPwlApp(t, m, passwordless.Config{ContactMethod: passwordless.ContactEmailOrPhone, FlowType: passwordless.FlowUserInputCode})
		ctx := t.Context()

		// Email-password, signed in with a cookie session.
		ep := a.browser(false)
		r := ep.post("/auth/signup", fields("email", "eve@example.com", "password", "secret123"))
		r.want(t, 200, "OK")
		eve := r.body["user"].(map[string]any)["id"].(string)
		ep.get("/api/me").want(t, 200, "")

		// Passwordless, signed in in header mode.
		pl := a.browser(true)
		signInCode := func() *response {
			r := pl.post("/auth/signinup/code", map[string]any{"email": "pat@example.com"}, "rid", pwlRID)
			r.want(t, 200, "OK")
			return pl.post("/auth/signinup/code/consume", consumeBody(r, a.lastEmail("pat@example.com").UserInputCode), "rid", pwlRID)
		}
		r = signInCode()
		r.want(t, 200, "OK")
		pat := r.body["user"].(map[string]any)["id"].(string)

		for _, id := range []string{eve, pat} {
			su, revoked, err := a.lk.SuspendUser(ctx, id, latchkey.SuspendOptions{Reason: "chargeback", Actor: "ops@example.com"})
			if err != nil || su.UserID != id || su.Actor != "ops@example.com" || len(revoked) != 1 {
				t.Fatalf("SuspendUser %s: %+v %v %v", id, su, revoked, err)
			}
		}
		// The next refresh is refused: 401, as for any revoked session.
		for name, b := range map[string]*browser{"email-password": ep, "passwordless": pl} {
			if r := b.post("/auth/session/refresh", nil); r.code != http.StatusUnauthorized {
				t.Errorf("%s refresh after suspension: %d %s, want 401", name, r.code, r.raw)
			}
		}
		// Sign-in on each recipe: GENERAL_ERROR with the default message.
		r = a.browser(false).post("/auth/signin", fields("email", "eve@example.com", "password", "secret123"))
		r.want(t, 200, "GENERAL_ERROR")
		if r.body["message"] != latchkey.DefaultSuspendedMessage {
			t.Errorf("email-password sign-in: %v", r.body)
		}
		// A wrong password stays a wrong password.
		a.browser(false).post("/auth/signin", fields("email", "eve@example.com", "password", "wrong-123")).want(t, 200, "WRONG_CREDENTIALS_ERROR")
		r = signInCode()
		r.want(t, 200, "GENERAL_ERROR")
		if r.body["message"] != latchkey.DefaultSuspendedMessage {
			t.Errorf("passwordless sign-in: %v", r.body)
		}
		// Back-office code cannot make a session for a suspended user.
		req := httptest.NewRequest("GET", "/", nil)
		_, err := a.sess.CreateNewSession(httptest.NewRecorder(), req, "public", eve, nil, nil)
		var suspended *latchkey.SuspendedError
		var gen *latchkey.GeneralError
		if !errors.As(err, &suspended) || !errors.As(err, &gen) || gen.Message != latchkey.DefaultSuspendedMessage {
			t.Errorf("CreateNewSession for a suspended user: %v", err)
		}
		if handles, err := a.sess.SessionHandlesForUser(ctx, eve, ""); err != nil || len(handles) != 0 {
			t.Errorf("sessions of a suspended user: %v %v", handles, err)
		}

		// Reinstated, both sign in again.
		for _, id := range []string{eve, pat} {
			if _, err := a.lk.ReinstateUser(ctx, id); err != nil {
				t.Fatalf("ReinstateUser: %v", err)
			}
		}
		b := a.browser(false)
		b.post("/auth/signin", fields("email", "eve@example.com", "password", "secret123")).want(t, 200, "OK")
		b.get("/api/me").want(t, 200, "")
		signInCode().want(t, 200, "OK")

		// Bad input through the SDK is the core's 4xx, as a *CoreError.
		var ce *latchkey.CoreError
		_, _, err = a.lk.SuspendUser(ctx, "nobody", latchkey.SuspendOptions{Reason: "r"})
		if !errors.As(err, &ce) || ce.Code != http.StatusNotFound {
			t.Errorf("SuspendUser of an unknown user: %v", err)
		}
		_, _, err = a.lk.SuspendUser(ctx, eve, latchkey.SuspendOptions{Reason: "r", Until: a.clock.Now().Add(-time.Minute)})
		if !errors.As(err, &ce) || ce.Code != http.StatusBadRequest {
			t.Errorf("SuspendUser with an end in the past: %v", err)
		}
		_, err = a.lk.ReinstateUser(ctx, eve)
		if !errors.As(err, &ce) || ce.Code != http.StatusConflict {
			t.Errorf("ReinstateUser of a user not suspended: %v", err)
		}
	})
}

// TestSuspendThirdPartyUser: a suspended third-party user's refresh and
// next sign-in are refused, until its end time passes.
func TestSuspendThirdPartyUser(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a := newTPApp(t, m)
		ctx := t.Context()
		b := a.browser(false)
		up := b.post("/auth/signinup", a.start(b, "local", localoidc.Login{Email: "tess@example.com"}), "rid", "thirdparty")
		up.want(t, 200, "OK")
		tess := up.body["user"].(map[string]any)["id"].(string)
		b.get("/api/me").want(t, 200, "")

		until := a.clock.Now().Add(time.Minute)
		if _, _, err := a.lk.SuspendUser(ctx, tess, latchkey.SuspendOptions{Reason: "abuse", Until: until}); err != nil {
			t.Fatal(err)
		}
		if r := b.post("/auth/session/refresh", nil); r.code != http.StatusUnauthorized {
			t.Errorf("refresh after suspension: %d %s", r.code, r.raw)
		}
		b2 := a.browser(false)
		r := b2.post("/auth/signinup", a.start(b2, "local", localoidc.Login{Email: "tess@example.com"}), "rid", "thirdparty")
		r.want(t, 200, "GENERAL_ERROR")
		if r.body["message"] != latchkey.DefaultSuspendedMessage {
			t.Errorf("third-party sign-in: %v", r.body)
		}
		list, err := a.lk.Suspensions(ctx, []string{tess})
		if err != nil || list[tess].Until == nil || *list[tess].Until != until.UnixMilli() {
			t.Errorf("Suspensions: %+v %v", list, err)
		}
		page, err := a.lk.ListSuspendedUsers(ctx, "", 10, "")
		if err != nil || len(page.Users) != 1 || page.Users[0].User.ID != tess {
			t.Errorf("ListSuspendedUsers: %+v %v", page, err)
		}
		// The suspension ends by itself.
		a.clock.Advance(2 * time.Minute) // within the provider's id token lifetime
		b3 := a.browser(false)
		b3.post("/auth/signinup", a.start(b3, "local", localoidc.Login{Email: "tess@example.com"}), "rid", "thirdparty").want(t, 200, "OK")
	})
}
