package main

import (
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/bench/internal/procs"
	"github.com/latchkey-dev/latchkey/recipe/dashboard"
	"github.com/latchkey-dev/latchkey/recipe/emailpassword"
	"github.com/latchkey-dev/latchkey/recipe/emailverification"
	"github.com/latchkey-dev/latchkey/recipe/session"
	"github.com/latchkey-dev/latchkey/recipe/usermetadata"
	"github.com/latchkey-dev/latchkey/recipe/userroles"
)

// Paths the backend serves beside the SDK's.
const (
	protectedPath = "/protected"
	coreCallsPath = "/bench/core-calls"
	pingPath      = "/bench/ping"
)

// websiteDomain is the made-up website of the backend: same registrable
// domain as 127.0.0.1 ("localhost"), so cookies are SameSite=Lax and
// anti-CSRF is off, as for a site and API on one domain.
const websiteDomain = "http://localhost:3000"

// serveBackend is the SDK backend role: the demo's recipes (without
// passwordless) over a core at -core, a route protected by VerifySession,
// and a count of the calls the SDK makes to the core. It runs in a process
// of its own so that its memory is its own and the load client's garbage
// does not slow its collector.
func serveBackend(args []string) error {
	fs := flag.NewFlagSet("compare serve-backend", flag.ContinueOnError)
	coreURL := fs.String("core", "", "core URL")
	apiKey := fs.String("api-key", "", "core API key")
	profile := fs.String("cpuprofile", "", "write a CPU profile to this file until the backend stops")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	apiDomain := "http://" + ln.Addr().String()
	counter := &callCounter{next: latchkey.NewCoreTransport(), byRoute: map[string]int64{}}
	sess := session.New(session.Config{})
	lk, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "bench", APIDomain: apiDomain, WebsiteDomain: websiteDomain},
		Core: latchkey.CoreConfig{
			ConnectionURI: *coreURL,
			APIKey:        *apiKey,
			// The SDK's default client (a 30 s timeout over
			// latchkey.NewCoreTransport), counting every round trip.
			HTTPClient: &http.Client{Timeout: 30 * time.Second, Transport: counter},
		},
		Recipes: []latchkey.Recipe{
			sess,
			emailpassword.New(emailpassword.Config{}),
			emailverification.New(emailverification.Config{Mode: emailverification.ModeOptional}),
			usermetadata.New(usermetadata.Config{}),
			userroles.New(userroles.Config{}),
			dashboard.New(dashboard.Config{}),
		},
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+protectedPath, sess.VerifySession(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := session.FromContext(r.Context()); !ok {
			http.Error(w, "no session", http.StatusInternalServerError)
			return
		}
		_, _ = io.WriteString(w, "ok")
	})))
	mux.Handle("GET "+coreCallsPath, counter)
	mux.HandleFunc("GET "+pingPath, ping)
	return procs.ServeUntilSignal(ln, lk.Middleware(mux), time.Minute)
}

// ping answers the load client's connection warm-up.
func ping(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "pong") }

// callCounter is an http.RoundTripper on the SDK's core client that counts
// round trips by method and path, and serves the counts as JSON.
type callCounter struct {
	next http.RoundTripper

	mu      sync.Mutex
	total   int64
	byRoute map[string]int64
}

// coreCalls is the JSON of the counter.
type coreCalls struct {
	Total   int64            `json:"total"`
	ByRoute map[string]int64 `json:"byRoute"`
}

// RoundTrip implements http.RoundTripper.
func (c *callCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	key := r.Method + " " + r.URL.Path
	c.mu.Lock()
	c.total++
	c.byRoute[key]++
	c.mu.Unlock()
	return c.next.RoundTrip(r)
}

// ServeHTTP writes the counts so far.
func (c *callCounter) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	c.mu.Lock()
	out := coreCalls{Total: c.total, ByRoute: make(map[string]int64, len(c.byRoute))}
	for k, v := range c.byRoute {
		out.ByRoute[k] = v
	}
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// minus returns the calls made since before.
func (c coreCalls) minus(before coreCalls) coreCalls {
	d := coreCalls{Total: c.Total - before.Total, ByRoute: map[string]int64{}}
	for k, v := range c.ByRoute {
		if n := v - before.ByRoute[k]; n > 0 {
			d.ByRoute[k] = n
		}
	}
	return d
}
