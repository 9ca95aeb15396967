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
	Rule    Rule
}

// Mount registers the endpoint.
func (h *Handler) Mount(rt *cdi.Router) {
	// A Latchkey extension, not in the CDI.
	rt.HandleFunc("POST /recipe/throttle/send", h.send)
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
