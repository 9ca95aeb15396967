package dashboard

import (
	"testing"

	"github.com/latchkey-dev/latchkey/recipe/dashboard"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// firefox is the user agent the activity tests sign in with.
const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

// signInAs signs an app user in through the FDI with a browser's user
// agent.
func (e *env) signInAs(email, password, userAgent string) {
	e.t.Helper()
	r := e.app.Post(e.t, "/auth/signin", map[string]any{"formFields": []map[string]string{
		{"id": "email", "value": email}, {"id": "password", "value": password},
	}}, "st-auth-mode", "header", "rid", "emailpassword", "User-Agent", userAgent)
	if r.Code != 200 || r.JSON(e.t)["status"] != "OK" {
		e.t.Fatalf("FDI sign-in of %s: %d %s", email, r.Code, r.Body)
	}
}

// TestActivityAPI: sign-ins are counted, the list and the user carry the
// activity, and each session shows its IP, browser and OS. No proxy is
// trusted, so a forged X-Forwarded-For is not the IP.
func TestActivityAPI(t *testing.T) {
	t.Parallel()
	e := start(t, options{dash: dashboard.Config{Admins: []string{adminEmail}}})
	alice := e.signUp("alice@example.com", "alice-pass-1")
	bob := e.signUp("bob@example.com", "bob-pass-12")
	e.signInAs("alice@example.com", "alice-pass-1", firefox)
	r := e.app.Post(t, "/auth/signin", map[string]any{"formFields": []map[string]string{
		{"id": "email", "value": "alice@example.com"}, {"id": "password", "value": "alice-pass-1"},
	}}, "st-auth-mode", "header", "rid", "emailpassword", "X-Forwarded-For", "6.6.6.6")
	if r.Code != 200 {
		t.Fatalf("sign-in: %d %s", r.Code, r.Body)
	}
	// A session that back-office code makes is no sign-in of alice.
	if _, err := e.sess.Service().CreateNewSession(t.Context(), session.CreateInput{UserID: alice}); err != nil {
		t.Fatalf("back-office session: %v", err)
	}
	tok := e.signIn(viewerEmail)

	users := e.ok(tok, "GET", "/dashboard/api/users?limit=10", nil)["users"].([]any)
	got := map[string]any{}
	for _, u := range users {
		u := u.(map[string]any)
		got[u["id"].(string)] = u["activity"]
	}
	a, _ := got[alice].(map[string]any)
	if a == nil || a["signIns"] != float64(2) || a["lastActive"].(float64) < a["lastSignIn"].(float64) || got[bob] != nil {
		t.Fatalf("list activity: %v", got)
	}
	u := e.ok(tok, "GET", "/dashboard/api/user?userId="+alice, nil)["user"].(map[string]any)
	if u["activity"].(map[string]any)["signIns"] != float64(2) {
		t.Errorf("user activity: %v", u["activity"])
	}

	sessions := e.ok(tok, "GET", "/dashboard/api/user/sessions?userId="+alice, nil)["sessions"].([]any)
	if len(sessions) != 3 {
		t.Fatalf("sessions: %v", sessions)
	}
	var sawFirefox bool
	for _, s := range sessions {
		s := s.(map[string]any)
		if s["clientIp"] == nil {
			continue // the back-office session says nothing of where it came from
		}
		if s["clientIp"] != "127.0.0.1" {
			t.Errorf("session IP %v, want the peer 127.0.0.1 (no proxy is trusted)", s["clientIp"])
		}
		if s["browser"] == "Firefox 128" && s["os"] == "Linux" {
			sawFirefox = true
		}
	}
	if !sawFirefox {
		t.Errorf("no session reads as Firefox 128 on Linux: %v", sessions)
	}
}
