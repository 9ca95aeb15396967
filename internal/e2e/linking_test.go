package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/internal/localoidc"
	"github.com/latchkey-dev/latchkey/recipe/accountlinking"
	"github.com/latchkey-dev/latchkey/recipe/emailpassword"
	"github.com/latchkey-dev/latchkey/recipe/passwordless"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// newLinkingApp is the third-party app with email-password and automatic
// account linking that requires verified emails.
func newLinkingApp(t *testing.T, m coretest.Mode) (*tpApp, *accountlinking.Recipe) {
	t.Helper()
	al := accountlinking.New(accountlinking.Config{
		ShouldDoAutomaticAccountLinking: func(context.Context, accountlinking.AccountInfo, *latchkey.User, *session.Session, string) (accountlinking.ShouldLink, error) {
			return accountlinking.ShouldLink{ShouldAutomaticallyLink: true, ShouldRequireVerification: true}, nil
		},
	})
	a := newTPApp(t, m, emailpassword.New(emailpassword.Config{}), al)
	return a, al
}

// verifyEmail asks for a verification email in b's session and follows it.
func (a *tpApp) verifyEmail(b *browser, email string) *response {
	a.t.Helper()
	b.post("/auth/user/email/verify/token", map[string]any{}).want(a.t, 200, "OK")
	e, ok := a.mail.Last(email)
	const prefix = "http://localhost:3000/auth/verify-email?token="
	if !ok || !strings.HasPrefix(e.Link, prefix) {
		a.t.Fatalf("verification email %+v", e)
	}
	token := strings.TrimSuffix(strings.TrimPrefix(e.Link, prefix), "&tenantId=public")
	r := b.post("/auth/user/email/verify", map[string]any{"method": "token", "token": token})
	r.want(a.t, 200, "OK")
	return r
}

func loginMethodIDs(u map[string]any) []string {
	var out []string
	for _, m := range u["loginMethods"].([]any) {
		out = append(out, m.(map[string]any)["recipeUserId"].(string))
	}
	return out
}

// TestLinkEmailPasswordThenProvider: a person signs up with email and
// password, verifies the email, then continues with the local OpenID
// provider with the same email, and is the same user, with both login
// methods; unlinking the provider's login method leaves two users.
func TestLinkEmailPasswordThenProvider(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a, al := newLinkingApp(t, m)
		b := a.browser(false)
		up := b.post("/auth/signup", fields("email", "ada@example.com", "password", "linking-pass-1"), "rid", "emailpassword")
		up.want(t, 200, "OK")
		ada := up.body["user"].(map[string]any)["id"].(string)
		a.verifyEmail(b, "ada@example.com")
		if u, _ := a.lk.User(t.Context(), ada); u == nil || !u.IsPrimaryUser {
			t.Fatalf("verifying the email did not make the user primary: %+v", u)
		}

		b2 := a.browser(false)
		in := b2.post("/auth/signinup", a.start(b2, "local", localoidc.Login{Email: "ada@example.com"}), "rid", "thirdparty")
		in.want(t, 200, "OK")
		user := in.body["user"].(map[string]any)
		ids := loginMethodIDs(user)
		if user["id"] != ada || user["isPrimaryUser"] != true || len(ids) != 2 || ids[0] != ada {
			t.Fatalf("continue with the provider: %s", in.raw)
		}
		me := b2.get("/api/me")
		me.want(t, 200, "")
		if me.body["userId"] != ada {
			t.Fatalf("the session's user: %s", me.raw)
		}
		if a.users() != 1 {
			t.Fatalf("users = %v, want 1 person", a.users())
		}
		// The person signs in with the password again: still one user.
		b3 := a.browser(false)
		again := b3.post("/auth/signin", fields("email", "ada@example.com", "password", "linking-pass-1"), "rid", "emailpassword")
		again.want(t, 200, "OK")
		if len(loginMethodIDs(again.body["user"].(map[string]any))) != 2 {
			t.Fatalf("sign-in after linking: %s", again.raw)
		}

		wasLinked, deleted, err := al.UnlinkAccount(t.Context(), ids[1])
		if err != nil || !wasLinked || deleted {
			t.Fatalf("UnlinkAccount: %v %v %v", wasLinked, deleted, err)
		}
		if a.users() != 2 {
			t.Fatalf("users after unlinking = %v, want 2", a.users())
		}
	})
}

// TestLinkingRefusesTakeover: with verification required, an unverified
// account with an email blocks a provider sign-up with it (the provider's
// account would otherwise become primary and absorb it), and a verified
// person blocks an unverified email-password sign-up with its email.
func TestLinkingRefusesTakeover(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a, _ := newLinkingApp(t, m)
		b := a.browser(false)
		b.post("/auth/signup", fields("email", "bob@example.com", "password", "linking-pass-1"), "rid", "emailpassword").want(t, 200, "OK")
		b2 := a.browser(false)
		r := b2.post("/auth/signinup", a.start(b2, "local", localoidc.Login{Email: "bob@example.com"}), "rid", "thirdparty")
		r.want(t, 200, "SIGN_IN_UP_NOT_ALLOWED")
		if r.body["reason"] != accountlinking.ReasonThirdPartySignUp {
			t.Fatalf("reason: %s", r.raw)
		}

		b3 := a.browser(false)
		b3.post("/auth/signinup", a.start(b3, "local", localoidc.Login{Email: "carol@example.com"}), "rid", "thirdparty").want(t, 200, "OK")
		b4 := a.browser(false)
		r = b4.post("/auth/signup", fields("email", "carol@example.com", "password", "linking-pass-1"), "rid", "emailpassword")
		r.want(t, 200, "SIGN_UP_NOT_ALLOWED")
		if r.body["reason"] != accountlinking.ReasonEmailPasswordSignUp {
			t.Fatalf("reason: %s", r.raw)
		}
		if a.users() != 2 {
			t.Fatalf("users = %v, want 2 (no user made by a refusal)", a.users())
		}
	})
}

// TestLinkToSessionUser: with shouldTryLinkingWithSessionUser, a provider
// account joins the signed-in user whatever its email, once that user is
// verified; before, the answer is SIGN_IN_UP_NOT_ALLOWED with the
// reference's reason.
func TestLinkToSessionUser(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a, _ := newLinkingApp(t, m)
		b := a.browser(false)
		up := b.post("/auth/signup", fields("email", "ada@example.com", "password", "linking-pass-1"), "rid", "emailpassword")
		up.want(t, 200, "OK")
		ada := up.body["user"].(map[string]any)["id"].(string)

		body := a.start(b, "local", localoidc.Login{Email: "ada.work@example.com"})
		body["shouldTryLinkingWithSessionUser"] = true
		r := b.post("/auth/signinup", body, "rid", "thirdparty")
		r.want(t, 200, "SIGN_IN_UP_NOT_ALLOWED")
		if r.body["reason"] != accountlinking.ReasonsThirdParty[accountlinking.FailEmailVerificationRequired] {
			t.Fatalf("reason: %s", r.raw)
		}

		a.verifyEmail(b, "ada@example.com")
		body = a.start(b, "local", localoidc.Login{Email: "ada.work@example.com"})
		body["shouldTryLinkingWithSessionUser"] = true
		r = b.post("/auth/signinup", body, "rid", "thirdparty")
		r.want(t, 200, "OK")
		user := r.body["user"].(map[string]any)
		if user["id"] != ada || len(loginMethodIDs(user)) != 2 {
			t.Fatalf("linking to the session user: %s", r.raw)
		}
		me := b.get("/api/me")
		me.want(t, 200, "")
		if me.body["userId"] != ada {
			t.Fatalf("the session after linking: %s", me.raw)
		}
	})
}

// TestLinkPasswordless: a passwordless sign-up with the email of a primary
// user joins it; with verification required, an unverified email-password
// user with the email blocks the sign-up (SIGN_IN_UP_NOT_ALLOWED).
func TestLinkPasswordless(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		for _, verify := range []bool{false, true} {
			al := accountlinking.New(accountlinking.Config{
				ShouldDoAutomaticAccountLinking: func(context.Context, accountlinking.AccountInfo, *latchkey.User, *session.Session, string) (accountlinking.ShouldLink, error) {
					return accountlinking.ShouldLink{ShouldAutomaticallyLink: true, ShouldRequireVerification: verify}, nil
				},
			})
			a := newPwlAppWith(t, m, passwordless.Config{ContactMethod: passwordless.ContactEmail, FlowType: passwordless.FlowUserInputCode},
				[]latchkey.Recipe{al})
			b := a.browser(false)
			up := b.post("/auth/signup", fields("email", "ann@example.com", "password", "linking-pass-1"), "rid", "emailpassword")
			up.want(t, 200, "OK")
			ann := up.body["user"].(map[string]any)["id"].(string)

			b2 := a.browser(false)
			r := b2.post("/auth/signinup/code", map[string]any{"email": "ann@example.com"}, "rid", pwlRID)
			r.want(t, 200, "OK")
			in := b2.post("/auth/signinup/code/consume", consumeBody(r, a.lastEmail("ann@example.com").UserInputCode), "rid", pwlRID)
			if verify {
				in.want(t, 200, "SIGN_IN_UP_NOT_ALLOWED")
				if in.body["reason"] != accountlinking.ReasonPasswordlessSignUp {
					t.Fatalf("reason: %s", in.raw)
				}
				continue
			}
			in.want(t, 200, "OK")
			user := in.body["user"].(map[string]any)
			if user["id"] != ann || len(loginMethodIDs(user)) != 2 {
				t.Fatalf("passwordless sign-up with a primary user's email: %s", in.raw)
			}
		}
	})
}
