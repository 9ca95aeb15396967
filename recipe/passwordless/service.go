package passwordless

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/internal/wire"
)

// Outcomes of the Service methods, matched with errors.Is.
var (
	// ErrRestartFlow means the sign-in attempt is over (used up, revoked,
	// expired, or out of attempts): the user must ask for a new code.
	ErrRestartFlow = errors.New("passwordless: the sign-in must restart")
	// ErrUserInputCodeAlreadyUsed means a chosen user input code is one
	// the device already has.
	ErrUserInputCodeAlreadyUsed = errors.New("passwordless: user input code already used")
	// ErrUnknownUserID means no passwordless user has the id.
	ErrUnknownUserID = errors.New("passwordless: unknown user id")
	// ErrEmailAlreadyExists means another passwordless user of the tenant
	// has the email.
	ErrEmailAlreadyExists = errors.New("passwordless: email already exists")
	// ErrPhoneNumberAlreadyExists means another passwordless user of the
	// tenant has the phone number.
	ErrPhoneNumberAlreadyExists = errors.New("passwordless: phone number already exists")
	// ErrContactRequired means an update would leave the user with neither
	// an email nor a phone number.
	ErrContactRequired = errors.New("passwordless: a user needs an email or a phone number")
)

// CodeError is a wrong or expired user input code: the attempt counted,
// and the user may try again until FailedCodeInputAttemptCount reaches
// MaximumCodeInputAttempts. Match it with errors.As.
type CodeError struct {
	// Expired is true for a right code that expired, false for a wrong one.
	Expired                     bool
	FailedCodeInputAttemptCount int
	MaximumCodeInputAttempts    int
}

// Error implements error.
func (e *CodeError) Error() string {
	what := "incorrect"
	if e.Expired {
		what = "expired"
	}
	return fmt.Sprintf("passwordless: %s user input code (%d of %d attempts)", what, e.FailedCodeInputAttemptCount, e.MaximumCodeInputAttempts)
}

// Status is the FDI status of the error.
func (e *CodeError) Status() string {
	if e.Expired {
		return StatusExpiredUserInputCode
	}
	return StatusIncorrectUserInputCode
}

// Contact is whom codes are sent to: exactly one of Email and
// PhoneNumber is set. The core uses the same type.
type Contact = wire.Contact

// Code is a new code, with its secrets: the user input code and the link
// code go to the user and nowhere else.
type Code struct {
	PreAuthSessionID string
	CodeID           string
	DeviceID         string
	UserInputCode    string
	LinkCode         string
	TimeCreated      time.Time
	CodeLifetime     time.Duration
}

// Device is a sign-in attempt and its codes, without their secrets.
type Device struct {
	PreAuthSessionID            string
	FailedCodeInputAttemptCount int
	Email                       string
	PhoneNumber                 string
	Codes                       []DeviceCode
}

// DeviceCode is one code of a Device.
type DeviceCode struct {
	CodeID       string
	TimeCreated  time.Time
	CodeLifetime time.Duration
}

// Credentials prove a sign-in: PreAuthSessionID with either LinkCode or
// DeviceID and UserInputCode.
type Credentials struct {
	PreAuthSessionID string
	LinkCode         string
	DeviceID         string
	UserInputCode    string
}

// ConsumeResult is a successful sign-in (or sign-up).
type ConsumeResult struct {
	User           *latchkey.User
	RecipeUserID   string
	CreatedNewUser bool
	// ConsumedDevice is the attempt that was used up.
	ConsumedDevice Device
}

// ListCodesQuery selects devices by exactly one field.
type ListCodesQuery struct {
	Email            string
	PhoneNumber      string
	DeviceID         string
	PreAuthSessionID string
}

// UserUpdate changes a passwordless user's contacts: a nil field is left as
// it is, a pointer to "" removes it.
type UserUpdate struct {
	Email       *string
	PhoneNumber *string
}

// Service is the recipe's functions, over the core. Config.Override wraps
// it; embed the value it is given to replace one method.
type Service interface {
	// CreateCode starts a sign-in: a new device for the contact with one
	// code (userInputCode, or 6 random digits when it is "").
	// CDI: POST /{tenantId}/recipe/signinup/code.
	CreateCode(ctx context.Context, tenantID string, contact Contact, userInputCode string) (*Code, error)
	// CreateNewCodeForDevice makes another code for a device (a resend).
	// ErrRestartFlow when the device is gone; ErrUserInputCodeAlreadyUsed.
	// CDI: POST /{tenantId}/recipe/signinup/code.
	CreateNewCodeForDevice(ctx context.Context, tenantID, deviceID, userInputCode string) (*Code, error)
	// ConsumeCode signs in with a code, creating the user if needed; a
	// consumed email is marked verified. ErrRestartFlow, or a *CodeError.
	// CDI: POST /{tenantId}/recipe/signinup/code/consume.
	ConsumeCode(ctx context.Context, tenantID string, cred Credentials) (*ConsumeResult, error)
	// CheckCode checks a code without using it up (a wrong one counts).
	// CDI: POST /{tenantId}/recipe/signinup/code/check.
	CheckCode(ctx context.Context, tenantID string, cred Credentials) (*Device, error)
	// ListCodes returns the devices that q selects.
	// CDI: GET /{tenantId}/recipe/signinup/codes.
	ListCodes(ctx context.Context, tenantID string, q ListCodesQuery) ([]Device, error)
	// RevokeCode revokes one code. CDI: POST /{tenantId}/recipe/signinup/code/remove.
	RevokeCode(ctx context.Context, tenantID, codeID string) error
	// RevokeAllCodes revokes every code of a contact.
	// CDI: POST /{tenantId}/recipe/signinup/codes/remove.
	RevokeAllCodes(ctx context.Context, tenantID string, contact Contact) error
	// UpdateUser changes a user's email and phone number. ErrUnknownUserID,
	// ErrEmailAlreadyExists, ErrPhoneNumberAlreadyExists,
	// ErrContactRequired. CDI: PUT /recipe/user (rid passwordless).
	UpdateUser(ctx context.Context, recipeUserID string, update UserUpdate) error
}

type coreService struct{ lk *latchkey.Latchkey }

func (s coreService) do(ctx context.Context, method, path, tenant string, q url.Values, body, out any) error {
	return s.lk.Core().Do(ctx, latchkey.CoreRequest{Method: method, Path: path, TenantID: tenant, Query: q, Body: body, RecipeID: RecipeID}, out)
}

// codeAnswer is the core's answer to POST /recipe/signinup/code.
type codeAnswer struct {
	Status string `json:"status"`
	wire.Code
}

func (a codeAnswer) code() (*Code, error) {
	switch a.Status {
	case "OK":
		return &Code{PreAuthSessionID: a.PreAuthSessionID, CodeID: a.CodeID, DeviceID: a.DeviceID, UserInputCode: a.UserInputCode,
			LinkCode: a.LinkCode, TimeCreated: time.UnixMilli(a.TimeCreated), CodeLifetime: time.Duration(a.CodeLifetime) * time.Millisecond}, nil
	case "RESTART_FLOW_ERROR":
		return nil, ErrRestartFlow
	case "USER_INPUT_CODE_ALREADY_USED_ERROR":
		return nil, ErrUserInputCodeAlreadyUsed
	}
	return nil, fmt.Errorf("passwordless: unexpected create-code answer from the core: %s", a.Status)
}

func (s coreService) CreateCode(ctx context.Context, tenantID string, contact Contact, userInputCode string) (*Code, error) {
	body := map[string]string{}
	if contact.Email != "" {
		body["email"] = contact.Email
	} else {
		body["phoneNumber"] = contact.PhoneNumber
	}
	if userInputCode != "" {
		body["userInputCode"] = userInputCode
	}
	var a codeAnswer
	if err := s.do(ctx, "POST", "/recipe/signinup/code", tenantID, nil, body, &a); err != nil {
		return nil, err
	}
	return a.code()
}

func (s coreService) CreateNewCodeForDevice(ctx context.Context, tenantID, deviceID, userInputCode string) (*Code, error) {
	body := map[string]string{"deviceId": deviceID}
	if userInputCode != "" {
		body["userInputCode"] = userInputCode
	}
	var a codeAnswer
	err := s.do(ctx, "POST", "/recipe/signinup/code", tenantID, nil, body, &a)
	var ce *latchkey.CoreError
	if errors.As(err, &ce) && ce.Code == http.StatusBadRequest {
		// A device id that is not even base64 names no device.
		return nil, ErrRestartFlow
	}
	if err != nil {
		return nil, err
	}
	return a.code()
}

type deviceJSON struct {
	PreAuthSessionID            string `json:"preAuthSessionId"`
	FailedCodeInputAttemptCount int    `json:"failedCodeInputAttemptCount"`
	Email                       string `json:"email"`
	PhoneNumber                 string `json:"phoneNumber"`
	Codes                       []struct {
		CodeID       string `json:"codeId"`
		TimeCreated  int64  `json:"timeCreated"`
		CodeLifetime int64  `json:"codeLifetime"`
	} `json:"codes"`
}

func (d deviceJSON) device() Device {
	out := Device{PreAuthSessionID: d.PreAuthSessionID, FailedCodeInputAttemptCount: d.FailedCodeInputAttemptCount,
		Email: d.Email, PhoneNumber: d.PhoneNumber, Codes: []DeviceCode{}}
	for _, c := range d.Codes {
		out.Codes = append(out.Codes, DeviceCode{CodeID: c.CodeID, TimeCreated: time.UnixMilli(c.TimeCreated),
			CodeLifetime: time.Duration(c.CodeLifetime) * time.Millisecond})
	}
	return out
}

type useAnswer struct {
	Status                      string         `json:"status"`
	User                        *latchkey.User `json:"user"`
	RecipeUserID                string         `json:"recipeUserId"`
	CreatedNewUser              bool           `json:"createdNewUser"`
	ConsumedDevice              deviceJSON     `json:"consumedDevice"`
	FailedCodeInputAttemptCount int            `json:"failedCodeInputAttemptCount"`
	MaximumCodeInputAttempts    int            `json:"maximumCodeInputAttempts"`
	// RetryAfterMs is the Latchkey core's lock of a client IP that sent
	// too many wrong codes (an extension field; official cores never send
	// it).
	RetryAfterMs int64 `json:"latchkeyRetryAfterMs"`
}

func (s coreService) use(ctx context.Context, path, tenantID string, cred Credentials) (*useAnswer, error) {
	body := map[string]string{"preAuthSessionId": cred.PreAuthSessionID}
	if cred.LinkCode != "" {
		body["linkCode"] = cred.LinkCode
	} else {
		body["deviceId"], body["userInputCode"] = cred.DeviceID, cred.UserInputCode
	}
	var a useAnswer
	err := s.do(ctx, "POST", path, tenantID, nil, body, &a)
	var ce *latchkey.CoreError
	if errors.As(err, &ce) && ce.Code == http.StatusBadRequest {
		// A code that is not base64, or a pre-auth session id that is not
		// the device's: nothing a user can sign in with.
		return nil, ErrRestartFlow
	}
	if err != nil {
		return nil, err
	}
	switch a.Status {
	case "OK":
		return &a, nil
	case "RESTART_FLOW_ERROR":
		if err := latchkey.RetryAfterFromCore(a.RetryAfterMs); err != nil {
			return nil, err // *latchkey.TooManyAttemptsError: GENERAL_ERROR
		}
		return nil, ErrRestartFlow
	case StatusIncorrectUserInputCode, StatusExpiredUserInputCode:
		return nil, &CodeError{Expired: a.Status == StatusExpiredUserInputCode,
			FailedCodeInputAttemptCount: a.FailedCodeInputAttemptCount, MaximumCodeInputAttempts: a.MaximumCodeInputAttempts}
	}
	return nil, fmt.Errorf("passwordless: unexpected answer from the core to %s: %s", path, a.Status)
}

func (s coreService) ConsumeCode(ctx context.Context, tenantID string, cred Credentials) (*ConsumeResult, error) {
	a, err := s.use(ctx, "/recipe/signinup/code/consume", tenantID, cred)
	if err != nil {
		return nil, err
	}
	return &ConsumeResult{User: a.User, RecipeUserID: a.RecipeUserID, CreatedNewUser: a.CreatedNewUser, ConsumedDevice: a.ConsumedDevice.device()}, nil
}

func (s coreService) CheckCode(ctx context.Context, tenantID string, cred Credentials) (*Device, error) {
	a, err := s.use(ctx, "/recipe/signinup/code/check", tenantID, cred)
	if err != nil {
		return nil, err
	}
	d := a.ConsumedDevice.device()
	return &d, nil
}

func (s coreService) ListCodes(ctx context.Context, tenantID string, q ListCodesQuery) ([]Device, error) {
	v := url.Values{}
	switch {
	case q.Email != "":
		v.Set("email", q.Email)
	case q.PhoneNumber != "":
		v.Set("phoneNumber", q.PhoneNumber)
	case q.DeviceID != "":
		v.Set("deviceId", q.DeviceID)
	case q.PreAuthSessionID != "":
		v.Set("preAuthSessionId", q.PreAuthSessionID)
	default:
		return nil, errors.New("passwordless: ListCodes needs one of Email, PhoneNumber, DeviceID and PreAuthSessionID")
	}
	var a struct {
		Devices []deviceJSON `json:"devices"`
	}
	err := s.do(ctx, "GET", "/recipe/signinup/codes", tenantID, v, nil, &a)
	var ce *latchkey.CoreError
	if errors.As(err, &ce) && ce.Code == http.StatusBadRequest && q.DeviceID != "" {
		return []Device{}, nil // not base64: no such device
	}
	if err != nil {
		return nil, err
	}
	out := make([]Device, len(a.Devices))
	for i, d := range a.Devices {
		out[i] = d.device()
	}
	return out, nil
}

func (s coreService) RevokeCode(ctx context.Context, tenantID, codeID string) error {
	return s.do(ctx, "POST", "/recipe/signinup/code/remove", tenantID, nil, map[string]string{"codeId": codeID}, nil)
}

func (s coreService) RevokeAllCodes(ctx context.Context, tenantID string, contact Contact) error {
	body := map[string]string{}
	if contact.Email != "" {
		body["email"] = contact.Email
	} else {
		body["phoneNumber"] = contact.PhoneNumber
	}
	return s.do(ctx, "POST", "/recipe/signinup/codes/remove", tenantID, nil, body, nil)
}

func (s coreService) UpdateUser(ctx context.Context, recipeUserID string, update UserUpdate) error {
	body := map[string]any{"recipeUserId": recipeUserID}
	for key, v := range map[string]*string{"email": update.Email, "phoneNumber": update.PhoneNumber} {
		switch {
		case v == nil:
		case strings.TrimSpace(*v) == "":
			body[key] = nil // JSON null clears the field
		default:
			body[key] = *v
		}
	}
	var a struct {
		Status string `json:"status"`
	}
	err := s.do(ctx, "PUT", "/recipe/user", "", nil, body, &a)
	var ce *latchkey.CoreError
	if errors.As(err, &ce) && ce.Code == http.StatusBadRequest && strings.Contains(ce.Body, "clear both") {
		return ErrContactRequired
	}
	if err != nil {
		return err
	}
	switch a.Status {
	case "OK":
		return nil
	case "UNKNOWN_USER_ID_ERROR":
		return ErrUnknownUserID
	case "EMAIL_ALREADY_EXISTS_ERROR", "EMAIL_CHANGE_NOT_ALLOWED_ERROR":
		return ErrEmailAlreadyExists
	case "PHONE_NUMBER_ALREADY_EXISTS_ERROR", "PHONE_NUMBER_CHANGE_NOT_ALLOWED_ERROR":
		return ErrPhoneNumberAlreadyExists
	}
	return fmt.Errorf("passwordless: unexpected update answer from the core: %s", a.Status)
}
