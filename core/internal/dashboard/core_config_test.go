package dashboard_test

import (
	"testing"

	"github.com/latchkey-dev/latchkey/core/coretest"
)

// The node SDK's dashboard tenant page (GET {apiBasePath}/dashboard/api/tenant)
// reads this list and answers 500 when the core has no such route; it is
// written with the tenant in the path, as /public/recipe/….
func TestTenantCoreConfig(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		for _, path := range []string{"/public/recipe/dashboard/tenant/core-config", "/recipe/dashboard/tenant/core-config"} {
			r := c.Get(t, path, "rid", "dashboard", "cdi-version", "5.4")
			if r.Code != 200 || string(r.Body) != `{"config":[],"status":"OK"}` {
				t.Errorf("GET %s: %d %s, want 200 {\"config\":[],\"status\":\"OK\"}", path, r.Code, r.Body)
			}
		}
		if r := c.Get(t, "/other/recipe/dashboard/tenant/core-config", "cdi-version", "5.4"); r.Code != 400 {
			t.Errorf("an unknown tenant: %d %s, want 400", r.Code, r.Body)
		}
	})
}
