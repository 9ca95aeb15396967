package core

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"mime"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/internal/tenantid"
	"github.com/latchkey-dev/latchkey/store"
)

// CDI versions this core speaks. The behaviour is CDI 5.4's throughout;
// 5.0–5.3 differ from it only by additions (tenant v2 APIs, the webauthn
// field), so SDKs that negotiate them work unchanged. 5.5 and 5.6 change
// semantics we do not implement, so they are refused.
var supportedVersions = []string{"5.0", "5.1", "5.2", "5.3", "5.4"}

const maxVersion = "5.4"

var versionPattern = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`)

// Paths that skip the api-key check (reference §1.2) and the
// supported-version check (§1.3).
var (
	noKeyPaths      = map[string]bool{"/hello": true, "/": true, "/.well-known/jwks.json": true}
	anyVersionPaths = map[string]bool{"/hello": true, "/": true, "/apiversion": true, "/.well-known/jwks.json": true}
)

// resolved is a request path split into its optional prefixes and the API
// path behind them.
type resolved struct {
	appID, tenantID string
	path            string // lower case, no trailing slash ("/" for the root)
	methods         map[string]http.Handler
}

// resolve maps a request path (below the base path) to a route, following
// the reference's rule (§1.1): an exact match first, then
// (/appid-<app>)?(/<tenant>)?<apiPath>, all in lower case, with an optional
// trailing slash.
func (c *Core) resolve(rawPath string) resolved {
	p := strings.ToLower(rawPath)
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	r := resolved{appID: tenantid.DefaultApp, tenantID: tenantid.Default, path: p}
	if p == "" || p == "/" {
		r.path = "/"
		return r
	}
	if r.methods = c.router.Methods(p); r.methods != nil {
		return r
	}
	rest := p
	if seg, after, ok := cutSegment(rest); ok && strings.HasPrefix(seg, "appid-") && validAppID(seg[len("appid-"):]) {
		if app := seg[len("appid-"):]; app != "" {
			r.appID = app
		}
		rest = after
	}
	if m := c.router.Methods(orRoot(rest)); m != nil || rest == "" {
		r.path, r.methods = orRoot(rest), m
		return r
	}
	if seg, after, ok := cutSegment(rest); ok && tenantid.Valid(seg) && !tenantid.Reserved(seg) {
		r.tenantID = seg
		r.path = orRoot(after)
		r.methods = c.router.Methods(r.path)
		return r
	}
	r.path, r.methods = "", nil
	return r
}

func orRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// validAppID reports whether s can follow "appid-": a tenant id's syntax,
// or nothing ("appid-" alone is the default app).
func validAppID(s string) bool { return s == "" || tenantid.Valid(s) }

// cutSegment splits "/seg/rest" into "seg" and "/rest".
func cutSegment(p string) (seg, rest string, ok bool) {
	if !strings.HasPrefix(p, "/") {
		return "", "", false
	}
	seg, rest, _ = strings.Cut(p[1:], "/")
	if rest != "" {
		rest = "/" + rest
	}
	return seg, rest, seg != ""
}

// ServeHTTP is the CDI transport: base path, prefixes, api-key,
// cdi-version, app and tenant (looked up in the store, through the tenant
// cache), method, then the route's handler.
func (c *Core) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := r.Header.Get("X-Request-Id")
	if requestID == "" || len(requestID) > 64 {
		requestID = newRequestID()
	}
	w.Header().Set("X-Request-Id", requestID)
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
	route := c.serve(rec, r, requestID)
	c.metrics.observe(r.Method, route, rec.code, time.Since(start))
}

// serve handles one request and returns the route label for metrics.
func (c *Core) serve(w http.ResponseWriter, r *http.Request, requestID string) string {
	logger := c.logger.With("request_id", requestID)
	fail := func(err error) {
		ctx := cdi.WithRequest(r.Context(), cdi.Request{RequestID: requestID, Logger: logger})
		cdi.WriteError(w, r.WithContext(ctx), err)
	}

	path := r.URL.Path
	if c.basePath != "" {
		lower := strings.ToLower(path)
		if lower != c.basePath && !strings.HasPrefix(lower, c.basePath+"/") {
			fail(cdi.ErrNotFound)
			return "unmatched"
		}
		path = path[len(c.basePath):]
	}
	rt := c.resolve(path)
	if rt.methods == nil && rt.path != "/" {
		fail(cdi.ErrNotFound)
		return "unmatched"
	}
	if rt.methods == nil {
		rt.path = "/"
	}

	if msg := c.browserRefusal(r); msg != "" {
		fail(&cdi.HTTPError{Code: http.StatusForbidden, Message: msg})
		return rt.path
	}
	if !noKeyPaths[rt.path] && !c.hostOK(r) {
		fail(&cdi.HTTPError{Code: http.StatusForbidden, Message: "This Host is not allowed without an API key: call the core by a loopback address, add the name to allowed_hosts, or set api_keys"})
		return rt.path
	}
	if r.ContentLength != 0 && !isJSON(r.Header.Get("Content-Type")) {
		fail(&cdi.HTTPError{Code: http.StatusUnsupportedMediaType, Message: "Send the request body as JSON, with Content-Type: application/json"})
		return rt.path
	}
	if !noKeyPaths[rt.path] && !c.keyOK(r) {
		fail(cdi.ErrInvalidAPIKey)
		return rt.path
	}
	version, err := c.version(r, rt.path)
	if err != nil {
		fail(err)
		return rt.path
	}
	if rt.appID != tenantid.DefaultApp {
		fail(cdi.BadRequestf("AppId or tenantId not found => App with the following connectionURIDomain and appId combination not found: (, %s)", rt.appID))
		return rt.path
	}
	tenant, err := c.tenants.Tenant(r.Context(), rt.tenantID)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			err = cdi.BadRequestf("AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, %s, %s)", rt.appID, rt.tenantID)
		}
		fail(err)
		return rt.path
	}

	h := rt.methods[r.Method]
	if rt.path == "/" {
		h = c.hello
	}
	if h == nil {
		fail(cdi.ErrMethodNotSupported)
		return rt.path
	}
	if !noKeyPaths[rt.path] {
		// Paths without the api-key check never verify a dashboard
		// session: that would let anyone test session ids.
		if err := c.checkDashboardSession(w, r); err != nil {
			fail(err)
			return rt.path
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, c.maxBody)
	ctx := cdi.WithRequest(r.Context(), cdi.Request{
		AppID: rt.appID, TenantID: rt.tenantID, Version: version, RequestID: requestID, Logger: logger,
		ClientIP: clientIP(r.Header.Get(cdi.ClientIPHeader)),
		Settings: cdi.TenantSettings{FirstFactors: tenant.FirstFactors,
			RequiredSecondaryFactors: tenant.RequiredSecondaryFactors, CoreConfig: tenant.CoreConfig},
	})
	h.ServeHTTP(w, r.WithContext(ctx))
	return rt.path
}

// browserRefusal says why r, sent by a web browser from a page the core
// did not serve, is refused, or "" when it is not. The core is for
// servers: official SDKs send no Origin and no Sec-Fetch-Site (Node's
// fetch sends only Sec-Fetch-Mode), while a browser marks every
// cross-origin request with Origin and, in current browsers, with
// Sec-Fetch-Site. Without this a page the operator opens could POST
// text/plain to a keyless core and create a dashboard account.
func (c *Core) browserRefusal(r *http.Request) string {
	if origin := r.Header.Get("Origin"); origin != "" {
		if c.origins[strings.ToLower(origin)] {
			return ""
		}
		return "Requests from web browsers are refused: the core is for servers (add the page's origin to allowed_origins to allow it)"
	}
	switch strings.ToLower(r.Header.Get("Sec-Fetch-Site")) {
	case "cross-site", "same-site":
		return "Requests from web browsers are refused: the core is for servers"
	}
	return ""
}

// hostOK reports whether r may name its Host. With API keys every Host
// may; without, only loopback names and Config.AllowedHosts, because a
// DNS-rebinding page reaches a keyless core under its own host name.
// A request that did not come over a socket (in-process, RemoteAddr "")
// passes.
func (c *Core) hostOK(r *http.Request) bool {
	if len(c.apiKeys) > 0 || r.RemoteAddr == "" {
		return true
	}
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSuffix(host, "."), "["), "]")
	if c.hosts[host] || host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// isJSON reports whether a Content-Type is application/json, with or
// without parameters.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}

// clientIP reads the latchkey-client-ip header: an IPv4 address as it is,
// an IPv6 address cut to its /64 (one subscriber usually holds a whole
// /64), anything else "" (not counted per IP).
func clientIP(v string) string {
	ip := net.ParseIP(strings.TrimSpace(v))
	switch {
	case ip == nil:
		return ""
	case ip.To4() != nil:
		return ip.To4().String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// setOf returns vs as a set.
func setOf(vs []string) map[string]bool {
	m := make(map[string]bool, len(vs))
	for _, v := range vs {
		m[v] = true
	}
	return m
}

// keyOK checks the api-key header, or Authorization (Bearer or raw),
// against every configured key in constant time (reference §1.2).
func (c *Core) keyOK(r *http.Request) bool {
	if len(c.apiKeys) == 0 {
		return true
	}
	key := r.Header.Get("api-key")
	if key == "" {
		key = r.Header.Get("Authorization")
		if len(key) >= 7 && strings.EqualFold(key[:7], "bearer ") {
			key = key[7:]
		}
	}
	key = strings.TrimSpace(key)
	ok := 0
	for _, k := range c.apiKeys {
		ok |= subtle.ConstantTimeCompare([]byte(key), []byte(k))
	}
	return ok == 1
}

// version applies the cdi-version rules (reference §1.3) and returns the
// version in effect: the header's, or the newest when there is none.
func (c *Core) version(r *http.Request, path string) (string, error) {
	v := strings.TrimSpace(r.Header.Get("cdi-version"))
	if v == "" {
		return maxVersion, nil
	}
	if !versionPattern.MatchString(v) {
		return "", cdi.BadRequest("cdi-version header is invalid")
	}
	if anyVersionPaths[path] {
		return v, nil
	}
	if compareVersions(v, maxVersion) > 0 {
		return "", cdi.BadRequestf("cdi-version %s not supported", v)
	}
	for _, s := range supportedVersions {
		if s == v {
			return v, nil
		}
	}
	return "", cdi.BadRequestf("cdi-version %s not supported", v)
}

// compareVersions compares dotted numeric versions.
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusRecorder remembers the status code written, for metrics.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
