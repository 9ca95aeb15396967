// Package multitenancy keeps the tenants of the public app and what each
// has of its own (reference/cdi-core.md §1.1, §2.10, and
// cdi-api-spec.yaml's Multitenancy Recipe):
//
//	PUT  /recipe/multitenancy/tenant/v2                   create or update a tenant (public tenant only)
//	GET  /recipe/multitenancy/tenant/v2                   the request's tenant
//	GET  /recipe/multitenancy/tenant/list/v2              every tenant (public tenant only)
//	POST /recipe/multitenancy/tenant/remove               remove a tenant (public tenant only)
//	PUT  /recipe/multitenancy/config/thirdparty           a provider config of the request's tenant
//	POST /recipe/multitenancy/config/thirdparty/remove    remove one
//	POST /recipe/multitenancy/tenant/user                 associate a user with the request's tenant
//	POST /recipe/multitenancy/tenant/user/remove          end the association
//
// The store is the source of truth; the transport reads tenants through a
// cache (core/internal/tenants), which this package clears on every write
// so that this core sees its change at once and other cores within the
// cache's TTL.
package multitenancy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/core/internal/tenants"
	"github.com/latchkey-dev/latchkey/internal/tenantid"
	"github.com/latchkey-dev/latchkey/store"
)

// Service keeps tenants.
type Service struct {
	// Store keeps the tenants.
	Store store.Tenants
	// Tenants finds a tenant; the core passes the transport's lookup.
	Tenants tenants.Lookup
	// Forget drops a tenant from the transport's cache after a write.
	// Default: nothing to drop.
	Forget func(tenantID string)
	// Now tells the time. Default: time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) forget(tenantID string) {
	if s.Forget != nil {
		s.Forget(tenantID)
	}
}

// MaxProviders caps the provider configs of one tenant.
const MaxProviders = 100

// TenantConfig is a tenant's configuration.
type TenantConfig struct {
	TenantID string
	// Providers are the stored provider configs, oldest first.
	Providers []json.RawMessage
	// FirstFactors: nil means the SDK decides; empty means none.
	FirstFactors             []string
	RequiredSecondaryFactors []string
	CoreConfig               map[string]any
}

// wireTenant is a tenant on the wire (tenantConfigV2), with a status when
// it is a whole answer. firstFactors and requiredSecondaryFactors are left
// out rather than null: node checks `firstFactors !== undefined` and then
// calls .filter on it. An empty firstFactors is [] (no login method).
type wireTenant struct {
	Status                   string         `json:"status,omitempty"`
	TenantID                 string         `json:"tenantId"`
	ThirdParty               ThirdParty     `json:"thirdParty"`
	FirstFactors             *[]string      `json:"firstFactors,omitempty"`
	RequiredSecondaryFactors []string       `json:"requiredSecondaryFactors,omitempty"`
	CoreConfig               map[string]any `json:"coreConfig"`
}

// wire returns t as the CDI writes it.
func (t TenantConfig) wire(status string) wireTenant {
	w := wireTenant{Status: status, TenantID: t.TenantID, ThirdParty: ThirdParty{Providers: t.Providers},
		RequiredSecondaryFactors: t.RequiredSecondaryFactors, CoreConfig: t.CoreConfig}
	if t.FirstFactors != nil {
		ff := t.FirstFactors
		w.FirstFactors = &ff
	}
	if w.ThirdParty.Providers == nil {
		w.ThirdParty.Providers = []json.RawMessage{}
	}
	if w.CoreConfig == nil {
		w.CoreConfig = map[string]any{}
	}
	return w
}

// ThirdParty is a tenant's third-party provider configs, as stored.
type ThirdParty struct {
	Providers []json.RawMessage `json:"providers"`
}

func toWire(t store.Tenant) TenantConfig {
	providers := make([]json.RawMessage, 0, len(t.Providers))
	for _, p := range t.Providers {
		providers = append(providers, p.Config)
	}
	config := t.CoreConfig
	if config == nil {
		config = map[string]any{}
	}
	return TenantConfig{TenantID: t.ID, Providers: providers, FirstFactors: t.FirstFactors,
		RequiredSecondaryFactors: t.RequiredSecondaryFactors, CoreConfig: config}
}

// Tenant returns the configuration of tenantID, or cdi.ErrTenantNotFound.
func (s *Service) Tenant(ctx context.Context, tenantID string) (TenantConfig, error) {
	t, err := s.Tenants.Tenant(ctx, tenantID)
	if errors.Is(err, store.ErrNotFound) {
		return TenantConfig{}, cdi.ErrTenantNotFound
	}
	if err != nil {
		return TenantConfig{}, err
	}
	return toWire(t), nil
}

// List returns every tenant, by id.
func (s *Service) List(ctx context.Context) ([]TenantConfig, error) {
	ts, err := s.Store.ListTenants(ctx, store.MaxTenants)
	if err != nil {
		return nil, err
	}
	out := make([]TenantConfig, 0, len(ts))
	for _, t := range ts {
		out = append(out, toWire(t))
	}
	return out, nil
}

// TenantInput is a create-or-update request (tenantInputV2). A nil field
// is one the request left out, which an update keeps.
type TenantInput struct {
	// FirstFactors: nil keeps them (a new tenant gets none); Set with a
	// nil List means every login method.
	FirstFactors *FactorList
	// RequiredSecondaryFactors: nil keeps them; Set with a nil List means
	// none.
	RequiredSecondaryFactors *FactorList
	// CoreConfig is merged into the stored settings; a nil value removes
	// the key.
	CoreConfig map[string]any
}

// FactorList is a factor list given in a request: List nil for null.
type FactorList struct{ List []string }

// CreateOrUpdate creates the tenant or updates it with in, and reports
// whether it was created. Inputs are checked before anything is written.
func (s *Service) CreateOrUpdate(ctx context.Context, tenantID string, in TenantInput) (bool, error) {
	if err := checkNewTenantID(tenantID); err != nil {
		return false, err
	}
	if err := checkFactors(in); err != nil {
		return false, err
	}
	if len(in.CoreConfig) > 0 {
		if tenantID == tenantid.Default {
			return false, cdi.BadRequest("Invalid core config: the core config of the public tenant is the core's own configuration (flags, environment or config file) and cannot be changed through this API")
		}
		if err := checkCoreConfig(in.CoreConfig); err != nil {
			return false, err
		}
	}
	created, err := s.Store.CreateOrUpdateTenant(ctx, tenantID, s.now(), func(t *store.Tenant, _ bool) error {
		if in.FirstFactors != nil {
			t.FirstFactors = in.FirstFactors.List
		}
		if in.RequiredSecondaryFactors != nil {
			t.RequiredSecondaryFactors = in.RequiredSecondaryFactors.List
		}
		if len(in.CoreConfig) > 0 {
			merged := make(map[string]any, len(t.CoreConfig)+len(in.CoreConfig))
			for k, v := range t.CoreConfig {
				merged[k] = v
			}
			for k, v := range in.CoreConfig {
				if v == nil {
					delete(merged, k)
				} else {
					merged[k] = v
				}
			}
			t.CoreConfig = merged
		}
		return nil
	})
	s.forget(tenantID)
	return created, err
}

// Remove removes a tenant and reports whether it existed; the public
// tenant cannot be removed.
func (s *Service) Remove(ctx context.Context, tenantID string) (bool, error) {
	if tenantID == tenantid.Default {
		// 403, as the SuperTokens core answers: node's dashboard reads
		// it as CANNOT_DELETE_PUBLIC_TENANT_ERROR (reference/dashboard.md §6.7).
		return false, &cdi.HTTPError{Code: http.StatusForbidden, Message: "Cannot delete public tenant, use remove app API instead"}
	}
	existed, err := s.Store.DeleteTenant(ctx, tenantID)
	s.forget(tenantID)
	return existed, err
}

// PutProvider stores a provider config (already checked) for tenantID.
func (s *Service) PutProvider(ctx context.Context, tenantID, thirdPartyID string, config json.RawMessage) (bool, error) {
	t, err := s.Store.Tenant(ctx, tenantID)
	if errors.Is(err, store.ErrNotFound) {
		return false, cdi.ErrTenantNotFound
	}
	if err != nil {
		return false, err
	}
	known := false
	for _, p := range t.Providers {
		known = known || p.ThirdPartyID == thirdPartyID
	}
	if !known && len(t.Providers) >= MaxProviders {
		return false, cdi.BadRequestf("A tenant can have at most %d third-party provider configs", MaxProviders)
	}
	created, err := s.Store.PutTenantProvider(ctx, tenantID, store.TenantProvider{ThirdPartyID: thirdPartyID, Config: config}, s.now())
	s.forget(tenantID)
	if errors.Is(err, store.ErrNotFound) {
		return false, cdi.ErrTenantNotFound
	}
	return created, err
}

// RemoveProvider removes a provider config and reports whether it existed.
func (s *Service) RemoveProvider(ctx context.Context, tenantID, thirdPartyID string) (bool, error) {
	existed, err := s.Store.DeleteTenantProvider(ctx, tenantID, thirdPartyID)
	s.forget(tenantID)
	return existed, err
}

// AddUser associates a recipe user with tenantID and reports whether it
// already was.
func (s *Service) AddUser(ctx context.Context, tenantID, userID string) (bool, error) {
	already, err := s.Store.AddUserToTenant(ctx, tenantID, userID)
	switch {
	case err == nil:
		return already, nil
	case errors.Is(err, store.ErrEmailPasswordEmailTaken), errors.Is(err, store.ErrEmailTaken):
		return false, cdi.ErrEmailAlreadyExists
	case errors.Is(err, store.ErrPhoneNumberTaken):
		return false, cdi.ErrPhoneNumberAlreadyExists
	case errors.Is(err, store.ErrThirdPartyUserTaken):
		return false, cdi.ErrThirdPartyUserAlreadyExists
	case errors.Is(err, store.ErrNotFound):
		// The transport found the tenant, so it is the user (or a tenant
		// removed since, which then has no user to speak of either).
		return false, cdi.ErrUnknownUserID
	}
	return false, err
}

// RemoveUser ends a user's association with tenantID and reports whether
// there was one.
func (s *Service) RemoveUser(ctx context.Context, tenantID, userID string) (bool, error) {
	return s.Store.RemoveUserFromTenant(ctx, tenantID, userID)
}

// checkNewTenantID applies the rules of a tenant id that can be created:
// the transport's syntax, so that it can be named in a path, and none of
// the words the paths reserve.
func checkNewTenantID(id string) error {
	switch {
	case id == "":
		return cdi.BadRequest("Field name 'tenantId' is invalid in JSON input")
	case len(id) > 64:
		return cdi.BadRequest("Invalid tenantId: at most 64 characters")
	case !tenantid.Valid(id):
		return cdi.BadRequest("Invalid tenantId: use only lower-case letters, digits and '-'")
	case tenantid.Reserved(id):
		return cdi.BadRequestf("Invalid tenantId: %q is a reserved word", id)
	case len(id) >= len("appid-") && id[:len("appid-")] == "appid-":
		return cdi.BadRequest("Invalid tenantId: it must not start with 'appid-'")
	}
	return nil
}

// Caps on factor lists.
const (
	maxFactors      = 32
	maxFactorLength = 100
)

// checkFactors applies the reference's rules for factor lists: no empty
// or duplicate ids, and requiredSecondaryFactors is null or not empty.
func checkFactors(in TenantInput) error {
	for _, f := range []struct {
		name string
		list *FactorList
	}{{"firstFactors", in.FirstFactors}, {"requiredSecondaryFactors", in.RequiredSecondaryFactors}} {
		if f.list == nil || f.list.List == nil {
			continue
		}
		if len(f.list.List) > maxFactors {
			return cdi.BadRequestf("%s can have at most %d factors", f.name, maxFactors)
		}
		seen := map[string]bool{}
		for _, id := range f.list.List {
			if id == "" || len(id) > maxFactorLength || !validFactorID(id) {
				return cdi.BadRequestf("%s contains an invalid factor id %q", f.name, id)
			}
			if seen[id] {
				return cdi.BadRequestf("%s input should not contain duplicate values", f.name)
			}
			seen[id] = true
		}
	}
	if in.RequiredSecondaryFactors != nil && in.RequiredSecondaryFactors.List != nil && len(in.RequiredSecondaryFactors.List) == 0 {
		return cdi.BadRequest("requiredSecondaryFactors cannot be empty. Set null instead to remove all required secondary factors.")
	}
	return nil
}

// validFactorID accepts the built-in factor ids and custom ones of the
// same shape.
func validFactorID(id string) bool {
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// tenantSettings are the core settings a tenant may have of its own, with
// the largest value each accepts. The recipes read them per request
// (cdi.ConfigMillis, cdi.ConfigInt); every other key is app-wide here.
var tenantSettings = map[string]int64{
	"password_reset_token_lifetime":        10 * 365 * 24 * 3600 * 1000,
	"email_verification_token_lifetime":    10 * 365 * 24 * 3600 * 1000,
	"passwordless_code_lifetime":           10 * 365 * 24 * 3600 * 1000,
	"passwordless_max_code_input_attempts": 1000,
}

// TenantSettingKeys lists the per-tenant core settings.
func TenantSettingKeys() []string {
	return []string{"email_verification_token_lifetime", "password_reset_token_lifetime",
		"passwordless_code_lifetime", "passwordless_max_code_input_attempts"}
}

// checkCoreConfig accepts only the per-tenant settings, each a positive
// whole number within its range, or null to remove it.
func checkCoreConfig(config map[string]any) error {
	for k, v := range config {
		max, ok := tenantSettings[k]
		if !ok {
			return cdi.BadRequestf("Invalid core config: %q is not a setting a tenant can have of its own", k)
		}
		if v == nil {
			continue
		}
		n, ok := v.(float64)
		if !ok || n != float64(int64(n)) || n < 1 || n > float64(max) {
			return cdi.BadRequest(fmt.Sprintf("Invalid core config: %q must be a whole number from 1 to %d", k, max))
		}
	}
	return nil
}
