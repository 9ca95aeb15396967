package thirdparty

import (
	"slices"
	"strings"
	"testing"
)

func TestWithDefaults(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   ProviderConfig
		want func(ProviderConfig) bool
	}{
		{"github", ProviderConfig{ThirdPartyID: "github", Clients: []ClientConfig{{ClientID: "a"}}}, func(c ProviderConfig) bool {
			return c.Name == "Github" && c.TokenEndpoint == "https://github.com/login/oauth/access_token" && slices.Equal(c.Clients[0].Scope, []string{"read:user", "user:email"})
		}},
		{"okta from the client's domain", ProviderConfig{ThirdPartyID: "okta-acme", Clients: []ClientConfig{{ClientID: "a", AdditionalConfig: map[string]any{"oktaDomain": "dev-1.okta.com"}}}}, func(c ProviderConfig) bool {
			return c.OIDCDiscoveryEndpoint == "https://dev-1.okta.com/.well-known/openid-configuration" && c.Name == "Okta"
		}},
		{"apple without a key keeps its defaults", ProviderConfig{ThirdPartyID: "apple"}, func(c ProviderConfig) bool {
			return c.Name == "Apple" && c.AuthorizationEndpointQueryParams["response_mode"] == "form_post" && len(c.Clients) == 0
		}},
		{"a custom provider keeps its name and scopes", ProviderConfig{ThirdPartyID: "acme", Name: "Acme", Clients: []ClientConfig{{ClientID: "a", Scope: []string{"x"}}}}, func(c ProviderConfig) bool {
			return c.Name == "Acme" && slices.Equal(c.Clients[0].Scope, []string{"x"}) && c.UserInfoMap.FromUserInfoAPI.UserID == "sub"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := copyConfig(tc.in)
			got := WithDefaults(tc.in)
			if !tc.want(got) {
				t.Errorf("WithDefaults = %+v", got)
			}
			if tc.in.Name != before.Name || len(tc.in.Clients) > 0 && !slices.Equal(tc.in.Clients[0].Scope, before.Clients[0].Scope) {
				t.Errorf("the input changed: %+v", tc.in)
			}
		})
	}
}

func TestCheckConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   ProviderConfig
		want string // "" for no error
	}{
		{"github", ProviderConfig{ThirdPartyID: "github", Clients: []ClientConfig{{ClientID: "a"}}}, ""},
		{"no clients", ProviderConfig{ThirdPartyID: "github"}, "Clients is empty"},
		{"okta without a domain", ProviderConfig{ThirdPartyID: "okta", Clients: []ClientConfig{{ClientID: "a"}}}, "oktaDomain"},
		{"custom without endpoints", ProviderConfig{ThirdPartyID: "acme", Clients: []ClientConfig{{ClientID: "a"}}}, "OIDCDiscoveryEndpoint"},
		{"apple with a bad key", ProviderConfig{ThirdPartyID: "apple", Clients: []ClientConfig{{ClientID: "a", AdditionalConfig: map[string]any{"keyId": "k", "teamId": "t", "privateKey": "nope"}}}}, "privateKey"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckConfig(tc.in)
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("CheckConfig = %v, want %q", err, tc.want)
			}
		})
	}
}
