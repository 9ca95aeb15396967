package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/internal/tenantid"
	"github.com/latchkey-dev/latchkey/recipe/thirdparty"
)

// Tenant management (reference/dashboard.md §6.7; the UI of §5.10). Every
// handler here but createTenant acts on the request's tenant, the
// {tenantId} segment of {apiBasePath}/{tenantId}/dashboard/api/…, and
// reaches the core only through the SDK's typed tenant calls. Writes are
// `write` routes (routes.go), so read-only accounts get the 403 and every
// successful one lands in the audit log (audit.go).
//
// A write that first reads the tenant and then updates it (first factors,
// secondary factors, core config, a provider) must not create the tenant
// when someone removed it in between: the core's create-or-update would.
// Such a write checks the core's createdNew and removes what it made.

// Factor ids (reference/dashboard.md §5.10).
const (
	factorEmailPassword = "emailpassword"
	factorThirdParty    = "thirdparty"
	factorWebAuthn      = "webauthn"
)

// firstFactorIDs are the first factors the tenant page toggles, and
// webauthn, which the reference's SDK knows and Latchkey has no recipe
// for.
var firstFactorIDs = []string{factorEmailPassword, "otp-email", "otp-phone", "link-email", "link-phone", factorThirdParty, factorWebAuthn}

// maxCountedTenants bounds the per-tenant count calls of GET /tenants
// against a core without the one-call user statistics (a SuperTokens
// core); tenants past it have no userCount.
const maxCountedTenants = 100

// msgSAML is the 400 of anything SAML: Latchkey has no BoxyHQ client.
const msgSAML = "SAML providers (BoxyHQ) are not supported by Latchkey: add the identity provider as an OpenID Connect provider (a custom provider with its discovery endpoint) instead"

// availableFactors are the first factors the configured recipes serve for
// the tenant, from the SDK's login methods: emailpassword, thirdparty, and
// the passwordless factors that its contact method and flow type allow.
func (rc *Recipe) availableFactors(tenantID string) []string {
	out := []string{}
	for _, f := range rc.lk.LoginMethods(tenantID).FirstFactors {
		if slices.Contains(firstFactorIDs, f) && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// firstFactors are the tenant's usable first factors: the core's list,
// or (none stored) every available one, less what no recipe here serves
// (reference/dashboard.md §6.7: core value ▸ SDK static ▸ all available;
// Latchkey has no static first-factor setting).
func (rc *Recipe) firstFactors(t latchkey.Tenant) []string {
	available := rc.availableFactors(t.TenantID)
	if t.FirstFactors == nil {
		return available
	}
	out := []string{}
	for _, f := range t.FirstFactors {
		if slices.Contains(available, f) {
			out = append(out, f)
		}
	}
	return out
}

// tenants serves GET /dashboard/api/tenants: every tenant with its usable
// first factors and (a Latchkey extension) its userCount.
// CDI: GET /recipe/multitenancy/tenant/list/v2, and the counts.
func (rc *Recipe) tenants(w http.ResponseWriter, r *http.Request) error {
	tenants, err := rc.lk.Tenants(r.Context())
	if err != nil {
		return err
	}
	counts := rc.userCounts(r.Context(), tenants)
	type tenant struct {
		TenantID     string   `json:"tenantId"`
		FirstFactors []string `json:"firstFactors"`
		UserCount    *int64   `json:"userCount,omitempty"`
	}
	out := make([]tenant, 0, len(tenants))
	for _, t := range tenants {
		row := tenant{TenantID: t.TenantID, FirstFactors: rc.firstFactors(t)}
		if n, ok := counts[t.TenantID]; ok {
			row.UserCount = &n
		}
		out = append(out, row)
	}
	writeStatus(w, "OK", map[string]any{"tenants": out})
	return nil
}

// userCounts counts the users of each tenant. A Latchkey core answers
// every tenant's count in one call, from the counters it keeps (its
// overview statistics, GET /recipe/latchkey/users/stats); another core
// gets one GET /<t>/users/count per tenant, for the first
// maxCountedTenants. Counts that cannot be read are left out, not an
// error.
func (rc *Recipe) userCounts(ctx context.Context, tenants []latchkey.Tenant) map[string]int64 {
	out := make(map[string]int64, len(tenants))
	stats, err := rc.lk.UserStats(ctx, latchkey.DefaultTenantID, 1)
	var ce *latchkey.CoreError
	switch {
	case err == nil:
		byTenant := make(map[string]int64, len(stats.UsersByTenant))
		for _, c := range stats.UsersByTenant {
			byTenant[c.TenantID] = c.Count
		}
		for _, t := range tenants {
			out[t.TenantID] = byTenant[t.TenantID] // a tenant without users has no row
		}
		return out
	case !errors.As(err, &ce) || ce.Code != http.StatusNotFound:
		// The counts are an extra: the list is still worth showing.
		rc.lk.Logger().WarnContext(ctx, "dashboard: the tenants' user counts could not be read", "err", err)
		return out
	}
	for _, t := range tenants[:min(len(tenants), maxCountedTenants)] {
		n, err := rc.lk.CountUsers(ctx, latchkey.CountUsersOptions{TenantID: t.TenantID})
		if err != nil {
			rc.lk.Logger().WarnContext(ctx, "dashboard: a tenant's user count could not be read", "tenantId", t.TenantID, "err", err)
			continue
		}
		out[t.TenantID] = n
	}
	return out
}

// unknownTenant answers UNKNOWN_TENANT_ERROR.
func unknownTenant(w http.ResponseWriter) { writeStatus(w, "UNKNOWN_TENANT_ERROR", nil) }

// loadTenant reads the request's tenant; ok=false when it answered
// UNKNOWN_TENANT_ERROR.
func (rc *Recipe) loadTenant(w http.ResponseWriter, r *http.Request) (latchkey.Tenant, bool, error) {
	t, err := rc.lk.GetTenant(r.Context(), latchkey.TenantID(r.Context()))
	if errors.Is(err, latchkey.ErrUnknownTenant) {
		unknownTenant(w)
		return t, false, nil
	}
	return t, err == nil, err
}

// updateTenant updates an existing tenant. A tenant removed since it was
// read would be created again by the core: that one is removed at once
// and the answer is UNKNOWN_TENANT_ERROR (ok=false).
func (rc *Recipe) updateTenant(w http.ResponseWriter, r *http.Request, cfg latchkey.TenantConfig) (ok bool, err error) {
	id := latchkey.TenantID(r.Context())
	created, err := rc.lk.CreateOrUpdateTenant(r.Context(), id, cfg)
	if err != nil {
		return false, err
	}
	if created {
		if _, err := rc.lk.DeleteTenant(r.Context(), id); err != nil {
			return false, err
		}
		unknownTenant(w)
		return false, nil
	}
	return true, nil
}

// checkNewTenantID applies the core's rules for a tenant id that can be
// created (internal/tenantid), so that the answer does not depend on the
// core's wording: "" if id is fine, else the message.
func checkNewTenantID(id string) string {
	switch {
	case len(id) > 64:
		return "Invalid tenantId: at most 64 characters"
	case !tenantid.Valid(id):
		return "Invalid tenantId: use only lower-case letters, digits and '-'"
	case tenantid.Reserved(id):
		return fmt.Sprintf("Invalid tenantId: %q is a reserved word", id)
	case strings.HasPrefix(id, "appid-"):
		return "Invalid tenantId: it must not start with 'appid-'"
	}
	return ""
}

// createTenant serves POST /dashboard/api/tenant {tenantId, firstFactors?,
// requiredSecondaryFactors?, coreConfig?}: OK with createdNew,
// TENANT_ID_ALREADY_EXISTS_ERROR, INVALID_TENANT_ID_ERROR with a message,
// or MULTITENANCY_NOT_ENABLED_IN_CORE_ERROR (a core that answers 402).
// The id is trimmed and lower-cased, as the core and the UI do.
// CDI: GET /<t>/recipe/multitenancy/tenant/v2, PUT /recipe/multitenancy/tenant/v2.
func (rc *Recipe) createTenant(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	id, err := b.nonEmpty("tenantId")
	if err != nil {
		return err
	}
	id = strings.ToLower(id)
	if msg := checkNewTenantID(id); msg != "" {
		writeStatus(w, "INVALID_TENANT_ID_ERROR", map[string]any{"message": msg})
		return nil
	}
	var cfg latchkey.TenantConfig
	for name, dst := range map[string]**[]string{"firstFactors": &cfg.FirstFactors, "requiredSecondaryFactors": &cfg.RequiredSecondaryFactors} {
		if _, given := b[name]; !given {
			continue
		}
		var list []string
		if json.Unmarshal(b[name], &list) != nil {
			return badInput("'" + name + "' must be an array of factor ids or null")
		}
		*dst = &list
	}
	if b.has("coreConfig") && json.Unmarshal(b["coreConfig"], &cfg.CoreConfig) != nil {
		return badInput("'coreConfig' must be an object")
	}
	if _, err := rc.lk.GetTenant(r.Context(), id); err == nil {
		writeStatus(w, "TENANT_ID_ALREADY_EXISTS_ERROR", nil)
		return nil
	} else if !errors.Is(err, latchkey.ErrUnknownTenant) {
		return err
	}
	created, err := rc.lk.CreateOrUpdateTenant(r.Context(), id, cfg)
	var ce *latchkey.CoreError
	switch {
	case errors.As(err, &ce) && ce.Code == http.StatusPaymentRequired:
		writeStatus(w, "MULTITENANCY_NOT_ENABLED_IN_CORE_ERROR", nil)
	case errors.As(err, &ce) && ce.Code == http.StatusBadRequest:
		if strings.Contains(ce.Body, "tenantId") {
			writeStatus(w, "INVALID_TENANT_ID_ERROR", map[string]any{"message": ce.Body})
			return nil
		}
		return badInput(ce.Body) // the factors or the core config
	case err != nil:
		return err
	case !created:
		// Made by someone else since the read above.
		writeStatus(w, "TENANT_ID_ALREADY_EXISTS_ERROR", nil)
	default:
		writeStatus(w, "OK", map[string]any{"createdNew": true})
	}
	return nil
}

// providerInfo names a provider on the tenant page.
type providerInfo struct {
	ThirdPartyID string `json:"thirdPartyId"`
	Name         string `json:"name"`
}

// tenantProvider is one provider of a tenant: its stored config, the
// SDK's, or both (the stored one wins for sign-in, recipe/thirdparty).
type tenantProvider struct {
	id, name string
	stored   json.RawMessage
	static   *thirdparty.StaticProvider
}

// storedHead is what is read of a stored provider config to list it.
type storedHead struct {
	ThirdPartyID string `json:"thirdPartyId"`
	Name         string `json:"name"`
}

// providers merges the tenant's providers as the SDK's sign-in does: the
// SDK's providers that serve the tenant, in configuration order, then
// the stored ones with other ids, in the order they were stored.
func (rc *Recipe) providers(t latchkey.Tenant) []tenantProvider {
	var out []tenantProvider
	if rc.tp != nil {
		for _, sp := range rc.tp.StaticProviders(t.TenantID) {
			out = append(out, tenantProvider{id: sp.Config.ThirdPartyID, name: sp.Name, static: &sp})
		}
	}
	for _, raw := range t.Providers {
		var h storedHead
		if json.Unmarshal(raw, &h) != nil || h.ThirdPartyID == "" {
			continue
		}
		i := slices.IndexFunc(out, func(p tenantProvider) bool { return p.id == h.ThirdPartyID })
		if i < 0 {
			out = append(out, tenantProvider{id: h.ThirdPartyID})
			i = len(out) - 1
		}
		out[i].stored = raw
		if h.Name != "" {
			out[i].name = h.Name
		}
		if out[i].name == "" {
			out[i].name = thirdparty.WithDefaults(thirdparty.ProviderConfig{ThirdPartyID: h.ThirdPartyID}).Name
		}
	}
	return out
}

// tenant serves GET /dashboard/api/tenant: the tenant with its providers,
// usable first factors, stored secondary factors, core settings and user
// count, or UNKNOWN_TENANT_ERROR.
// CDI: GET /<t>/recipe/multitenancy/tenant/v2, GET /<t>/users/count,
// GET /<t>/recipe/dashboard/tenant/core-config.
func (rc *Recipe) tenant(w http.ResponseWriter, r *http.Request) error {
	t, ok, err := rc.loadTenant(w, r)
	if !ok || err != nil {
		return err
	}
	n, err := rc.lk.CountUsers(r.Context(), latchkey.CountUsersOptions{TenantID: t.TenantID})
	if err != nil {
		return err
	}
	config, err := rc.lk.TenantCoreConfig(r.Context(), t.TenantID)
	if errors.Is(err, latchkey.ErrUnknownTenant) {
		unknownTenant(w) // removed since the read above
		return nil
	}
	if err != nil {
		return err
	}
	providers := []providerInfo{}
	for _, p := range rc.providers(t) {
		providers = append(providers, providerInfo{ThirdPartyID: p.id, Name: p.name})
	}
	secondary := t.RequiredSecondaryFactors
	if secondary == nil {
		secondary = []string{}
	}
	writeStatus(w, "OK", map[string]any{"tenant": map[string]any{
		"tenantId":                 t.TenantID,
		"thirdParty":               map[string]any{"providers": providers},
		"firstFactors":             rc.firstFactors(t),
		"requiredSecondaryFactors": secondary,
		"coreConfig":               config,
		"userCount":                n,
	}})
	return nil
}

// deleteTenant serves DELETE /dashboard/api/tenant: OK with didExist, or
// CANNOT_DELETE_PUBLIC_TENANT_ERROR.
// CDI: POST /recipe/multitenancy/tenant/remove.
func (rc *Recipe) deleteTenant(w http.ResponseWriter, r *http.Request) error {
	id := latchkey.TenantID(r.Context())
	if id == latchkey.DefaultTenantID {
		writeStatus(w, "CANNOT_DELETE_PUBLIC_TENANT_ERROR", nil)
		return nil
	}
	existed, err := rc.lk.DeleteTenant(r.Context(), id)
	var ce *latchkey.CoreError
	if errors.As(err, &ce) && ce.Code == http.StatusForbidden {
		writeStatus(w, "CANNOT_DELETE_PUBLIC_TENANT_ERROR", nil)
		return nil
	}
	if err != nil {
		return err
	}
	writeStatus(w, "OK", map[string]any{"didExist": existed})
	return nil
}

// factorToggle reads {factorId, enable}.
func factorToggle(r *http.Request) (factor string, enable bool, err error) {
	b, err := readBody(r)
	if err != nil {
		return "", false, err
	}
	if factor, err = b.nonEmpty("factorId"); err != nil {
		return "", false, err
	}
	if enable, err = b.bool("enable"); err != nil {
		return "", false, err
	}
	return factor, enable, nil
}

// factorNotAvailable is the reference's message for a first factor no
// recipe here serves (node's getFactorNotAvailableMessage, with its
// recipe names).
func factorNotAvailable(factor string, available []string) string {
	recipe := map[string]string{factorEmailPassword: "Emailpassword", factorThirdParty: "ThirdParty", factorWebAuthn: "WebAuthn"}[factor]
	if recipe != "" {
		return "Please initialise " + recipe + " recipe to be able to use this login method"
	}
	if !slices.ContainsFunc(available, func(f string) bool { return strings.HasPrefix(f, "otp-") || strings.HasPrefix(f, "link-") }) {
		return "Please initialise Passwordless recipe to be able to use this login method"
	}
	flow, contact, _ := strings.Cut(factor, "-")
	flowType := "MAGIC_LINK"
	if flow == "otp" {
		flowType = "USER_INPUT_CODE"
	}
	return "Please ensure that Passwordless recipe is initialised with contactMethod: " + strings.ToUpper(contact) + " and flowType: " + flowType
}

// setFirstFactor serves PUT /dashboard/api/tenant/first-factor {factorId,
// enable}: OK, RECIPE_NOT_CONFIGURED_ON_BACKEND_SDK_ERROR with the
// reference's message, or UNKNOWN_TENANT_ERROR. The new list starts from
// the tenant's usable factors (all available when it stores none).
// CDI: GET /<t>/recipe/multitenancy/tenant/v2, PUT /recipe/multitenancy/tenant/v2.
func (rc *Recipe) setFirstFactor(w http.ResponseWriter, r *http.Request) error {
	factor, enable, err := factorToggle(r)
	if err != nil {
		return err
	}
	if !slices.Contains(firstFactorIDs, factor) {
		return badInput("'factorId' must be one of " + strings.Join(firstFactorIDs, ", "))
	}
	t, ok, err := rc.loadTenant(w, r)
	if !ok || err != nil {
		return err
	}
	available := rc.availableFactors(t.TenantID)
	if enable && !slices.Contains(available, factor) {
		writeStatus(w, "RECIPE_NOT_CONFIGURED_ON_BACKEND_SDK_ERROR", map[string]any{"message": factorNotAvailable(factor, available)})
		return nil
	}
	factors := slices.DeleteFunc(rc.firstFactors(t), func(f string) bool { return f == factor })
	if enable {
		factors = append(factors, factor)
	}
	if ok, err := rc.updateTenant(w, r, latchkey.TenantConfig{FirstFactors: &factors}); !ok || err != nil {
		return err
	}
	writeStatus(w, "OK", nil)
	return nil
}

// setSecondaryFactor serves PUT /dashboard/api/tenant/required-secondary-factor
// {factorId, enable}. Secondary factors need the MFA recipe, which
// Latchkey does not have: a known tenant gets MFA_NOT_INITIALIZED_ERROR,
// the status the UI shows its banner for (node throws instead). GET
// /tenant still shows what the core stores.
func (rc *Recipe) setSecondaryFactor(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := factorToggle(r); err != nil {
		return err
	}
	if _, ok, err := rc.loadTenant(w, r); !ok || err != nil {
		return err
	}
	writeStatus(w, "MFA_NOT_INITIALIZED_ERROR", nil)
	return nil
}

// setCoreConfig serves PUT /dashboard/api/tenant/core-config {name,
// value}: OK, UNKNOWN_TENANT_ERROR, or INVALID_CONFIG_ERROR with the
// core's message (a setting the tenant cannot have, a bad value, the
// public tenant). A null value removes the tenant's own value.
// CDI: PUT /recipe/multitenancy/tenant/v2 {tenantId, coreConfig}.
func (rc *Recipe) setCoreConfig(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	name, err := b.nonEmpty("name")
	if err != nil {
		return err
	}
	raw, given := b["value"]
	if !given {
		return badInput("Required parameter 'value' is missing or has an invalid type")
	}
	var value any
	if err := json.Unmarshal(raw, &value); err != nil {
		return badInput("Required parameter 'value' is missing or has an invalid type")
	}
	if _, ok, err := rc.loadTenant(w, r); !ok || err != nil {
		return err
	}
	ok, err := rc.updateTenant(w, r, latchkey.TenantConfig{CoreConfig: map[string]any{name: value}})
	var ce *latchkey.CoreError
	if errors.As(err, &ce) && ce.Code == http.StatusBadRequest {
		writeStatus(w, "INVALID_CONFIG_ERROR", map[string]any{"message": ce.Body})
		return nil
	}
	if !ok || err != nil {
		return err
	}
	writeStatus(w, "OK", nil)
	return nil
}

// addTenantUser serves POST /{tenantId}/dashboard/api/tenant/user
// {userId} (a Latchkey extension): it adds an existing user to the
// tenant. OK with wasAlreadyAssociated, UNKNOWN_TENANT_ERROR, or the
// core's refusal as it gives it: UNKNOWN_USER_ID_ERROR,
// EMAIL_ALREADY_EXISTS_ERROR, PHONE_NUMBER_ALREADY_EXISTS_ERROR,
// THIRD_PARTY_USER_ALREADY_EXISTS_ERROR, ASSOCIATION_NOT_ALLOWED_ERROR
// (with its reason).
// CDI: POST /<t>/recipe/multitenancy/tenant/user.
func (rc *Recipe) addTenantUser(w http.ResponseWriter, r *http.Request) error {
	id, err := tenantUserID(r)
	if err != nil {
		return err
	}
	t, ok, err := rc.loadTenant(w, r)
	if !ok || err != nil {
		return err
	}
	already, err := rc.lk.AssociateUserToTenant(r.Context(), t.TenantID, id)
	var ae *latchkey.AssociationError
	if errors.As(err, &ae) {
		var fields map[string]any
		if ae.Reason != "" {
			fields = map[string]any{"reason": ae.Reason}
		}
		writeStatus(w, ae.Status, fields)
		return nil
	}
	if err != nil {
		return err
	}
	writeStatus(w, "OK", map[string]any{"wasAlreadyAssociated": already})
	return nil
}

// removeTenantUser serves POST /{tenantId}/dashboard/api/tenant/user/remove
// {userId} (a Latchkey extension): it takes the user out of the tenant.
// OK with wasAssociated, or UNKNOWN_TENANT_ERROR.
// CDI: POST /<t>/recipe/multitenancy/tenant/user/remove.
func (rc *Recipe) removeTenantUser(w http.ResponseWriter, r *http.Request) error {
	id, err := tenantUserID(r)
	if err != nil {
		return err
	}
	t, ok, err := rc.loadTenant(w, r)
	if !ok || err != nil {
		return err
	}
	was, err := rc.lk.DisassociateUserFromTenant(r.Context(), t.TenantID, id)
	if err != nil {
		return err
	}
	writeStatus(w, "OK", map[string]any{"wasAssociated": was})
	return nil
}

// maxUserIDLen bounds a user id sent to the core.
const maxUserIDLen = 128

// tenantUserID reads {userId}.
func tenantUserID(r *http.Request) (string, error) {
	b, err := readBody(r)
	if err != nil {
		return "", err
	}
	id, err := b.nonEmpty("userId")
	if err != nil {
		return "", err
	}
	if len(id) > maxUserIDLen {
		return "", badInput(fmt.Sprintf("'userId' must be at most %d characters", maxUserIDLen))
	}
	return id, nil
}

// thirdPartyIDSyntax is what a provider id stored from the dashboard may
// look like: it is part of every third-party user's key and of URLs.
var thirdPartyIDSyntax = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// isSAML reports whether a provider id is a SAML one (node's boxy-saml).
func isSAML(id string) bool {
	id = strings.ToLower(id)
	return strings.HasPrefix(id, "boxy-saml") || strings.HasPrefix(id, "saml")
}
