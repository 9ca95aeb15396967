package dashboard

import (
	"net/http"
	"testing"

	"github.com/latchkey-dev/latchkey/recipe/dashboard"
)

// signInWith signs a dashboard account in with a password and returns its
// session id.
func (e *env) signInWith(email, password string) string {
	e.t.Helper()
	return e.ok("", "POST", "/dashboard/api/signin", map[string]string{"email": email, "password": password})["sessionId"].(string)
}

// teamAccounts returns the team page's accounts by email.
func (e *env) teamAccounts(token string) (map[string]map[string]any, bool) {
	e.t.Helper()
	m := e.ok(token, "GET", "/dashboard/api/team", nil)
	out := map[string]map[string]any{}
	for _, a := range m["accounts"].([]any) {
		a := a.(map[string]any)
		out[a["email"].(string)] = a
	}
	return out, m["rolesFromConfig"].(bool)
}

func TestTeamEndpointsNeedASession(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	// A read-only account may change its own password, nothing else.
	e.ok(adminToken(e), "PUT", "/dashboard/api/team/account", map[string]any{"userId": e.accountID(viewerEmail), "readOnly": true})
	viewer := e.signIn(viewerEmail)
	for _, ep := range []endpoint{
		{"GET", "/dashboard/api/team", true, nil},
		{"POST", "/dashboard/api/team", true, map[string]any{"email": "x@example.com", "password": "pass-1234"}},
		{"PUT", "/dashboard/api/team/account", true, map[string]any{"userId": "x", "readOnly": true}},
		{"DELETE", "/dashboard/api/team/account?userId=x", true, nil},
		{"POST", "/dashboard/api/team/account/unlock", true, map[string]any{"userId": "x"}},
		{"PUT", "/dashboard/api/team/password", false, map[string]any{"currentPassword": "wrong-123", "newPassword": "pass-1234"}},
	} {
		if r := e.call("", ep.method, ep.path, ep.body); r.Code != http.StatusUnauthorized {
			t.Errorf("%s %s without a session: %d %s", ep.method, ep.path, r.Code, r.Body)
		}
		r := e.call(viewer, ep.method, ep.path, ep.body)
		if ep.write && r.Code != http.StatusForbidden || !ep.write && r.Code != http.StatusOK {
			t.Errorf("%s %s as a read-only account: %d %s", ep.method, ep.path, r.Code, r.Body)
		}
	}
	if accounts, _ := e.teamAccounts(adminToken(e)); len(accounts) != 2 {
		t.Errorf("the refused calls changed the team: %v", accounts)
	}
}

// adminToken signs the admin account in.
func adminToken(e *env) string { return e.signIn(adminEmail) }

// accountID returns a dashboard account's id from the core.
func (e *env) accountID(email string) string {
	e.t.Helper()
	for _, u := range e.core.Get(e.t, "/recipe/dashboard/users").JSON(e.t)["users"].([]any) {
		if u := u.(map[string]any); u["email"] == email {
			return u["userId"].(string)
		}
	}
	e.t.Fatalf("no dashboard account %s", email)
	return ""
}

func TestTeamManagesAccounts(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	admin := e.signIn(adminEmail)
	accounts, fromConfig := e.teamAccounts(admin)
	if fromConfig || len(accounts) != 2 || accounts[adminEmail]["you"] != true || accounts[viewerEmail]["you"] != false ||
		accounts[adminEmail]["readOnly"] != false || accounts[viewerEmail]["readOnly"] != false {
		t.Fatalf("team: %v (roles from config %v)", accounts, fromConfig)
	}

	// Create, with the core's refusals.
	for _, tc := range []struct {
		name, email, password, status, message string
	}{
		{"weak", "new@example.com", "abcdefgh", "PASSWORD_WEAK_ERROR", "Password must contain at least one number"},
		{"taken", viewerEmail, "pass-1234", "EMAIL_ALREADY_EXISTS_ERROR", ""},
		{"bad email", "new@", "pass-1234", "INVALID_EMAIL_ERROR", ""},
	} {
		m := e.want(admin, "POST", "/dashboard/api/team", map[string]any{"email": tc.email, "password": tc.password}, tc.status)
		if tc.message != "" && m["message"] != tc.message {
			t.Errorf("%s: message %v, want %q", tc.name, m["message"], tc.message)
		}
	}
	e.wantCode(admin, "POST", "/dashboard/api/team", map[string]any{"email": "new@example.com"}, 400, "")
	e.wantCode(admin, "POST", "/dashboard/api/team", map[string]any{"email": "new@example.com", "password": "pass-1234", "readOnly": "yes"}, 400, "")
	created := e.ok(admin, "POST", "/dashboard/api/team", map[string]any{"email": " New@Example.com ", "password": "pass-1234", "readOnly": true})["account"].(map[string]any)
	if created["email"] != "new@example.com" || created["readOnly"] != true {
		t.Fatalf("created: %v", created)
	}
	newID := created["userId"].(string)

	// The read-only account may look, not change.
	fresh := e.signInWith("new@example.com", "pass-1234")
	if me := e.ok(fresh, "GET", "/dashboard/api/me", nil); me["canWrite"] != false {
		t.Errorf("a read-only account: %v", me)
	}
	e.wantCode(fresh, "PUT", "/dashboard/api/userroles/role", map[string]any{"role": "r", "permissions": []string{}}, 403, "You are not permitted to perform this operation")

	// Making it an admin ends its sessions; signed in again, it may write.
	if a := e.ok(admin, "PUT", "/dashboard/api/team/account", map[string]any{"userId": newID, "readOnly": false})["account"].(map[string]any); a["readOnly"] != false {
		t.Errorf("promoted: %v", a)
	}
	e.refused(fresh)
	fresh = e.signInWith("new@example.com", "pass-1234")
	if me := e.ok(fresh, "GET", "/dashboard/api/me", nil); me["canWrite"] != true {
		t.Errorf("after promotion: %v", me)
	}

	// Nobody demotes or removes themselves; unknown accounts are named.
	adminID := e.accountID(adminEmail)
	e.wantCode(admin, "PUT", "/dashboard/api/team/account", map[string]any{"userId": adminID, "readOnly": true}, 400, "You cannot change your own role or remove yourself; ask another admin")
	e.wantCode(admin, "DELETE", "/dashboard/api/team/account?userId="+adminID, nil, 400, "You cannot change your own role or remove yourself; ask another admin")
	e.wantCode(admin, "DELETE", "/dashboard/api/team/account?userId=nobody", nil, 400, "No dashboard account has this id")
	e.wantCode(admin, "PUT", "/dashboard/api/team/account", map[string]any{"userId": newID}, 400, "")

	// Removing an account ends its sessions; the curl-made ones stay.
	viewer := e.signIn(viewerEmail)
	if m := e.ok(admin, "DELETE", "/dashboard/api/team/account?userId="+e.accountID(viewerEmail), nil); m["didUserExist"] != true {
		t.Errorf("remove: %v", m)
	}
	e.refused(viewer)
	if accounts, _ := e.teamAccounts(admin); len(accounts) != 2 || accounts["new@example.com"] == nil || accounts[viewerEmail] != nil {
		t.Errorf("team after removal: %v", accounts)
	}
}

func TestTeamOwnPassword(t *testing.T) {
	t.Parallel()
	e := start(t, options{dash: dashboard.Config{Admins: []string{adminEmail}}})
	viewer := e.signIn(viewerEmail)
	e.want(viewer, "PUT", "/dashboard/api/team/password", map[string]any{"currentPassword": "wrong-123", "newPassword": "next-pass-1"}, "INVALID_CREDENTIALS_ERROR")
	e.want(viewer, "PUT", "/dashboard/api/team/password", map[string]any{"currentPassword": "", "newPassword": "next-pass-1"}, "INVALID_CREDENTIALS_ERROR")
	if m := e.want(viewer, "PUT", "/dashboard/api/team/password", map[string]any{"currentPassword": accountPass, "newPassword": "short1"}, "PASSWORD_WEAK_ERROR"); m["message"] == nil {
		t.Errorf("weak: %v", m)
	}
	e.wantCode(viewer, "PUT", "/dashboard/api/team/password", map[string]any{"currentPassword": accountPass}, 400, "")
	// The refusals left the session alive; the change ends it.
	e.ok(viewer, "PUT", "/dashboard/api/team/password", map[string]any{"currentPassword": accountPass, "newPassword": "next-pass-1"})
	e.refused(viewer)
	e.want("", "POST", "/dashboard/api/signin", map[string]string{"email": viewerEmail, "password": accountPass}, "INVALID_CREDENTIALS_ERROR")
	e.signInWith(viewerEmail, "next-pass-1")
}

// TestTeamRolesFromConfig: with Config.Admins set, the list shows the
// roles it gives and the page cannot change them.
func TestTeamRolesFromConfig(t *testing.T) {
	t.Parallel()
	e := start(t, options{dash: dashboard.Config{Admins: []string{adminEmail}}})
	admin := e.signIn(adminEmail)
	accounts, fromConfig := e.teamAccounts(admin)
	if !fromConfig || accounts[adminEmail]["readOnly"] != false || accounts[viewerEmail]["readOnly"] != true {
		t.Fatalf("team: %v (roles from config %v)", accounts, fromConfig)
	}
	e.wantCode(admin, "PUT", "/dashboard/api/team/account", map[string]any{"userId": e.accountID(viewerEmail), "readOnly": false}, 400,
		"Roles come from the Admins list in the backend's dashboard config; change it there")
	// A stored flag does not beat the config: an admin by config stays one.
	e.core.Put(t, "/recipe/dashboard/user", map[string]any{"email": adminEmail, "readOnly": true})
	if me := e.ok(e.signIn(adminEmail), "GET", "/dashboard/api/me", nil); me["canWrite"] != true {
		t.Errorf("admin by config with a stored read-only flag: %v", me)
	}
}

func TestTeamInAPIKeyMode(t *testing.T) {
	t.Parallel()
	const key = "team-dashboard-key"
	e := start(t, options{dash: dashboard.Config{APIKey: key}})
	e.wantCode(key, "GET", "/dashboard/api/team", nil, 400, "The dashboard runs in API-key mode, which has no accounts to manage")
	e.wantCode(key, "PUT", "/dashboard/api/team/password", map[string]any{"currentPassword": "a", "newPassword": "pass-1234"}, 400, "The dashboard runs in API-key mode, which has no accounts to manage")
}
