package emailpassword

import (
	"context"
	"errors"
	"fmt"

	"github.com/latchkey-dev/latchkey"
)

// Outcomes of the Service methods, matched with errors.Is.
var (
	ErrEmailAlreadyExists = errors.New("emailpassword: email already exists")
	ErrWrongCredentials   = errors.New("emailpassword: wrong credentials")
	ErrUnknownUserID      = errors.New("emailpassword: unknown user id")
	ErrInvalidResetToken  = errors.New("emailpassword: invalid password reset token")
)

// Service is the recipe's functions, over the core. Config.Override wraps
// it; embed the value it is given to replace one method.
type Service interface {
	// SignUp creates a user. ErrEmailAlreadyExists when the email is
	// taken in the tenant. CDI: POST /{tenantId}/recipe/signup.
	SignUp(ctx context.Context, tenantID, email, password string) (*SignInUp, error)
	// SignIn checks a password. ErrWrongCredentials for an unknown email
	// or a wrong password. CDI: POST /{tenantId}/recipe/signin.
	SignIn(ctx context.Context, tenantID, email, password string) (*SignInUp, error)
	// CreateResetPasswordToken makes a one-time token for the user's
	// email. CDI: POST /{tenantId}/recipe/user/password/reset/token.
	CreateResetPasswordToken(ctx context.Context, tenantID, userID, email string) (string, error)
	// ConsumeResetPasswordToken checks and spends a token, returning whose
	// it was. ErrInvalidResetToken when it is unknown or expired.
	// CDI: POST /{tenantId}/recipe/user/password/reset/token/consume.
	ConsumeResetPasswordToken(ctx context.Context, tenantID, token string) (userID, email string, err error)
	// UpdateEmailOrPassword changes a user's email and/or password (empty
	// means unchanged). CDI: PUT /recipe/user.
	UpdateEmailOrPassword(ctx context.Context, recipeUserID, email, password string) error
}

// SignInUp is a signed-up or signed-in user.
type SignInUp struct {
	User         *latchkey.User
	RecipeUserID string
}

type coreService struct{ lk *latchkey.Latchkey }

func (s coreService) do(ctx context.Context, method, path, tenant string, body, out any) error {
	return s.lk.Core().Do(ctx, latchkey.CoreRequest{Method: method, Path: path, TenantID: tenant, Body: body, RecipeID: RecipeID}, out)
}

type signInUpAnswer struct {
	Status       string         `json:"status"`
	User         *latchkey.User `json:"user"`
	RecipeUserID string         `json:"recipeUserId"`
	// RetryAfterMs is the Latchkey core's brute-force lock (an extension
	// field; official cores never send it).
	RetryAfterMs int64 `json:"latchkeyRetryAfterMs"`
}

func (s coreService) SignUp(ctx context.Context, tenantID, email, password string) (*SignInUp, error) {
	var a signInUpAnswer
	if err := s.do(ctx, "POST", "/recipe/signup", tenantID, map[string]string{"email": email, "password": password}, &a); err != nil {
		return nil, err
	}
	switch a.Status {
	case "OK":
		return &SignInUp{User: a.User, RecipeUserID: a.RecipeUserID}, nil
	case "EMAIL_ALREADY_EXISTS_ERROR":
		return nil, ErrEmailAlreadyExists
	}
	return nil, fmt.Errorf("emailpassword: unexpected sign-up answer from the core: %s", a.Status)
}

func (s coreService) SignIn(ctx context.Context, tenantID, email, password string) (*SignInUp, error) {
	var a signInUpAnswer
	if err := s.do(ctx, "POST", "/recipe/signin", tenantID, map[string]string{"email": email, "password": password}, &a); err != nil {
		return nil, err
	}
	switch a.Status {
	case "OK":
		return &SignInUp{User: a.User, RecipeUserID: a.RecipeUserID}, nil
	case "WRONG_CREDENTIALS_ERROR":
		if err := latchkey.RetryAfterFromCore(a.RetryAfterMs); err != nil {
			return nil, err // *latchkey.TooManyAttemptsError
		}
		return nil, ErrWrongCredentials
	}
	return nil, fmt.Errorf("emailpassword: unexpected sign-in answer from the core: %s", a.Status)
}

func (s coreService) CreateResetPasswordToken(ctx context.Context, tenantID, userID, email string) (string, error) {
	var a struct {
		Status string `json:"status"`
		Token  string `json:"token"`
	}
	if err := s.do(ctx, "POST", "/recipe/user/password/reset/token", tenantID, map[string]string{"userId": userID, "email": email}, &a); err != nil {
		return "", err
	}
	switch a.Status {
	case "OK":
		return a.Token, nil
	case "UNKNOWN_USER_ID_ERROR":
		return "", ErrUnknownUserID
	}
	return "", fmt.Errorf("emailpassword: unexpected reset-token answer from the core: %s", a.Status)
}

func (s coreService) ConsumeResetPasswordToken(ctx context.Context, tenantID, token string) (string, string, error) {
	var a struct {
		Status string `json:"status"`
		UserID string `json:"userId"`
		Email  string `json:"email"`
	}
	if err := s.do(ctx, "POST", "/recipe/user/password/reset/token/consume", tenantID, map[string]string{"token": token}, &a); err != nil {
		return "", "", err
	}
	switch a.Status {
	case "OK":
		return a.UserID, a.Email, nil
	case "RESET_PASSWORD_INVALID_TOKEN_ERROR":
		return "", "", ErrInvalidResetToken
	}
	return "", "", fmt.Errorf("emailpassword: unexpected token-consume answer from the core: %s", a.Status)
}

func (s coreService) UpdateEmailOrPassword(ctx context.Context, recipeUserID, email, password string) error {
	body := map[string]string{"recipeUserId": recipeUserID}
	if email != "" {
		body["email"] = email
	}
	if password != "" {
		body["password"] = password
	}
	var a struct {
		Status string `json:"status"`
	}
	if err := s.do(ctx, "PUT", "/recipe/user", "", body, &a); err != nil {
		return err
	}
	switch a.Status {
	case "OK":
		return nil
	case "UNKNOWN_USER_ID_ERROR":
		return ErrUnknownUserID
	case "EMAIL_ALREADY_EXISTS_ERROR", "EMAIL_CHANGE_NOT_ALLOWED_ERROR":
		return ErrEmailAlreadyExists
	}
	return fmt.Errorf("emailpassword: unexpected update answer from the core: %s", a.Status)
}
