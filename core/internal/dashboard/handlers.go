package dashboard

import (
	"net/http"
	"strings"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/store"
)

// Handler serves the dashboard-account endpoints over a Service: it reads
// the wire's fields, with the reference's 400s, and writes the answers.
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
	// ReadOnly is a Latchkey extension: the account may look but not
	// change anything. Official SDKs ignore it.
	ReadOnly bool `json:"readOnly"`
	// LockedUntil is a Latchkey extension of the list: when the
	// account's sign-in lock after too many wrong passwords ends (ms),
	// absent when it is not locked.
	LockedUntil int64 `json:"lockedUntil,omitempty"`
}

func toAccount(u store.DashboardUser) account {
	return account{Email: u.Email, UserID: u.ID, TimeJoined: u.TimeJoined.UnixMilli(), ReadOnly: u.ReadOnly}
}

// optReadOnly reads the optional readOnly field (a Latchkey extension).
func optReadOnly(b *cdi.Body) *bool {
	if v, ok := b.OptBool("readOnly"); ok {
		return &v
	}
	return nil
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

// optField is field for an optional value: nil when absent.
func optField(b *cdi.Body, name string) *string {
	if v, ok := field(b, name, false); ok {
		return &v
	}
	return nil
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	email, _ := field(b, "email", true)
	pw, _ := field(b, "password", true)
	readOnly := optReadOnly(b)
	if err := b.Err(); err != nil {
		return err
	}
	u, err := h.Service.CreateUser(r.Context(), email, pw, readOnly != nil && *readOnly)
	if err != nil {
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
	id, _ := field(b, "userId", false)
	email, _ := field(b, "email", false)
	newEmail, newPassword := optField(b, "newEmail"), optField(b, "newPassword")
	readOnly := optReadOnly(b)
	if err := b.Err(); err != nil {
		return err
	}
	u, err := h.Service.UpdateUser(r.Context(), Account{UserID: id, Email: email}, newEmail, newPassword, readOnly)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"user": toAccount(u)})
	return nil
}

// queryAccount reads the account named by the userId or email query
// parameter (userId wins).
func queryAccount(r *http.Request) (Account, error) {
	q := cdi.ReadQuery(r)
	id, _ := q.OptString("userId")
	email, _ := q.OptString("email")
	return Account{UserID: id, Email: email}, q.Err()
}

func (h *Handler) deleteUser(w http.ResponseWriter, r *http.Request) error {
	a, err := queryAccount(r)
	if err != nil {
		return err
	}
	existed, err := h.Service.DeleteUser(r.Context(), a)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"didUserExist": existed})
	return nil
}

func (h *Handler) listUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := h.Service.ListUsers(r.Context())
	if err != nil {
		return err
	}
	locks, err := h.Service.SignInLocks(r.Context(), us)
	if err != nil {
		return err
	}
	out := make([]account, len(us))
	for i, u := range us {
		out[i] = toAccount(u)
		if t, ok := locks[u.ID]; ok {
			out[i].LockedUntil = t.UnixMilli()
		}
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
	s, err := h.Service.SignIn(r.Context(), email, pw)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"sessionId": s.ID})
	return nil
}

// verifySession answers OK with the account's email, or
// INVALID_SESSION_ERROR. The account's userId and readOnly flag come too,
// as Latchkey extensions that official SDKs ignore.
func (h *Handler) verifySession(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	id, _ := field(b, "sessionId", true)
	if err := b.Err(); err != nil {
		return err
	}
	s, err := h.Service.VerifySession(r.Context(), id)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"email": s.Email, "userId": s.UserID, "readOnly": s.ReadOnly})
	return nil
}

func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	id := q.String("sessionId")
	if err := q.Err(); err != nil {
		return err
	}
	if err := h.Service.SignOut(r.Context(), id); err != nil {
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
	ss, err := h.Service.Sessions(r.Context(), id)
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
