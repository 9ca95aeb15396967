package core_test

import (
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/latchkey-dev/latchkey/core/coretest"
)

// TestMetricLabelsAreBounded sends 1,000 requests with random methods and
// paths, as anyone who can reach the core may, and checks that /metrics
// keeps the series it had after one request of each kind: methods are
// labelled from a fixed set and paths by route, so nothing a client sends
// becomes a new series.
func TestMetricLabelsAreBounded(t *testing.T) {
	c := coretest.New(t)
	rnd := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
		b := make([]byte, n)
		for i := range b {
			b[i] = letters[rnd.IntN(len(letters))]
		}
		return string(b)
	}
	send := func(method, path string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, c.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	// Kinds of request: an unknown method or path, a known route under a
	// tenant that does not exist, and a known method on a route that does
	// not take it.
	kinds := []func(){
		func() { send("X"+strings.ToUpper(word(8)), "/"+word(12)) },
		func() { send("X"+strings.ToUpper(word(8)), "/"+word(6)+"/recipe/signin") },
		func() { send("GET", "/"+word(12)+"/"+word(5)) },
		func() { send("DELETE", "/recipe/signin") },
	}
	series := func() (int, int) {
		t.Helper()
		r := c.Get(t, "/metrics")
		if r.Code != 200 {
			t.Fatalf("/metrics: %d", r.Code)
		}
		n := 0
		for _, line := range strings.Split(string(r.Body), "\n") {
			if strings.HasPrefix(line, "latchkey_core_") {
				n++
			}
		}
		return n, len(r.Body)
	}
	for _, k := range kinds {
		k()
	}
	c.Get(t, "/metrics")
	before, size := series()
	for i := range 1000 {
		kinds[i%len(kinds)]()
	}
	after, grown := series()
	if after != before {
		t.Errorf("1,000 random requests changed the core's series from %d to %d", before, after)
	}
	if grown > size+1024 {
		t.Errorf("1,000 random requests grew /metrics from %d to %d bytes", size, grown)
	}
}
