package thirdparty

import (
	"context"
	"net/http"
	"strings"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/core/internal/userjson"
)

// Handler serves the third-party endpoints over a Service.
type Handler struct {
	Service *Service
	// CheckSignIn, when set, is asked after the credentials proved right
	// whether the user may sign in (a Latchkey suspension): an error is
	// the answer instead of the user. Nil lets everyone in.
	CheckSignIn func(ctx context.Context, userID string) error
}

// New returns a Handler over s.
func New(s *Service) *Handler { return &Handler{Service: s} }

// maxIDLength caps provider ids and provider user ids: real ones are a
// few dozen bytes.
const maxIDLength = 512

// signInUp answers POST /recipe/signinup:
// {thirdPartyId, thirdPartyUserId, email: {id, isVerified}}.
func (h *Handler) signInUp(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	a := Account{ThirdPartyID: strings.TrimSpace(b.String("thirdPartyId")), ThirdPartyUserID: strings.TrimSpace(b.String("thirdPartyUserId"))}
	rawEmail := b.Object("email")
	if err := b.Err(); err != nil {
		return err
	}
	email, err := cdi.ParseBody(rawEmail)
	if err != nil {
		return cdi.BadRequest("Field name 'email' is invalid in JSON input")
	}
	a.Email = email.String("id")
	a.EmailVerified = email.Bool("isVerified")
	if err := email.Err(); err != nil {
		return err
	}
	switch {
	case a.ThirdPartyID == "" || len(a.ThirdPartyID) > maxIDLength || strings.Contains(a.ThirdPartyID, "::"):
		return cdi.BadRequest("Field name 'thirdPartyId' is invalid in JSON input")
	case a.ThirdPartyUserID == "" || len(a.ThirdPartyUserID) > maxIDLength:
		return cdi.BadRequest("Field name 'thirdPartyUserId' is invalid in JSON input")
	case NormaliseEmail(a.Email) == "" || len(a.Email) > maxIDLength:
		return cdi.BadRequest("Field name 'email' is invalid in JSON input")
	}
	res, err := h.Service.SignInUp(r.Context(), cdi.Tenant(r.Context()), a)
	if err != nil {
		return err
	}
	if !res.CreatedNewUser { // a new user cannot be suspended yet
		if err := h.checkSignIn(r.Context(), res.User.ID); err != nil {
			return err
		}
	}
	cdi.OK(w, map[string]any{
		"createdNewUser": res.CreatedNewUser,
		"user":           userjson.From(res.User),
		"recipeUserId":   res.RecipeUserID,
	})
	return nil
}

// GetUser answers GET /recipe/user for rid thirdparty: userId, or
// thirdPartyId and thirdPartyUserId (in the request's tenant).
func (h *Handler) GetUser(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	id, hasID := q.OptString("userId")
	tpID, hasTP := q.OptString("thirdPartyId")
	tpUser, hasTPUser := q.OptString("thirdPartyUserId")
	if err := q.Err(); err != nil {
		return err
	}
	if hasID == (hasTP || hasTPUser) || hasTP != hasTPUser {
		return cdi.BadRequest("Please provide one of userId or (thirdPartyId & thirdPartyUserId)")
	}
	ctx := r.Context()
	var res any
	if hasID {
		u, err := h.Service.User(ctx, strings.TrimSpace(id))
		if err != nil {
			return err
		}
		res = userjson.From(u)
	} else {
		u, err := h.Service.UserByAccount(ctx, cdi.Tenant(ctx), strings.TrimSpace(tpID), strings.TrimSpace(tpUser))
		if err != nil {
			return err
		}
		res = userjson.From(u)
	}
	cdi.OK(w, map[string]any{"user": res})
	return nil
}

func (h *Handler) checkSignIn(ctx context.Context, userID string) error {
	if h.CheckSignIn == nil {
		return nil
	}
	return h.CheckSignIn(ctx, userID)
}
