package throttle

import (
	"net/http"
	"strings"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
)

// Handler serves the Latchkey extension endpoint with which an SDK asks
// before it sends a message (a password-reset or verification email, a
// passwordless code), so that one address and one client IP cannot be
// flooded whichever core the SDK reaches.
type Handler struct {
	Limiter *Limiter // nil: every send is allowed
	Rule    Rule     // for messages
	// SignInRule is the email-password sign-in limit, whose account locks
	// the lock endpoints read and clear.
	SignInRule Rule
}

// Mount registers the endpoint.
func (h *Handler) Mount(rt *cdi.Router) {
	// A Latchkey extension, not in the CDI.
	rt.HandleFunc("POST /recipe/throttle/send", h.send)
	rt.HandleFunc("GET /recipe/throttle/signin", h.signInLock)
	rt.HandleFunc("POST /recipe/throttle/signin/remove", h.removeSignInLock)
}

// signInSubject is the account counter of an email-password sign-in.
func (h *Handler) signInSubject(r *http.Request, email string) Subject {
	return h.SignInRule.Subjects("signin", "", cdi.Tenant(r.Context()), strings.ToLower(strings.TrimSpace(email)))[0]
}

// signInLock answers whether the email-password account with ?email= in
// the request's tenant is locked: {status: OK, locked, lockedUntil (ms, 0
// when not locked), failures}.
func (h *Handler) signInLock(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	email := q.String("email")
	if err := q.Err(); err != nil {
		return err
	}
	out := map[string]any{"locked": false, "lockedUntil": 0, "failures": 0}
	if h.Limiter != nil {
		sub := h.signInSubject(r, email)
		cs, err := h.Limiter.Store.ThrottleCounters(r.Context(), []string{sub.Key})
		if err != nil {
			return err
		}
		if c, ok := cs[sub.Key]; ok {
			out["failures"] = c.Failures
			if c.LockedUntil.After(h.Limiter.Now()) {
				out["locked"], out["lockedUntil"] = true, c.LockedUntil.UnixMilli()
			}
		}
	}
	cdi.OK(w, out)
	return nil
}

// removeSignInLock clears the account counter of {email} in the request's
// tenant (an operator unlocks the account).
func (h *Handler) removeSignInLock(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	email := b.String("email")
	if err := b.Err(); err != nil {
		return err
	}
	if h.Limiter != nil {
		if err := h.Limiter.Store.DeleteThrottleCounter(r.Context(), h.signInSubject(r, email).Key); err != nil {
			return err
		}
	}
	cdi.OK(w, nil)
	return nil
}

// send counts one message to {to} (an email address or a phone number)
// from the request's client IP, in the request's tenant. It answers
// {status: OK}, or {status: TOO_MANY_REQUESTS_ERROR, retryAfterMs} while
// the address or the IP has been sent too much; a refused send is not
// counted.
func (h *Handler) send(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	to := strings.ToLower(strings.TrimSpace(b.String("to")))
	if err := b.Err(); err != nil {
		return err
	}
	if to == "" {
		return cdi.BadRequest("Field name 'to' is invalid in JSON input")
	}
	ctx := r.Context()
	subjects := h.Rule.Subjects("send", cdi.ClientIP(ctx), cdi.Tenant(ctx), to)
	chk, err := h.Limiter.Check(ctx, subjects...)
	if err != nil {
		return err
	}
	if chk.Locked() {
		cdi.WriteJSON(w, map[string]any{"status": "TOO_MANY_REQUESTS_ERROR", "retryAfterMs": h.Limiter.RetryAfter(chk).Milliseconds()})
		return nil
	}
	if err := h.Limiter.Fail(ctx, subjects...); err != nil {
		return err
	}
	cdi.OK(w, nil)
	return nil
}
