package dashboard

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/dashboard"
	"github.com/latchkey-dev/latchkey/recipe/thirdparty"
)

// tenantProviders are the SDK's providers of the tenant tests: GitHub,
// offered to every tenant, and Discord, for the public tenant only.
func tenantProviders() []thirdparty.ProviderInput {
	return []thirdparty.ProviderInput{
		{Config: thirdparty.ProviderConfig{ThirdPartyID: "github", Clients: []thirdparty.ClientConfig{{ClientID: "gh-id", ClientSecret: "gh-secret"}}},
			IncludeInNonPublicTenantsByDefault: true},
		{Config: thirdparty.ProviderConfig{ThirdPartyID: "discord", Clients: []thirdparty.ClientConfig{{ClientID: "dc-id", ClientSecret: "dc-secret"}}}},
	}
}

// startTenants starts an env for the tenant tests on engine, with the
// viewer read-only.
func startTenants(t *testing.T, engine string, o options) *env {
	t.Helper()
	o.engine = engine
	o.dash = dashboard.Config{Admins: []string{adminEmail}}
	if o.providers == nil {
		o.providers = tenantProviders()
	}
	return start(t, o)
}

// customProvider is a valid custom OIDC provider config.
func customProvider(id string) map[string]any {
	return map[string]any{"thirdPartyId": id, "name": "Acme SSO",
		"clients":               []any{map[string]any{"clientId": "acme-client", "clientSecret": "acme-secret", "scope": []any{"openid", "email"}}},
		"oidcDiscoveryEndpoint": "https://sso.acme.example/.well-known/openid-configuration"}
}

// tenantOf reads GET /{id}/dashboard/api/tenant.
func (e *env) tenantOf(tok, id string) map[string]any {
	e.t.Helper()
	return e.ok(tok, "GET", "/"+id+"/dashboard/api/tenant", nil)["tenant"].(map[string]any)
}

func providerIDs(tenant map[string]any) []string {
	var ids []string
	for _, p := range tenant["thirdParty"].(map[string]any)["providers"].([]any) {
		ids = append(ids, p.(map[string]any)["thirdPartyId"].(string))
	}
	return ids
}

func TestTenantsAPI(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := startTenants(t, engine, options{})
			tok := e.signIn(adminEmail)

			t.Run("create", func(t *testing.T) {
				if m := e.ok(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": "acme"}); m["createdNew"] != true {
					t.Errorf("create: %v", m)
				}
				e.want(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": "acme"}, "TENANT_ID_ALREADY_EXISTS_ERROR")
				e.want(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": " ACME "}, "TENANT_ID_ALREADY_EXISTS_ERROR")
				e.want(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": "public"}, "TENANT_ID_ALREADY_EXISTS_ERROR")
				for id, msg := range map[string]string{
					"a b":                   "Invalid tenantId: use only lower-case letters, digits and '-'",
					"a_b":                   "Invalid tenantId: use only lower-case letters, digits and '-'",
					"recipe":                `Invalid tenantId: "recipe" is a reserved word`,
					"appid-x":               "Invalid tenantId: it must not start with 'appid-'",
					strings.Repeat("a", 65): "Invalid tenantId: at most 64 characters",
				} {
					if m := e.want(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": id}, "INVALID_TENANT_ID_ERROR"); m["message"] != msg {
						t.Errorf("%q: message %v, want %q", id, m["message"], msg)
					}
				}
				e.wantCode(tok, "POST", "/dashboard/api/tenant", map[string]any{}, 400, "Required parameter 'tenantId' is missing or has an invalid type")
				e.wantCode(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": 7}, 400, "Required parameter 'tenantId' is missing or has an invalid type")
				e.wantCode(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": "  "}, 400, "Required parameter 'tenantId' is missing or has an invalid type")
				// A create the core refuses (a bad factor) leaves no tenant.
				e.wantCode(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": "half", "firstFactors": []any{"no such factor"}}, 400, "")
				e.want(tok, "GET", "/half/dashboard/api/tenant", nil, "UNKNOWN_TENANT_ERROR")
				e.wantCode(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": "half", "firstFactors": "emailpassword"}, 400, "'firstFactors' must be an array of factor ids or null")
				e.want(tok, "GET", "/half/dashboard/api/tenant", nil, "UNKNOWN_TENANT_ERROR")
			})

			t.Run("get", func(t *testing.T) {
				ten := e.tenantOf(tok, "acme")
				if ten["tenantId"] != "acme" || ten["userCount"] != float64(0) || !reflect.DeepEqual(ten["requiredSecondaryFactors"], []any{}) {
					t.Errorf("tenant: %v", ten)
				}
				// GitHub is offered to every tenant; Discord only to public.
				if got := providerIDs(ten); !reflect.DeepEqual(got, []string{"github"}) {
					t.Errorf("acme providers: %v", got)
				}
				if got := providerIDs(e.tenantOf(tok, "public")); !reflect.DeepEqual(got, []string{"github", "discord"}) {
					t.Errorf("public providers: %v", got)
				}
				cfg, _ := ten["coreConfig"].([]any)
				if len(cfg) == 0 {
					t.Fatalf("coreConfig: %v", ten["coreConfig"])
				}
				f := cfg[0].(map[string]any)
				for _, k := range []string{"key", "valueType", "value", "description", "isDifferentAcrossTenants", "isNullable", "defaultValue", "isPluginProperty", "isPluginPropertyEditable"} {
					if _, ok := f[k]; !ok {
						t.Errorf("coreConfig field without %s: %v", k, f)
					}
				}
				e.want(tok, "GET", "/nope/dashboard/api/tenant", nil, "UNKNOWN_TENANT_ERROR")
				// An id that is no tenant id is not a tenant path at all.
				if r := e.call(tok, "GET", "/No_Such!/dashboard/api/tenant", nil); r.Code == 200 || r.Code >= 500 {
					t.Errorf("invalid tenant id in the path: %d %s", r.Code, r.Body)
				}
			})

			t.Run("first factors", func(t *testing.T) {
				e.ok(tok, "PUT", "/acme/dashboard/api/tenant/first-factor", map[string]any{"factorId": "emailpassword", "enable": true})
				e.ok(tok, "PUT", "/acme/dashboard/api/tenant/first-factor", map[string]any{"factorId": "thirdparty", "enable": true})
				if f := e.tenantOf(tok, "acme")["firstFactors"]; !reflect.DeepEqual(f, []any{"emailpassword", "thirdparty"}) {
					t.Errorf("firstFactors: %v", f)
				}
				e.ok(tok, "PUT", "/acme/dashboard/api/tenant/first-factor", map[string]any{"factorId": "emailpassword", "enable": false})
				if f := e.tenantOf(tok, "acme")["firstFactors"]; !reflect.DeepEqual(f, []any{"thirdparty"}) {
					t.Errorf("firstFactors after disabling: %v", f)
				}
				for factor, msg := range map[string]string{
					"otp-email":  "Please initialise Passwordless recipe to be able to use this login method",
					"link-phone": "Please initialise Passwordless recipe to be able to use this login method",
					"webauthn":   "Please initialise WebAuthn recipe to be able to use this login method",
				} {
					m := e.want(tok, "PUT", "/acme/dashboard/api/tenant/first-factor", map[string]any{"factorId": factor, "enable": true}, "RECIPE_NOT_CONFIGURED_ON_BACKEND_SDK_ERROR")
					if m["message"] != msg {
						t.Errorf("%s: %v", factor, m["message"])
					}
				}
				// Disabling a factor no recipe serves is fine.
				e.ok(tok, "PUT", "/acme/dashboard/api/tenant/first-factor", map[string]any{"factorId": "otp-email", "enable": false})
				e.want(tok, "PUT", "/nope/dashboard/api/tenant/first-factor", map[string]any{"factorId": "emailpassword", "enable": true}, "UNKNOWN_TENANT_ERROR")
				e.want(tok, "GET", "/nope/dashboard/api/tenant", nil, "UNKNOWN_TENANT_ERROR") // not created by the write
				e.wantCode(tok, "PUT", "/acme/dashboard/api/tenant/first-factor", map[string]any{"factorId": "magic", "enable": true}, 400, "")
				e.wantCode(tok, "PUT", "/acme/dashboard/api/tenant/first-factor", map[string]any{"factorId": "emailpassword"}, 400, "Required parameter 'enable' is missing or has an invalid type")
				e.wantCode(tok, "PUT", "/acme/dashboard/api/tenant/first-factor", map[string]any{"enable": true}, 400, "Required parameter 'factorId' is missing or has an invalid type")
			})

			t.Run("secondary factors", func(t *testing.T) {
				e.want(tok, "PUT", "/acme/dashboard/api/tenant/required-secondary-factor", map[string]any{"factorId": "totp", "enable": true}, "MFA_NOT_INITIALIZED_ERROR")
				e.want(tok, "PUT", "/nope/dashboard/api/tenant/required-secondary-factor", map[string]any{"factorId": "totp", "enable": true}, "UNKNOWN_TENANT_ERROR")
				e.wantCode(tok, "PUT", "/acme/dashboard/api/tenant/required-secondary-factor", map[string]any{"factorId": "totp"}, 400, "Required parameter 'enable' is missing or has an invalid type")
				// What the core stores is still shown.
				if _, err := e.lk.CreateOrUpdateTenant(t.Context(), "acme", tenantSecondary("totp")); err != nil {
					t.Fatal(err)
				}
				if f := e.tenantOf(tok, "acme")["requiredSecondaryFactors"]; !reflect.DeepEqual(f, []any{"totp"}) {
					t.Errorf("requiredSecondaryFactors: %v", f)
				}
			})

			t.Run("core config", func(t *testing.T) {
				e.ok(tok, "PUT", "/acme/dashboard/api/tenant/core-config", map[string]any{"name": "passwordless_code_lifetime", "value": 60000})
				if v := coreConfigValue(e.tenantOf(tok, "acme"), "passwordless_code_lifetime"); v != float64(60000) {
					t.Errorf("value after set: %v", v)
				}
				e.ok(tok, "PUT", "/acme/dashboard/api/tenant/core-config", map[string]any{"name": "passwordless_code_lifetime", "value": nil})
				if v := coreConfigValue(e.tenantOf(tok, "acme"), "passwordless_code_lifetime"); v == float64(60000) {
					t.Errorf("value after null: %v", v)
				}
				for _, tc := range []struct {
					tenant string
					body   map[string]any
				}{
					{"acme", map[string]any{"name": "no_such_setting", "value": 1}},
					{"acme", map[string]any{"name": "passwordless_code_lifetime", "value": -5}},
					{"acme", map[string]any{"name": "passwordless_code_lifetime", "value": "soon"}},
					{"public", map[string]any{"name": "passwordless_code_lifetime", "value": 60000}},
				} {
					if m := e.want(tok, "PUT", "/"+tc.tenant+"/dashboard/api/tenant/core-config", tc.body, "INVALID_CONFIG_ERROR"); m["message"] == "" || m["message"] == nil {
						t.Errorf("%v: no message: %v", tc.body, m)
					}
				}
				e.want(tok, "PUT", "/nope/dashboard/api/tenant/core-config", map[string]any{"name": "passwordless_code_lifetime", "value": 60000}, "UNKNOWN_TENANT_ERROR")
				e.want(tok, "GET", "/nope/dashboard/api/tenant", nil, "UNKNOWN_TENANT_ERROR")
				e.wantCode(tok, "PUT", "/acme/dashboard/api/tenant/core-config", map[string]any{"name": "passwordless_code_lifetime"}, 400, "Required parameter 'value' is missing or has an invalid type")
				e.wantCode(tok, "PUT", "/acme/dashboard/api/tenant/core-config", map[string]any{"value": 1}, 400, "Required parameter 'name' is missing or has an invalid type")
			})

			t.Run("users", func(t *testing.T) {
				e.ok(tok, "PUT", "/acme/dashboard/api/tenant/first-factor", map[string]any{"factorId": "emailpassword", "enable": true})
				id := e.signUp("tenant-user@example.com", "pass-word-1")
				if m := e.ok(tok, "POST", "/acme/dashboard/api/tenant/user", map[string]any{"userId": id}); m["wasAlreadyAssociated"] != false {
					t.Errorf("add: %v", m)
				}
				if m := e.ok(tok, "POST", "/acme/dashboard/api/tenant/user", map[string]any{"userId": id}); m["wasAlreadyAssociated"] != true {
					t.Errorf("add again: %v", m)
				}
				if n := e.tenantOf(tok, "acme")["userCount"]; n != float64(1) {
					t.Errorf("userCount: %v", n)
				}
				counts := map[string]any{}
				for _, ten := range e.ok(tok, "GET", "/dashboard/api/tenants", nil)["tenants"].([]any) {
					m := ten.(map[string]any)
					counts[m["tenantId"].(string)] = m["userCount"]
				}
				if !reflect.DeepEqual(counts, map[string]any{"public": float64(1), "acme": float64(1)}) {
					t.Errorf("GET /tenants userCount: %v", counts)
				}
				e.want(tok, "POST", "/acme/dashboard/api/tenant/user", map[string]any{"userId": "no-such-user"}, "UNKNOWN_USER_ID_ERROR")
				// Another user with the same email in the tenant.
				other, err := e.ep.SignUp(t.Context(), "acme", "dupe@example.com", "pass-word-1")
				if err != nil {
					t.Fatal(err)
				}
				_ = other
				dupe := e.signUp("dupe@example.com", "pass-word-1")
				e.want(tok, "POST", "/acme/dashboard/api/tenant/user", map[string]any{"userId": dupe}, "EMAIL_ALREADY_EXISTS_ERROR")
				e.want(tok, "POST", "/nope/dashboard/api/tenant/user", map[string]any{"userId": id}, "UNKNOWN_TENANT_ERROR")
				e.wantCode(tok, "POST", "/acme/dashboard/api/tenant/user", map[string]any{}, 400, "Required parameter 'userId' is missing or has an invalid type")
				e.wantCode(tok, "POST", "/acme/dashboard/api/tenant/user", map[string]any{"userId": strings.Repeat("x", 200)}, 400, "'userId' must be at most 128 characters")

				if m := e.ok(tok, "POST", "/acme/dashboard/api/tenant/user/remove", map[string]any{"userId": id}); m["wasAssociated"] != true {
					t.Errorf("remove: %v", m)
				}
				if m := e.ok(tok, "POST", "/acme/dashboard/api/tenant/user/remove", map[string]any{"userId": id}); m["wasAssociated"] != false {
					t.Errorf("remove again: %v", m)
				}
				e.want(tok, "POST", "/nope/dashboard/api/tenant/user/remove", map[string]any{"userId": id}, "UNKNOWN_TENANT_ERROR")
				e.wantCode(tok, "POST", "/acme/dashboard/api/tenant/user/remove", map[string]any{"userId": 5}, 400, "Required parameter 'userId' is missing or has an invalid type")
			})

			t.Run("delete", func(t *testing.T) {
				e.want(tok, "DELETE", "/dashboard/api/tenant", nil, "CANNOT_DELETE_PUBLIC_TENANT_ERROR")
				e.want(tok, "DELETE", "/public/dashboard/api/tenant", nil, "CANNOT_DELETE_PUBLIC_TENANT_ERROR")
				e.ok(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": "gone"})
				if m := e.ok(tok, "DELETE", "/gone/dashboard/api/tenant", nil); m["didExist"] != true {
					t.Errorf("delete: %v", m)
				}
				if m := e.ok(tok, "DELETE", "/gone/dashboard/api/tenant", nil); m["didExist"] != false {
					t.Errorf("delete again: %v", m)
				}
				e.want(tok, "GET", "/gone/dashboard/api/tenant", nil, "UNKNOWN_TENANT_ERROR")
			})
		})
	}
}

// tenantSecondary is a tenant config that sets the required secondary
// factors.
func tenantSecondary(factors ...string) latchkey.TenantConfig {
	return latchkey.TenantConfig{RequiredSecondaryFactors: &factors}
}

// appleTestKey is a fresh P-256 key in PKCS #8 PEM, as Apple gives them.
func appleTestKey(t *testing.T) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func coreConfigValue(tenant map[string]any, key string) any {
	for _, f := range tenant["coreConfig"].([]any) {
		if m := f.(map[string]any); m["key"] == key {
			return m["value"]
		}
	}
	return nil
}

func TestTenantProviderConfig(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := startTenants(t, engine, options{})
			tok, viewer := e.signIn(adminEmail), e.signIn(viewerEmail)
			e.ok(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": "acme"})
			base := "/acme/dashboard/api/thirdparty/config"

			t.Run("get", func(t *testing.T) {
				pc := e.ok(tok, "GET", base+"?thirdPartyId=github", nil)["providerConfig"].(map[string]any)
				c := pc["clients"].([]any)[0].(map[string]any)
				if pc["thirdPartyId"] != "github" || pc["name"] != "Github" || c["clientId"] != "gh-id" || c["clientSecret"] != "gh-secret" ||
					pc["authorizationEndpoint"] != "https://github.com/login/oauth/authorize" || pc["isGetUserInfoOverridden"] != false {
					t.Errorf("github for an admin: %v", pc)
				}
				// A read-only account sees no secret.
				pc = e.ok(viewer, "GET", base+"?thirdPartyId=github", nil)["providerConfig"].(map[string]any)
				if c := pc["clients"].([]any)[0].(map[string]any); c["clientSecret"] != "" || c["clientId"] != "gh-id" {
					t.Errorf("github for a viewer: %v", pc)
				}
				// A built-in preset the tenant has not configured.
				pc = e.ok(tok, "GET", base+"?thirdPartyId=okta&oktaDomain=dev-1.okta.com", nil)["providerConfig"].(map[string]any)
				if pc["oidcDiscoveryEndpoint"] != "https://dev-1.okta.com/.well-known/openid-configuration" || pc["name"] != "Okta" {
					t.Errorf("okta preset: %v", pc)
				}
				pc = e.ok(tok, "GET", base+"?thirdPartyId=active-directory&directoryId=abc-123", nil)["providerConfig"].(map[string]any)
				if pc["oidcDiscoveryEndpoint"] != "https://login.microsoftonline.com/abc-123/v2.0/.well-known/openid-configuration" {
					t.Errorf("active-directory preset: %v", pc)
				}
				pc = e.ok(tok, "GET", base+"?thirdPartyId=google-workspaces&hd=example.com", nil)["providerConfig"].(map[string]any)
				if q := pc["authorizationEndpointQueryParams"].(map[string]any); q["hd"] != "example.com" {
					t.Errorf("google-workspaces preset: %v", pc)
				}
				pc = e.ok(tok, "GET", base+"?thirdPartyId=google", nil)["providerConfig"].(map[string]any)
				if pc["name"] != "Google" || !reflect.DeepEqual(pc["clients"], []any{}) {
					t.Errorf("google preset: %v", pc)
				}
				// Discord is the public tenant's only.
				pc = e.ok(tok, "GET", base+"?thirdPartyId=discord", nil)["providerConfig"].(map[string]any)
				if !reflect.DeepEqual(pc["clients"], []any{}) {
					t.Errorf("discord in acme: %v", pc)
				}
				for q, msg := range map[string]string{
					"":                                       "Missing required parameter 'thirdPartyId'",
					"?thirdPartyId=boxy-saml":                "",
					"?thirdPartyId=github&boxyUrl=https://x": "",
					"?thirdPartyId=okta&oktaDomain=not%20a%20domain": "'oktaDomain' must be a domain, such as dev-123.okta.com",
					"?thirdPartyId=active-directory&directoryId=a/b": "",
					"?thirdPartyId=google-workspaces&hd=%3Cx%3E":     "",
				} {
					e.wantCode(tok, "GET", base+q, nil, 400, msg)
				}
				e.want(tok, "GET", "/nope/dashboard/api/thirdparty/config?thirdPartyId=github", nil, "UNKNOWN_TENANT_ERROR")
			})

			t.Run("put", func(t *testing.T) {
				bad := []struct {
					name   string
					config any
					msg    string
				}{
					{"no config", nil, "Required parameter 'providerConfig' is missing or has an invalid type"},
					{"not an object", "x", "Required parameter 'providerConfig' is missing or has an invalid type"},
					{"no id", map[string]any{"clients": []any{map[string]any{"clientId": "x"}}}, "Invalid providerConfig: 'thirdPartyId' is required"},
					{"bad id", map[string]any{"thirdPartyId": "a b", "clients": []any{map[string]any{"clientId": "x"}}}, ""},
					{"saml", map[string]any{"thirdPartyId": "boxy-saml-acme", "clients": []any{map[string]any{"clientId": "x"}}}, ""},
					{"no clients", map[string]any{"thirdPartyId": "github"}, ""},
					{"no client id", map[string]any{"thirdPartyId": "github", "clients": []any{map[string]any{"clientSecret": "s"}}}, "Invalid providerConfig: 'clients[0].clientId' is required"},
					{"client id of the wrong type", map[string]any{"thirdPartyId": "github", "clients": []any{map[string]any{"clientId": 5}}}, ""},
					{"two clients without types", map[string]any{"thirdPartyId": "github", "clients": []any{map[string]any{"clientId": "a"}, map[string]any{"clientId": "b"}}}, ""},
					{"custom without endpoints", map[string]any{"thirdPartyId": "acme-sso", "clients": []any{map[string]any{"clientId": "a"}}}, "Invalid providerConfig: a custom provider needs 'oidcDiscoveryEndpoint', or both 'authorizationEndpoint' and 'tokenEndpoint'"},
					{"custom with only an authorization endpoint", map[string]any{"thirdPartyId": "acme-sso", "clients": []any{map[string]any{"clientId": "a"}}, "authorizationEndpoint": "https://a.example/auth"}, ""},
					{"bad url", map[string]any{"thirdPartyId": "acme-sso", "clients": []any{map[string]any{"clientId": "a"}}, "oidcDiscoveryEndpoint": "ftp://x"}, "Invalid providerConfig: 'oidcDiscoveryEndpoint' must be an http(s) URL"},
					{"okta without domain", map[string]any{"thirdPartyId": "okta", "clients": []any{map[string]any{"clientId": "a"}}}, ""},
					{"apple without key", map[string]any{"thirdPartyId": "apple", "clients": []any{map[string]any{"clientId": "a", "additionalConfig": map[string]any{"keyId": "k", "teamId": "t"}}}}, ""},
				}
				for _, tc := range bad {
					body := map[string]any{}
					if tc.config != nil {
						body["providerConfig"] = tc.config
					}
					e.wantCode(tok, "PUT", base, body, 400, tc.msg)
				}
				// Nothing was stored by the refused writes.
				if ten, _ := e.lk.GetTenant(t.Context(), "acme"); len(ten.Providers) != 0 {
					t.Fatalf("stored after refused writes: %s", ten.Providers)
				}
				e.want(tok, "PUT", "/nope/dashboard/api/thirdparty/config", map[string]any{"providerConfig": customProvider("acme-sso")}, "UNKNOWN_TENANT_ERROR")

				if m := e.ok(tok, "PUT", base, map[string]any{"providerConfig": customProvider("acme-sso")}); m["createdNew"] != true {
					t.Errorf("put: %v", m)
				}
				// The SDK's GitHub was copied into the core first.
				ten, err := e.lk.GetTenant(t.Context(), "acme")
				if err != nil || len(ten.Providers) != 2 || !strings.Contains(string(ten.Providers[0]), `"thirdPartyId":"github"`) {
					t.Fatalf("stored: %s, %v", ten.Providers, err)
				}
				if got := providerIDs(e.tenantOf(tok, "acme")); !reflect.DeepEqual(got, []string{"github", "acme-sso"}) {
					t.Errorf("providers: %v", got)
				}
				if m := e.ok(tok, "PUT", base, map[string]any{"providerConfig": customProvider("acme-sso")}); m["createdNew"] != false {
					t.Errorf("put again: %v", m)
				}
				pc := e.ok(tok, "GET", base+"?thirdPartyId=acme-sso", nil)["providerConfig"].(map[string]any)
				if pc["name"] != "Acme SSO" || pc["clients"].([]any)[0].(map[string]any)["clientSecret"] != "acme-secret" {
					t.Errorf("stored custom: %v", pc)
				}
				pc = e.ok(viewer, "GET", base+"?thirdPartyId=acme-sso", nil)["providerConfig"].(map[string]any)
				if pc["clients"].([]any)[0].(map[string]any)["clientSecret"] != "" {
					t.Errorf("stored custom for a viewer: %v", pc)
				}
			})

			t.Run("apple key", func(t *testing.T) {
				key := appleTestKey(t)
				cfg := map[string]any{"thirdPartyId": "apple", "clients": []any{map[string]any{"clientId": "com.acme",
					"additionalConfig": map[string]any{"keyId": "KEY", "teamId": "TEAM", "privateKey": key}}}}
				e.ok(tok, "PUT", base, map[string]any{"providerConfig": cfg})
				pc := e.ok(tok, "GET", base+"?thirdPartyId=apple", nil)["providerConfig"].(map[string]any)
				ac := pc["clients"].([]any)[0].(map[string]any)["additionalConfig"].(map[string]any)
				if ac["privateKey"] != "" || ac["keyId"] != "KEY" {
					t.Fatalf("apple for an admin: %v", pc)
				}
				// Saving what GET gave (the key blank) keeps the key.
				e.ok(tok, "PUT", base, map[string]any{"providerConfig": pc})
				ten, _ := e.lk.GetTenant(t.Context(), "acme")
				if !slices.ContainsFunc(ten.Providers, func(raw json.RawMessage) bool { return strings.Contains(string(raw), "BEGIN PRIVATE KEY") }) {
					t.Errorf("the apple key was lost: %s", ten.Providers)
				}
			})

			t.Run("delete", func(t *testing.T) {
				e.wantCode(tok, "DELETE", base, nil, 400, "Missing required parameter 'thirdPartyId'")
				e.want(tok, "DELETE", "/nope/dashboard/api/thirdparty/config?thirdPartyId=github", nil, "UNKNOWN_TENANT_ERROR")
				if m := e.ok(tok, "DELETE", base+"?thirdPartyId=acme-sso", nil); m["didConfigExist"] != true {
					t.Errorf("delete: %v", m)
				}
				if m := e.ok(tok, "DELETE", base+"?thirdPartyId=acme-sso", nil); m["didConfigExist"] != false {
					t.Errorf("delete again: %v", m)
				}
				// The public tenant's Discord is the SDK's: not removable here.
				e.wantCode(tok, "DELETE", "/public/dashboard/api/thirdparty/config?thirdPartyId=discord", nil, 400, "")
			})

			t.Run("last provider", func(t *testing.T) {
				// A tenant the SDK offers no provider to: its only stored
				// provider's removal takes thirdparty out of its factors.
				e := startTenants(t, engine, options{providers: []thirdparty.ProviderInput{tenantProviders()[1]}})
				tok := e.signIn(adminEmail)
				e.ok(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": "solo"})
				e.ok(tok, "PUT", "/solo/dashboard/api/tenant/first-factor", map[string]any{"factorId": "emailpassword", "enable": true})
				e.ok(tok, "PUT", "/solo/dashboard/api/tenant/first-factor", map[string]any{"factorId": "thirdparty", "enable": true})
				e.ok(tok, "PUT", "/solo/dashboard/api/thirdparty/config", map[string]any{"providerConfig": customProvider("solo-sso")})
				if got := providerIDs(e.tenantOf(tok, "solo")); !reflect.DeepEqual(got, []string{"solo-sso"}) {
					t.Fatalf("providers: %v", got)
				}
				e.ok(tok, "DELETE", "/solo/dashboard/api/thirdparty/config?thirdPartyId=solo-sso", nil)
				ten := e.tenantOf(tok, "solo")
				if f := ten["firstFactors"]; !reflect.DeepEqual(f, []any{"emailpassword"}) {
					t.Errorf("firstFactors: %v", f)
				}
				if got := providerIDs(ten); got != nil {
					t.Errorf("providers: %v", got)
				}
			})
		})
	}
}

// TestTenantWritesReadOnly: a read-only account is refused every tenant
// write, and nothing changes.
func TestTenantWritesReadOnly(t *testing.T) {
	t.Parallel()
	e := startTenants(t, "sqlite", options{})
	tok, viewer := e.signIn(adminEmail), e.signIn(viewerEmail)
	e.ok(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": "acme"})
	id := e.signUp("ro@example.com", "pass-word-1")
	for _, w := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/dashboard/api/tenant", map[string]any{"tenantId": "evil"}},
		{"DELETE", "/acme/dashboard/api/tenant", nil},
		{"PUT", "/acme/dashboard/api/tenant/first-factor", map[string]any{"factorId": "emailpassword", "enable": true}},
		{"PUT", "/acme/dashboard/api/tenant/required-secondary-factor", map[string]any{"factorId": "totp", "enable": true}},
		{"PUT", "/acme/dashboard/api/tenant/core-config", map[string]any{"name": "passwordless_code_lifetime", "value": 60000}},
		{"PUT", "/acme/dashboard/api/thirdparty/config", map[string]any{"providerConfig": customProvider("evil-sso")}},
		{"DELETE", "/acme/dashboard/api/thirdparty/config?thirdPartyId=github", nil},
		{"POST", "/acme/dashboard/api/tenant/user", map[string]any{"userId": id}},
		{"POST", "/acme/dashboard/api/tenant/user/remove", map[string]any{"userId": id}},
	} {
		t.Run(w.method+" "+w.path, func(t *testing.T) {
			e.wantCode(viewer, w.method, w.path, w.body, 403, "You are not permitted to perform this operation")
			e.wantCode("", w.method, w.path, w.body, 401, "Unauthorised access")
		})
	}
	e.want(tok, "GET", "/evil/dashboard/api/tenant", nil, "UNKNOWN_TENANT_ERROR")
	ten := e.tenantOf(tok, "acme")
	if ten["userCount"] != float64(0) || !reflect.DeepEqual(providerIDs(ten), []string{"github"}) || coreConfigValue(ten, "passwordless_code_lifetime") == float64(60000) {
		t.Errorf("a refused write changed the tenant: %v", ten)
	}
	if stored, _ := e.lk.GetTenant(t.Context(), "acme"); stored.FirstFactors == nil || len(stored.FirstFactors) != 0 || len(stored.Providers) != 0 {
		t.Errorf("stored: %+v", stored)
	}
	// Reads work for the viewer.
	e.tenantOf(viewer, "acme")
	e.ok(viewer, "GET", "/dashboard/api/tenants", nil)
}

// TestTenantPasswordlessFactors: with a passwordless recipe for codes by
// email or SMS, the link factors are refused with the reference's
// contactMethod/flowType message.
func TestTenantPasswordlessFactors(t *testing.T) {
	t.Parallel()
	e := startTenants(t, "sqlite", options{passwordless: true})
	tok := e.signIn(adminEmail)
	e.ok(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": "acme"})
	e.ok(tok, "PUT", "/acme/dashboard/api/tenant/first-factor", map[string]any{"factorId": "otp-phone", "enable": true})
	for factor, msg := range map[string]string{
		"link-email": "Please ensure that Passwordless recipe is initialised with contactMethod: EMAIL and flowType: MAGIC_LINK",
		"link-phone": "Please ensure that Passwordless recipe is initialised with contactMethod: PHONE and flowType: MAGIC_LINK",
	} {
		if m := e.want(tok, "PUT", "/acme/dashboard/api/tenant/first-factor", map[string]any{"factorId": factor, "enable": true}, "RECIPE_NOT_CONFIGURED_ON_BACKEND_SDK_ERROR"); m["message"] != msg {
			t.Errorf("%s: %v", factor, m["message"])
		}
	}
	if f := e.tenantOf(tok, "acme")["firstFactors"]; !reflect.DeepEqual(f, []any{"otp-phone"}) {
		t.Errorf("firstFactors: %v", f)
	}
	// The public tenant stores none: every available factor.
	if f := e.tenantOf(tok, "public")["firstFactors"]; fmt.Sprint(f) != "[emailpassword otp-email otp-phone thirdparty]" {
		t.Errorf("public firstFactors: %v", f)
	}
}

// TestTenantWritesAudited: tenant writes are in the audit log, with the
// tenant in the summary.
func TestTenantWritesAudited(t *testing.T) {
	t.Parallel()
	e := startTenants(t, "sqlite", options{})
	tok := e.signIn(adminEmail)
	e.ok(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": "acme"})
	e.ok(tok, "PUT", "/acme/dashboard/api/tenant/first-factor", map[string]any{"factorId": "emailpassword", "enable": true})
	e.want(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": "acme"}, "TENANT_ID_ALREADY_EXISTS_ERROR") // not a change
	var got []string
	for _, m := range e.auditEvents(tok, "actor="+adminEmail, 2) {
		got = append(got, fmt.Sprint(m["action"], " | ", m["summary"], " | ", m["actor"]))
	}
	want := []string{
		"dashboard.put /tenant/first-factor | PUT /tenant/first-factor (tenant acme) | " + adminEmail,
		"dashboard.post /tenant | POST /tenant (tenant acme) | " + adminEmail,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestTenantProviderRefusedByCore: a config that passes the SDK's checks
// but not the core's (an Apple client with a secret) is a 400, and the
// SDK's providers copied into the core just before are removed again.
func TestTenantProviderRefusedByCore(t *testing.T) {
	t.Parallel()
	e := startTenants(t, "sqlite", options{})
	tok := e.signIn(adminEmail)
	e.ok(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": "acme"})
	cfg := map[string]any{"thirdPartyId": "apple", "clients": []any{map[string]any{"clientId": "com.acme", "clientSecret": "not-for-apple"}}}
	e.wantCode(tok, "PUT", "/acme/dashboard/api/thirdparty/config", map[string]any{"providerConfig": cfg}, 400,
		"Invalid providerConfig: clientSecret should not be provided for Apple")
	if ten, err := e.lk.GetTenant(t.Context(), "acme"); err != nil || len(ten.Providers) != 0 {
		t.Errorf("stored after a refused write: %s, %v", ten.Providers, err)
	}
}

// TestTenantUserCountsFallback: against a core without the one-call
// statistics (a SuperTokens core answers 404), GET /tenants counts tenant
// by tenant.
func TestTenantUserCountsFallback(t *testing.T) {
	t.Parallel()
	var statsCalls, countCalls atomic.Int32
	e := startTenants(t, "sqlite", options{wrapCore: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case strings.HasSuffix(r.URL.Path, "/recipe/latchkey/users/stats"):
				statsCalls.Add(1)
				http.NotFound(w, r)
				return
			case strings.HasSuffix(r.URL.Path, "/users/count"):
				countCalls.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	}})
	tok := e.signIn(adminEmail)
	e.ok(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": "acme"})
	e.signUp("one@example.com", "pass-word-1")
	countCalls.Store(0)
	var got []string
	for _, ten := range e.ok(tok, "GET", "/dashboard/api/tenants", nil)["tenants"].([]any) {
		m := ten.(map[string]any)
		got = append(got, fmt.Sprint(m["tenantId"], "=", m["userCount"]))
	}
	if fmt.Sprint(got) != "[acme=0 public=1]" || statsCalls.Load() != 1 || countCalls.Load() != 2 {
		t.Errorf("tenants %v; stats calls %d, count calls %d", got, statsCalls.Load(), countCalls.Load())
	}
}

// TestTenantBadInput: malformed bodies and queries on every tenant route
// are 4xx answers, never 500.
func TestTenantBadInput(t *testing.T) {
	t.Parallel()
	e := startTenants(t, "sqlite", options{})
	tok := e.signIn(adminEmail)
	e.ok(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": "acme"})
	routes := []struct{ method, path string }{
		{"POST", "/dashboard/api/tenant"},
		{"PUT", "/acme/dashboard/api/tenant/first-factor"},
		{"PUT", "/acme/dashboard/api/tenant/required-secondary-factor"},
		{"PUT", "/acme/dashboard/api/tenant/core-config"},
		{"PUT", "/acme/dashboard/api/thirdparty/config"},
		{"POST", "/acme/dashboard/api/tenant/user"},
		{"POST", "/acme/dashboard/api/tenant/user/remove"},
	}
	bodies := []any{"not an object", []any{1, 2}, 42, map[string]any{"tenantId": []any{}, "factorId": map[string]any{}, "enable": "yes",
		"name": false, "userId": []any{"x"}, "providerConfig": map[string]any{"thirdPartyId": 5, "clients": "many"}}}
	for _, rt := range routes {
		for _, b := range bodies {
			if r := e.call(tok, rt.method, rt.path, b); r.Code < 400 || r.Code >= 500 {
				t.Errorf("%s %s %v: %d %s", rt.method, rt.path, b, r.Code, r.Body)
			}
		}
	}
	for _, q := range []string{"?thirdPartyId=%00", "?thirdPartyId=" + strings.Repeat("x", 5000), "?thirdPartyId=github&oktaDomain=%00"} {
		for _, m := range []string{"GET", "DELETE"} {
			if r := e.call(tok, m, "/acme/dashboard/api/thirdparty/config"+q, nil); r.Code >= 500 {
				t.Errorf("%s %s: %d %s", m, q, r.Code, r.Body)
			}
		}
	}
}

// TestTenantListWithoutCounts: when the counts cannot be read, the list
// is still answered, without userCount.
func TestTenantListWithoutCounts(t *testing.T) {
	t.Parallel()
	e := startTenants(t, "sqlite", options{wrapCore: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/recipe/latchkey/users/stats") {
				http.Error(w, "broken", http.StatusInternalServerError)
				return
			}
			h.ServeHTTP(w, r)
		})
	}})
	tok := e.signIn(adminEmail)
	list := e.ok(tok, "GET", "/dashboard/api/tenants", nil)["tenants"].([]any)
	if m := list[0].(map[string]any); m["tenantId"] != "public" || m["userCount"] != nil {
		t.Errorf("tenants: %v", list)
	}
}
