package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/store"
)

// Actions the recorder writes. Dashboard writes arrive through POST
// /recipe/latchkey/audit with actions of their own ("dashboard.…").
const (
	ActionSignUp                 = "signup"
	ActionSignInSuccess          = "signin.success"
	ActionSignInFailure          = "signin.failure"
	ActionPasswordResetRequested = "password_reset.requested"
	ActionPasswordResetCompleted = "password_reset.completed"
	ActionEmailVerified          = "email.verified"
	ActionSessionRevoked         = "session.revoked"
	ActionTokenTheft             = "session.token_theft"
	ActionSuspend                = "user.suspend"
	ActionReinstate              = "user.reinstate"
	// ActionLocked is a sign-in refused by brute-force throttling: the
	// account or client IP is locked, and the password was not checked.
	ActionLocked = "signin.locked"
)

// ActorUser is the actor of a user's own auth events; ActorAPI that of a
// core API call that names no actor.
const (
	ActorUser = "user"
	ActorAPI  = "api"
)

// maxCapture caps the request and response bytes the recorder keeps.
const maxCapture = 64 << 10

type obj = map[string]any

// builder turns one answered request into an event, or nil for none.
type builder func(req, resp obj) *store.AuditEvent

func str(m obj, keys ...string) string {
	var v any = m
	for _, k := range keys {
		o, ok := v.(obj)
		if !ok {
			return ""
		}
		v = o[k]
	}
	s, _ := v.(string)
	return s
}

func ev(action, actor, userID, summary string) *store.AuditEvent {
	return &store.AuditEvent{Action: action, Actor: actor, UserID: userID, Summary: summary}
}

// signInUp is the event of a sign-in endpoint's answer.
func signInUp(method string, contact func(req obj) string) builder {
	return func(req, resp obj) *store.AuditEvent {
		who := contact(req)
		switch st := str(resp, "status"); st {
		case "OK":
			id := str(resp, "user", "id")
			if created, _ := resp["createdNewUser"].(bool); created {
				return ev(ActionSignUp, ActorUser, id, method)
			}
			return ev(ActionSignInSuccess, ActorUser, id, method)
		case "SIGN_IN_NOT_ALLOWED":
			return ev(ActionSignInFailure, ActorUser, "", method+": suspended"+who)
		case "WRONG_CREDENTIALS_ERROR", "INCORRECT_USER_INPUT_CODE_ERROR", "EXPIRED_USER_INPUT_CODE_ERROR", "RESTART_FLOW_ERROR":
			if e := locked(method, who, resp); e != nil {
				return e
			}
			return ev(ActionSignInFailure, ActorUser, "", method+": "+strings.ToLower(strings.TrimSuffix(st, "_ERROR"))+who)
		}
		return nil
	}
}

// locked is the event of a sign-in that throttling refused (the core's
// latchkeyRetryAfterMs field), or nil.
func locked(method, who string, resp obj) *store.AuditEvent {
	ms, _ := resp["latchkeyRetryAfterMs"].(float64)
	if ms <= 0 {
		return nil
	}
	return ev(ActionLocked, ActorUser, "", fmt.Sprintf("%s: locked for %s%s", method, time.Duration(ms)*time.Millisecond, who))
}

func forEmail(req obj) string {
	if e := str(req, "email"); e != "" {
		return " (" + strings.ToLower(strings.TrimSpace(e)) + ")"
	}
	return ""
}

func forThirdParty(req obj) string {
	if e := str(req, "email", "id"); e != "" {
		return " (" + str(req, "thirdPartyId") + ": " + strings.ToLower(strings.TrimSpace(e)) + ")"
	}
	return ""
}

func none(obj) string { return "" }

// builders are the audited endpoints ("METHOD /path", as routed).
var builders = map[string]builder{
	"POST /recipe/signup": func(req, resp obj) *store.AuditEvent {
		if str(resp, "status") != "OK" {
			return nil
		}
		return ev(ActionSignUp, ActorUser, str(resp, "user", "id"), "email-password")
	},
	"POST /recipe/signin":                signInUp("email-password", forEmail),
	"POST /recipe/signinup/code/consume": signInUp("passwordless", none),
	"POST /recipe/signinup":              signInUp("third-party", forThirdParty),
	// A dashboard account locked by throttling (other dashboard sign-ins
	// are not auth events of the app's users).
	"POST /recipe/dashboard/signin": func(req, resp obj) *store.AuditEvent {
		return locked("dashboard", forEmail(req), resp)
	},
	"POST /recipe/user/password/reset/token": func(req, resp obj) *store.AuditEvent {
		if str(resp, "status") != "OK" {
			return nil
		}
		return ev(ActionPasswordResetRequested, ActorAPI, str(req, "userId"), "a reset token was made")
	},
	"POST /recipe/user/password/reset/token/consume": func(req, resp obj) *store.AuditEvent {
		if str(resp, "status") != "OK" {
			return nil
		}
		return ev(ActionPasswordResetCompleted, ActorUser, str(resp, "userId"), "a reset token was used")
	},
	"POST /recipe/user/password/reset": func(req, resp obj) *store.AuditEvent {
		if str(resp, "status") != "OK" {
			return nil
		}
		return ev(ActionPasswordResetCompleted, ActorUser, str(resp, "userId"), "a reset token was used")
	},
	"POST /recipe/user/email/verify": func(req, resp obj) *store.AuditEvent {
		if str(resp, "status") != "OK" {
			return nil
		}
		return ev(ActionEmailVerified, ActorUser, str(resp, "userId"), str(resp, "email"))
	},
	"POST /recipe/session/remove": func(req, resp obj) *store.AuditEvent {
		if str(resp, "status") != "OK" {
			return nil
		}
		handles, _ := resp["sessionHandlesRevoked"].([]any)
		if len(handles) == 0 {
			return nil
		}
		return ev(ActionSessionRevoked, ActorAPI, str(req, "userId"), plural(len(handles), "session revoked", "sessions revoked"))
	},
	"POST /recipe/session/refresh": func(req, resp obj) *store.AuditEvent {
		if str(resp, "status") != "TOKEN_THEFT_DETECTED" {
			return nil
		}
		return ev(ActionTokenTheft, ActorUser, str(resp, "session", "userId"), "a refresh token was reused; the session is suspect")
	},
	"POST /recipe/latchkey/user/suspend": func(req, resp obj) *store.AuditEvent {
		if str(resp, "status") != "OK" {
			return nil
		}
		s := "suspended: " + str(resp, "suspension", "reason")
		if u, ok := resp["suspension"].(obj)["until"].(float64); ok {
			s += " (until " + time.UnixMilli(int64(u)).UTC().Format(time.RFC3339) + ")"
		}
		return ev(ActionSuspend, actorOr(str(req, "actor")), str(req, "userId"), s)
	},
	"POST /recipe/latchkey/user/reinstate": func(req, resp obj) *store.AuditEvent {
		if str(resp, "status") != "OK" {
			return nil
		}
		return ev(ActionReinstate, actorOr(str(req, "actor")), str(req, "userId"), "reinstated")
	},
}

func actorOr(a string) string {
	if a = strings.TrimSpace(a); a != "" {
		return a
	}
	return ActorAPI
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return itoa(n) + " " + many
}

func itoa(n int) string { return strconv.Itoa(n) }

// Audited reports whether a pattern is one the recorder watches.
func Audited(pattern string) bool { _, ok := builders[pattern]; return ok }

// Recorder wraps the audited endpoints: after each answer it hands the
// event, if any, to the writer. It reads what the handler read and wrote,
// so the endpoints need no code of their own.
type Recorder struct {
	Writer *Writer
	// Now tells the time. Default: time.Now.
	Now func() time.Time
}

// Wrap returns h recording the events of pattern (h itself when pattern
// is not audited).
func (rc *Recorder) Wrap(pattern string, h http.Handler) http.Handler {
	b, ok := builders[pattern]
	if !ok {
		return h
	}
	theft := pattern == "POST /recipe/session/refresh"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var reqBody []byte
		if !theft && r.Body != nil {
			reqBody, _ = io.ReadAll(io.LimitReader(r.Body, maxCapture+1))
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(reqBody), r.Body))
		}
		cw := &captureWriter{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(cw, r)
		if cw.code != http.StatusOK || cw.over {
			return
		}
		// A refresh is audited only on theft: skip parsing the others.
		if theft && !bytes.Contains(cw.buf.Bytes(), []byte(`"TOKEN_THEFT_DETECTED"`)) {
			return
		}
		var req, resp obj
		_ = json.Unmarshal(reqBody, &req)
		if json.Unmarshal(cw.buf.Bytes(), &resp) != nil {
			return
		}
		e := b(req, resp)
		if e == nil {
			return
		}
		e.Time = rc.now()
		e.ClientIP, e.UserAgent = clientOf(req)
		// Else the end user as the Latchkey SDK names them on every call
		// it makes for a request (headers other SDKs do not send).
		if e.ClientIP == "" {
			e.ClientIP = cdi.ClientIP(r.Context())
		}
		if e.UserAgent == "" {
			e.UserAgent = r.Header.Get(cdi.ClientUserAgentHeader)
		}
		if len(e.UserAgent) > maxUserAgent {
			e.UserAgent = e.UserAgent[:maxUserAgent]
		}
		rc.Writer.Record(r.Context(), *e)
	})
}

func (rc *Recorder) now() time.Time {
	if rc.Now == nil {
		return time.Now()
	}
	return rc.Now()
}

// clientOf reads the Latchkey client fields an SDK may send with a request
// ({"latchkeyClient": {"ip", "userAgent"}}), "" when absent.
func clientOf(req obj) (ip, ua string) {
	return str(req, "latchkeyClient", "ip"), str(req, "latchkeyClient", "userAgent")
}

// captureWriter keeps a copy of the response, up to maxCapture bytes.
type captureWriter struct {
	http.ResponseWriter
	code int
	buf  bytes.Buffer
	over bool
}

func (c *captureWriter) WriteHeader(code int) {
	c.code = code
	c.ResponseWriter.WriteHeader(code)
}

func (c *captureWriter) Write(p []byte) (int, error) {
	if c.buf.Len()+len(p) <= maxCapture {
		c.buf.Write(p)
	} else {
		c.over = true
	}
	return c.ResponseWriter.Write(p)
}
