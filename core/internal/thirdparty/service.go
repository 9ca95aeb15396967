package thirdparty

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/store"
)

// Store is what the recipe needs from the store.
type Store interface {
	store.ThirdParty
	User(ctx context.Context, userID string) (store.User, error)
}

// Service is the third-party logic. Its errors are cdi status sentinels,
// cdi 400s, or store and context errors.
type Service struct {
	Store Store
	Now   func() time.Time
}

// ErrUnknownThirdPartyUser is GET /recipe/user's answer for an account
// without a user.
var ErrUnknownThirdPartyUser = cdi.Status("UNKNOWN_THIRD_PARTY_USER_ERROR")

// Account is a provider account and the email the provider gave for it.
type Account struct {
	ThirdPartyID     string
	ThirdPartyUserID string
	Email            string
	EmailVerified    bool
}

// SignedIn is a sign-in or sign-up.
type SignedIn struct {
	User           store.User
	RecipeUserID   string
	CreatedNewUser bool
}

// NormaliseEmail trims and lower-cases an email, as the core stores it.
func NormaliseEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// SignInUp signs in the user of the account in tenantID, giving it the
// account's email, or creates one.
func (s *Service) SignInUp(ctx context.Context, tenantID string, a Account) (SignedIn, error) {
	u := store.ThirdPartyUser{
		ID:               uuid.NewString(),
		TenantID:         tenantID,
		ThirdPartyID:     a.ThirdPartyID,
		ThirdPartyUserID: a.ThirdPartyUserID,
		Email:            NormaliseEmail(a.Email),
		TimeJoined:       s.now(),
	}
	got, created, err := s.Store.ThirdPartySignInUp(ctx, u, a.EmailVerified)
	if errors.As(err, new(*store.LinkError)) {
		// The account's new email belongs to another primary user.
		return SignedIn{}, cdi.ErrEmailChangeNotAllowed.With("reason", "Email already associated with another primary user.")
	}
	if err != nil {
		return SignedIn{}, err
	}
	user, err := s.Store.User(ctx, got.ID)
	if err != nil {
		return SignedIn{}, err
	}
	return SignedIn{User: user, RecipeUserID: got.ID, CreatedNewUser: created}, nil
}

// User returns the third-party user with userID. cdi.ErrUnknownUserID when
// there is none (or the id is another recipe's user).
func (s *Service) User(ctx context.Context, userID string) (store.User, error) {
	if _, err := s.Store.ThirdPartyUser(ctx, userID); errors.Is(err, store.ErrNotFound) {
		return store.User{}, cdi.ErrUnknownUserID
	} else if err != nil {
		return store.User{}, err
	}
	return s.user(ctx, userID, cdi.ErrUnknownUserID)
}

// UserByAccount returns the user of a provider account in tenantID.
// ErrUnknownThirdPartyUser when there is none.
func (s *Service) UserByAccount(ctx context.Context, tenantID, thirdPartyID, thirdPartyUserID string) (store.User, error) {
	tp, err := s.Store.ThirdPartyUserByAccount(ctx, tenantID, thirdPartyID, thirdPartyUserID)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, ErrUnknownThirdPartyUser
	}
	if err != nil {
		return store.User{}, err
	}
	return s.user(ctx, tp.ID, ErrUnknownThirdPartyUser)
}

func (s *Service) user(ctx context.Context, id string, unknown error) (store.User, error) {
	u, err := s.Store.User(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, unknown // deleted in between
	}
	return u, err
}
