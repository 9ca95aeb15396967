package accountlinking

import (
	"errors"
	"net/http"
	"strings"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/core/internal/userjson"
	"github.com/latchkey-dev/latchkey/store"
)

// Service is what the account-linking endpoints link users with.
type Service struct {
	Store interface {
		store.AccountLinking
		store.Users
	}
}

// Handler serves the account-linking endpoints over a Service.
type Handler struct {
	Service *Service
}

// New returns a Handler over s.
func New(s *Service) *Handler { return &Handler{Service: s} }

// Mount registers the account-linking endpoints.
func (h *Handler) Mount(rt *cdi.Router) {
	rt.HandleFunc("GET /recipe/accountlinking/user/primary/check", h.canCreatePrimary)
	rt.HandleFunc("POST /recipe/accountlinking/user/primary", h.createPrimary)
	rt.HandleFunc("GET /recipe/accountlinking/user/link/check", h.canLink)
	rt.HandleFunc("POST /recipe/accountlinking/user/link", h.link)
	rt.HandleFunc("POST /recipe/accountlinking/user/unlink", h.unlink)
}

// errUnknownUser is the reference's answer to an id that is no user.
var errUnknownUser = cdi.BadRequest("Unknown user ID provided")

// Statuses of the account-linking answers.
var (
	errInfoConflict     = cdi.Status("ACCOUNT_INFO_ALREADY_ASSOCIATED_WITH_ANOTHER_PRIMARY_USER_ID_ERROR")
	errAlreadyPrimary   = cdi.Status("RECIPE_USER_ID_ALREADY_LINKED_WITH_PRIMARY_USER_ID_ERROR")
	errLinkedElsewhere  = cdi.Status("RECIPE_USER_ID_ALREADY_LINKED_WITH_ANOTHER_PRIMARY_USER_ID_ERROR")
	errInputNotAPrimary = cdi.Status("INPUT_USER_IS_NOT_A_PRIMARY_USER")
)

// conflictDescriptions are the reference's words for each shared
// identifier.
var conflictDescriptions = map[string]string{
	store.InfoEmail:       "This user's email is already associated with another user ID",
	store.InfoPhoneNumber: "This user's phone number is already associated with another user ID",
	store.InfoThirdParty:  "This user's third party login is already associated with another user ID",
}

// refusal turns a store refusal into the answer of a primary-user call
// (forLink false) or a link call (forLink true).
func (h *Handler) refusal(r *http.Request, err error, recipeUserID string, forLink bool) error {
	if errors.Is(err, store.ErrNotFound) {
		return errUnknownUser
	}
	var le *store.LinkError
	if !errors.As(err, &le) {
		return err
	}
	switch le.Reason {
	case store.LinkAccountInfoConflict:
		return errInfoConflict.With("primaryUserId", le.PrimaryUserID).With("description", conflictDescriptions[le.InfoType])
	case store.LinkNotPrimary:
		return errInputNotAPrimary
	}
	if !forLink {
		return errAlreadyPrimary.With("primaryUserId", le.PrimaryUserID).
			With("description", "This user ID is already linked to another user ID")
	}
	out := errLinkedElsewhere.With("primaryUserId", le.PrimaryUserID).
		With("description", "The input recipe user ID is already linked to another user ID")
	if u, err := h.Service.Store.User(r.Context(), recipeUserID); err == nil {
		out = out.With("user", userjson.From(u))
	}
	return out
}

// canCreatePrimary answers GET /recipe/accountlinking/user/primary/check.
func (h *Handler) canCreatePrimary(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	id := strings.TrimSpace(q.String("recipeUserId"))
	if err := q.Err(); err != nil {
		return err
	}
	_, was, err := h.Service.Store.CreatePrimaryUser(r.Context(), id, true)
	if err != nil {
		return h.refusal(r, err, id, false)
	}
	cdi.OK(w, map[string]any{"wasAlreadyAPrimaryUser": was})
	return nil
}

// createPrimary answers POST /recipe/accountlinking/user/primary.
func (h *Handler) createPrimary(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	id := strings.TrimSpace(b.String("recipeUserId"))
	if err := b.Err(); err != nil {
		return err
	}
	u, was, err := h.Service.Store.CreatePrimaryUser(r.Context(), id, false)
	if err != nil {
		return h.refusal(r, err, id, false)
	}
	cdi.OK(w, map[string]any{"wasAlreadyAPrimaryUser": was, "user": userjson.From(u)})
	return nil
}

// canLink answers GET /recipe/accountlinking/user/link/check.
func (h *Handler) canLink(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	primary := strings.TrimSpace(q.String("primaryUserId"))
	recipe := strings.TrimSpace(q.String("recipeUserId"))
	if err := q.Err(); err != nil {
		return err
	}
	_, already, err := h.Service.Store.LinkAccounts(r.Context(), recipe, primary, true)
	if err != nil {
		return h.refusal(r, err, recipe, true)
	}
	cdi.OK(w, map[string]any{"accountsAlreadyLinked": already})
	return nil
}

// link answers POST /recipe/accountlinking/user/link.
func (h *Handler) link(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	recipe := strings.TrimSpace(b.String("recipeUserId"))
	primary := strings.TrimSpace(b.String("primaryUserId"))
	if err := b.Err(); err != nil {
		return err
	}
	u, already, err := h.Service.Store.LinkAccounts(r.Context(), recipe, primary, false)
	if err != nil {
		return h.refusal(r, err, recipe, true)
	}
	cdi.OK(w, map[string]any{"accountsAlreadyLinked": already, "user": userjson.From(u)})
	return nil
}

// unlink answers POST /recipe/accountlinking/user/unlink.
func (h *Handler) unlink(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	id := strings.TrimSpace(b.String("recipeUserId"))
	if err := b.Err(); err != nil {
		return err
	}
	res, err := h.Service.Store.UnlinkAccount(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return errUnknownUser
	}
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"wasRecipeUserDeleted": res.WasRecipeUserDeleted, "wasLinked": res.WasLinked})
	return nil
}
