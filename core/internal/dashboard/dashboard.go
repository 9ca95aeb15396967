package dashboard

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/core/internal/password"
	"github.com/latchkey-dev/latchkey/store"
)

// SessionLifetime is how long a dashboard session lasts (reference §3.5).
const SessionLifetime = 30 * 24 * time.Hour

// Service manages dashboard accounts and their sessions.
type Service struct {
	Store  store.DashboardUsers
	Hasher *password.Hasher
	Now    func() time.Time
}

// Handler serves the dashboard-account endpoints over a Service.
type Handler struct {
	Service *Service
}

// New returns a Handler over s.
func New(s *Service) *Handler { return &Handler{Service: s} }

// account is a dashboard account on the wire.
type account struct {
	Email      string `json:"email"`
	UserID     string `json:"userId"`
	TimeJoined int64  `json:"timeJoined"`
}

func toAccount(u store.DashboardUser) account {
	return account{Email: u.Email, UserID: u.ID, TimeJoined: u.TimeJoined.UnixMilli()}
}

// field reads a string field that is trimmed and must not be blank
// (reference §2.8 "Inputs").
func field(b *cdi.Body, name string, required bool) (string, bool) {
	v, ok := b.OptString(name)
	if !ok {
		if required {
			b.String(name) // records the missing-field message
		}
		return "", false
	}
	v = strings.TrimSpace(v)
	if v == "" {
		b.Fail(cdi.BadRequestf("Field name '%s' cannot be an empty String", name))
		return "", false
	}
	return v, true
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	email, _ := field(b, "email", true)
	pw, _ := field(b, "password", true)
	if err := b.Err(); err != nil {
		return err
	}
	email = strings.ToLower(email)
	if err := checkEmail(email); err != nil {
		return err
	}
	if err := checkPassword(pw); err != nil {
		return err
	}
	hash, err := h.Service.Hasher.Hash(r.Context(), pw)
	if err != nil {
		return err
	}
	u := store.DashboardUser{ID: uuid.NewString(), Email: email, PasswordHash: hash, TimeJoined: h.Service.Now().Truncate(time.Millisecond)}
	if err := h.Service.Store.CreateDashboardUser(r.Context(), u); err != nil {
		if errors.Is(err, store.ErrAlreadyExists) {
			return cdi.ErrEmailAlreadyExists
		}
		return err
	}
	cdi.OK(w, map[string]any{"user": toAccount(u)})
	return nil
}

func (h *Handler) updateUser(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	id, hasID := field(b, "userId", false)
	email, hasEmail := field(b, "email", false)
	newEmail, hasNewEmail := field(b, "newEmail", false)
	newPassword, hasNewPassword := field(b, "newPassword", false)
	if err := b.Err(); err != nil {
		return err
	}
	if !hasID && !hasEmail {
		return cdi.BadRequest("Either field 'email' or 'userId' must be present")
	}
	if hasNewEmail {
		newEmail = strings.ToLower(newEmail)
		if err := checkEmail(newEmail); err != nil {
			return err
		}
	}
	var hash string
	if hasNewPassword {
		if err := checkPassword(newPassword); err != nil {
			return err
		}
		if hash, err = h.Service.Hasher.Hash(r.Context(), newPassword); err != nil {
			return err
		}
	}
	if !hasID {
		u, err := h.Service.Store.DashboardUserByEmail(r.Context(), strings.ToLower(email))
		if errors.Is(err, store.ErrNotFound) {
			return cdi.ErrUnknownUser
		}
		if err != nil {
			return err
		}
		id = u.ID
	}
	u, err := h.Service.Store.UpdateDashboardUser(r.Context(), id, func(u *store.DashboardUser) error {
		if hasNewEmail {
			u.Email = newEmail
		}
		if hasNewPassword {
			u.PasswordHash = hash
		}
		return nil
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return cdi.ErrUnknownUser
	case errors.Is(err, store.ErrAlreadyExists):
		return cdi.ErrEmailAlreadyExists
	case err != nil:
		return err
	}
	cdi.OK(w, map[string]any{"user": toAccount(u)})
	return nil
}

// lookup finds the account named by the userId or email query parameter
// (userId wins).
func (h *Handler) lookup(r *http.Request) (store.DashboardUser, error) {
	q := cdi.ReadQuery(r)
	id, hasID := q.OptString("userId")
	email, hasEmail := q.OptString("email")
	if err := q.Err(); err != nil {
		return store.DashboardUser{}, err
	}
	id, email = strings.TrimSpace(id), strings.ToLower(strings.TrimSpace(email))
	switch {
	case hasID && id != "":
		return h.Service.Store.DashboardUser(r.Context(), id)
	case hasEmail && email != "":
		return h.Service.Store.DashboardUserByEmail(r.Context(), email)
	}
	return store.DashboardUser{}, cdi.BadRequest("Either field 'email' or 'userId' must be present")
}

func (h *Handler) deleteUser(w http.ResponseWriter, r *http.Request) error {
	u, err := h.lookup(r)
	if errors.Is(err, store.ErrNotFound) {
		cdi.OK(w, map[string]any{"didUserExist": false})
		return nil
	}
	if err != nil {
		return err
	}
	existed, err := h.Service.Store.DeleteDashboardUser(r.Context(), u.ID)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"didUserExist": existed})
	return nil
}

func (h *Handler) listUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := h.Service.Store.ListDashboardUsers(r.Context())
	if err != nil {
		return err
	}
	out := make([]account, len(us))
	for i, u := range us {
		out[i] = toAccount(u)
	}
	cdi.OK(w, map[string]any{"users": out})
	return nil
}

func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	email, _ := field(b, "email", true)
	pw, _ := field(b, "password", true)
	if err := b.Err(); err != nil {
		return err
	}
	u, err := h.Service.Store.DashboardUserByEmail(r.Context(), strings.ToLower(email))
	if errors.Is(err, store.ErrNotFound) {
		if err := h.Service.Hasher.VerifyNothing(r.Context(), pw); err != nil {
			return err
		}
		return cdi.ErrInvalidCredentials
	}
	if err != nil {
		return err
	}
	ok, err := h.Service.Hasher.Verify(r.Context(), u.PasswordHash, pw)
	if err != nil {
		return err
	}
	if !ok {
		return cdi.ErrInvalidCredentials
	}
	now := h.Service.Now().Truncate(time.Millisecond)
	s := store.DashboardSession{ID: uuid.NewString(), UserID: u.ID, TimeCreated: now, Expiry: now.Add(SessionLifetime)}
	if err := h.Service.Store.CreateDashboardSession(r.Context(), s); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			// The account was deleted while signing in.
			return cdi.ErrInvalidCredentials
		}
		return err
	}
	cdi.OK(w, map[string]any{"sessionId": s.ID})
	return nil
}

// verifySession answers OK with the account's email, or
// INVALID_SESSION_ERROR. Unlike the SuperTokens core, an expired session is
// refused at once rather than when the cleanup job removes it.
func (h *Handler) verifySession(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	id, _ := field(b, "sessionId", true)
	if err := b.Err(); err != nil {
		return err
	}
	s, err := h.Service.Store.DashboardSession(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || err == nil && !h.Service.Now().Before(s.Expiry) {
		return cdi.ErrInvalidSession
	}
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"email": s.Email})
	return nil
}

func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	id := q.String("sessionId")
	if err := q.Err(); err != nil {
		return err
	}
	if err := h.Service.Store.DeleteDashboardSession(r.Context(), strings.TrimSpace(id)); err != nil {
		return err
	}
	cdi.OK(w, nil)
	return nil
}

func (h *Handler) userSessions(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	id := q.String("userId")
	if err := q.Err(); err != nil {
		return err
	}
	ss, err := h.Service.Store.DashboardSessions(r.Context(), strings.TrimSpace(id))
	if err != nil {
		return err
	}
	type wire struct {
		UserID      string `json:"userId"`
		SessionID   string `json:"sessionId"`
		TimeCreated int64  `json:"timeCreated"`
		Expiry      int64  `json:"expiry"`
	}
	out := make([]wire, len(ss))
	for i, s := range ss {
		out[i] = wire{UserID: s.UserID, SessionID: s.ID, TimeCreated: s.TimeCreated.UnixMilli(), Expiry: s.Expiry.UnixMilli()}
	}
	cdi.OK(w, map[string]any{"sessions": out})
	return nil
}
