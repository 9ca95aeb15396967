package latchkey

import (
	"context"
	"fmt"
	"net/url"
	"time"
)

// DashboardAccount is an operator account of the user-management
// dashboard (not an application user).
type DashboardAccount struct {
	UserID     string
	Email      string
	TimeJoined time.Time
	// ReadOnly: the account may look but not change anything. A Latchkey
	// extension; the dashboard recipe's Admins config, when set, decides
	// instead.
	ReadOnly bool
	// LockedUntil is when the account's sign-in lock after too many wrong
	// passwords ends; zero when it is not locked (or the core is not a
	// Latchkey core, which does not say).
	LockedUntil time.Time
}

// DashboardAccountRefusedError is the core's refusal of a dashboard
// account change: Status is the CDI status (EMAIL_ALREADY_EXISTS_ERROR,
// INVALID_EMAIL_ERROR, PASSWORD_WEAK_ERROR, UNKNOWN_USER_ERROR, or what a
// SuperTokens core without a licence answers), Message the core's
// explanation when it gave one. Match it with errors.As.
type DashboardAccountRefusedError struct {
	Status  string
	Message string
}

// Error implements error.
func (e *DashboardAccountRefusedError) Error() string {
	if e.Message == "" {
		return "latchkey: the core refused the dashboard account change: " + e.Status
	}
	return "latchkey: the core refused the dashboard account change: " + e.Status + ": " + e.Message
}

// dashboardAccountWire is a dashboard account as the core sends it.
type dashboardAccountWire struct {
	UserID     string `json:"userId"`
	Email      string `json:"email"`
	TimeJoined int64  `json:"timeJoined"`
	ReadOnly   bool   `json:"readOnly"`
	// LockedUntil (ms) is a Latchkey extension of the list.
	LockedUntil int64 `json:"lockedUntil"`
}

func (w dashboardAccountWire) account() DashboardAccount {
	a := DashboardAccount{UserID: w.UserID, Email: w.Email, TimeJoined: time.UnixMilli(w.TimeJoined), ReadOnly: w.ReadOnly}
	if w.LockedUntil > 0 {
		a.LockedUntil = time.UnixMilli(w.LockedUntil)
	}
	return a
}

// maxDashboardAccounts bounds the list the SDK accepts from the core:
// operator accounts are a team, not a user base.
const maxDashboardAccounts = 10_000

// DashboardAccounts returns every dashboard account, oldest first.
// CDI: GET /recipe/dashboard/users.
func (lk *Latchkey) DashboardAccounts(ctx context.Context) ([]DashboardAccount, error) {
	var a struct {
		Users []dashboardAccountWire `json:"users"`
	}
	if err := lk.core.Do(ctx, CoreRequest{Method: "GET", Path: "/recipe/dashboard/users", RecipeID: dashboardRID}, &a); err != nil {
		return nil, err
	}
	if len(a.Users) > maxDashboardAccounts {
		return nil, fmt.Errorf("latchkey: the core listed %d dashboard accounts, more than the %d the SDK accepts", len(a.Users), maxDashboardAccounts)
	}
	out := make([]DashboardAccount, len(a.Users))
	for i, u := range a.Users {
		out[i] = u.account()
	}
	return out, nil
}

// CreateDashboardAccount makes a dashboard account; a readOnly one may
// look but not change anything (sent only when true, so that a SuperTokens
// core, which knows no such field, still creates ordinary accounts). A
// *DashboardAccountRefusedError when the core refuses.
// CDI: POST /recipe/dashboard/user.
func (lk *Latchkey) CreateDashboardAccount(ctx context.Context, email, password string, readOnly bool) (DashboardAccount, error) {
	body := map[string]any{"email": email, "password": password}
	if readOnly {
		body["readOnly"] = true
	}
	return lk.dashboardAccountCall(ctx, "POST", body)
}

// DashboardAccountChange says what UpdateDashboardAccount changes: each
// nil field stays as it is.
type DashboardAccountChange struct {
	Email    *string
	Password *string
	ReadOnly *bool
}

// UpdateDashboardAccount changes the account with id userID, which ends
// its sessions. A *DashboardAccountRefusedError when the core refuses.
// CDI: PUT /recipe/dashboard/user.
func (lk *Latchkey) UpdateDashboardAccount(ctx context.Context, userID string, c DashboardAccountChange) (DashboardAccount, error) {
	body := map[string]any{"userId": userID}
	if c.Email != nil {
		body["newEmail"] = *c.Email
	}
	if c.Password != nil {
		body["newPassword"] = *c.Password
	}
	if c.ReadOnly != nil {
		body["readOnly"] = *c.ReadOnly
	}
	return lk.dashboardAccountCall(ctx, "PUT", body)
}

func (lk *Latchkey) dashboardAccountCall(ctx context.Context, method string, body map[string]any) (DashboardAccount, error) {
	var a struct {
		Status  string               `json:"status"`
		Message string               `json:"message"`
		User    dashboardAccountWire `json:"user"`
	}
	if err := lk.core.Do(ctx, CoreRequest{Method: method, Path: "/recipe/dashboard/user", Body: body, RecipeID: dashboardRID}, &a); err != nil {
		return DashboardAccount{}, err
	}
	if a.Status != "OK" {
		return DashboardAccount{}, &DashboardAccountRefusedError{Status: a.Status, Message: a.Message}
	}
	return a.User.account(), nil
}

// DeleteDashboardAccount removes the account with id userID and its
// sessions, and reports whether there was one.
// CDI: DELETE /recipe/dashboard/user.
func (lk *Latchkey) DeleteDashboardAccount(ctx context.Context, userID string) (bool, error) {
	var a struct {
		DidUserExist bool `json:"didUserExist"`
	}
	err := lk.core.Do(ctx, CoreRequest{Method: "DELETE", Path: "/recipe/dashboard/user",
		Query: url.Values{"userId": {userID}}, RecipeID: dashboardRID}, &a)
	return a.DidUserExist, err
}

// UnlockDashboardAccount clears the failed sign-ins of the account with id
// userID, so that it may sign in again at once. A
// *DashboardAccountRefusedError (UNKNOWN_USER_ERROR) when there is no such
// account. A Latchkey core extension: a SuperTokens core answers 404.
// Core: POST /recipe/dashboard/user/signin-lock/remove.
func (lk *Latchkey) UnlockDashboardAccount(ctx context.Context, userID string) error {
	var a struct {
		Status string `json:"status"`
	}
	if err := lk.core.Do(ctx, CoreRequest{Method: "POST", Path: "/recipe/dashboard/user/signin-lock/remove",
		Body: map[string]any{"userId": userID}, RecipeID: dashboardRID}, &a); err != nil {
		return err
	}
	if a.Status != "OK" {
		return &DashboardAccountRefusedError{Status: a.Status}
	}
	return nil
}
