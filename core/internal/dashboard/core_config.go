package dashboard

import (
	"net/http"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
)

// TenantSetting is a core setting a tenant may have of its own, with the
// core's value, which a tenant without its own uses.
type TenantSetting struct {
	Key         string
	Description string
	Default     int64
}

// configField is a CoreConfigFieldInfo (reference/dashboard.md §6.7).
type configField struct {
	Key                      string `json:"key"`
	ValueType                string `json:"valueType"`
	Value                    any    `json:"value"`
	Description              string `json:"description"`
	IsDifferentAcrossTenants bool   `json:"isDifferentAcrossTenants"`
	IsNullable               bool   `json:"isNullable"`
	DefaultValue             any    `json:"defaultValue"`
	IsPluginProperty         bool   `json:"isPluginProperty"`
	IsPluginPropertyEditable bool   `json:"isPluginPropertyEditable"`
}

// tenantCoreConfig lists the core settings a tenant may change, with the
// request's tenant's values, which the node SDK's dashboard shows on its
// tenant page: its GET {apiBasePath}/dashboard/api/tenant calls this and
// answers 500 if the core does not (reference/cdi-core.md §2.11,
// reference/dashboard.md §6.7). The SuperTokens core lists every config
// property here; a Latchkey core lists the per-tenant ones
// (PUT /recipe/multitenancy/tenant/v2 accepts no others), in key order.
func (h *Handler) tenantCoreConfig(w http.ResponseWriter, r *http.Request) error {
	own := cdi.Settings(r.Context()).CoreConfig
	out := make([]configField, 0, len(h.Service.TenantSettings))
	for _, s := range h.Service.TenantSettings {
		var v any = s.Default
		if n, ok := own[s.Key].(float64); ok {
			v = int64(n)
		}
		out = append(out, configField{Key: s.Key, ValueType: "number", Value: v, Description: s.Description,
			IsDifferentAcrossTenants: true, DefaultValue: s.Default})
	}
	cdi.OK(w, map[string]any{"config": out})
	return nil
}
