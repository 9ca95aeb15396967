package dashboard

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey"
)

// headPlaceholder is where index.html takes the SDK's <base> and
// configuration elements (web/dashboard/README.md, "Contract with the Go
// side").
const headPlaceholder = "<!--latchkey:head-->"

// hashedAsset matches the file names Vite gives to built files,
// name-XXXXXXXX.ext: their content never changes under a name, so they may
// be cached for a year.
var hashedAsset = regexp.MustCompile(`-[A-Za-z0-9_-]{8}\.[A-Za-z0-9]+$`)

// contentTypes are the types of the files the UI ships. They are fixed
// here rather than taken from the system's mime.types, which differ
// between machines.
var contentTypes = map[string]string{
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".webp":  "image/webp",
	".woff2": "font/woff2",
	".json":  "application/json",
	".map":   "application/json",
	".txt":   "text/plain; charset=utf-8",
	".html":  "text/html; charset=utf-8",
}

// compressible are the extensions worth keeping a gzip copy of.
var compressible = map[string]bool{".js": true, ".mjs": true, ".css": true, ".svg": true, ".json": true, ".map": true, ".txt": true}

// pageConfig is the JSON the UI reads from #latchkey-config
// (web/dashboard/src/config.ts).
type pageConfig struct {
	DashboardPath      string        `json:"dashboardPath"`
	APIBasePath        string        `json:"apiBasePath"`
	ConnectionURI      string        `json:"connectionURI"`
	AuthMode           AuthMode      `json:"authMode"`
	IsSearchEnabled    bool          `json:"isSearchEnabled"`
	Recipes            recipesConfig `json:"recipes"`
	CoreAPIKeyRequired bool          `json:"coreAPIKeyRequired"`
}

// recipesConfig says which features the UI may offer.
type recipesConfig struct {
	EmailPassword     bool `json:"emailpassword"`
	Passwordless      bool `json:"passwordless"`
	EmailVerification bool `json:"emailverification"`
	UserMetadata      bool `json:"usermetadata"`
	UserRoles         bool `json:"userroles"`
	Multitenancy      bool `json:"multitenancy"`
}

// initUI renders the page and sets the policy: the embedded build from
// ui, or the page of Config.BundleLocation.
func (rc *Recipe) initUI(ui fs.FS, enabled bool) error {
	var err error
	switch {
	case strings.TrimSpace(rc.cfg.BundleLocation) != "":
		err = rc.initBundle(strings.TrimSpace(rc.cfg.BundleLocation))
	case enabled:
		err = rc.initEmbedded(ui)
		rc.csp = DefaultCSP
	}
	if rc.cfg.CSP != "" {
		rc.csp = rc.cfg.CSP
	}
	if rc.cfg.DisableCSP {
		rc.csp = ""
	}
	return err
}

// initEmbedded fills index.html's placeholder and keeps gzip copies of the
// assets.
func (rc *Recipe) initEmbedded(ui fs.FS) error {
	index, err := fs.ReadFile(ui, "index.html")
	if err != nil {
		return fmt.Errorf("dashboard: the embedded UI has no index.html (rebuild web/dashboard, or build with -tags no_ui): %w", err)
	}
	if !bytes.Contains(index, []byte(headPlaceholder)) {
		return errors.New("dashboard: the embedded index.html has no " + headPlaceholder + " placeholder: rebuild web/dashboard")
	}
	app := rc.lk.App()
	cfg := pageConfig{
		DashboardPath:   app.APIBasePath + "/dashboard",
		APIBasePath:     app.APIBasePath,
		ConnectionURI:   rc.connectionURI(),
		AuthMode:        rc.authMode(),
		IsSearchEnabled: true, // every core that speaks CDI 5.4 can search
		Recipes: recipesConfig{
			EmailPassword:     rc.ep != nil,
			Passwordless:      rc.pwless != nil,
			EmailVerification: rc.ev != nil,
			UserMetadata:      rc.md != nil,
			UserRoles:         rc.roles != nil,
			Multitenancy:      false, // tenants are listed, not managed
		},
		CoreAPIKeyRequired: rc.lk.Core().HasAPIKey(),
	}
	// json.Marshal writes <, > and & as \u003c, \u003e and \u0026, so the
	// JSON cannot close the element it sits in.
	raw, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("dashboard: encoding the page configuration: %w", err)
	}
	head := `<base href="` + html.EscapeString(app.APIBasePath+"/dashboard/") + `">` +
		`<script type="application/json" id="latchkey-config">` + string(raw) + `</script>`
	rc.page = bytes.Replace(index, []byte(headPlaceholder), []byte(head), 1)
	rc.ui = ui
	rc.gz = map[string][]byte{}
	entries, err := fs.ReadDir(ui, "assets")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("dashboard: reading the embedded assets: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !compressible[path.Ext(e.Name())] {
			continue
		}
		plain, err := fs.ReadFile(ui, "assets/"+e.Name())
		if err != nil {
			return fmt.Errorf("dashboard: reading %s: %w", e.Name(), err)
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(plain)
		_ = zw.Close()
		if buf.Len() < len(plain) {
			rc.gz[e.Name()] = buf.Bytes()
		}
	}
	return nil
}

// initBundle renders the page of another dashboard build, with the five
// window variables of reference/dashboard.md §2.2, and the policy that lets
// it run.
func (rc *Recipe) initBundle(location string) error {
	loc := strings.TrimRight(location, "/")
	u, err := url.Parse(loc)
	var origin string
	switch {
	case err != nil:
	case (u.Scheme == "https" || u.Scheme == "http") && u.Host != "":
		origin = u.Scheme + "://" + u.Host
	case u.Scheme == "" && u.Host == "" && strings.HasPrefix(loc, "/"):
		// A same-origin path: 'self' covers it.
	default:
		err = errors.New("not an http(s) URL or an absolute path")
	}
	if err != nil {
		return fmt.Errorf("dashboard: Config.BundleLocation %q: %v: use the URL of a dashboard build/ folder, such as https://cdn.jsdelivr.net/gh/supertokens/dashboard@v0.15/build/", location, err)
	}
	app := rc.lk.App()
	js := func(s string) string {
		b, _ := json.Marshal(s) // HTML-safe: <, > and & are escaped
		return string(b)
	}
	script := "\n" +
		"window.staticBasePath = " + js(loc+"/static") + "\n" +
		"window.dashboardAppPath = " + js(app.APIBasePath+"/dashboard") + "\n" +
		"window.connectionURI = " + js(rc.connectionURI()) + "\n" +
		"window.authMode = " + js(string(rc.authMode())) + "\n" +
		"window.isSearchEnabled = " + js("true") + "\n"
	attr := html.EscapeString
	rc.page = []byte(`<html><head>` +
		`<meta name="viewport" content="width=device-width, initial-scale=1.0">` +
		`<script>` + script + `</script>` +
		`<script defer src="` + attr(loc+"/static/js/bundle.js") + `"></script>` +
		`<link href="` + attr(loc+"/static/css/main.css") + `" rel="stylesheet" type="text/css">` +
		`<link rel="icon" type="image/x-icon" href="` + attr(loc+"/static/media/favicon.ico") + `">` +
		`</head><body><noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div></body></html>`)
	sum := sha256.Sum256([]byte(script))
	hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	src := "'self'"
	if origin != "" {
		src += " " + origin
	}
	rc.csp = "default-src 'self'; script-src " + src + " " + hash +
		"; style-src " + src + " https://fonts.googleapis.com; font-src 'self' https://fonts.gstatic.com" +
		"; img-src " + src + " data: https://purecatamphetamine.github.io; connect-src 'self'" +
		"; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
	return nil
}

// setSecurityHeaders sets the headers of every dashboard response.
func (rc *Recipe) setSecurityHeaders(h http.Header) {
	if rc.csp != "" {
		h.Set("Content-Security-Policy", rc.csp)
	}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
}

// serveUI serves GET and HEAD {apiBasePath}[/{tenantId}]/dashboard[/…]:
// the hashed files under assets/, and the page for every other path, so
// that a reload anywhere in the app works. API paths that no route took
// are passed on.
func (rc *Recipe) serveUI(w http.ResponseWriter, r *http.Request) error {
	sub, ok := rc.uiSubPath(r.URL.Path)
	if !ok || rc.page == nil {
		return latchkey.ErrNotHandled
	}
	lower := strings.ToLower(sub)
	if lower == "/api" || strings.HasPrefix(lower, "/api/") {
		return latchkey.ErrNotHandled
	}
	rc.setSecurityHeaders(w.Header())
	if strings.HasPrefix(lower, "/assets/") {
		rc.serveAsset(w, r, sub[len("/assets/"):])
		return nil
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(rc.page))
	return nil
}

// serveAsset serves assets/name of the embedded build: a year of caching
// for hashed names, a gzip copy to clients that take it.
func (rc *Recipe) serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	p := "assets/" + name
	if rc.ui == nil || name == "" || strings.Contains(name, "/") || !fs.ValidPath(p) {
		http.NotFound(w, r)
		return
	}
	if st, err := fs.Stat(rc.ui, p); err != nil || !st.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	ct, ok := contentTypes[strings.ToLower(path.Ext(name))]
	if !ok {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	if hashedAsset.MatchString(name) {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if gz, ok := rc.gz[name]; ok {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			h.Set("Content-Encoding", "gzip")
			http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(gz))
			return
		}
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath = "/"+p, ""
	http.FileServerFS(rc.ui).ServeHTTP(w, r2)
}

// uiSubPath returns what follows "/dashboard" in a request path below the
// API base path, with or without a tenant segment, keeping its case (asset
// names have capitals, while the SDK matches routes in lower case).
func (rc *Recipe) uiSubPath(raw string) (string, bool) {
	app := rc.lk.App()
	// A gateway strips its path before the request reaches us.
	base := strings.TrimPrefix(app.APIBasePath, app.APIGatewayPath)
	if len(raw) < len(base) || !strings.EqualFold(raw[:len(base)], base) {
		return "", false
	}
	rest := raw[len(base):]
	if sub, ok := cutDashboard(rest); ok {
		return sub, true
	}
	if len(rest) > 1 {
		if i := strings.IndexByte(rest[1:], '/'); i >= 0 {
			return cutDashboard(rest[i+1:])
		}
	}
	return "", false
}

// cutDashboard returns what follows a leading "/dashboard" segment of s.
func cutDashboard(s string) (string, bool) {
	const d = "/dashboard"
	if len(s) < len(d) || !strings.EqualFold(s[:len(d)], d) {
		return "", false
	}
	sub := s[len(d):]
	if sub != "" && sub[0] != '/' {
		return "", false
	}
	return sub, true
}

// acceptsGzip reports whether an Accept-Encoding value takes gzip.
func acceptsGzip(v string) bool {
	for _, part := range strings.Split(v, ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(enc), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
