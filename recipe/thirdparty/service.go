package thirdparty

import (
	"context"
	"errors"
	"fmt"

	"github.com/latchkey-dev/latchkey"
)

// Outcomes, matched with errors.Is.
var (
	// ErrUnknownProvider means no provider with the ThirdPartyID serves
	// the tenant. The APIs answer 400.
	ErrUnknownProvider = errors.New("thirdparty: unknown provider")
	// ErrUnknownClientType means the provider has no client of the client
	// type, or several and none was named. The APIs answer 400.
	ErrUnknownClientType = errors.New("thirdparty: unknown client type")
	// ErrNoEmailGivenByProvider means the provider gave no email and the
	// provider requires one: NO_EMAIL_GIVEN_BY_PROVIDER.
	ErrNoEmailGivenByProvider = errors.New("thirdparty: the provider gave no email")
)

// EmailChangeNotAllowedError is the core refusing to give an existing
// third-party user the provider's new email (another primary user has
// it). The sign-in API answers SIGN_IN_UP_NOT_ALLOWED.
type EmailChangeNotAllowedError struct{ Reason string }

// Error implements error.
func (e *EmailChangeNotAllowedError) Error() string {
	return "thirdparty: email change not allowed: " + e.Reason
}

// SignInUpNotAllowedError refuses a sign-in: SIGN_IN_UP_NOT_ALLOWED with
// Reason, which the frontend shows.
type SignInUpNotAllowedError struct{ Reason string }

// Error implements error.
func (e *SignInUpNotAllowedError) Error() string {
	return "thirdparty: sign in / up not allowed: " + e.Reason
}

// Account is a third-party account as the core stores it.
type Account struct {
	ThirdPartyID     string
	ThirdPartyUserID string
	Email            string
	// EmailVerified records the email as verified (in email verification)
	// when true.
	EmailVerified bool
}

// SignInUpResult is a user signed in, or signed up.
type SignInUpResult struct {
	User *latchkey.User
	// RecipeUserID is the id of the user's third-party login method.
	RecipeUserID string
	// CreatedNewUser is true for a sign-up.
	CreatedNewUser bool
}

// Service is the recipe's functions. Config.Override wraps it; embed the
// value it is given to replace one method.
type Service interface {
	// ManuallyCreateOrUpdateUser signs in the user with the account
	// (ThirdPartyID, ThirdPartyUserID) in the tenant, or creates one; an
	// existing user gets the new email. An *EmailChangeNotAllowedError
	// when the core refuses the email.
	// CDI: POST /{tenantId}/recipe/signinup.
	ManuallyCreateOrUpdateUser(ctx context.Context, tenantID string, a Account) (*SignInUpResult, error)
	// SignInUp is what the sign-in API calls once the provider said who
	// the user is; overrides see the provider's tokens and answers. By
	// default it calls ManuallyCreateOrUpdateUser.
	SignInUp(ctx context.Context, tenantID string, a Account, tokens *OAuthTokens, raw RawUserInfo) (*SignInUpResult, error)
	// Provider returns the provider with thirdPartyID for the tenant and
	// client type ("" when it has one client). ErrUnknownProvider,
	// ErrUnknownClientType.
	Provider(ctx context.Context, tenantID, thirdPartyID, clientType string) (Provider, error)
}

type coreService struct{ rc *Recipe }

func (s coreService) ManuallyCreateOrUpdateUser(ctx context.Context, tenantID string, a Account) (*SignInUpResult, error) {
	var resp struct {
		Status         string         `json:"status"`
		CreatedNewUser bool           `json:"createdNewUser"`
		User           *latchkey.User `json:"user"`
		RecipeUserID   string         `json:"recipeUserId"`
		Reason         string         `json:"reason"`
	}
	body := map[string]any{
		"thirdPartyId":     a.ThirdPartyID,
		"thirdPartyUserId": a.ThirdPartyUserID,
		"email":            map[string]any{"id": a.Email, "isVerified": a.EmailVerified},
	}
	if err := s.rc.lk.Core().Do(ctx, latchkey.CoreRequest{Method: "POST", Path: "/recipe/signinup", TenantID: latchkey.TenantOrDefault(tenantID), Body: body, RecipeID: RecipeID}, &resp); err != nil {
		return nil, err
	}
	switch resp.Status {
	case "OK":
		if resp.User == nil {
			return nil, errors.New("thirdparty: the core's sign-in answer has no user")
		}
		return &SignInUpResult{User: resp.User, RecipeUserID: resp.RecipeUserID, CreatedNewUser: resp.CreatedNewUser}, nil
	case "EMAIL_CHANGE_NOT_ALLOWED_ERROR":
		return nil, &EmailChangeNotAllowedError{Reason: resp.Reason}
	}
	return nil, fmt.Errorf("thirdparty: unexpected sign-in answer from the core: %s", resp.Status)
}

func (s coreService) SignInUp(ctx context.Context, tenantID string, a Account, _ *OAuthTokens, _ RawUserInfo) (*SignInUpResult, error) {
	return s.rc.svc.ManuallyCreateOrUpdateUser(ctx, tenantID, a)
}

func (s coreService) Provider(ctx context.Context, tenantID, thirdPartyID, clientType string) (Provider, error) {
	tenantID = latchkey.TenantOrDefault(tenantID)
	if p, found, err := s.rc.storedProvider(ctx, tenantID, thirdPartyID, clientType); found || err != nil {
		return p, err
	}
	return s.rc.provider(tenantID, thirdPartyID, clientType)
}

// UserByAccount returns the user of tenantID with the third-party account,
// and that login method's recipe user id, or nil.
// CDI: GET /{tenantId}/users/by-accountinfo.
func (rc *Recipe) UserByAccount(ctx context.Context, tenantID, thirdPartyID, thirdPartyUserID string) (*latchkey.User, string, error) {
	if rc.lk == nil {
		return nil, "", errNotInitialised
	}
	users, err := rc.lk.UsersByAccountInfo(ctx, tenantID, latchkey.AccountInfo{ThirdParty: &latchkey.ThirdParty{ID: thirdPartyID, UserID: thirdPartyUserID}})
	if err != nil {
		return nil, "", err
	}
	for i := range users {
		for _, m := range users[i].LoginMethods {
			if m.RecipeID == RecipeID && m.ThirdParty != nil && m.ThirdParty.ID == thirdPartyID && m.ThirdParty.UserID == thirdPartyUserID {
				return &users[i], m.RecipeUserID, nil
			}
		}
	}
	return nil, "", nil
}
