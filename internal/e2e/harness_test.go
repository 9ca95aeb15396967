package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/emaildelivery"
	"github.com/latchkey-dev/latchkey/recipe/emailpassword"
	"github.com/latchkey-dev/latchkey/recipe/emailverification"
	"github.com/latchkey-dev/latchkey/recipe/session"
	"github.com/latchkey-dev/latchkey/recipe/usermetadata"
	"github.com/latchkey-dev/latchkey/recipe/userroles"
)

// clock is a time source that tests move forward, shared by the core and
// the SDK so that tokens expire without sleeping.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// app is an application using the SDK against a real core.
type app struct {
	t     *testing.T
	clock *clock
	core  *coretest.Client
	lk    *latchkey.Latchkey
	sess  *session.Recipe
	ep    *emailpassword.Recipe
	ev    *emailverification.Recipe
	md    *usermetadata.Recipe
	roles *userroles.Recipe
	mail  *emaildelivery.Recorder
	srv   *httptest.Server
}

type options struct {
	evMode  emailverification.Mode // "" leaves email verification out
	website string
	session session.Config
	fields  []emailpassword.Field
	// keepSessionsOnReset sets emailpassword.Config.KeepSessionsOnPasswordReset.
	keepSessionsOnReset bool
	// extra recipes, after the harness's own.
	extra []latchkey.Recipe
	// routes adds the app's own routes to its mux.
	routes func(a *app, mux *http.ServeMux)
	// wrapCore, when set, wraps the core handler the SDK calls, in process
	// or behind a loopback server of its own (to count or refuse calls).
	wrapCore func(http.Handler) http.Handler
	// core, when set, changes the core's configuration.
	core func(*core.Config)
}

// modes runs fn for every core mode: SQLite and PostgreSQL, in-process and
// over loopback HTTP.
func modes(t *testing.T, fn func(t *testing.T, m coretest.Mode)) {
	for _, m := range coretest.Modes() {
		t.Run(m.String(), func(t *testing.T) {
			t.Parallel()
			fn(t, m)
		})
	}
}

// newApp starts a core in mode m and an app server with the SDK in front
// of it. The app serves GET /api/me behind VerifySession.
func newApp(t *testing.T, m coretest.Mode, o options) *app {
	t.Helper()
	clk := &clock{}
	c := coretest.Start(t, m, func(cfg *core.Config) {
		cfg.Now = clk.Now
		if o.core != nil {
			o.core(cfg)
		}
	})
	srv := httptest.NewUnstartedServer(nil)
	a := &app{t: t, clock: clk, core: c, mail: &emaildelivery.Recorder{}, srv: srv}
	coreCfg := latchkey.CoreConfig{ConnectionURI: c.URL}
	if m.InProcess {
		coreCfg = latchkey.CoreConfig{Handler: c.Core}
	}
	if o.wrapCore != nil {
		coreCfg = latchkey.CoreConfig{Handler: o.wrapCore(c.Core)}
		if !m.InProcess {
			front := httptest.NewServer(o.wrapCore(c.Core))
			t.Cleanup(front.Close)
			coreCfg = latchkey.CoreConfig{ConnectionURI: front.URL}
		}
	}
	website := o.website
	if website == "" {
		website = "http://localhost:3000"
	}
	a.sess = session.New(o.session)
	a.ep = emailpassword.New(emailpassword.Config{EmailDelivery: a.mail, SignUpFields: o.fields, KeepSessionsOnPasswordReset: o.keepSessionsOnReset})
	a.md = usermetadata.New(usermetadata.Config{})
	a.roles = userroles.New(userroles.Config{})
	recipes := []latchkey.Recipe{a.sess, a.ep, a.md, a.roles}
	recipes = append(recipes, o.extra...)
	if o.evMode != "" {
		a.ev = emailverification.New(emailverification.Config{Mode: o.evMode, EmailDelivery: a.mail})
		recipes = append(recipes, a.ev)
	}
	lk, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "E2E", APIDomain: "http://" + srv.Listener.Addr().String(), WebsiteDomain: website},
		Core:    coreCfg,
		Recipes: recipes,
		Logger:  slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		Now:     clk.Now,
	})
	if err != nil {
		t.Fatalf("latchkey.New: %v", err)
	}
	a.lk = lk
	mux := http.NewServeMux()
	mux.Handle("GET /api/me", a.sess.VerifySession(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := session.FromContext(r.Context())
		if !ok {
			http.Error(w, "no session", 500)
			return
		}
		latchkey.WriteJSON(w, 200, map[string]any{"userId": s.UserID(), "handle": s.Handle(), "payload": s.AccessTokenPayload()})
	})))
	if o.routes != nil {
		o.routes(a, mux)
	}
	srv.Config.Handler = lk.Middleware(mux)
	srv.Start()
	t.Cleanup(srv.Close)
	return a
}

// browser is a client with a cookie jar, like a browser in cookie mode,
// or one that keeps header tokens, like web-js in header mode.
type browser struct {
	t      *testing.T
	a      *app
	http   *http.Client
	header bool // header mode: keep st-access-token/st-refresh-token
	access string
	refr   string
	front  string
}

func (a *app) browser(headerMode bool) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: a.t, a: a, http: &http.Client{Jar: jar}, header: headerMode}
}

type response struct {
	code   int
	header http.Header
	body   map[string]any
	raw    string
}

// do sends a request the way web-js does: rid, fdi-version, st-auth-mode,
// and in header mode the access token (or, for refresh, the refresh
// token) as a Bearer token.
func (b *browser) do(method, path string, body any, hdr ...string) *response {
	b.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, b.a.srv.URL+path, rd)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("rid", "anti-csrf")
	mode := "cookie"
	if b.header {
		mode = "header"
		tok := b.access
		if strings.HasSuffix(path, "/session/refresh") {
			tok = b.refr
		}
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
	}
	req.Header.Set("st-auth-mode", mode)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := b.http.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := &response{code: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &r.body)
	if v, ok := resp.Header[http.CanonicalHeaderKey("st-access-token")]; ok {
		b.access = v[0]
	}
	if v, ok := resp.Header[http.CanonicalHeaderKey("st-refresh-token")]; ok {
		b.refr = v[0]
	}
	if v := resp.Header.Get("front-token"); v != "" {
		b.front = v
	}
	return r
}

func (b *browser) post(path string, body any, hdr ...string) *response {
	b.t.Helper()
	return b.do("POST", path, body, hdr...)
}

func (b *browser) get(path string, hdr ...string) *response {
	b.t.Helper()
	return b.do("GET", path, nil, hdr...)
}

// cookie returns the jar's value of a cookie for path.
func (b *browser) cookie(name, path string) string {
	u, _ := url.Parse(b.a.srv.URL + path)
	for _, c := range b.http.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// frontPayload decodes the last front token's payload.
func (b *browser) frontPayload() map[string]any {
	b.t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b.front)
	if err != nil {
		b.t.Fatalf("front-token %q: %v", b.front, err)
	}
	var ft struct {
		UID string         `json:"uid"`
		ATE int64          `json:"ate"`
		UP  map[string]any `json:"up"`
	}
	if err := json.Unmarshal(raw, &ft); err != nil {
		b.t.Fatalf("front-token: %v", err)
	}
	return ft.UP
}

func fields(kv ...string) map[string]any {
	var ff []map[string]any
	for i := 0; i+1 < len(kv); i += 2 {
		ff = append(ff, map[string]any{"id": kv[i], "value": kv[i+1]})
	}
	return map[string]any{"formFields": ff}
}

func (r *response) want(t *testing.T, code int, status string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("got %d %s, want %d", r.code, r.raw, code)
	}
	if status != "" && r.body["status"] != status {
		t.Fatalf("got status %v (%s), want %s", r.body["status"], r.raw, status)
	}
}

// setCookies returns the response's Set-Cookie lines for name.
func (r *response) setCookies(name string) []string {
	var out []string
	for _, c := range r.header.Values("Set-Cookie") {
		if strings.HasPrefix(c, name+"=") {
			out = append(out, c)
		}
	}
	return out
}
