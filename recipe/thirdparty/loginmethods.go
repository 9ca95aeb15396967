package thirdparty

import "github.com/latchkey-dev/latchkey"

// AddLoginMethods implements latchkey.LoginMethodsProvider: the providers
// that serve the tenant.
func (rc *Recipe) AddLoginMethods(tenantID string, lm *latchkey.LoginMethods) {
	lm.ThirdParty.Enabled = true
	for _, p := range rc.Providers(tenantID) {
		lm.ThirdParty.Providers = append(lm.ThirdParty.Providers, latchkey.ThirdPartyProvider{ID: p.ID, Name: p.Name})
	}
	lm.FirstFactors = append(lm.FirstFactors, "thirdparty")
}
