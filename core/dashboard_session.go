package core

import (
	"errors"
	"net/http"
	"strings"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/internal/dashcheck"
)

// maxDashboardSessionLen bounds the header's value: session ids are
// UUIDs, and anything much longer is not one (the SDK's bound too).
const maxDashboardSessionLen = 512

// errDashboardSessionInvalid is the 401 the SDK recognises (its body is
// dashcheck.InvalidMessage), distinct from "Invalid API key".
var errDashboardSessionInvalid = &cdi.HTTPError{Code: http.StatusUnauthorized, Message: dashcheck.InvalidMessage}

// checkDashboardSession serves the Latchkey extension header
// latchkey-dashboard-session (internal/dashcheck): a GET that carries a
// dashboard session id runs only if POST /recipe/dashboard/session/verify
// would accept that session (known, not expired, its account still
// there), and its answer then carries "Latchkey-Dashboard-Session:
// verified". That lets the dashboard verify its operator in the same
// round trip as a read, without any process caching sessions. A request
// without the header is untouched.
//
// The header is refused (400) on other methods, so that nobody relies on
// it to guard a write: writes keep the explicit verify. The value is a
// credential and goes nowhere but the store lookup, which reads it hashed.
func (c *Core) checkDashboardSession(w http.ResponseWriter, r *http.Request) error {
	vs, sent := r.Header[dashcheck.Header]
	if !sent {
		return nil
	}
	if r.Method != http.MethodGet {
		return cdi.BadRequest("The latchkey-dashboard-session header is only accepted on GET requests")
	}
	id := ""
	if len(vs) == 1 {
		id = strings.TrimSpace(vs[0])
	}
	if id == "" || len(id) > maxDashboardSessionLen {
		return errDashboardSessionInvalid
	}
	if _, err := c.dashboard.VerifySession(r.Context(), id); err != nil {
		if errors.Is(err, cdi.ErrInvalidSession) {
			return errDashboardSessionInvalid
		}
		return err
	}
	w.Header().Set(dashcheck.Header, dashcheck.Verified)
	return nil
}
