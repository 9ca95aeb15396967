package emailpassword

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// Response statuses.
const (
	StatusOK                   = "OK"
	StatusFieldError           = "FIELD_ERROR"
	StatusWrongCredentials     = "WRONG_CREDENTIALS_ERROR"
	StatusResetPasswordInvalid = "RESET_PASSWORD_INVALID_TOKEN_ERROR"
)

// Response is what an API answers. Status says which of the other fields
// are set: OK carries User and Session for sign-up and sign-in, Exists for
// email-exists; FIELD_ERROR carries FormFields.
type Response struct {
	Status     string
	User       *latchkey.User
	Session    *session.Session
	Exists     bool
	FormFields []FieldError
}

// APIs are the recipe's HTTP APIs, given input already validated against
// the form fields. Config.APIOverride wraps them; embed the value it is
// given to replace one, return a *latchkey.GeneralError to refuse with a
// message, or latchkey.ErrNotHandled to turn an API off.
type APIs interface {
	// SignUp serves POST /signup.
	SignUp(w http.ResponseWriter, r *http.Request, tenantID string, fields []FormField) (*Response, error)
	// SignIn serves POST /signin.
	SignIn(w http.ResponseWriter, r *http.Request, tenantID string, fields []FormField) (*Response, error)
	// EmailExists serves GET /emailpassword/email/exists.
	EmailExists(w http.ResponseWriter, r *http.Request, tenantID, email string) (*Response, error)
	// GeneratePasswordResetToken serves POST /user/password/reset/token.
	GeneratePasswordResetToken(w http.ResponseWriter, r *http.Request, tenantID string, fields []FormField) (*Response, error)
	// PasswordReset serves POST /user/password/reset.
	PasswordReset(w http.ResponseWriter, r *http.Request, tenantID, token string, fields []FormField) (*Response, error)
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
		return rc.write(w, r, func() (*Response, error) {
			return rc.apis.EmailExists(w, r, latchkey.TenantID(r.Context()), email)
		})
	}
	return []latchkey.Route{
		{Method: "POST", Path: "/signup", Handler: rc.formHandler(rc.fields, func(w http.ResponseWriter, r *http.Request, t string, f []FormField, _ map[string]json.RawMessage) (*Response, error) {
			return rc.apis.SignUp(w, r, t, f)
		})},
		{Method: "POST", Path: "/signin", Handler: rc.formHandler(rc.signInFields(), func(w http.ResponseWriter, r *http.Request, t string, f []FormField, _ map[string]json.RawMessage) (*Response, error) {
			return rc.apis.SignIn(w, r, t, f)
		})},
		{Method: "GET", Path: "/emailpassword/email/exists", Handler: emailExists},
		{Method: "GET", Path: "/signup/email/exists", Handler: emailExists},
		{Method: "POST", Path: "/user/password/reset/token", Handler: rc.formHandler([]Field{fieldByID(rc.fields, "email")}, func(w http.ResponseWriter, r *http.Request, t string, f []FormField, _ map[string]json.RawMessage) (*Response, error) {
			return rc.apis.GeneratePasswordResetToken(w, r, t, f)
		})},
		{Method: "POST", Path: "/user/password/reset", Handler: rc.formHandler([]Field{fieldByID(rc.fields, "password")}, func(w http.ResponseWriter, r *http.Request, t string, f []FormField, raw map[string]json.RawMessage) (*Response, error) {
			var token string
			if json.Unmarshal(raw["token"], &token) != nil || token == "" {
				return nil, &latchkey.BadInputError{Message: "Please provide the password reset token"}
			}
			return rc.apis.PasswordReset(w, r, t, token, f)
		})},
	}
}

// signInFields: the sign-up email validator, and no password policy.
func (rc *Recipe) signInFields() []Field {
	return []Field{fieldByID(rc.fields, "email"), {ID: "password"}}
}

type formAPI func(w http.ResponseWriter, r *http.Request, tenantID string, fields []FormField, raw map[string]json.RawMessage) (*Response, error)

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
			return rc.writeResponse(w, r, &Response{Status: StatusFieldError, FormFields: ferrs})
		}
		return rc.write(w, r, func() (*Response, error) { return api(w, r, tenant, input, raw) })
	}
}

func (rc *Recipe) write(w http.ResponseWriter, r *http.Request, api func() (*Response, error)) error {
	res, err := api()
	if err != nil {
		return err
	}
	if res == nil {
		return nil // the API wrote its own response
	}
	return rc.writeResponse(w, r, res)
}

// writeResponse writes res in the shape of the request's FDI version.
func (rc *Recipe) writeResponse(w http.ResponseWriter, r *http.Request, res *Response) error {
	body := map[string]any{"status": res.Status}
	switch {
	case res.Status == StatusFieldError:
		body["formFields"] = res.FormFields
	case res.User != nil:
		if latchkey.UsesAccountLinkingUser(r) {
			body["user"] = res.User
		} else {
			body["user"] = res.User.Legacy(RecipeID)
		}
	}
	if r.Method == http.MethodGet && res.Status == StatusOK {
		body["exists"] = res.Exists
	}
	latchkey.WriteJSON(w, http.StatusOK, body)
	return nil
}

type defaultAPIs struct{ rc *Recipe }

func (a defaultAPIs) SignUp(w http.ResponseWriter, r *http.Request, tenantID string, fields []FormField) (*Response, error) {
	ctx := r.Context()
	res, err := a.rc.svc.SignUp(ctx, tenantID, value(fields, "email"), value(fields, "password"))
	if errors.Is(err, ErrEmailAlreadyExists) {
		return &Response{Status: StatusFieldError, FormFields: []FieldError{{ID: "email", Error: "This email already exists. Please sign in instead."}}}, nil
	}
	if err != nil {
		return nil, err
	}
	s, err := a.rc.sess.CreateNewSession(w, r, tenantID, res.RecipeUserID, nil, nil)
	if err != nil {
		return nil, err
	}
	return &Response{Status: StatusOK, User: res.User, Session: s}, nil
}

func (a defaultAPIs) SignIn(w http.ResponseWriter, r *http.Request, tenantID string, fields []FormField) (*Response, error) {
	ctx := r.Context()
	res, err := a.rc.svc.SignIn(ctx, tenantID, value(fields, "email"), value(fields, "password"))
	if errors.Is(err, ErrWrongCredentials) {
		return &Response{Status: StatusWrongCredentials}, nil
	}
	if err != nil {
		return nil, err
	}
	s, err := a.rc.sess.CreateNewSession(w, r, tenantID, res.RecipeUserID, nil, nil)
	if err != nil {
		return nil, err
	}
	return &Response{Status: StatusOK, User: res.User, Session: s}, nil
}

func (a defaultAPIs) EmailExists(w http.ResponseWriter, r *http.Request, tenantID, email string) (*Response, error) {
	u, _, err := a.rc.emailPasswordUser(r.Context(), tenantID, email)
	if err != nil {
		return nil, err
	}
	return &Response{Status: StatusOK, Exists: u != nil}, nil
}

func (a defaultAPIs) GeneratePasswordResetToken(w http.ResponseWriter, r *http.Request, tenantID string, fields []FormField) (*Response, error) {
	ctx := r.Context()
	email := value(fields, "email")
	u, recipeUserID, err := a.rc.emailPasswordUser(ctx, tenantID, email)
	if err != nil {
		return nil, err
	}
	if u == nil {
		// Answer OK for unknown emails too, so that accounts cannot be
		// enumerated.
		return &Response{Status: StatusOK}, nil
	}
	m, _ := u.LoginMethod(recipeUserID)
	err = a.rc.SendResetPasswordEmail(ctx, tenantID, recipeUserID, m.Email)
	if errors.Is(err, ErrUnknownUserID) {
		return &Response{Status: StatusOK}, nil
	}
	if err != nil {
		return nil, err
	}
	return &Response{Status: StatusOK}, nil
}

func (a defaultAPIs) PasswordReset(w http.ResponseWriter, r *http.Request, tenantID, token string, fields []FormField) (*Response, error) {
	ferrs, err := a.rc.ResetPasswordUsingToken(r.Context(), tenantID, token, value(fields, "password"))
	switch {
	case errors.Is(err, ErrInvalidResetToken), errors.Is(err, ErrUnknownUserID):
		return &Response{Status: StatusResetPasswordInvalid}, nil
	case err != nil:
		return nil, err
	case len(ferrs) > 0:
		return &Response{Status: StatusFieldError, FormFields: ferrs}, nil
	}
	return &Response{Status: StatusOK}, nil
}
