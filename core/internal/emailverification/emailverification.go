package emailverification

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/store"
)

// Service is the email-verification logic. Its errors are
// cdi.ErrEmailAlreadyVerified, cdi.ErrEmailVerificationInvalid, or store
// and context errors.
type Service struct {
	Store store.EmailVerification
	// Now tells the time. Default: time.Now.
	Now func() time.Time
	// TokenLifetime is how long a token works. Required.
	TokenLifetime time.Duration
}

// NormaliseEmail trims and lower-cases an email, as the core stores it.
func NormaliseEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// CreateToken makes a token that verifies (userID, email) in tenantID.
// cdi.ErrEmailAlreadyVerified when the pair is verified already.
func (s *Service) CreateToken(ctx context.Context, tenantID, userID, email string) (string, error) {
	email = NormaliseEmail(email)
	verified, err := s.Store.IsEmailVerified(ctx, userID, email)
	if err != nil {
		return "", err
	}
	if verified {
		return "", cdi.ErrEmailAlreadyVerified
	}
	// base64url of the hex of 48 random bytes: 128 URL-safe characters,
	// the reference's shape.
	raw := make([]byte, 48)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString([]byte(hex.EncodeToString(raw)))
	err = s.Store.CreateEmailVerificationToken(ctx, store.EmailVerificationToken{
		TenantID:  tenantID,
		UserID:    userID,
		Email:     email,
		TokenHash: hashToken(token),
		Expiry:    s.now().Add(cdi.ConfigMillis(ctx, "email_verification_token_lifetime", s.TokenLifetime)),
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// Verify uses a token: it deletes every token of its (user, email) and
// marks the pair verified. cdi.ErrEmailVerificationInvalid when no token
// in tenantID matches or it expired.
func (s *Service) Verify(ctx context.Context, tenantID, token string) (userID, email string, err error) {
	t, err := s.Store.ConsumeEmailVerificationToken(ctx, tenantID, hashToken(token), s.now())
	if errors.Is(err, store.ErrNotFound) {
		return "", "", cdi.ErrEmailVerificationInvalid
	}
	if err != nil {
		return "", "", err
	}
	return t.UserID, t.Email, nil
}

// IsVerified reports whether (userID, email) is verified; email is used as
// given.
func (s *Service) IsVerified(ctx context.Context, userID, email string) (bool, error) {
	return s.Store.IsEmailVerified(ctx, userID, email)
}

// Unverify marks (userID, email) unverified.
func (s *Service) Unverify(ctx context.Context, userID, email string) error {
	return s.Store.SetEmailVerified(ctx, userID, NormaliseEmail(email), false)
}

// RemoveTokens deletes every token of (tenantID, userID, email).
func (s *Service) RemoveTokens(ctx context.Context, tenantID, userID, email string) error {
	return s.Store.DeleteEmailVerificationTokens(ctx, tenantID, userID, NormaliseEmail(email))
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Handler serves the endpoints over a Service.
type Handler struct {
	Service *Service
}

// New returns a Handler over s.
func New(s *Service) *Handler { return &Handler{Service: s} }

// userAndEmail reads {userId, email}.
func userAndEmail(r *http.Request) (userID, email string, err error) {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return "", "", err
	}
	userID, email = b.String("userId"), b.String("email")
	return userID, email, b.Err()
}

func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) error {
	userID, email, err := userAndEmail(r)
	if err != nil {
		return err
	}
	token, err := h.Service.CreateToken(r.Context(), cdi.Tenant(r.Context()), userID, email)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"token": token})
	return nil
}

func (h *Handler) verify(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	method, token := b.String("method"), b.String("token")
	if err := b.Err(); err != nil {
		return err
	}
	if method != "token" {
		return cdi.BadRequest("Unsupported method for email verification")
	}
	userID, email, err := h.Service.Verify(r.Context(), cdi.Tenant(r.Context()), token)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"userId": userID, "email": email})
	return nil
}

func (h *Handler) isVerified(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	userID, email := q.String("userId"), q.String("email")
	if err := q.Err(); err != nil {
		return err
	}
	ok, err := h.Service.IsVerified(r.Context(), userID, email)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"isVerified": ok})
	return nil
}

func (h *Handler) unverify(w http.ResponseWriter, r *http.Request) error {
	userID, email, err := userAndEmail(r)
	if err != nil {
		return err
	}
	if err := h.Service.Unverify(r.Context(), userID, email); err != nil {
		return err
	}
	cdi.OK(w, nil)
	return nil
}

func (h *Handler) removeTokens(w http.ResponseWriter, r *http.Request) error {
	userID, email, err := userAndEmail(r)
	if err != nil {
		return err
	}
	if err := h.Service.RemoveTokens(r.Context(), cdi.Tenant(r.Context()), userID, email); err != nil {
		return err
	}
	cdi.OK(w, nil)
	return nil
}
