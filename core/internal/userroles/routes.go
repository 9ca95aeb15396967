package userroles

import "github.com/latchkey-dev/latchkey/core/internal/cdi"

// Mount registers the user-roles endpoints.
func (h *Handler) Mount(rt *cdi.Router) {
	rt.HandleFunc("PUT /recipe/role", h.createRole)
	rt.HandleFunc("GET /recipe/role/permissions", h.rolePermissions)
	rt.HandleFunc("POST /recipe/role/permissions/remove", h.removePermissions)
	rt.HandleFunc("GET /recipe/permission/roles", h.permissionRoles)
	rt.HandleFunc("POST /recipe/role/remove", h.removeRole)
	rt.HandleFunc("GET /recipe/roles", h.roles)
	rt.HandleFunc("PUT /recipe/user/role", h.addUserRole)
	rt.HandleFunc("POST /recipe/user/role/remove", h.removeUserRole)
	rt.HandleFunc("GET /recipe/user/roles", h.userRoles)
	rt.HandleFunc("GET /recipe/role/users", h.roleUsers)
}
