package passwordless

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// Response statuses.
const (
	StatusOK                     = "OK"
	StatusRestartFlow            = "RESTART_FLOW_ERROR"
	StatusIncorrectUserInputCode = "INCORRECT_USER_INPUT_CODE_ERROR"
	StatusExpiredUserInputCode   = "EXPIRED_USER_INPUT_CODE_ERROR"
	StatusGeneralError           = "GENERAL_ERROR"
)

// Response is what an API answers. Status says which other fields are
// set: OK carries DeviceID, PreAuthSessionID and FlowType for create-code,
// User, CreatedNewUser and Session for consume, Exists for the exists
// checks; the code errors carry the attempt counts; GENERAL_ERROR carries
// Message.
type Response struct {
	Status           string
	DeviceID         string
	PreAuthSessionID string
	FlowType         string
	User             *latchkey.User
	CreatedNewUser   bool
	Session          *session.Session
	Exists           bool
	// FailedCodeInputAttemptCount and MaximumCodeInputAttempts come with
	// the INCORRECT and EXPIRED user input code statuses.
	FailedCodeInputAttemptCount int
	MaximumCodeInputAttempts    int
	Message                     string
}

// APIs are the recipe's HTTP APIs, given input already checked and
// normalised (an email trimmed, a phone number in E.164). Config.APIOverride
// wraps them; embed the value it is given to replace one, return a
// *latchkey.GeneralError to refuse with a message, or latchkey.ErrNotHandled
// to turn an API off.
type APIs interface {
	// CreateCode serves POST /signinup/code: it makes a code and sends it.
	CreateCode(w http.ResponseWriter, r *http.Request, tenantID string, contact Contact) (*Response, error)
	// ResendCode serves POST /signinup/code/resend.
	ResendCode(w http.ResponseWriter, r *http.Request, tenantID, deviceID, preAuthSessionID string) (*Response, error)
	// ConsumeCode serves POST /signinup/code/consume: it signs in and
	// creates a session.
	ConsumeCode(w http.ResponseWriter, r *http.Request, tenantID string, cred Credentials) (*Response, error)
	// EmailExists serves GET /passwordless/email/exists.
	EmailExists(w http.ResponseWriter, r *http.Request, tenantID, email string) (*Response, error)
	// PhoneNumberExists serves GET /passwordless/phonenumber/exists.
	PhoneNumberExists(w http.ResponseWriter, r *http.Request, tenantID, phoneNumber string) (*Response, error)
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
			return rc.apis.EmailExists(w, r, latchkey.TenantID(r.Context()), strings.TrimSpace(email))
		})
	}
	phoneExists := func(w http.ResponseWriter, r *http.Request) error {
		phone := r.URL.Query().Get("phoneNumber")
		if phone == "" {
			return &latchkey.BadInputError{Message: "Please provide the phoneNumber as a GET param"}
		}
		return rc.write(w, r, func() (*Response, error) {
			return rc.apis.PhoneNumberExists(w, r, latchkey.TenantID(r.Context()), rc.NormalisePhoneNumber(phone))
		})
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
			return rc.writeResponse(w, r, &Response{Status: StatusGeneralError, Message: err.Error()})
		}
		contact.Email = email
	} else {
		if err := rc.ValidatePhoneNumber(ctx, tenant, phone); err != nil {
			return rc.writeResponse(w, r, &Response{Status: StatusGeneralError, Message: err.Error()})
		}
		contact.PhoneNumber = rc.NormalisePhoneNumber(phone)
		if contact.PhoneNumber == "" {
			return rc.writeResponse(w, r, &Response{Status: StatusGeneralError, Message: errPhoneInvalid.Error()})
		}
	}
	if contact.Email == "" && contact.PhoneNumber == "" {
		// A custom validator let an empty email through; the core refuses it.
		return rc.writeResponse(w, r, &Response{Status: StatusGeneralError, Message: "Email is invalid"})
	}
	return rc.write(w, r, func() (*Response, error) { return rc.apis.CreateCode(w, r, tenant, contact) })
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
	return rc.write(w, r, func() (*Response, error) {
		return rc.apis.ResendCode(w, r, latchkey.TenantID(r.Context()), deviceID, pre)
	})
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
	return rc.write(w, r, func() (*Response, error) {
		return rc.apis.ConsumeCode(w, r, latchkey.TenantID(r.Context()), cred)
	})
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
	switch res.Status {
	case StatusGeneralError:
		body["message"] = res.Message
	case StatusIncorrectUserInputCode, StatusExpiredUserInputCode:
		body["failedCodeInputAttemptCount"] = res.FailedCodeInputAttemptCount
		body["maximumCodeInputAttempts"] = res.MaximumCodeInputAttempts
	case StatusOK:
		switch {
		case r.Method == http.MethodGet:
			body["exists"] = res.Exists
		case res.User != nil:
			if latchkey.UsesAccountLinkingUser(r) {
				body["user"] = res.User
				body["createdNewRecipeUser"] = res.CreatedNewUser
			} else {
				body["user"] = res.User.Legacy(RecipeID)
				body["createdNewUser"] = res.CreatedNewUser
			}
		case res.DeviceID != "":
			body["deviceId"] = res.DeviceID
			body["preAuthSessionId"] = res.PreAuthSessionID
			body["flowType"] = res.FlowType
		}
	}
	latchkey.WriteJSON(w, http.StatusOK, body)
	return nil
}

type defaultAPIs struct{ rc *Recipe }

func (a defaultAPIs) CreateCode(w http.ResponseWriter, r *http.Request, tenantID string, contact Contact) (*Response, error) {
	ctx := r.Context()
	code, err := a.rc.CreateCode(ctx, tenantID, contact)
	if err != nil {
		return nil, err
	}
	if err := a.rc.send(ctx, tenantID, contact, code); err != nil {
		return nil, err
	}
	return &Response{Status: StatusOK, DeviceID: code.DeviceID, PreAuthSessionID: code.PreAuthSessionID, FlowType: a.rc.cfg.FlowType}, nil
}

// resendAttempts bounds the tries to make a code when a custom user input
// code generator keeps choosing codes the device has.
const resendAttempts = 3

func (a defaultAPIs) ResendCode(w http.ResponseWriter, r *http.Request, tenantID, deviceID, preAuthSessionID string) (*Response, error) {
	ctx := r.Context()
	svc := a.rc.svc
	devices, err := svc.ListCodes(ctx, tenantID, ListCodesQuery{DeviceID: deviceID})
	if err != nil {
		return nil, err
	}
	if len(devices) != 1 || devices[0].PreAuthSessionID != strings.TrimRight(preAuthSessionID, "=") {
		return &Response{Status: StatusRestartFlow}, nil
	}
	d := devices[0]
	// A device of a contact the app no longer takes cannot go on.
	if (a.rc.cfg.ContactMethod == ContactPhone && d.PhoneNumber == "") || (a.rc.cfg.ContactMethod == ContactEmail && d.Email == "") {
		return &Response{Status: StatusRestartFlow}, nil
	}
	for attempt := 1; ; attempt++ {
		userInputCode, err := a.rc.userInputCode(ctx, tenantID)
		if err != nil {
			return nil, err
		}
		code, err := svc.CreateNewCodeForDevice(ctx, tenantID, deviceID, userInputCode)
		switch {
		case errors.Is(err, ErrUserInputCodeAlreadyUsed) && attempt < resendAttempts:
			continue
		case errors.Is(err, ErrUserInputCodeAlreadyUsed):
			return &Response{Status: StatusGeneralError, Message: "Failed to generate a one time code. Please try again"}, nil
		case errors.Is(err, ErrRestartFlow):
			return &Response{Status: StatusRestartFlow}, nil
		case err != nil:
			return nil, err
		}
		if err := a.rc.send(ctx, tenantID, Contact{Email: d.Email, PhoneNumber: d.PhoneNumber}, code); err != nil {
			return nil, err
		}
		return &Response{Status: StatusOK}, nil
	}
}

func (a defaultAPIs) ConsumeCode(w http.ResponseWriter, r *http.Request, tenantID string, cred Credentials) (*Response, error) {
	res, err := a.rc.svc.ConsumeCode(r.Context(), tenantID, cred)
	var ce *CodeError
	switch {
	case errors.Is(err, ErrRestartFlow):
		return &Response{Status: StatusRestartFlow}, nil
	case errors.As(err, &ce):
		return &Response{Status: ce.Status(), FailedCodeInputAttemptCount: ce.FailedCodeInputAttemptCount,
			MaximumCodeInputAttempts: ce.MaximumCodeInputAttempts}, nil
	case err != nil:
		return nil, err
	}
	s, err := a.rc.sess.CreateNewSession(w, r, tenantID, res.RecipeUserID, nil, nil)
	if err != nil {
		return nil, err
	}
	return &Response{Status: StatusOK, User: res.User, CreatedNewUser: res.CreatedNewUser, Session: s}, nil
}

func (a defaultAPIs) EmailExists(w http.ResponseWriter, r *http.Request, tenantID, email string) (*Response, error) {
	u, _, err := a.rc.UserByEmail(r.Context(), tenantID, email)
	if err != nil {
		return nil, err
	}
	return &Response{Status: StatusOK, Exists: u != nil}, nil
}

func (a defaultAPIs) PhoneNumberExists(w http.ResponseWriter, r *http.Request, tenantID, phoneNumber string) (*Response, error) {
	u, _, err := a.rc.UserByPhoneNumber(r.Context(), tenantID, phoneNumber)
	if err != nil {
		return nil, err
	}
	return &Response{Status: StatusOK, Exists: u != nil}, nil
}
