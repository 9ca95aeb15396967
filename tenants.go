package latchkey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Tenant is one tenant of the app, as the core keeps it
// (reference/cdi-api-spec.yaml, tenantConfigV2).
type Tenant struct {
	TenantID string
	// FirstFactors are the ways the tenant lets users sign in
	// ("emailpassword", "otp-email", ...); nil means every way the app
	// offers, empty means none.
	FirstFactors []string
	// RequiredSecondaryFactors are the factors required after the first;
	// nil means none.
	RequiredSecondaryFactors []string
	// CoreConfig holds the tenant's own core settings.
	CoreConfig map[string]any
	// Providers are the tenant's third-party provider configs stored in
	// the core, as the CDI carries them (thirdPartyProviderConfig).
	Providers []json.RawMessage
}

// ErrUnknownTenant is returned for a tenant the core does not know.
var ErrUnknownTenant = errors.New("latchkey: unknown tenant")

type wireTenant struct {
	Status                   string         `json:"status"`
	TenantID                 string         `json:"tenantId"`
	FirstFactors             []string       `json:"firstFactors"`
	RequiredSecondaryFactors []string       `json:"requiredSecondaryFactors"`
	CoreConfig               map[string]any `json:"coreConfig"`
	ThirdParty               struct {
		Providers []json.RawMessage `json:"providers"`
	} `json:"thirdParty"`
}

func (w wireTenant) tenant() Tenant {
	return Tenant{TenantID: w.TenantID, FirstFactors: w.FirstFactors, RequiredSecondaryFactors: w.RequiredSecondaryFactors,
		CoreConfig: w.CoreConfig, Providers: w.ThirdParty.Providers}
}

// Tenants lists the app's tenants. CDI: GET /recipe/multitenancy/tenant/list/v2.
func (lk *Latchkey) Tenants(ctx context.Context) ([]Tenant, error) {
	var a struct {
		Tenants []wireTenant `json:"tenants"`
	}
	if err := lk.core.Do(ctx, CoreRequest{Path: "/recipe/multitenancy/tenant/list/v2", RecipeID: "multitenancy"}, &a); err != nil {
		return nil, err
	}
	out := make([]Tenant, len(a.Tenants))
	for i, t := range a.Tenants {
		out[i] = t.tenant()
	}
	return out, nil
}

// GetTenant returns one tenant, or ErrUnknownTenant.
// CDI: GET /<tenant>/recipe/multitenancy/tenant/v2.
func (lk *Latchkey) GetTenant(ctx context.Context, tenantID string) (Tenant, error) {
	var a wireTenant
	err := lk.core.Do(ctx, CoreRequest{Path: "/recipe/multitenancy/tenant/v2", TenantID: TenantOrDefault(tenantID), RecipeID: "multitenancy"}, &a)
	var ce *CoreError
	if errors.As(err, &ce) && ce.Code == http.StatusBadRequest || err == nil && a.Status == "TENANT_NOT_FOUND_ERROR" {
		// The core refuses an unknown tenant in the path with a 400.
		return Tenant{}, ErrUnknownTenant
	}
	if err != nil {
		return Tenant{}, err
	}
	return a.tenant(), nil
}

// TenantConfig is what CreateOrUpdateTenant sets; a nil field is left as
// it is (for a new tenant: no login method, no secondary factor).
type TenantConfig struct {
	// FirstFactors sets the login methods: a pointer to nil means every
	// login method, to an empty list none.
	FirstFactors *[]string
	// RequiredSecondaryFactors: a pointer to nil means none.
	RequiredSecondaryFactors *[]string
	// CoreConfig is merged into the tenant's settings; a nil value
	// removes a key.
	CoreConfig map[string]any
}

// CreateOrUpdateTenant creates the tenant or updates it, and reports
// whether it was created. CDI: PUT /recipe/multitenancy/tenant/v2.
func (lk *Latchkey) CreateOrUpdateTenant(ctx context.Context, tenantID string, cfg TenantConfig) (created bool, err error) {
	body := map[string]any{"tenantId": tenantID}
	if cfg.FirstFactors != nil {
		body["firstFactors"] = *cfg.FirstFactors
	}
	if cfg.RequiredSecondaryFactors != nil {
		body["requiredSecondaryFactors"] = *cfg.RequiredSecondaryFactors
	}
	if cfg.CoreConfig != nil {
		body["coreConfig"] = cfg.CoreConfig
	}
	var a struct {
		CreatedNew bool `json:"createdNew"`
	}
	err = lk.core.Do(ctx, CoreRequest{Method: http.MethodPut, Path: "/recipe/multitenancy/tenant/v2", Body: body, RecipeID: "multitenancy"}, &a)
	return a.CreatedNew, err
}

// DeleteTenant removes a tenant and reports whether it existed.
// CDI: POST /recipe/multitenancy/tenant/remove.
func (lk *Latchkey) DeleteTenant(ctx context.Context, tenantID string) (existed bool, err error) {
	var a struct {
		DidExist bool `json:"didExist"`
	}
	err = lk.core.Do(ctx, CoreRequest{Method: http.MethodPost, Path: "/recipe/multitenancy/tenant/remove",
		Body: map[string]any{"tenantId": tenantID}, RecipeID: "multitenancy"}, &a)
	return a.DidExist, err
}

// ConfigValidationError is the core's refusal of a provider config, with
// its reason.
type ConfigValidationError struct{ Reason string }

// Error implements error.
func (e *ConfigValidationError) Error() string {
	return "latchkey: invalid third-party provider config: " + e.Reason
}

// CreateOrUpdateThirdPartyConfig stores a provider config (a
// thirdPartyProviderConfig object, with at least thirdPartyId) for the
// tenant and reports whether it is new. A config the core refuses is a
// *ConfigValidationError. CDI: PUT /<tenant>/recipe/multitenancy/config/thirdparty.
func (lk *Latchkey) CreateOrUpdateThirdPartyConfig(ctx context.Context, tenantID string, config any, skipValidation bool) (created bool, err error) {
	var a struct {
		Status     string `json:"status"`
		CreatedNew bool   `json:"createdNew"`
		Reason     string `json:"reason"`
	}
	err = lk.core.Do(ctx, CoreRequest{Method: http.MethodPut, Path: "/recipe/multitenancy/config/thirdparty", TenantID: TenantOrDefault(tenantID),
		Body: map[string]any{"config": config, "skipValidation": skipValidation}, RecipeID: "multitenancy"}, &a)
	if err == nil && a.Status == "CONFIG_VALIDATION_ERROR" {
		return false, &ConfigValidationError{Reason: a.Reason}
	}
	return a.CreatedNew, err
}

// DeleteThirdPartyConfig removes a provider config of the tenant and
// reports whether it existed.
// CDI: POST /<tenant>/recipe/multitenancy/config/thirdparty/remove.
func (lk *Latchkey) DeleteThirdPartyConfig(ctx context.Context, tenantID, thirdPartyID string) (existed bool, err error) {
	var a struct {
		DidConfigExist bool `json:"didConfigExist"`
	}
	err = lk.core.Do(ctx, CoreRequest{Method: http.MethodPost, Path: "/recipe/multitenancy/config/thirdparty/remove", TenantID: TenantOrDefault(tenantID),
		Body: map[string]any{"thirdPartyId": thirdPartyID}, RecipeID: "multitenancy"}, &a)
	return a.DidConfigExist, err
}

// AssociationError is the core's refusal to associate a user with a
// tenant: Status is UNKNOWN_USER_ID_ERROR, EMAIL_ALREADY_EXISTS_ERROR,
// PHONE_NUMBER_ALREADY_EXISTS_ERROR, THIRD_PARTY_USER_ALREADY_EXISTS_ERROR
// or ASSOCIATION_NOT_ALLOWED_ERROR (from a SuperTokens core, with a
// Reason).
type AssociationError struct {
	Status string
	// Reason is the core's explanation, when it gives one.
	Reason string
}

// Error implements error.
func (e *AssociationError) Error() string {
	return fmt.Sprintf("latchkey: the user cannot be associated with the tenant: %s", e.Status)
}

// AssociateUserToTenant associates a (recipe) user with the tenant and
// reports whether it already was; a refusal is an *AssociationError.
// CDI: POST /<tenant>/recipe/multitenancy/tenant/user.
func (lk *Latchkey) AssociateUserToTenant(ctx context.Context, tenantID, recipeUserID string) (alreadyAssociated bool, err error) {
	var a struct {
		Status               string `json:"status"`
		WasAlreadyAssociated bool   `json:"wasAlreadyAssociated"`
		Reason               string `json:"reason"`
	}
	err = lk.core.Do(ctx, CoreRequest{Method: http.MethodPost, Path: "/recipe/multitenancy/tenant/user", TenantID: TenantOrDefault(tenantID),
		Body: map[string]any{"recipeUserId": recipeUserID}, RecipeID: "multitenancy"}, &a)
	if err == nil && a.Status != "OK" {
		return false, &AssociationError{Status: a.Status, Reason: a.Reason}
	}
	return a.WasAlreadyAssociated, err
}

// DisassociateUserFromTenant ends a user's association with the tenant
// and reports whether there was one.
// CDI: POST /<tenant>/recipe/multitenancy/tenant/user/remove.
func (lk *Latchkey) DisassociateUserFromTenant(ctx context.Context, tenantID, recipeUserID string) (wasAssociated bool, err error) {
	var a struct {
		WasAssociated bool `json:"wasAssociated"`
	}
	err = lk.core.Do(ctx, CoreRequest{Method: http.MethodPost, Path: "/recipe/multitenancy/tenant/user/remove", TenantID: TenantOrDefault(tenantID),
		Body: map[string]any{"recipeUserId": recipeUserID}, RecipeID: "multitenancy"}, &a)
	return a.WasAssociated, err
}

// CoreConfigField is one core setting of a tenant with what a UI needs to
// show and edit it: the core's CoreConfigFieldInfo
// (reference/dashboard.md §6.7).
type CoreConfigField struct {
	Key string `json:"key"`
	// ValueType is "string", "boolean" or "number".
	ValueType string `json:"valueType"`
	// Value is the tenant's value (its own, or the core's).
	Value       any    `json:"value"`
	Description string `json:"description"`
	// IsDifferentAcrossTenants reports whether a tenant may have a value
	// of its own.
	IsDifferentAcrossTenants bool `json:"isDifferentAcrossTenants"`
	// PossibleValues lists the allowed values of an enumerated setting.
	PossibleValues []string `json:"possibleValues,omitempty"`
	IsNullable     bool     `json:"isNullable"`
	DefaultValue   any      `json:"defaultValue"`
	// IsPluginProperty marks a database plugin's setting.
	IsPluginProperty         bool `json:"isPluginProperty"`
	IsPluginPropertyEditable bool `json:"isPluginPropertyEditable"`
}

// TenantCoreConfig returns the tenant's core settings with their
// descriptions, as the dashboard's tenant page shows them; a Latchkey
// core lists the settings a tenant may have of its own. ErrUnknownTenant
// for a tenant the core does not know.
// CDI: GET /<tenant>/recipe/dashboard/tenant/core-config.
func (lk *Latchkey) TenantCoreConfig(ctx context.Context, tenantID string) ([]CoreConfigField, error) {
	var a struct {
		Config []CoreConfigField `json:"config"`
	}
	err := lk.core.Do(ctx, CoreRequest{Path: "/recipe/dashboard/tenant/core-config", TenantID: TenantOrDefault(tenantID), RecipeID: "dashboard"}, &a)
	var ce *CoreError
	if errors.As(err, &ce) && ce.Code == http.StatusBadRequest {
		return nil, ErrUnknownTenant
	}
	if err != nil {
		return nil, err
	}
	if a.Config == nil {
		a.Config = []CoreConfigField{}
	}
	return a.Config, nil
}
