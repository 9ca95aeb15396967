package dashboard

import (
	"net/http"
	"strings"
	"testing"
)

func TestOverview(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	e.signUp("ann@acme.com", "pass-word-1")
	viewer := e.signIn(viewerEmail)
	st := e.ok(viewer, "GET", "/dashboard/api/overview?days=90", nil)["stats"].(map[string]any)
	series := st["signUpsPerDay"].([]any)
	if st["totalUsers"] != float64(1) || len(series) != 90 || series[89].(map[string]any)["count"] != float64(1) {
		t.Fatalf("overview: %v", st)
	}
	if m := e.ok(viewer, "GET", "/public/dashboard/api/overview", nil)["stats"].(map[string]any); m["days"] != float64(30) {
		t.Errorf("default period: %v", m["days"])
	}
	for _, bad := range []string{"0", "367", "x"} {
		e.wantCode(viewer, "GET", "/dashboard/api/overview?days="+bad, nil, 400, "'days' must be a whole number from 1 to 366")
	}
	if r := e.call("", "GET", "/dashboard/api/overview", nil); r.Code != http.StatusUnauthorized {
		t.Errorf("without a session: %d", r.Code)
	}
}

// TestOverviewWithoutLatchkeyCore: a core without the stats endpoint (a
// SuperTokens core answers 404) makes the overview FEATURE_NOT_ENABLED_ERROR.
func TestOverviewWithoutLatchkeyCore(t *testing.T) {
	t.Parallel()
	e := start(t, options{wrapCore: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/recipe/latchkey/users/stats") {
				http.NotFound(w, r)
				return
			}
			h.ServeHTTP(w, r)
		})
	}})
	e.want(e.signIn(adminEmail), "GET", "/dashboard/api/overview", nil, "FEATURE_NOT_ENABLED_ERROR")
}
