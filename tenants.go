package latchkey

import "context"

// Tenant is one tenant of the app, as the core lists it.
type Tenant struct {
	TenantID string
	// FirstFactors are the ways the tenant lets users sign in
	// ("emailpassword", "otp-email", ...); nil means every way the app
	// offers.
	FirstFactors []string
}

// Tenants lists the app's tenants. CDI: GET /recipe/multitenancy/tenant/list/v2.
func (lk *Latchkey) Tenants(ctx context.Context) ([]Tenant, error) {
	var a struct {
		Tenants []struct {
			TenantID     string   `json:"tenantId"`
			FirstFactors []string `json:"firstFactors"`
		} `json:"tenants"`
	}
	if err := lk.core.Do(ctx, CoreRequest{Path: "/recipe/multitenancy/tenant/list/v2", RecipeID: "multitenancy"}, &a); err != nil {
		return nil, err
	}
	out := make([]Tenant, len(a.Tenants))
	for i, t := range a.Tenants {
		out[i] = Tenant{TenantID: t.TenantID, FirstFactors: t.FirstFactors}
	}
	return out, nil
}
