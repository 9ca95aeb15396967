package latchkey

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// dashboardRID is the rid of the dashboard recipe's core calls.
const dashboardRID = "dashboard"

// Outcomes of the dashboard account calls, matched with errors.Is.
var (
	// ErrDashboardWrongCredentials: no dashboard account has the email and
	// password.
	ErrDashboardWrongCredentials = errors.New("latchkey: wrong dashboard email or password")
	// ErrDashboardSessionInvalid: the dashboard session id is unknown,
	// expired, signed out, or not a session id at all.
	ErrDashboardSessionInvalid = errors.New("latchkey: invalid dashboard session")
)

// DashboardUserSuspendedError is a dashboard account that the core does
// not let in (a SuperTokens core without a licence suspends all but three
// accounts; a Latchkey core never does). Match it with errors.As.
type DashboardUserSuspendedError struct {
	// Message is the core's explanation, shown to the operator.
	Message string
}

// Error implements error.
func (e *DashboardUserSuspendedError) Error() string {
	return "latchkey: dashboard account suspended: " + e.Message
}

type dashboardAnswer struct {
	Status    string `json:"status"`
	SessionID string `json:"sessionId"`
	Email     string `json:"email"`
	Message   string `json:"message"`
	// UserID and ReadOnly are Latchkey extensions of session verify; a
	// SuperTokens core sends neither.
	UserID   string `json:"userId"`
	ReadOnly bool   `json:"readOnly"`
	// RetryAfterMs is the Latchkey core's brute-force lock (an extension
	// field).
	RetryAfterMs int64 `json:"latchkeyRetryAfterMs"`
}

// DashboardSignIn signs a dashboard account in and returns its session
// id. ErrDashboardWrongCredentials, a *DashboardUserSuspendedError, or a
// *TooManyAttemptsError while the account or client IP is locked.
// CDI: POST /recipe/dashboard/signin.
func (lk *Latchkey) DashboardSignIn(ctx context.Context, email, password string) (sessionID string, err error) {
	var a dashboardAnswer
	if err := lk.core.Do(ctx, CoreRequest{Method: "POST", Path: "/recipe/dashboard/signin",
		Body: map[string]string{"email": email, "password": password}, RecipeID: dashboardRID}, &a); err != nil {
		return "", err
	}
	switch a.Status {
	case "OK":
		return a.SessionID, nil
	case "INVALID_CREDENTIALS_ERROR":
		if err := RetryAfterFromCore(a.RetryAfterMs); err != nil {
			return "", err // *TooManyAttemptsError
		}
		return "", ErrDashboardWrongCredentials
	case "USER_SUSPENDED_ERROR":
		return "", &DashboardUserSuspendedError{Message: a.Message}
	}
	return "", fmt.Errorf("latchkey: unexpected dashboard sign-in answer from the core: %s", a.Status)
}

// VerifyDashboardSession returns the dashboard account whose session
// sessionID is: its email and, from a Latchkey core, its id and read-only
// flag (a SuperTokens core sends neither, so UserID is "" and ReadOnly
// false). ErrDashboardSessionInvalid (also for a value the core cannot
// read as a session id, or an answer other than the CDI's), or a
// *DashboardUserSuspendedError.
// CDI: POST /recipe/dashboard/session/verify.
func (lk *Latchkey) VerifyDashboardSession(ctx context.Context, sessionID string) (DashboardAccount, error) {
	var a dashboardAnswer
	err := lk.core.Do(ctx, CoreRequest{Method: "POST", Path: "/recipe/dashboard/session/verify",
		Body: map[string]string{"sessionId": sessionID}, RecipeID: dashboardRID}, &a)
	var ce *CoreError
	if errors.As(err, &ce) && ce.Code == http.StatusBadRequest {
		return DashboardAccount{}, ErrDashboardSessionInvalid
	}
	if err != nil {
		return DashboardAccount{}, err
	}
	switch a.Status {
	case "OK":
		return DashboardAccount{UserID: a.UserID, Email: a.Email, ReadOnly: a.ReadOnly}, nil
	case "INVALID_SESSION_ERROR":
		return DashboardAccount{}, ErrDashboardSessionInvalid
	case "USER_SUSPENDED_ERROR":
		return DashboardAccount{}, &DashboardUserSuspendedError{Message: a.Message}
	}
	return DashboardAccount{}, fmt.Errorf("%w: the core answered %s", ErrDashboardSessionInvalid, a.Status)
}

// DashboardSignOut ends a dashboard session; ending an unknown one is not
// an error. CDI: DELETE /recipe/dashboard/session.
func (lk *Latchkey) DashboardSignOut(ctx context.Context, sessionID string) error {
	return lk.core.Do(ctx, CoreRequest{Method: "DELETE", Path: "/recipe/dashboard/session",
		Query: url.Values{"sessionId": {sessionID}}, RecipeID: dashboardRID}, nil)
}
