package dashboard

import (
	"net/http"
	"strings"
	"testing"

	"github.com/latchkey-dev/latchkey/recipe/dashboard"
)

// endpoint is one protected dashboard API, with a body that is valid
// enough to get past input checks.
type endpoint struct {
	method, path string
	write        bool
	body         any
}

// protected lists every API but sign-in and key validation, which are
// open. IDs are placeholders that tests replace.
func protected() []endpoint {
	return []endpoint{
		{"POST", "/dashboard/api/analytics", false, map[string]any{"email": "a@b.co", "dashboardVersion": "0.15"}},
		{"GET", "/dashboard/api/search/tags", false, nil},
		{"GET", "/dashboard/api/tenants", false, nil},
		{"GET", "/dashboard/api/users?limit=10", false, nil},
		{"GET", "/dashboard/api/users/count", false, nil},
		{"GET", "/dashboard/api/user?userId=USER", false, nil},
		{"PUT", "/dashboard/api/user", true, map[string]any{"recipeUserId": "USER", "recipeId": "emailpassword", "firstName": "X", "lastName": "", "email": "", "phone": ""}},
		{"GET", "/dashboard/api/user/unlink?recipeUserId=USER", true, nil},
		{"GET", "/dashboard/api/user/email/verify?recipeUserId=USER", false, nil},
		{"PUT", "/dashboard/api/user/email/verify", true, map[string]any{"recipeUserId": "USER", "verified": true}},
		{"POST", "/dashboard/api/user/email/verify/token", true, map[string]any{"recipeUserId": "USER"}},
		{"PUT", "/dashboard/api/user/password", true, map[string]any{"recipeUserId": "USER", "newPassword": "changed-123"}},
		{"GET", "/dashboard/api/user/signin-lock?email=u@example.com", false, nil},
		{"POST", "/dashboard/api/user/signin-lock/remove", true, map[string]any{"email": "u@example.com"}},
		{"GET", "/dashboard/api/user/metadata?userId=USER", false, nil},
		{"PUT", "/dashboard/api/user/metadata", true, map[string]any{"userId": "USER", "data": `{"a":1}`}},
		{"GET", "/dashboard/api/user/sessions?userId=USER", false, nil},
		{"POST", "/dashboard/api/user/sessions", true, map[string]any{"sessionHandles": []string{"HANDLE"}}},
		{"POST", "/dashboard/api/user/emailpassword", true, map[string]any{"email": "new@example.com", "password": "pass-1234"}},
		{"POST", "/dashboard/api/user/passwordless", true, map[string]any{"email": "new@example.com"}},
		{"GET", "/dashboard/api/userroles/roles", false, nil},
		{"PUT", "/dashboard/api/userroles/role", true, map[string]any{"role": "newrole", "permissions": []string{"p"}}},
		{"DELETE", "/dashboard/api/userroles/role?role=ROLE", true, nil},
		{"GET", "/dashboard/api/userroles/role/permissions?role=ROLE", false, nil},
		{"PUT", "/dashboard/api/userroles/role/permissions/remove", true, map[string]any{"role": "ROLE", "permissions": []string{"read"}}},
		{"GET", "/dashboard/api/userroles/user/roles?userId=USER", false, nil},
		{"PUT", "/dashboard/api/userroles/user/roles", true, map[string]any{"userId": "USER", "role": "ROLE"}},
		{"DELETE", "/dashboard/api/userroles/user/roles?userId=USER&role=ROLE", true, nil},
		// Late: it removes the user the others act on.
		{"DELETE", "/dashboard/api/user?userId=USER", true, nil},
		// Last: it ends the session it is called with.
		{"POST", "/dashboard/api/signout", false, map[string]any{}},
	}
}

func TestUnauthorised(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	for _, ep := range protected() {
		for _, prefix := range []string{"", "/public"} {
			path := prefix + ep.path
			for _, auth := range []string{"", "Bearer", "Bearer not-a-session", "Basic YWRtaW46cHc=", "Bearer " + strings.Repeat("x", 600), "Bearer a b"} {
				hdr := []string{}
				if auth != "" {
					hdr = []string{"Authorization", auth}
				}
				r := e.app.Do(t, ep.method, "/auth"+path, ep.body, hdr...)
				if r.Code != http.StatusUnauthorized || r.Text() != `{"message":"Unauthorised access"}` {
					t.Errorf("%s %s with %q: %d %s, want 401 Unauthorised access", ep.method, path, auth, r.Code, r.Body)
				}
				if r.Header.Get("Content-Security-Policy") == "" || r.Header.Get("Cache-Control") != "no-store" {
					t.Errorf("%s %s: 401 without the dashboard's headers: %v", ep.method, path, r.Header)
				}
			}
		}
	}
}

// TestSignInThrottled: five wrong passwords lock a dashboard account; the
// API answers INVALID_CREDENTIALS_ERROR with a message the UI shows
// (issue 11, finding 6).
func TestSignInThrottled(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	for range 5 {
		e.want("", "POST", "/dashboard/api/signin", map[string]any{"email": viewerEmail, "password": "wrong-pass-1"}, "INVALID_CREDENTIALS_ERROR")
	}
	m := e.want("", "POST", "/dashboard/api/signin", map[string]any{"email": viewerEmail, "password": accountPass}, "INVALID_CREDENTIALS_ERROR")
	if m["message"] != "Too many failed sign-in attempts. Please try again in 1 minute." || m["sessionId"] != nil {
		t.Errorf("locked sign-in: %v", m)
	}
	// Another account is not locked.
	e.ok("", "POST", "/dashboard/api/signin", map[string]any{"email": adminEmail, "password": accountPass})
}

func TestSignInAndOut(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	e.wantCode("", "POST", "/dashboard/api/signin", map[string]any{"password": accountPass}, 400, "Missing required parameter 'email'")
	e.wantCode("", "POST", "/dashboard/api/signin", map[string]any{"email": adminEmail}, 400, "Missing required parameter 'password'")
	e.wantCode("", "POST", "/dashboard/api/signin", map[string]any{"email": 5, "password": accountPass}, 400, "Missing required parameter 'email'")
	e.wantCode("", "POST", "/dashboard/api/signin", "not json", 400, "")
	e.want("", "POST", "/dashboard/api/signin", map[string]any{"email": adminEmail, "password": "wrong-pass-1"}, "INVALID_CREDENTIALS_ERROR")
	e.want("", "POST", "/dashboard/api/signin", map[string]any{"email": "nobody@example.com", "password": accountPass}, "INVALID_CREDENTIALS_ERROR")

	// Emails are matched case-insensitively by the core.
	m := e.ok("", "POST", "/dashboard/api/signin", map[string]any{"email": "Admin@Example.COM", "password": accountPass})
	tok, _ := m["sessionId"].(string)
	if tok == "" || len(m) != 2 {
		t.Fatalf("sign-in answer: %v", m)
	}
	me := e.ok(tok, "GET", "/dashboard/api/me", nil)
	if me["email"] != adminEmail || me["canWrite"] != true || me["authMode"] != "email-password" {
		t.Errorf("me: %v", me)
	}
	// Key validation is for API-key mode only.
	e.wantCode(tok, "POST", "/dashboard/api/key/validate", map[string]any{}, 401, "Unauthorised access")

	e.ok(tok, "POST", "/dashboard/api/signout", map[string]any{})
	e.refused(tok)
	// A session deleted on the core behind the SDK's back is refused too.
	tok = e.signIn(viewerEmail)
	e.ok(tok, "GET", "/dashboard/api/me", nil)
	e.core.Delete(t, "/recipe/dashboard/user?email="+viewerEmail)
	e.refused(tok)
}

// refused checks that the dashboard no longer takes token: the APIs answer
// 401, and GET /me, the UI's probe, says INVALID_SESSION_ERROR.
func (e *env) refused(token string) {
	e.t.Helper()
	e.wantCode(token, "GET", "/dashboard/api/users/count", nil, 401, "Unauthorised access")
	if m := e.want(token, "GET", "/dashboard/api/me", nil, "INVALID_SESSION_ERROR"); len(m) != 1 {
		e.t.Errorf("GET /me without a session says more than its status: %v", m)
	}
}

// TestMeWithoutASession: GET /me answers INVALID_SESSION_ERROR, not 401,
// for a missing, malformed or unknown token, so that the UI's check on
// every page load logs no error in the browser's console.
func TestMeWithoutASession(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	for _, auth := range []string{"", "Bearer", "Bearer not-a-session", "Basic YWRtaW46cHc=", "Bearer " + strings.Repeat("x", 600)} {
		var hdr []string
		if auth != "" {
			hdr = []string{"Authorization", auth}
		}
		r := e.app.Do(t, "GET", "/auth/dashboard/api/me", nil, hdr...)
		if r.Code != http.StatusOK || r.Text() != `{"status":"INVALID_SESSION_ERROR"}` || r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET /me with %q: %d %s %v", auth, r.Code, r.Body, r.Header)
		}
	}
	e.refused("not-a-session")
	if me := e.ok(e.signIn(adminEmail), "GET", "/dashboard/api/me", nil); me["email"] != adminEmail {
		t.Errorf("me: %v", me)
	}
}

// ids creates the things the placeholder ids stand for and returns the
// endpoints with real ids.
func (e *env) realEndpoints(token string) []endpoint {
	e.t.Helper()
	user := e.signUp("target@example.com", "target-pass-1")
	e.ok(token, "PUT", "/dashboard/api/userroles/role", map[string]any{"role": "ROLE", "permissions": []string{"read"}})
	out := protected()
	for i, ep := range out {
		out[i].path = strings.ReplaceAll(ep.path, "USER", user)
		if m, ok := ep.body.(map[string]any); ok {
			c := map[string]any{}
			for k, v := range m {
				if v == "USER" {
					v = user
				}
				c[k] = v
			}
			out[i].body = c
		}
	}
	return out
}

func TestReadOnlyAccounts(t *testing.T) {
	t.Parallel()
	// Admins are compared case-insensitively, after trimming.
	e := start(t, options{dash: dashboard.Config{Admins: []string{"  ADMIN@example.com "}}})
	admin, viewer := e.signIn(adminEmail), e.signIn(viewerEmail)
	if me := e.ok(admin, "GET", "/dashboard/api/me", nil); me["canWrite"] != true {
		t.Errorf("admin: %v", me)
	}
	if me := e.ok(viewer, "GET", "/dashboard/api/me", nil); me["canWrite"] != false || me["email"] != viewerEmail {
		t.Errorf("viewer: %v", me)
	}
	eps := e.realEndpoints(admin)
	for _, ep := range eps {
		r := e.call(viewer, ep.method, ep.path, ep.body)
		switch {
		case ep.write && (r.Code != 403 || r.Text() != `{"message":"You are not permitted to perform this operation"}`):
			t.Errorf("viewer %s %s: %d %s, want 403", ep.method, ep.path, r.Code, r.Body)
		case !ep.write && r.Code != 200:
			t.Errorf("viewer %s %s: %d %s, want 200", ep.method, ep.path, r.Code, r.Body)
		}
		if ep.write {
			// Refused before the body is even read.
			if r := e.call(viewer, ep.method, ep.path, "{garbage"); r.Code != 403 {
				t.Errorf("viewer %s %s with a bad body: %d, want 403", ep.method, ep.path, r.Code)
			}
		}
	}
	// Nothing changed: the user, its metadata and the role are as before.
	users := e.ok(admin, "GET", "/dashboard/api/users?limit=10", nil)["users"].([]any)
	if len(users) != 1 {
		t.Errorf("users after the refused writes: %v", users)
	}
	roles := e.ok(admin, "GET", "/dashboard/api/userroles/roles", nil)["roles"].([]any)
	if len(roles) != 1 || roles[0] != "ROLE" {
		t.Errorf("roles after the refused writes: %v", roles)
	}
	// The admin may write; its session survived the viewer's sign-out.
	for _, ep := range eps {
		if ep.write {
			if r := e.call(admin, ep.method, ep.path, ep.body); r.Code != 200 {
				t.Errorf("admin %s %s: %d %s", ep.method, ep.path, r.Code, r.Body)
			}
		}
	}
}

func TestEveryoneReadOnly(t *testing.T) {
	t.Parallel()
	e := start(t, options{dash: dashboard.Config{Admins: []string{}}})
	admin := e.signIn(adminEmail)
	if me := e.ok(admin, "GET", "/dashboard/api/me", nil); me["canWrite"] != false {
		t.Errorf("me: %v", me)
	}
	e.wantCode(admin, "PUT", "/dashboard/api/userroles/role", map[string]any{"role": "r", "permissions": []string{}}, 403, "You are not permitted to perform this operation")
	e.wantCode(admin, "GET", "/dashboard/api/user/unlink?recipeUserId=x", nil, 403, "You are not permitted to perform this operation")
	e.ok(admin, "POST", "/dashboard/api/analytics", map[string]any{"email": adminEmail, "dashboardVersion": "0.15"})
	e.ok(admin, "POST", "/dashboard/api/signout", map[string]any{})
}

func TestEveryoneMayWriteWithoutAdmins(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	viewer := e.signIn(viewerEmail)
	if me := e.ok(viewer, "GET", "/dashboard/api/me", nil); me["canWrite"] != true {
		t.Errorf("me: %v", me)
	}
	e.ok(viewer, "PUT", "/dashboard/api/userroles/role", map[string]any{"role": "r", "permissions": []string{}})
}

func TestAPIKeyMode(t *testing.T) {
	t.Parallel()
	const key = "s3cret-dashboard-key"
	e := start(t, options{dash: dashboard.Config{APIKey: key}})
	e.ok(key, "POST", "/dashboard/api/key/validate", map[string]any{})
	for _, bad := range []string{"", "s3cret-dashboard-ke", key + "x", "S3CRET-DASHBOARD-KEY"} {
		e.wantCode(bad, "POST", "/dashboard/api/key/validate", map[string]any{}, 401, "Unauthorised access")
		e.wantCode(bad, "GET", "/dashboard/api/users?limit=10", nil, 401, "Unauthorised access")
	}
	// A dashboard session is no key.
	e.refused(e.signIn(adminEmail))

	me := e.ok(key, "GET", "/dashboard/api/me", nil)
	if me["authMode"] != "api-key" || me["canWrite"] != true || me["email"] != "" {
		t.Errorf("me: %v", me)
	}
	for _, ep := range e.realEndpoints(key) {
		if r := e.call(key, ep.method, ep.path, ep.body); r.Code != 200 {
			t.Errorf("%s %s: %d %s", ep.method, ep.path, r.Code, r.Body)
		}
	}
	// Sign-out has nothing to end: the key still works.
	e.ok(key, "POST", "/dashboard/api/signout", map[string]any{})
	e.ok(key, "GET", "/dashboard/api/me", nil)
}
