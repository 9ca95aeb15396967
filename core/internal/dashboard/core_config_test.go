package dashboard_test

import (
	"slices"
	"testing"

	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/core/internal/multitenancy"
)

// The node SDK's dashboard tenant page (GET {apiBasePath}/dashboard/api/tenant)
// reads this list and answers 500 when the core has no such route; it is
// written with the tenant in the path, as /public/recipe/…. It lists the
// settings a tenant may have of its own, with the tenant's value or the
// core's.
func TestTenantCoreConfig(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		if got := c.Put(t, "/recipe/multitenancy/tenant/v2", map[string]any{"tenantId": "acme",
			"coreConfig": map[string]any{"passwordless_max_code_input_attempts": 3}}).Status(t); got != "OK" {
			t.Fatalf("create acme: %s", got)
		}
		values := func(path string) map[string]any {
			t.Helper()
			r := c.Get(t, path, "rid", "dashboard", "cdi-version", "5.4")
			body := r.JSON(t)
			if r.Code != 200 || body["status"] != "OK" {
				t.Fatalf("GET %s: %d %s", path, r.Code, r.Body)
			}
			out := map[string]any{}
			var keys []string
			for _, f := range body["config"].([]any) {
				f := f.(map[string]any)
				keys = append(keys, f["key"].(string))
				out[f["key"].(string)] = f["value"]
				if f["valueType"] != "number" || f["isDifferentAcrossTenants"] != true || f["defaultValue"] == nil {
					t.Errorf("GET %s: field %v", path, f)
				}
			}
			if !slices.Equal(keys, multitenancy.TenantSettingKeys()) {
				t.Errorf("GET %s: keys %v, want the per-tenant settings %v", path, keys, multitenancy.TenantSettingKeys())
			}
			return out
		}
		for _, path := range []string{"/public/recipe/dashboard/tenant/core-config", "/recipe/dashboard/tenant/core-config"} {
			if got := values(path)["passwordless_max_code_input_attempts"]; got != 5.0 {
				t.Errorf("GET %s: attempts = %v, want the core's 5", path, got)
			}
		}
		if got := values("/acme/recipe/dashboard/tenant/core-config")["passwordless_max_code_input_attempts"]; got != 3.0 {
			t.Errorf("acme's attempts = %v, want its own 3", got)
		}
		if r := c.Get(t, "/other/recipe/dashboard/tenant/core-config", "cdi-version", "5.4"); r.Code != 400 {
			t.Errorf("an unknown tenant: %d %s, want 400", r.Code, r.Body)
		}
	})
}
