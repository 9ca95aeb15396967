package latchkey

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/latchkey-dev/latchkey/internal/dashcheck"
	"github.com/latchkey-dev/latchkey/internal/redact"
)

// CDIVersion is the Core Driver Interface version the SDK speaks.
const CDIVersion = "5.4"

// ErrNoCoreAvailable is returned when every core in the connection URI
// refused the connection.
var ErrNoCoreAvailable = errors.New("latchkey: no core available to query: every core in Core.ConnectionURI refused the connection")

// CoreError is a core answer other than 200: the core rejected the request
// (400), the API key (401), or failed (500). Business outcomes such as a
// wrong password are not CoreErrors; they are 200 answers with a status.
type CoreError struct {
	Method string
	Path   string
	Code   int
	// Body is the core's message, such as "Invalid API key".
	Body string
}

// Error implements error.
func (e *CoreError) Error() string {
	return fmt.Sprintf("latchkey: the core answered %d to %s %s: %s", e.Code, e.Method, e.Path, e.Body)
}

// CoreRequest is one call to the core.
type CoreRequest struct {
	// Method is the HTTP method. Default: GET.
	Method string
	// Path is the CDI path, such as "/recipe/signup".
	Path string
	// TenantID, when set, prefixes the path with "/{TenantID}" for the
	// tenant-scoped endpoints (reference/cdi-core.md §1.1).
	TenantID string
	// Query is the query string.
	Query url.Values
	// Body is sent as JSON when not nil.
	Body any
	// RecipeID is sent in the rid header, which the core uses to choose
	// between recipes that share a path.
	RecipeID string
}

// CoreClient calls the core: over HTTP, round robin across the hosts of the
// connection URI, or in-process through a handler. It negotiates the CDI
// version on first use and caches the answer (reference/cdi-core.md §1.6).
type CoreClient struct {
	hosts  []coreHost
	client *http.Client
	apiKey string
	// clientIP names the end user's address for the core's per-IP
	// brute-force limits (Config.ClientIP).
	clientIP func(*http.Request) string
	// versionQuery is the apiDomain and websiteDomain sent to /apiversion.
	versionQuery url.Values
	next         atomic.Uint64

	mu      sync.Mutex
	version string // "" until negotiated

	// suspendedMessage is Config.SuspendedMessage: a suspended user's
	// refusal becomes a *GeneralError with it.
	suspendedMessage string
}

type coreHost struct {
	domain   string // scheme://host:port
	basePath string // "" or "/base"
}

// inProcessHost is the made-up origin of in-process calls; nothing
// resolves it, because the transport never dials.
const inProcessHost = "http://core.in-process"

func newCoreClient(cfg CoreConfig, app *App) (*CoreClient, error) {
	c := &CoreClient{apiKey: strings.TrimSpace(cfg.APIKey)}
	q := url.Values{"apiDomain": {app.APIDomain}}
	if app.origin != nil {
		if o, err := app.origin(nil); err == nil {
			q.Set("websiteDomain", o)
		}
	}
	c.versionQuery = q
	switch {
	case cfg.Handler != nil && strings.TrimSpace(cfg.ConnectionURI) != "":
		return nil, errors.New("latchkey: set either Core.Handler (in-process) or Core.ConnectionURI, not both")
	case cfg.Handler != nil:
		c.hosts = []coreHost{{domain: inProcessHost}}
		c.client = &http.Client{Transport: handlerTransport{h: cfg.Handler}}
		return c, nil
	case strings.TrimSpace(cfg.ConnectionURI) == "":
		return nil, errors.New("latchkey: Core.ConnectionURI is required (such as \"http://127.0.0.1:3567\"), or Core.Handler for an in-process core")
	}
	var errs []error
	for _, raw := range strings.Split(cfg.ConnectionURI, ";") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("latchkey: Core.ConnectionURI: %q is not an http(s) URL such as http://127.0.0.1:3567", raw))
			continue
		}
		c.hosts = append(c.hosts, coreHost{domain: u.Scheme + "://" + u.Host, basePath: strings.TrimRight(u.Path, "/")})
	}
	if len(c.hosts) == 0 && len(errs) == 0 {
		errs = append(errs, errors.New("latchkey: Core.ConnectionURI holds no URL"))
	}
	c.client = cfg.HTTPClient
	if c.client == nil {
		c.client = &http.Client{Timeout: 30 * time.Second, Transport: NewCoreTransport()}
	}
	return c, errors.Join(errs...)
}

// coreIdleConns is how many idle connections the default transport keeps
// to each core. A backend calls the core from every request it serves at
// once; http.DefaultTransport keeps 2 per host and closes the others after
// each call, so under load most calls paid for a new TCP connection (and
// the core for a new goroutine and buffers).
const coreIdleConns = 256

// NewCoreTransport returns the transport the SDK's default core client
// uses: http.DefaultTransport's settings (proxy from the environment,
// dial and TLS timeouts, HTTP/2 when the core offers it), keeping up to 256
// idle connections to each core instead of 2. Wrap it when you set
// CoreConfig.HTTPClient yourself, to keep that.
func NewCoreTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = coreIdleConns
	t.MaxIdleConnsPerHost = coreIdleConns
	return t
}

// Do sends req and decodes the core's JSON answer into out (unless out is
// nil). A non-200 answer is a *CoreError.
func (c *CoreClient) Do(ctx context.Context, req CoreRequest, out any) error {
	if req.Path != "/apiversion" {
		if _, err := c.Version(ctx); err != nil {
			return err
		}
	}
	return c.do(ctx, req, out, true)
}

// Version negotiates the CDI version with the core on first use, through
// GET /apiversion, and returns it. A failure is not cached.
func (c *CoreClient) Version(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != "" {
		return c.version, nil
	}
	var resp struct {
		Versions []string `json:"versions"`
	}
	if err := c.do(ctx, CoreRequest{Path: "/apiversion", Query: c.versionQuery}, &resp, false); err != nil {
		return "", err
	}
	if !slices.Contains(resp.Versions, CDIVersion) {
		return "", fmt.Errorf("latchkey: the core does not speak CDI %s (it speaks %s): use a Latchkey core or SuperTokens core that supports it", CDIVersion, strings.Join(resp.Versions, ", "))
	}
	c.version = CDIVersion
	return c.version, nil
}

// JWKS fetches the core's public signing keys, GET /.well-known/jwks.json,
// trying each host in turn. Like node, it sends no api-key and no
// cdi-version.
func (c *CoreClient) JWKS(ctx context.Context) ([]byte, error) {
	var lastErr error = ErrNoCoreAvailable
	for _, h := range c.hosts {
		r, err := http.NewRequestWithContext(ctx, http.MethodGet, h.domain+h.basePath+"/.well-known/jwks.json", nil)
		if err != nil {
			return nil, err
		}
		resp, err := c.client.Do(r)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			lastErr = fmt.Errorf("latchkey: fetching the JWKS: %w", redact.Error(err))
			continue
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if err != nil {
			lastErr = err
			continue
		}
		if resp.StatusCode != http.StatusOK {
			lastErr = &CoreError{Method: "GET", Path: "/.well-known/jwks.json", Code: resp.StatusCode, Body: strings.TrimSpace(string(body))}
			continue
		}
		return body, nil
	}
	return nil, lastErr
}

// do sends one request, round robin with failover across hosts, retrying
// 429 answers on the same host with the reference's delays.
func (c *CoreClient) do(ctx context.Context, req CoreRequest, out any, sendVersion bool) error {
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	path := req.Path
	if req.TenantID != "" {
		path = "/" + url.PathEscape(req.TenantID) + path
	}
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = json.Marshal(req.Body); err != nil {
			return fmt.Errorf("latchkey: encoding the request to %s: %w", req.Path, err)
		}
	}
	// While serving a dashboard read, every GET carries the dashboard
	// session for the core to verify (internal/dashcheck). Other methods
	// never do: the core refuses the header on them.
	chk := dashcheck.From(ctx)
	if method != http.MethodGet {
		chk = nil
	}
	n := len(c.hosts)
	for try := 0; try < n; try++ {
		h := c.hosts[int((c.next.Add(1)-1)%uint64(n))]
		u := h.domain + h.basePath + path
		if len(req.Query) > 0 {
			u += "?" + req.Query.Encode()
		}
		for attempt := 0; ; attempt++ {
			resp, err := c.send(ctx, method, u, body, req.RecipeID, sendVersion, chk)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if isConnectionError(err) {
					break // the next host
				}
				// The client's error carries the URL, whose query may hold
				// a session id or a token: never let it reach a log.
				return fmt.Errorf("latchkey: calling the core, %s %s: %w", method, req.Path, redact.Error(err))
			}
			raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
			resp.Body.Close()
			if err != nil {
				return fmt.Errorf("latchkey: reading the core's answer to %s %s: %w", method, req.Path, err)
			}
			if chk != nil {
				// A Latchkey core confirmed or refused the dashboard
				// session that send put in the request.
				if resp.Header.Get(dashcheck.Header) == dashcheck.Verified {
					chk.Confirm()
				}
				if resp.StatusCode == http.StatusUnauthorized && strings.TrimSpace(string(raw)) == dashcheck.InvalidMessage {
					chk.Refuse()
					return fmt.Errorf("%w (refused by the core with %s %s)", ErrDashboardSessionInvalid, method, req.Path)
				}
			}
			if resp.StatusCode == http.StatusTooManyRequests && attempt < 5 {
				// reference/cdi-core.md §1.6: 10 + 250*attempt ms.
				t := time.NewTimer(time.Duration(10+250*attempt) * time.Millisecond)
				select {
				case <-ctx.Done():
					t.Stop()
					return ctx.Err()
				case <-t.C:
				}
				continue
			}
			if resp.StatusCode != http.StatusOK {
				ce := &CoreError{Method: method, Path: path, Code: resp.StatusCode, Body: strings.TrimSpace(string(raw))}
				if ce.Code == http.StatusForbidden && ce.Body == "User is suspended" && c.suspendedMessage != "" {
					// POST /recipe/session for a suspended user.
					return &SuspendedError{Message: c.suspendedMessage, cause: ce}
				}
				return ce
			}
			if c.suspendedMessage != "" && isSuspendedRefusal(raw) {
				return &SuspendedError{Message: c.suspendedMessage}
			}
			if out == nil {
				return nil
			}
			if err := json.Unmarshal(raw, out); err != nil {
				return fmt.Errorf("latchkey: the core's answer to %s %s is not the expected JSON: %w", method, req.Path, err)
			}
			return nil
		}
	}
	return ErrNoCoreAvailable
}

func (c *CoreClient) send(ctx context.Context, method, u string, body []byte, rid string, sendVersion bool, chk *dashcheck.Check) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	r, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	if sendVersion {
		r.Header.Set("cdi-version", CDIVersion)
	}
	if c.apiKey != "" {
		r.Header.Set("api-key", c.apiKey)
	}
	if body != nil {
		r.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	if rid != "" {
		r.Header.Set("rid", rid)
	}
	if chk != nil {
		r.Header.Set(dashcheck.Header, chk.SessionID)
	}
	// While serving a request, tell the core whose it is, so that it can
	// throttle sign-ins per client IP (a Latchkey extension header, which
	// other cores ignore).
	if in := RequestFromContext(ctx); in != nil {
		if c.clientIP != nil {
			if ip := c.clientIP(in); ip != "" {
				r.Header.Set(clientIPHeader, ip)
			}
		}
		// And its user agent, for the core's audit log (bounded: the
		// client chooses it).
		if ua := in.UserAgent(); ua != "" {
			r.Header.Set(clientUserAgentHeader, ua[:min(len(ua), 512)])
		}
	}
	return c.client.Do(r)
}

// clientIPHeader names the end user's IP address to a Latchkey core, and
// clientUserAgentHeader their user agent.
const (
	clientIPHeader        = "latchkey-client-ip"
	clientUserAgentHeader = "latchkey-client-user-agent"
)

// RemoteAddrIP is the default Config.ClientIP: the host of r.RemoteAddr,
// the peer that connected. Behind a proxy that is the proxy; set
// Config.ClientIP to read the proxy's header instead.
func RemoteAddrIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// isConnectionError reports whether err means the host could not be
// reached, so that the next host should be tried.
func isConnectionError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// handlerTransport serves requests with an in-process core handler.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil {
		r.Body = http.NoBody
	}
	rec := &recorder{header: http.Header{}}
	t.h.ServeHTTP(rec, r)
	if rec.code == 0 {
		rec.code = http.StatusOK
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", rec.code, http.StatusText(rec.code)),
		StatusCode:    rec.code,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rec.header,
		Body:          io.NopCloser(bytes.NewReader(rec.body.Bytes())),
		ContentLength: int64(rec.body.Len()),
		Request:       r,
	}, nil
}

// recorder is a minimal http.ResponseWriter that keeps the answer.
type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.body.Write(p)
}

// isSuspendedRefusal reports whether a 200 answer is a sign-in endpoint's
// refusal of a suspended user: SIGN_IN_NOT_ALLOWED with "suspended": true.
// The check is a cheap byte search before any decoding, so that other
// answers cost nothing more.
func isSuspendedRefusal(raw []byte) bool {
	if !bytes.Contains(raw, []byte(`"SIGN_IN_NOT_ALLOWED"`)) {
		return false
	}
	var a struct {
		Status    string `json:"status"`
		Suspended bool   `json:"suspended"`
	}
	return json.Unmarshal(raw, &a) == nil && a.Status == "SIGN_IN_NOT_ALLOWED" && a.Suspended
}
