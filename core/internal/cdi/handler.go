package cdi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey/internal/tenantid"
)

// HandlerFunc is a core endpoint: it writes a success response itself and
// returns any failure for Handle to write.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Handle adapts h to http.Handler, writing its error as the reference
// prescribes (see the package doc).
func Handle(h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			WriteError(w, r, err)
		}
	})
}

// WriteError writes err as a response: a *StatusError as 200 JSON, an
// *HTTPError as its code with a text body, anything else as a logged 500.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var status *StatusError
	var httpErr *HTTPError
	switch {
	case errors.As(err, &status):
		body := make(map[string]any, len(status.Fields)+1)
		for k, v := range status.Fields {
			body[k] = v
		}
		body["status"] = status.Status
		WriteJSON(w, body)
	case errors.As(err, &httpErr):
		WriteText(w, httpErr.Code, httpErr.Message)
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away; nobody reads the answer.
		WriteText(w, http.StatusServiceUnavailable, "Request cancelled")
	default:
		id := RequestID(r.Context())
		Logger(r.Context()).ErrorContext(r.Context(), "request failed",
			"request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
		WriteText(w, http.StatusInternalServerError, "Internal error (request id "+id+")")
	}
}

// WriteJSON writes v as a 200 JSON response.
func WriteJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only programming errors reach here: every response type marshals.
		WriteText(w, http.StatusInternalServerError, "Internal error")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// OK writes {"status":"OK"} merged with fields.
func OK(w http.ResponseWriter, fields map[string]any) {
	if fields == nil {
		fields = map[string]any{}
	}
	fields["status"] = "OK"
	WriteJSON(w, fields)
}

// WriteText writes a plain-text response ending in a newline, as the Java
// core's println does. The reference core labels it text/html; Latchkey
// sends text/plain with nosniff, so that no message that echoes a value
// from the request can be rendered as a page (issue 11, finding 4). The
// official SDKs read any text/* answer as text.
func WriteText(w http.ResponseWriter, code int, message string) {
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(message + "\n"))
}

// Request-scoped values the transport puts in the context.
type ctxKey int

const (
	tenantKey ctxKey = iota
	versionKey
	loggerKey
	requestIDKey
	clientIPKey
	settingsKey
)

// TenantSettings is what the request's tenant stored about itself: its
// login methods and its own core settings.
type TenantSettings struct {
	// FirstFactors are the login methods the tenant enabled; nil means
	// every one.
	FirstFactors []string
	// RequiredSecondaryFactors are the factors required after the first.
	RequiredSecondaryFactors []string
	// CoreConfig holds the tenant's own core settings by key.
	CoreConfig map[string]any
}

// Request carries what the transport learned about a request.
type Request struct {
	AppID     string
	TenantID  string
	Version   string // the cdi-version in effect
	RequestID string
	Logger    *slog.Logger
	// ClientIP is the end user's IP address as the SDK saw it (the
	// latchkey-client-ip header, a Latchkey extension), or "" when the
	// caller did not say. It keys per-IP brute-force limits.
	ClientIP string
	// Settings are the tenant's stored settings.
	Settings TenantSettings
}

// ClientIPHeader is the request header in which the Latchkey SDK names the
// end user's IP address.
const ClientIPHeader = "latchkey-client-ip"

// ClientUserAgentHeader is the request header in which the Latchkey SDK
// names the end user's user agent (a Latchkey extension), for the audit
// log; other SDKs send none.
const ClientUserAgentHeader = "latchkey-client-user-agent"

// WithRequest returns ctx carrying rq.
func WithRequest(ctx context.Context, rq Request) context.Context {
	ctx = context.WithValue(ctx, tenantKey, rq.TenantID)
	ctx = context.WithValue(ctx, versionKey, rq.Version)
	ctx = context.WithValue(ctx, requestIDKey, rq.RequestID)
	ctx = context.WithValue(ctx, clientIPKey, rq.ClientIP)
	ctx = context.WithValue(ctx, settingsKey, rq.Settings)
	if rq.Logger != nil {
		ctx = context.WithValue(ctx, loggerKey, rq.Logger)
	}
	return ctx
}

// Tenant returns the request's tenant id (tenantid.Default when none was
// given).
func Tenant(ctx context.Context) string {
	if t, ok := ctx.Value(tenantKey).(string); ok && t != "" {
		return t
	}
	return tenantid.Default
}

// Settings returns the request's tenant's stored settings (the zero value,
// every login method and no settings of its own, when none were put).
func Settings(ctx context.Context) TenantSettings {
	s, _ := ctx.Value(settingsKey).(TenantSettings)
	return s
}

// recipeFactors are the factor ids that stand for each login recipe.
var recipeFactors = map[string][]string{
	"emailpassword": {"emailpassword"},
	"passwordless":  {"otp-email", "otp-phone", "link-email", "link-phone"},
	"thirdparty":    {"thirdparty"},
}

// RequireLoginMethod refuses, with the reference's 403, a request for a
// login recipe ("emailpassword", "passwordless" or "thirdparty") that the
// request's tenant has not enabled: enabled means the tenant leaves its
// first factors to the SDK (nil), or names one of the recipe's factors as
// a first or a required secondary factor, as the SuperTokens core reads
// its own tenant config.
func RequireLoginMethod(ctx context.Context, recipe string) error {
	s := Settings(ctx)
	if s.FirstFactors == nil {
		return nil
	}
	for _, f := range recipeFactors[recipe] {
		if slices.Contains(s.FirstFactors, f) || slices.Contains(s.RequiredSecondaryFactors, f) {
			return nil
		}
	}
	switch recipe {
	case "passwordless":
		return ErrPasswordlessNotEnabled
	case "thirdparty":
		return ErrThirdPartyNotEnabled
	}
	return ErrEmailPasswordNotEnabled
}

// ForLoginMethod wraps h so that it first checks, with
// RequireLoginMethod, that the request's tenant enabled recipe.
func ForLoginMethod(recipe string, h HandlerFunc) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := RequireLoginMethod(r.Context(), recipe); err != nil {
			return err
		}
		return h(w, r)
	}
}

// ConfigInt returns the tenant's own value of an integer core setting, or
// def when the tenant has none (the core validated stored values).
func ConfigInt(ctx context.Context, key string, def int64) int64 {
	if v, ok := Settings(ctx).CoreConfig[key].(float64); ok && v > 0 {
		return int64(v)
	}
	return def
}

// ConfigMillis returns the tenant's own value of a setting in
// milliseconds, or def.
func ConfigMillis(ctx context.Context, key string, def time.Duration) time.Duration {
	if v := ConfigInt(ctx, key, 0); v > 0 {
		return time.Duration(v) * time.Millisecond
	}
	return def
}

// Version returns the request's CDI version.
func Version(ctx context.Context) string {
	v, _ := ctx.Value(versionKey).(string)
	return v
}

// RequestID returns the request's id, for logs and 500 bodies.
func RequestID(ctx context.Context) string {
	v, _ := ctx.Value(requestIDKey).(string)
	return v
}

// ClientIP returns the end user's IP address the caller named, or "".
func ClientIP(ctx context.Context) string {
	v, _ := ctx.Value(clientIPKey).(string)
	return v
}

// Logger returns the request's logger.
func Logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// Router is the core's route table: exact paths, each with handlers per
// method. It is built once, before serving, and then only read.
type Router struct {
	routes map[string]map[string]http.Handler
}

// NewRouter returns an empty route table.
func NewRouter() *Router { return &Router{routes: map[string]map[string]http.Handler{}} }

// Handle registers h for a "METHOD /path" pattern. Paths are matched in
// lower case, so patterns must be lower case. It panics on a malformed or
// duplicate pattern: that is a programming error found by any test.
func (rt *Router) Handle(pattern string, h http.Handler) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok || !strings.HasPrefix(path, "/") || path != strings.ToLower(path) {
		panic("cdi: bad route pattern " + pattern)
	}
	m := rt.routes[path]
	if m == nil {
		m = map[string]http.Handler{}
		rt.routes[path] = m
	}
	if _, dup := m[method]; dup {
		panic("cdi: duplicate route " + pattern)
	}
	m[method] = h
}

// HandleFunc registers a HandlerFunc through Handle.
func (rt *Router) HandleFunc(pattern string, h HandlerFunc) { rt.Handle(pattern, Handle(h)) }

// Wrap replaces every registered handler h with wrap("METHOD /path", h).
// Call it after every route is registered and before serving.
func (rt *Router) Wrap(wrap func(pattern string, h http.Handler) http.Handler) {
	for path, methods := range rt.routes {
		for m, h := range methods {
			methods[m] = wrap(m+" "+path, h)
		}
	}
}

// Methods returns the handlers registered for path (lower case), or nil.
func (rt *Router) Methods(path string) map[string]http.Handler { return rt.routes[path] }

// Patterns returns every registered "METHOD /path", sorted.
func (rt *Router) Patterns() []string {
	var out []string
	for path, methods := range rt.routes {
		for m := range methods {
			out = append(out, m+" "+path)
		}
	}
	slices.Sort(out)
	return out
}
