// Package multitenancy serves what the SDKs need to know about tenants
// (reference/cdi-core.md §2.10). The tenants are those the store knows,
// found through the transport's tenant lookup; each has every login
// method enabled and no settings of its own, until multitenancy proper
// (issue 14) stores them:
//
//	GET /recipe/multitenancy/tenant/v2       the request's tenant
//	GET /recipe/multitenancy/tenant/list/v2  every tenant
package multitenancy

import (
	"context"
	"errors"
	"net/http"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/core/internal/tenants"
	"github.com/latchkey-dev/latchkey/internal/tenantid"
	"github.com/latchkey-dev/latchkey/store"
)

// Service answers what a tenant's configuration is.
type Service struct {
	// Tenants finds a tenant; the core passes the transport's lookup.
	Tenants tenants.Lookup
}

// Tenant returns the configuration of tenantID, or
// cdi.ErrTenantNotFound.
func (s *Service) Tenant(ctx context.Context, tenantID string) (TenantConfig, error) {
	t, err := s.Tenants.Tenant(ctx, tenantID)
	if errors.Is(err, store.ErrNotFound) {
		return TenantConfig{}, cdi.ErrTenantNotFound
	}
	if err != nil {
		return TenantConfig{}, err
	}
	return TenantConfig{TenantID: t.ID, ThirdParty: ThirdParty{Providers: []any{}}, CoreConfig: map[string]any{}}, nil
}

// TenantConfig is a tenant on the wire. firstFactors and
// requiredSecondaryFactors are left out rather than null: node checks
// `firstFactors !== undefined` and then calls .filter on it.
type TenantConfig struct {
	TenantID   string         `json:"tenantId"`
	ThirdParty ThirdParty     `json:"thirdParty"`
	CoreConfig map[string]any `json:"coreConfig"`
}

// ThirdParty is a tenant's third-party providers: none yet.
type ThirdParty struct {
	Providers []any `json:"providers"`
}

// Handler serves the tenant endpoints over a Service.
type Handler struct {
	Service *Service
}

// New returns a Handler over s.
func New(s *Service) *Handler { return &Handler{Service: s} }

// tenant answers the request's tenant, which the transport has found.
func (h *Handler) tenant(w http.ResponseWriter, r *http.Request) error {
	t, err := h.Service.Tenant(r.Context(), cdi.Tenant(r.Context()))
	if err != nil {
		return err
	}
	cdi.WriteJSON(w, struct {
		Status string `json:"status"`
		TenantConfig
	}{"OK", t})
	return nil
}

// list answers every tenant; only the default tenant may ask (an app
// API, reference §1.1). Only the default tenant exists yet.
func (h *Handler) list(w http.ResponseWriter, r *http.Request) error {
	if cdi.Tenant(r.Context()) != tenantid.Default {
		return cdi.ErrPublicTenantOnly
	}
	t, err := h.Service.Tenant(r.Context(), tenantid.Default)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"tenants": []TenantConfig{t}})
	return nil
}
