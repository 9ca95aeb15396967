package nodesdk

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/store/postgres"
)

// sdkPackage is the file whose presence shows that npm installed the pinned
// SDK (package.json pins supertokens-node 24.0.3).
const sdkPackage = "node_modules/supertokens-node/package.json"

// npmCI is the command that installs the pinned SDK (the Makefile's
// ui-deps target should run it before the tests).
const npmCI = "cd internal/e2e/nodesdk && npm ci --no-audit --no-fund"

// apiKey is the core's API key: the SDK must send it on every core call.
const apiKey = "nodesdk-e2e-api-key-0123456789"

// Dashboard accounts, created on the core the way the dashboard's sign-up
// screen tells the operator to (reference/dashboard.md §5.2): an admin,
// and a viewer who is not in the dashboard recipe's admins.
const (
	dashboardEmail          = "operator@example.com"
	dashboardPassword       = "operator-pass-1"
	dashboardViewerEmail    = "viewer@example.com"
	dashboardViewerPassword = "viewer-pass-1"
)

// ensureNodeModules makes sure the pinned SDK is installed. Under CI=true,
// where the test must run, it runs `npm ci` from the lock file when
// node_modules is missing and fails if that fails; locally it skips,
// naming the command.
func ensureNodeModules(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	ci := os.Getenv("CI") == "true"
	if err != nil {
		if ci {
			t.Fatal("node is not installed (CI=true: the Node SDK test must run)")
		}
		t.Skip("Node SDK test skipped: node is not installed")
	}
	if _, err := os.Stat(sdkPackage); err == nil {
		return node
	}
	if !ci {
		t.Skipf("Node SDK test skipped: supertokens-node is not installed: run %s", npmCI)
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatalf("supertokens-node is missing and npm is not installed: run %s", npmCI)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in internal/e2e/nodesdk: %v\n%s", err, out)
	}
	if _, err := os.Stat(sdkPackage); err != nil {
		t.Fatalf("npm ci in internal/e2e/nodesdk did not install supertokens-node: %v", err)
	}
	return node
}

// call is one request the SDK made to the core, as the recorder saw it.
type call struct {
	Core       string          `json:"core"` // which core answered: "core0", "core1", ...
	Method     string          `json:"method"`
	Path       string          `json:"path"`
	Query      string          `json:"query"`
	RID        string          `json:"rid,omitempty"`
	CDIVersion string          `json:"cdiVersion,omitempty"`
	Body       json.RawMessage `json:"body,omitempty"`
	APIKeySent bool            `json:"apiKeySent"`
	Status     int             `json:"status"`
	// Response is the core's answer, kept only when it is not a 200, to
	// show in a failure.
	Response string `json:"response,omitempty"`
	apiKey   string
}

func (c call) String() string {
	s := fmt.Sprintf("%s: %s %s", c.Core, c.Method, c.Path)
	if c.Query != "" {
		s += "?" + c.Query
	}
	s += fmt.Sprintf(" -> %d", c.Status)
	if c.Response != "" {
		s += " " + strings.TrimSpace(c.Response)
	}
	return s
}

// callsPath is served by the recorder itself, never by the core: it
// returns the calls since the previous request to it, so that a script can
// assert the exact sequence one SDK function caused.
const callsPath = "/_nodesdk/calls"

// recorder sits between the SDK and the cores, logging every call in one
// log, in the order the cores answered them.
type recorder struct {
	mu    sync.Mutex
	all   []call
	since int // index in all of the first call not yet drained
}

// front returns the handler that the SDK reaches for one core: it passes
// each request to the core and logs it with the core's answer, or serves
// callsPath. The answer is buffered so that its code and, for a failure,
// its body can be logged.
func (rec *recorder) front(name string, core http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == callsPath {
			rec.mu.Lock()
			out := append([]call{}, rec.all[rec.since:]...)
			rec.since = len(rec.all)
			rec.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(out)
			return
		}
		c := call{
			Core:       name,
			Method:     r.Method,
			Path:       r.URL.Path,
			Query:      r.URL.RawQuery,
			RID:        r.Header.Get("rid"),
			CDIVersion: r.Header.Get("cdi-version"),
			apiKey:     r.Header.Get("api-key"),
		}
		c.APIKeySent = c.apiKey != ""
		if r.Body != nil {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if json.Valid(body) {
				c.Body = body
			}
		}
		rw := httptest.NewRecorder()
		core.ServeHTTP(rw, r)
		c.Status = rw.Code
		if rw.Code != http.StatusOK {
			c.Response = rw.Body.String()
		}
		rec.mu.Lock()
		rec.all = append(rec.all, c)
		rec.mu.Unlock()
		for k, vs := range rw.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rw.Code)
		w.Write(rw.Body.Bytes())
	})
}

// calls returns every call recorded so far.
func (rec *recorder) calls() []call {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]call{}, rec.all...)
}

// checkHeaders asserts what reference/cdi-core.md §1.6 says the SDK sends,
// and that the core answered every call with a 200: the SDK treats any
// other code as an exception, so a non-200 that a script survived means
// the SDK swallowed a core error somewhere.
//
// refused lists the non-200 answers a script provokes on purpose, as
// "METHOD /path" to the code; each must happen exactly as listed.
// allow accepts other non-200 answers a script expects and checks.
func checkHeaders(t *testing.T, calls []call, refused map[string]int, allow func(call) bool) {
	t.Helper()
	sawVersion := false
	for _, c := range calls {
		switch {
		case c.Path == "/.well-known/jwks.json":
			// Local verification fetches the JWKS with jose, without the
			// key or a version (so the core must serve it keyless), while
			// Session.getJWKS fetches it through the SDK's querier, with
			// both.
			if c.apiKey != "" && c.apiKey != apiKey {
				t.Errorf("%s: api-key = %q, want none or the configured key", c, c.apiKey)
			}
		case c.Path == "/apiversion":
			sawVersion = true
			if c.apiKey != apiKey {
				t.Errorf("%s: api-key = %q, want the configured key", c, c.apiKey)
			}
			if c.CDIVersion != "" {
				t.Errorf("%s: cdi-version = %q, want none before negotiation", c, c.CDIVersion)
			}
		default:
			if c.apiKey != apiKey {
				t.Errorf("%s: api-key = %q, want the configured key", c, c.apiKey)
			}
			// 5.4 is the only version the SDK supports, so every call
			// after /apiversion carrying it shows negotiation succeeded.
			if c.CDIVersion != "5.4" {
				t.Errorf("%s: cdi-version = %q, want the negotiated 5.4", c, c.CDIVersion)
			}
		}
		if code, ok := refused[c.Method+" "+c.Path]; ok && c.Status == code {
			continue
		}
		if c.Status != http.StatusOK && (allow == nil || !allow(c)) {
			t.Errorf("core answered %s", c)
		}
	}
	if len(calls) > 0 && !sawVersion {
		t.Errorf("the SDK made %d core calls but never GET /apiversion", len(calls))
	}
}

// startCores starts n cores of the given engine with the API key set,
// each behind the recorder on a loopback server of its own. It returns the
// first core's test client (which talks to it directly) and the URLs the
// SDK is to use. More than one core shares one PostgreSQL schema, as
// processes that scale out do (DESIGN.md: the core is stateless).
func startCores(t *testing.T, engine string, n int, configure func(*core.Config)) (*coretest.Client, *recorder, []string) {
	t.Helper()
	rec := &recorder{}
	var first *coretest.Client
	var urls []string
	var shared string
	if n > 1 {
		shared = coretest.PostgresURL(t)
	}
	for i := range n {
		var cl *coretest.Client
		if n == 1 {
			cl = coretest.Start(t, coretest.Mode{Engine: engine}, func(cfg *core.Config) {
				cfg.APIKeys = []string{apiKey}
				if configure != nil {
					configure(cfg)
				}
			})
		} else {
			st, err := postgres.Open(t.Context(), shared)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			cfg := core.Config{
				Store:           st,
				APIKeys:         []string{apiKey},
				Logger:          slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
				CleanupInterval: -1,
				PasswordHashing: core.PasswordHashing{BcryptCost: 4},
			}
			if configure != nil {
				configure(&cfg)
			}
			c, err := core.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			cl = coretest.Connect(t, c, st, coretest.Mode{Engine: "postgres"})
		}
		cl.Header.Set("api-key", apiKey)
		if first == nil {
			first = cl
		}
		srv := httptest.NewServer(rec.front(fmt.Sprintf("core%d", i), cl.Core))
		t.Cleanup(srv.Close)
		urls = append(urls, srv.URL)
	}
	return first, rec, urls
}

// runScript runs scenarios/<name>.js with the SDK pointed at coreURLs, and
// fails the test with the script's output and the recorded calls unless it
// exits 0.
func runScript(t *testing.T, node, name string, coreURLs []string, rec *recorder, env ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("scenarios", name+".js"))
	cmd.Env = append(os.Environ(),
		"LATCHKEY_CORE_URL="+coreURLs[0],
		// The SDK's own syntax for several cores (§1.6 "Hosts").
		"LATCHKEY_CONNECTION_URI="+strings.Join(coreURLs, ";"),
		"LATCHKEY_API_KEY="+apiKey,
		"LATCHKEY_CALLS_URL="+coreURLs[0]+callsPath,
	)
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		var log strings.Builder
		if rec != nil {
			for _, c := range rec.calls() {
				fmt.Fprintf(&log, "  %s\n", c)
			}
		}
		t.Fatalf("node scenarios/%s.js: %v\n--- output ---\n%s--- core calls ---\n%s", name, err, out, log.String())
	}
	t.Logf("node scenarios/%s.js:\n%s", name, out)
}

// TestNodeSDK runs every scenario group on each engine, each group on a
// core of its own, so that counts and listings are exact.
func TestNodeSDK(t *testing.T) {
	node := ensureNodeModules(t)
	groups := []struct {
		name   string
		script string // scenarios/<script>.js; default: name
		// cores is how many cores the SDK round-robins over, sharing one
		// store. Default: 1. More than one needs PostgreSQL.
		cores int
		// before prepares the core out of band, as an operator would.
		before func(t *testing.T, cl *coretest.Client)
		env    []string // more environment for the script
		// refused lists the core's non-200 answers the script provokes
		// on purpose ("METHOD /path" to the code).
		refused map[string]int
		// core changes the core's configuration.
		core func(*core.Config)
		// allow accepts a non-200 answer the script expects and checks.
		allow func(call) bool
	}{
		{name: "fdi"},
		{name: "fdi-claims"},
		{name: "emailpassword"},
		{name: "thirdparty"},
		{name: "accountlinking"},
		{name: "session"},
		{name: "session-options"},
		// The SDK sends each call to the other core than the one before.
		{name: "fdi-two-cores", script: "fdi", cores: 2},
		{name: "session-two-cores", script: "session", cores: 2},
		{name: "claims"},
		// supertokens-node verifies access tokens of each signing algorithm.
		{name: "signing-rs256", script: "signing-algorithm", env: []string{"LATCHKEY_SIGNING_ALGORITHM=RS256"}},
		{name: "signing-es256", script: "signing-algorithm", env: []string{"LATCHKEY_SIGNING_ALGORITHM=ES256"},
			core: func(cfg *core.Config) { cfg.AccessTokenSigningAlgorithm = "ES256" }},
		{name: "signing-eddsa", script: "signing-algorithm", env: []string{"LATCHKEY_SIGNING_ALGORITHM=EdDSA"},
			core: func(cfg *core.Config) { cfg.AccessTokenSigningAlgorithm = "EdDSA" }},
		{
			name: "suspend",
			// Back-office code asks for a session for a suspended user.
			refused: map[string]int{"POST /public/recipe/session": http.StatusForbidden},
		},
		{name: "multitenancy", allow: func(c call) bool {
			// getTenant of an unknown or removed tenant: the transport's
			// 400, which the script expects the SDK to throw.
			return c.Status == http.StatusBadRequest && c.Method == http.MethodGet &&
				(c.Path == "/no-such-tenant/recipe/multitenancy/tenant/v2" || c.Path == "/customer-1/recipe/multitenancy/tenant/v2")
		}},
		{
			name: "dashboard",
			before: func(t *testing.T, cl *coretest.Client) {
				createDashboardUser(t, cl, dashboardEmail, dashboardPassword)
				createDashboardUser(t, cl, dashboardViewerEmail, dashboardViewerPassword)
			},
			env: []string{
				"LATCHKEY_DASHBOARD_EMAIL=" + dashboardEmail,
				"LATCHKEY_DASHBOARD_PASSWORD=" + dashboardPassword,
				"LATCHKEY_DASHBOARD_VIEWER_EMAIL=" + dashboardViewerEmail,
				"LATCHKEY_DASHBOARD_VIEWER_PASSWORD=" + dashboardViewerPassword,
			},
		},
	}
	for _, engine := range coretest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			for _, g := range groups {
				if g.cores > 1 && engine != "postgres" {
					continue // SQLite is one machine's store: scale-out is on PostgreSQL
				}
				t.Run(g.name, func(t *testing.T) {
					t.Parallel()
					cl, rec, urls := startCores(t, engine, max(g.cores, 1), g.core)
					if g.before != nil {
						g.before(t, cl)
					}
					script := cmp.Or(g.script, g.name)
					runScript(t, node, script, urls, rec, g.env...)
					calls := rec.calls()
					checkHeaders(t, calls, g.refused, g.allow)
					served := map[string]int{}
					for _, c := range calls {
						served[c.Core]++
					}
					if len(served) != len(urls) {
						t.Errorf("calls per core: %v, want every one of the %d cores used", served, len(urls))
					}
				})
			}
		})
	}
}

// createDashboardUser makes a dashboard account with exactly the request
// that the dashboard's "Add a new user" screen shows as a curl command
// (reference/dashboard.md §5.2): rid dashboard, the api key, a plain JSON
// content type, and no cdi-version, so the core takes its latest.
func createDashboardUser(t *testing.T, cl *coretest.Client, email, password string) {
	t.Helper()
	body := fmt.Sprintf(`{"email": %q,"password": %q}`, email, password)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, cl.URL+"/recipe/dashboard/user", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("rid", "dashboard")
	req.Header.Set("api-key", apiKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := cl.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var got struct {
		Status string `json:"status"`
		User   struct {
			Email      string `json:"email"`
			UserID     string `json:"userId"`
			TimeJoined int64  `json:"timeJoined"`
		} `json:"user"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &got) != nil {
		t.Fatalf("POST /recipe/dashboard/user: %d %s", resp.StatusCode, raw)
	}
	if got.Status != "OK" || got.User.Email != email || got.User.UserID == "" || got.User.TimeJoined == 0 {
		t.Fatalf("POST /recipe/dashboard/user: got %s, want OK with the user", raw)
	}
}

// TestIncompatibleCore checks that the negotiation the other tests rely on
// is real: against a core whose /apiversion lists no version the SDK
// supports, the SDK's first call throws.
func TestIncompatibleCore(t *testing.T) {
	node := ensureNodeModules(t)
	var mu sync.Mutex
	var paths []string
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.Path)
		mu.Unlock()
		if r.URL.Path != "/apiversion" {
			http.Error(w, "Not found", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		io.WriteString(w, `{"versions":["2.21","3.0","5.5"]}`)
	}))
	t.Cleanup(stub.Close)
	runScript(t, node, "incompatible", []string{stub.URL}, nil)
	mu.Lock()
	defer mu.Unlock()
	if len(paths) != 1 || paths[0] != "GET /apiversion" {
		t.Errorf("the SDK called %v, want only GET /apiversion", paths)
	}
}
