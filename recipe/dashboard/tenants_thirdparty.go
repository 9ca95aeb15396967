package dashboard

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/thirdparty"
)

// The provider configs of a tenant's page (reference/dashboard.md §6.7,
// GET|PUT|DELETE /dashboard/api/thirdparty/config).

// wireClient is a provider client on the wire (thirdPartyProviderConfig).
type wireClient struct {
	ClientType       string         `json:"clientType,omitempty"`
	ClientID         string         `json:"clientId"`
	ClientSecret     string         `json:"clientSecret"`
	Scope            []string       `json:"scope"`
	ForcePKCE        bool           `json:"forcePKCE"`
	AdditionalConfig map[string]any `json:"additionalConfig,omitempty"`
}

// wireFields are the user-info keys of one source.
type wireFields struct {
	UserID        string `json:"userId,omitempty"`
	Email         string `json:"email,omitempty"`
	EmailVerified string `json:"emailVerified,omitempty"`
}

// wireProvider is a provider config on the wire, as the core stores it
// and the UI edits it (cdi-api-spec.yaml, thirdPartyProviderConfig).
type wireProvider struct {
	ThirdPartyID                     string            `json:"thirdPartyId"`
	Name                             string            `json:"name"`
	Clients                          []wireClient      `json:"clients"`
	AuthorizationEndpoint            string            `json:"authorizationEndpoint,omitempty"`
	AuthorizationEndpointQueryParams map[string]string `json:"authorizationEndpointQueryParams,omitempty"`
	TokenEndpoint                    string            `json:"tokenEndpoint,omitempty"`
	TokenEndpointBodyParams          map[string]string `json:"tokenEndpointBodyParams,omitempty"`
	UserInfoEndpoint                 string            `json:"userInfoEndpoint,omitempty"`
	UserInfoEndpointQueryParams      map[string]string `json:"userInfoEndpointQueryParams,omitempty"`
	UserInfoEndpointHeaders          map[string]string `json:"userInfoEndpointHeaders,omitempty"`
	JWKSURI                          string            `json:"jwksURI,omitempty"`
	OIDCDiscoveryEndpoint            string            `json:"oidcDiscoveryEndpoint,omitempty"`
	RequireEmail                     *bool             `json:"requireEmail,omitempty"`
	UserInfoMap                      struct {
		FromIDTokenPayload wireFields `json:"fromIdTokenPayload"`
		FromUserInfoAPI    wireFields `json:"fromUserInfoAPI"`
	} `json:"userInfoMap"`
}

// toWire writes a ProviderConfig in the wire shape.
func toWire(c thirdparty.ProviderConfig) wireProvider {
	w := wireProvider{ThirdPartyID: c.ThirdPartyID, Name: c.Name, Clients: []wireClient{},
		AuthorizationEndpoint: c.AuthorizationEndpoint, AuthorizationEndpointQueryParams: c.AuthorizationEndpointQueryParams,
		TokenEndpoint: c.TokenEndpoint, TokenEndpointBodyParams: c.TokenEndpointBodyParams,
		UserInfoEndpoint: c.UserInfoEndpoint, UserInfoEndpointQueryParams: c.UserInfoEndpointQueryParams,
		UserInfoEndpointHeaders: c.UserInfoEndpointHeaders, JWKSURI: c.JWKSURI, OIDCDiscoveryEndpoint: c.OIDCDiscoveryEndpoint,
		RequireEmail: c.RequireEmail}
	for _, cc := range c.Clients {
		scope := cc.Scope
		if scope == nil {
			scope = []string{}
		}
		w.Clients = append(w.Clients, wireClient{ClientType: cc.ClientType, ClientID: cc.ClientID, ClientSecret: cc.ClientSecret,
			Scope: scope, ForcePKCE: cc.ForcePKCE, AdditionalConfig: maps.Clone(cc.AdditionalConfig)})
	}
	m := c.UserInfoMap
	w.UserInfoMap.FromIDTokenPayload = wireFields{m.FromIDTokenPayload.UserID, m.FromIDTokenPayload.Email, m.FromIDTokenPayload.EmailVerified}
	w.UserInfoMap.FromUserInfoAPI = wireFields{m.FromUserInfoAPI.UserID, m.FromUserInfoAPI.Email, m.FromUserInfoAPI.EmailVerified}
	return w
}

// config reads the wire shape back as a ProviderConfig.
func (w wireProvider) config() thirdparty.ProviderConfig {
	c := thirdparty.ProviderConfig{ThirdPartyID: w.ThirdPartyID, Name: w.Name,
		AuthorizationEndpoint: w.AuthorizationEndpoint, AuthorizationEndpointQueryParams: w.AuthorizationEndpointQueryParams,
		TokenEndpoint: w.TokenEndpoint, TokenEndpointBodyParams: w.TokenEndpointBodyParams,
		UserInfoEndpoint: w.UserInfoEndpoint, UserInfoEndpointQueryParams: w.UserInfoEndpointQueryParams,
		UserInfoEndpointHeaders: w.UserInfoEndpointHeaders, JWKSURI: w.JWKSURI, OIDCDiscoveryEndpoint: w.OIDCDiscoveryEndpoint,
		RequireEmail: w.RequireEmail}
	for _, cc := range w.Clients {
		c.Clients = append(c.Clients, thirdparty.ClientConfig{ClientType: cc.ClientType, ClientID: cc.ClientID, ClientSecret: cc.ClientSecret,
			Scope: cc.Scope, ForcePKCE: cc.ForcePKCE, AdditionalConfig: cc.AdditionalConfig})
	}
	f, u := w.UserInfoMap.FromIDTokenPayload, w.UserInfoMap.FromUserInfoAPI
	c.UserInfoMap.FromIDTokenPayload = thirdparty.UserFields{UserID: f.UserID, Email: f.Email, EmailVerified: f.EmailVerified}
	c.UserInfoMap.FromUserInfoAPI = thirdparty.UserFields{UserID: u.UserID, Email: u.Email, EmailVerified: u.EmailVerified}
	return c
}

// parseStored reads a provider config the core stores; a config that does
// not fit the shape keeps what could be read.
func parseStored(raw json.RawMessage) thirdparty.ProviderConfig {
	var w wireProvider
	_ = json.Unmarshal(raw, &w)
	return w.config()
}

// Checks of the enterprise presets' query parameters.
var (
	domainSyntax      = regexp.MustCompile(`^(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?))+$`)
	directoryIDSyntax = regexp.MustCompile(`^[A-Za-z0-9.-]{1,100}$`)
)

// presets reads the optional oktaDomain, directoryId and hd of GET
// /thirdparty/config, which fill the enterprise providers' settings
// (node passes them into the client's additionalConfig). A parameter for
// another provider is ignored, as node does.
func presets(q url.Values, thirdPartyID string) (map[string]any, error) {
	for _, p := range []struct {
		prefix, name string
		ok           func(string) bool
		msg          string
	}{
		{"okta", "oktaDomain", func(v string) bool {
			host := strings.TrimPrefix(strings.TrimPrefix(v, "https://"), "http://")
			return domainSyntax.MatchString(strings.TrimRight(host, "/"))
		}, "'oktaDomain' must be a domain, such as dev-123.okta.com"},
		{"active-directory", "directoryId", directoryIDSyntax.MatchString, "'directoryId' must be the Entra ID tenant id (letters, digits, '-' and '.'), or common"},
		{"google-workspaces", "hd", func(v string) bool { return v == "*" || domainSyntax.MatchString(v) }, "'hd' must be \"*\" or a domain, such as example.com"},
	} {
		v := strings.TrimSpace(q.Get(p.name))
		if v == "" || !strings.HasPrefix(thirdPartyID, p.prefix) {
			continue
		}
		if !p.ok(v) {
			return nil, badInput(p.msg)
		}
		return map[string]any{p.name: v}, nil
	}
	return nil, nil
}

// providerConfig serves GET /dashboard/api/thirdparty/config?thirdPartyId=
// [&oktaDomain|directoryId|hd]: the provider's config for the editor, or
// UNKNOWN_TENANT_ERROR. It is the tenant's stored config, else the SDK's
// (thirdparty.Config.Providers), else the built-in provider's preset
// without clients, with the built-in defaults filled in and the
// is…Overridden flags of the SDK's provider.
//
// Secrets: an Apple client's private key is always blanked, as the
// reference does (a PUT with it blank keeps the stored key). Client
// secrets are returned to accounts that may write, as the reference
// does, since the editor saves the whole config back; to a read-only
// account they are blanked: a read-only account may be an attacker who
// must not learn the secrets it cannot change anyway.
//
// SAML (BoxyHQ: the boxyUrl and boxyAPIKey parameters, boxy-saml ids) is
// not supported: 400.
func (rc *Recipe) providerConfig(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	id, err := query(r, "thirdPartyId")
	if err != nil {
		return err
	}
	if isSAML(id) || q.Has("boxyUrl") || q.Has("boxyAPIKey") {
		return badInput(msgSAML)
	}
	extra, err := presets(q, id)
	if err != nil {
		return err
	}
	t, ok, err := rc.loadTenant(w, r)
	if !ok || err != nil {
		return err
	}
	cfg := thirdparty.ProviderConfig{ThirdPartyID: id}
	overridden := false
	for _, p := range rc.providers(t) {
		if p.id != id {
			continue
		}
		if p.static != nil {
			cfg, overridden = p.static.Config, p.static.Overridden
		}
		if p.stored != nil {
			cfg = parseStored(p.stored)
		}
	}
	if extra != nil {
		if len(cfg.Clients) == 0 {
			cfg.Clients = []thirdparty.ClientConfig{{}}
		}
		for i := range cfg.Clients {
			ac := maps.Clone(cfg.Clients[i].AdditionalConfig)
			if ac == nil {
				ac = map[string]any{}
			}
			maps.Copy(ac, extra)
			cfg.Clients[i].AdditionalConfig = ac
		}
		// The built-in provider derives discovery from the new value.
		cfg.OIDCDiscoveryEndpoint = ""
	}
	out := toWire(thirdparty.WithDefaults(cfg))
	canWrite := callerFrom(r.Context()).canWrite
	for i := range out.Clients {
		if !canWrite {
			out.Clients[i].ClientSecret = ""
		}
		if _, has := out.Clients[i].AdditionalConfig["privateKey"]; has && strings.HasPrefix(id, "apple") {
			out.Clients[i].AdditionalConfig["privateKey"] = ""
		}
	}
	// The wire object plus node's three flags.
	body, err := json.Marshal(out)
	if err != nil {
		return err
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return err
	}
	m["isGetAuthorisationRedirectUrlOverridden"] = overridden
	m["isExchangeAuthCodeForOAuthTokensOverridden"] = overridden
	m["isGetUserInfoOverridden"] = overridden
	writeStatus(w, "OK", map[string]any{"providerConfig": m})
	return nil
}

// readProviderConfig reads and checks {providerConfig} of PUT
// /thirdparty/config, with a 400 that names the field for each problem.
func readProviderConfig(r *http.Request) (wireProvider, error) {
	var wp wireProvider
	b, err := readBody(r)
	if err != nil {
		return wp, err
	}
	raw := bytes.TrimSpace(b["providerConfig"])
	if len(raw) == 0 || raw[0] != '{' {
		return wp, badInput("Required parameter 'providerConfig' is missing or has an invalid type")
	}
	if err := json.Unmarshal(raw, &wp); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return wp, badInput("Invalid providerConfig: '" + te.Field + "' has an invalid type")
		}
		return wp, badInput("Invalid providerConfig: it is not a provider config object")
	}
	wp.ThirdPartyID = strings.TrimSpace(wp.ThirdPartyID)
	wp.Name = strings.TrimSpace(wp.Name)
	id := wp.ThirdPartyID
	switch {
	case id == "":
		return wp, badInput("Invalid providerConfig: 'thirdPartyId' is required")
	case isSAML(id):
		return wp, badInput(msgSAML)
	case !thirdPartyIDSyntax.MatchString(id):
		return wp, badInput("Invalid providerConfig: 'thirdPartyId' must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit")
	case len(wp.Clients) == 0:
		return wp, badInput("Invalid providerConfig: 'clients' must have at least one client, with the clientId the provider gave you")
	}
	types := map[string]bool{}
	for i := range wp.Clients {
		c := &wp.Clients[i]
		c.ClientID, c.ClientType = strings.TrimSpace(c.ClientID), strings.TrimSpace(c.ClientType)
		switch {
		case c.ClientID == "":
			return wp, badInput(fmt.Sprintf("Invalid providerConfig: 'clients[%d].clientId' is required", i))
		case len(wp.Clients) > 1 && c.ClientType == "":
			return wp, badInput(fmt.Sprintf("Invalid providerConfig: 'clients[%d].clientType' is required when there are several clients", i))
		case types[c.ClientType]:
			return wp, badInput(fmt.Sprintf("Invalid providerConfig: the client type %q is given twice", c.ClientType))
		}
		types[c.ClientType] = true
	}
	for _, f := range []struct{ name, v string }{
		{"authorizationEndpoint", wp.AuthorizationEndpoint}, {"tokenEndpoint", wp.TokenEndpoint},
		{"userInfoEndpoint", wp.UserInfoEndpoint}, {"jwksURI", wp.JWKSURI}, {"oidcDiscoveryEndpoint", wp.OIDCDiscoveryEndpoint},
	} {
		if f.v == "" {
			continue
		}
		if u, err := url.Parse(f.v); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return wp, badInput("Invalid providerConfig: '" + f.name + "' must be an http(s) URL")
		}
	}
	if !thirdparty.IsBuiltIn(id) {
		switch {
		case wp.OIDCDiscoveryEndpoint == "" && (wp.AuthorizationEndpoint == "" || wp.TokenEndpoint == ""):
			return wp, badInput("Invalid providerConfig: a custom provider needs 'oidcDiscoveryEndpoint', or both 'authorizationEndpoint' and 'tokenEndpoint'")
		case wp.OIDCDiscoveryEndpoint == "" && wp.UserInfoEndpoint == "" && wp.JWKSURI == "":
			return wp, badInput("Invalid providerConfig: a custom provider without 'oidcDiscoveryEndpoint' needs 'userInfoEndpoint' or 'jwksURI', to learn who the user is")
		}
	}
	return wp, nil
}

// putProviderConfig serves PUT /dashboard/api/thirdparty/config
// {providerConfig}: OK with createdNew, or UNKNOWN_TENANT_ERROR; a config
// that sign-in could not use is a 400 that says why, before anything is
// stored. When the tenant stores no provider yet, the SDK's providers
// that serve it are stored first (as the reference does), so the tenant
// keeps them in its stored list; if the new config is then refused,
// those copies are removed again.
// CDI: GET /<t>/recipe/multitenancy/tenant/v2,
// PUT /<t>/recipe/multitenancy/config/thirdparty.
func (rc *Recipe) putProviderConfig(w http.ResponseWriter, r *http.Request) error {
	wp, err := readProviderConfig(r)
	if err != nil {
		return err
	}
	t, ok, err := rc.loadTenant(w, r)
	if !ok || err != nil {
		return err
	}
	merged := rc.providers(t)
	// An Apple key that GET blanked: keep the one the provider has.
	if strings.HasPrefix(wp.ThirdPartyID, "apple") {
		rc.keepAppleKeys(&wp, merged)
	}
	if wp.Name == "" {
		wp.Name = thirdparty.WithDefaults(thirdparty.ProviderConfig{ThirdPartyID: wp.ThirdPartyID}).Name
	}
	if err := thirdparty.CheckConfig(wp.config()); err != nil {
		return badInput("Invalid providerConfig: " + strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	ctx := r.Context()
	var copied []string
	undo := func() {
		for _, id := range copied {
			if _, err := rc.lk.DeleteThirdPartyConfig(ctx, t.TenantID, id); err != nil {
				rc.lk.Logger().ErrorContext(ctx, "dashboard: a copied provider config was not removed", "tenantId", t.TenantID, "thirdPartyId", id, "err", err)
			}
		}
	}
	if len(t.Providers) == 0 {
		for _, p := range merged {
			if p.static == nil || p.id == wp.ThirdPartyID {
				continue
			}
			c := p.static.Config
			if c.Name == "" {
				c.Name = p.name
			}
			if _, err := rc.lk.CreateOrUpdateThirdPartyConfig(ctx, t.TenantID, toWire(c), true); err != nil {
				undo()
				return err
			}
			copied = append(copied, p.id)
		}
	}
	created, err := rc.lk.CreateOrUpdateThirdPartyConfig(ctx, t.TenantID, wp, false)
	var ve *latchkey.ConfigValidationError
	var ce *latchkey.CoreError
	switch {
	case errors.As(err, &ve):
		undo()
		return badInput("Invalid providerConfig: " + ve.Reason)
	case errors.As(err, &ce) && ce.Code == http.StatusBadRequest:
		undo()
		if strings.Contains(strings.ToLower(ce.Body), "tenant") {
			unknownTenant(w)
			return nil
		}
		return badInput("Invalid providerConfig: " + ce.Body)
	case err != nil:
		undo()
		return err
	}
	writeStatus(w, "OK", map[string]any{"createdNew": created})
	return nil
}

// keepAppleKeys fills a blank Apple privateKey from the same client of
// the provider's current config.
func (rc *Recipe) keepAppleKeys(wp *wireProvider, merged []tenantProvider) {
	var current thirdparty.ProviderConfig
	for _, p := range merged {
		if p.id != wp.ThirdPartyID {
			continue
		}
		if p.static != nil {
			current = p.static.Config
		}
		if p.stored != nil {
			current = parseStored(p.stored)
		}
	}
	for i := range wp.Clients {
		c := &wp.Clients[i]
		if k, _ := c.AdditionalConfig["privateKey"].(string); strings.TrimSpace(k) != "" {
			continue
		}
		j := slices.IndexFunc(current.Clients, func(o thirdparty.ClientConfig) bool { return o.ClientType == c.ClientType })
		if j < 0 {
			continue
		}
		if k, _ := current.Clients[j].AdditionalConfig["privateKey"].(string); k != "" {
			if c.AdditionalConfig == nil {
				c.AdditionalConfig = map[string]any{}
			}
			c.AdditionalConfig["privateKey"] = k
		}
	}
}

// deleteProviderConfig serves DELETE /dashboard/api/thirdparty/config
// ?thirdPartyId=: OK with didConfigExist, or UNKNOWN_TENANT_ERROR. When it
// removes the tenant's last provider, thirdparty is first taken out of
// the tenant's first factors (as the reference does), so that sign-in
// pages offer no third-party button without providers. A provider that
// only the SDK's configuration has cannot be removed here (400): it
// serves the tenant until it is removed from thirdparty.Config.Providers.
// CDI: GET /<t>/recipe/multitenancy/tenant/v2, PUT /recipe/multitenancy/tenant/v2,
// POST /<t>/recipe/multitenancy/config/thirdparty/remove.
func (rc *Recipe) deleteProviderConfig(w http.ResponseWriter, r *http.Request) error {
	id, err := query(r, "thirdPartyId")
	if err != nil {
		return err
	}
	t, ok, err := rc.loadTenant(w, r)
	if !ok || err != nil {
		return err
	}
	merged := rc.providers(t)
	i := slices.IndexFunc(merged, func(p tenantProvider) bool { return p.id == id })
	if i >= 0 && merged[i].stored == nil {
		return badInput(fmt.Sprintf("The provider %q is configured in the backend SDK (thirdparty.Config.Providers), not stored for this tenant: remove it from the SDK's configuration", id))
	}
	if i >= 0 && len(merged) == 1 && merged[i].static == nil {
		// The stored list less thirdparty, or every available factor
		// less thirdparty when the tenant stores none.
		factors := slices.Clone(t.FirstFactors)
		if factors == nil {
			factors = rc.availableFactors(t.TenantID)
		}
		if t.FirstFactors == nil || slices.Contains(factors, factorThirdParty) {
			factors = slices.DeleteFunc(factors, func(f string) bool { return f == factorThirdParty })
			if ok, err := rc.updateTenant(w, r, latchkey.TenantConfig{FirstFactors: &factors}); !ok || err != nil {
				return err
			}
		}
	}
	existed, err := rc.lk.DeleteThirdPartyConfig(r.Context(), t.TenantID, id)
	if err != nil {
		return err
	}
	writeStatus(w, "OK", map[string]any{"didConfigExist": existed})
	return nil
}
