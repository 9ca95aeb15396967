package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/latchkey-dev/latchkey/internal/localoidc"
	"github.com/latchkey-dev/latchkey/recipe/thirdparty"
)

// demoProvider is a provider the demo offers when its client id is in the
// environment: LATCHKEY_DEMO_<ENV>_CLIENT_ID and _CLIENT_SECRET, plus the
// provider's extra settings.
type demoProvider struct {
	env   string // the variables' infix, such as "GOOGLE"
	id    string // the thirdPartyId
	extra []demoSetting
}

// demoSetting is one of a provider's additionalConfig entries, read from
// LATCHKEY_DEMO_<ENV>_<suffix>.
type demoSetting struct {
	suffix, key, def string
}

// demoProviders are the built-in providers the demo can offer. README.md
// documents their variables.
var demoProviders = []demoProvider{
	{env: "GOOGLE", id: "google"},
	{env: "GOOGLE_WORKSPACES", id: "google-workspaces", extra: []demoSetting{{"HD", "hd", "*"}}},
	{env: "GITHUB", id: "github"},
	{env: "GITLAB", id: "gitlab", extra: []demoSetting{{"BASE_URL", "gitlabBaseUrl", ""}}},
	{env: "BITBUCKET", id: "bitbucket"},
	{env: "APPLE", id: "apple", extra: []demoSetting{{"KEY_ID", "keyId", ""}, {"TEAM_ID", "teamId", ""}, {"PRIVATE_KEY", "privateKey", ""}}},
	{env: "ENTRA", id: "active-directory", extra: []demoSetting{{"DIRECTORY_ID", "directoryId", "common"}}},
	{env: "OKTA", id: "okta", extra: []demoSetting{{"DOMAIN", "oktaDomain", ""}}},
	{env: "DISCORD", id: "discord"},
	{env: "FACEBOOK", id: "facebook"},
	{env: "LINKEDIN", id: "linkedin"},
	{env: "TWITTER", id: "twitter"},
}

// envProviders returns the providers configured in the environment, and
// any custom OpenID provider (LATCHKEY_DEMO_OIDC_ISSUER, _CLIENT_ID,
// _CLIENT_SECRET, _NAME). A provider is configured by its client id;
// whatever else it needs is checked by latchkey.New.
func envProviders(getenv func(string) string) []thirdparty.ProviderInput {
	var out []thirdparty.ProviderInput
	for _, p := range demoProviders {
		pre := "LATCHKEY_DEMO_" + p.env + "_"
		id := strings.TrimSpace(getenv(pre + "CLIENT_ID"))
		if id == "" {
			continue
		}
		c := thirdparty.ClientConfig{ClientID: id, ClientSecret: strings.TrimSpace(getenv(pre + "CLIENT_SECRET"))}
		for _, s := range p.extra {
			v := strings.TrimSpace(getenv(pre + s.suffix))
			if v == "" {
				v = s.def
			}
			if v != "" {
				if c.AdditionalConfig == nil {
					c.AdditionalConfig = map[string]any{}
				}
				c.AdditionalConfig[s.key] = v
			}
		}
		out = append(out, thirdparty.ProviderInput{Config: thirdparty.ProviderConfig{ThirdPartyID: p.id, Clients: []thirdparty.ClientConfig{c}}})
	}
	if issuer := strings.TrimSpace(getenv("LATCHKEY_DEMO_OIDC_ISSUER")); issuer != "" {
		name := strings.TrimSpace(getenv("LATCHKEY_DEMO_OIDC_NAME"))
		if name == "" {
			name = "OpenID Connect"
		}
		out = append(out, thirdparty.ProviderInput{Config: thirdparty.ProviderConfig{
			ThirdPartyID:          "oidc",
			Name:                  name,
			OIDCDiscoveryEndpoint: strings.TrimRight(issuer, "/") + "/.well-known/openid-configuration",
			Clients: []thirdparty.ClientConfig{{ClientID: strings.TrimSpace(getenv("LATCHKEY_DEMO_OIDC_CLIENT_ID")),
				ClientSecret: strings.TrimSpace(getenv("LATCHKEY_DEMO_OIDC_CLIENT_SECRET")), Scope: []string{"openid", "email"}}},
		}})
	}
	return out
}

// localProviderID is the thirdPartyId of the demo's own OpenID provider.
const localProviderID = "local"

// localProvider makes the demo's OpenID provider, served on lns at
// issuer, with one client for the website's callback, and the provider
// config the backend uses for it.
func localProvider(issuer, webURL string) (http.Handler, thirdparty.ProviderInput, error) {
	secret := make([]byte, 16)
	_, _ = rand.Read(secret)
	client := localoidc.Client{ID: "latchkey-demo", Secret: hex.EncodeToString(secret),
		RedirectURIs: []string{webURL + "/auth/callback/" + localProviderID}}
	p, err := localoidc.New(localoidc.Config{Issuer: issuer, Name: "Local OpenID provider (demo)", Clients: []localoidc.Client{client}})
	if err != nil {
		return nil, thirdparty.ProviderInput{}, err
	}
	return p, thirdparty.ProviderInput{Config: thirdparty.ProviderConfig{
		ThirdPartyID:          localProviderID,
		Name:                  "Local OpenID provider",
		OIDCDiscoveryEndpoint: issuer + "/.well-known/openid-configuration",
		Clients:               []thirdparty.ClientConfig{{ClientID: client.ID, ClientSecret: client.Secret, Scope: []string{"openid", "email"}}},
	}}, nil
}

// providerLines lists the providers and the redirect URIs to register
// with them, for the banner.
func providerLines(ps []thirdparty.ProviderInput, webURL, apiURL string) string {
	var b strings.Builder
	for _, p := range ps {
		id := p.Config.ThirdPartyID
		redirect := webURL + "/auth/callback/" + id
		if strings.HasPrefix(id, "apple") {
			// Apple posts to the backend, which sends the browser on.
			redirect = apiURL + "/auth/callback/apple"
		}
		if id == localProviderID {
			fmt.Fprintf(&b, "  %-18s built in, on this machine\n", id)
			continue
		}
		fmt.Fprintf(&b, "  %-18s redirect URI to register: %s\n", id, redirect)
	}
	return b.String()
}

// issuerFor is the local provider's issuer on its listener.
func issuerFor(ln net.Listener) string { return "http://localhost:" + port(ln) }
