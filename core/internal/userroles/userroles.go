package userroles

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/store"
)

// Service is the user-roles logic. Its errors are cdi.ErrUnknownRole, or
// store and context errors. It expects trimmed, non-empty strings.
type Service struct {
	Store store.Roles
}

// unknownRole maps the store's ErrNotFound to the CDI outcome.
func unknownRole(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return cdi.ErrUnknownRole
	}
	return err
}

// CreateRole creates the role if missing and adds the permissions; it
// reports whether the role was created.
func (s *Service) CreateRole(ctx context.Context, role string, permissions []string) (bool, error) {
	return s.Store.CreateRole(ctx, role, permissions)
}

// RolePermissions returns a role's permissions.
func (s *Service) RolePermissions(ctx context.Context, role string) ([]string, error) {
	p, err := s.Store.RolePermissions(ctx, role)
	return p, unknownRole(err)
}

// RemovePermissions removes permissions from a role, all of them when
// permissions is nil.
func (s *Service) RemovePermissions(ctx context.Context, role string, permissions []string) error {
	return unknownRole(s.Store.RemoveRolePermissions(ctx, role, permissions))
}

// PermissionRoles returns the roles that have a permission.
func (s *Service) PermissionRoles(ctx context.Context, permission string) ([]string, error) {
	return s.Store.RolesWithPermission(ctx, permission)
}

// RemoveRole deletes a role and reports whether it existed.
func (s *Service) RemoveRole(ctx context.Context, role string) (bool, error) {
	return s.Store.DeleteRole(ctx, role)
}

// Roles returns every role.
func (s *Service) Roles(ctx context.Context) ([]string, error) { return s.Store.ListRoles(ctx) }

// AddUserRole gives a user a role in tenantID and reports whether the user
// had it already.
func (s *Service) AddUserRole(ctx context.Context, tenantID, userID, role string) (bool, error) {
	had, err := s.Store.AddUserRole(ctx, tenantID, userID, role)
	return had, unknownRole(err)
}

// RemoveUserRole takes a role from a user in tenantID and reports whether
// the user had it.
func (s *Service) RemoveUserRole(ctx context.Context, tenantID, userID, role string) (bool, error) {
	had, err := s.Store.RemoveUserRole(ctx, tenantID, userID, role)
	return had, unknownRole(err)
}

// UserRoles returns a user's roles in tenantID.
func (s *Service) UserRoles(ctx context.Context, tenantID, userID string) ([]string, error) {
	return s.Store.UserRoles(ctx, tenantID, userID)
}

// RoleUsers returns the users with a role in tenantID.
func (s *Service) RoleUsers(ctx context.Context, tenantID, role string) ([]string, error) {
	u, err := s.Store.RoleUsers(ctx, tenantID, role)
	return u, unknownRole(err)
}

// Handler serves the endpoints over a Service.
type Handler struct {
	Service *Service
}

// New returns a Handler over s.
func New(s *Service) *Handler { return &Handler{Service: s} }

// fields reads and normalises the request's string inputs, from the JSON
// body or the query, recording the first problem.
type fields struct {
	body  *cdi.Body
	query *cdi.Query
	err   error
}

func (f *fields) fail(err error) {
	if f.err == nil {
		f.err = err
	}
}

// str returns a required string field, trimmed; empty is a 400.
func (f *fields) str(name string) string {
	var v string
	if f.body != nil {
		v = f.body.String(name)
		if err := f.body.Err(); err != nil {
			f.fail(err)
			return ""
		}
	} else {
		v = f.query.String(name)
		if err := f.query.Err(); err != nil {
			f.fail(err)
			return ""
		}
	}
	v = strings.TrimSpace(v)
	if v == "" {
		f.fail(cdi.BadRequestf("Field name '%s' cannot be an empty String", name))
	}
	return v
}

// permissions returns the optional permissions array, trimmed; nil when
// absent. An empty element is a 400.
func (f *fields) permissions() []string {
	p, ok := f.body.StringArray("permissions")
	if err := f.body.Err(); err != nil {
		f.fail(err)
		return nil
	}
	if !ok {
		return nil
	}
	out := make([]string, 0, len(p))
	for _, s := range p {
		s = strings.TrimSpace(s)
		if s == "" {
			f.fail(cdi.BadRequest("Field name 'permissions' cannot contain an empty string"))
			return nil
		}
		out = append(out, s)
	}
	return out
}

func body(r *http.Request) (*fields, error) {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return nil, err
	}
	return &fields{body: b}, nil
}

func query(r *http.Request) *fields { return &fields{query: cdi.ReadQuery(r)} }

func list(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (h *Handler) createRole(w http.ResponseWriter, r *http.Request) error {
	f, err := body(r)
	if err != nil {
		return err
	}
	role, perms := f.str("role"), f.permissions()
	if f.err != nil {
		return f.err
	}
	created, err := h.Service.CreateRole(r.Context(), role, list(perms))
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"createdNewRole": created})
	return nil
}

func (h *Handler) rolePermissions(w http.ResponseWriter, r *http.Request) error {
	f := query(r)
	role := f.str("role")
	if f.err != nil {
		return f.err
	}
	p, err := h.Service.RolePermissions(r.Context(), role)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"permissions": list(p)})
	return nil
}

func (h *Handler) removePermissions(w http.ResponseWriter, r *http.Request) error {
	f, err := body(r)
	if err != nil {
		return err
	}
	role, perms := f.str("role"), f.permissions()
	if f.err != nil {
		return f.err
	}
	if err := h.Service.RemovePermissions(r.Context(), role, perms); err != nil {
		return err
	}
	cdi.OK(w, nil)
	return nil
}

func (h *Handler) permissionRoles(w http.ResponseWriter, r *http.Request) error {
	f := query(r)
	perm := f.str("permission")
	if f.err != nil {
		return f.err
	}
	roles, err := h.Service.PermissionRoles(r.Context(), perm)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"roles": list(roles)})
	return nil
}

func (h *Handler) removeRole(w http.ResponseWriter, r *http.Request) error {
	f, err := body(r)
	if err != nil {
		return err
	}
	role := f.str("role")
	if f.err != nil {
		return f.err
	}
	existed, err := h.Service.RemoveRole(r.Context(), role)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"didRoleExist": existed})
	return nil
}

func (h *Handler) roles(w http.ResponseWriter, r *http.Request) error {
	roles, err := h.Service.Roles(r.Context())
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"roles": list(roles)})
	return nil
}

func (h *Handler) addUserRole(w http.ResponseWriter, r *http.Request) error {
	f, err := body(r)
	if err != nil {
		return err
	}
	userID, role := f.str("userId"), f.str("role")
	if f.err != nil {
		return f.err
	}
	had, err := h.Service.AddUserRole(r.Context(), cdi.Tenant(r.Context()), userID, role)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"didUserAlreadyHaveRole": had})
	return nil
}

func (h *Handler) removeUserRole(w http.ResponseWriter, r *http.Request) error {
	f, err := body(r)
	if err != nil {
		return err
	}
	userID, role := f.str("userId"), f.str("role")
	if f.err != nil {
		return f.err
	}
	had, err := h.Service.RemoveUserRole(r.Context(), cdi.Tenant(r.Context()), userID, role)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"didUserHaveRole": had})
	return nil
}

func (h *Handler) userRoles(w http.ResponseWriter, r *http.Request) error {
	f := query(r)
	userID := f.str("userId")
	if f.err != nil {
		return f.err
	}
	roles, err := h.Service.UserRoles(r.Context(), cdi.Tenant(r.Context()), userID)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"roles": list(roles)})
	return nil
}

func (h *Handler) roleUsers(w http.ResponseWriter, r *http.Request) error {
	f := query(r)
	role := f.str("role")
	if f.err != nil {
		return f.err
	}
	users, err := h.Service.RoleUsers(r.Context(), cdi.Tenant(r.Context()), role)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"users": list(users)})
	return nil
}
