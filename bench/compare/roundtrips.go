package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// Operations whose core round trips are counted.
const (
	rtSignUp            = "sign-up"
	rtSignIn            = "sign-in (email verification + roles claims)"
	rtRefresh           = "refresh"
	rtFirstAfterRefresh = "protected route, first after a refresh"
	rtProtectedCookie   = "protected route, cookie"
	rtProtectedHeader   = "protected route, header"
	rtDashboardPage     = "dashboard page of 10 users (list + count)"
)

// roundTripOps is their order in the report.
var roundTripOps = []string{rtSignUp, rtSignIn, rtRefresh, rtFirstAfterRefresh, rtProtectedCookie, rtProtectedHeader, rtDashboardPage}

// roundTrip is how many calls the backend made to the core for one
// operation, by route.
type roundTrip struct {
	Operation string           `json:"operation"`
	Engine    string           `json:"engine"`
	Calls     int64            `json:"calls"`
	ByRoute   map[string]int64 `json:"byRoute"`
}

// countRoundTrips performs each operation once, alone, after a first
// uncounted one where a cache could fill (the CDI version, the JWKS), and
// counts the backend's calls to the core in between.
func (h *harness) countRoundTrips(ctx context.Context, e *engine) ([]roundTrip, error) {
	var out []roundTrip
	count := func(op string, fn func() error) error {
		before, err := h.coreCalls(ctx, e)
		if err != nil {
			return err
		}
		if err := fn(); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		after, err := h.coreCalls(ctx, e)
		if err != nil {
			return err
		}
		d := after.minus(before)
		out = append(out, roundTrip{Operation: op, Engine: e.name, Calls: d.Total, ByRoute: d.ByRoute})
		return nil
	}
	if err := count(rtSignUp, func() error {
		_, err := h.signUp(ctx, e, "count-signup@example.com")
		return err
	}); err != nil {
		return nil, err
	}
	u := e.users[0] // has the role, so the claims carry roles and permissions
	var cookie tokens
	if err := count(rtSignIn, func() error {
		var err error
		cookie, err = h.signIn(ctx, e, u, false)
		return err
	}); err != nil {
		return nil, err
	}
	if err := count(rtRefresh, func() error {
		var err error
		cookie, err = h.refresh(ctx, e, cookie.refresh)
		return err
	}); err != nil {
		return nil, err
	}
	header, err := h.signIn(ctx, e, u, true)
	if err != nil {
		return nil, err
	}
	// A request to the protected route, keeping a new access token the
	// answer carries, as a frontend does: the first use of a refreshed
	// token asks the core to confirm the refresh and gets a new token.
	protected := func(headerMode bool, token string) func() error {
		return func() error {
			hdr := http.Header{"Cookie": {"sAccessToken=" + token}}
			if headerMode {
				hdr = http.Header{"Authorization": {"Bearer " + token}}
			}
			a, err := call(ctx, h.client, http.MethodGet, e.backend.url+protectedPath, nil, hdr)
			if err != nil {
				return err
			}
			if a.code != http.StatusOK {
				return fmt.Errorf("GET %s: %s", protectedPath, a)
			}
			if t, ok := setCookie(a.header, "sAccessToken"); ok && !headerMode {
				token = t
			} else if t := a.header.Get("St-Access-Token"); t != "" && headerMode {
				token = t
			}
			return nil
		}
	}
	// The cookie session was just refreshed; the header one is new.
	cookieReq, headerReq := protected(false, cookie.access), protected(true, header.access)
	if err := headerReq(); err != nil { // fills the JWKS cache
		return nil, err
	}
	if err := count(rtFirstAfterRefresh, cookieReq); err != nil {
		return nil, err
	}
	if err := count(rtProtectedCookie, cookieReq); err != nil {
		return nil, err
	}
	if err := count(rtProtectedHeader, headerReq); err != nil {
		return nil, err
	}
	page := h.dashboardPage(ctx, e)
	if err := page(); err != nil {
		return nil, err
	}
	if err := count(rtDashboardPage, page); err != nil {
		return nil, err
	}
	return out, nil
}

// dashboardPageSize is how many users the dashboard's user list shows.
const dashboardPageSize = 10

// dashboardPage returns what the dashboard UI does to show its first page
// of users: GET users/count and GET users, as a signed-in dashboard
// account. Each checks the dashboard session: against a Latchkey core in
// the same round trip as its first core GET (latchkey-dashboard-session),
// so the page is 3 calls, not 5.
func (h *harness) dashboardPage(ctx context.Context, e *engine) func() error {
	hdr := http.Header{"Authorization": {"Bearer " + e.dashboardSID}}
	base := e.backend.url + "/auth/dashboard/api"
	return func() error {
		a, err := call(ctx, h.client, http.MethodGet, base+"/users/count", nil, hdr)
		if err != nil {
			return err
		}
		if !a.okStatus() {
			return fmt.Errorf("users/count: %s", a)
		}
		a, err = call(ctx, h.client, http.MethodGet, base+"/users?timeJoinedOrder=DESC&limit="+strconv.Itoa(dashboardPageSize), nil, hdr)
		if err != nil {
			return err
		}
		var page struct {
			Users []json.RawMessage `json:"users"`
		}
		if !a.okStatus() || json.Unmarshal(a.body, &page) != nil || len(page.Users) < min(dashboardPageSize, len(e.users)) {
			return fmt.Errorf("users: want a page of %d users: %s", min(dashboardPageSize, len(e.users)), a)
		}
		return nil
	}
}
