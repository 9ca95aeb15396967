package emailpassword

import (
	"context"
	"net/http"
	"strings"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/core/internal/userjson"
)

// Handler serves the email-password endpoints over a Service.
type Handler struct {
	Service *Service
	// CheckSignIn, when set, is asked after the credentials proved right
	// whether the user may sign in (a Latchkey suspension): an error is
	// the answer instead of the user. Nil lets everyone in.
	CheckSignIn func(ctx context.Context, userID string) error
}

// New returns a Handler over s.
func New(s *Service) *Handler { return &Handler{Service: s} }

// readCredentials reads {email, password}.
func readCredentials(r *http.Request) (email, password string, err error) {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return "", "", err
	}
	email, password = b.String("email"), b.String("password")
	return email, password, b.Err()
}

func (h *Handler) signUp(w http.ResponseWriter, r *http.Request) error {
	email, pw, err := readCredentials(r)
	if err != nil {
		return err
	}
	u, err := h.Service.SignUp(r.Context(), cdi.Tenant(r.Context()), email, pw)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"user": userjson.From(u), "recipeUserId": u.ID})
	return nil
}

func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) error {
	email, pw, err := readCredentials(r)
	if err != nil {
		return err
	}
	u, err := h.Service.SignIn(r.Context(), cdi.Tenant(r.Context()), email, pw)
	if err != nil {
		return err
	}
	if err := h.checkSignIn(r.Context(), u.ID); err != nil {
		return err
	}
	recipeUserID := u.ID
	for _, m := range u.LoginMethods {
		if m.RecipeID == "emailpassword" && m.Email == NormaliseEmail(email) {
			recipeUserID = m.RecipeUserID
		}
	}
	cdi.OK(w, map[string]any{"user": userjson.From(u), "recipeUserId": recipeUserID})
	return nil
}

// GetUser answers GET /recipe/user for rid emailpassword: exactly one of
// userId and email.
func (h *Handler) GetUser(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	id, hasID := q.OptString("userId")
	email, hasEmail := q.OptString("email")
	if err := q.Err(); err != nil {
		return err
	}
	switch {
	case hasID && hasEmail:
		return cdi.BadRequest("Please provide only one of userId or email")
	case !hasID && !hasEmail:
		return cdi.BadRequest("Please provide one of userId or email")
	}
	var err error
	var u any
	if hasID {
		found, ferr := h.Service.User(r.Context(), strings.TrimSpace(id))
		u, err = userjson.From(found), ferr
	} else {
		found, ferr := h.Service.UserByEmail(r.Context(), cdi.Tenant(r.Context()), email)
		u, err = userjson.From(found), ferr
	}
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"user": u})
	return nil
}

// UpdateUser answers PUT /recipe/user for rid emailpassword.
func (h *Handler) UpdateUser(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	id, ok := b.OptString("recipeUserId")
	if !ok && !b.Has("recipeUserId") {
		// CDI before 4.0 named it userId.
		id, ok = b.OptString("userId")
	}
	if !ok {
		b.Fail(cdi.BadRequest("Field name 'recipeUserId' is invalid in JSON input"))
	}
	var email, pw *string
	if v, ok := b.OptString("email"); ok {
		email = &v
	}
	if v, ok := b.OptString("password"); ok {
		pw = &v
	}
	if err := b.Err(); err != nil {
		return err
	}
	if err := h.Service.Update(r.Context(), strings.TrimSpace(id), email, pw); err != nil {
		return err
	}
	cdi.OK(w, nil)
	return nil
}

func (h *Handler) createResetToken(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	id, email := b.String("userId"), b.String("email")
	if err := b.Err(); err != nil {
		return err
	}
	token, err := h.Service.CreateResetToken(r.Context(), strings.TrimSpace(id), email)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"token": token})
	return nil
}

func (h *Handler) consumeResetToken(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	token := b.String("token")
	if err := b.Err(); err != nil {
		return err
	}
	t, err := h.Service.ConsumeResetToken(r.Context(), token)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"userId": t.UserID, "email": t.Email})
	return nil
}

func (h *Handler) resetPassword(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	method, token, pw := b.String("method"), b.String("token"), b.String("newPassword")
	if err := b.Err(); err != nil {
		return err
	}
	if method != "token" {
		return cdi.BadRequest("Unsupported method for password reset")
	}
	userID, err := h.Service.ResetPassword(r.Context(), token, pw)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"userId": userID})
	return nil
}

func (h *Handler) importHash(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	email, hash := b.String("email"), b.String("passwordHash")
	alg, hasAlg := b.OptString("hashingAlgorithm")
	if err := b.Err(); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(hash) == "":
		return cdi.BadRequest("Password hash cannot be an empty string")
	case hasAlg && strings.TrimSpace(alg) == "":
		return cdi.BadRequest("Hashing algorithm cannot be an empty string")
	}
	u, existed, err := h.Service.ImportHash(r.Context(), cdi.Tenant(r.Context()), email, hash, alg)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"user": userjson.From(u), "didUserAlreadyExist": existed})
	return nil
}

func (h *Handler) checkSignIn(ctx context.Context, userID string) error {
	if h.CheckSignIn == nil {
		return nil
	}
	return h.CheckSignIn(ctx, userID)
}
