package thirdparty

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Provider is one provider for one client type: it builds the
// authorisation URL, exchanges the code, and reads the user. A
// ProviderInput.Override wraps it; embed the value it is given to replace
// one method.
type Provider interface {
	// ID is the provider's ThirdPartyID.
	ID() string
	// Config is the provider's configuration for its client, with the
	// built-in defaults applied.
	Config() ProviderClientConfig
	// AuthorisationURL returns where to send the browser, with a new
	// flow secret (PKCECodeVerifier) that the frontend keeps and sends
	// back with the code. The PKCE challenge (when PKCE is used) and the
	// OpenID nonce (for OpenID Connect providers) are derived from it.
	AuthorisationURL(ctx context.Context, redirectURIOnProviderDashboard string) (*AuthorisationURL, error)
	// ExchangeCode trades the code that came back to the redirect URI for
	// tokens. A *ProviderError when the provider refuses or fails.
	ExchangeCode(ctx context.Context, info RedirectURIInfo) (*OAuthTokens, error)
	// UserInfo verifies the id token (signature by the provider's JWKS,
	// issuer, audience, expiry, and nonce unless it is "") and reads the
	// user from it and from the user info endpoint. nonce is
	// NonceOf(verifier) for a flow started by AuthorisationURL, "" for
	// tokens the frontend got by itself. A *ProviderError when the tokens
	// are not good or the provider fails.
	UserInfo(ctx context.Context, tokens *OAuthTokens, nonce string) (*UserInfo, error)
}

// AuthorisationURL is where to send the browser to sign in.
type AuthorisationURL struct {
	// URLWithQueryParams is the provider's authorisation URL. The frontend
	// adds its own state to it.
	URLWithQueryParams string
	// PKCECodeVerifier is the flow's secret: the frontend keeps it and
	// sends it back with the code.
	PKCECodeVerifier string
}

// RedirectURIInfo is what came back to the redirect URI.
type RedirectURIInfo struct {
	// RedirectURIOnProviderDashboard is the redirect URI the flow used.
	RedirectURIOnProviderDashboard string
	// RedirectURIQueryParams are the query parameters the provider added:
	// code and state, and Apple's user.
	RedirectURIQueryParams map[string]string
	// PKCECodeVerifier is the flow secret that AuthorisationURL returned.
	PKCECodeVerifier string
}

// OAuthTokens are the tokens of a provider's token endpoint.
type OAuthTokens struct {
	AccessToken  string `json:"access_token,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	TokenType    string `json:"token_type,omitempty"`
	// ExpiresIn is the access token's lifetime in seconds, 0 when unknown.
	ExpiresIn int64 `json:"expires_in,omitempty"`
	// Extra holds what else came with the tokens (Apple's user).
	Extra map[string]any `json:"-"`
}

// UserInfo is the user a provider signed in.
type UserInfo struct {
	// ThirdPartyUserID is the provider's id of the user.
	ThirdPartyUserID string
	// Email is nil when the provider gave none.
	Email *Email
	// Raw is what the provider said.
	Raw RawUserInfo
}

// Email is a provider's email for a user, and whether the provider
// verified it.
type Email struct {
	ID         string
	IsVerified bool
}

// RawUserInfo is what a provider said about a user: the claims of its
// verified id token and the answer of its user info endpoint.
type RawUserInfo struct {
	FromIDTokenPayload map[string]any `json:"fromIdTokenPayload,omitempty"`
	FromUserInfoAPI    map[string]any `json:"fromUserInfoAPI,omitempty"`
}

// ProviderError is a sign-in that failed at the provider: it was down,
// answered garbage, refused the code, or gave an id token that does not
// verify. The frontend gets GENERAL_ERROR with a message naming the
// provider; the details are logged.
type ProviderError struct {
	ThirdPartyID string
	// Op is what failed: "discovery", "token", "id token", "user info".
	Op  string
	Err error
}

// Error implements error.
func (e *ProviderError) Error() string {
	return fmt.Sprintf("thirdparty: %s: %s: %v", e.ThirdPartyID, e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *ProviderError) Unwrap() error { return e.Err }

// NonceOf is the OpenID nonce of a flow, derived from its secret so that
// the backend keeps no state between the authorisation URL and the code:
// the base64url SHA-256 of a fixed label and the verifier (distinct from
// the PKCE challenge, which is the SHA-256 of the verifier alone).
func NonceOf(verifier string) string {
	sum := sha256.Sum256([]byte("latchkey thirdparty nonce\x00" + verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// hooks are what a built-in provider does differently from a plain OAuth 2
// or OpenID Connect provider.
type hooks struct {
	// userInfo replaces reading the user info endpoint and mapping it.
	userInfo func(ctx context.Context, p *provider, e *endpoints, tokens *OAuthTokens, raw RawUserInfo) (*UserInfo, error)
	// clientSecret makes the client secret for a token request (Apple's
	// signed JWT).
	clientSecret func(now time.Time) (string, error)
	// authStyle is how the client authenticates at the token endpoint.
	// Default: client_id and client_secret in the body, as node does.
	authStyle oauth2.AuthStyle
	// appleUser copies Apple's user form field (its name, on the first
	// sign-in) into the raw user info.
	appleUser bool
}

// provider is the implementation of every Provider.
type provider struct {
	cfg    ProviderClientConfig
	hooks  hooks
	client *http.Client
	now    func() time.Time

	mu      sync.Mutex
	disc    *endpoints
	discAt  time.Time
	static  *endpoints
	keysFor string
	keys    *oidc.RemoteKeySet
}

var _ Provider = (*provider)(nil)

// discoveryTTL is how long a discovery document is used before it is
// fetched again.
const discoveryTTL = time.Hour

// endpoints are where the provider is, from the config and discovery.
type endpoints struct {
	issuer      string
	authURL     string
	tokenURL    string
	userInfoURL string
	jwksURI     string
	s256        bool
	algs        []string
}

func (p *provider) ID() string                   { return p.cfg.ThirdPartyID }
func (p *provider) Config() ProviderClientConfig { return p.cfg }

func (p *provider) fail(op string, err error) error {
	return &ProviderError{ThirdPartyID: p.cfg.ThirdPartyID, Op: op, Err: err}
}

// resolve returns the provider's endpoints, reading the discovery document
// when there is one (cached for an hour; a failure is not cached).
func (p *provider) resolve(ctx context.Context) (*endpoints, error) {
	c := p.cfg
	if c.OIDCDiscoveryEndpoint == "" {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.static == nil {
			p.static = &endpoints{authURL: c.AuthorizationEndpoint, tokenURL: c.TokenEndpoint, userInfoURL: c.UserInfoEndpoint, jwksURI: c.JWKSURI}
		}
		return p.static, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.disc != nil && p.now().Sub(p.discAt) < discoveryTTL {
		return p.disc, nil
	}
	var doc struct {
		Issuer           string   `json:"issuer"`
		AuthURL          string   `json:"authorization_endpoint"`
		TokenURL         string   `json:"token_endpoint"`
		UserInfoURL      string   `json:"userinfo_endpoint"`
		JWKSURI          string   `json:"jwks_uri"`
		CodeChallenge    []string `json:"code_challenge_methods_supported"`
		IDTokenAlgs      []string `json:"id_token_signing_alg_values_supported"`
		ResponseTypesSup []string `json:"response_types_supported"`
	}
	if err := getJSONInto(ctx, p.client, c.OIDCDiscoveryEndpoint, nil, nil, &doc); err != nil {
		return nil, p.fail("discovery", err)
	}
	if doc.Issuer == "" || doc.JWKSURI == "" {
		return nil, p.fail("discovery", errors.New("the discovery document has no issuer or jwks_uri"))
	}
	e := &endpoints{
		issuer:      doc.Issuer,
		authURL:     firstNonEmpty(c.AuthorizationEndpoint, doc.AuthURL),
		tokenURL:    firstNonEmpty(c.TokenEndpoint, doc.TokenURL),
		userInfoURL: firstNonEmpty(c.UserInfoEndpoint, doc.UserInfoURL),
		jwksURI:     firstNonEmpty(c.JWKSURI, doc.JWKSURI),
		s256:        slices.Contains(doc.CodeChallenge, "S256"),
		algs:        asymmetric(doc.IDTokenAlgs),
	}
	if e.authURL == "" || e.tokenURL == "" {
		return nil, p.fail("discovery", errors.New("the discovery document has no authorization_endpoint or token_endpoint"))
	}
	p.disc, p.discAt = e, p.now()
	return e, nil
}

// asymmetric keeps the signature algorithms whose keys a JWKS can hold:
// never "none" or an HMAC, whose key would be the client secret.
func asymmetric(algs []string) []string {
	var out []string
	for _, a := range algs {
		switch a {
		case oidc.RS256, oidc.RS384, oidc.RS512, oidc.ES256, oidc.ES384, oidc.ES512, oidc.PS256, oidc.PS384, oidc.PS512, oidc.EdDSA:
			out = append(out, a)
		}
	}
	return out
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (p *provider) hasSecret() bool { return p.cfg.ClientSecret != "" || p.hooks.clientSecret != nil }

// usesPKCE: a public client, ForcePKCE, or a provider that says it
// supports S256 (reference/sdk-fdi.md §2.8, as node decides).
func (p *provider) usesPKCE(e *endpoints) bool { return !p.hasSecret() || p.cfg.ForcePKCE || e.s256 }

// usesNonce: an OpenID Connect provider, whose id tokens are verified.
func (p *provider) usesNonce(e *endpoints) bool {
	return e.jwksURI != "" && slices.Contains(p.cfg.Scope, "openid")
}

func (p *provider) oauth2Config(e *endpoints, redirectURI, secret string) *oauth2.Config {
	style := p.hooks.authStyle
	if style == oauth2.AuthStyleAutoDetect {
		style = oauth2.AuthStyleInParams
	}
	return &oauth2.Config{
		ClientID:     p.cfg.ClientID,
		ClientSecret: secret,
		RedirectURL:  redirectURI,
		Scopes:       p.cfg.Scope,
		Endpoint:     oauth2.Endpoint{AuthURL: e.authURL, TokenURL: e.tokenURL, AuthStyle: style},
	}
}

func (p *provider) AuthorisationURL(ctx context.Context, redirectURI string) (*AuthorisationURL, error) {
	e, err := p.resolve(ctx)
	if err != nil {
		return nil, err
	}
	verifier := oauth2.GenerateVerifier()
	var opts []oauth2.AuthCodeOption
	if p.usesPKCE(e) {
		opts = append(opts, oauth2.S256ChallengeOption(verifier))
	}
	if p.usesNonce(e) {
		opts = append(opts, oauth2.SetAuthURLParam("nonce", NonceOf(verifier)))
	}
	raw := p.oauth2Config(e, redirectURI, "").AuthCodeURL("", opts...)
	if len(p.cfg.AuthorizationEndpointQueryParams) > 0 {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("thirdparty: %s: the authorization endpoint %q is not a URL", p.cfg.ThirdPartyID, e.authURL)
		}
		q := u.Query()
		for k, v := range p.cfg.AuthorizationEndpointQueryParams {
			if v == "" {
				q.Del(k)
			} else {
				q.Set(k, v)
			}
		}
		u.RawQuery = q.Encode()
		raw = u.String()
	}
	return &AuthorisationURL{URLWithQueryParams: raw, PKCECodeVerifier: verifier}, nil
}

func (p *provider) ExchangeCode(ctx context.Context, info RedirectURIInfo) (*OAuthTokens, error) {
	e, err := p.resolve(ctx)
	if err != nil {
		return nil, err
	}
	secret := p.cfg.ClientSecret
	if secret == "" && p.hooks.clientSecret != nil {
		if secret, err = p.hooks.clientSecret(p.now()); err != nil {
			return nil, fmt.Errorf("thirdparty: %s: making the client secret: %w", p.cfg.ThirdPartyID, err)
		}
	}
	var opts []oauth2.AuthCodeOption
	if p.usesPKCE(e) {
		opts = append(opts, oauth2.VerifierOption(info.PKCECodeVerifier))
	}
	for k, v := range p.cfg.TokenEndpointBodyParams {
		if v != "" {
			opts = append(opts, oauth2.SetAuthURLParam(k, v))
		}
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, p.client)
	tok, err := p.oauth2Config(e, info.RedirectURIOnProviderDashboard, secret).Exchange(ctx, info.RedirectURIQueryParams["code"], opts...)
	if err != nil {
		return nil, p.fail("token", err)
	}
	out := &OAuthTokens{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, TokenType: tok.TokenType, ExpiresIn: tok.ExpiresIn}
	out.IDToken, _ = tok.Extra("id_token").(string)
	if p.hooks.appleUser {
		if u := info.RedirectURIQueryParams["user"]; u != "" {
			out.Extra = map[string]any{"user": u}
		}
	}
	return out, nil
}

func (p *provider) UserInfo(ctx context.Context, tokens *OAuthTokens, nonce string) (*UserInfo, error) {
	if tokens == nil || (tokens.AccessToken == "" && tokens.IDToken == "") {
		return nil, p.fail("user info", errors.New("neither an access token nor an id token"))
	}
	e, err := p.resolve(ctx)
	if err != nil {
		return nil, err
	}
	raw := RawUserInfo{FromIDTokenPayload: map[string]any{}, FromUserInfoAPI: map[string]any{}}
	switch {
	case tokens.IDToken != "" && e.jwksURI != "":
		if raw.FromIDTokenPayload, err = p.verifyIDToken(ctx, e, tokens.IDToken, nonce); err != nil {
			return nil, err
		}
	case nonce != "" && p.usesNonce(e):
		// The flow asked for an id token and got none: nothing binds the
		// answer to this flow.
		return nil, p.fail("id token", errors.New("the token endpoint returned no id_token for an openid sign-in"))
	}
	if p.cfg.ValidateAccessToken != nil && tokens.AccessToken != "" {
		if err := p.cfg.ValidateAccessToken(ctx, tokens.AccessToken, p.cfg); err != nil {
			return nil, p.fail("access token", err)
		}
	}
	if p.hooks.appleUser && tokens.Extra != nil {
		if u, ok := tokens.Extra["user"].(string); ok {
			if m, err := decodeObject([]byte(u)); err == nil {
				raw.FromIDTokenPayload["user"] = m
			}
		}
	}
	if p.hooks.userInfo != nil {
		return p.hooks.userInfo(ctx, p, e, tokens, raw)
	}
	if tokens.AccessToken != "" && e.userInfoURL != "" {
		if raw.FromUserInfoAPI, err = p.fetchUserInfo(ctx, e.userInfoURL, tokens.AccessToken, p.cfg.UserInfoEndpointQueryParams, p.cfg.UserInfoEndpointHeaders); err != nil {
			return nil, err
		}
	}
	return p.mapUserInfo(raw)
}

// verifyIDToken checks an id token's signature against the provider's
// JWKS, its issuer, audience and expiry, and its nonce, then runs
// ValidateIDTokenPayload.
func (p *provider) verifyIDToken(ctx context.Context, e *endpoints, raw, nonce string) (map[string]any, error) {
	p.mu.Lock()
	if p.keys == nil || p.keysFor != e.jwksURI {
		// The key set fetches with this context's client for as long as
		// the provider lives; each fetch is bounded by the client's
		// timeout.
		p.keys = oidc.NewRemoteKeySet(oidc.ClientContext(context.Background(), p.client), e.jwksURI)
		p.keysFor = e.jwksURI
	}
	keys := p.keys
	p.mu.Unlock()
	template := strings.Contains(e.issuer, "{tenantid}")
	v := oidc.NewVerifier(e.issuer, keys, &oidc.Config{
		ClientID:             p.cfg.ClientID,
		SupportedSigningAlgs: e.algs,
		// With no discovery document there is no issuer to check; with
		// Microsoft's multi-tenant endpoints the issuer is a template,
		// checked below.
		SkipIssuerCheck: e.issuer == "" || template,
		Now:             p.now,
	})
	idt, err := v.Verify(ctx, raw)
	if err != nil {
		return nil, p.fail("id token", err)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, p.fail("id token", err)
	}
	if template {
		tid, _ := claims["tid"].(string)
		if tid == "" || idt.Issuer != strings.Replace(e.issuer, "{tenantid}", tid, 1) {
			return nil, p.fail("id token", fmt.Errorf("the issuer %q does not match %q", idt.Issuer, e.issuer))
		}
	}
	if nonce != "" && subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return nil, p.fail("id token", errors.New("the nonce does not match this sign-in"))
	}
	if p.cfg.ValidateIDTokenPayload != nil {
		if err := p.cfg.ValidateIDTokenPayload(ctx, claims, p.cfg); err != nil {
			return nil, p.fail("id token", err)
		}
	}
	return claims, nil
}

// fetchUserInfo GETs a user info endpoint with the access token as a
// bearer token, then query and headers ("" removes one).
func (p *provider) fetchUserInfo(ctx context.Context, endpoint, accessToken string, query, headers map[string]string) (map[string]any, error) {
	h := map[string]string{"Authorization": "Bearer " + accessToken}
	for k, v := range headers {
		h[k] = v
	}
	out, err := getJSON(ctx, p.client, endpoint, query, h)
	if err != nil {
		return nil, p.fail("user info", err)
	}
	return out, nil
}

// mapUserInfo reads the user id, email and verified flag through
// UserInfoMap; the id token wins over the user info answer.
func (p *provider) mapUserInfo(raw RawUserInfo) (*UserInfo, error) {
	m := p.cfg.UserInfoMap
	pick := func(field func(UserFields) string) any {
		var v any
		if k := field(m.FromUserInfoAPI); k != "" {
			if x := accessField(raw.FromUserInfoAPI, k); x != nil {
				v = x
			}
		}
		if k := field(m.FromIDTokenPayload); k != "" {
			if x := accessField(raw.FromIDTokenPayload, k); x != nil {
				v = x
			}
		}
		return v
	}
	id := scalarString(pick(func(f UserFields) string { return f.UserID }))
	if id == "" {
		return nil, p.fail("user info", errors.New("the provider gave no user id"))
	}
	info := &UserInfo{ThirdPartyUserID: id, Raw: raw}
	if email := scalarString(pick(func(f UserFields) string { return f.Email })); email != "" {
		info.Email = &Email{ID: email, IsVerified: truthy(pick(func(f UserFields) string { return f.EmailVerified }))}
	}
	return info, nil
}

// accessField follows a dotted path such as "data.id" into decoded JSON.
func accessField(obj map[string]any, path string) any {
	var cur any = obj
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// scalarString is a JSON string or number as a string ("" otherwise):
// GitHub's and Facebook's user ids are numbers.
func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case interface{ String() string }: // json.Number
		return x.String()
	case float64:
		return fmt.Sprintf("%.0f", x)
	}
	return ""
}

// truthy is true or "true" (any case), as providers write email_verified.
func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return strings.EqualFold(x, "true")
	}
	return false
}
