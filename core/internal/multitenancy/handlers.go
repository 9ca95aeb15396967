package multitenancy

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/internal/tenantid"
)

// Handler serves the tenant endpoints over a Service.
type Handler struct {
	Service *Service
}

// New returns a Handler over s.
func New(s *Service) *Handler { return &Handler{Service: s} }

// publicOnly refuses an app API called below a non-public tenant
// (reference §1.1).
func publicOnly(r *http.Request) error {
	if cdi.Tenant(r.Context()) != tenantid.Default {
		return cdi.ErrPublicTenantOnly
	}
	return nil
}

// tenant answers the request's tenant, which the transport has found.
func (h *Handler) tenant(w http.ResponseWriter, r *http.Request) error {
	t, err := h.Service.Tenant(r.Context(), cdi.Tenant(r.Context()))
	if err != nil {
		return err
	}
	cdi.WriteJSON(w, t.wire("OK"))
	return nil
}

// list answers every tenant; only the default tenant may ask.
func (h *Handler) list(w http.ResponseWriter, r *http.Request) error {
	if err := publicOnly(r); err != nil {
		return err
	}
	ts, err := h.Service.List(r.Context())
	if err != nil {
		return err
	}
	out := make([]wireTenant, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.wire(""))
	}
	cdi.OK(w, map[string]any{"tenants": out})
	return nil
}

// readFactors reads an optional factor list: absent is nil, null is a
// FactorList with a nil List.
func readFactors(b *cdi.Body, name string) *FactorList {
	if b.IsNull(name) {
		return &FactorList{}
	}
	list, ok := b.StringArray(name)
	if !ok {
		return nil
	}
	if list == nil {
		list = []string{}
	}
	return &FactorList{List: list}
}

// createOrUpdate is PUT /recipe/multitenancy/tenant/v2.
func (h *Handler) createOrUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := publicOnly(r); err != nil {
		return err
	}
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	id := strings.ToLower(strings.TrimSpace(b.String("tenantId")))
	in := TenantInput{FirstFactors: readFactors(b, "firstFactors"), RequiredSecondaryFactors: readFactors(b, "requiredSecondaryFactors")}
	if raw, ok := b.OptObject("coreConfig"); ok {
		if err := json.Unmarshal(raw, &in.CoreConfig); err != nil {
			b.Fail(cdi.BadRequest("Field name 'coreConfig' is invalid in JSON input"))
		}
	}
	if err := b.Err(); err != nil {
		return err
	}
	created, err := h.Service.CreateOrUpdate(r.Context(), id, in)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"createdNew": created})
	return nil
}

// remove is POST /recipe/multitenancy/tenant/remove.
func (h *Handler) remove(w http.ResponseWriter, r *http.Request) error {
	if err := publicOnly(r); err != nil {
		return err
	}
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	id := strings.ToLower(strings.TrimSpace(b.String("tenantId")))
	if err := b.Err(); err != nil {
		return err
	}
	existed, err := h.Service.Remove(r.Context(), id)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"didExist": existed})
	return nil
}

// putProvider is PUT /<t>/recipe/multitenancy/config/thirdparty.
func (h *Handler) putProvider(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	raw := b.Object("config")
	skip, _ := b.OptBool("skipValidation")
	if err := b.Err(); err != nil {
		return err
	}
	p, err := parseProvider(raw)
	if err != nil {
		return err
	}
	if !skip {
		if reason := p.validate(); reason != "" {
			return cdi.ErrConfigValidation.With("reason", reason)
		}
	}
	created, err := h.Service.PutProvider(r.Context(), cdi.Tenant(r.Context()), p.ThirdPartyID, p.raw)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"createdNew": created})
	return nil
}

// removeProvider is POST /<t>/recipe/multitenancy/config/thirdparty/remove.
func (h *Handler) removeProvider(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	id := b.String("thirdPartyId")
	if err := b.Err(); err != nil {
		return err
	}
	existed, err := h.Service.RemoveProvider(r.Context(), cdi.Tenant(r.Context()), id)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"didConfigExist": existed})
	return nil
}

// readUserID reads recipeUserId (userId before CDI 4.0).
func readUserID(r *http.Request) (string, error) {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return "", err
	}
	name := "recipeUserId"
	if !b.Has(name) && b.Has("userId") {
		name = "userId"
	}
	id := strings.TrimSpace(b.String(name))
	if err := b.Err(); err != nil {
		return "", err
	}
	return id, nil
}

// addUser is POST /<t>/recipe/multitenancy/tenant/user.
func (h *Handler) addUser(w http.ResponseWriter, r *http.Request) error {
	id, err := readUserID(r)
	if err != nil {
		return err
	}
	already, err := h.Service.AddUser(r.Context(), cdi.Tenant(r.Context()), id)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"wasAlreadyAssociated": already})
	return nil
}

// removeUser is POST /<t>/recipe/multitenancy/tenant/user/remove.
func (h *Handler) removeUser(w http.ResponseWriter, r *http.Request) error {
	id, err := readUserID(r)
	if err != nil {
		return err
	}
	was, err := h.Service.RemoveUser(r.Context(), cdi.Tenant(r.Context()), id)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"wasAssociated": was})
	return nil
}
