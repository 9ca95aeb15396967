// Package multitenancy serves what the SDKs need to know about tenants
// (reference/cdi-core.md §2.10). Only the public tenant of the public app
// exists, with every login method enabled:
//
//	GET /recipe/multitenancy/tenant/v2       the request's tenant
//	GET /recipe/multitenancy/tenant/list/v2  every tenant
package multitenancy

import (
	"net/http"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/internal/tenantid"
)

// Handler serves the tenant endpoints.
type Handler struct{}

// Mount registers the tenant endpoints.
func (h Handler) Mount(rt *cdi.Router) {
	rt.HandleFunc("GET /recipe/multitenancy/tenant/v2", h.tenant)
	rt.HandleFunc("GET /recipe/multitenancy/tenant/list/v2", h.list)
}

// tenantConfig is a tenant on the wire. firstFactors and
// requiredSecondaryFactors are left out rather than null: node checks
// `firstFactors !== undefined` and then calls .filter on it.
type tenantConfig struct {
	TenantID   string         `json:"tenantId"`
	ThirdParty thirdParty     `json:"thirdParty"`
	CoreConfig map[string]any `json:"coreConfig"`
}

type thirdParty struct {
	Providers []any `json:"providers"`
}

func publicTenant() tenantConfig {
	return tenantConfig{TenantID: tenantid.Default, ThirdParty: thirdParty{Providers: []any{}}, CoreConfig: map[string]any{}}
}

func (Handler) tenant(w http.ResponseWriter, r *http.Request) error {
	t := publicTenant()
	t.TenantID = cdi.Tenant(r.Context())
	cdi.WriteJSON(w, struct {
		Status string `json:"status"`
		tenantConfig
	}{"OK", t})
	return nil
}

func (Handler) list(w http.ResponseWriter, r *http.Request) error {
	if cdi.Tenant(r.Context()) != tenantid.Default {
		return cdi.ErrPublicTenantOnly
	}
	cdi.OK(w, map[string]any{"tenants": []tenantConfig{publicTenant()}})
	return nil
}
