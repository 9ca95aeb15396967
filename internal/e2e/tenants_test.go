package e2e

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/internal/localoidc"
	"github.com/latchkey-dev/latchkey/recipe/multitenancy"
)

// TestTenantsThroughTheSDK: the SDK's typed tenant calls against a real
// core, and its FDI under /auth/<tenant>/: a user signed up on a tenant
// signs in there only, its session names the tenant, /loginmethods
// follows the tenant's stored factors and providers, and an unknown
// tenant is refused.
func TestTenantsThroughTheSDK(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a := newApp(t, m, options{})
		ctx := t.Context()
		lk := a.lk

		factors := []string{"emailpassword"}
		created, err := lk.CreateOrUpdateTenant(ctx, "acme", latchkey.TenantConfig{FirstFactors: &factors})
		if err != nil || !created {
			t.Fatalf("CreateOrUpdateTenant = %v, %v", created, err)
		}
		if _, err := lk.CreateOrUpdateThirdPartyConfig(ctx, "acme", map[string]any{"thirdPartyId": "okta", "name": "Okta",
			"clients": []any{map[string]any{"clientId": "c"}}}, false); err != nil {
			t.Fatalf("CreateOrUpdateThirdPartyConfig: %v", err)
		}
		var cve *latchkey.ConfigValidationError
		if _, err := lk.CreateOrUpdateThirdPartyConfig(ctx, "acme", map[string]any{"thirdPartyId": "x"}, false); !errors.As(err, &cve) {
			t.Errorf("a nameless provider: %v, want a ConfigValidationError", err)
		}
		tn, err := lk.GetTenant(ctx, "acme")
		if err != nil || tn.TenantID != "acme" || len(tn.FirstFactors) != 1 || len(tn.Providers) != 1 {
			t.Fatalf("GetTenant = %+v, %v", tn, err)
		}
		if _, err := lk.GetTenant(ctx, "nope"); !errors.Is(err, latchkey.ErrUnknownTenant) {
			t.Errorf("GetTenant(nope) = %v, want ErrUnknownTenant", err)
		}

		b := a.browser(true)
		up := b.post("/auth/acme/signup", fields("email", "ann@example.com", "password", "ann-pass-1"))
		up.want(t, 200, "OK")
		userID := up.body["user"].(map[string]any)["id"].(string)
		if p := b.frontPayload(); p["tId"] != "acme" {
			t.Errorf("session payload tId = %v, want acme", p["tId"])
		}
		b.get("/api/me").want(t, 200, "")

		other := a.browser(true)
		other.post("/auth/signin", fields("email", "ann@example.com", "password", "ann-pass-1")).want(t, 200, "WRONG_CREDENTIALS_ERROR")
		other.post("/auth/nope/signin", fields("email", "ann@example.com", "password", "ann-pass-1")).want(t, 400, "")
		other.post("/auth/acme/signin", fields("email", "ann@example.com", "password", "ann-pass-1")).want(t, 200, "OK")

		lm := other.get("/auth/acme/loginmethods")
		lm.want(t, 200, "OK")
		if ep := lm.body["emailPassword"].(map[string]any); ep["enabled"] != true {
			t.Errorf("acme loginmethods emailPassword = %v", ep)
		}
		if ff := lm.body["firstFactors"].([]any); len(ff) != 1 || ff[0] != "emailpassword" {
			t.Errorf("acme loginmethods firstFactors = %v", ff)
		}
		// Third party is not a first factor of acme, so its stored
		// provider is not offered.
		if tp := lm.body["thirdParty"].(map[string]any); tp["enabled"] != false || len(tp["providers"].([]any)) != 0 {
			t.Errorf("acme loginmethods thirdParty = %v", tp)
		}
		other.get("/auth/nope/loginmethods").want(t, 400, "")

		// Association, through the SDK.
		if already, err := lk.AssociateUserToTenant(ctx, latchkey.DefaultTenantID, userID); err != nil || already {
			t.Fatalf("AssociateUserToTenant = %v, %v", already, err)
		}
		a.browser(true).post("/auth/signin", fields("email", "ann@example.com", "password", "ann-pass-1")).want(t, 200, "OK")
		var ae *latchkey.AssociationError
		if _, err := lk.AssociateUserToTenant(ctx, "acme", "00000000-0000-4000-8000-000000000000"); !errors.As(err, &ae) || ae.Status != "UNKNOWN_USER_ID_ERROR" {
			t.Errorf("AssociateUserToTenant(unknown) = %v", err)
		}
		if was, err := lk.DisassociateUserFromTenant(ctx, latchkey.DefaultTenantID, userID); err != nil || !was {
			t.Errorf("DisassociateUserFromTenant = %v, %v", was, err)
		}
		ts, err := lk.Tenants(ctx)
		if err != nil || len(ts) != 2 || ts[0].TenantID != "acme" {
			t.Errorf("Tenants = %+v, %v", ts, err)
		}
		if existed, err := lk.DeleteThirdPartyConfig(ctx, "acme", "okta"); err != nil || !existed {
			t.Errorf("DeleteThirdPartyConfig = %v, %v", existed, err)
		}
		if existed, err := lk.DeleteTenant(ctx, "acme"); err != nil || !existed {
			t.Errorf("DeleteTenant = %v, %v", existed, err)
		}
	})
}

// TestThirdPartyFromTenantConfig: a provider the SDK does not configure,
// stored for a tenant in the core, signs users in on that tenant only.
func TestThirdPartyFromTenantConfig(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a := newTPApp(t, m)
		ctx := t.Context()
		factors := []string{"thirdparty"}
		if _, err := a.lk.CreateOrUpdateTenant(ctx, "acme", latchkey.TenantConfig{FirstFactors: &factors}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.lk.CreateOrUpdateThirdPartyConfig(ctx, "acme", map[string]any{
			"thirdPartyId": "acme-sso", "name": "Acme SSO",
			"oidcDiscoveryEndpoint": a.idp.URL + "/.well-known/openid-configuration",
			"clients":               []any{map[string]any{"clientId": "latchkey-e2e", "clientSecret": "e2e-secret", "scope": []string{"openid", "email"}}},
		}, false); err != nil {
			t.Fatal(err)
		}
		b := a.browser(false)
		lm := b.get("/auth/acme/loginmethods")
		lm.want(t, 200, "OK")
		found := false
		for _, p := range lm.body["thirdParty"].(map[string]any)["providers"].([]any) {
			found = found || p.(map[string]any)["id"] == "acme-sso" && p.(map[string]any)["name"] == "Acme SSO"
		}
		if !found {
			t.Errorf("acme loginmethods lack the stored provider: %s", lm.raw)
		}
		// Not a provider of public.
		b.get("/auth/authorisationurl?thirdPartyId=acme-sso&redirectURIOnProviderDashboard="+url.QueryEscape(tpRedirect)).want(t, 400, "")

		r := b.get("/auth/acme/authorisationurl?thirdPartyId=acme-sso&redirectURIOnProviderDashboard=" + url.QueryEscape(tpRedirect))
		r.want(t, 200, "OK")
		q, err := localoidc.SignIn(r.body["urlWithQueryParams"].(string)+"&state=frontend-state", tpRedirect, localoidc.Login{Email: "sso@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		params := map[string]any{}
		for k := range q {
			params[k] = q.Get(k)
		}
		up := b.post("/auth/acme/signinup", map[string]any{"thirdPartyId": "acme-sso", "redirectURIInfo": map[string]any{
			"redirectURIOnProviderDashboard": tpRedirect, "redirectURIQueryParams": params, "pkceCodeVerifier": r.body["pkceCodeVerifier"]}},
			"rid", "thirdparty")
		up.want(t, 200, "OK")
		user := up.body["user"].(map[string]any)
		if ts := user["tenantIds"].([]any); len(ts) != 1 || ts[0] != "acme" || user["emails"].([]any)[0] != "sso@example.com" {
			t.Errorf("sign-up through the stored provider: %s", up.raw)
		}
	})
}

// TestAllowedDomainsClaim: with AllowedDomains set, a session carries its
// tenant's domains as st-t-dmns.
func TestAllowedDomainsClaim(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		mt := multitenancy.New(multitenancy.Config{AllowedDomains: func(_ context.Context, tenantID string) ([]string, error) {
			return []string{tenantID + ".example.com"}, nil
		}})
		a := newApp(t, m, options{extra: []latchkey.Recipe{mt}})
		factors := []string{"emailpassword"}
		if _, err := a.lk.CreateOrUpdateTenant(t.Context(), "acme", latchkey.TenantConfig{FirstFactors: &factors}); err != nil {
			t.Fatal(err)
		}
		b := a.browser(true)
		b.post("/auth/acme/signup", fields("email", "dom@example.com", "password", "dom-pass-1")).want(t, 200, "OK")
		claim, _ := b.frontPayload()[multitenancy.AllowedDomainsClaimKey].(map[string]any)
		if v, _ := claim["v"].([]any); len(v) != 1 || v[0] != "acme.example.com" {
			t.Errorf("st-t-dmns = %v, want acme's domain", claim)
		}
		pub := a.browser(true)
		pub.post("/auth/signup", fields("email", "dom@example.com", "password", "dom-pass-1")).want(t, 200, "OK")
		claim, _ = pub.frontPayload()[multitenancy.AllowedDomainsClaimKey].(map[string]any)
		if v, _ := claim["v"].([]any); len(v) != 1 || v[0] != "public.example.com" {
			t.Errorf("st-t-dmns on public = %v", claim)
		}
	})
}

// TestLoginMethodNotEnabled: the FDI of a login method the tenant has not
// enabled answers node's 401, not a 500, and creates no user.
func TestLoginMethodNotEnabled(t *testing.T) {
	modes(t, func(t *testing.T, m coretest.Mode) {
		a := newApp(t, m, options{})
		factors := []string{"thirdparty"}
		if _, err := a.lk.CreateOrUpdateTenant(t.Context(), "sso-only", latchkey.TenantConfig{FirstFactors: &factors}); err != nil {
			t.Fatal(err)
		}
		b := a.browser(true)
		for _, path := range []string{"/auth/sso-only/signup", "/auth/sso-only/signin"} {
			r := b.post(path, fields("email", "no@example.com", "password", "no-pass-1"))
			if r.code != 401 || r.body["message"] != "A valid session is required to authenticate with secondary factors" {
				t.Errorf("%s: %d %s", path, r.code, r.raw)
			}
		}
		if n := a.core.Get(t, "/sso-only/users/count").JSON(t)["count"]; n != 0.0 {
			t.Errorf("users on sso-only = %v", n)
		}
	})
}
