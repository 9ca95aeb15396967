package dashboard

import (
	"net/http"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
)

// tenantCoreConfig lists the core settings a tenant may change, which the
// node SDK's dashboard shows on its tenant page: its
// GET {apiBasePath}/dashboard/api/tenant calls this and answers 500 if the
// core does not (reference/cdi-core.md §2.11, reference/dashboard.md §6.7).
// The SuperTokens core lists its config properties here, as
// CoreConfigFieldInfo objects. A Latchkey core has no per-tenant settings
// and no API to change any, so the list is empty, as every tenant's
// coreConfig is in GET /recipe/multitenancy/tenant/v2.
func (h *Handler) tenantCoreConfig(w http.ResponseWriter, r *http.Request) error {
	cdi.OK(w, map[string]any{"config": []any{}})
	return nil
}
