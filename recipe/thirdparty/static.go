package thirdparty

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/latchkey-dev/latchkey"
)

// StaticProvider is a provider as the SDK's configuration (Config.Providers)
// gives it, for tools that show or copy it, such as the dashboard's tenant
// page.
type StaticProvider struct {
	// Config is a copy of the configured ProviderConfig, without the
	// built-in provider's defaults (see [WithDefaults]).
	Config ProviderConfig
	// Name is the name sign-in buttons show: Config.Name or the built-in
	// provider's.
	Name string
	// Overridden reports whether ProviderInput.Override is set, which may
	// replace any of the provider's functions.
	Overridden bool
	// IncludeInNonPublicTenantsByDefault is the input's flag.
	IncludeInNonPublicTenantsByDefault bool
}

// StaticProviders returns the configured providers that serve tenantID,
// in configuration order: every one for the public tenant, those with
// IncludeInNonPublicTenantsByDefault for the others. The providers a
// tenant stores in the core come on top of these (see [Recipe.Providers]
// and the sign-in APIs, where a stored config wins for its id).
func (rc *Recipe) StaticProviders(tenantID string) []StaticProvider {
	out := []StaticProvider{}
	for i, e := range rc.providers {
		if !e.serves(latchkey.TenantOrDefault(tenantID)) {
			continue
		}
		in := rc.cfg.Providers[i]
		out = append(out, StaticProvider{Config: copyConfig(in.Config), Name: e.name, Overridden: in.Override != nil,
			IncludeInNonPublicTenantsByDefault: in.IncludeInNonPublicTenantsByDefault})
	}
	return out
}

// copyConfig copies c deeply enough that changing the copy's clients or
// maps leaves the configuration alone.
func copyConfig(c ProviderConfig) ProviderConfig {
	c.Clients = slices.Clone(c.Clients)
	for i := range c.Clients {
		c.Clients[i].Scope = slices.Clone(c.Clients[i].Scope)
		c.Clients[i].AdditionalConfig = maps.Clone(c.Clients[i].AdditionalConfig)
	}
	c.AuthorizationEndpointQueryParams = maps.Clone(c.AuthorizationEndpointQueryParams)
	c.TokenEndpointBodyParams = maps.Clone(c.TokenEndpointBodyParams)
	c.UserInfoEndpointQueryParams = maps.Clone(c.UserInfoEndpointQueryParams)
	c.UserInfoEndpointHeaders = maps.Clone(c.UserInfoEndpointHeaders)
	return c
}

// IsBuiltIn reports whether thirdPartyID chooses a built-in provider (by
// prefix: "google", "google-workspaces", "apple", "github", ...; see
// [BuiltInProviders]) rather than a custom one.
func IsBuiltIn(thirdPartyID string) bool {
	_, b := builtInFor(thirdPartyID)
	return b != nil
}

// WithDefaults returns a copy of c with what the built-in provider its
// ThirdPartyID chooses fills in left empty: name, endpoints, query
// parameters, the user info map and each client's scopes, as sign-in
// would use them. Settings that the built-in provider derives from a
// client's AdditionalConfig (Okta's oktaDomain, Entra ID's directoryId,
// Google Workspaces' hd) are taken from the first client. Nothing is
// checked or fetched; a custom provider gets only the name and the user
// info map defaults.
func WithDefaults(c ProviderConfig) ProviderConfig {
	c = copyConfig(c)
	_, b := builtInFor(c.ThirdPartyID)
	fill := func(cc ClientConfig) ProviderClientConfig {
		pc := ProviderClientConfig{ProviderConfig: copyConfig(c), ClientConfig: cc}
		pc.Clients = nil
		if b != nil {
			// Errors (an Apple client without a key, say) are for
			// sign-in to report; the defaults are set before them.
			_ = b(&pc, &hooks{}, http.DefaultClient)
		}
		applyCommonDefaults(&pc)
		return pc
	}
	first := ClientConfig{}
	if len(c.Clients) > 0 {
		first = c.Clients[0]
	}
	filled := fill(first).ProviderConfig
	filled.Clients = c.Clients
	for i := range filled.Clients {
		filled.Clients[i].Scope = fill(filled.Clients[i]).Scope
	}
	// The built-in providers add checks of their own; they are not part
	// of a configuration that is shown or stored.
	filled.ValidateIDTokenPayload, filled.ValidateAccessToken = c.ValidateIDTokenPayload, c.ValidateAccessToken
	return filled
}

// CheckConfig applies to c the checks the recipe applies to a provider
// of Config.Providers or stored for a tenant, client by client, without
// calling the provider: an id, clients with ids and distinct types, the
// endpoints (or discovery) sign-in needs, and what the built-in provider
// needs (Apple's key, Okta's domain, ...). It returns nil or the joined
// errors.
func CheckConfig(c ProviderConfig) error {
	errs := checkIDs([]ProviderInput{{Config: c}})
	if len(errs) == 0 {
		for _, cc := range c.Clients {
			_, perrs := buildProvider(ProviderInput{Config: c}, cc, http.DefaultClient, time.Now)
			errs = append(errs, perrs...)
		}
	}
	return errors.Join(errs...)
}
