package thirdparty

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// builtIn fills in a provider's defaults for one client and says what it
// does differently. It returns the errors of a configuration it cannot
// work with.
type builtIn func(c *ProviderClientConfig, h *hooks, client *http.Client) []error

// builtIns are the built-in providers by ThirdPartyID prefix, in node's
// order (google-workspaces before google).
var builtIns = []struct {
	prefix string
	fn     builtIn
}{
	{"active-directory", activeDirectory},
	{"apple", apple},
	{"bitbucket", bitbucket},
	{"discord", discord},
	{"facebook", facebook},
	{"github", github},
	{"gitlab", gitlab},
	{"google-workspaces", googleWorkspaces},
	{"google", google},
	{"okta", okta},
	{"linkedin", linkedin},
	{"twitter", twitter},
}

// BuiltInProviders returns the ThirdPartyID prefixes that choose a
// built-in provider: "active-directory", "apple", "bitbucket", "discord",
// "facebook", "github", "gitlab", "google-workspaces", "google", "okta",
// "linkedin" and "twitter". Any other id is a custom provider.
func BuiltInProviders() []string {
	out := make([]string, len(builtIns))
	for i, b := range builtIns {
		out[i] = b.prefix
	}
	return out
}

// builtInFor chooses the built-in provider by ThirdPartyID prefix; nil
// for a custom provider.
func builtInFor(thirdPartyID string) (string, builtIn) {
	for _, b := range builtIns {
		if strings.HasPrefix(thirdPartyID, b.prefix) {
			return b.prefix, b.fn
		}
	}
	return "", nil
}

// The defaults common to every provider (node's custom provider).
func applyCommonDefaults(c *ProviderClientConfig) {
	m := &c.UserInfoMap
	for _, f := range []*UserFields{&m.FromIDTokenPayload, &m.FromUserInfoAPI} {
		if f.UserID == "" {
			f.UserID = "sub"
		}
		if f.Email == "" {
			f.Email = "email"
		}
		if f.EmailVerified == "" {
			f.EmailVerified = "email_verified"
		}
	}
	if c.Name == "" {
		c.Name = c.ThirdPartyID
	}
}

func setDefault(s *string, v string) {
	if *s == "" {
		*s = v
	}
}

func setScope(c *ProviderClientConfig, scope ...string) {
	if len(c.Scope) == 0 {
		c.Scope = scope
	}
}

// addAuthParams adds authorisation URL parameters under the ones the app
// set.
func addAuthParams(c *ProviderClientConfig, kv ...string) {
	out := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	for k, v := range c.AuthorizationEndpointQueryParams {
		out[k] = v
	}
	c.AuthorizationEndpointQueryParams = out
}

// wellKnown makes a discovery URL from an issuer or a discovery URL.
func wellKnown(u string) string {
	u = strings.TrimRight(strings.TrimSpace(u), "/")
	if strings.HasSuffix(u, "/.well-known/openid-configuration") {
		return u
	}
	if !strings.Contains(u, "://") {
		u = "https://" + u
	}
	return u + "/.well-known/openid-configuration"
}

func additionalString(c *ProviderClientConfig, key string) string {
	s, _ := c.AdditionalConfig[key].(string)
	return strings.TrimSpace(s)
}

func google(c *ProviderClientConfig, h *hooks, client *http.Client) []error {
	setDefault(&c.Name, "Google")
	setDefault(&c.OIDCDiscoveryEndpoint, "https://accounts.google.com/.well-known/openid-configuration")
	c.OIDCDiscoveryEndpoint = wellKnown(c.OIDCDiscoveryEndpoint)
	addAuthParams(c, "included_grant_scopes", "true", "access_type", "offline")
	setScope(c, "openid", "email")
	return nil
}

func googleWorkspaces(c *ProviderClientConfig, h *hooks, client *http.Client) []error {
	setDefault(&c.Name, "Google Workspaces")
	hd := additionalString(c, "hd")
	if hd == "" {
		hd = "*"
	}
	google(c, h, client)
	c.AuthorizationEndpointQueryParams["hd"] = hd
	if c.ValidateIDTokenPayload == nil && hd != "*" {
		c.ValidateIDTokenPayload = func(_ context.Context, payload map[string]any, _ ProviderClientConfig) error {
			if got, _ := payload["hd"].(string); got != hd {
				return fmt.Errorf("the id token's hd claim %q is not the configured domain %q", got, hd)
			}
			return nil
		}
	}
	return nil
}

func gitlab(c *ProviderClientConfig, h *hooks, client *http.Client) []error {
	setDefault(&c.Name, "Gitlab")
	if base := additionalString(c, "gitlabBaseUrl"); base != "" {
		c.OIDCDiscoveryEndpoint = wellKnown(base)
	}
	setDefault(&c.OIDCDiscoveryEndpoint, "https://gitlab.com/.well-known/openid-configuration")
	c.OIDCDiscoveryEndpoint = wellKnown(c.OIDCDiscoveryEndpoint)
	setScope(c, "openid", "email")
	return nil
}

func okta(c *ProviderClientConfig, h *hooks, client *http.Client) []error {
	setDefault(&c.Name, "Okta")
	if d := additionalString(c, "oktaDomain"); d != "" {
		c.OIDCDiscoveryEndpoint = wellKnown(d)
	}
	if c.OIDCDiscoveryEndpoint == "" {
		return []error{fmt.Errorf("thirdparty: provider %q: set AdditionalConfig[\"oktaDomain\"] (such as \"dev-123.okta.com\") or OIDCDiscoveryEndpoint", c.ThirdPartyID)}
	}
	c.OIDCDiscoveryEndpoint = wellKnown(c.OIDCDiscoveryEndpoint)
	setScope(c, "openid", "email")
	return nil
}

func activeDirectory(c *ProviderClientConfig, h *hooks, client *http.Client) []error {
	setDefault(&c.Name, "Active Directory")
	if d := additionalString(c, "directoryId"); d != "" {
		c.OIDCDiscoveryEndpoint = "https://login.microsoftonline.com/" + url.PathEscape(d) + "/v2.0/.well-known/openid-configuration"
	}
	if c.OIDCDiscoveryEndpoint == "" {
		return []error{fmt.Errorf("thirdparty: provider %q: set AdditionalConfig[\"directoryId\"] (the Entra ID tenant id, or \"common\") or OIDCDiscoveryEndpoint", c.ThirdPartyID)}
	}
	c.OIDCDiscoveryEndpoint = wellKnown(c.OIDCDiscoveryEndpoint)
	setScope(c, "openid", "email")
	return nil
}

func apple(c *ProviderClientConfig, h *hooks, client *http.Client) []error {
	setDefault(&c.Name, "Apple")
	setDefault(&c.OIDCDiscoveryEndpoint, "https://appleid.apple.com/.well-known/openid-configuration")
	c.OIDCDiscoveryEndpoint = wellKnown(c.OIDCDiscoveryEndpoint)
	addAuthParams(c, "response_mode", "form_post")
	setScope(c, "openid", "email")
	h.appleUser = true
	if c.ClientSecret != "" {
		return nil
	}
	secret, err := appleClientSecret(c.ClientID, additionalString(c, "keyId"), additionalString(c, "teamId"), additionalString(c, "privateKey"))
	if err != nil {
		return []error{fmt.Errorf("thirdparty: provider %q: %w", c.ThirdPartyID, err)}
	}
	h.clientSecret = secret
	return nil
}

func discord(c *ProviderClientConfig, h *hooks, client *http.Client) []error {
	setDefault(&c.Name, "Discord")
	setDefault(&c.AuthorizationEndpoint, "https://discord.com/oauth2/authorize")
	setDefault(&c.TokenEndpoint, "https://discord.com/api/oauth2/token")
	setDefault(&c.UserInfoEndpoint, "https://discord.com/api/users/@me")
	f := &c.UserInfoMap.FromUserInfoAPI
	setDefault(&f.UserID, "id")
	setDefault(&f.Email, "email")
	setDefault(&f.EmailVerified, "verified")
	setScope(c, "identify", "email")
	return nil
}

func linkedin(c *ProviderClientConfig, h *hooks, client *http.Client) []error {
	setDefault(&c.Name, "LinkedIn")
	setDefault(&c.AuthorizationEndpoint, "https://www.linkedin.com/oauth/v2/authorization")
	setDefault(&c.TokenEndpoint, "https://www.linkedin.com/oauth/v2/accessToken")
	// Sign In with LinkedIn v2 answers OpenID-style claims here.
	setDefault(&c.UserInfoEndpoint, "https://api.linkedin.com/v2/userinfo")
	setScope(c, "openid", "profile", "email")
	return nil
}

func twitter(c *ProviderClientConfig, h *hooks, client *http.Client) []error {
	setDefault(&c.Name, "Twitter")
	setDefault(&c.AuthorizationEndpoint, "https://twitter.com/i/oauth2/authorize")
	setDefault(&c.TokenEndpoint, "https://api.twitter.com/2/oauth2/token")
	setDefault(&c.UserInfoEndpoint, "https://api.twitter.com/2/users/me")
	if c.RequireEmail == nil {
		c.RequireEmail = Bool(false)
	}
	setDefault(&c.UserInfoMap.FromUserInfoAPI.UserID, "data.id")
	setScope(c, "users.read", "tweet.read")
	// X requires PKCE, and a confidential client authenticates with HTTP
	// Basic.
	c.ForcePKCE = true
	if c.ClientSecret != "" {
		h.authStyle = oauth2.AuthStyleInHeader
	}
	return nil
}

func facebook(c *ProviderClientConfig, h *hooks, client *http.Client) []error {
	setDefault(&c.Name, "Facebook")
	setDefault(&c.AuthorizationEndpoint, "https://www.facebook.com/v12.0/dialog/oauth")
	setDefault(&c.TokenEndpoint, "https://graph.facebook.com/v12.0/oauth/access_token")
	setDefault(&c.UserInfoEndpoint, "https://graph.facebook.com/me")
	setDefault(&c.UserInfoMap.FromUserInfoAPI.UserID, "id")
	setScope(c, "email")
	h.userInfo = func(ctx context.Context, p *provider, e *endpoints, tokens *OAuthTokens, raw RawUserInfo) (*UserInfo, error) {
		if tokens.AccessToken == "" {
			return nil, p.fail("user info", errors.New("no access token"))
		}
		// The Graph API takes the token and the fields, which follow from
		// the scopes, in the query.
		perms := map[string][]string{
			"public_profile": {"first_name", "last_name", "middle_name", "name", "name_format", "picture", "short_name"},
			"email":          {"id", "email"}, "user_birthday": {"birthday"}, "user_videos": {"videos"}, "user_posts": {"posts"},
			"user_photos": {"photos"}, "user_location": {"location"}, "user_link": {"link"}, "user_likes": {"likes"},
			"user_hometown": {"hometown"}, "user_gender": {"gender"}, "user_friends": {"friends"}, "user_age_range": {"age_range"},
		}
		var fields []string
		for _, s := range p.cfg.Scope {
			fields = append(fields, perms[s]...)
		}
		q := map[string]string{"access_token": tokens.AccessToken, "fields": strings.Join(fields, ","), "format": "json"}
		if len(fields) == 0 {
			q["fields"] = "id,email"
		}
		for k, v := range p.cfg.UserInfoEndpointQueryParams {
			q[k] = v
		}
		hdr := map[string]string{"Authorization": ""}
		for k, v := range p.cfg.UserInfoEndpointHeaders {
			hdr[k] = v
		}
		var err error
		if raw.FromUserInfoAPI, err = getJSON(ctx, p.client, e.userInfoURL, q, hdr); err != nil {
			return nil, p.fail("user info", err)
		}
		return p.mapUserInfo(raw)
	}
	return nil
}

func github(c *ProviderClientConfig, h *hooks, client *http.Client) []error {
	setDefault(&c.Name, "Github")
	setDefault(&c.AuthorizationEndpoint, "https://github.com/login/oauth/authorize")
	setDefault(&c.TokenEndpoint, "https://github.com/login/oauth/access_token")
	setScope(c, "read:user", "user:email")
	api := "https://api.github.com"
	if c.ValidateAccessToken == nil {
		// An access token the frontend sends must belong to this app, not
		// to another app the user signed in to.
		c.ValidateAccessToken = func(ctx context.Context, accessToken string, cc ProviderClientConfig) error {
			basic := base64.StdEncoding.EncodeToString([]byte(cc.ClientID + ":" + cc.ClientSecret))
			var resp struct {
				App struct {
					ClientID string `json:"client_id"`
				} `json:"app"`
			}
			if err := postJSON(ctx, client, api+"/applications/"+url.PathEscape(cc.ClientID)+"/token",
				map[string]string{"access_token": accessToken}, map[string]string{"Authorization": "Basic " + basic}, &resp); err != nil {
				return fmt.Errorf("the access token could not be checked: %w", err)
			}
			if resp.App.ClientID != cc.ClientID {
				return errors.New("the access token belongs to another application")
			}
			return nil
		}
	}
	h.userInfo = func(ctx context.Context, p *provider, e *endpoints, tokens *OAuthTokens, raw RawUserInfo) (*UserInfo, error) {
		if tokens.AccessToken == "" {
			return nil, p.fail("user info", errors.New("no access token"))
		}
		hdr := map[string]string{"Authorization": "Bearer " + tokens.AccessToken, "Accept": "application/vnd.github.v3+json"}
		var emails []struct {
			Email    string `json:"email"`
			Primary  bool   `json:"primary"`
			Verified bool   `json:"verified"`
		}
		if err := getJSONInto(ctx, p.client, api+"/user/emails", nil, hdr, &emails); err != nil {
			return nil, p.fail("user info", err)
		}
		user, err := getJSON(ctx, p.client, api+"/user", nil, hdr)
		if err != nil {
			return nil, p.fail("user info", err)
		}
		raw.FromUserInfoAPI = map[string]any{"user": user, "emails": emails}
		id := scalarString(user["id"])
		if id == "" {
			return nil, p.fail("user info", errors.New("the provider gave no user id"))
		}
		info := &UserInfo{ThirdPartyUserID: id, Raw: raw}
		for _, em := range emails {
			if em.Primary && em.Email != "" {
				info.Email = &Email{ID: em.Email, IsVerified: em.Verified}
			}
		}
		return info, nil
	}
	return nil
}

func bitbucket(c *ProviderClientConfig, h *hooks, client *http.Client) []error {
	setDefault(&c.Name, "Bitbucket")
	setDefault(&c.AuthorizationEndpoint, "https://bitbucket.org/site/oauth2/authorize")
	setDefault(&c.TokenEndpoint, "https://bitbucket.org/site/oauth2/access_token")
	if c.AuthorizationEndpointQueryParams == nil {
		c.AuthorizationEndpointQueryParams = map[string]string{"audience": "api.atlassian.com"}
	}
	setScope(c, "account", "email")
	api := "https://api.bitbucket.org/2.0"
	h.userInfo = func(ctx context.Context, p *provider, e *endpoints, tokens *OAuthTokens, raw RawUserInfo) (*UserInfo, error) {
		if tokens.AccessToken == "" {
			return nil, p.fail("user info", errors.New("no access token"))
		}
		hdr := map[string]string{"Authorization": "Bearer " + tokens.AccessToken}
		user, err := getJSON(ctx, p.client, api+"/user", nil, hdr)
		if err != nil {
			return nil, p.fail("user info", err)
		}
		var emails struct {
			Values []struct {
				Email       string `json:"email"`
				IsPrimary   bool   `json:"is_primary"`
				IsConfirmed bool   `json:"is_confirmed"`
			} `json:"values"`
		}
		if err := getJSONInto(ctx, p.client, api+"/user/emails", nil, hdr, &emails); err != nil {
			return nil, p.fail("user info", err)
		}
		user["email"] = emails
		raw.FromUserInfoAPI = user
		id := scalarString(user["uuid"])
		if id == "" {
			return nil, p.fail("user info", errors.New("the provider gave no user id"))
		}
		info := &UserInfo{ThirdPartyUserID: id, Raw: raw}
		for _, em := range emails.Values {
			if em.IsPrimary && em.Email != "" {
				info.Email = &Email{ID: em.Email, IsVerified: em.IsConfirmed}
			}
		}
		return info, nil
	}
	return nil
}
