package dashboard

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/latchkey-dev/latchkey"
)

// access says who may call an API.
type access int

const (
	// open: anyone (sign-in, key validation).
	open access = iota
	// read: any signed-in account, its session verified by a call of its
	// own before the handler runs (what a handler that reads the caller's
	// email or role needs, and a streamed answer).
	read
	// view: any signed-in account, its session verified by the core in
	// the same round trips as the handler's own reads (view.go). Only for
	// GET APIs that change nothing, read nothing of the caller, and answer
	// a bounded body.
	view
	// write: an account that may change things (Config.Admins).
	write
)

// Messages of the 401 and 403 answers (reference/dashboard.md §3.3).
const (
	msgUnauthorised = "Unauthorised access"
	msgForbidden    = "You are not permitted to perform this operation"
)

// maxTokenLen bounds the bearer value sent to the core: session ids are
// UUIDs, and anything much longer is not one.
const maxTokenLen = 512

// caller is the signed-in dashboard account of a request.
type caller struct {
	// email is the account's email; "" in API-key mode.
	email string
	// userID is the account's id; "" in API-key mode or from a core
	// that does not send it (SuperTokens).
	userID string
	// canWrite reports whether the account may change things.
	canWrite bool
	// token is the bearer value: the dashboard session id, or the key.
	token string
}

type callerKey struct{}

// callerFrom returns the caller that protect put in ctx.
func callerFrom(ctx context.Context) caller {
	c, _ := ctx.Value(callerKey{}).(caller)
	return c
}

// apiFunc serves one dashboard API.
type apiFunc func(w http.ResponseWriter, r *http.Request) error

// guard wraps an API: it sets the security headers, checks who calls
// (401), whether they may (403), and marks the answer uncacheable.
func (rc *Recipe) guard(a access, h apiFunc) latchkey.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		rc.setSecurityHeaders(w.Header())
		w.Header().Set("Cache-Control", "no-store")
		if a == open {
			return h(w, r)
		}
		if a == view && rc.cfg.APIKey == "" {
			return rc.serveView(w, r, h) // API-key mode asks the core nothing
		}
		c, ok, err := rc.authenticate(r)
		if err != nil {
			return err
		}
		if !ok {
			latchkey.WriteJSON(w, http.StatusUnauthorized, map[string]string{"message": msgUnauthorised})
			return nil
		}
		if a == write && !c.canWrite {
			latchkey.WriteJSON(w, http.StatusForbidden, map[string]string{"message": msgForbidden})
			return nil
		}
		serve := h
		if a == write {
			// A local: assigning to h would wrap the shared handler again
			// on every request (one more audit event per call, and a
			// data race).
			serve = rc.audited(h) // audit.go
		}
		return serve(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, c)))
	}
}

// bearerToken returns the value of "Authorization: Bearer <value>", or "".
func bearerToken(r *http.Request) string {
	f := strings.Fields(r.Header.Get("Authorization"))
	if len(f) != 2 || !strings.EqualFold(f[0], "Bearer") || len(f[1]) > maxTokenLen {
		return ""
	}
	return f[1]
}

// keyMatches compares a bearer value with Config.APIKey in constant time.
func (rc *Recipe) keyMatches(token string) bool {
	if rc.cfg.APIKey == "" || token == "" {
		return false
	}
	sum := sha256.Sum256([]byte(token))
	return subtle.ConstantTimeCompare(sum[:], rc.apiKeySum[:]) == 1
}

// authenticate checks the bearer token: the API key, or a dashboard
// session that the core still knows. ok=false means 401; an error means
// the core could not be asked.
func (rc *Recipe) authenticate(r *http.Request) (c caller, ok bool, err error) {
	token := bearerToken(r)
	if token == "" {
		return caller{}, false, nil
	}
	if rc.cfg.APIKey != "" {
		return caller{canWrite: true, token: token}, rc.keyMatches(token), nil
	}
	acct, err := rc.lk.VerifyDashboardSession(r.Context(), token)
	var suspended *latchkey.DashboardUserSuspendedError
	if errors.Is(err, latchkey.ErrDashboardSessionInvalid) || errors.As(err, &suspended) {
		return caller{}, false, nil
	}
	if err != nil {
		return caller{}, false, err
	}
	email := normaliseEmail(acct.Email)
	if email == "" {
		return caller{}, false, nil // no way to check the admin list
	}
	return caller{email: email, userID: acct.UserID, canWrite: rc.canWrite(email, acct.ReadOnly), token: token}, true, nil
}

// canWrite decides whether an account may change things: Config.Admins
// when it is set, else the account's own read-only flag (the team page's
// role).
func (rc *Recipe) canWrite(email string, readOnly bool) bool {
	if rc.admins != nil {
		return rc.admins[email]
	}
	return !readOnly
}

// signIn serves POST /dashboard/api/signin with the core's answer: the
// session id, INVALID_CREDENTIALS_ERROR or USER_SUSPENDED_ERROR.
// CDI: POST /recipe/dashboard/signin.
func (rc *Recipe) signIn(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	var in [2]string
	for i, name := range []string{"email", "password"} {
		if in[i], err = b.string(name); err != nil || strings.TrimSpace(in[i]) == "" {
			return badInput("Missing required parameter '" + name + "'")
		}
	}
	id, err := rc.lk.DashboardSignIn(r.Context(), strings.TrimSpace(in[0]), in[1])
	var suspended *latchkey.DashboardUserSuspendedError
	var many *latchkey.TooManyAttemptsError
	switch {
	case errors.Is(err, latchkey.ErrDashboardWrongCredentials):
		writeStatus(w, "INVALID_CREDENTIALS_ERROR", nil)
	case errors.As(err, &many):
		// The reference's status (not signed in), with a message the UI
		// shows (a Latchkey extension field; the official bundle shows
		// its wrong-credentials text).
		writeStatus(w, "INVALID_CREDENTIALS_ERROR", map[string]any{"message": many.Message()})
	case errors.As(err, &suspended):
		writeStatus(w, "USER_SUSPENDED_ERROR", map[string]any{"message": suspended.Message})
	case err != nil:
		return err
	default:
		writeStatus(w, "OK", map[string]any{"sessionId": id})
	}
	return nil
}

// validateKey serves POST /dashboard/api/key/validate: 200 OK when the
// bearer value is the API key, else 401.
func (rc *Recipe) validateKey(w http.ResponseWriter, r *http.Request) error {
	if !rc.keyMatches(bearerToken(r)) {
		latchkey.WriteJSON(w, http.StatusUnauthorized, map[string]string{"message": msgUnauthorised})
		return nil
	}
	writeStatus(w, "OK", nil)
	return nil
}

// signOut serves POST /dashboard/api/signout: it ends the dashboard
// session (nothing to end in API-key mode).
// CDI: DELETE /recipe/dashboard/session.
func (rc *Recipe) signOut(w http.ResponseWriter, r *http.Request) error {
	if rc.cfg.APIKey == "" {
		if err := rc.lk.DashboardSignOut(r.Context(), callerFrom(r.Context()).token); err != nil {
			return err
		}
	}
	writeStatus(w, "OK", nil)
	return nil
}

// analytics serves POST /dashboard/api/analytics. Latchkey sends no
// telemetry anywhere: it checks the request as the reference does and
// answers OK.
func (rc *Recipe) analytics(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	for _, name := range []string{"email", "dashboardVersion"} {
		if !b.has(name) {
			return badInput("Missing required property '" + name + "'")
		}
	}
	writeStatus(w, "OK", nil)
	return nil
}

// me serves GET /dashboard/api/me: who is signed in and whether they may
// write, so that the UI can disable what they may not do. It is how the
// UI learns, on each page load, whether its stored token still works, so
// a missing, expired or unknown token is an answer here, status
// INVALID_SESSION_ERROR, rather than a 401 that the browser would log as
// an error on every sign-in page load.
func (rc *Recipe) me(w http.ResponseWriter, r *http.Request) error {
	c, ok, err := rc.authenticate(r)
	if err != nil {
		return err
	}
	if !ok {
		writeStatus(w, "INVALID_SESSION_ERROR", nil)
		return nil
	}
	writeStatus(w, "OK", map[string]any{"email": c.email, "canWrite": c.canWrite, "authMode": rc.authMode()})
	return nil
}
