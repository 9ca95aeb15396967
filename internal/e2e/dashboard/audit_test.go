package dashboard

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/recipe/dashboard"
)

// auditEvents polls the dashboard's audit API until it holds n events
// for query (the core writes the log in the background).
func (e *env) auditEvents(tok, query string, n int) []map[string]any {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		list := e.ok(tok, "GET", "/dashboard/api/audit?"+query, nil)["events"].([]any)
		if len(list) >= n || time.Now().After(deadline) {
			if len(list) != n {
				e.t.Fatalf("audit?%s: %d events, want %d: %v", query, len(list), n, list)
			}
			out := make([]map[string]any, n)
			for i := range list {
				out[i] = list[i].(map[string]any)
			}
			return out
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestAuditAPI: the user's auth events and the dashboard's writes are in
// the log with their actor; filters and both exports work; a read-only
// account may read but its refused writes leave nothing.
func TestAuditAPI(t *testing.T) {
	t.Parallel()
	e := start(t, options{dash: dashboard.Config{Admins: []string{adminEmail}}})
	alice := e.signUp("alice@example.com", "alice-pass-1")
	e.fdiSession("alice@example.com", "alice-pass-1")
	admin, viewer := e.signIn(adminEmail), e.signIn(viewerEmail)
	e.wantCode(viewer, "PUT", "/dashboard/api/user/metadata", map[string]any{"userId": alice, "data": `{"a":1}`}, http.StatusForbidden, "")
	e.ok(admin, "PUT", "/dashboard/api/user/metadata", map[string]any{"userId": alice, "data": `{"plan":"pro"}`})

	got := e.auditEvents(viewer, "userId="+alice, 3)
	if got[0]["action"] != "dashboard.put /user/metadata" || got[0]["actor"] != adminEmail || got[0]["clientIp"] != "127.0.0.1" {
		t.Errorf("the dashboard write: %v", got[0])
	}
	if got[1]["action"] != "signin.success" || got[2]["action"] != "signup" {
		t.Errorf("auth events: %v", got[1:])
	}
	e.auditEvents(viewer, "actor="+adminEmail, 1)
	e.auditEvents(viewer, "action=signup", 1)
	e.wantCode(viewer, "GET", "/dashboard/api/audit?since=soon", nil, http.StatusBadRequest, "'since' must be a time in milliseconds since the epoch")
	e.wantCode(viewer, "GET", "/dashboard/api/audit?paginationToken=%21", nil, http.StatusBadRequest, "invalid pagination token")

	r := e.call(viewer, "GET", "/dashboard/api/audit/export?format=csv&userId="+alice, nil)
	rows, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
	if r.Code != 200 || err != nil || len(rows) != 4 || rows[0][1] != "actor" || rows[1][1] != adminEmail ||
		!strings.Contains(r.Header.Get("Content-Disposition"), ".csv") {
		t.Errorf("CSV export: %d %v %q", r.Code, err, r.Body)
	}
	r = e.call(viewer, "GET", "/dashboard/api/audit/export?format=json&action=signup", nil)
	var list []map[string]any
	if r.Code != 200 || json.Unmarshal(r.Body, &list) != nil || len(list) != 1 || list[0]["userId"] != alice {
		t.Errorf("JSON export: %d %s", r.Code, r.Body)
	}
	e.wantCode(viewer, "GET", "/dashboard/api/audit/export?format=xml", nil, http.StatusBadRequest, "'format' must be csv or json")
}

// TestBrowserActivityWalk opens the Activity page in Chromium, filters by
// user and by event, exports CSV and JSON, and sees the user's own
// Activity section.
func TestBrowserActivityWalk(t *testing.T) {
	requireChromium(t)
	e := start(t, options{localhost: true, dash: dashboard.Config{Admins: []string{adminEmail}}})
	w := newWalker(t, e, shotDir(t, "activity"))
	alice := e.signUp("alice@example.com", "alice-pass-1")
	e.signUp("bob@example.com", "bob-pass-12")
	e.fdiSession("alice@example.com", "alice-pass-1")
	tok := e.signIn(adminEmail)
	e.auditEvents(tok, "", 3) // written in the background: wait for them

	w.navigate(e.URL + "/auth/dashboard")
	w.signIn(adminEmail)
	w.click("Activity", `L.role('link', 'Activity')`)
	w.waitFor("the Activity page", `L.role('heading', 'Activity')`)
	w.waitFor("a sign-up", `L.text('signup')`)
	w.waitFor("the sign-in", `L.text('signin.success')`)
	w.shot("activity")

	rows := func() int {
		var n int
		if err := w.eval(`document.querySelectorAll('.audit-table tbody tr').length`, &n); err != nil {
			w.fail("counting rows: %v", err)
		}
		return n
	}
	w.fill("the user filter", `L.label('User ID')`, alice)
	w.click("Apply", `L.role('button', 'Apply filters')`)
	w.waitFor("two events of Alice", `document.querySelectorAll('.audit-table tbody tr').length === 2`)
	w.choose("the event filter", `L.label('Event')`, "signup")
	w.click("Apply", `L.role('button', 'Apply filters')`)
	w.waitFor("her sign-up only", `document.querySelectorAll('.audit-table tbody tr').length === 1`)
	if n := rows(); n != 1 {
		t.Fatalf("rows: %d", n)
	}
	w.shot("filtered")

	// Export: capture the files the page hands to the browser.
	if err := w.eval(`(() => { window.__dl = []; const o = URL.createObjectURL; URL.createObjectURL = (b) => { window.__dl.push(b); return o.call(URL, b); }; return true; })()`, nil); err != nil {
		t.Fatal(err)
	}
	w.click("Export CSV", `L.role('button', 'Export CSV')`)
	w.waitFor("the CSV file", `window.__dl.length === 1 && window.__dl[0].type.startsWith('text/csv') && window.__dl[0].size > 40`)
	w.click("Export JSON", `L.role('button', 'Export JSON')`)
	w.waitFor("the JSON file", `window.__dl.length === 2 && window.__dl[1].type.startsWith('application/json')`)

	// Alice's page has her Activity section.
	w.navigate(e.URL + "/auth/dashboard/users/" + alice)
	w.waitFor("Alice's page", `L.role('heading', 'alice@example.com')`)
	// The cards above load on their own; click once they have settled.
	w.waitFor("her sessions", `L.role('region', 'Sessions (1)')`)
	w.waitFor("her access", `L.text('Active', L.role('region', 'Access'))`)
	act := `L.role('region', 'Activity')`
	w.click("Show activity", `L.role('button', 'Show activity', `+act+`)`)
	w.waitFor("her events", `L.text('signin.success', `+act+`)`)
	w.shot("user-activity")
}
