package latchkey

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey/internal/tenantid"
)

// Latchkey is one configured SDK instance. Build it with [New]; it is safe
// for concurrent use.
type Latchkey struct {
	cfg     Config
	app     *App
	core    *CoreClient
	recipes []Recipe
	routes  []boundRoute
	logger  *slog.Logger
	now     func() time.Time
}

// Recipe is one feature of the SDK, such as sessions or email-password
// sign-in. Recipes come from the recipe/<name> packages.
type Recipe interface {
	// ID is the recipe id, as the frontend sends it in the rid header:
	// "session", "emailpassword".
	ID() string
	// Init is called once by New, in the order of Config.Recipes, with the
	// instance the recipe belongs to. It returns configuration errors.
	Init(lk *Latchkey) error
}

// RouteProvider is implemented by recipes that serve HTTP APIs.
type RouteProvider interface {
	// Routes returns the recipe's APIs. New calls it after every recipe's
	// Init.
	Routes() []Route
}

// CORSHeaderProvider is implemented by recipes whose requests carry headers
// that CORS must allow.
type CORSHeaderProvider interface {
	CORSHeaders() []string
}

// HandlerFunc serves one API. An error is written by Latchkey.WriteError;
// ErrNotHandled passes the request on to the application.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Route is one API of a recipe.
type Route struct {
	// Method is the HTTP method, such as "POST".
	Method string
	// Path is the path below the API base path, in lower case, such as
	// "/signup". It also matches below an optional "/{tenantId}" segment.
	Path string
	// Prefix makes the route match every path below Path too (for a
	// dashboard that serves files).
	Prefix bool
	// Handler serves the API.
	Handler HandlerFunc
	// AnyBody lets a POST, PUT, PATCH or DELETE through with a body that is
	// not JSON. Only for a route that a third party calls with a form (the
	// Apple callback): the middleware refuses every other non-JSON body,
	// because a browser sends text/plain or a form cross-origin without a
	// CORS preflight, with the user's cookies.
	AnyBody bool
}

type boundRoute struct {
	Route
	recipeID string
}

// New builds an instance from cfg, or returns an error naming everything
// to fix. It makes no call to the core: the CDI version is negotiated on
// the first call.
func New(cfg Config) (*Latchkey, error) {
	lk := &Latchkey{cfg: cfg, logger: cfg.Logger, now: cfg.Now}
	if lk.logger == nil {
		lk.logger = slog.Default()
	}
	if lk.now == nil {
		lk.now = time.Now
	}
	var errs []error
	app, err := normaliseApp(cfg.AppInfo)
	if err != nil {
		errs = append(errs, err)
	}
	lk.app = app
	if lk.core, err = newCoreClient(cfg.Core, app); err == nil {
		lk.core.suspendedMessage = cmp.Or(strings.TrimSpace(cfg.SuspendedMessage), DefaultSuspendedMessage)
	}
	if err != nil {
		errs = append(errs, err)
	}
	if lk.core != nil {
		lk.core.clientIP = cfg.ClientIP
		if lk.core.clientIP == nil {
			lk.core.clientIP = RemoteAddrIP
		}
	}
	if len(cfg.Recipes) == 0 {
		errs = append(errs, errors.New("latchkey: Config.Recipes is empty: add session.New(...) and the recipes you use"))
	}
	seen := map[string]bool{}
	for i, rc := range cfg.Recipes {
		if rc == nil {
			errs = append(errs, fmt.Errorf("latchkey: Config.Recipes[%d] is nil", i))
			continue
		}
		if seen[rc.ID()] {
			errs = append(errs, fmt.Errorf("latchkey: the %s recipe is in Config.Recipes twice", rc.ID()))
			continue
		}
		seen[rc.ID()] = true
		lk.recipes = append(lk.recipes, rc)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, rc := range lk.recipes {
		if err := rc.Init(lk); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, rc := range lk.recipes {
		if rp, ok := rc.(RouteProvider); ok {
			for _, rt := range rp.Routes() {
				rt.Method = strings.ToUpper(rt.Method)
				rt.Path = strings.ToLower(rt.Path)
				lk.routes = append(lk.routes, boundRoute{Route: rt, recipeID: rc.ID()})
			}
		}
	}
	lk.routes = append(lk.routes, lk.loginMethodsRoute())
	return lk, nil
}

// App returns the normalised app info.
func (lk *Latchkey) App() *App { return lk.app }

// Core returns the client that calls the core.
func (lk *Latchkey) Core() *CoreClient { return lk.core }

// Logger returns the configured logger.
func (lk *Latchkey) Logger() *slog.Logger { return lk.logger }

// Now returns the current time from Config.Now.
func (lk *Latchkey) Now() time.Time { return lk.now() }

// Recipes returns the recipes in the order they were configured.
func (lk *Latchkey) Recipes() []Recipe { return lk.recipes }

// FindRecipe returns the configured recipe of type T, so that a recipe can
// reach another (email-password reaches the session recipe).
func FindRecipe[T Recipe](lk *Latchkey) (T, bool) {
	for _, rc := range lk.recipes {
		if t, ok := rc.(T); ok {
			return t, true
		}
	}
	var zero T
	return zero, false
}

// AllowedHeaders returns the request headers that the frontend sends and
// CORS must allow: rid, fdi-version, and the session recipe's anti-csrf,
// authorization and st-auth-mode. Add "Content-Type" to it in a CORS
// layer's allowed headers.
func (lk *Latchkey) AllowedHeaders() []string {
	out := []string{"rid", "fdi-version"}
	for _, rc := range lk.recipes {
		if p, ok := rc.(CORSHeaderProvider); ok {
			for _, h := range p.CORSHeaders() {
				h = strings.ToLower(h)
				dup := false
				for _, o := range out {
					dup = dup || o == h
				}
				if !dup {
					out = append(out, h)
				}
			}
		}
	}
	return out
}

// ExposedHeaders returns the response headers that the frontend must be
// able to read. The SDK adds them to Access-Control-Expose-Headers itself on
// the responses that carry them; a CORS layer that sets that header must
// list these too, and never "*".
func (lk *Latchkey) ExposedHeaders() []string {
	return []string{"front-token", "st-access-token", "st-refresh-token", "anti-csrf"}
}

// DefaultTenantID is the tenant every app has: the tenant of a request
// without a {tenantId} path segment, and of a call that names none
// (reference/cdi-core.md §1.1).
const DefaultTenantID = tenantid.Default

type tenantKey struct{}

// TenantID returns the tenant of the request the middleware is serving:
// the {tenantId} path segment of {apiBasePath}/{tenantId}/..., or
// DefaultTenantID. Recipes read a request's tenant only through it.
func TenantID(ctx context.Context) string {
	if t, ok := ctx.Value(tenantKey{}).(string); ok && t != "" {
		return t
	}
	return DefaultTenantID
}

// TenantOrDefault returns tenantID, or DefaultTenantID when it is "": the
// tenant of a function called with none.
func TenantOrDefault(tenantID string) string { return tenantid.Or(tenantID) }

// WithTenantID returns ctx carrying tenantID, as the middleware does.
func WithTenantID(ctx context.Context, tenantID string) context.Context {
	return context.WithValue(ctx, tenantKey{}, tenantID)
}

type requestKey struct{}

// RequestFromContext returns the request that the middleware is serving,
// for code that receives only a context (a per-request origin for an email
// link, say), or nil.
func RequestFromContext(ctx context.Context) *http.Request {
	r, _ := ctx.Value(requestKey{}).(*http.Request)
	return r
}

// Middleware serves the SDK's APIs below the API base path,
// {apiBasePath}[/{tenantId}]/..., and passes every other request to next.
// Put it after the CORS layer: OPTIONS requests are passed on. A POST,
// PUT, PATCH or DELETE to one of its APIs must send its body as
// application/json (or send no body and no Content-Type): anything else
// is answered 415 before the API runs, so that no page can drive the APIs
// with the user's cookies without a CORS preflight.
func (lk *Latchkey) Middleware(next http.Handler) http.Handler {
	if lk == nil {
		// New failed and its error was ignored: fail closed, without a
		// panic.
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			WriteJSON(w, http.StatusInternalServerError, map[string]string{"message": "latchkey is not configured"})
		})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt, tenant, ok := lk.match(r)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if !rt.AnyBody {
			if msg := refuseBody(r); msg != "" {
				WriteJSON(w, http.StatusUnsupportedMediaType, map[string]string{"message": msg})
				return
			}
		}
		tw := &trackingWriter{ResponseWriter: w}
		ctx := WithTenantID(r.Context(), tenant)
		r = r.WithContext(ctx)
		r = r.WithContext(context.WithValue(ctx, requestKey{}, r))
		err := rt.Handler(tw, r)
		switch {
		case err == nil:
		case errors.Is(err, ErrNotHandled) && !tw.wrote:
			next.ServeHTTP(w, r)
		case tw.wrote:
			lk.logger.ErrorContext(r.Context(), "latchkey: API failed after answering", "method", r.Method, "path", r.URL.Path, "err", err)
		default:
			lk.WriteError(w, r, err)
		}
	})
}

// refuseBody says why the middleware refuses r's body, or "" when it
// takes it. A request that can change state (POST, PUT, PATCH, DELETE)
// must send its body as application/json, which a browser sends to another
// origin only after a CORS preflight; text/plain, forms and bodies without
// a type need none, so a page on a sibling subdomain (same site, so
// SameSite cookies go along) could drive the API with the user's cookies.
// A request without a body and without a Content-Type passes (the
// refresh and sign-out calls of supertokens-website send none).
func refuseBody(r *http.Request) string {
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return ""
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		if r.ContentLength == 0 {
			return ""
		}
		return "Send the request body as JSON with Content-Type: application/json"
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return "This Content-Type is not supported: send the request body as JSON with Content-Type: application/json"
	}
	return ""
}

// match finds the route for r (reference/sdk-fdi.md §1.2): an exact path
// wins over one below a tenant segment, and the rid header breaks ties
// between recipes.
func (lk *Latchkey) match(r *http.Request) (boundRoute, string, bool) {
	path, _ := NormaliseURLPath(r.URL.Path)
	path = lk.app.APIGatewayPath + path
	base := lk.app.APIBasePath
	if path != base && !strings.HasPrefix(path, base+"/") {
		return boundRoute{}, "", false
	}
	rest := path[len(base):]
	rid := strings.TrimSpace(r.Header.Get("rid"))
	if rid == "anti-csrf" {
		rid = ""
	}
	tenant, tail := "", ""
	if len(rest) > 1 {
		if i := strings.IndexByte(rest[1:], '/'); i >= 0 && tenantid.Valid(rest[1:i+1]) {
			tenant, tail = rest[1:i+1], rest[i+1:]
		}
	}
	var found boundRoute
	foundTenant, foundExact, ok := "", false, false
	for _, rt := range lk.routes {
		if rt.Method != r.Method {
			continue
		}
		exact := rt.matches(rest)
		viaTenant := !exact && tenant != "" && rt.matches(tail)
		if !exact && !viaTenant {
			continue
		}
		better := !ok ||
			(exact && !foundExact) ||
			(exact == foundExact && rid != "" && rt.recipeID == rid && found.recipeID != rid)
		if better {
			found, foundExact, ok = rt, exact, true
			foundTenant = DefaultTenantID
			if !exact {
				foundTenant = tenant
			}
		}
	}
	return found, foundTenant, ok
}

func (rt boundRoute) matches(p string) bool {
	if p == rt.Path {
		return true
	}
	return rt.Prefix && strings.HasPrefix(p, rt.Path+"/")
}

// trackingWriter records whether a response was started.
type trackingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (t *trackingWriter) WriteHeader(code int) {
	t.wrote = true
	t.ResponseWriter.WriteHeader(code)
}

func (t *trackingWriter) Write(p []byte) (int, error) {
	t.wrote = true
	return t.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (t *trackingWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// Written reports whether a response has been started (a Write or a
// WriteHeader) on w, the writer the middleware gives an API, or one that
// wraps it and has an Unwrap method. Recipes use it to write nothing more
// after an APIs override that answered the request itself.
func Written(w http.ResponseWriter) bool {
	for {
		switch t := w.(type) {
		case *trackingWriter:
			return t.wrote
		case interface{ Unwrap() http.ResponseWriter }:
			w = t.Unwrap()
		default:
			return false
		}
	}
}

// WriteJSON writes v as JSON with the status code.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		code, raw = http.StatusInternalServerError, []byte(`{"message":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(raw)
}

// WriteStatus answers 200 {"status": status} plus fields, the shape of
// the FDI's answers.
func WriteStatus(w http.ResponseWriter, status string, fields map[string]any) {
	out := make(map[string]any, len(fields)+1)
	for k, v := range fields {
		out[k] = v
	}
	out["status"] = status
	WriteJSON(w, http.StatusOK, out)
}

// maxBody caps a request body the SDK reads.
const maxBody = 1 << 20

// ReadJSON decodes the request's JSON body into v. A malformed body is a
// *BadInputError. The body is kept, so that an override can read it again
// from r.Body.
func ReadJSON(r *http.Request, v any) error {
	if r.Body == nil {
		return &BadInputError{Message: "a JSON body is required"}
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	r.Body.Close()
	if err != nil {
		return &BadInputError{Message: "could not read the request body"}
	}
	if len(raw) > maxBody {
		return &BadInputError{Message: "the request body is too large"}
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = []byte("{}")
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return &BadInputError{Message: "the request body is not valid JSON"}
	}
	return nil
}

// FDIVersion returns the highest version in the request's fdi-version
// header as (major, minor), or ok=false when the header is missing or
// unreadable.
func FDIVersion(r *http.Request) (major, minor int, ok bool) {
	for _, v := range strings.Split(r.Header.Get("fdi-version"), ",") {
		a, b, _ := strings.Cut(strings.TrimSpace(v), ".")
		ma, err1 := strconv.Atoi(a)
		mi, err2 := strconv.Atoi(b)
		if b == "" {
			mi, err2 = 0, nil
		}
		if err1 != nil || err2 != nil {
			continue
		}
		if !ok || ma > major || (ma == major && mi > minor) {
			major, minor, ok = ma, mi, true
		}
	}
	return major, minor, ok
}

// UsesAccountLinkingUser reports whether the frontend expects the account-
// linking User object: FDI 3.0 or later, 1.18 or 1.19, or no fdi-version
// header at all (the newest FDI), as node does (reference/sdk-fdi.md §0.2).
func UsesAccountLinkingUser(r *http.Request) bool {
	ma, mi, ok := FDIVersion(r)
	if !ok {
		return true
	}
	return ma >= 3 || (ma == 1 && mi >= 18)
}
