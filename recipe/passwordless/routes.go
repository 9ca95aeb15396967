package passwordless

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/accountlinking"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// The statuses of the recipe's answers (reference/sdk-fdi.md §2.7).
const (
	StatusOK                     = "OK"
	StatusRestartFlow            = "RESTART_FLOW_ERROR"
	StatusIncorrectUserInputCode = "INCORRECT_USER_INPUT_CODE_ERROR"
	StatusExpiredUserInputCode   = "EXPIRED_USER_INPUT_CODE_ERROR"
	StatusGeneralError           = "GENERAL_ERROR"
)

// CodeSent is what CreateCode answers: the sign-in attempt that the
// frontend goes on with.
type CodeSent struct {
	DeviceID         string
	PreAuthSessionID string
	// FlowType tells the frontend what the user was sent.
	FlowType FlowType
}

// SignedIn is what ConsumeCode answers: the user, signed in or just
// signed up, and their new session.
type SignedIn struct {
	User *latchkey.User
	// CreatedNewUser reports a sign-up.
	CreatedNewUser bool
	Session        *session.Session
}

// APIs are the recipe's HTTP APIs, given input already checked and
// normalised (an email trimmed, a phone number in E.164). Config.APIOverride
// wraps them; embed the value it is given to replace one.
//
// An API answers OK with its result. The other answers are errors:
// ErrRestartFlow answers RESTART_FLOW_ERROR, a *CodeError the incorrect or
// expired user input code statuses with the attempt counts, a
// *latchkey.GeneralError GENERAL_ERROR with its message, and
// latchkey.ErrNotHandled turns the API off. An API that writes a response
// itself, or returns a nil result, gets nothing more written.
type APIs interface {
	// CreateCode serves POST /signinup/code: it makes a code and sends it.
	CreateCode(w http.ResponseWriter, r *http.Request, tenantID string, contact Contact) (*CodeSent, error)
	// ResendCode serves POST /signinup/code/resend: a new code for the
	// same attempt. ErrRestartFlow when the attempt is over.
	ResendCode(w http.ResponseWriter, r *http.Request, tenantID, deviceID, preAuthSessionID string) error
	// ConsumeCode serves POST /signinup/code/consume: it signs in and
	// creates a session. ErrRestartFlow, or a *CodeError.
	ConsumeCode(w http.ResponseWriter, r *http.Request, tenantID string, cred Credentials) (*SignedIn, error)
	// EmailExists serves GET /passwordless/email/exists.
	EmailExists(w http.ResponseWriter, r *http.Request, tenantID, email string) (bool, error)
	// PhoneNumberExists serves GET /passwordless/phonenumber/exists.
	PhoneNumberExists(w http.ResponseWriter, r *http.Request, tenantID, phoneNumber string) (bool, error)
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
		exists, err := rc.apis.EmailExists(w, r, latchkey.TenantID(r.Context()), strings.TrimSpace(email))
		return answer(w, err, func() map[string]any { return map[string]any{"exists": exists} })
	}
	phoneExists := func(w http.ResponseWriter, r *http.Request) error {
		phone := r.URL.Query().Get("phoneNumber")
		if phone == "" {
			return &latchkey.BadInputError{Message: "Please provide the phoneNumber as a GET param"}
		}
		exists, err := rc.apis.PhoneNumberExists(w, r, latchkey.TenantID(r.Context()), rc.NormalisePhoneNumber(phone))
		return answer(w, err, func() map[string]any { return map[string]any{"exists": exists} })
	}
	return []latchkey.Route{
		{Method: "POST", Path: "/signinup/code", Handler: rc.createCode},
		{Method: "POST", Path: "/signinup/code/resend", Handler: rc.resendCode},
		{Method: "POST", Path: "/signinup/code/consume", Handler: rc.consumeCode},
		{Method: "GET", Path: "/passwordless/email/exists", Handler: emailExists},
		{Method: "GET", Path: "/passwordless/phonenumber/exists", Handler: phoneExists},
		// The FDI 1.x paths, which /signup/email/exists shares with
		// email-password: the rid header tells them apart.
		{Method: "GET", Path: "/signup/email/exists", Handler: emailExists},
		{Method: "GET", Path: "/signup/phonenumber/exists", Handler: phoneExists},
	}
}

// readBody reads a JSON object body. Fields that are present must be
// strings (absent and null read as absent).
func readBody(r *http.Request) (map[string]json.RawMessage, error) {
	var raw map[string]json.RawMessage
	if err := latchkey.ReadJSON(r, &raw); err != nil {
		return nil, err
	}
	if raw == nil {
		raw = map[string]json.RawMessage{}
	}
	return raw, nil
}

// stringField returns a string field and whether it is present (not
// absent or null). A value of another type is a bad request.
func stringField(raw map[string]json.RawMessage, name string) (string, bool, error) {
	v, ok := raw[name]
	if !ok || string(v) == "null" {
		return "", false, nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", false, &latchkey.BadInputError{Message: name + " must be a string"}
	}
	if strings.ContainsRune(s, 0) {
		return "", false, &latchkey.BadInputError{Message: name + " must not contain NUL characters"}
	}
	return s, true, nil
}

// createCode reads {email} or {phoneNumber}, checks it against the contact
// method and the validators, and calls the API.
func (rc *Recipe) createCode(w http.ResponseWriter, r *http.Request) error {
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	email, hasEmail, err := stringField(raw, "email")
	if err != nil {
		return err
	}
	phone, hasPhone, err := stringField(raw, "phoneNumber")
	if err != nil {
		return err
	}
	switch {
	case hasEmail == hasPhone:
		return &latchkey.BadInputError{Message: "Please provide exactly one of email or phoneNumber"}
	case !hasEmail && rc.cfg.ContactMethod == ContactEmail:
		return &latchkey.BadInputError{Message: `Please provide an email since you have set the contactMethod to "EMAIL"`}
	case !hasPhone && rc.cfg.ContactMethod == ContactPhone:
		return &latchkey.BadInputError{Message: `Please provide a phoneNumber since you have set the contactMethod to "PHONE"`}
	}
	ctx, tenant := r.Context(), latchkey.TenantID(r.Context())
	var contact Contact
	if hasEmail {
		email = strings.TrimSpace(email)
		if err := rc.ValidateEmail(ctx, tenant, email); err != nil {
			return &latchkey.GeneralError{Message: err.Error()}
		}
		contact.Email = email
	} else {
		if err := rc.ValidatePhoneNumber(ctx, tenant, phone); err != nil {
			return &latchkey.GeneralError{Message: err.Error()}
		}
		contact.PhoneNumber = rc.NormalisePhoneNumber(phone)
		if contact.PhoneNumber == "" {
			return &latchkey.GeneralError{Message: errPhoneInvalid.Error()}
		}
	}
	if contact.Email == "" && contact.PhoneNumber == "" {
		// A custom validator let an empty email through; the core refuses it.
		return &latchkey.GeneralError{Message: "Email is invalid"}
	}
	sent, err := rc.apis.CreateCode(w, r, tenant, contact)
	return answer(w, err, func() map[string]any {
		if sent == nil {
			return nil
		}
		return map[string]any{"deviceId": sent.DeviceID, "preAuthSessionId": sent.PreAuthSessionID, "flowType": sent.FlowType}
	})
}

func (rc *Recipe) resendCode(w http.ResponseWriter, r *http.Request) error {
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	pre, hasPre, err := stringField(raw, "preAuthSessionId")
	if err != nil {
		return err
	}
	deviceID, hasDevice, err := stringField(raw, "deviceId")
	if err != nil {
		return err
	}
	if !hasPre {
		return &latchkey.BadInputError{Message: "Please provide preAuthSessionId"}
	}
	if !hasDevice {
		return &latchkey.BadInputError{Message: "Please provide a deviceId"}
	}
	err = rc.apis.ResendCode(w, r, latchkey.TenantID(r.Context()), deviceID, pre)
	return answer(w, err, func() map[string]any { return map[string]any{} })
}

func (rc *Recipe) consumeCode(w http.ResponseWriter, r *http.Request) error {
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	var cred Credentials
	var has [4]bool
	for i, f := range []struct {
		name string
		dst  *string
	}{{"preAuthSessionId", &cred.PreAuthSessionID}, {"linkCode", &cred.LinkCode}, {"deviceId", &cred.DeviceID}, {"userInputCode", &cred.UserInputCode}} {
		if *f.dst, has[i], err = stringField(raw, f.name); err != nil {
			return err
		}
	}
	hasPre, hasLink, hasDevice, hasCode := has[0], has[1], has[2], has[3]
	switch {
	case !hasPre:
		return &latchkey.BadInputError{Message: "Please provide preAuthSessionId"}
	case (hasDevice || hasCode) && hasLink:
		return &latchkey.BadInputError{Message: "Please provide one of (linkCode) or (deviceId+userInputCode) and not both"}
	case hasDevice != hasCode:
		return &latchkey.BadInputError{Message: "Please provide both deviceId and userInputCode"}
	case !hasDevice && !hasLink:
		return &latchkey.BadInputError{Message: "Please provide one of (linkCode) or (deviceId+userInputCode) and not both"}
	}
	r = accountlinking.WantsSessionUserLinking(r, accountlinking.SessionLinkingFlag(raw["shouldTryLinkingWithSessionUser"]))
	in, err := rc.apis.ConsumeCode(w, r, latchkey.TenantID(r.Context()), cred)
	return answer(w, err, func() map[string]any {
		switch {
		case in == nil:
			return nil
		case in.User == nil:
			return map[string]any{}
		case latchkey.UsesAccountLinkingUser(r):
			return map[string]any{"user": in.User, "createdNewRecipeUser": in.CreatedNewUser}
		default:
			return map[string]any{"user": in.User.Legacy(RecipeID), "createdNewUser": in.CreatedNewUser}
		}
	})
}

// answer writes an API's answer: OK with the fields that ok returns (none
// when it returns nil, for an API without a result), or the status of an
// outcome error. Other errors go back to the middleware, which writes them
// (a *latchkey.GeneralError as GENERAL_ERROR). Nothing is written after an
// API that answered itself.
func answer(w http.ResponseWriter, err error, ok func() map[string]any) error {
	if latchkey.Written(w) {
		return err
	}
	var (
		ce *CodeError
		na *accountlinking.NotAllowedError
	)
	switch {
	case errors.As(err, &na):
		latchkey.WriteStatus(w, na.Status, map[string]any{"reason": na.Reason})
	case errors.Is(err, ErrRestartFlow):
		latchkey.WriteStatus(w, StatusRestartFlow, nil)
	case errors.As(err, &ce):
		latchkey.WriteStatus(w, ce.Status(), map[string]any{
			"failedCodeInputAttemptCount": ce.FailedCodeInputAttemptCount, "maximumCodeInputAttempts": ce.MaximumCodeInputAttempts})
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

func (a defaultAPIs) CreateCode(w http.ResponseWriter, r *http.Request, tenantID string, contact Contact) (*CodeSent, error) {
	ctx := r.Context()
	if err := a.rc.allowSend(ctx, tenantID, contact); err != nil {
		return nil, err
	}
	code, err := a.rc.CreateCode(ctx, tenantID, contact)
	if err != nil {
		return nil, err
	}
	if err := a.rc.send(ctx, tenantID, contact, code); err != nil {
		return nil, err
	}
	return &CodeSent{DeviceID: code.DeviceID, PreAuthSessionID: code.PreAuthSessionID, FlowType: a.rc.cfg.FlowType}, nil
}

// resendAttempts bounds the tries to make a code when a custom user input
// code generator keeps choosing codes the device has.
const resendAttempts = 3

func (a defaultAPIs) ResendCode(w http.ResponseWriter, r *http.Request, tenantID, deviceID, preAuthSessionID string) error {
	ctx := r.Context()
	svc := a.rc.svc
	devices, err := svc.ListCodes(ctx, tenantID, ListCodesQuery{DeviceID: deviceID})
	if err != nil {
		return err
	}
	if len(devices) != 1 || devices[0].PreAuthSessionID != strings.TrimRight(preAuthSessionID, "=") {
		return ErrRestartFlow
	}
	d := devices[0]
	// A device of a contact the app no longer takes cannot go on.
	if (a.rc.cfg.ContactMethod == ContactPhone && d.PhoneNumber == "") || (a.rc.cfg.ContactMethod == ContactEmail && d.Email == "") {
		return ErrRestartFlow
	}
	// A resend interval, then the per-address limit.
	if wait := a.rc.resendWait(d); wait > 0 {
		return &latchkey.GeneralError{Message: "Please wait " + strconv.Itoa(int((wait+time.Second-1)/time.Second)) + " seconds before asking for a new code."}
	}
	contact := Contact{Email: d.Email, PhoneNumber: d.PhoneNumber}
	if err := a.rc.allowSend(ctx, tenantID, contact); err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		userInputCode, err := a.rc.userInputCode(ctx, tenantID)
		if err != nil {
			return err
		}
		code, err := svc.CreateNewCodeForDevice(ctx, tenantID, deviceID, userInputCode)
		switch {
		case errors.Is(err, ErrUserInputCodeAlreadyUsed) && attempt < resendAttempts:
			continue
		case errors.Is(err, ErrUserInputCodeAlreadyUsed):
			return &latchkey.GeneralError{Message: "Failed to generate a one time code. Please try again"}
		case err != nil:
			return err // ErrRestartFlow when the device is gone
		}
		return a.rc.send(ctx, tenantID, contact, code)
	}
}

func (a defaultAPIs) ConsumeCode(w http.ResponseWriter, r *http.Request, tenantID string, cred Credentials) (*SignedIn, error) {
	ctx := r.Context()
	if err := a.rc.linkingAllowsSignUp(ctx, tenantID, cred.PreAuthSessionID); err != nil {
		return nil, err
	}
	res, err := a.rc.svc.ConsumeCode(ctx, tenantID, cred)
	if err != nil {
		return nil, err // ErrRestartFlow, *CodeError
	}
	user, s, err := accountlinking.Find(a.rc.lk).SignedIn(w, r, a.rc.sess, tenantID, res.User, res.RecipeUserID,
		accountlinking.StatusSignInUpNotAllowed, accountlinking.ReasonsPasswordless)
	if err != nil {
		return nil, err
	}
	return &SignedIn{User: user, CreatedNewUser: res.CreatedNewUser, Session: s}, nil
}

func (a defaultAPIs) EmailExists(w http.ResponseWriter, r *http.Request, tenantID, email string) (bool, error) {
	u, _, err := a.rc.UserByEmail(r.Context(), tenantID, email)
	return u != nil, err
}

func (a defaultAPIs) PhoneNumberExists(w http.ResponseWriter, r *http.Request, tenantID, phoneNumber string) (bool, error) {
	u, _, err := a.rc.UserByPhoneNumber(r.Context(), tenantID, phoneNumber)
	return u != nil, err
}

// linkingAllowsSignUp applies account linking's sign-up check before a
// code that would create a user is consumed. A sign-in needs none: the
// code proves the email or phone number.
func (rc *Recipe) linkingAllowsSignUp(ctx context.Context, tenantID, preAuthSessionID string) error {
	al := accountlinking.Find(rc.lk)
	if al == nil || preAuthSessionID == "" {
		return nil
	}
	devices, err := rc.svc.ListCodes(ctx, tenantID, ListCodesQuery{PreAuthSessionID: preAuthSessionID})
	if err != nil || len(devices) == 0 {
		return err // no device: consuming answers RESTART_FLOW_ERROR
	}
	d := devices[0]
	var existing *latchkey.User
	if d.Email != "" {
		existing, _, err = rc.UserByEmail(ctx, tenantID, d.Email)
	} else {
		existing, _, err = rc.UserByPhoneNumber(ctx, tenantID, d.PhoneNumber)
	}
	if err != nil || existing != nil {
		return err
	}
	ok, err := al.IsSignUpAllowed(ctx, tenantID, accountlinking.AccountInfo{RecipeID: RecipeID, Email: d.Email,
		PhoneNumber: d.PhoneNumber, Verified: true}, nil)
	if err != nil || ok {
		return err
	}
	return &accountlinking.NotAllowedError{Status: accountlinking.StatusSignInUpNotAllowed, Reason: accountlinking.ReasonPasswordlessSignUp}
}
