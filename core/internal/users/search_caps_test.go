package users_test

import (
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core/coretest"
)

// searchTerms returns n ';'-separated terms of about size bytes each, the
// first being first.
func searchTerms(n, size int, first string) string {
	terms := []string{first}
	for i := 1; i < n; i++ {
		t := fmt.Sprintf("nomatch%04d.", i)
		terms = append(terms, t+strings.Repeat("x", max(0, size-len(t))))
	}
	return url.QueryEscape(strings.Join(terms, ";"))
}

// TestSearchCaps checks the caps on a search: at most 100 terms per tag,
// each at most 256 bytes, else 400 before the store is asked.
func TestSearchCaps(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		seed(t, c, []string{"john.smith@acme.com"}, func(int) time.Time { return epoch })
		long := strings.Repeat("j", 256)
		for _, tc := range []struct {
			name, query string
			code        int
			want        string // the 400's message, or the emails found
		}{
			{"100 terms", "email=" + searchTerms(100, 20, "john"), 200, "john.smith@acme.com"},
			{"100 terms and empty pieces", "email=" + searchTerms(100, 20, "john") + ";;%20;", 200, "john.smith@acme.com"},
			{"100 terms of 256 bytes", "email=" + searchTerms(100, 256, "john"), 200, "john.smith@acme.com"},
			{"100 terms in each tag", "email=" + searchTerms(100, 256, "john") + "&phone=" + searchTerms(100, 256, "+1") +
				"&provider=" + searchTerms(100, 256, "google"), 200, ""},
			{"a 256-byte term", "email=" + long + ";john", 200, "john.smith@acme.com"},
			{"101 email terms", "email=" + searchTerms(101, 5, "john"), 400,
				"Too many search terms in 'email': at most 100 are allowed"},
			{"101 phone terms", "email=john&phone=" + searchTerms(101, 5, "+1"), 400,
				"Too many search terms in 'phone': at most 100 are allowed"},
			{"101 provider terms", "provider=" + searchTerms(101, 5, "google"), 400,
				"Too many search terms in 'provider': at most 100 are allowed"},
			{"3000 terms", "email=" + searchTerms(3000, 8, "john"), 400,
				"Too many search terms in 'email': at most 100 are allowed"},
			{"a 257-byte term", "email=john;" + long + "j", 400,
				"A search term in 'email' is too long: at most 256 bytes are allowed"},
			{"a 257-byte phone", "phone=%2B" + strings.Repeat("1", 256), 400,
				"A search term in 'phone' is too long: at most 256 bytes are allowed"},
		} {
			r := c.Get(t, "/users?"+tc.query)
			if r.Code != tc.code {
				t.Errorf("%s: %d %.200s, want %d", tc.name, r.Code, r.Body, tc.code)
				continue
			}
			got := r.Text()
			if tc.code == 200 {
				got = strings.Join(emailsOf(t, r), ",")
			}
			if got != tc.want {
				t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
			}
		}
	})
}

// TestLargeSearchRefusedCheaply sends a 3,000-term search (27 KB of
// query), which once grew the core's memory by 1.1 GiB, and checks that
// the refusal allocates less than 5 MB in all, client included. It runs
// alone (not in parallel), so that the process's allocation counter
// counts this request only.
func TestLargeSearchRefusedCheaply(t *testing.T) {
	for _, m := range coretest.Modes() {
		t.Run(m.String(), func(t *testing.T) {
			c := coretest.Start(t, m)
			path := "/users?email=" + searchTerms(3000, 8, "john")
			c.Get(t, "/users?email=warm") // the first request sets up pools and caches
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			r := c.Get(t, path)
			runtime.ReadMemStats(&after)
			if r.Code != 400 {
				t.Fatalf("3,000 terms: %d %.200s, want 400", r.Code, r.Body)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 5<<20 {
				t.Errorf("refusing 3,000 terms allocated %d KB, want under 5 MB", grew>>10)
			}
		})
	}
}

// BenchmarkLargeSearchRefused measures the refusal of a 3,000-term search
// over loopback HTTP (go test -bench LargeSearchRefused ./core/users).
func BenchmarkLargeSearchRefused(b *testing.B) {
	c := coretest.New(b)
	path := "/users?email=" + searchTerms(3000, 8, "john")
	b.ReportAllocs()
	for b.Loop() {
		if r := c.Get(b, path); r.Code != 400 {
			b.Fatalf("%d %s", r.Code, r.Body)
		}
	}
}
