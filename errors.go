package latchkey

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrNotHandled, returned by an API handler, makes the middleware pass the
// request on to the application's own handler, as if the route did not
// exist. An APIs override uses it to turn off one API.
var ErrNotHandled = errors.New("latchkey: API not handled")

// BadInputError is a malformed request: the middleware answers 400
// {"message": Message} (reference/sdk-fdi.md §1.3).
type BadInputError struct {
	Message string
}

// Error implements error.
func (e *BadInputError) Error() string { return "latchkey: bad input: " + e.Message }

// GeneralError is a failure the frontend shows to the user as it is: the
// middleware answers 200 {"status":"GENERAL_ERROR","message": Message}.
// Overrides return it to refuse a sign-up, say.
type GeneralError struct {
	Message string
}

// Error implements error.
func (e *GeneralError) Error() string { return "latchkey: " + e.Message }

// TooManyAttemptsError is a sign-in the core refused because the account
// or the client IP is locked after too many failures (brute-force
// protection; the password was not checked), or a message not sent because
// its address or client IP was sent too many. The middleware answers it as
// GENERAL_ERROR with Message, which the frontend shows. Match it with
// errors.As.
type TooManyAttemptsError struct {
	// RetryAfter is how long until the lock ends.
	RetryAfter time.Duration
	// Reason says what there were too many of, for the message. Default:
	// "failed sign-in attempts".
	Reason string
}

// Error implements error.
func (e *TooManyAttemptsError) Error() string { return "latchkey: " + e.Message() }

// Message is what the user is told.
func (e *TooManyAttemptsError) Message() string {
	wait := "1 minute"
	switch d := e.RetryAfter; {
	case d < time.Minute:
		wait = strconv.Itoa(max(1, int((d+time.Second-1)/time.Second))) + " seconds"
	case d > time.Minute:
		wait = strconv.Itoa(int((d+time.Minute-1)/time.Minute)) + " minutes"
	}
	reason := e.Reason
	if reason == "" {
		reason = "failed sign-in attempts"
	}
	return "Too many " + reason + ". Please try again in " + wait + "."
}

// RetryAfterFromCore reads the Latchkey core's latchkeyRetryAfterMs field
// of a refused sign-in: a *TooManyAttemptsError when it is set, else nil.
func RetryAfterFromCore(ms int64) error {
	if ms <= 0 {
		return nil
	}
	return &TooManyAttemptsError{RetryAfter: time.Duration(ms) * time.Millisecond}
}

// SuspendedError is the core's refusal of a suspended user: at sign-in
// with any recipe, or when a session is created for one. The middleware
// answers it as GENERAL_ERROR with Message (Config.SuspendedMessage), and
// errors.As finds a *GeneralError in it, so recipes need no code of their
// own for it.
type SuspendedError struct {
	Message string
	cause   error
}

// Error implements error.
func (e *SuspendedError) Error() string { return "latchkey: user is suspended" }

// Unwrap returns the GeneralError the frontend gets, and the core's
// answer when there was one.
func (e *SuspendedError) Unwrap() []error {
	errs := []error{&GeneralError{Message: e.Message}}
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	return errs
}

// ErrorWriter is implemented by recipes whose errors need a response of
// their own (the session recipe's 401 and 403). WriteError reports whether
// it wrote the response.
type ErrorWriter interface {
	WriteError(w http.ResponseWriter, r *http.Request, err error) bool
}

// WriteError writes the response for err: 400 for a *BadInputError,
// GENERAL_ERROR for a *GeneralError or a *TooManyAttemptsError, what a recipe says for its own errors
// (401 and 403 for session errors), else Config.ErrorHandler. Application
// handlers that call recipe functions pass their errors here.
func (lk *Latchkey) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var bad *BadInputError
	if errors.As(err, &bad) {
		WriteJSON(w, http.StatusBadRequest, map[string]string{"message": bad.Message})
		return
	}
	var gen *GeneralError
	if errors.As(err, &gen) {
		WriteJSON(w, http.StatusOK, map[string]string{"status": "GENERAL_ERROR", "message": gen.Message})
		return
	}
	var many *TooManyAttemptsError
	if errors.As(err, &many) {
		WriteJSON(w, http.StatusOK, map[string]string{"status": "GENERAL_ERROR", "message": many.Message()})
		return
	}
	for _, rc := range lk.recipes {
		if ew, ok := rc.(ErrorWriter); ok && ew.WriteError(w, r, err) {
			return
		}
	}
	var ce *CoreError
	if errors.As(err, &ce) && ce.Code == http.StatusBadRequest {
		// The core refused a value that came from the client (one the
		// SDK's validation let through): a bad request, not a fault.
		lk.logger.WarnContext(r.Context(), "latchkey: the core refused the request's input", "method", r.Method, "path", r.URL.Path, "err", err)
		WriteJSON(w, http.StatusBadRequest, map[string]string{"message": "the request has invalid input"})
		return
	}
	if errors.As(err, &ce) && ce.Code == http.StatusForbidden && strings.HasSuffix(ce.Body, "login not enabled for tenant") {
		// The tenant has not enabled this login method (the core checks
		// its first factors): node refuses such a first factor without a
		// session with this 401.
		WriteJSON(w, http.StatusUnauthorized, map[string]string{"message": "A valid session is required to authenticate with secondary factors"})
		return
	}
	if lk.cfg.ErrorHandler != nil {
		lk.cfg.ErrorHandler(w, r, err)
		return
	}
	lk.logger.ErrorContext(r.Context(), "latchkey: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	WriteJSON(w, http.StatusInternalServerError, map[string]string{"message": "internal error"})
}
