// Command compare measures Latchkey's hot paths next to the floors this
// machine sets for them, in one run, and prints each figure as a ratio to
// its floor (issue 17). Absolute figures on shared machines drift by 2×
// from day to day; ratios measured side by side do not.
//
//	make bench-compare
//	go run ./bench/compare -duration 3s -rounds 2 -cost 11
//
// The floors are bcrypt at the core's cost and RS256 signing, each with
// one goroutine per CPU in this process, and a bare net/http handler in a
// process of its own that verifies one RS256 access token per request.
// The system is a `latchkey core` process (built from ./cmd/latchkey) on a
// fresh SQLite file or PostgreSQL schema, and an SDK backend process (this
// binary, re-run as `compare serve-backend`) with the demo's recipes:
// session, email-password, email verification, user metadata, user roles
// and the dashboard. The load client is this process, over loopback HTTP
// with kept-alive connections and prebuilt requests, the same client for
// the bare handler and the backend.
//
// Each system measurement is paired with a measurement of its floor right
// before or after it (the order alternates), so drift in machine speed
// moves both. Memory is the resident set of each process from /proc.
//
// PostgreSQL comes from -postgres or LATCHKEY_TEST_POSTGRES_URL; the run
// works in a schema of its own and drops it at the end.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Scenario names, as the -scenarios flag takes them.
const (
	scSignUp          = "signup"
	scSignIn          = "signin"
	scProtectedCookie = "protected-cookie"
	scProtectedHeader = "protected-header"
	scRefresh         = "refresh"
	scRoundTrips      = "roundtrips"
)

var allScenarios = []string{scSignUp, scSignIn, scProtectedCookie, scProtectedHeader, scRefresh, scRoundTrips}

// Access-token signing algorithms (the core's access_token_signing_algorithm).
const (
	algRS256 = "RS256"
	algES256 = "ES256"
	algEdDSA = "EdDSA"
)

var allAlgorithms = []string{algRS256, algES256, algEdDSA}

// extraAlgorithms are the algorithms besides RS256 that refresh is
// measured with, each on engines of its own.
func (o options) extraAlgorithms() []string {
	if !o.has(scRefresh) {
		return nil
	}
	var out []string
	for _, a := range o.algorithms {
		if a != algRS256 {
			out = append(out, a)
		}
	}
	return out
}

// options are the command line.
type options struct {
	duration    time.Duration
	rounds      int
	clients     []int
	cost        int
	scenarios   []string
	engines     []string
	postgresURL string
	jsonPath    string
	profileDir  string
	latchkeyBin string
	// algorithms are the access-token signing algorithms refresh is
	// measured with; every other figure uses RS256, the default.
	algorithms []string
}

func (o options) has(scenario string) bool { return slices.Contains(o.scenarios, scenario) }

// roles are the parts this binary plays as a child process of a run.
var roles = map[string]func(args []string) error{
	"serve-backend": serveBackend,
	"serve-bare":    serveBare,
}

func main() {
	log.SetFlags(0)
	if len(os.Args) > 1 {
		if serve, ok := roles[os.Args[1]]; ok {
			if err := serve(os.Args[2:]); err != nil {
				log.Fatalf("compare %s: %v", os.Args[1], err)
			}
			return
		}
	}
	opts, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		log.Fatalf("compare: %v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, opts); err != nil {
		log.Fatalf("compare: %v", err)
	}
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	o := options{}
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: go run ./bench/compare [flags]\n\nMeasures Latchkey's hot paths as ratios to this machine's floors (bench/README.md).\n\nFlags:")
		fs.PrintDefaults()
	}
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "time per measurement")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds; each measures every floor and figure once")
	clients := fs.String("clients", "16,64", "comma-separated concurrent client counts")
	fs.IntVar(&o.cost, "cost", 11, "bcrypt cost of the core and the bcrypt floor (the core's default is 11; 4-10 for quick runs)")
	scenarios := fs.String("scenarios", strings.Join(allScenarios, ","), "comma-separated scenarios to run: "+strings.Join(allScenarios, ", "))
	engines := fs.String("engines", "sqlite,postgres", "comma-separated store engines: sqlite, postgres (skipped with a note when no URL is given)")
	fs.StringVar(&o.postgresURL, "postgres", os.Getenv("LATCHKEY_TEST_POSTGRES_URL"), "PostgreSQL URL; the run makes and drops a schema of its own (default $LATCHKEY_TEST_POSTGRES_URL)")
	fs.StringVar(&o.jsonPath, "json", "", "also write every figure as JSON to this file")
	fs.StringVar(&o.profileDir, "cpuprofile", "", "write each SDK backend's CPU profile over the whole run into this directory")
	algorithms := fs.String("algorithms", strings.Join(allAlgorithms, ","), "comma-separated access-token signing algorithms to measure refresh with: "+strings.Join(allAlgorithms, ", ")+" (each besides RS256 gets a core and backend of its own)")
	fs.StringVar(&o.latchkeyBin, "latchkey", "", "latchkey binary to run the core with (default: build ./cmd/latchkey into a temp dir)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	var errs []error
	if o.duration < 100*time.Millisecond {
		errs = append(errs, fmt.Errorf("-duration %s is too short to measure; use at least 100ms", o.duration))
	}
	if o.rounds < 1 {
		errs = append(errs, fmt.Errorf("-rounds must be at least 1, not %d", o.rounds))
	}
	if o.cost < 4 || o.cost > 31 {
		errs = append(errs, fmt.Errorf("-cost must be a bcrypt cost from 4 to 31, not %d", o.cost))
	}
	for _, s := range splitList(*clients) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1024 {
			errs = append(errs, fmt.Errorf("-clients: %q is not a client count from 1 to 1024", s))
			continue
		}
		if !slices.Contains(o.clients, n) {
			o.clients = append(o.clients, n)
		}
	}
	if len(o.clients) == 0 {
		errs = append(errs, errors.New("-clients names no client count"))
	}
	for _, s := range splitList(*scenarios) {
		if !slices.Contains(allScenarios, s) {
			errs = append(errs, fmt.Errorf("-scenarios: unknown scenario %q; choose from %s", s, strings.Join(allScenarios, ", ")))
		} else if !slices.Contains(o.scenarios, s) {
			o.scenarios = append(o.scenarios, s)
		}
	}
	if len(o.scenarios) == 0 {
		errs = append(errs, errors.New("-scenarios names no scenario"))
	}
	for _, s := range splitList(*engines) {
		switch s {
		case "sqlite", "postgres":
			if !slices.Contains(o.engines, s) {
				o.engines = append(o.engines, s)
			}
		default:
			errs = append(errs, fmt.Errorf("-engines: unknown engine %q; choose sqlite or postgres", s))
		}
	}
	if len(o.engines) == 0 {
		errs = append(errs, errors.New("-engines names no engine"))
	}
	for _, s := range splitList(*algorithms) {
		if !slices.Contains(allAlgorithms, s) {
			errs = append(errs, fmt.Errorf("-algorithms: unknown algorithm %q; choose from %s", s, strings.Join(allAlgorithms, ", ")))
		} else if !slices.Contains(o.algorithms, s) {
			o.algorithms = append(o.algorithms, s)
		}
	}
	return o, errors.Join(errs...)
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// progress reports what the run is doing on stderr, keeping stdout for the
// table.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "compare: "+format+"\n", args...)
}

// maxClients is the largest client count, which is how many users and
// sessions each engine is seeded with.
func (o options) maxClients() int { return slices.Max(o.clients) }

// cpus is how many goroutines the in-process floors use: one per CPU this
// process may run on.
func cpus() int { return runtime.GOMAXPROCS(0) }
