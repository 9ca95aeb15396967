package thirdparty

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"log/slog"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

func newErr(t *testing.T, cfg Config) error {
	t.Helper()
	_, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "T", APIDomain: "http://localhost:3001", WebsiteDomain: website},
		Core:    latchkey.CoreConfig{Handler: &fakeCore{}},
		Recipes: []latchkey.Recipe{session.New(session.Config{}), New(cfg)},
		Logger:  slog.New(slog.DiscardHandler),
	})
	return err
}

func TestConfigErrors(t *testing.T) {
	one := []ClientConfig{{ClientID: "c"}}
	for _, tc := range []struct {
		name string
		cfg  Config
		want []string
	}{
		{"no providers", Config{}, []string{"Config.Providers is empty"}},
		{"no id", Config{Providers: []ProviderInput{{Config: ProviderConfig{Clients: one}}}}, []string{"ThirdPartyID is required"}},
		{"twice", Config{Providers: []ProviderInput{{Config: ProviderConfig{ThirdPartyID: "google", Clients: one}}, {Config: ProviderConfig{ThirdPartyID: "google", Clients: one}}}},
			[]string{`the provider "google" is configured twice`}},
		{"no clients", Config{Providers: []ProviderInput{{Config: ProviderConfig{ThirdPartyID: "google"}}}}, []string{`provider "google": Clients is empty`}},
		{"no client id", Config{Providers: []ProviderInput{{Config: ProviderConfig{ThirdPartyID: "github", Clients: []ClientConfig{{}}}}}}, []string{"Clients[0].ClientID is required"}},
		{"client types", Config{Providers: []ProviderInput{{Config: ProviderConfig{ThirdPartyID: "github", Clients: []ClientConfig{{ClientID: "a"}, {ClientID: "b", ClientType: "web"}}}}}},
			[]string{"Clients[0].ClientType is required when there are several clients"}},
		{"custom without endpoints", Config{Providers: []ProviderInput{{Config: ProviderConfig{ThirdPartyID: "acme", Clients: one}}}},
			[]string{"set AuthorizationEndpoint and TokenEndpoint, or OIDCDiscoveryEndpoint", "nothing says who the user is"}},
		{"custom bad url", Config{Providers: []ProviderInput{{Config: ProviderConfig{ThirdPartyID: "acme", Clients: one, OIDCDiscoveryEndpoint: "not a url"}}}},
			[]string{`OIDCDiscoveryEndpoint "not a url" is not an http(s) URL`}},
		{"okta without domain", Config{Providers: []ProviderInput{{Config: ProviderConfig{ThirdPartyID: "okta", Clients: one}}}}, []string{`AdditionalConfig["oktaDomain"]`}},
		{"entra without directory", Config{Providers: []ProviderInput{{Config: ProviderConfig{ThirdPartyID: "active-directory", Clients: one}}}}, []string{`AdditionalConfig["directoryId"]`}},
		{"apple without key", Config{Providers: []ProviderInput{{Config: ProviderConfig{ThirdPartyID: "apple", Clients: one}}}}, []string{`"keyId", "teamId" and "privateKey"`}},
		{"apple bad key", Config{Providers: []ProviderInput{{Config: ProviderConfig{ThirdPartyID: "apple", Clients: []ClientConfig{{ClientID: "c",
			AdditionalConfig: map[string]any{"keyId": "k", "teamId": "t", "privateKey": "nope"}}}}}}}, []string{"is not a PEM key"}},
		{"override nil", Config{Providers: []ProviderInput{{Config: ProviderConfig{ThirdPartyID: "github", Clients: one}, Override: func(Provider) Provider { return nil }}}}, []string{"Override returned nil"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := newErr(t, tc.cfg)
			for _, w := range tc.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error %v does not say %q", err, w)
				}
			}
		})
	}
	_, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "T", APIDomain: "http://localhost:3001", WebsiteDomain: website},
		Core:    latchkey.CoreConfig{Handler: &fakeCore{}},
		Recipes: []latchkey.Recipe{New(Config{Providers: []ProviderInput{{Config: ProviderConfig{ThirdPartyID: "github", Clients: one}}}})},
	})
	if err == nil || !strings.Contains(err.Error(), "add session.New") {
		t.Errorf("without the session recipe: %v", err)
	}
}

// TestBuiltInDefaults: each built-in provider fills in what node's does.
func TestBuiltInDefaults(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	pemKey := strings.ReplaceAll(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), "\n", `\n`)
	cases := []struct {
		id     string
		extra  map[string]any
		name   string
		disc   string
		auth   string
		scope  string
		params map[string]string
	}{
		{id: "google", name: "Google", disc: "https://accounts.google.com/.well-known/openid-configuration", scope: "openid email",
			params: map[string]string{"access_type": "offline", "included_grant_scopes": "true"}},
		{id: "google-workspaces", extra: map[string]any{"hd": "example.com"}, name: "Google Workspaces", disc: "https://accounts.google.com/.well-known/openid-configuration",
			scope: "openid email", params: map[string]string{"hd": "example.com"}},
		{id: "github", name: "Github", auth: "https://github.com/login/oauth/authorize", scope: "read:user user:email"},
		{id: "gitlab", name: "Gitlab", disc: "https://gitlab.com/.well-known/openid-configuration", scope: "openid email"},
		{id: "gitlab-self", extra: map[string]any{"gitlabBaseUrl": "https://git.example.com/"}, disc: "https://git.example.com/.well-known/openid-configuration"},
		{id: "bitbucket", name: "Bitbucket", auth: "https://bitbucket.org/site/oauth2/authorize", scope: "account email", params: map[string]string{"audience": "api.atlassian.com"}},
		{id: "apple", extra: map[string]any{"keyId": "K1", "teamId": "T1", "privateKey": pemKey}, name: "Apple",
			disc: "https://appleid.apple.com/.well-known/openid-configuration", scope: "openid email", params: map[string]string{"response_mode": "form_post"}},
		{id: "active-directory", extra: map[string]any{"directoryId": "common"}, name: "Active Directory",
			disc: "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration", scope: "openid email"},
		{id: "okta", extra: map[string]any{"oktaDomain": "dev-1.okta.com"}, name: "Okta", disc: "https://dev-1.okta.com/.well-known/openid-configuration", scope: "openid email"},
		{id: "discord", name: "Discord", auth: "https://discord.com/oauth2/authorize", scope: "identify email"},
		{id: "facebook", name: "Facebook", auth: "https://www.facebook.com/v12.0/dialog/oauth", scope: "email"},
		{id: "linkedin", name: "LinkedIn", auth: "https://www.linkedin.com/oauth/v2/authorization", scope: "openid profile email"},
		{id: "twitter", name: "Twitter", auth: "https://twitter.com/i/oauth2/authorize", scope: "users.read tweet.read"},
	}
	var inputs []ProviderInput
	for _, c := range cases {
		inputs = append(inputs, ProviderInput{Config: ProviderConfig{ThirdPartyID: c.id, Clients: []ClientConfig{{ClientID: "cid", AdditionalConfig: c.extra}}}})
	}
	_, rc, _ := newSDK(t, nil, inputs...)
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			p := mustProvider(t, rc, c.id, "")
			cfg := p.Config()
			if c.name != "" && cfg.Name != c.name {
				t.Errorf("name %q, want %q", cfg.Name, c.name)
			}
			if cfg.OIDCDiscoveryEndpoint != c.disc || (c.auth != "" && cfg.AuthorizationEndpoint != c.auth) {
				t.Errorf("endpoints %q %q", cfg.OIDCDiscoveryEndpoint, cfg.AuthorizationEndpoint)
			}
			if c.scope != "" && strings.Join(cfg.Scope, " ") != c.scope {
				t.Errorf("scope %q, want %q", cfg.Scope, c.scope)
			}
			for k, v := range c.params {
				if cfg.AuthorizationEndpointQueryParams[k] != v {
					t.Errorf("param %s=%q, want %q", k, cfg.AuthorizationEndpointQueryParams[k], v)
				}
			}
		})
	}
	tw := mustProvider(t, rc, "twitter", "").Config()
	if requireEmail(tw) || !tw.ForcePKCE || tw.UserInfoMap.FromUserInfoAPI.UserID != "data.id" {
		t.Errorf("twitter: requireEmail %v forcePKCE %v map %+v", requireEmail(tw), tw.ForcePKCE, tw.UserInfoMap)
	}
	if d := mustProvider(t, rc, "discord", "").Config().UserInfoMap.FromUserInfoAPI; d.UserID != "id" || d.EmailVerified != "verified" {
		t.Errorf("discord map %+v", d)
	}

	// Apple's client secret is an ES256 JWT that the key verifies.
	secret, err := mustProvider(t, rc, "apple", "").(*provider).hooks.clientSecret(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.ParseSigned(secret, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatal(err)
	}
	var cl jwt.Claims
	if err := tok.Claims(&key.PublicKey, &cl); err != nil {
		t.Fatal(err)
	}
	if cl.Issuer != "T1" || cl.Subject != "cid" || !cl.Audience.Contains("https://appleid.apple.com") || tok.Headers[0].KeyID != "K1" {
		t.Fatalf("apple secret claims %+v kid %q", cl, tok.Headers[0].KeyID)
	}
	if err := cl.Validate(jwt.Expected{Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

func TestUserInfoMap(t *testing.T) {
	p := &provider{cfg: ProviderClientConfig{}}
	p.cfg.ThirdPartyID = "x"
	p.cfg.UserInfoMap.FromUserInfoAPI = UserFields{UserID: "data.id", Email: "data.mail", EmailVerified: "data.ok"}
	applyCommonDefaults(&p.cfg)
	raw, _ := decodeObject([]byte(`{"data":{"id":12345678901234567890,"mail":"a@b.co","ok":"TRUE"}}`))
	info, err := p.mapUserInfo(RawUserInfo{FromUserInfoAPI: raw, FromIDTokenPayload: map[string]any{}})
	if err != nil || info.ThirdPartyUserID != "12345678901234567890" || info.Email.ID != "a@b.co" || !info.Email.IsVerified {
		t.Fatalf("%+v %v", info, err)
	}
	// The id token wins.
	info, _ = p.mapUserInfo(RawUserInfo{FromUserInfoAPI: raw, FromIDTokenPayload: map[string]any{"sub": "s1", "email": "c@d.co", "email_verified": false}})
	if info.ThirdPartyUserID != "s1" || info.Email.ID != "c@d.co" || info.Email.IsVerified {
		t.Fatalf("%+v %+v", info, info.Email)
	}
}
