package emailpassword

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/accountlinking"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// The statuses of the recipe's answers (reference/sdk-fdi.md §2.1).
const (
	StatusOK                   = "OK"
	StatusFieldError           = "FIELD_ERROR"
	StatusWrongCredentials     = "WRONG_CREDENTIALS_ERROR"
	StatusResetPasswordInvalid = "RESET_PASSWORD_INVALID_TOKEN_ERROR"
)

// SignedIn is what SignUp and SignIn answer: the user and their new
// session.
type SignedIn struct {
	User    *latchkey.User
	Session *session.Session
}

// FormError refuses a form field by field: the API answers FIELD_ERROR
// with Fields. An APIs override returns it to refuse a value with a
// message shown beside its field.
type FormError struct {
	Fields []FieldError
}

// Error implements error.
func (e *FormError) Error() string {
	msg := "emailpassword: invalid form fields:"
	for _, f := range e.Fields {
		msg += " " + f.ID
	}
	return msg
}

// APIs are the recipe's HTTP APIs, given input already validated against
// the form fields. Config.APIOverride wraps them; embed the value it is
// given to replace one.
//
// An API answers OK with its result. The other answers are errors: a
// *FormError answers FIELD_ERROR, ErrWrongCredentials
// WRONG_CREDENTIALS_ERROR, ErrInvalidResetToken
// RESET_PASSWORD_INVALID_TOKEN_ERROR, a *latchkey.GeneralError
// GENERAL_ERROR with its message, and latchkey.ErrNotHandled turns the API
// off. An API that writes a response itself, or returns a nil result, gets
// nothing more written.
type APIs interface {
	// SignUp serves POST /signup. A taken email is a *FormError.
	SignUp(w http.ResponseWriter, r *http.Request, tenantID string, fields []FormField) (*SignedIn, error)
	// SignIn serves POST /signin. ErrWrongCredentials for an unknown email
	// or a wrong password.
	SignIn(w http.ResponseWriter, r *http.Request, tenantID string, fields []FormField) (*SignedIn, error)
	// EmailExists serves GET /emailpassword/email/exists.
	EmailExists(w http.ResponseWriter, r *http.Request, tenantID, email string) (bool, error)
	// GeneratePasswordResetToken serves POST /user/password/reset/token.
	GeneratePasswordResetToken(w http.ResponseWriter, r *http.Request, tenantID string, fields []FormField) error
	// PasswordReset serves POST /user/password/reset. ErrInvalidResetToken
	// for a bad token; a *FormError for a password that fails the policy.
	PasswordReset(w http.ResponseWriter, r *http.Request, tenantID, token string, fields []FormField) error
}

// APIs returns the recipe's HTTP APIs, with Config.APIOverride applied.
func (rc *Recipe) APIs() APIs { return rc.apis }

// Routes implements latchkey.RouteProvider.
func (rc *Recipe) Routes() []latchkey.Route {
	emailExists := func(w http.ResponseWriter, r *http.Request) error {
		email := r.URL.Query().Get("email")
		if email == "" {
			return &latchkey.BadInputError{Message: "Please provide the email as a GET param"}
		}
		exists, err := rc.apis.EmailExists(w, r, latchkey.TenantID(r.Context()), email)
		return answer(w, err, func() map[string]any { return map[string]any{"exists": exists} })
	}
	return []latchkey.Route{
		{Method: "POST", Path: "/signup", Handler: rc.formHandler(rc.fields, func(w http.ResponseWriter, r *http.Request, t string, f []FormField, raw map[string]json.RawMessage) error {
			r = accountlinking.WantsSessionUserLinking(r, accountlinking.SessionLinkingFlag(raw["shouldTryLinkingWithSessionUser"]))
			in, err := rc.apis.SignUp(w, r, t, f)
			return answer(w, err, signedIn(r, in))
		})},
		{Method: "POST", Path: "/signin", Handler: rc.formHandler(rc.signInFields(), func(w http.ResponseWriter, r *http.Request, t string, f []FormField, raw map[string]json.RawMessage) error {
			r = accountlinking.WantsSessionUserLinking(r, accountlinking.SessionLinkingFlag(raw["shouldTryLinkingWithSessionUser"]))
			in, err := rc.apis.SignIn(w, r, t, f)
			return answer(w, err, signedIn(r, in))
		})},
		{Method: "GET", Path: "/emailpassword/email/exists", Handler: emailExists},
		{Method: "GET", Path: "/signup/email/exists", Handler: emailExists},
		{Method: "POST", Path: "/user/password/reset/token", Handler: rc.formHandler([]Field{fieldByID(rc.fields, "email")}, func(w http.ResponseWriter, r *http.Request, t string, f []FormField, _ map[string]json.RawMessage) error {
			return answer(w, rc.apis.GeneratePasswordResetToken(w, r, t, f), noFields)
		})},
		{Method: "POST", Path: "/user/password/reset", Handler: rc.formHandler([]Field{fieldByID(rc.fields, "password")}, func(w http.ResponseWriter, r *http.Request, t string, f []FormField, raw map[string]json.RawMessage) error {
			var token string
			if json.Unmarshal(raw["token"], &token) != nil || token == "" {
				return &latchkey.BadInputError{Message: "Please provide the password reset token"}
			}
			return answer(w, rc.apis.PasswordReset(w, r, t, token, f), noFields)
		})},
	}
}

// signInFields: the sign-up email validator, and no password policy.
func (rc *Recipe) signInFields() []Field {
	return []Field{fieldByID(rc.fields, "email"), {ID: "password"}}
}

type formAPI func(w http.ResponseWriter, r *http.Request, tenantID string, fields []FormField, raw map[string]json.RawMessage) error

// formHandler reads and validates formFields, then calls api.
func (rc *Recipe) formHandler(fields []Field, api formAPI) latchkey.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var raw map[string]json.RawMessage
		if err := latchkey.ReadJSON(r, &raw); err != nil {
			return err
		}
		if raw == nil {
			return &latchkey.BadInputError{Message: "Missing input param: formFields"}
		}
		input, err := readFormFields(raw)
		if err != nil {
			return err
		}
		tenant := latchkey.TenantID(r.Context())
		ferrs, err := validateFields(r.Context(), fields, input, tenant)
		if err != nil {
			return err
		}
		if len(ferrs) > 0 {
			return answer(w, &FormError{Fields: ferrs}, nil)
		}
		return api(w, r, tenant, input, raw)
	}
}

// signedIn returns the OK fields of a sign-up or sign-in, with the user in
// the shape of the request's FDI version.
func signedIn(r *http.Request, in *SignedIn) func() map[string]any {
	return func() map[string]any {
		switch {
		case in == nil:
			return nil
		case in.User == nil:
			return map[string]any{}
		case latchkey.UsesAccountLinkingUser(r):
			return map[string]any{"user": in.User}
		default:
			return map[string]any{"user": in.User.Legacy(RecipeID)}
		}
	}
}

// noFields is the OK answer of an API without a result.
func noFields() map[string]any { return map[string]any{} }

// answer writes an API's answer: OK with the fields that ok returns
// (nothing when it returns nil), or the status of an outcome error. Other
// errors go back to the middleware, which writes them (a
// *latchkey.GeneralError as GENERAL_ERROR). Nothing is written after an
// API that answered itself.
func answer(w http.ResponseWriter, err error, ok func() map[string]any) error {
	if latchkey.Written(w) {
		return err
	}
	var (
		fe *FormError
		na *accountlinking.NotAllowedError
	)
	switch {
	case errors.As(err, &fe):
		latchkey.WriteStatus(w, StatusFieldError, map[string]any{"formFields": fe.Fields})
	case errors.As(err, &na):
		latchkey.WriteStatus(w, na.Status, map[string]any{"reason": na.Reason})
	case errors.Is(err, ErrWrongCredentials):
		latchkey.WriteStatus(w, StatusWrongCredentials, nil)
	case errors.Is(err, ErrInvalidResetToken):
		latchkey.WriteStatus(w, StatusResetPasswordInvalid, nil)
	case err != nil:
		return err
	default:
		if fields := ok(); fields != nil {
			latchkey.WriteStatus(w, StatusOK, fields)
		}
	}
	return nil
}

type defaultAPIs struct{ rc *Recipe }

func (a defaultAPIs) SignUp(w http.ResponseWriter, r *http.Request, tenantID string, fields []FormField) (*SignedIn, error) {
	ctx := r.Context()
	email := value(fields, "email")
	emailExists := &FormError{Fields: []FieldError{{ID: "email", Error: "This email already exists. Please sign in instead."}}}
	al := accountlinking.Find(a.rc.lk)
	ok, err := al.IsSignUpAllowed(ctx, tenantID, accountlinking.AccountInfo{RecipeID: RecipeID, Email: strings.ToLower(strings.TrimSpace(email))}, nil)
	if err != nil {
		return nil, err
	}
	if !ok {
		// A taken email says so, as without linking; anything else is
		// the takeover risk.
		if u, _, err := a.rc.emailPasswordUser(ctx, tenantID, email); err != nil {
			return nil, err
		} else if u != nil {
			return nil, emailExists
		}
		return nil, &accountlinking.NotAllowedError{Status: accountlinking.StatusSignUpNotAllowed, Reason: accountlinking.ReasonEmailPasswordSignUp}
	}
	res, err := a.rc.svc.SignUp(ctx, tenantID, email, value(fields, "password"))
	if errors.Is(err, ErrEmailAlreadyExists) {
		return nil, emailExists
	}
	if err != nil {
		return nil, err
	}
	return a.rc.signedIn(w, r, tenantID, res, accountlinking.StatusSignUpNotAllowed, accountlinking.ReasonsEmailPasswordSignUp)
}

// signedIn links the login method that just signed up or in as account
// linking decides, then makes the session.
func (rc *Recipe) signedIn(w http.ResponseWriter, r *http.Request, tenantID string, res *SignInUp, status string, reasons map[string]string) (*SignedIn, error) {
	user, s, err := accountlinking.Find(rc.lk).SignedIn(w, r, rc.sess, tenantID, res.User, res.RecipeUserID, status, reasons)
	if err != nil {
		return nil, err
	}
	return &SignedIn{User: user, Session: s}, nil
}

func (a defaultAPIs) SignIn(w http.ResponseWriter, r *http.Request, tenantID string, fields []FormField) (*SignedIn, error) {
	ctx := r.Context()
	res, err := a.rc.svc.SignIn(ctx, tenantID, value(fields, "email"), value(fields, "password"))
	if err != nil {
		return nil, err // ErrWrongCredentials
	}
	ok, err := accountlinking.Find(a.rc.lk).IsSignInAllowed(ctx, tenantID, res.User, res.RecipeUserID, false, nil)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &accountlinking.NotAllowedError{Status: accountlinking.StatusSignInNotAllowed, Reason: accountlinking.ReasonEmailPasswordSignIn}
	}
	return a.rc.signedIn(w, r, tenantID, res, accountlinking.StatusSignInNotAllowed, accountlinking.ReasonsEmailPasswordSignIn)
}

func (a defaultAPIs) EmailExists(w http.ResponseWriter, r *http.Request, tenantID, email string) (bool, error) {
	u, _, err := a.rc.emailPasswordUser(r.Context(), tenantID, email)
	return u != nil, err
}

func (a defaultAPIs) GeneratePasswordResetToken(w http.ResponseWriter, r *http.Request, tenantID string, fields []FormField) error {
	ctx := r.Context()
	email := value(fields, "email")
	// Counted for every address, known or not, so that a refusal says
	// nothing about whether the account exists.
	if err := a.rc.lk.AllowSend(ctx, tenantID, strings.ToLower(strings.TrimSpace(email))); err != nil {
		return err // *latchkey.TooManyAttemptsError: GENERAL_ERROR
	}
	u, recipeUserID, err := a.rc.emailPasswordUser(ctx, tenantID, email)
	if err != nil || u == nil {
		// Answer OK for unknown emails too, so that accounts cannot be
		// enumerated.
		return err
	}
	m, _ := u.LoginMethod(recipeUserID)
	err = a.rc.SendResetPasswordEmail(ctx, tenantID, recipeUserID, m.Email)
	if errors.Is(err, ErrUnknownUserID) {
		return nil
	}
	return err
}

func (a defaultAPIs) PasswordReset(w http.ResponseWriter, r *http.Request, tenantID, token string, fields []FormField) error {
	ferrs, err := a.rc.ResetPasswordUsingToken(r.Context(), tenantID, token, value(fields, "password"))
	switch {
	case errors.Is(err, ErrUnknownUserID):
		return ErrInvalidResetToken
	case err != nil:
		return err // ErrInvalidResetToken
	case len(ferrs) > 0:
		return &FormError{Fields: ferrs}
	}
	return nil
}
