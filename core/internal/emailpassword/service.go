package emailpassword

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
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

// Store is what the recipe needs from the store.
type Store interface {
	store.EmailPassword
	store.Users
	SetEmailVerified(ctx context.Context, userID, email string, verified bool) error
}

// Service is the email-password logic. Its errors are cdi status
// sentinels (cdi.ErrWrongCredentials, ...) or store and context errors.
type Service struct {
	Store  Store
	Hasher *password.Hasher
	Now    func() time.Time
	// ResetTokenLifetime is how long a password-reset token works.
	ResetTokenLifetime time.Duration
	// Limiter counts failed sign-ins; nil turns throttling off.
	Limiter *throttle.Limiter
	// SignInRule is the limit per account (tenant and email) and per
	// client IP.
	SignInRule throttle.Rule
}

// NormaliseEmail trims and lower-cases an email, as the core stores it.
// The core does not check syntax: the SDK validates sign-up forms.
func NormaliseEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// autoVerified reports whether an email is one of the placeholder
// addresses the SDKs make up for users without one; the core marks those
// verified at sign-up (reference §2.3).
func autoVerified(email string) bool {
	return strings.HasSuffix(email, "@stfakeemail.supertokens.com") || strings.HasSuffix(email, ".fakeemail.com")
}

var errEmptyPassword = cdi.BadRequest("Password cannot be an empty string")

// SignUp creates a user. cdi.ErrEmailAlreadyExists when the email has an
// email-password login in the tenant.
func (s *Service) SignUp(ctx context.Context, tenantID, email, pw string) (store.User, error) {
	email = NormaliseEmail(email)
	if pw == "" {
		return store.User{}, errEmptyPassword
	}
	// Not a uniqueness check (the database makes that): it only saves
	// hashing a password for an email that is plainly taken.
	if _, err := s.Store.EmailPasswordUserByEmail(ctx, tenantID, email); err == nil {
		return store.User{}, cdi.ErrEmailAlreadyExists
	} else if !errors.Is(err, store.ErrNotFound) {
		return store.User{}, err
	}
	hash, err := s.Hasher.Hash(ctx, pw)
	if err != nil {
		return store.User{}, err
	}
	u := store.EmailPasswordUser{
		ID:           uuid.NewString(),
		TenantID:     tenantID,
		Email:        email,
		PasswordHash: hash,
		TimeJoined:   s.Now().Truncate(time.Millisecond),
	}
	if err := s.Store.CreateEmailPasswordUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrAlreadyExists) {
			return store.User{}, cdi.ErrEmailAlreadyExists
		}
		return store.User{}, err
	}
	if autoVerified(email) {
		if err := s.Store.SetEmailVerified(ctx, u.ID, email, true); err != nil {
			return store.User{}, err
		}
	}
	return s.Store.User(ctx, u.ID)
}

// SignIn checks a password. cdi.ErrWrongCredentials for an unknown email
// or a wrong password; both take about the same time. While the account
// or the client IP is locked after too many failures, it answers
// cdi.ErrWrongCredentials with throttle.RetryAfterField without checking
// the password.
func (s *Service) SignIn(ctx context.Context, tenantID, email, pw string) (store.User, error) {
	email = NormaliseEmail(email)
	subjects := s.SignInRule.Subjects("signin", cdi.ClientIP(ctx), tenantID, email)
	chk, err := s.Limiter.Check(ctx, subjects...)
	if err != nil {
		return store.User{}, err
	}
	if chk.Locked() {
		return store.User{}, cdi.ErrWrongCredentials.With(throttle.RetryAfterField, s.Limiter.RetryAfter(chk).Milliseconds())
	}
	u, err := s.checkPassword(ctx, tenantID, email, pw)
	switch {
	case errors.Is(err, cdi.ErrWrongCredentials):
		if err := s.Limiter.Fail(ctx, subjects...); err != nil {
			return store.User{}, err
		}
	case err == nil:
		// A right password clears the account's count, not the IP's.
		if err := s.Limiter.Succeed(ctx, chk, subjects[0]); err != nil {
			return store.User{}, err
		}
	}
	return u, err
}

// checkPassword is SignIn without the throttling.
func (s *Service) checkPassword(ctx context.Context, tenantID, email, pw string) (store.User, error) {
	u, err := s.Store.EmailPasswordUserByEmail(ctx, tenantID, email)
	if errors.Is(err, store.ErrNotFound) {
		if err := s.Hasher.VerifyNothing(ctx, pw); err != nil {
			return store.User{}, err
		}
		return store.User{}, cdi.ErrWrongCredentials
	}
	if err != nil {
		return store.User{}, err
	}
	ok, err := s.Hasher.Verify(ctx, u.PasswordHash, pw)
	if err != nil {
		return store.User{}, err
	}
	if !ok {
		return store.User{}, cdi.ErrWrongCredentials
	}
	return s.Store.User(ctx, u.ID)
}

// User returns the email-password user with this id.
// cdi.ErrUnknownUserID when there is none.
func (s *Service) User(ctx context.Context, userID string) (store.User, error) {
	ep, err := s.Store.EmailPasswordUser(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, cdi.ErrUnknownUserID
	}
	if err != nil {
		return store.User{}, err
	}
	return s.user(ctx, ep.ID, cdi.ErrUnknownUserID)
}

// UserByEmail returns the email-password user with this email in the
// tenant. cdi.ErrUnknownEmail when there is none.
func (s *Service) UserByEmail(ctx context.Context, tenantID, email string) (store.User, error) {
	ep, err := s.Store.EmailPasswordUserByEmail(ctx, tenantID, NormaliseEmail(email))
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, cdi.ErrUnknownEmail
	}
	if err != nil {
		return store.User{}, err
	}
	return s.user(ctx, ep.ID, cdi.ErrUnknownEmail)
}

// user loads a user that was just found, mapping a concurrent delete to
// notFound.
func (s *Service) user(ctx context.Context, id string, notFound error) (store.User, error) {
	u, err := s.Store.User(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, notFound
	}
	return u, err
}

// Update changes a user's email and/or password; nil leaves one as it is.
func (s *Service) Update(ctx context.Context, userID string, email, pw *string) error {
	if email == nil && pw == nil {
		return cdi.BadRequest("You have to provide either email or password.")
	}
	var hash string
	if pw != nil {
		if *pw == "" {
			return errEmptyPassword
		}
		// Hash before the transaction, so the row is not held for 100 ms.
		var err error
		if hash, err = s.Hasher.Hash(ctx, *pw); err != nil {
			return err
		}
	}
	_, err := s.Store.UpdateEmailPasswordUser(ctx, userID, func(u *store.EmailPasswordUser) error {
		if email != nil {
			u.Email = NormaliseEmail(*email)
		}
		if pw != nil {
			u.PasswordHash = hash
		}
		return nil
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return cdi.ErrUnknownUserID
	case errors.Is(err, store.ErrAlreadyExists):
		return cdi.ErrEmailAlreadyExists
	case errors.As(err, new(*store.LinkError)):
		return cdi.ErrEmailChangeNotAllowed.With("reason", "New email is associated with another primary user ID")
	}
	return err
}

// CreateResetToken makes a password-reset token for the user.
// cdi.ErrUnknownUserID when the user does not exist.
func (s *Service) CreateResetToken(ctx context.Context, userID, email string) (string, error) {
	token, err := newToken()
	if err != nil {
		return "", err
	}
	err = s.Store.CreatePasswordResetToken(ctx, store.PasswordResetToken{
		UserID:    userID,
		Email:     NormaliseEmail(email),
		TokenHash: hashToken(token),
		Expiry:    s.Now().Add(cdi.ConfigMillis(ctx, "password_reset_token_lifetime", s.ResetTokenLifetime)),
	})
	if errors.Is(err, store.ErrNotFound) {
		return "", cdi.ErrUnknownUserID
	}
	if err != nil {
		return "", err
	}
	return token, nil
}

// ConsumeResetToken uses up a reset token (and every other token of its
// user) and returns whose it was. It does not change the password.
// cdi.ErrResetPasswordInvalidToken for an unknown or expired token.
func (s *Service) ConsumeResetToken(ctx context.Context, token string) (store.PasswordResetToken, error) {
	t, err := s.Store.ConsumePasswordResetToken(ctx, hashToken(token), s.Now())
	if errors.Is(err, store.ErrNotFound) {
		return t, cdi.ErrResetPasswordInvalidToken
	}
	if err != nil {
		return t, err
	}
	if t.Email == "" {
		// Tokens made without an email take the user's current one.
		if ep, err := s.Store.EmailPasswordUser(ctx, t.UserID); err == nil {
			t.Email = ep.Email
		}
	}
	return t, nil
}

// ResetPassword uses a reset token and sets the user's password.
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string) (string, error) {
	if newPassword == "" {
		return "", errEmptyPassword
	}
	t, err := s.ConsumeResetToken(ctx, token)
	if err != nil {
		return "", err
	}
	if err := s.Update(ctx, t.UserID, nil, &newPassword); err != nil {
		if errors.Is(err, cdi.ErrUnknownUserID) {
			// The user was deleted after the token was made.
			return "", cdi.ErrResetPasswordInvalidToken
		}
		return "", err
	}
	return t.UserID, nil
}

// ImportHash creates a user with an existing password hash, or replaces
// the hash of the user with that email. It reports whether the user
// existed.
func (s *Service) ImportHash(ctx context.Context, tenantID, email, hash, algorithm string) (store.User, bool, error) {
	if _, err := password.Validate(hash, algorithm); err != nil {
		return store.User{}, false, cdi.BadRequest(err.Error())
	}
	u, existed, err := s.Store.ImportEmailPasswordUser(ctx, store.EmailPasswordUser{
		ID:           uuid.NewString(),
		TenantID:     tenantID,
		Email:        NormaliseEmail(email),
		PasswordHash: hash,
		TimeJoined:   s.Now().Truncate(time.Millisecond),
	})
	if err != nil {
		return store.User{}, false, err
	}
	full, err := s.Store.User(ctx, u.ID)
	return full, existed, err
}

// newToken returns 96 random bytes as 128 URL-safe characters.
func newToken() (string, error) {
	b := make([]byte, 96)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashToken is how tokens are stored: sha256 hex, so a database leak does
// not leak working tokens.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
