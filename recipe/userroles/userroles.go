// Package userroles manages roles and permissions in the core and puts a
// session's roles (st-role) and permissions (st-perm) in its access token
// (reference/sdk-fdi.md §2.6). It serves no HTTP APIs.
//
// Protect a route by role with a claim validator:
//
//	mux.Handle("/admin", sess.VerifySession(&session.VerifyOptions{
//		OverrideGlobalClaimValidators: func(ctx context.Context, s *session.Session, g []session.Validator) ([]session.Validator, error) {
//			return append(g, roles.RoleClaim().Includes("admin")), nil
//		},
//	}, admin))
package userroles

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// RecipeID is the recipe's id.
const RecipeID = "userroles"

// ErrUnknownRole is returned for a role that does not exist.
var ErrUnknownRole = errors.New("userroles: unknown role")

// Config configures the recipe.
type Config struct {
	// SkipAddingRolesToAccessToken leaves st-role out of new sessions.
	SkipAddingRolesToAccessToken bool
	// SkipAddingPermissionsToAccessToken leaves st-perm out of new
	// sessions.
	SkipAddingPermissionsToAccessToken bool
	// Override wraps or replaces the recipe's functions.
	Override func(Service) Service
}

// Service is the recipe's functions. Config.Override wraps it; embed the
// value it is given to replace one method. Roles and permissions are
// app-wide; which user has which role is per tenant.
type Service interface {
	// AddRoleToUser gives a user a role and reports whether they had it.
	// CDI: PUT /{tenantId}/recipe/user/role.
	AddRoleToUser(ctx context.Context, tenantID, userID, role string) (alreadyHad bool, err error)
	// RemoveUserRole takes a role from a user and reports whether they
	// had it. CDI: POST /{tenantId}/recipe/user/role/remove.
	RemoveUserRole(ctx context.Context, tenantID, userID, role string) (had bool, err error)
	// RolesForUser lists a user's roles. CDI: GET /{tenantId}/recipe/user/roles.
	RolesForUser(ctx context.Context, tenantID, userID string) ([]string, error)
	// UsersThatHaveRole lists a role's users. CDI: GET /{tenantId}/recipe/role/users.
	UsersThatHaveRole(ctx context.Context, tenantID, role string) ([]string, error)
	// CreateNewRoleOrAddPermissions creates a role if needed and adds
	// permissions to it. CDI: PUT /recipe/role.
	CreateNewRoleOrAddPermissions(ctx context.Context, role string, permissions []string) (created bool, err error)
	// PermissionsForRole lists a role's permissions. CDI: GET /recipe/role/permissions.
	PermissionsForRole(ctx context.Context, role string) ([]string, error)
	// RemovePermissionsFromRole removes permissions from a role.
	// CDI: POST /recipe/role/permissions/remove.
	RemovePermissionsFromRole(ctx context.Context, role string, permissions []string) error
	// RolesThatHavePermission lists the roles with a permission.
	// CDI: GET /recipe/permission/roles.
	RolesThatHavePermission(ctx context.Context, permission string) ([]string, error)
	// DeleteRole deletes a role and reports whether it existed.
	// CDI: POST /recipe/role/remove.
	DeleteRole(ctx context.Context, role string) (existed bool, err error)
	// AllRoles lists every role. CDI: GET /recipe/roles.
	AllRoles(ctx context.Context) ([]string, error)
}

// Recipe is the user-roles recipe. Its Service holds the functions.
type Recipe struct {
	cfg   Config
	svc   Service
	roles session.ArrayClaim
	perms session.ArrayClaim
}

var _ latchkey.Recipe = (*Recipe)(nil)

// New returns the recipe for cfg.
func New(cfg Config) *Recipe {
	rc := &Recipe{cfg: cfg}
	rc.roles = session.ArrayClaim{Claim: &session.Claim{Key: "st-role", DefaultMaxAge: 300 * time.Second, Fetch: rc.fetchRoles}}
	rc.perms = session.ArrayClaim{Claim: &session.Claim{Key: "st-perm", DefaultMaxAge: 300 * time.Second, Fetch: rc.fetchPermissions}}
	if cfg.Override == nil {
		// Fetch is the core's reading: a Latchkey core answers both with
		// the other claims in one call.
		rc.roles.CoreValue, rc.perms.CoreValue = "roles", "permissions"
	}
	return rc
}

// ID implements latchkey.Recipe.
func (rc *Recipe) ID() string { return RecipeID }

// Init implements latchkey.Recipe.
func (rc *Recipe) Init(lk *latchkey.Latchkey) error {
	svc, err := latchkey.Override[Service]("userroles: Config.Override", coreService{lk: lk}, rc.cfg.Override)
	if err != nil {
		return err
	}
	rc.svc = svc
	if sess, ok := latchkey.FindRecipe[*session.Recipe](lk); ok {
		if !rc.cfg.SkipAddingRolesToAccessToken {
			sess.AddClaim(rc.roles.Claim)
		}
		if !rc.cfg.SkipAddingPermissionsToAccessToken {
			sess.AddClaim(rc.perms.Claim)
		}
	}
	return nil
}

var errNotInitialised = errors.New("userroles: the recipe is not initialised: pass it in latchkey.Config.Recipes and call latchkey.New first")

// Service returns the recipe's functions, with Config.Override applied.
func (rc *Recipe) Service() (Service, error) {
	if rc.svc == nil {
		return nil, errNotInitialised
	}
	return rc.svc, nil
}

// RoleClaim is st-role: the session user's roles.
func (rc *Recipe) RoleClaim() session.ArrayClaim { return rc.roles }

// PermissionClaim is st-perm: the permissions of the user's roles.
func (rc *Recipe) PermissionClaim() session.ArrayClaim { return rc.perms }

func (rc *Recipe) fetchRoles(ctx context.Context, _, recipeUserID, tenantID string) (any, error) {
	svc, err := rc.Service()
	if err != nil {
		return nil, err
	}
	roles, err := svc.RolesForUser(ctx, tenantID, recipeUserID)
	if roles == nil {
		roles = []string{}
	}
	return roles, err
}

func (rc *Recipe) fetchPermissions(ctx context.Context, _, recipeUserID, tenantID string) (any, error) {
	svc, err := rc.Service()
	if err != nil {
		return nil, err
	}
	roles, err := svc.RolesForUser(ctx, tenantID, recipeUserID)
	if err != nil {
		return nil, err
	}
	perms := []string{}
	seen := map[string]bool{}
	for _, role := range roles {
		ps, err := svc.PermissionsForRole(ctx, role)
		if errors.Is(err, ErrUnknownRole) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if !seen[p] {
				seen[p] = true
				perms = append(perms, p)
			}
		}
	}
	return perms, nil
}

type coreService struct{ lk *latchkey.Latchkey }

type answer struct {
	Status                 string   `json:"status"`
	DidUserAlreadyHaveRole bool     `json:"didUserAlreadyHaveRole"`
	DidUserHaveRole        bool     `json:"didUserHaveRole"`
	CreatedNewRole         bool     `json:"createdNewRole"`
	DidRoleExist           bool     `json:"didRoleExist"`
	Roles                  []string `json:"roles"`
	Users                  []string `json:"users"`
	Permissions            []string `json:"permissions"`
}

func (s coreService) do(ctx context.Context, method, path, tenant string, q url.Values, body any) (*answer, error) {
	var a answer
	if err := s.lk.Core().Do(ctx, latchkey.CoreRequest{Method: method, Path: path, TenantID: tenant, Query: q, Body: body, RecipeID: RecipeID}, &a); err != nil {
		return nil, err
	}
	switch a.Status {
	case "OK":
		return &a, nil
	case "UNKNOWN_ROLE_ERROR":
		return nil, ErrUnknownRole
	}
	return nil, fmt.Errorf("userroles: unexpected answer from the core to %s: %s", path, a.Status)
}

func (s coreService) AddRoleToUser(ctx context.Context, tenantID, userID, role string) (bool, error) {
	a, err := s.do(ctx, "PUT", "/recipe/user/role", latchkey.TenantOrDefault(tenantID), nil, map[string]string{"userId": userID, "role": role})
	if err != nil {
		return false, err
	}
	return a.DidUserAlreadyHaveRole, nil
}

func (s coreService) RemoveUserRole(ctx context.Context, tenantID, userID, role string) (bool, error) {
	a, err := s.do(ctx, "POST", "/recipe/user/role/remove", latchkey.TenantOrDefault(tenantID), nil, map[string]string{"userId": userID, "role": role})
	if err != nil {
		return false, err
	}
	return a.DidUserHaveRole, nil
}

func (s coreService) RolesForUser(ctx context.Context, tenantID, userID string) ([]string, error) {
	a, err := s.do(ctx, "GET", "/recipe/user/roles", latchkey.TenantOrDefault(tenantID), url.Values{"userId": {userID}}, nil)
	if err != nil {
		return nil, err
	}
	return a.Roles, nil
}

func (s coreService) UsersThatHaveRole(ctx context.Context, tenantID, role string) ([]string, error) {
	a, err := s.do(ctx, "GET", "/recipe/role/users", latchkey.TenantOrDefault(tenantID), url.Values{"role": {role}}, nil)
	if err != nil {
		return nil, err
	}
	return a.Users, nil
}

func (s coreService) CreateNewRoleOrAddPermissions(ctx context.Context, role string, permissions []string) (bool, error) {
	if permissions == nil {
		permissions = []string{}
	}
	a, err := s.do(ctx, "PUT", "/recipe/role", "", nil, map[string]any{"role": role, "permissions": permissions})
	if err != nil {
		return false, err
	}
	return a.CreatedNewRole, nil
}

func (s coreService) PermissionsForRole(ctx context.Context, role string) ([]string, error) {
	a, err := s.do(ctx, "GET", "/recipe/role/permissions", "", url.Values{"role": {role}}, nil)
	if err != nil {
		return nil, err
	}
	return a.Permissions, nil
}

func (s coreService) RemovePermissionsFromRole(ctx context.Context, role string, permissions []string) error {
	body := map[string]any{"role": role}
	if permissions != nil {
		body["permissions"] = permissions
	}
	_, err := s.do(ctx, "POST", "/recipe/role/permissions/remove", "", nil, body)
	return err
}

func (s coreService) RolesThatHavePermission(ctx context.Context, permission string) ([]string, error) {
	a, err := s.do(ctx, "GET", "/recipe/permission/roles", "", url.Values{"permission": {permission}}, nil)
	if err != nil {
		return nil, err
	}
	return a.Roles, nil
}

func (s coreService) DeleteRole(ctx context.Context, role string) (bool, error) {
	a, err := s.do(ctx, "POST", "/recipe/role/remove", "", nil, map[string]string{"role": role})
	if err != nil {
		return false, err
	}
	return a.DidRoleExist, nil
}

func (s coreService) AllRoles(ctx context.Context) ([]string, error) {
	a, err := s.do(ctx, "GET", "/recipe/roles", "", nil, nil)
	if err != nil {
		return nil, err
	}
	return a.Roles, nil
}
