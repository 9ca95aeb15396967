package dashboard

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/latchkey-dev/latchkey/recipe/emailpassword"
)

type emailpasswordField = emailpassword.Field

// Custom sign-up validators that name the tenant they were asked for.
var (
	strictPassword = emailpassword.Field{ID: "password", Validate: func(_ context.Context, v any, tenant string) error {
		if s, _ := v.(string); len(s) < 12 {
			return errors.New("at least 12 characters (tenant " + tenant + ")")
		}
		return nil
	}}
	corporateEmail = emailpassword.Field{ID: "email", Validate: func(_ context.Context, v any, tenant string) error {
		if s, _ := v.(string); !strings.HasSuffix(s, "@acme.test") {
			return errors.New("use your acme.test address (tenant " + tenant + ")")
		}
		return nil
	}}
)

func TestSessions(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	tok := e.signIn(adminEmail)
	id := e.signUp("s@example.com", "pass-word-1")
	if s := e.ok(tok, "GET", "/dashboard/api/user/sessions?userId="+id, nil)["sessions"].([]any); len(s) != 0 {
		t.Fatalf("sessions before sign-in: %v", s)
	}
	a1, r1 := e.fdiSession("s@example.com", "pass-word-1")
	a2, r2 := e.fdiSession("s@example.com", "pass-word-1")
	a3, r3 := e.fdiSession("s@example.com", "pass-word-1")

	list := e.ok(tok, "GET", "/dashboard/api/user/sessions?userId="+id, nil)["sessions"].([]any)
	if len(list) != 3 {
		t.Fatalf("sessions: %v", list)
	}
	var handles []string
	for _, s := range list {
		s := s.(map[string]any)
		keys := make([]string, 0, len(s))
		for k := range s {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		// The reference's keys, plus Latchkey's own (where the session
		// came from), and nothing else.
		var ref []string
		for _, k := range keys {
			switch k {
			case "clientIp", "browser", "os", "lastRefreshed":
			default:
				ref = append(ref, k)
			}
		}
		if want := []string{"accessTokenPayload", "expiry", "recipeUserId", "sessionDataInDatabase", "sessionHandle", "tenantId", "timeCreated", "userId"}; !reflect.DeepEqual(ref, want) {
			t.Errorf("session keys %v, want %v and Latchkey's own", keys, want)
		}
		if s["clientIp"] != "127.0.0.1" {
			t.Errorf("session clientIp %v, want the peer", s["clientIp"])
		}
		if s["userId"] != id || s["recipeUserId"] != id || s["tenantId"] != "public" || s["expiry"].(float64) <= s["timeCreated"].(float64) {
			t.Errorf("session: %v", s)
		}
		handles = append(handles, s["sessionHandle"].(string))
	}

	// Revoke one: exactly one of the three is then refused.
	for _, a := range []string{a1, a2, a3} {
		if c := e.checkDB(a); c != 200 {
			t.Fatalf("check-db before revoking: %d", c)
		}
	}
	e.ok(tok, "POST", "/dashboard/api/user/sessions", map[string]any{"sessionHandles": handles[:1]})
	live := e.ok(tok, "GET", "/dashboard/api/user/sessions?userId="+id, nil)["sessions"].([]any)
	if len(live) != 2 {
		t.Fatalf("after revoking one: %v", live)
	}
	refused := 0
	for _, a := range []string{a1, a2, a3} {
		if e.checkDB(a) == http.StatusUnauthorized {
			refused++
		}
	}
	if refused != 1 {
		t.Errorf("%d sessions refused by the database check after revoking one, want 1", refused)
	}
	// Revoke all: every refresh and database check is refused at once.
	var rest []string
	for _, s := range live {
		rest = append(rest, s.(map[string]any)["sessionHandle"].(string))
	}
	e.ok(tok, "POST", "/dashboard/api/user/sessions", map[string]any{"sessionHandles": rest})
	for i, a := range []string{a1, a2, a3} {
		if c := e.checkDB(a); c != http.StatusUnauthorized {
			t.Errorf("session %d: check-db %d after revoking all, want 401", i, c)
		}
	}
	for i, r := range []string{r1, r2, r3} {
		if c := e.refresh(r); c != http.StatusUnauthorized {
			t.Errorf("session %d: refresh %d after revoking all, want 401", i, c)
		}
	}
	if s := e.ok(tok, "GET", "/dashboard/api/user/sessions?userId="+id, nil)["sessions"].([]any); len(s) != 0 {
		t.Errorf("sessions after revoking all: %v", s)
	}
	e.ok(tok, "POST", "/dashboard/api/user/sessions", map[string]any{"sessionHandles": []string{}})
	e.ok(tok, "POST", "/dashboard/api/user/sessions", map[string]any{"sessionHandles": []string{"no-such-handle"}})
	for _, bad := range []any{map[string]any{}, map[string]any{"sessionHandles": "h"}, map[string]any{"sessionHandles": []any{1}}, "[]"} {
		e.wantCode(tok, "POST", "/dashboard/api/user/sessions", bad, 400, "")
	}
	e.wantCode(tok, "GET", "/dashboard/api/user/sessions", nil, 400, "Missing required parameter 'userId'")
}

func TestCreateUsers(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	tok := e.signIn(adminEmail)
	m := e.ok(tok, "POST", "/public/dashboard/api/user/emailpassword", map[string]any{"email": " New@Example.com ", "password": "pass-word-1"})
	u := m["user"].(map[string]any)
	if m["recipeUserId"] != u["id"] || u["loginMethods"].([]any)[0].(map[string]any)["recipeId"] != "emailpassword" {
		t.Errorf("created: %v", m)
	}
	if _, err := e.ep.SignIn(t.Context(), "public", "new@example.com", "pass-word-1"); err != nil {
		t.Errorf("the new user cannot sign in: %v", err)
	}
	e.want(tok, "POST", "/dashboard/api/user/emailpassword", map[string]any{"email": "new@example.com", "password": "pass-word-1"}, "EMAIL_ALREADY_EXISTS_ERROR")
	if m := e.want(tok, "POST", "/dashboard/api/user/emailpassword", map[string]any{"email": "nope", "password": "pass-word-1"}, "EMAIL_VALIDATION_ERROR"); m["message"] != "Email is invalid" {
		t.Errorf("bad email: %v", m)
	}
	if m := e.want(tok, "POST", "/dashboard/api/user/emailpassword", map[string]any{"email": "x@example.com", "password": "short"}, "PASSWORD_VALIDATION_ERROR"); m["message"] != "Password must contain at least 8 characters, including a number" {
		t.Errorf("weak password: %v", m)
	}
	e.wantCode(tok, "POST", "/dashboard/api/user/emailpassword", map[string]any{"email": "x@example.com"}, 400, "Required parameter 'password' is missing or has an invalid type")
	e.wantCode(tok, "POST", "/dashboard/api/user/emailpassword", map[string]any{"password": "pass-word-1"}, 400, "Required parameter 'email' is missing or has an invalid type")
	// No passwordless recipe exists yet.
	e.want(tok, "POST", "/dashboard/api/user/passwordless", map[string]any{"email": "p@example.com"}, "FEATURE_NOT_ENABLED_ERROR")
}

func TestCreateUsersWithoutEmailPassword(t *testing.T) {
	t.Parallel()
	e := start(t, options{without: []string{"emailpassword"}})
	tok := e.signIn(adminEmail)
	e.want(tok, "POST", "/dashboard/api/user/emailpassword", map[string]any{"email": "a@example.com", "password": "pass-word-1"}, "FEATURE_NOT_ENABLED_ERROR")
	e.want(tok, "PUT", "/dashboard/api/user/password", map[string]any{"recipeUserId": "x", "newPassword": "pass-word-1"}, "FEATURE_NOT_ENABLED_ERROR")
	// No recipe here serves a first factor.
	tenants := e.ok(tok, "GET", "/dashboard/api/tenants", nil)["tenants"].([]any)
	if f := tenants[0].(map[string]any)["firstFactors"]; !reflect.DeepEqual(f, []any{}) {
		t.Errorf("firstFactors: %v", f)
	}
}

func TestRoles(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	tok := e.signIn(adminEmail)
	id := e.signUp("r@example.com", "pass-word-1")
	if r := e.ok(tok, "GET", "/dashboard/api/userroles/roles", nil)["roles"]; !reflect.DeepEqual(r, []any{}) {
		t.Errorf("roles: %v", r)
	}
	if m := e.ok(tok, "PUT", "/dashboard/api/userroles/role", map[string]any{"role": "editor", "permissions": []string{"read", "write"}}); m["createdNewRole"] != true {
		t.Errorf("create: %v", m)
	}
	if m := e.ok(tok, "PUT", "/dashboard/api/userroles/role", map[string]any{"role": "editor", "permissions": []string{"delete"}}); m["createdNewRole"] != false {
		t.Errorf("add permissions: %v", m)
	}
	perms := e.ok(tok, "GET", "/dashboard/api/userroles/role/permissions?role=editor", nil)["permissions"].([]any)
	if len(perms) != 3 {
		t.Errorf("permissions: %v", perms)
	}
	e.ok(tok, "PUT", "/dashboard/api/userroles/role/permissions/remove", map[string]any{"role": "editor", "permissions": []string{"delete"}})
	if perms := e.ok(tok, "GET", "/dashboard/api/userroles/role/permissions?role=editor", nil)["permissions"].([]any); len(perms) != 2 {
		t.Errorf("permissions after removing one: %v", perms)
	}
	e.want(tok, "GET", "/dashboard/api/userroles/role/permissions?role=ghost", nil, "UNKNOWN_ROLE_ERROR")
	e.want(tok, "PUT", "/dashboard/api/userroles/role/permissions/remove", map[string]any{"role": "ghost", "permissions": []string{"x"}}, "UNKNOWN_ROLE_ERROR")

	// A user's roles, per tenant.
	if m := e.ok(tok, "PUT", "/public/dashboard/api/userroles/user/roles", map[string]any{"userId": id, "role": "editor"}); m["didUserAlreadyHaveRole"] != false {
		t.Errorf("assign: %v", m)
	}
	if m := e.ok(tok, "PUT", "/public/dashboard/api/userroles/user/roles", map[string]any{"userId": id, "role": "editor"}); m["didUserAlreadyHaveRole"] != true {
		t.Errorf("assign again: %v", m)
	}
	e.want(tok, "PUT", "/public/dashboard/api/userroles/user/roles", map[string]any{"userId": id, "role": "ghost"}, "UNKNOWN_ROLE_ERROR")
	if r := e.ok(tok, "GET", "/public/dashboard/api/userroles/user/roles?userId="+id, nil)["roles"]; !reflect.DeepEqual(r, []any{"editor"}) {
		t.Errorf("user roles: %v", r)
	}
	// The role reaches the user's next session.
	if roles, err := e.roles.Service(); err != nil {
		t.Fatal(err)
	} else if got, _ := roles.RolesForUser(t.Context(), "public", id); !reflect.DeepEqual(got, []string{"editor"}) {
		t.Errorf("SDK sees roles %v", got)
	}
	if m := e.ok(tok, "DELETE", "/public/dashboard/api/userroles/user/roles?userId="+id+"&role=editor", nil); m["didUserHaveRole"] != true {
		t.Errorf("remove: %v", m)
	}
	if m := e.ok(tok, "DELETE", "/dashboard/api/userroles/user/roles?userId="+id+"&role=editor", nil); m["didUserHaveRole"] != false {
		t.Errorf("remove again: %v", m)
	}
	e.want(tok, "DELETE", "/dashboard/api/userroles/user/roles?userId="+id+"&role=ghost", nil, "UNKNOWN_ROLE_ERROR")

	if m := e.ok(tok, "DELETE", "/dashboard/api/userroles/role?role=editor", nil); m["didRoleExist"] != true {
		t.Errorf("delete: %v", m)
	}
	if m := e.ok(tok, "DELETE", "/dashboard/api/userroles/role?role=editor", nil); m["didRoleExist"] != false {
		t.Errorf("delete again: %v", m)
	}

	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"PUT", "/dashboard/api/userroles/role", map[string]any{"role": "r"}},
		{"PUT", "/dashboard/api/userroles/role", map[string]any{"permissions": []string{}}},
		{"PUT", "/dashboard/api/userroles/role", map[string]any{"role": "", "permissions": []string{}}},
		{"PUT", "/dashboard/api/userroles/role", map[string]any{"role": "r", "permissions": "p"}},
		{"DELETE", "/dashboard/api/userroles/role", nil},
		{"GET", "/dashboard/api/userroles/role/permissions", nil},
		{"PUT", "/dashboard/api/userroles/role/permissions/remove", map[string]any{"role": "r"}},
		{"GET", "/dashboard/api/userroles/user/roles", nil},
		{"PUT", "/dashboard/api/userroles/user/roles", map[string]any{"userId": id}},
		{"DELETE", "/dashboard/api/userroles/user/roles?userId=" + id, nil},
	} {
		e.wantCode(tok, c.method, c.path, c.body, 400, "")
	}
}

func TestRolesNotEnabled(t *testing.T) {
	t.Parallel()
	e := start(t, options{without: []string{"userroles"}})
	tok := e.signIn(adminEmail)
	for _, ep := range protected() {
		if strings.Contains(ep.path, "/userroles/") {
			e.want(tok, ep.method, ep.path, ep.body, "FEATURE_NOT_ENABLED_ERROR")
		}
	}
}

func TestMisc(t *testing.T) {
	t.Parallel()
	e := start(t, options{overHTTP: true})
	tok := e.signIn(adminEmail)
	if tags := e.ok(tok, "GET", "/dashboard/api/search/tags", nil)["tags"]; !reflect.DeepEqual(tags, []any{"email", "phone", "provider"}) {
		t.Errorf("tags: %v", tags)
	}
	m := e.ok(tok, "GET", "/dashboard/api/tenants", nil)
	if !reflect.DeepEqual(m["tenants"], []any{map[string]any{"tenantId": "public", "firstFactors": []any{"emailpassword"}, "userCount": float64(0)}}) {
		t.Errorf("tenants: %v", m)
	}
	e.ok(tok, "POST", "/dashboard/api/analytics", map[string]any{"email": adminEmail, "dashboardVersion": "0.15"})
	e.wantCode(tok, "POST", "/dashboard/api/analytics", map[string]any{"email": adminEmail}, 400, "Missing required property 'dashboardVersion'")
	e.wantCode(tok, "POST", "/dashboard/api/analytics", map[string]any{}, 400, "Missing required property 'email'")
}

// TestNoInputMakesA500 sends malformed input to every API: each answer is
// a 4xx or a 200 status, never a 500.
func TestNoInputMakesA500(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	tok := e.signIn(adminEmail)
	id := e.signUp("fuzz@example.com", "pass-word-1")
	bodies := []any{"", "{", "[]", "null", "5", `"s"`, `{"a":1}`, strings.Repeat("x", 2<<20),
		map[string]any{"userId": 5, "recipeUserId": []int{1}, "role": map[string]any{}, "permissions": "x", "data": 7, "sessionHandles": map[string]any{}, "email": true, "password": 1.5, "verified": "true", "newPassword": nil},
		map[string]any{"userId": "a\x00b", "recipeUserId": "a\x00b", "role": "a\x00b", "permissions": []string{"a\x00b"}, "data": "{\"a\":\"\\u0000\"}", "sessionHandles": []string{"a\x00b"}, "email": "a\x00b@x.co", "password": "pass\x00word1", "recipeId": "emailpassword", "firstName": "a\x00", "lastName": "", "phone": ""},
		map[string]any{"userId": id, "recipeUserId": id, "role": strings.Repeat("r", 10000), "permissions": []string{strings.Repeat("p", 10000)}, "data": `{"a":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`, "email": strings.Repeat("e", 5000) + "@x.co", "password": strings.Repeat("p1", 5000), "recipeId": "emailpassword", "firstName": strings.Repeat("f", 10000), "lastName": "", "phone": "", "verified": true, "newPassword": strings.Repeat("n1", 5000)},
	}
	queries := []string{"", "?userId=%00", "?userId=" + strings.Repeat("u", 5000), "?recipeUserId=%ff%fe", "?role=%00&userId=%00", "?limit=99999999999999999999", "?limit=10&email=%00", "?limit=10&paginationToken=" + strings.Repeat("A", 3000), "?limit=10&phone=;;;&provider="}
	for _, ep := range protected() {
		if strings.HasSuffix(ep.path, "/signout") {
			continue
		}
		base, _, _ := strings.Cut(ep.path, "?")
		for _, qs := range queries {
			for _, b := range bodies {
				if ep.method == "GET" || ep.method == "DELETE" {
					b = nil
				}
				for _, prefix := range []string{"", "/public", "/no-such-tenant"} {
					r := e.call(tok, ep.method, prefix+base+qs, b)
					if r.Code >= 500 {
						t.Errorf("%s %s: %d %s", ep.method, prefix+base+qs, r.Code, r.Body)
					}
				}
				if ep.method == "GET" || ep.method == "DELETE" {
					break
				}
			}
		}
	}
	for _, b := range bodies {
		if r := e.call("", "POST", "/dashboard/api/signin", b); r.Code >= 500 {
			t.Errorf("signin %v: %d %s", b, r.Code, r.Body)
		}
	}
}
