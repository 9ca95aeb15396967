package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/bench/internal/procs"
	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/internal/openstore"
	"github.com/latchkey-dev/latchkey/recipe/dashboard"
	"github.com/latchkey-dev/latchkey/recipe/emailpassword"
	"github.com/latchkey-dev/latchkey/recipe/emailverification"
	"github.com/latchkey-dev/latchkey/recipe/session"
	"github.com/latchkey-dev/latchkey/recipe/usermetadata"
	"github.com/latchkey-dev/latchkey/recipe/userroles"
)

// The dashboard benchmark's fixed secrets: the processes it starts listen
// on loopback only and live as long as the run.
const (
	benchAPIKey       = "corebench-dashboard-api-key"
	benchAdminEmail   = "corebench-admin@example.com"
	benchAdminPass    = "corebench-Passw0rd!"
	dashboardAPIPath  = "/auth/dashboard/api"
	listeningPrefix   = "listening "
	benchChildTimeout = time.Minute
)

// runDashboard times the dashboard API through the SDK: it starts the core
// on the store and a backend with the SDK's dashboard recipe, each in its
// own process on loopback HTTP, signs in with a dashboard account, and
// measures what the users page asks for (pages, filters, sorts, searches,
// counts, the overview) and the export of every user, with each process's
// resident set.
func runDashboard(ctx context.Context, args []string) error {
	fs := newFlags("dashboard")
	dsn := fs.String("db", "", "sqlite:PATH or postgres:// URL of a loaded store (bench/users1m -extras)")
	n := fs.Int("n", 200, "requests per case")
	budget := fs.Duration("budget", 20*time.Second, "stop a case after this long (at least 10 timed requests), so slow counts do not take the whole run")
	only := fs.String("only", "", "run only the cases whose name contains this")
	exports := fs.String("export", "csv,json", "export formats to time, comma-separated (empty: none)")
	profile := fs.String("cpuprofile", "", "write the CPU profiles of the core and the backend to this path prefix (PREFIX.core, PREFIX.backend)")
	fs.Parse(args)
	if *dsn == "" {
		return errors.New("-db is required")
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	coreArgs, backendArgs := []string{"-db", *dsn}, []string{}
	if *profile != "" {
		coreArgs = append(coreArgs, "-cpuprofile", *profile+".core")
		backendArgs = append(backendArgs, "-cpuprofile", *profile+".backend")
	}
	coreProc, err := startChild(ctx, exe, append([]string{"dashboard-core"}, coreArgs...)...)
	if err != nil {
		return err
	}
	defer coreProc.stop()
	backend, err := startChild(ctx, exe, append([]string{"dashboard-backend", "-core", coreProc.url}, backendArgs...)...)
	if err != nil {
		return err
	}
	defer backend.stop()

	d := &dashClient{base: backend.url + dashboardAPIPath, http: &http.Client{Timeout: 10 * time.Minute}}
	if err := createDashboardAccount(ctx, coreProc.url); err != nil {
		return err
	}
	if err := d.signIn(ctx); err != nil {
		return err
	}

	count, err := d.getJSON(ctx, "/users/count")
	if err != nil {
		return err
	}
	first, err := d.getJSON(ctx, "/users?limit=1&timeJoinedOrder=ASC")
	if err != nil {
		return err
	}
	last, err := d.getJSON(ctx, "/users?limit=1&timeJoinedOrder=DESC")
	if err != nil {
		return err
	}
	t0, t1 := joinedOf(first), joinedOf(last)
	// A cursor halfway through time, as the core benchmark makes: the
	// dashboard passes the token through to the core.
	deep := url.QueryEscape(base64.StdEncoding.EncodeToString([]byte("ffffffff-ffff-ffff-ffff-ffffffffffff;" + strconv.FormatInt(t0+(t1-t0)/2, 10))))

	fmt.Printf("store %s, %d users; dashboard API through the SDK (backend %s) to the core (%s), one client, %d requests per case (at most %s a case)\n",
		openstore.Describe(*dsn), int64(count["count"].(float64)), backend.url, coreProc.url, *n, *budget)
	fmt.Printf("load: %s\n\n", loadAverage())
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "case\tresults\tp50\tp99\tmax\trequests\tbody\tbackend RSS\tcore RSS\t")
	for _, tc := range dashboardCases(t0, t1, deep) {
		if !strings.Contains(tc.name, *only) {
			continue
		}
		var lat []time.Duration
		var raw []byte
		sampler := procs.SampleRSS(50*time.Millisecond, backend.pid(), coreProc.pid())
		began := time.Now()
		for i := 0; i < *n+5 && (i < 15 || time.Since(began) < *budget); i++ {
			start := time.Now()
			raw, err = d.get(ctx, tc.path)
			if err != nil {
				sampler.Finish()
				return fmt.Errorf("%s: %w", tc.name, err)
			}
			if i >= 5 { // the first few warm caches
				lat = append(lat, time.Since(start))
			}
		}
		rss := sampler.Finish()
		slices.Sort(lat)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d KB\t%s\t%s\t\n", tc.name, results(raw), pct(lat, 50), pct(lat, 99),
			lat[len(lat)-1].Round(time.Microsecond), len(lat), len(raw)/1024, mib(rss[0]), mib(rss[1]))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for f := range strings.SplitSeq(*exports, ",") {
		if f = strings.TrimSpace(f); f == "" || !strings.Contains("export "+f, *only) {
			continue
		}
		if err := d.timeExport(ctx, f, backend, coreProc); err != nil {
			return err
		}
	}
	return nil
}

// dashboardCases are the requests of the users page, as the UI sends
// them: the first page (10), a deep page, each filter and sort with its
// count, paged broad searches, a selective search, and the overview.
func dashboardCases(t0, t1 int64, deep string) []struct{ name, path string } {
	var out []struct{ name, path string }
	add := func(name, path string) { out = append(out, struct{ name, path string }{name, path}) }
	add("first page (10), newest first", "/users?limit=10")
	add("first page (10), oldest first", "/users?limit=10&timeJoinedOrder=ASC")
	add("deep page (10, mid-walk)", "/users?limit=10&paginationToken="+deep)
	add("count", "/users/count")
	mid := time.UnixMilli(t0 + (t1-t0)/2).UTC()
	month := "joinedFrom=" + mid.Format(time.DateOnly) + "&joinedTo=" + mid.AddDate(0, 0, 29).Format(time.DateOnly)
	for _, f := range []struct{ name, q string }{
		{"verified", "emailVerified=true"},
		{"not verified", "emailVerified=false"},
		{"role member (common)", "role=member"},
		{"role admin (rare)", "role=admin"},
		{"joined one month", month},
		{"recipe passwordless", "recipeIds=passwordless"},
		{"verified+member+month", "emailVerified=true&role=member&" + month},
	} {
		add("filter "+f.name+", first page", "/users?limit=10&"+f.q)
		add("filter "+f.name+", oldest first", "/users?limit=10&timeJoinedOrder=ASC&"+f.q)
		add("filter "+f.name+", deep page", "/users?limit=10&paginationToken="+deep+"&"+f.q)
		add("count filter "+f.name, "/users/count?"+f.q)
	}
	for _, by := range []string{"lastSignIn", "lastActive"} {
		add("sort "+by+", newest first", "/users?limit=10&orderBy="+by)
		add("sort "+by+", oldest first", "/users?limit=10&orderBy="+by+"&timeJoinedOrder=ASC")
	}
	for _, s := range []struct{ name, q string }{
		{"john (broad)", "email=john"},
		{"gmail (domain)", "email=gmail"},
		{"john.smith12 (selective)", "email=john.smith12"},
	} {
		add("paged search "+s.name+", first page", "/users?limit=10&pagedSearch=true&"+s.q)
		add("paged search "+s.name+", deep page", "/users?limit=10&pagedSearch=true&paginationToken="+deep+"&"+s.q)
		add("count search "+s.name, "/users/count?"+s.q)
	}
	add("search john + verified, first page", "/users?limit=10&pagedSearch=true&email=john&emailVerified=true")
	add("count search john + verified", "/users/count?email=john&emailVerified=true")
	add("search gmail + member, first page", "/users?limit=10&pagedSearch=true&email=gmail&role=member")
	add("count search gmail + member", "/users/count?email=gmail&role=member")
	add("search john + admin (rare), first page", "/users?limit=10&pagedSearch=true&email=john&role=admin")
	add("count search john + admin (rare)", "/users/count?email=john&role=admin")
	add("overview, 30 days", "/overview")
	add("overview, 365 days", "/overview?days=365")
	return out
}

// timeExport downloads the export of every user in one format, as the
// dashboard's button does, and prints its time, size and the largest
// resident set of each process meanwhile.
func (d *dashClient) timeExport(ctx context.Context, format string, backend, coreProc *child) error {
	sampler := procs.SampleRSS(50*time.Millisecond, backend.pid(), coreProc.pid())
	backendCPU, coreCPU := procs.CPUTime(backend.pid()), procs.CPUTime(coreProc.pid())
	start := time.Now()
	req, err := d.request(ctx, "/users/export?format="+format)
	if err != nil {
		sampler.Finish()
		return err
	}
	resp, err := d.http.Do(req)
	if err != nil {
		sampler.Finish()
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		sampler.Finish()
		raw, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("export %s: %d %s", format, resp.StatusCode, raw)
	}
	lc := &lineCounter{}
	if _, err := io.Copy(lc, resp.Body); err != nil {
		sampler.Finish()
		return fmt.Errorf("export %s: %w", format, err)
	}
	took := time.Since(start)
	rss := sampler.Finish()
	backendCPU, coreCPU = procs.CPUTime(backend.pid())-backendCPU, procs.CPUTime(coreProc.pid())-coreCPU
	users := lc.lines - 1 // CSV: one line a user after the header
	if format == "json" {
		users = lc.objects
	}
	fmt.Printf("export %s: %d users, %.1f MB in %.1f s (%.0f users/s); CPU backend %.1f s, core %.1f s; peak RSS backend %s, core %s; load %s\n",
		format, users, float64(lc.bytes)/1e6, took.Seconds(), float64(users)/took.Seconds(), backendCPU.Seconds(), coreCPU.Seconds(), mib(rss[0]), mib(rss[1]), loadAverage())
	return nil
}

// lineCounter counts the bytes and lines written to it, and the lines
// that open an object (a user of the JSON export, which starts each on
// its own line).
type lineCounter struct {
	bytes, lines, objects int64
	last                  byte
}

func (c *lineCounter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c.bytes += int64(len(p))
	c.lines += int64(bytes.Count(p, []byte{'\n'}))
	c.objects += int64(bytes.Count(p, []byte("\n{")))
	if c.last == '\n' && p[0] == '{' {
		c.objects++
	}
	c.last = p[len(p)-1]
	return len(p), nil
}

// dashClient calls the dashboard API as the UI does, with the session of
// a dashboard account.
type dashClient struct {
	base  string
	http  *http.Client
	token string
}

func (d *dashClient) request(ctx context.Context, path string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.base+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+d.token)
	return req, nil
}

// get returns the whole body of a GET, failing on any status but 200 or
// a status field other than OK.
func (d *dashClient) get(ctx context.Context, path string) ([]byte, error) {
	req, err := d.request(ctx, path)
	if err != nil {
		return nil, err
	}
	resp, err := d.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK || !bytes.Contains(raw, []byte(`"status":"OK"`)) {
		return nil, fmt.Errorf("GET %s: %d %.300s", path, resp.StatusCode, raw)
	}
	return raw, nil
}

func (d *dashClient) getJSON(ctx context.Context, path string) (map[string]any, error) {
	raw, err := d.get(ctx, path)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(raw, &m)
}

// signIn signs in with the benchmark's dashboard account.
func (d *dashClient) signIn(ctx context.Context) error {
	body, _ := json.Marshal(map[string]string{"email": benchAdminEmail, "password": benchAdminPass})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.base+"/signin", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := d.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var a struct {
		Status    string `json:"status"`
		SessionID string `json:"sessionId"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || a.Status != "OK" {
		return fmt.Errorf("dashboard sign-in: %d %s %v", resp.StatusCode, a.Status, err)
	}
	d.token = a.SessionID
	return nil
}

// createDashboardAccount creates the benchmark's dashboard account in the
// core (CDI: POST /recipe/dashboard/user); one left by an earlier run on
// the same store will do.
func createDashboardAccount(ctx context.Context, coreURL string) error {
	body, _ := json.Marshal(map[string]string{"email": benchAdminEmail, "password": benchAdminPass})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, coreURL+"/recipe/dashboard/user", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("api-key", benchAPIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var a struct {
		Status string `json:"status"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		return fmt.Errorf("creating the dashboard account: %d: %w", resp.StatusCode, err)
	}
	if a.Status != "OK" && a.Status != "EMAIL_ALREADY_EXISTS_ERROR" {
		return fmt.Errorf("creating the dashboard account: %d %s", resp.StatusCode, a.Status)
	}
	return nil
}

// joinedOf is the time joined of a page's first user.
func joinedOf(page map[string]any) int64 {
	return int64(page["users"].([]any)[0].(map[string]any)["timeJoined"].(float64))
}

// results is what a body holds: its users (and whether there are more),
// its count, or the overview's days.
func results(raw []byte) string {
	var b struct {
		Users         []json.RawMessage `json:"users"`
		Next          string            `json:"nextPaginationToken"`
		Count         *int64            `json:"count"`
		CountIsCapped bool              `json:"countIsCapped"`
		Stats         *struct {
			SignUpsPerDay []json.RawMessage `json:"signUpsPerDay"`
		} `json:"stats"`
	}
	if json.Unmarshal(raw, &b) != nil {
		return "?"
	}
	switch {
	case b.Count != nil && b.CountIsCapped:
		return fmt.Sprintf(">%d", *b.Count)
	case b.Count != nil:
		return strconv.FormatInt(*b.Count, 10)
	case b.Stats != nil:
		return fmt.Sprintf("%d days", len(b.Stats.SignUpsPerDay))
	case b.Next != "":
		return fmt.Sprintf("%d+", len(b.Users))
	}
	return strconv.Itoa(len(b.Users))
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// loadAverage is the first line of /proc/loadavg: the figures are only
// comparable at similar loads.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// runDashboardCore serves the core on a store, on a loopback port, until
// SIGTERM: the dashboard benchmark's core process.
func runDashboardCore(ctx context.Context, args []string) error {
	fs := newFlags("dashboard-core")
	dsn := fs.String("db", "", "sqlite:PATH or postgres:// URL")
	profile := fs.String("cpuprofile", "", "write a CPU profile here")
	fs.Parse(args)
	stop, err := cpuProfile(*profile)
	if err != nil {
		return err
	}
	defer stop()
	st, err := openstore.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := core.New(core.Config{Store: st, APIKeys: []string{benchAPIKey}, Logger: quietLogger(), CleanupInterval: -1})
	if err != nil {
		return err
	}
	defer c.Close()
	return serveChild(c)
}

// runDashboardBackend serves an app backend with the SDK's dashboard
// recipe (and the recipes whose data the users page shows) against a core,
// until SIGTERM: the dashboard benchmark's backend process.
func runDashboardBackend(_ context.Context, args []string) error {
	fs := newFlags("dashboard-backend")
	coreURL := fs.String("core", "", "the core's URL")
	profile := fs.String("cpuprofile", "", "write a CPU profile here")
	fs.Parse(args)
	stop, err := cpuProfile(*profile)
	if err != nil {
		return err
	}
	defer stop()
	lk, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "corebench", APIDomain: "http://127.0.0.1", WebsiteDomain: "http://127.0.0.1"},
		Core:    latchkey.CoreConfig{ConnectionURI: *coreURL, APIKey: benchAPIKey},
		Recipes: []latchkey.Recipe{
			session.New(session.Config{}),
			emailpassword.New(emailpassword.Config{}),
			emailverification.New(emailverification.Config{Mode: emailverification.ModeOptional}),
			usermetadata.New(usermetadata.Config{}),
			userroles.New(userroles.Config{}),
			dashboard.New(dashboard.Config{Admins: []string{benchAdminEmail}}),
		},
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		return err
	}
	return serveChild(lk.Middleware(http.NotFoundHandler()))
}

// cpuProfile starts a CPU profile written to path ("" for none) when the
// returned function runs.
func cpuProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// serveChild serves h on a loopback port, prints "listening URL" for the
// parent, and returns on SIGTERM or SIGINT. The write timeout is the
// production one (cmd/latchkey), which the export must live with.
func serveChild(h http.Handler) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	return procs.ServeUntilSignal(ln, h, time.Minute)
}

// child is a process the dashboard benchmark started.
type child struct {
	cmd    *exec.Cmd
	url    string
	exited chan struct{}
}

// startChild runs this program with args and waits for its "listening"
// line; its other output goes to this process's standard error.
func startChild(ctx context.Context, exe string, args ...string) (*child, error) {
	cmd := exec.Command(exe, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, exited: make(chan struct{})}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), listeningPrefix); ok {
				urls <- strings.TrimSpace(u)
			}
			fmt.Fprintln(os.Stderr, sc.Text())
		}
		_ = cmd.Wait()
		close(c.exited)
	}()
	select {
	case c.url = <-urls:
		return c, nil
	case <-c.exited:
		return nil, fmt.Errorf("%s exited before serving", args[0])
	case <-time.After(benchChildTimeout):
		c.stop()
		return nil, fmt.Errorf("%s did not serve within %s", args[0], benchChildTimeout)
	case <-ctx.Done():
		c.stop()
		return nil, ctx.Err()
	}
}

func (c *child) pid() int { return c.cmd.Process.Pid }

// stop ends the process with SIGTERM, and SIGKILL if it lingers.
func (c *child) stop() {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}
