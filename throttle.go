package latchkey

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"
)

// AllowSend asks the core whether a message (a password-reset or
// verification email, a passwordless code) may be sent to an address now,
// and counts it: nil, or a *TooManyAttemptsError while the address or the
// request's client IP has been sent too much. Against a core without the
// Latchkey endpoint (an official SuperTokens core) every send is allowed.
// Latchkey: POST /{tenantId}/recipe/throttle/send.
func (lk *Latchkey) AllowSend(ctx context.Context, tenantID, to string) error {
	var a struct {
		Status       string `json:"status"`
		RetryAfterMs int64  `json:"retryAfterMs"`
	}
	err := lk.core.Do(ctx, CoreRequest{Method: "POST", Path: "/recipe/throttle/send", TenantID: TenantOrDefault(tenantID),
		Body: map[string]string{"to": to}}, &a)
	var ce *CoreError
	if errors.As(err, &ce) && ce.Code == http.StatusNotFound {
		return nil // not a Latchkey core
	}
	if err != nil {
		return err
	}
	if a.Status == "TOO_MANY_REQUESTS_ERROR" {
		return &TooManyAttemptsError{RetryAfter: time.Duration(max(a.RetryAfterMs, 1)) * time.Millisecond, Reason: "messages sent to this address"}
	}
	return nil
}

// SignInLock is what the core knows of an email-password account's failed
// sign-ins.
type SignInLock struct {
	Locked      bool
	LockedUntil time.Time // zero when not locked
	Failures    int       // failures counted in the current window
}

// SignInLock returns the sign-in lock of the email-password account with
// email in tenantID. Against a core without the Latchkey endpoint it
// reports no lock. Latchkey: GET /{tenantId}/recipe/throttle/signin.
func (lk *Latchkey) SignInLock(ctx context.Context, tenantID, email string) (SignInLock, error) {
	var a struct {
		Locked      bool  `json:"locked"`
		LockedUntil int64 `json:"lockedUntil"`
		Failures    int   `json:"failures"`
	}
	err := lk.core.Do(ctx, CoreRequest{Method: "GET", Path: "/recipe/throttle/signin", TenantID: TenantOrDefault(tenantID),
		Query: url.Values{"email": {email}}}, &a)
	var ce *CoreError
	if errors.As(err, &ce) && ce.Code == http.StatusNotFound {
		return SignInLock{}, nil
	}
	if err != nil {
		return SignInLock{}, err
	}
	out := SignInLock{Locked: a.Locked, Failures: a.Failures}
	if a.LockedUntil > 0 {
		out.LockedUntil = time.UnixMilli(a.LockedUntil)
	}
	return out, nil
}

// UnlockSignIn clears the failed sign-ins of the email-password account
// with email in tenantID, so that it may sign in at once.
// Latchkey: POST /{tenantId}/recipe/throttle/signin/remove.
func (lk *Latchkey) UnlockSignIn(ctx context.Context, tenantID, email string) error {
	return lk.core.Do(ctx, CoreRequest{Method: "POST", Path: "/recipe/throttle/signin/remove", TenantID: TenantOrDefault(tenantID),
		Body: map[string]string{"email": email}}, nil)
}
