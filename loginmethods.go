package latchkey

import (
	"net/http"
	"slices"
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

// loginMethodsRoute serves GET /loginmethods (the multitenancy recipe's
// API in SuperTokens; here every instance has it).
func (lk *Latchkey) loginMethodsRoute() boundRoute {
	return boundRoute{recipeID: "multitenancy", Route: Route{Method: "GET", Path: "/loginmethods", Handler: func(w http.ResponseWriter, r *http.Request) error {
		lm := lk.LoginMethods(TenantID(r.Context()))
		WriteJSON(w, http.StatusOK, struct {
			Status string `json:"status"`
			*LoginMethods
		}{"OK", lm})
		return nil
	}}}
}
