package thirdparty

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Config configures the recipe.
type Config struct {
	// Providers are the third parties users may sign in with. Each
	// ThirdPartyID may appear once. Required.
	Providers []ProviderInput
	// HTTPClient makes the calls to the providers. Its Timeout is kept,
	// or set to 10s when it has none, and every answer is capped at 1 MiB.
	// Default: a client with a 10s timeout.
	HTTPClient *http.Client
	// Override wraps or replaces the recipe's functions.
	Override func(Service) Service
	// APIOverride wraps or replaces the recipe's HTTP APIs.
	APIOverride func(APIs) APIs
}

// ProviderInput is one provider, as supertokens-node configures it
// (reference/sdk-fdi.md §2.8).
type ProviderInput struct {
	// Config is the provider's configuration.
	Config ProviderConfig
	// IncludeInNonPublicTenantsByDefault offers the provider to every
	// tenant, not only the public one.
	IncludeInNonPublicTenantsByDefault bool
	// Override wraps or replaces the provider's functions, for one client
	// type at a time.
	Override func(Provider) Provider
}

// ProviderConfig configures a provider. The built-in providers are chosen
// by ThirdPartyID prefix (see [BuiltInProviders]) and fill in the endpoints,
// scopes and user info mapping that are left empty; any other id is a
// custom OAuth 2 or OpenID Connect provider, which needs endpoints or
// OIDCDiscoveryEndpoint.
type ProviderConfig struct {
	// ThirdPartyID names the provider on the wire, such as "google" or
	// "google-work" (a built-in provider is chosen by the prefix).
	// Required.
	ThirdPartyID string
	// Name is shown on sign-in buttons. Default: the built-in provider's
	// name, or ThirdPartyID.
	Name string
	// Clients are the provider's OAuth clients, one per client type (web,
	// ios, ...). Required.
	Clients []ClientConfig

	// AuthorizationEndpoint is where the browser is sent to sign in.
	// Default: the built-in provider's, or from discovery.
	AuthorizationEndpoint string
	// AuthorizationEndpointQueryParams are added to the authorisation URL;
	// a value of "" removes a parameter the provider sets by default.
	AuthorizationEndpointQueryParams map[string]string
	// TokenEndpoint exchanges codes for tokens. Default: the built-in
	// provider's, or from discovery.
	TokenEndpoint string
	// TokenEndpointBodyParams are added to the token request; "" removes
	// one.
	TokenEndpointBodyParams map[string]string
	// UserInfoEndpoint returns the user's profile for an access token.
	// Default: the built-in provider's, or from discovery.
	UserInfoEndpoint string
	// UserInfoEndpointQueryParams are added to the user info request; ""
	// removes one.
	UserInfoEndpointQueryParams map[string]string
	// UserInfoEndpointHeaders are added to the user info request; ""
	// removes one (such as Authorization).
	UserInfoEndpointHeaders map[string]string
	// JWKSURI serves the keys that sign the provider's id tokens. Default:
	// from discovery. Id tokens are used only when the provider has one.
	JWKSURI string
	// OIDCDiscoveryEndpoint is the provider's OpenID Connect discovery
	// document, ending in /.well-known/openid-configuration. Endpoints
	// left empty above are taken from it, and its issuer is the one id
	// tokens must carry.
	OIDCDiscoveryEndpoint string

	// UserInfoMap says where the user id, email and email-verified flag
	// are in the id token and in the user info answer. Default: sub,
	// email and email_verified in both (the built-in providers adjust it).
	UserInfoMap UserInfoMap
	// RequireEmail, when false, signs in users the provider gives no email
	// for, with an email from GenerateFakeEmail. Default: true (false for
	// Twitter).
	RequireEmail *bool
	// GenerateFakeEmail makes the email of a user the provider gives none
	// for, when RequireEmail is false. Default:
	// "{thirdPartyUserId}.{thirdPartyId}@stfakeemail.supertokens.com", which
	// the SuperTokens frontends recognise as fake.
	GenerateFakeEmail func(ctx context.Context, tenantID, thirdPartyUserID string) (string, error)
	// ValidateIDTokenPayload checks a verified id token's claims further
	// (a Google Workspaces domain, say); an error refuses the sign-in.
	ValidateIDTokenPayload func(ctx context.Context, payload map[string]any, client ProviderClientConfig) error
	// ValidateAccessToken checks an access token before it is used (that it
	// was issued to this app, say); an error refuses the sign-in.
	ValidateAccessToken func(ctx context.Context, accessToken string, client ProviderClientConfig) error
}

// ClientConfig is one OAuth client of a provider.
type ClientConfig struct {
	// ClientType tells clients apart when a provider has several (the
	// frontend sends it as clientType). Required when there are several.
	ClientType string
	// ClientID is the OAuth client id. Required.
	ClientID string
	// ClientSecret is the OAuth client secret. Empty makes a public
	// client, which always uses PKCE.
	ClientSecret string
	// Scope is the scopes to ask for. Default: the built-in provider's.
	Scope []string
	// ForcePKCE uses PKCE even with a client secret. PKCE is also used
	// when the discovery document lists S256.
	ForcePKCE bool
	// AdditionalConfig holds provider-specific settings: Apple's keyId,
	// teamId and privateKey; Google Workspaces' hd; Okta's oktaDomain;
	// Microsoft Entra ID's directoryId; GitLab's gitlabBaseUrl.
	AdditionalConfig map[string]any
}

// UserInfoMap says where a provider puts the user's id, email and
// email-verified flag: a key, or a dotted path such as "data.id".
type UserInfoMap struct {
	FromIDTokenPayload UserFields
	FromUserInfoAPI    UserFields
}

// UserFields are the keys of a user's id, email and email-verified flag.
// An empty field keeps the default.
type UserFields struct {
	UserID        string
	Email         string
	EmailVerified string
}

// ProviderClientConfig is a provider's configuration for one client, with
// the built-in provider's defaults applied (and, once the provider was
// used, what discovery said).
type ProviderClientConfig struct {
	ProviderConfig
	ClientConfig
}

// Bool returns a pointer to b, for ProviderConfig.RequireEmail.
func Bool(b bool) *bool { return &b }

// defaultTimeout bounds each call to a provider.
const defaultTimeout = 10 * time.Second

// validate checks what can be checked without calling the provider.
func (c ProviderClientConfig) validate(prefix string) []error {
	var errs []error
	for _, f := range []struct{ name, v string }{
		{"AuthorizationEndpoint", c.AuthorizationEndpoint}, {"TokenEndpoint", c.TokenEndpoint},
		{"UserInfoEndpoint", c.UserInfoEndpoint}, {"JWKSURI", c.JWKSURI}, {"OIDCDiscoveryEndpoint", c.OIDCDiscoveryEndpoint},
	} {
		if f.v == "" {
			continue
		}
		if u, err := url.Parse(f.v); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s: %s %q is not an http(s) URL", prefix, f.name, f.v))
		}
	}
	if c.OIDCDiscoveryEndpoint == "" {
		if c.AuthorizationEndpoint == "" {
			errs = append(errs, fmt.Errorf("%s: set AuthorizationEndpoint and TokenEndpoint, or OIDCDiscoveryEndpoint", prefix))
		} else if c.TokenEndpoint == "" {
			errs = append(errs, fmt.Errorf("%s: set TokenEndpoint (or OIDCDiscoveryEndpoint)", prefix))
		}
	}
	return errs
}

// checkIDs checks the provider ids and client types of cfg.
func checkIDs(providers []ProviderInput) []error {
	var errs []error
	seen := map[string]bool{}
	for i, p := range providers {
		id := p.Config.ThirdPartyID
		prefix := fmt.Sprintf("thirdparty: Config.Providers[%d]", i)
		switch {
		case strings.TrimSpace(id) == "":
			errs = append(errs, fmt.Errorf("%s.Config.ThirdPartyID is required, such as \"google\"", prefix))
			continue
		case strings.ContainsAny(id, " \t\r\n/?#&"):
			errs = append(errs, fmt.Errorf("%s.Config.ThirdPartyID %q must not contain spaces or URL delimiters", prefix, id))
		case seen[id]:
			errs = append(errs, fmt.Errorf("%s: the provider %q is configured twice", prefix, id))
		}
		seen[id] = true
		if len(p.Config.Clients) == 0 {
			errs = append(errs, fmt.Errorf("thirdparty: provider %q: Clients is empty: add a ClientConfig with the ClientID the provider gave you", id))
		}
		types := map[string]bool{}
		for j, c := range p.Config.Clients {
			if strings.TrimSpace(c.ClientID) == "" {
				errs = append(errs, fmt.Errorf("thirdparty: provider %q: Clients[%d].ClientID is required", id, j))
			}
			if len(p.Config.Clients) > 1 && c.ClientType == "" {
				errs = append(errs, fmt.Errorf("thirdparty: provider %q: Clients[%d].ClientType is required when there are several clients", id, j))
			}
			if types[c.ClientType] {
				errs = append(errs, fmt.Errorf("thirdparty: provider %q: the client type %q is configured twice", id, c.ClientType))
			}
			types[c.ClientType] = true
		}
	}
	return errs
}

var errNoProviders = errors.New("thirdparty: Config.Providers is empty: add the providers users may sign in with, such as {Config: ProviderConfig{ThirdPartyID: \"google\", Clients: ...}}")
