package dashboard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/core/internal/password"
	"github.com/latchkey-dev/latchkey/core/internal/throttle"
	"github.com/latchkey-dev/latchkey/store"
)

// SessionLifetime is how long a dashboard session lasts (reference §3.5).
const SessionLifetime = 30 * 24 * time.Hour

// Service manages dashboard accounts and their sessions, with the rules
// of reference §2.8: every value is trimmed, emails are lower-cased and
// must pass the SDKs' check, passwords their default policy. Its errors
// are cdi status sentinels (cdi.ErrInvalidEmail, cdi.ErrPasswordWeak with
// a message, cdi.ErrEmailAlreadyExists, cdi.ErrUnknownUser,
// cdi.ErrInvalidCredentials, cdi.ErrInvalidSession), cdi 400s, or store
// and context errors. The handlers and the core's Go API
// (core.DashboardAccounts) both call it.
type Service struct {
	Store  store.DashboardUsers
	Hasher *password.Hasher
	Now    func() time.Time
	// Limiter counts failed sign-ins; nil turns throttling off.
	Limiter *throttle.Limiter
	// SignInRule is the limit per account (email) and per client IP.
	SignInRule throttle.Rule
	// TenantSettings are the settings a tenant may have of its own, which
	// GET /recipe/dashboard/tenant/core-config lists.
	TenantSettings []TenantSetting
}

// Account names an account by id or, when UserID is empty, by email.
type Account struct {
	UserID string
	Email  string
}

var errNoAccount = cdi.BadRequest("Either field 'email' or 'userId' must be present")

func normaliseEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CreateUser makes an account; a readOnly one may look but not change
// anything (a Latchkey extension).
func (s *Service) CreateUser(ctx context.Context, email, pw string, readOnly bool) (store.DashboardUser, error) {
	email, pw = normaliseEmail(email), strings.TrimSpace(pw)
	if err := checkEmail(email); err != nil {
		return store.DashboardUser{}, err
	}
	if err := checkPassword(pw); err != nil {
		return store.DashboardUser{}, err
	}
	hash, err := s.Hasher.Hash(ctx, pw)
	if err != nil {
		return store.DashboardUser{}, err
	}
	u := store.DashboardUser{ID: uuid.NewString(), Email: email, PasswordHash: hash, TimeJoined: s.Now().Truncate(time.Millisecond), ReadOnly: readOnly}
	if err := s.Store.CreateDashboardUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrAlreadyExists) {
			return store.DashboardUser{}, cdi.ErrEmailAlreadyExists
		}
		return store.DashboardUser{}, err
	}
	return u, nil
}

// UpdateUser changes an account's email, password and/or read-only flag
// (nil leaves one as it is) and ends the account's sessions.
func (s *Service) UpdateUser(ctx context.Context, a Account, newEmail, newPassword *string, readOnly *bool) (store.DashboardUser, error) {
	id, email := strings.TrimSpace(a.UserID), normaliseEmail(a.Email)
	if id == "" && email == "" {
		return store.DashboardUser{}, errNoAccount
	}
	var setEmail string
	if newEmail != nil {
		setEmail = normaliseEmail(*newEmail)
		if err := checkEmail(setEmail); err != nil {
			return store.DashboardUser{}, err
		}
	}
	var hash string
	if newPassword != nil {
		pw := strings.TrimSpace(*newPassword)
		if err := checkPassword(pw); err != nil {
			return store.DashboardUser{}, err
		}
		var err error
		if hash, err = s.Hasher.Hash(ctx, pw); err != nil {
			return store.DashboardUser{}, err
		}
	}
	if id == "" {
		u, err := s.Store.DashboardUserByEmail(ctx, email)
		if errors.Is(err, store.ErrNotFound) {
			return store.DashboardUser{}, cdi.ErrUnknownUser
		}
		if err != nil {
			return store.DashboardUser{}, err
		}
		id = u.ID
	}
	u, err := s.Store.UpdateDashboardUser(ctx, id, func(u *store.DashboardUser) error {
		if newEmail != nil {
			u.Email = setEmail
		}
		if newPassword != nil {
			u.PasswordHash = hash
		}
		if readOnly != nil {
			u.ReadOnly = *readOnly
		}
		return nil
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.DashboardUser{}, cdi.ErrUnknownUser
	case errors.Is(err, store.ErrAlreadyExists):
		return store.DashboardUser{}, cdi.ErrEmailAlreadyExists
	case err != nil:
		return store.DashboardUser{}, err
	}
	return u, nil
}

// User returns an account; store.ErrNotFound when there is none.
func (s *Service) User(ctx context.Context, a Account) (store.DashboardUser, error) {
	if id := strings.TrimSpace(a.UserID); id != "" {
		return s.Store.DashboardUser(ctx, id)
	}
	if email := normaliseEmail(a.Email); email != "" {
		return s.Store.DashboardUserByEmail(ctx, email)
	}
	return store.DashboardUser{}, errNoAccount
}

// DeleteUser removes an account and its sessions, and reports whether it
// existed.
func (s *Service) DeleteUser(ctx context.Context, a Account) (bool, error) {
	u, err := s.User(ctx, a)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return s.Store.DeleteDashboardUser(ctx, u.ID)
}

// ListUsers returns every account, oldest first.
func (s *Service) ListUsers(ctx context.Context) ([]store.DashboardUser, error) {
	return s.Store.ListDashboardUsers(ctx)
}

// SignIn checks an account's password and starts a session. The session
// returned carries the id to give the account; the store keeps only its
// hash.
// cdi.ErrInvalidCredentials for an unknown email or a wrong password,
// which take the same time.
//
// While the account or the client IP is locked after too many failures,
// it answers cdi.ErrInvalidCredentials with throttle.RetryAfterField
// without checking the password.
func (s *Service) SignIn(ctx context.Context, email, pw string) (store.DashboardSession, error) {
	email, pw = normaliseEmail(email), strings.TrimSpace(pw)
	subjects := s.SignInRule.Subjects("dashboard-signin", cdi.ClientIP(ctx), email)
	chk, err := s.Limiter.Check(ctx, subjects...)
	if err != nil {
		return store.DashboardSession{}, err
	}
	if chk.Locked() {
		return store.DashboardSession{}, cdi.ErrInvalidCredentials.With(throttle.RetryAfterField, s.Limiter.RetryAfter(chk).Milliseconds())
	}
	sess, err := s.signIn(ctx, email, pw)
	switch {
	case errors.Is(err, cdi.ErrInvalidCredentials):
		if err := s.Limiter.Fail(ctx, subjects...); err != nil {
			return store.DashboardSession{}, err
		}
	case err == nil:
		if err := s.Limiter.Succeed(ctx, chk, subjects[0]); err != nil {
			return store.DashboardSession{}, err
		}
	}
	return sess, err
}

// signIn is SignIn without the throttling.
func (s *Service) signIn(ctx context.Context, email, pw string) (store.DashboardSession, error) {
	u, err := s.Store.DashboardUserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		if err := s.Hasher.VerifyNothing(ctx, pw); err != nil {
			return store.DashboardSession{}, err
		}
		return store.DashboardSession{}, cdi.ErrInvalidCredentials
	}
	if err != nil {
		return store.DashboardSession{}, err
	}
	ok, err := s.Hasher.Verify(ctx, u.PasswordHash, pw)
	if err != nil {
		return store.DashboardSession{}, err
	}
	if !ok {
		return store.DashboardSession{}, cdi.ErrInvalidCredentials
	}
	now := s.Now().Truncate(time.Millisecond)
	id := uuid.NewString()
	sess := store.DashboardSession{ID: hashSessionID(id), UserID: u.ID, Email: u.Email, TimeCreated: now, Expiry: now.Add(SessionLifetime)}
	if err := s.Store.CreateDashboardSession(ctx, sess); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			// The account was deleted while signing in.
			return store.DashboardSession{}, cdi.ErrInvalidCredentials
		}
		return store.DashboardSession{}, err
	}
	sess.ID = id // the caller hands the id itself to the account, once
	return sess, nil
}

// hashSessionID is how a dashboard session id is stored: its sha256 in
// hex, like every other secret, so that a copy of the database (a backup,
// a read replica) holds no working 30-day credential. The id is a random
// UUID (122 bits), so no salt or slow hash is needed.
func hashSessionID(id string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(id)))
	return hex.EncodeToString(sum[:])
}

// VerifySession returns a live session, with its account's email, or
// cdi.ErrInvalidSession. Unlike the SuperTokens core, an expired session
// is refused at once rather than when the cleanup job removes it.
func (s *Service) VerifySession(ctx context.Context, sessionID string) (store.DashboardSession, error) {
	sess, err := s.Store.DashboardSession(ctx, hashSessionID(sessionID))
	if errors.Is(err, store.ErrNotFound) || err == nil && !s.Now().Before(sess.Expiry) {
		return store.DashboardSession{}, cdi.ErrInvalidSession
	}
	return sess, err
}

// SignOut ends a session; ending an unknown one is not an error.
func (s *Service) SignOut(ctx context.Context, sessionID string) error {
	return s.Store.DeleteDashboardSession(ctx, hashSessionID(sessionID))
}

// Sessions returns an account's sessions. Their IDs are the stored
// hashes, not ids that would sign anyone in.
func (s *Service) Sessions(ctx context.Context, userID string) ([]store.DashboardSession, error) {
	return s.Store.DashboardSessions(ctx, strings.TrimSpace(userID))
}
