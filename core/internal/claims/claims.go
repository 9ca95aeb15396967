package claims

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/store"
)

// The value names a request may ask for in include.
const (
	EmailVerified = "emailVerified"
	Roles         = "roles"
	Permissions   = "permissions"
)

// Store is what the claims read.
type Store interface {
	User(ctx context.Context, userID string) (store.User, error)
	UserRoles(ctx context.Context, tenantID, userID string) ([]string, error)
	RolePermissions(ctx context.Context, role string) ([]string, error)
}

// Service reads claim values.
type Service struct {
	Store Store
}

// EmailVerified reports whether the email of userID's login method is
// verified; a user without an email, or no user, counts as verified, as
// in the SDK's st-ev claim.
func (s *Service) EmailVerified(ctx context.Context, userID string) (bool, error) {
	u, err := s.Store.User(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	for _, m := range u.LoginMethods {
		if m.RecipeUserID == userID && m.Email != "" {
			return m.Verified, nil
		}
	}
	return true, nil
}

// Permissions returns the union of the permissions of roles, in the order
// of roles and then of each role's permissions. A role deleted meanwhile
// is skipped.
func (s *Service) Permissions(ctx context.Context, roles []string) ([]string, error) {
	perms := []string{}
	seen := map[string]bool{}
	for _, role := range roles {
		ps, err := s.Store.RolePermissions(ctx, role)
		if errors.Is(err, store.ErrNotFound) {
			continue
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

// Handler serves the endpoint over a Service.
type Handler struct {
	Service *Service
}

// New returns a Handler over s.
func New(s *Service) *Handler { return &Handler{Service: s} }

// get answers GET /recipe/user/claims?userId=…&include=emailVerified,roles,permissions.
// Names it does not know are left out of the answer, so that a newer SDK
// reads those claims the CDI way.
func (h *Handler) get(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	userID := strings.TrimSpace(q.String("userId"))
	include, _ := q.OptString("include")
	if err := q.Err(); err != nil {
		return err
	}
	if userID == "" {
		return cdi.BadRequest("Field name 'userId' cannot be an empty String")
	}
	want := map[string]bool{}
	for _, name := range strings.Split(include, ",") {
		want[strings.TrimSpace(name)] = true
	}
	ctx := r.Context()
	out := map[string]any{}
	if want[EmailVerified] {
		v, err := h.Service.EmailVerified(ctx, userID)
		if err != nil {
			return err
		}
		out[EmailVerified] = v
	}
	if want[Roles] || want[Permissions] {
		roles, err := h.Service.Store.UserRoles(ctx, cdi.Tenant(ctx), userID)
		if err != nil {
			return err
		}
		if roles == nil {
			roles = []string{}
		}
		if want[Roles] {
			out[Roles] = roles
		}
		if want[Permissions] {
			perms, err := h.Service.Permissions(ctx, roles)
			if err != nil {
				return err
			}
			out[Permissions] = perms
		}
	}
	cdi.OK(w, out)
	return nil
}
