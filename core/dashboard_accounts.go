package core

import (
	"context"
	"errors"
	"time"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/core/internal/dashboard"
	"github.com/latchkey-dev/latchkey/store"
)

// Outcomes of [DashboardAccounts], matched with errors.Is. Each is the CDI
// status that POST or PUT /recipe/dashboard/user answers in the same case.
var (
	ErrInvalidEmail       error = cdi.ErrInvalidEmail       // not an email the SDKs accept
	ErrPasswordWeak       error = cdi.ErrPasswordWeak       // the error's text says which rule failed
	ErrEmailAlreadyExists error = cdi.ErrEmailAlreadyExists // another account has the email
	ErrUnknownUser        error = cdi.ErrUnknownUser        // no account has the email
)

// DashboardAccount is an operator account of the user-management
// dashboard (not an application user).
type DashboardAccount struct {
	UserID     string
	Email      string
	TimeJoined time.Time
	// ReadOnly: the account may look but not change anything.
	ReadOnly bool
}

// DashboardAccounts manages the dashboard's operator accounts in the
// core's store, with the rules the CDI applies to them (/recipe/dashboard/*,
// reference/cdi-core.md §2.8): values are trimmed, emails lower-cased and
// checked as the SDKs check them, passwords held to the SDKs' default
// policy and hashed with the core's settings. `latchkey dashboard-user`
// calls it.
type DashboardAccounts struct {
	svc *dashboard.Service
}

// DashboardAccounts returns the core's dashboard-account service.
func (c *Core) DashboardAccounts() *DashboardAccounts { return &DashboardAccounts{svc: c.dashboard} }

// Create makes an account; a readOnly one may look but not change
// anything.
func (a *DashboardAccounts) Create(ctx context.Context, email, password string, readOnly bool) (DashboardAccount, error) {
	u, err := a.svc.CreateUser(ctx, email, password, readOnly)
	return toDashboardAccount(u), outcome(err)
}

// Update changes the account with email: its email to newEmail and its
// password to newPassword, each unless it is "". Changing either ends
// the account's sessions.
func (a *DashboardAccounts) Update(ctx context.Context, email, newEmail, newPassword string) (DashboardAccount, error) {
	var setEmail, setPassword *string
	if newEmail != "" {
		setEmail = &newEmail
	}
	if newPassword != "" {
		setPassword = &newPassword
	}
	u, err := a.svc.UpdateUser(ctx, dashboard.Account{Email: email}, setEmail, setPassword, nil)
	return toDashboardAccount(u), outcome(err)
}

// Delete removes the account with email, and its sessions. It reports
// whether there was one.
func (a *DashboardAccounts) Delete(ctx context.Context, email string) (bool, error) {
	existed, err := a.svc.DeleteUser(ctx, dashboard.Account{Email: email})
	return existed, outcome(err)
}

// List returns every account, oldest first.
func (a *DashboardAccounts) List(ctx context.Context) ([]DashboardAccount, error) {
	us, err := a.svc.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]DashboardAccount, len(us))
	for i, u := range us {
		out[i] = toDashboardAccount(u)
	}
	return out, nil
}

func toDashboardAccount(u store.DashboardUser) DashboardAccount {
	return DashboardAccount{UserID: u.ID, Email: u.Email, TimeJoined: u.TimeJoined, ReadOnly: u.ReadOnly}
}

// outcomeError gives a refusal the text an operator reads: the CDI status
// and the reference's message ("PASSWORD_WEAK_ERROR: Password must
// contain at least one number"), or a bad-input message as the CDI words
// it. errors.Is still matches the sentinels above.
type outcomeError struct {
	err  error
	text string
}

func (e *outcomeError) Error() string { return e.text }
func (e *outcomeError) Unwrap() error { return e.err }

func outcome(err error) error {
	var status *cdi.StatusError
	var bad *cdi.HTTPError
	switch {
	case errors.As(err, &status):
		text := status.Status
		if msg, ok := status.Fields["message"].(string); ok {
			text += ": " + msg
		}
		return &outcomeError{err: err, text: text}
	case errors.As(err, &bad):
		return &outcomeError{err: err, text: bad.Message}
	}
	return err
}
