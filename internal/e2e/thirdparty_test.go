package e2e

import (
	"crypto/rand"
	"crypto/rsa"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/emaildelivery"
	"github.com/latchkey-dev/latchkey/internal/localoidc"
	"github.com/latchkey-dev/latchkey/recipe/emailverification"
	"github.com/latchkey-dev/latchkey/recipe/session"
	"github.com/latchkey-dev/latchkey/recipe/thirdparty"
)

// tpRedirect is the website's callback; the tests stop at the redirect to
// it and read the code.
const tpRedirect = "http://localhost:3000/auth/callback/local"

// tpApp is an application with the third-party recipe, a local OpenID
// provider, and a real core.
type tpApp struct {
	*app
	tp      *thirdparty.Recipe
	idp     *httptest.Server
	idpKey  *rsa.PrivateKey
	idpTime *clock
}

// newTPApp starts the app; extra recipes (email-password, account
// linking) join the session, email-verification and third-party ones.
func newTPApp(t *testing.T, m coretest.Mode, extra ...latchkey.Recipe) *tpApp {
	t.Helper()
	clk := &clock{}
	c := coretest.Start(t, m, func(cc *core.Config) { cc.Now = clk.Now })
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	idp := httptest.NewUnstartedServer(nil)
	a := &tpApp{app: &app{t: t, clock: clk, core: c, mail: &emaildelivery.Recorder{}, srv: httptest.NewUnstartedServer(nil)},
		idp: idp, idpKey: key, idpTime: &clock{}}
	issuer := "http://" + idp.Listener.Addr().String()
	p, err := localoidc.New(localoidc.Config{Issuer: issuer, SigningKey: key, Now: a.idpTime.Now,
		Clients: []localoidc.Client{{ID: "latchkey-e2e", Secret: "e2e-secret", RedirectURIs: []string{tpRedirect}}}})
	if err != nil {
		t.Fatal(err)
	}
	idp.Config.Handler = p
	idp.Start()
	t.Cleanup(idp.Close)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()
	local := func(id string, scope ...string) thirdparty.ProviderInput {
		return thirdparty.ProviderInput{Config: thirdparty.ProviderConfig{ThirdPartyID: id, Name: "Local",
			OIDCDiscoveryEndpoint: issuer + "/.well-known/openid-configuration",
			Clients:               []thirdparty.ClientConfig{{ClientID: "latchkey-e2e", ClientSecret: "e2e-secret", Scope: scope}}}}
	}
	connect := latchkey.CoreConfig{ConnectionURI: c.URL}
	if m.InProcess {
		connect = latchkey.CoreConfig{Handler: c.Core}
	}
	a.sess = session.New(session.Config{})
	a.ev = emailverification.New(emailverification.Config{Mode: emailverification.ModeOptional, EmailDelivery: a.mail})
	downCfg := local("down", "openid", "email")
	downCfg.Config.OIDCDiscoveryEndpoint = down + "/.well-known/openid-configuration"
	a.tp = thirdparty.New(thirdparty.Config{Providers: []thirdparty.ProviderInput{
		local("local", "openid", "email"), local("noemail", "openid"), downCfg}})
	lk, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "E2E", APIDomain: "http://" + a.srv.Listener.Addr().String(), WebsiteDomain: "http://localhost:3000"},
		Core:    connect,
		Recipes: append([]latchkey.Recipe{a.sess, a.ev, a.tp}, extra...),
		Logger:  slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		Now:     clk.Now,
	})
	if err != nil {
		t.Fatalf("latchkey.New: %v", err)
	}
	a.lk = lk
	mux := http.NewServeMux()
	mux.Handle("GET /api/me", a.sess.VerifySession(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := session.FromContext(r.Context())
		latchkey.WriteJSON(w, 200, map[string]any{"userId": s.UserID(), "payload": s.AccessTokenPayload()})
	})))
	a.srv.Config.Handler = lk.Middleware(mux)
	a.srv.Start()
	t.Cleanup(a.srv.Close)
	return a
}

// start gets an authorisation URL, signs in at the provider, and returns
// the /signinup body the frontend would send.
func (a *tpApp) start(b *browser, id string, l localoidc.Login) map[string]any {
	a.t.Helper()
	r := b.get("/auth/authorisationurl?thirdPartyId=" + id + "&redirectURIOnProviderDashboard=" + url.QueryEscape(tpRedirect))
	r.want(a.t, 200, "OK")
	q, err := localoidc.SignIn(r.body["urlWithQueryParams"].(string)+"&state=frontend-state", tpRedirect, l)
	if err != nil {
		a.t.Fatal(err)
	}
	params := map[string]any{}
	for k := range q {
		params[k] = q.Get(k)
	}
	return map[string]any{"thirdPartyId": id, "redirectURIInfo": map[string]any{
		"redirectURIOnProviderDashboard": tpRedirect, "redirectURIQueryParams": params, "pkceCodeVerifier": r.body["pkceCodeVerifier"]}}
}

// users is the number of users the core has.
func (a *tpApp) users() float64 {
	a.t.Helper()
	return a.core.Get(a.t, "/public/users/count").JSON(a.t)["count"].(float64)
}

func TestThirdPartySignUpSignIn(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a := newTPApp(t, m)
		b := a.browser(false)
		up := b.post("/auth/signinup", a.start(b, "local", localoidc.Login{Email: "Ada@Example.com"}), "rid", "thirdparty")
		up.want(t, 200, "OK")
		user := up.body["user"].(map[string]any)
		lm := user["loginMethods"].([]any)[0].(map[string]any)
		tp := lm["thirdParty"].(map[string]any)
		if up.body["createdNewRecipeUser"] != true || lm["recipeId"] != "thirdparty" || lm["email"] != "ada@example.com" || lm["verified"] != true ||
			tp["id"] != "local" || tp["userId"] != localoidc.SubjectOf("ada@example.com") {
			t.Fatalf("sign-up: %s", up.raw)
		}
		if len(up.setCookies("sAccessToken")) == 0 {
			t.Fatal("sign-up set no session")
		}
		me := b.get("/api/me")
		me.want(t, 200, "")
		if me.body["userId"] != user["id"] {
			t.Fatalf("/api/me: %s", me.raw)
		}
		// The provider verified the email: st-ev says so.
		if ev, _ := me.body["payload"].(map[string]any)["st-ev"].(map[string]any); ev == nil || ev["v"] != true {
			t.Fatalf("st-ev %v", me.body["payload"])
		}

		// Sign in again, in another browser: the same user.
		b2 := a.browser(true)
		in := b2.post("/auth/signinup", a.start(b2, "local", localoidc.Login{Email: "ada@example.com"}), "rid", "thirdparty")
		in.want(t, 200, "OK")
		if in.body["createdNewRecipeUser"] != false || in.body["user"].(map[string]any)["id"] != user["id"] {
			t.Fatalf("sign-in: %s", in.raw)
		}
		// The provider now gives the account another email: it is updated.
		sub := localoidc.SubjectOf("ada@example.com")
		up3 := b2.post("/auth/signinup", a.start(b2, "local", localoidc.Login{Email: "ada@lovelace.example", Subject: sub, Unverified: true}),
			"rid", "thirdparty", "fdi-version", "1.17")
		up3.want(t, 200, "OK")
		legacy := up3.body["user"].(map[string]any)
		if up3.body["createdNewUser"] != false || legacy["id"] != user["id"] || legacy["email"] != "ada@lovelace.example" ||
			legacy["thirdParty"].(map[string]any)["userId"] != sub {
			t.Fatalf("legacy sign-in: %s", up3.raw)
		}
		got, err := a.lk.User(t.Context(), user["id"].(string))
		if err != nil || got.Emails[0] != "ada@lovelace.example" || got.LoginMethods[0].Verified {
			t.Fatalf("the core's user: %+v %v", got, err)
		}
		found, _, err := a.tp.UserByAccount(t.Context(), "", "local", sub)
		if err != nil || found == nil || found.ID != user["id"] {
			t.Fatalf("UserByAccount: %+v %v", found, err)
		}
		if n := a.users(); n != 1 {
			t.Fatalf("%v users", n)
		}
		// Another account is another user; loginmethods lists the providers.
		b.post("/auth/signinup", a.start(b, "local", localoidc.Login{Email: "grace@example.com"}), "rid", "thirdparty").want(t, 200, "OK")
		if n := a.users(); n != 2 {
			t.Fatalf("%v users", n)
		}
		lmeth := b.get("/auth/loginmethods")
		lmeth.want(t, 200, "OK")
		if ps := lmeth.body["thirdParty"].(map[string]any)["providers"].([]any); len(ps) != 3 {
			t.Fatalf("loginmethods %s", lmeth.raw)
		}
	})
}

// TestThirdPartyFailuresWriteNothing: every failure in the list
// answers its status, creates no user and sets no session.
func TestThirdPartyFailuresWriteNothing(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a := newTPApp(t, m)
		b := a.browser(false)
		info := func(body map[string]any) map[string]any { return body["redirectURIInfo"].(map[string]any) }
		params := func(body map[string]any) map[string]any { return info(body)["redirectURIQueryParams"].(map[string]any) }
		other, _ := rsa.GenerateKey(rand.Reader, 2048)
		issuer := a.idp.URL
		idToken := func(key *rsa.PrivateKey, mod func(c map[string]any)) string {
			c := map[string]any{"iss": issuer, "aud": "latchkey-e2e", "sub": "u-1", "email": "eve@example.com", "email_verified": true,
				"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}
			if mod != nil {
				mod(c)
			}
			s, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, nil)
			raw, _ := jwt.Signed(s).Claims(c).Serialize()
			return raw
		}
		ok := localoidc.Login{Email: "eve@example.com"}
		cases := []struct {
			name   string
			body   func() map[string]any
			code   int
			status string
		}{
			{"unknown provider", func() map[string]any {
				return map[string]any{"thirdPartyId": "nope", "oAuthTokens": map[string]any{"access_token": "x"}}
			}, 400, ""},
			{"unknown client type", func() map[string]any {
				return map[string]any{"thirdPartyId": "local", "clientType": "ios", "oAuthTokens": map[string]any{"access_token": "x"}}
			}, 400, ""},
			{"missing state", func() map[string]any { bd := a.start(b, "local", ok); delete(params(bd), "state"); return bd }, 400, ""},
			{"wrong verifier", func() map[string]any {
				bd := a.start(b, "local", ok)
				info(bd)["pkceCodeVerifier"] = info(a.start(b, "local", ok))["pkceCodeVerifier"]
				return bd
			}, 200, "GENERAL_ERROR"},
			{"expired code", func() map[string]any { bd := a.start(b, "local", ok); a.idpTime.Advance(2 * time.Minute); return bd }, 200, "GENERAL_ERROR"},
			{"wrong issuer", func() map[string]any {
				return map[string]any{"thirdPartyId": "local", "oAuthTokens": map[string]any{"id_token": idToken(a.idpKey, func(c map[string]any) { c["iss"] = "http://evil.example" })}}
			}, 200, "GENERAL_ERROR"},
			{"wrong audience", func() map[string]any {
				return map[string]any{"thirdPartyId": "local", "oAuthTokens": map[string]any{"id_token": idToken(a.idpKey, func(c map[string]any) { c["aud"] = "other" })}}
			}, 200, "GENERAL_ERROR"},
			{"wrong signature", func() map[string]any {
				return map[string]any{"thirdPartyId": "local", "oAuthTokens": map[string]any{"id_token": idToken(other, nil)}}
			}, 200, "GENERAL_ERROR"},
			{"provider down", func() map[string]any {
				return map[string]any{"thirdPartyId": "down", "oAuthTokens": map[string]any{"access_token": "x"}}
			}, 200, "GENERAL_ERROR"},
			{"no email", func() map[string]any { return a.start(b, "noemail", ok) }, 200, "NO_EMAIL_GIVEN_BY_PROVIDER"},
		}
		for _, tc := range cases {
			r := b.post("/auth/signinup", tc.body(), "rid", "thirdparty")
			if r.code != tc.code || (tc.status != "" && r.body["status"] != tc.status) {
				t.Errorf("%s: got %d %s, want %d %s", tc.name, r.code, r.raw, tc.code, tc.status)
			}
			if len(r.setCookies("sAccessToken")) != 0 {
				t.Errorf("%s: a session was created", tc.name)
			}
		}
		// A replayed code: the first use signs up, the second is refused.
		body := a.start(b, "local", ok)
		b.post("/auth/signinup", body, "rid", "thirdparty").want(t, 200, "OK")
		b.post("/auth/signinup", body, "rid", "thirdparty").want(t, 200, "GENERAL_ERROR")
		if n := a.users(); n != 1 {
			t.Fatalf("the failures left %v users, want the one signed up", n)
		}
		// A good id token the frontend got itself signs in (no nonce).
		r := b.post("/auth/signinup", map[string]any{"thirdPartyId": "local", "oAuthTokens": map[string]any{"id_token": idToken(a.idpKey, nil)}}, "rid", "thirdparty")
		r.want(t, 200, "OK")
	})
}
