package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/internal/openstore"
	"github.com/latchkey-dev/latchkey/store"
)

// runUsers times GET /users pages, searches and /users/count against a
// core on an existing store.
func runUsers(ctx context.Context, args []string) error {
	fs := newFlags("users")
	dsn := fs.String("db", "", "sqlite:PATH or postgres:// URL of a loaded store")
	n := fs.Int("n", 300, "requests per case")
	only := fs.String("only", "", "run only the cases whose name contains this")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the timed requests to this file")
	fs.Parse(args)
	st, err := openstore.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := core.New(core.Config{Store: st, Logger: quietLogger(), CleanupInterval: -1})
	if err != nil {
		return err
	}
	defer c.Close()
	srv := httptest.NewServer(c)
	defer srv.Close()
	client := srv.Client()

	// fetch returns the whole body: the time to the last byte is what a
	// client waits, whatever it then does with the JSON.
	fetch := func(path string) ([]byte, error) {
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s: %d %s", path, resp.StatusCode, raw)
		}
		return raw, nil
	}
	get := func(path string) (map[string]any, error) {
		raw, err := fetch(path)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		return m, json.Unmarshal(raw, &m)
	}

	count, err := get("/users/count")
	if err != nil {
		return err
	}
	total := int64(count["count"].(float64))
	// A cursor halfway through time: any (id, time) is a valid cursor, so
	// the middle of the join-time range lands deep in the walk without
	// walking there.
	first, err := get("/users?limit=1&timeJoinedOrder=ASC")
	if err != nil {
		return err
	}
	last, err := get("/users?limit=1&timeJoinedOrder=DESC")
	if err != nil {
		return err
	}
	t0 := int64(first["users"].([]any)[0].(map[string]any)["timeJoined"].(float64))
	t1 := int64(last["users"].([]any)[0].(map[string]any)["timeJoined"].(float64))
	deep := url.QueryEscape(base64.StdEncoding.EncodeToString([]byte("ffffffff-ffff-ffff-ffff-ffffffffffff;" + strconv.FormatInt(t0+(t1-t0)/2, 10))))

	cases := []struct{ name, path string }{
		{"first page, newest first", "/users?limit=100&timeJoinedOrder=DESC"},
		{"first page, oldest first", "/users?limit=100&timeJoinedOrder=ASC"},
		{"deep page (mid-walk), newest first", "/users?limit=100&timeJoinedOrder=DESC&paginationToken=" + deep},
		{"deep page (mid-walk), oldest first", "/users?limit=100&timeJoinedOrder=ASC&paginationToken=" + deep},
		{"search email=john.smith12 (selective)", "/users?email=john.smith12"},
		{"search email=john (broad, 1000 cap)", "/users?email=john"},
		{"search email=gmail (domain)", "/users?email=gmail"},
		{"count", "/users/count"},
		{"paged search email=john (page of 100)", "/users?email=john&pagedSearch=true&limit=100"},
		{"paged search email=gmail (page of 100)", "/users?email=gmail&pagedSearch=true&limit=100"},
		{"overview, 30 days", "/recipe/latchkey/users/stats?days=30"},
		{"overview, 365 days", "/recipe/latchkey/users/stats?days=365"},
	}
	cases = append(cases, filterCases(t0, t1, deep)...)
	cases = append(cases, largestSearches()...)
	fmt.Printf("store %s, %d users, %d requests per case, one client over loopback HTTP\n\n", openstore.Describe(*dsn), total, *n)
	if *cpuProfile != "" {
		// The core runs in this process, so the profile is the core's (and
		// the client's, which reads bodies and nothing more).
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "case\tresults\tp50\tp90\tp99\tmax\tcpu/req\tbody\t")
	for _, tc := range cases {
		if !strings.Contains(tc.name, *only) {
			continue
		}
		var lat []time.Duration
		var raw []byte
		var cpu0 time.Duration
		for i := 0; i < *n+10; i++ {
			if i == 10 {
				cpu0 = selfCPU()
			}
			start := time.Now()
			raw, err = fetch(tc.path)
			if err != nil {
				return err
			}
			if i >= 10 { // the first few warm caches
				lat = append(lat, time.Since(start))
			}
		}
		cpu := (selfCPU() - cpu0) / time.Duration(*n)
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			return err
		}
		results := 0
		if us, ok := body["users"].([]any); ok {
			results = len(us)
		} else if days, ok := body["signUpsPerDay"].([]any); ok {
			results = len(days)
		} else {
			results = int(body["count"].(float64))
		}
		slices.Sort(lat)
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%d KB\t\n", tc.name, results, pct(lat, 50), pct(lat, 90), pct(lat, 99),
			lat[len(lat)-1].Round(time.Microsecond), cpu.Round(time.Microsecond), len(raw)/1024)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	// The overview's sign-up series where the store has sign-ups: the
	// year before the newest user (the endpoint counts back from today,
	// which a generated store may not reach).
	if strings.Contains("overview store query", *only) {
		to := time.UnixMilli(t1 + 1)
		var lat []time.Duration
		var days int
		for i := 0; i < *n+10; i++ {
			start := time.Now()
			series, err := st.SignUpsPerDay(ctx, store.DefaultTenant, to.AddDate(0, 0, -365), to)
			if err != nil {
				return err
			}
			if i >= 10 {
				lat = append(lat, time.Since(start))
			}
			days = len(series)
		}
		slices.Sort(lat)
		fmt.Printf("\noverview store query, the 365 days before the newest user: %d days with sign-ups, p50 %s, p99 %s\n", days, pct(lat, 50), pct(lat, 99))
	}
	return nil
}

// largestSearches are searches at the core's caps (100 terms of up to 256
// bytes per tag), each shaped to be slow for one of the plans: terms that
// match nothing (200 index probes), matches just above the count from which
// the search walks in listing order (the walk reads the most entries) and
// just below it (the sort reads the most matches), and domains, whose
// matches are checked against every term's range.
func largestSearches() []struct{ name, path string } {
	filler := func(n int, keep ...string) string {
		terms := slices.Clone(keep)
		for i := 0; len(terms) < n; i++ {
			terms = append(terms, fmt.Sprintf("nomatch%03d.%s", i, strings.Repeat("x", 200)))
		}
		return url.QueryEscape(strings.Join(terms, ";"))
	}
	long := make([]string, 100)
	for i := range long {
		long[i] = fmt.Sprintf("%03d%s", i, strings.Repeat("q", 253))
	}
	return []struct{ name, path string }{
		{"search 100×256 B terms, each tag (no match)", "/users?email=" + url.QueryEscape(strings.Join(long, ";")) +
			"&phone=" + url.QueryEscape(strings.Join(long, ";")) + "&provider=" + url.QueryEscape(strings.Join(long, ";"))},
		{"search 100 terms, 3 broad (walk)", "/users?email=" + filler(100, "james", "mary", "john")},
		{"search 100 terms, 2 broad (sort)", "/users?email=" + filler(100, "james", "mary")},
		{"search 100 terms, 2 domains", "/users?email=" + filler(100, "gmail.com", "yahoo.com")},
		{"search 100 terms, 3 domains (walk)", "/users?email=" + filler(100, "gmail.com", "yahoo.com", "outlook.com")},
		{"search 100 names, 1000 results", "/users?email=" + filler(100, firstNames()...)},
	}
}

// firstNames are the first names bench/users1m gives its users.
func firstNames() []string {
	return strings.Fields(`james mary john patricia robert jennifer michael linda william elizabeth
		david barbara richard susan joseph jessica thomas sarah charles karen christopher lisa daniel nancy
		matthew betty anthony margaret mark sandra donald ashley steven kimberly paul emily andrew donna
		joshua michelle kenneth carol kevin amanda brian melissa george deborah timothy stephanie ronald
		rebecca edward sharon jason laura jeffrey cynthia`)
}

// selfCPU is the CPU time this process (the core and its one client) has
// used, user and system. Per request, it is a figure that a busy machine
// moves much less than latency, which then includes waiting for a CPU.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func pct(sorted []time.Duration, p int) string {
	i := (len(sorted)*p + 99) / 100
	if i > 0 {
		i--
	}
	return sorted[i].Round(time.Microsecond).String()
}

// filterCases are the list's filters and sorts (Latchkey extensions):
// each filter alone, first page both ways and a deep page, and its count;
// a month of joins; the filters combined and with a search; the orders by
// last sign-in and activity. bench/users1m -extras gives the store its
// verified emails (11 in 16), roles (member 5 in 16, admin 1 in 4,096) and
// sign-ins (half).
func filterCases(t0, t1 int64, deep string) []struct{ name, path string } {
	mid := t0 + (t1-t0)/2
	month := fmt.Sprintf("latchkeyJoinedFrom=%d&latchkeyJoinedTo=%d", mid, mid+30*24*3600*1000)
	var out []struct{ name, path string }
	add := func(name, path string) { out = append(out, struct{ name, path string }{name, path}) }
	for _, f := range []struct{ name, q string }{
		{"verified", "latchkeyEmailVerified=true"},
		{"not verified", "latchkeyEmailVerified=false"},
		{"role member (common)", "latchkeyRole=member"},
		{"role admin (rare)", "latchkeyRole=admin"},
		{"joined one month", month},
		{"verified+member+month", "latchkeyEmailVerified=true&latchkeyRole=member&" + month},
		{"not verified+admin", "latchkeyEmailVerified=false&latchkeyRole=admin"},
	} {
		add("filter "+f.name+", newest first", "/users?limit=100&timeJoinedOrder=DESC&"+f.q)
		add("filter "+f.name+", oldest first (last page)", "/users?limit=100&timeJoinedOrder=ASC&"+f.q)
		add("filter "+f.name+", deep page", "/users?limit=100&timeJoinedOrder=DESC&paginationToken="+deep+"&"+f.q)
		add("count filter "+f.name, "/users/count?"+f.q)
	}
	add("paged search email=john + verified", "/users?email=john&pagedSearch=true&limit=100&latchkeyEmailVerified=true")
	add("paged search email=gmail + member", "/users?email=gmail&pagedSearch=true&limit=100&latchkeyRole=member")
	for _, by := range []string{"lastSignIn", "lastActive"} {
		add("by "+by+", newest first", "/users?limit=100&latchkeyOrderBy="+by+"&timeJoinedOrder=DESC")
		add("by "+by+", oldest first", "/users?limit=100&latchkeyOrderBy="+by+"&timeJoinedOrder=ASC")
	}
	return out
}
