package latchkey

import (
	"context"
	"errors"
	"net/http"
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
