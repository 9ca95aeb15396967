package latchkey

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
)

// LoginMethods says how users of a tenant can sign in: what GET
// /loginmethods answers (reference/sdk-fdi.md §3.3, the flat shape node
// sends and supertokens-web-js reads).
type LoginMethods struct {
	EmailPassword struct {
		Enabled bool `json:"enabled"`
	} `json:"emailPassword"`
	ThirdParty struct {
		Enabled   bool                 `json:"enabled"`
		Providers []ThirdPartyProvider `json:"providers"`
	} `json:"thirdParty"`
	Passwordless struct {
		Enabled bool `json:"enabled"`
	} `json:"passwordless"`
	Webauthn struct {
		Enabled bool `json:"enabled"`
	} `json:"webauthn"`
	// FirstFactors are the factor ids users can sign in with:
	// "emailpassword", "thirdparty", "otp-email", "link-phone", ...
	FirstFactors []string `json:"firstFactors"`
}

// ThirdPartyProvider names a provider on a sign-in page.
type ThirdPartyProvider struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// LoginMethodsProvider is implemented by recipes that users sign in with:
// each adds its part for the tenant.
type LoginMethodsProvider interface {
	AddLoginMethods(tenantID string, lm *LoginMethods)
}

// LoginMethods returns how users of tenantID can sign in, from the
// configured recipes.
func (lk *Latchkey) LoginMethods(tenantID string) *LoginMethods {
	lm := &LoginMethods{FirstFactors: []string{}}
	lm.ThirdParty.Providers = []ThirdPartyProvider{}
	for _, rc := range lk.recipes {
		if p, ok := rc.(LoginMethodsProvider); ok {
			p.AddLoginMethods(TenantOrDefault(tenantID), lm)
		}
	}
	lm.FirstFactors = slices.Compact(lm.FirstFactors)
	return lm
}

// TenantLoginMethods returns how users of tenantID can sign in: the
// configured recipes, narrowed to the tenant's first factors as the core
// stores them, with the tenant's stored third-party providers added to
// those the SDK configures. ErrUnknownTenant for a tenant the core does
// not know.
func (lk *Latchkey) TenantLoginMethods(ctx context.Context, tenantID string) (*LoginMethods, error) {
	lm := lk.LoginMethods(tenantID)
	t, err := lk.GetTenant(ctx, TenantOrDefault(tenantID))
	if err != nil {
		return nil, err
	}
	lm.applyTenant(t)
	return lm, nil
}

// applyTenant narrows lm to what the tenant enabled and adds its stored
// providers.
func (lm *LoginMethods) applyTenant(t Tenant) {
	for _, raw := range t.Providers {
		var p struct {
			ThirdPartyID string `json:"thirdPartyId"`
			Name         string `json:"name"`
		}
		if json.Unmarshal(raw, &p) != nil || p.ThirdPartyID == "" {
			continue
		}
		if !slices.ContainsFunc(lm.ThirdParty.Providers, func(q ThirdPartyProvider) bool { return q.ID == p.ThirdPartyID }) {
			lm.ThirdParty.Providers = append(lm.ThirdParty.Providers, ThirdPartyProvider{ID: p.ThirdPartyID, Name: p.Name})
		}
	}
	if t.FirstFactors == nil {
		return
	}
	lm.FirstFactors = slices.DeleteFunc(lm.FirstFactors, func(f string) bool { return !slices.Contains(t.FirstFactors, f) })
	lm.EmailPassword.Enabled = lm.EmailPassword.Enabled && slices.Contains(lm.FirstFactors, "emailpassword")
	lm.ThirdParty.Enabled = lm.ThirdParty.Enabled && slices.Contains(lm.FirstFactors, "thirdparty")
	lm.Passwordless.Enabled = lm.Passwordless.Enabled && slices.ContainsFunc(lm.FirstFactors, func(f string) bool {
		return strings.HasPrefix(f, "otp-") || strings.HasPrefix(f, "link-")
	})
	if !lm.ThirdParty.Enabled {
		lm.ThirdParty.Providers = []ThirdPartyProvider{}
	}
}

// loginMethodsRoute serves GET /loginmethods (the multitenancy recipe's
// API in SuperTokens; here every instance has it), per tenant.
func (lk *Latchkey) loginMethodsRoute() boundRoute {
	return boundRoute{recipeID: "multitenancy", Route: Route{Method: "GET", Path: "/loginmethods", Handler: func(w http.ResponseWriter, r *http.Request) error {
		lm, err := lk.TenantLoginMethods(r.Context(), TenantID(r.Context()))
		if errors.Is(err, ErrUnknownTenant) {
			return &BadInputError{Message: "unknown tenant"}
		}
		if err != nil {
			return err
		}
		WriteJSON(w, http.StatusOK, struct {
			Status string `json:"status"`
			*LoginMethods
		}{"OK", lm})
		return nil
	}}}
}
