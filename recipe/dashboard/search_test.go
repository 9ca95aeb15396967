package dashboard_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/dashboard"
)

// TestSearchCaps checks that GET /dashboard/api/users refuses a search
// past the core's caps (100 terms per tag, 256 bytes per term) with 400,
// without asking the core, and passes one at the caps through.
func TestSearchCaps(t *testing.T) {
	var mu sync.Mutex
	var searches []string
	core := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/apiversion":
			fmt.Fprint(w, `{"versions":["5.4"]}`)
		case "/public/users", "/users":
			mu.Lock()
			searches = append(searches, r.URL.RawQuery)
			mu.Unlock()
			fmt.Fprint(w, `{"status":"OK","users":[]}`)
		default:
			http.Error(w, "unexpected core call: "+r.URL.Path, http.StatusTeapot)
		}
	})
	h := setup(t, dashboard.Config{APIKey: "k-123"}, func(c *latchkey.Config) { c.Core = latchkey.CoreConfig{Handler: core} })

	terms := func(n, size int) string {
		var ts []string
		for i := range n {
			t := fmt.Sprintf("t%03d.", i)
			ts = append(ts, t+strings.Repeat("x", max(0, size-len(t))))
		}
		return url.QueryEscape(strings.Join(ts, ";"))
	}
	for _, tc := range []struct {
		name, query string
		code        int
		message     string
	}{
		{"100 terms of 256 bytes in each tag", "email=" + terms(100, 256) + "&phone=" + terms(100, 256) + "&provider=" + terms(100, 256), 200, ""},
		{"100 terms and blank pieces", "email=" + terms(100, 5) + url.QueryEscape(";;  ;"), 200, ""},
		{"101 email terms", "email=" + terms(101, 5), 400, "Too many search terms in 'email': at most 100 are allowed"},
		{"101 phone terms", "phone=" + terms(101, 5), 400, "Too many search terms in 'phone': at most 100 are allowed"},
		{"3000 provider terms", "provider=" + terms(3000, 8), 400, "Too many search terms in 'provider': at most 100 are allowed"},
		{"a 257-byte term", "email=" + terms(1, 257), 400, "A search term in 'email' is too long: at most 256 bytes are allowed"},
	} {
		mu.Lock()
		searches = nil
		mu.Unlock()
		w := get(h, "GET", "/auth/dashboard/api/users?limit=1000&"+tc.query, "Authorization", "Bearer k-123")
		if w.Code != tc.code {
			t.Errorf("%s: %d %.200s, want %d", tc.name, w.Code, w.Body, tc.code)
			continue
		}
		mu.Lock()
		asked := len(searches)
		mu.Unlock()
		if tc.code == 200 {
			if asked != 1 {
				t.Errorf("%s: the core was asked %d times, want once", tc.name, asked)
			}
			continue
		}
		var body map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body["message"] != tc.message {
			t.Errorf("%s: body %s, want message %q", tc.name, w.Body, tc.message)
		}
		if asked != 0 {
			t.Errorf("%s: refused, but the core was asked", tc.name)
		}
	}
}
