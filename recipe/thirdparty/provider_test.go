package thirdparty

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/internal/localoidc"
)

// provider returns the recipe's provider for id and client type.
func mustProvider(t *testing.T, rc *Recipe, id, clientType string) Provider {
	t.Helper()
	p, err := rc.svc.Provider(context.Background(), "public", id, clientType)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// flow runs a sign-in at the local provider up to the tokens.
func flow(t *testing.T, p Provider, email, sub string) (*AuthorisationURL, url.Values) {
	t.Helper()
	u, err := p.AuthorisationURL(context.Background(), redirectURI)
	if err != nil {
		t.Fatal(err)
	}
	return u, login(t, u.URLWithQueryParams, email, sub)
}

func TestSignInAtTheLocalProvider(t *testing.T) {
	d := newIdP(t)
	spa := ClientConfig{ClientType: "spa", ClientID: "spa", Scope: []string{"openid", "email"}}
	web := ClientConfig{ClientType: "web", ClientID: "web", ClientSecret: "web-secret", Scope: []string{"openid", "email"}}
	_, rc, _ := newSDK(t, nil, ProviderInput{Config: d.config("local", web, spa)})
	for _, ct := range []string{"web", "spa"} {
		t.Run(ct, func(t *testing.T) {
			p := mustProvider(t, rc, "local", ct)
			u, q := flow(t, p, "Ada@Example.com", "")
			au, _ := url.Parse(u.URLWithQueryParams)
			aq := au.Query()
			if aq.Get("code_challenge_method") != "S256" || aq.Get("nonce") != NonceOf(u.PKCECodeVerifier) || aq.Get("state") != "" {
				t.Fatalf("authorisation URL %s", u.URLWithQueryParams)
			}
			if q.Get("state") != "st4te" {
				t.Fatalf("the provider did not return the frontend's state: %v", q)
			}
			info := RedirectURIInfo{RedirectURIOnProviderDashboard: redirectURI, RedirectURIQueryParams: map[string]string{"code": q.Get("code"), "state": q.Get("state")}, PKCECodeVerifier: u.PKCECodeVerifier}
			tok, err := p.ExchangeCode(context.Background(), info)
			if err != nil {
				t.Fatal(err)
			}
			ui, err := p.UserInfo(context.Background(), tok, NonceOf(u.PKCECodeVerifier))
			if err != nil {
				t.Fatal(err)
			}
			if ui.ThirdPartyUserID != localoidc.SubjectOf("ada@example.com") || ui.Email == nil || ui.Email.ID != "Ada@Example.com" || !ui.Email.IsVerified {
				t.Fatalf("user info %+v %+v", ui, ui.Email)
			}
			if ui.Raw.FromIDTokenPayload["iss"] != d.issuer() || ui.Raw.FromUserInfoAPI["email"] != "Ada@Example.com" {
				t.Fatalf("raw %+v", ui.Raw)
			}
			// A replayed code is refused by the provider.
			if _, err := p.ExchangeCode(context.Background(), info); !isProviderError(err, "token") {
				t.Fatalf("replayed code: %v", err)
			}
		})
	}
}

func isProviderError(err error, op string) bool {
	var pe *ProviderError
	return errors.As(err, &pe) && pe.Op == op
}

// TestProviderFailures: each way the provider flow can go wrong is a
// *ProviderError, which the API answers as GENERAL_ERROR.
func TestProviderFailures(t *testing.T) {
	d := newIdP(t)
	clk := &clock{}
	_, rc, _ := newSDK(t, clk.Now, ProviderInput{Config: d.config("local")})
	p := mustProvider(t, rc, "local", "")
	ctx := context.Background()
	good := func(t *testing.T) (*AuthorisationURL, RedirectURIInfo) {
		u, q := flow(t, p, "a@b.co", "")
		return u, RedirectURIInfo{RedirectURIOnProviderDashboard: redirectURI, RedirectURIQueryParams: map[string]string{"code": q.Get("code"), "state": "s"}, PKCECodeVerifier: u.PKCECodeVerifier}
	}
	t.Run("expired code", func(t *testing.T) {
		_, info := good(t)
		d.clock.Advance(2 * time.Minute)
		defer d.clock.Advance(-2 * time.Minute)
		if _, err := p.ExchangeCode(ctx, info); !isProviderError(err, "token") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("wrong pkce verifier", func(t *testing.T) {
		_, info := good(t)
		// Change the first character to another, always: a fixed "x"
		// left 1 verifier in 64 (those starting with x) right.
		first := "x"
		if info.PKCECodeVerifier[0] == 'x' {
			first = "y"
		}
		info.PKCECodeVerifier = first + info.PKCECodeVerifier[1:]
		if _, err := p.ExchangeCode(ctx, info); !isProviderError(err, "token") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("wrong redirect uri", func(t *testing.T) {
		_, info := good(t)
		info.RedirectURIOnProviderDashboard = website + "/elsewhere"
		if _, err := p.ExchangeCode(ctx, info); !isProviderError(err, "token") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("nonce of another sign-in", func(t *testing.T) {
		u, info := good(t)
		tok, err := p.ExchangeCode(ctx, info)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.UserInfo(ctx, tok, NonceOf(u.PKCECodeVerifier+"x")); !isProviderError(err, "id token") {
			t.Fatalf("got %v", err)
		}
	})

	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	claims := func(mod func(map[string]any)) map[string]any {
		c := map[string]any{"iss": d.issuer(), "aud": "web", "sub": "u1", "email": "a@b.co", "email_verified": true,
			"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
		if mod != nil {
			mod(c)
		}
		return c
	}
	if _, err := p.UserInfo(ctx, &OAuthTokens{IDToken: sign(t, d.key, claims(nil))}, ""); err != nil {
		t.Fatalf("a good id token was refused: %v", err)
	}
	for _, tc := range []struct {
		name  string
		token string
		nonce string
	}{
		{"wrong issuer", sign(t, d.key, claims(func(c map[string]any) { c["iss"] = "http://evil.example" })), ""},
		{"wrong audience", sign(t, d.key, claims(func(c map[string]any) { c["aud"] = "another-app" })), ""},
		{"wrong signature", sign(t, other, claims(nil)), ""},
		{"expired", sign(t, d.key, claims(func(c map[string]any) { c["exp"] = now.Add(-time.Minute).Unix() })), ""},
		{"missing nonce", sign(t, d.key, claims(nil)), "n0nce"},
		{"wrong nonce", sign(t, d.key, claims(func(c map[string]any) { c["nonce"] = "other" })), "n0nce"},
		{"not a jwt", "garbage", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := p.UserInfo(ctx, &OAuthTokens{IDToken: tc.token}, tc.nonce); !isProviderError(err, "id token") {
				t.Fatalf("got %v", err)
			}
		})
	}
	t.Run("expired by the SDK's clock", func(t *testing.T) {
		clk.Advance(2 * time.Hour)
		defer clk.Advance(-2 * time.Hour)
		if _, err := p.UserInfo(ctx, &OAuthTokens{IDToken: sign(t, d.key, claims(nil))}, ""); !isProviderError(err, "id token") {
			t.Fatalf("got %v", err)
		}
	})
}

// TestProviderDownOrGarbage: discovery, token and user info endpoints that
// are down, answer errors, garbage or too much.
func TestProviderDownOrGarbage(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()
	stop := make(chan struct{})
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/html":
			w.Write([]byte("<html>gateway error</html>"))
		case "/500":
			http.Error(w, "oops", 500)
		case "/huge":
			w.Write([]byte(`{"a":"`))
			w.Write([]byte(strings.Repeat("x", 2<<20)))
			w.Write([]byte(`"}`))
		case "/hang":
			select {
			case <-r.Context().Done():
			case <-stop:
			}
		case "/token":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"access_token":"at","token_type":"bearer"}`))
		case "/array":
			w.Write([]byte(`[1,2]`))
		}
	}))
	defer garbage.Close()
	defer close(stop)
	custom := func(id, token, userinfo string) ProviderInput {
		return ProviderInput{Config: ProviderConfig{ThirdPartyID: id, Clients: []ClientConfig{{ClientID: "c", ClientSecret: "s"}},
			AuthorizationEndpoint: garbage.URL + "/authorize", TokenEndpoint: token, UserInfoEndpoint: userinfo}}
	}
	disc := func(id, u string) ProviderInput {
		return ProviderInput{Config: ProviderConfig{ThirdPartyID: id, Clients: []ClientConfig{{ClientID: "c", ClientSecret: "s"}}, OIDCDiscoveryEndpoint: u}}
	}
	_, rc, _ := newSDK(t, nil,
		disc("disc-down", down+"/.well-known/openid-configuration"),
		disc("disc-html", garbage.URL+"/html"),
		disc("disc-500", garbage.URL+"/500"),
		disc("disc-huge", garbage.URL+"/huge"),
		custom("token-down", down+"/token", garbage.URL+"/userinfo"),
		custom("token-html", garbage.URL+"/html", garbage.URL+"/userinfo"),
		custom("token-500", garbage.URL+"/500", garbage.URL+"/userinfo"),
		custom("userinfo-down", garbage.URL+"/token", down+"/userinfo"),
		custom("userinfo-html", garbage.URL+"/token", garbage.URL+"/html"),
		custom("userinfo-array", garbage.URL+"/token", garbage.URL+"/array"),
		custom("userinfo-huge", garbage.URL+"/token", garbage.URL+"/huge"),
		custom("userinfo-noid", garbage.URL+"/token", garbage.URL+"/token"),
	)
	ctx := context.Background()
	info := RedirectURIInfo{RedirectURIOnProviderDashboard: redirectURI, RedirectURIQueryParams: map[string]string{"code": "c", "state": "s"}, PKCECodeVerifier: "v"}
	for _, tc := range []struct{ id, op string }{
		{"disc-down", "discovery"}, {"disc-html", "discovery"}, {"disc-500", "discovery"}, {"disc-huge", "discovery"},
		{"token-down", "token"}, {"token-html", "token"}, {"token-500", "token"},
		{"userinfo-down", "user info"}, {"userinfo-html", "user info"}, {"userinfo-array", "user info"},
		{"userinfo-huge", "user info"}, {"userinfo-noid", "user info"},
	} {
		t.Run(tc.id, func(t *testing.T) {
			p := mustProvider(t, rc, tc.id, "")
			tok, err := p.ExchangeCode(ctx, info)
			if err == nil {
				_, err = p.UserInfo(ctx, tok, "")
			}
			if !isProviderError(err, tc.op) {
				t.Fatalf("got %v, want a %s ProviderError", err, tc.op)
			}
		})
	}
	t.Run("timeout", func(t *testing.T) {
		_, rc, _ := newSDKConfig(t, nil, Config{HTTPClient: &http.Client{Timeout: 200 * time.Millisecond},
			Providers: []ProviderInput{custom("hang", garbage.URL+"/hang", garbage.URL+"/userinfo")}})
		if _, err := mustProvider(t, rc, "hang", "").ExchangeCode(ctx, info); !isProviderError(err, "token") {
			t.Fatalf("got %v", err)
		}
	})
}
