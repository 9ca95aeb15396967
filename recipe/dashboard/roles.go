package dashboard

import (
	"errors"
	"net/http"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/userroles"
)

// rolesService returns the user-roles functions, or nil after answering
// FEATURE_NOT_ENABLED_ERROR when the recipe is not configured
// (reference/dashboard.md §6.6).
func (rc *Recipe) rolesService(w http.ResponseWriter) (userroles.Service, error) {
	if rc.roles == nil {
		featureNotEnabled(w)
		return nil, nil
	}
	return rc.roles.Service()
}

// unknownRole answers UNKNOWN_ROLE_ERROR for userroles.ErrUnknownRole and
// reports whether it did.
func unknownRole(w http.ResponseWriter, err error) bool {
	if errors.Is(err, userroles.ErrUnknownRole) {
		writeStatus(w, "UNKNOWN_ROLE_ERROR", nil)
		return true
	}
	return false
}

// allRoles serves GET /dashboard/api/userroles/roles.
func (rc *Recipe) allRoles(w http.ResponseWriter, r *http.Request) error {
	svc, err := rc.rolesService(w)
	if svc == nil {
		return err
	}
	roles, err := svc.AllRoles(r.Context())
	if err != nil {
		return err
	}
	writeStatus(w, "OK", map[string]any{"roles": orNone(roles)})
	return nil
}

// createRole serves PUT /dashboard/api/userroles/role: it creates the role
// if needed and adds the permissions.
func (rc *Recipe) createRole(w http.ResponseWriter, r *http.Request) error {
	svc, err := rc.rolesService(w)
	if svc == nil {
		return err
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	role, err := b.nonEmpty("role")
	if err != nil {
		return err
	}
	perms, err := b.strings("permissions")
	if err != nil {
		return err
	}
	created, err := svc.CreateNewRoleOrAddPermissions(r.Context(), role, perms)
	if err != nil {
		return err
	}
	writeStatus(w, "OK", map[string]any{"createdNewRole": created})
	return nil
}

// deleteRole serves DELETE /dashboard/api/userroles/role?role=….
func (rc *Recipe) deleteRole(w http.ResponseWriter, r *http.Request) error {
	svc, err := rc.rolesService(w)
	if svc == nil {
		return err
	}
	role, err := query(r, "role")
	if err != nil {
		return err
	}
	existed, err := svc.DeleteRole(r.Context(), role)
	if err != nil {
		return err
	}
	writeStatus(w, "OK", map[string]any{"didRoleExist": existed})
	return nil
}

// rolePermissions serves GET /dashboard/api/userroles/role/permissions?role=….
func (rc *Recipe) rolePermissions(w http.ResponseWriter, r *http.Request) error {
	svc, err := rc.rolesService(w)
	if svc == nil {
		return err
	}
	role, err := query(r, "role")
	if err != nil {
		return err
	}
	perms, err := svc.PermissionsForRole(r.Context(), role)
	if unknownRole(w, err) {
		return nil
	}
	if err != nil {
		return err
	}
	writeStatus(w, "OK", map[string]any{"permissions": orNone(perms)})
	return nil
}

// removePermissions serves PUT /dashboard/api/userroles/role/permissions/remove.
func (rc *Recipe) removePermissions(w http.ResponseWriter, r *http.Request) error {
	svc, err := rc.rolesService(w)
	if svc == nil {
		return err
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	role, err := b.nonEmpty("role")
	if err != nil {
		return err
	}
	perms, err := b.strings("permissions")
	if err != nil {
		return err
	}
	err = svc.RemovePermissionsFromRole(r.Context(), role, perms)
	if unknownRole(w, err) {
		return nil
	}
	if err != nil {
		return err
	}
	writeStatus(w, "OK", nil)
	return nil
}

// userRoles serves GET /dashboard/api/userroles/user/roles?userId=…: the
// user's roles in the request's tenant.
func (rc *Recipe) userRoles(w http.ResponseWriter, r *http.Request) error {
	svc, err := rc.rolesService(w)
	if svc == nil {
		return err
	}
	id, err := query(r, "userId")
	if err != nil {
		return err
	}
	roles, err := svc.RolesForUser(r.Context(), latchkey.TenantID(r.Context()), id)
	if err != nil {
		return err
	}
	writeStatus(w, "OK", map[string]any{"roles": orNone(roles)})
	return nil
}

// addUserRole serves PUT /dashboard/api/userroles/user/roles.
func (rc *Recipe) addUserRole(w http.ResponseWriter, r *http.Request) error {
	svc, err := rc.rolesService(w)
	if svc == nil {
		return err
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	id, err := b.nonEmpty("userId")
	if err != nil {
		return err
	}
	role, err := b.nonEmpty("role")
	if err != nil {
		return err
	}
	had, err := svc.AddRoleToUser(r.Context(), latchkey.TenantID(r.Context()), id, role)
	if unknownRole(w, err) {
		return nil
	}
	if err != nil {
		return err
	}
	writeStatus(w, "OK", map[string]any{"didUserAlreadyHaveRole": had})
	return nil
}

// removeUserRole serves DELETE /dashboard/api/userroles/user/roles?userId=…&role=….
func (rc *Recipe) removeUserRole(w http.ResponseWriter, r *http.Request) error {
	svc, err := rc.rolesService(w)
	if svc == nil {
		return err
	}
	id, err := query(r, "userId")
	if err != nil {
		return err
	}
	role, err := query(r, "role")
	if err != nil {
		return err
	}
	had, err := svc.RemoveUserRole(r.Context(), latchkey.TenantID(r.Context()), id, role)
	if unknownRole(w, err) {
		return nil
	}
	if err != nil {
		return err
	}
	writeStatus(w, "OK", map[string]any{"didUserHaveRole": had})
	return nil
}

// orNone turns nil into an empty list, so that the JSON is [] not null.
func orNone(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
