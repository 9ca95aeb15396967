package thirdparty

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// RecipeID is the recipe's id.
const RecipeID = "thirdparty"

// Recipe is the third-party recipe. Build it with [New] and pass it in
// latchkey.Config.Recipes, together with the session recipe.
type Recipe struct {
	cfg       Config
	lk        *latchkey.Latchkey
	sess      *session.Recipe
	svc       Service
	apis      APIs
	providers []*providerEntry
}

// providerEntry is one configured provider: one Provider per client type.
type providerEntry struct {
	id      string
	name    string
	all     bool // IncludeInNonPublicTenantsByDefault
	clients map[string]Provider
	single  Provider // the only client, when there is one
}

var (
	_ latchkey.Recipe        = (*Recipe)(nil)
	_ latchkey.RouteProvider = (*Recipe)(nil)
	_ latchkey.ErrorWriter   = (*Recipe)(nil)
)

// New returns the recipe for cfg. Problems in cfg are reported by
// latchkey.New.
func New(cfg Config) *Recipe { return &Recipe{cfg: cfg} }

// ID implements latchkey.Recipe.
func (rc *Recipe) ID() string { return RecipeID }

// Init implements latchkey.Recipe: it checks every provider's
// configuration and builds the providers (without calling them).
func (rc *Recipe) Init(lk *latchkey.Latchkey) error {
	rc.lk = lk
	var errs []error
	if len(rc.cfg.Providers) == 0 {
		errs = append(errs, errNoProviders)
	}
	errs = append(errs, checkIDs(rc.cfg.Providers)...)
	sess, ok := latchkey.FindRecipe[*session.Recipe](lk)
	if !ok {
		errs = append(errs, errors.New("thirdparty: add session.New(...) to latchkey.Config.Recipes: sign-in creates sessions"))
	}
	rc.sess = sess
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	client := providerClient(rc.cfg.HTTPClient)
	for _, in := range rc.cfg.Providers {
		e := &providerEntry{id: in.Config.ThirdPartyID, all: in.IncludeInNonPublicTenantsByDefault, clients: map[string]Provider{}}
		for _, cc := range in.Config.Clients {
			p, perrs := buildProvider(in, cc, client, lk.Now)
			if len(perrs) > 0 {
				errs = append(errs, perrs...)
				continue
			}
			if e.name == "" {
				e.name = p.Config().Name
			}
			pv, err := latchkey.Override[Provider](fmt.Sprintf("thirdparty: provider %q: Override", e.id), Provider(p), in.Override)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			e.clients[cc.ClientType] = pv
			if len(in.Config.Clients) == 1 {
				e.single = pv
			}
		}
		rc.providers = append(rc.providers, e)
	}
	svc, errSvc := latchkey.Override[Service]("thirdparty: Config.Override", coreService{rc: rc}, rc.cfg.Override)
	apis, errAPIs := latchkey.Override[APIs]("thirdparty: Config.APIOverride", defaultAPIs{rc: rc}, rc.cfg.APIOverride)
	rc.svc, rc.apis = svc, apis
	return errors.Join(append(errs, errSvc, errAPIs)...)
}

// buildProvider applies the built-in defaults for one client and checks
// the result.
func buildProvider(in ProviderInput, cc ClientConfig, client *http.Client, now func() time.Time) (*provider, []error) {
	c := ProviderClientConfig{ProviderConfig: in.Config, ClientConfig: cc}
	c.Clients = nil
	c.Scope = append([]string(nil), cc.Scope...)
	var h hooks
	var errs []error
	if _, b := builtInFor(c.ThirdPartyID); b != nil {
		errs = append(errs, b(&c, &h, client)...)
	}
	applyCommonDefaults(&c)
	prefix := fmt.Sprintf("thirdparty: provider %q", c.ThirdPartyID)
	if cc.ClientType != "" {
		prefix += fmt.Sprintf(" (client type %q)", cc.ClientType)
	}
	errs = append(errs, c.validate(prefix)...)
	if c.OIDCDiscoveryEndpoint == "" && c.UserInfoEndpoint == "" && c.JWKSURI == "" && h.userInfo == nil {
		errs = append(errs, fmt.Errorf("%s: set UserInfoEndpoint or JWKSURI (or OIDCDiscoveryEndpoint): nothing says who the user is", prefix))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &provider{cfg: c, hooks: h, client: client, now: now}, nil
}

var errNotInitialised = errors.New("thirdparty: the recipe is not initialised: pass it in latchkey.Config.Recipes and call latchkey.New first")

// Service returns the recipe's functions, with Config.Override applied.
func (rc *Recipe) Service() (Service, error) {
	if rc.svc == nil {
		return nil, errNotInitialised
	}
	return rc.svc, nil
}

// ManuallyCreateOrUpdateUser signs in or signs up the user of a
// third-party account without a provider round trip (an import, a
// dashboard): see Service.ManuallyCreateOrUpdateUser.
func (rc *Recipe) ManuallyCreateOrUpdateUser(ctx context.Context, tenantID string, a Account) (*SignInUpResult, error) {
	svc, err := rc.Service()
	if err != nil {
		return nil, err
	}
	return svc.ManuallyCreateOrUpdateUser(ctx, latchkey.TenantOrDefault(tenantID), a)
}

// ProviderInfo names a provider, as the login methods API lists it.
type ProviderInfo struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Providers returns the providers that serve tenantID, in configuration
// order: every one for the public tenant, those with
// IncludeInNonPublicTenantsByDefault for the others.
func (rc *Recipe) Providers(tenantID string) []ProviderInfo {
	out := []ProviderInfo{}
	for _, e := range rc.providers {
		if e.serves(latchkey.TenantOrDefault(tenantID)) {
			out = append(out, ProviderInfo{ID: e.id, Name: e.name})
		}
	}
	return out
}

func (e *providerEntry) serves(tenantID string) bool {
	return e.all || tenantID == latchkey.DefaultTenantID
}

// provider finds a provider (reference/sdk-fdi.md §2.8: the clientType
// selects among the clients).
func (rc *Recipe) provider(tenantID, thirdPartyID, clientType string) (Provider, error) {
	for _, e := range rc.providers {
		if e.id != thirdPartyID || !e.serves(tenantID) {
			continue
		}
		if clientType == "" {
			if e.single == nil {
				return nil, &lookupError{kind: ErrUnknownClientType, msg: "please provide exactly one client config or pass clientType or tenantId"}
			}
			return e.single, nil
		}
		if p, ok := e.clients[clientType]; ok {
			return p, nil
		}
		return nil, &lookupError{kind: ErrUnknownClientType, msg: "Could not find client config for clientType: " + clientType}
	}
	return nil, &lookupError{kind: ErrUnknownProvider, msg: "the provider " + thirdPartyID + " could not be found in the configuration"}
}

// storedProvider builds the provider from the tenant's config stored in
// the core (PUT /<tenant>/recipe/multitenancy/config/thirdparty), which
// wins over the SDK's configuration for the same id, as in node. found
// is false when the tenant stores no config with this id.
func (rc *Recipe) storedProvider(ctx context.Context, tenantID, thirdPartyID, clientType string) (p Provider, found bool, err error) {
	t, err := rc.lk.GetTenant(ctx, tenantID)
	if err != nil {
		return nil, false, err
	}
	for _, raw := range t.Providers {
		var cfg ProviderConfig
		if err := json.Unmarshal(raw, &cfg); err != nil || cfg.ThirdPartyID != thirdPartyID {
			if err != nil {
				rc.lk.Logger().WarnContext(ctx, "thirdparty: a provider config stored for the tenant does not fit the SDK's", "tenantId", tenantID, "err", err)
			}
			continue
		}
		var cc *ClientConfig
		for i := range cfg.Clients {
			if clientType == "" && len(cfg.Clients) == 1 || clientType != "" && cfg.Clients[i].ClientType == clientType {
				cc = &cfg.Clients[i]
			}
		}
		if cc == nil {
			msg := "please provide exactly one client config or pass clientType or tenantId"
			if clientType != "" {
				msg = "Could not find client config for clientType: " + clientType
			}
			return nil, true, &lookupError{kind: ErrUnknownClientType, msg: msg}
		}
		built, errs := buildProvider(ProviderInput{Config: cfg}, *cc, providerClient(rc.cfg.HTTPClient), rc.lk.Now)
		if len(errs) > 0 {
			return nil, true, fmt.Errorf("thirdparty: the config stored for tenant %q: %w", tenantID, errors.Join(errs...))
		}
		return built, true, nil
	}
	return nil, false, nil
}

// lookupError is ErrUnknownProvider or ErrUnknownClientType with the
// message the frontend gets (node's).
type lookupError struct {
	kind error
	msg  string
}

func (e *lookupError) Error() string { return "thirdparty: " + e.msg }
func (e *lookupError) Unwrap() error { return e.kind }

// lookupMessage is the 400 message of a failed provider lookup.
func lookupMessage(err error) (string, bool) {
	var le *lookupError
	switch {
	case errors.As(err, &le):
		return le.msg, true
	case errors.Is(err, ErrUnknownProvider), errors.Is(err, ErrUnknownClientType):
		return err.Error(), true
	}
	return "", false
}

// requireEmail is ProviderConfig.RequireEmail with its default.
func requireEmail(c ProviderClientConfig) bool { return c.RequireEmail == nil || *c.RequireEmail }

// fakeEmail makes the email of a user the provider gave none for.
func fakeEmail(ctx context.Context, c ProviderClientConfig, tenantID, thirdPartyUserID string) (string, error) {
	if c.GenerateFakeEmail != nil {
		return c.GenerateFakeEmail(ctx, tenantID, thirdPartyUserID)
	}
	return thirdPartyUserID + "." + c.ThirdPartyID + "@stfakeemail.supertokens.com", nil
}
