// Package multitenancy is the SDK's multitenancy recipe
// (reference/sdk-fdi.md §3, "multitenancy"): the allowed-domains claim
// (st-t-dmns) in sessions.
//
// The rest of multitenancy needs no recipe and works for every
// latchkey.Latchkey: the FDI under {apiBasePath}/<tenantId>/..., GET
// /loginmethods per tenant from the tenant's stored factors and providers,
// the tenant in sessions (tId), third-party providers merged from the SDK's
// configuration and the tenant's stored one (recipe/thirdparty), and the
// typed tenant calls for back-office code on latchkey.Latchkey
// (CreateOrUpdateTenant, GetTenant, Tenants, DeleteTenant,
// CreateOrUpdateThirdPartyConfig, DeleteThirdPartyConfig,
// AssociateUserToTenant, DisassociateUserFromTenant, TenantCoreConfig).
package multitenancy

import (
	"context"
	"errors"
	"time"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// RecipeID is the recipe's id.
const RecipeID = "multitenancy"

// AllowedDomainsClaimKey is the payload key of the allowed-domains claim.
const AllowedDomainsClaimKey = "st-t-dmns"

// allowedDomainsMaxAge is how long the claim's value is used before a
// validator fetches it again (reference/sdk-fdi.md §1.7: 3600 s).
const allowedDomainsMaxAge = time.Hour

// Config configures the recipe.
type Config struct {
	// AllowedDomains returns the domains the tenant's website may be
	// served from, which sessions carry as the st-t-dmns claim for the
	// frontend to check. Default: nil, and sessions carry no such claim
	// (as in node, where the claim needs getAllowedDomainsForTenantId).
	AllowedDomains func(ctx context.Context, tenantID string) ([]string, error)
}

// Recipe is the multitenancy recipe. Create it with New.
type Recipe struct {
	cfg   Config
	claim session.ArrayClaim
}

var _ latchkey.Recipe = (*Recipe)(nil)

// New returns the recipe for cfg.
func New(cfg Config) *Recipe {
	rc := &Recipe{cfg: cfg}
	rc.claim = session.ArrayClaim{Claim: &session.Claim{Key: AllowedDomainsClaimKey, Fetch: rc.fetch, DefaultMaxAge: allowedDomainsMaxAge}}
	return rc
}

// ID implements latchkey.Recipe.
func (rc *Recipe) ID() string { return RecipeID }

// Init implements latchkey.Recipe: with AllowedDomains set, the claim is
// added to every new session.
func (rc *Recipe) Init(lk *latchkey.Latchkey) error {
	if rc.cfg.AllowedDomains == nil {
		return nil
	}
	sess, ok := latchkey.FindRecipe[*session.Recipe](lk)
	if !ok {
		return errors.New("multitenancy: add session.New(...) to latchkey.Config.Recipes: Config.AllowedDomains puts a claim in sessions")
	}
	sess.AddClaim(rc.claim.Claim)
	return nil
}

// AllowedDomainsClaim returns the st-t-dmns claim, for validators such as
// AllowedDomainsClaim().Includes("acme.example.com").
func (rc *Recipe) AllowedDomainsClaim() session.ArrayClaim { return rc.claim }

func (rc *Recipe) fetch(ctx context.Context, _, _, tenantID string) (any, error) {
	if rc.cfg.AllowedDomains == nil {
		return nil, nil
	}
	domains, err := rc.cfg.AllowedDomains(ctx, latchkey.TenantOrDefault(tenantID))
	if err != nil || domains == nil {
		return nil, err
	}
	out := make([]any, len(domains))
	for i, d := range domains {
		out[i] = d
	}
	return out, nil
}
