package cdi

import (
	"fmt"
	"maps"
	"net/http"
)

// StatusError is a business outcome: HTTP 200 with {"status": Status, ...}
// (reference §1.5). Compare with errors.Is: two StatusErrors match when
// their Status strings do, whatever their fields.
type StatusError struct {
	Status string
	Fields map[string]any
}

// Status returns a StatusError with no extra fields.
func Status(status string) *StatusError { return &StatusError{Status: status} }

// Error implements error.
func (e *StatusError) Error() string { return "cdi: " + e.Status }

// Is reports whether target is a StatusError with the same Status.
func (e *StatusError) Is(target error) bool {
	t, ok := target.(*StatusError)
	return ok && t.Status == e.Status
}

// With returns a copy of e with one more field in its response body.
func (e *StatusError) With(key string, value any) *StatusError {
	f := maps.Clone(e.Fields)
	if f == nil {
		f = map[string]any{}
	}
	f[key] = value
	return &StatusError{Status: e.Status, Fields: f}
}

// Business outcomes, one per CDI status string the core answers with.
var (
	ErrWrongCredentials          = Status("WRONG_CREDENTIALS_ERROR")
	ErrEmailAlreadyExists        = Status("EMAIL_ALREADY_EXISTS_ERROR")
	ErrUnknownUserID             = Status("UNKNOWN_USER_ID_ERROR")
	ErrUnknownEmail              = Status("UNKNOWN_EMAIL_ERROR")
	ErrResetPasswordInvalidToken = Status("RESET_PASSWORD_INVALID_TOKEN_ERROR")
	ErrEmailVerificationInvalid  = Status("EMAIL_VERIFICATION_INVALID_TOKEN_ERROR")
	ErrEmailAlreadyVerified      = Status("EMAIL_ALREADY_VERIFIED_ERROR")
	ErrUnknownRole               = Status("UNKNOWN_ROLE_ERROR")
	ErrUnauthorised              = Status("UNAUTHORISED")
	ErrTryRefreshToken           = Status("TRY_REFRESH_TOKEN")
	ErrTokenTheftDetected        = Status("TOKEN_THEFT_DETECTED")
	ErrUnsupportedAlgorithm      = Status("UNSUPPORTED_ALGORITHM_ERROR")
	ErrTenantNotFound            = Status("TENANT_NOT_FOUND_ERROR")
	ErrInvalidEmail              = Status("INVALID_EMAIL_ERROR")
	ErrPasswordWeak              = Status("PASSWORD_WEAK_ERROR")
	ErrUnknownUser               = Status("UNKNOWN_USER_ERROR")
	ErrInvalidCredentials        = Status("INVALID_CREDENTIALS_ERROR")
	ErrInvalidSession            = Status("INVALID_SESSION_ERROR")
	ErrEmailChangeNotAllowed     = Status("EMAIL_CHANGE_NOT_ALLOWED_ERROR")
	ErrUserSuspended             = Status("USER_SUSPENDED_ERROR")

	// An email or phone number change that would give two primary users
	// one identifier (account linking).
	ErrPhoneNumberChangeNotAllowed = Status("PHONE_NUMBER_CHANGE_NOT_ALLOWED_ERROR")

	// Passwordless (reference §2.9).
	ErrRestartFlow              = Status("RESTART_FLOW_ERROR")
	ErrUserInputCodeAlreadyUsed = Status("USER_INPUT_CODE_ALREADY_USED_ERROR")
	ErrIncorrectUserInputCode   = Status("INCORRECT_USER_INPUT_CODE_ERROR")
	ErrExpiredUserInputCode     = Status("EXPIRED_USER_INPUT_CODE_ERROR")
	ErrUnknownPhoneNumber       = Status("UNKNOWN_PHONE_NUMBER_ERROR")
	ErrPhoneNumberAlreadyExists = Status("PHONE_NUMBER_ALREADY_EXISTS_ERROR")

	// Multitenancy (cdi-api-spec.yaml, /recipe/multitenancy/...).
	ErrThirdPartyUserAlreadyExists = Status("THIRD_PARTY_USER_ALREADY_EXISTS_ERROR")
	ErrConfigValidation            = Status("CONFIG_VALIDATION_ERROR")
)

// HTTPError is a failure with a non-200 code and a plain-text message that
// the reference defines (400 bad input, 401 bad key, 404, 405, 413, ...).
type HTTPError struct {
	Code    int
	Message string
}

// Error implements error.
func (e *HTTPError) Error() string { return fmt.Sprintf("cdi: %d %s", e.Code, e.Message) }

// BadRequest is a 400 with the given message.
func BadRequest(message string) *HTTPError {
	return &HTTPError{Code: http.StatusBadRequest, Message: message}
}

// BadRequestf is a 400 with a formatted message.
func BadRequestf(format string, args ...any) *HTTPError {
	return BadRequest(fmt.Sprintf(format, args...))
}

// Fixed transport errors (reference §1.2, §1.5).
var (
	ErrInvalidAPIKey      = &HTTPError{Code: http.StatusUnauthorized, Message: "Invalid API key"}
	ErrNotFound           = &HTTPError{Code: http.StatusNotFound, Message: "Not found"}
	ErrMethodNotSupported = &HTTPError{Code: http.StatusMethodNotAllowed, Message: "Method not supported"}
	ErrBodyTooLarge       = &HTTPError{Code: http.StatusRequestEntityTooLarge, Message: "Request body too large"}
	ErrInvalidJSON        = BadRequest("Invalid Json Input")
	ErrPublicTenantOnly   = &HTTPError{Code: http.StatusForbidden, Message: "Only public tenantId can call this app specific API"}
)

// A login method the request's tenant has not enabled (reference §2.3:
// checked through the tenant's firstFactors).
var (
	ErrEmailPasswordNotEnabled = &HTTPError{Code: http.StatusForbidden, Message: "Email password login not enabled for tenant"}
	ErrPasswordlessNotEnabled  = &HTTPError{Code: http.StatusForbidden, Message: "Passwordless login not enabled for tenant"}
	ErrThirdPartyNotEnabled    = &HTTPError{Code: http.StatusForbidden, Message: "Thirdparty login not enabled for tenant"}
)
