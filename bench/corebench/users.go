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
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/internal/openstore"
)

// runUsers times GET /users pages, searches and /users/count against a
// core on an existing store.
func runUsers(ctx context.Context, args []string) error {
	fs := newFlags("users")
	dsn := fs.String("db", "", "sqlite:PATH or postgres:// URL of a loaded store")
	n := fs.Int("n", 300, "requests per case")
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
	}
	fmt.Printf("store %s, %d users, %d requests per case, one client over loopback HTTP\n\n", openstore.Describe(*dsn), total, *n)
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "case\tresults\tp50\tp90\tp99\tmax\tbody\t")
	for _, tc := range cases {
		var lat []time.Duration
		var raw []byte
		for i := 0; i < *n+10; i++ {
			start := time.Now()
			raw, err = fetch(tc.path)
			if err != nil {
				return err
			}
			if i >= 10 { // the first few warm caches
				lat = append(lat, time.Since(start))
			}
		}
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			return err
		}
		results := 0
		if us, ok := body["users"].([]any); ok {
			results = len(us)
		} else {
			results = int(body["count"].(float64))
		}
		slices.Sort(lat)
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%d KB\t\n", tc.name, results, pct(lat, 50), pct(lat, 90), pct(lat, 99), lat[len(lat)-1].Round(time.Microsecond), len(raw)/1024)
	}
	return tw.Flush()
}

func pct(sorted []time.Duration, p int) string {
	i := (len(sorted)*p + 99) / 100
	if i > 0 {
		i--
	}
	return sorted[i].Round(time.Microsecond).String()
}
