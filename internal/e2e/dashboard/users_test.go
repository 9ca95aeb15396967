package dashboard

import (
	"encoding/json"
	"fmt"
	"github.com/latchkey-dev/latchkey/recipe/dashboard"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// emails returns the primary emails of a users answer, in order.
func emails(t *testing.T, m map[string]any) []string {
	t.Helper()
	var out []string
	for _, u := range m["users"].([]any) {
		out = append(out, u.(map[string]any)["emails"].([]any)[0].(string))
	}
	return out
}

func TestUsersList(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	tok := e.signIn(adminEmail)

	m := e.ok(tok, "GET", "/dashboard/api/users?limit=10", nil)
	if users := m["users"].([]any); len(users) != 0 || m["nextPaginationToken"] != nil {
		t.Fatalf("empty list: %v", m)
	}
	if c := e.ok(tok, "GET", "/dashboard/api/users/count", nil)["count"]; c != 0.0 {
		t.Fatalf("count = %v", c)
	}

	var ids []string
	for i := range 5 {
		ids = append(ids, e.signUp(fmt.Sprintf("user%d@example.com", i), "pass-word-1"))
		time.Sleep(2 * time.Millisecond) // distinct time joined
	}
	if _, err := e.md.UpdateUserMetadata(t.Context(), ids[1], map[string]any{"first_name": "Ada", "last_name": "Lovelace"}); err != nil {
		t.Fatal(err)
	}

	// Newest first by default, in pages.
	m = e.ok(tok, "GET", "/dashboard/api/users?limit=2", nil)
	if got := emails(t, m); !reflect.DeepEqual(got, []string{"user4@example.com", "user3@example.com"}) {
		t.Errorf("first page: %v", got)
	}
	next, _ := m["nextPaginationToken"].(string)
	if next == "" {
		t.Fatalf("no nextPaginationToken: %v", m)
	}
	m = e.ok(tok, "GET", "/dashboard/api/users?limit=2&paginationToken="+url.QueryEscape(next), nil)
	if got := emails(t, m); !reflect.DeepEqual(got, []string{"user2@example.com", "user1@example.com"}) {
		t.Errorf("second page: %v", got)
	}
	// Names from the metadata, only where set.
	for _, u := range m["users"].([]any) {
		u := u.(map[string]any)
		if u["id"] == ids[1] && (u["firstName"] != "Ada" || u["lastName"] != "Lovelace") {
			t.Errorf("names missing: %v", u)
		}
		if u["id"] != ids[1] && (u["firstName"] != nil || u["lastName"] != nil) {
			t.Errorf("names on a user without any: %v", u)
		}
	}
	m = e.ok(tok, "GET", "/dashboard/api/users?limit=10&timeJoinedOrder=ASC", nil)
	if got := emails(t, m); !reflect.DeepEqual(got, []string{"user0@example.com", "user1@example.com", "user2@example.com", "user3@example.com", "user4@example.com"}) {
		t.Errorf("ascending: %v", got)
	}
	// The UserJSON shape of reference/dashboard.md §6.2.
	u := m["users"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "isPrimaryUser", "tenantIds", "emails", "phoneNumbers", "thirdParty", "timeJoined", "loginMethods"} {
		if _, ok := u[k]; !ok {
			t.Errorf("user has no %q: %v", k, u)
		}
	}
	lm := u["loginMethods"].([]any)[0].(map[string]any)
	if lm["recipeId"] != "emailpassword" || lm["recipeUserId"] != ids[0] || lm["email"] != "user0@example.com" || lm["verified"] != false {
		t.Errorf("login method: %v", lm)
	}

	if c := e.ok(tok, "GET", "/dashboard/api/users/count", nil)["count"]; c != 5.0 {
		t.Errorf("count = %v", c)
	}
	// Tenant-prefixed calls act on that tenant.
	if c := e.ok(tok, "GET", "/public/dashboard/api/users/count", nil)["count"]; c != 5.0 {
		t.Errorf("public count = %v", c)
	}
	if got := emails(t, e.ok(tok, "GET", "/public/dashboard/api/users?limit=1", nil)); len(got) != 1 {
		t.Errorf("tenant-prefixed list: %v", got)
	}
	// A tenant the core does not know is the client's mistake.
	e.wantCode(tok, "GET", "/nope/dashboard/api/users/count", nil, 400, "")

	// Search: the core's semantics, the limit capped at what it accepts.
	m = e.ok(tok, "GET", "/dashboard/api/users?limit=1000&email=user3", nil)
	if got := emails(t, m); !reflect.DeepEqual(got, []string{"user3@example.com"}) {
		t.Errorf("search user3: %v", got)
	}
	m = e.ok(tok, "GET", "/dashboard/api/users?limit=5000&email="+url.QueryEscape("user1;user2"), nil)
	if got := emails(t, m); len(got) != 2 {
		t.Errorf("search user1;user2: %v", got)
	}
	if got := emails(t, e.ok(tok, "GET", "/dashboard/api/users?limit=1000&email=nobody", nil)); len(got) != 0 {
		t.Errorf("search nobody: %v", got)
	}
	if got := emails(t, e.ok(tok, "GET", "/dashboard/api/users?limit=1000", nil)); len(got) != 5 {
		t.Errorf("limit 1000 without a search is capped, not refused: %v", got)
	}

	for _, bad := range []string{"", "?limit=", "?limit=abc", "?limit=0", "?limit=-3", "?limit=10&timeJoinedOrder=UP", "?limit=10&paginationToken=not-a-token"} {
		if r := e.call(tok, "GET", "/dashboard/api/users"+bad, nil); r.Code != 400 || !strings.Contains(r.Text(), `"message"`) {
			t.Errorf("users%s: %d %s, want 400", bad, r.Code, r.Body)
		}
	}
	e.wantCode(tok, "GET", "/dashboard/api/users", nil, 400, "Missing required parameter 'limit'")
}

func TestUsersListWithoutMetadata(t *testing.T) {
	t.Parallel()
	e := start(t, options{without: []string{"usermetadata"}})
	tok := e.signIn(adminEmail)
	id := e.signUp("a@example.com", "pass-word-1")
	u := e.ok(tok, "GET", "/dashboard/api/users?limit=10", nil)["users"].([]any)[0].(map[string]any)
	if _, ok := u["firstName"]; ok {
		t.Errorf("names without the metadata recipe: %v", u)
	}
	u = e.ok(tok, "GET", "/dashboard/api/user?userId="+id, nil)["user"].(map[string]any)
	if u["firstName"] != "FEATURE_NOT_ENABLED" || u["lastName"] != "FEATURE_NOT_ENABLED" {
		t.Errorf("user: %v", u)
	}
	e.want(tok, "GET", "/dashboard/api/user/metadata?userId="+id, nil, "FEATURE_NOT_ENABLED_ERROR")
	e.want(tok, "PUT", "/dashboard/api/user/metadata", map[string]any{"userId": id, "data": "{}"}, "FEATURE_NOT_ENABLED_ERROR")
}

func TestUsersListNamesAtScale(t *testing.T) {
	t.Parallel()
	e := start(t, options{overHTTP: true})
	tok := e.signIn(adminEmail)
	for i := range 60 {
		id := e.signUp(fmt.Sprintf("u%02d@example.com", i), "pass-word-1")
		if _, err := e.md.UpdateUserMetadata(t.Context(), id, map[string]any{"first_name": fmt.Sprintf("F%02d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	users := e.ok(tok, "GET", "/dashboard/api/users?limit=1000&email=u", nil)["users"].([]any)
	if len(users) != 60 {
		t.Fatalf("%d users", len(users))
	}
	for _, u := range users {
		u := u.(map[string]any)
		want := "F" + strings.TrimPrefix(strings.TrimSuffix(u["emails"].([]any)[0].(string), "@example.com"), "u")
		if u["firstName"] != want {
			t.Errorf("%v: firstName %v, want %s", u["emails"], u["firstName"], want)
		}
	}
}

func TestUser(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	tok := e.signIn(adminEmail)
	id := e.signUp("one@example.com", "pass-word-1")
	other := e.signUp("two@example.com", "pass-word-1")

	u := e.ok(tok, "GET", "/dashboard/api/user?userId="+id, nil)["user"].(map[string]any)
	if u["id"] != id || u["firstName"] != "" || u["lastName"] != "" || u["emails"].([]any)[0] != "one@example.com" {
		t.Errorf("user: %v", u)
	}
	e.want(tok, "GET", "/dashboard/api/user?userId=00000000-0000-4000-8000-000000000000", nil, "NO_USER_FOUND_ERROR")
	e.want(tok, "GET", "/dashboard/api/user?userId=not-a-uuid", nil, "NO_USER_FOUND_ERROR")
	e.wantCode(tok, "GET", "/dashboard/api/user", nil, 400, "Missing required parameter 'userId'")

	put := func(over map[string]any) map[string]any {
		b := map[string]any{"userId": id, "recipeUserId": id, "recipeId": "emailpassword", "firstName": "", "lastName": "", "email": "", "phone": ""}
		for k, v := range over {
			b[k] = v
		}
		return b
	}
	// Names first, only the non-empty ones.
	e.ok(tok, "PUT", "/dashboard/api/user", put(map[string]any{"firstName": " Grace ", "lastName": "Hopper"}))
	e.ok(tok, "PUT", "/public/dashboard/api/user", put(map[string]any{"firstName": "Rear Admiral"}))
	u = e.ok(tok, "GET", "/dashboard/api/user?userId="+id, nil)["user"].(map[string]any)
	if u["firstName"] != "Rear Admiral" || u["lastName"] != "Hopper" {
		t.Errorf("names: %v %v", u["firstName"], u["lastName"])
	}
	// Email: the sign-up validator, then the core.
	if m := e.want(tok, "PUT", "/dashboard/api/user", put(map[string]any{"email": "not-an-email"}), "INVALID_EMAIL_ERROR"); m["error"] != "Email is invalid" {
		t.Errorf("invalid email: %v", m)
	}
	e.want(tok, "PUT", "/dashboard/api/user", put(map[string]any{"email": "two@example.com"}), "EMAIL_ALREADY_EXISTS_ERROR")
	e.ok(tok, "PUT", "/dashboard/api/user", put(map[string]any{"email": "renamed@example.com"}))
	u = e.ok(tok, "GET", "/dashboard/api/user?userId="+id, nil)["user"].(map[string]any)
	if u["emails"].([]any)[0] != "renamed@example.com" {
		t.Errorf("email: %v", u["emails"])
	}
	if _, err := e.ep.SignIn(t.Context(), "public", "renamed@example.com", "pass-word-1"); err != nil {
		t.Errorf("sign-in with the new email: %v", err)
	}
	if m := e.want(tok, "PUT", "/dashboard/api/user", put(map[string]any{"phone": "+14155550100"}), "PHONE_NUMBER_CHANGE_NOT_ALLOWED_ERROR"); m["error"] == "" {
		t.Errorf("phone: %v", m)
	}
	for _, bad := range []map[string]any{
		{"recipeUserId": nil}, {"recipeId": "magic"}, {"firstName": 5}, {"email": nil}, {"phone": false},
		{"recipeUserId": "00000000-0000-4000-8000-000000000000"}, {"recipeId": "thirdparty"},
	} {
		e.wantCode(tok, "PUT", "/dashboard/api/user", put(bad), 400, "")
	}
	e.wantCode(tok, "PUT", "/dashboard/api/user", "[]", 400, "")

	// Unlinking: nothing to unlink without account linking.
	e.ok(tok, "GET", "/dashboard/api/user/unlink?recipeUserId="+id, nil)
	e.wantCode(tok, "GET", "/dashboard/api/user/unlink", nil, 400, "Missing required parameter 'recipeUserId'")
	e.wantCode(tok, "GET", "/dashboard/api/user/unlink?recipeUserId=nobody", nil, 400, "")

	// Delete.
	e.wantCode(tok, "DELETE", "/dashboard/api/user", nil, 400, "Missing required parameter 'userId'")
	e.wantCode(tok, "DELETE", "/dashboard/api/user?userId="+id+"&removeAllLinkedAccounts=maybe", nil, 400, "")
	e.ok(tok, "DELETE", "/dashboard/api/user?userId="+id+"&removeAllLinkedAccounts=false", nil)
	e.want(tok, "GET", "/dashboard/api/user?userId="+id, nil, "NO_USER_FOUND_ERROR")
	e.ok(tok, "DELETE", "/dashboard/api/user?userId="+other, nil)
	e.ok(tok, "DELETE", "/dashboard/api/user?userId="+other, nil) // already gone: still OK
	if c := e.ok(tok, "GET", "/dashboard/api/users/count", nil)["count"]; c != 0.0 {
		t.Errorf("count after deletes = %v", c)
	}
}

func TestEmailVerification(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	tok := e.signIn(adminEmail)
	id := e.signUp("ev@example.com", "pass-word-1")
	isVerified := func() any {
		return e.ok(tok, "GET", "/dashboard/api/user/email/verify?recipeUserId="+id, nil)["isVerified"]
	}
	if v := isVerified(); v != false {
		t.Fatalf("isVerified = %v", v)
	}
	e.ok(tok, "POST", "/public/dashboard/api/user/email/verify/token", map[string]any{"recipeUserId": id})
	mail, ok := e.mail.Last("ev@example.com")
	if !ok || !strings.Contains(mail.Link, "/verify-email?token=") || mail.TenantID != "public" {
		t.Errorf("verification email: %+v", mail)
	}
	e.ok(tok, "PUT", "/public/dashboard/api/user/email/verify", map[string]any{"recipeUserId": id, "verified": true})
	if v := isVerified(); v != true {
		t.Errorf("after verify: %v", v)
	}
	if lm := e.ok(tok, "GET", "/dashboard/api/user?userId="+id, nil)["user"].(map[string]any)["loginMethods"].([]any)[0].(map[string]any); lm["verified"] != true {
		t.Errorf("loginMethods[0].verified = %v", lm["verified"])
	}
	e.ok(tok, "PUT", "/dashboard/api/user/email/verify", map[string]any{"recipeUserId": id, "verified": true}) // again: still OK
	e.want(tok, "POST", "/dashboard/api/user/email/verify/token", map[string]any{"recipeUserId": id}, "EMAIL_ALREADY_VERIFIED_ERROR")
	e.ok(tok, "PUT", "/dashboard/api/user/email/verify", map[string]any{"recipeUserId": id, "verified": false})
	if v := isVerified(); v != false {
		t.Errorf("after unverify: %v", v)
	}

	e.wantCode(tok, "GET", "/dashboard/api/user/email/verify", nil, 400, "Missing required parameter 'recipeUserId'")
	e.wantCode(tok, "GET", "/dashboard/api/user/email/verify?recipeUserId=nobody", nil, 400, "Failed to get email for recipe user id")
	e.wantCode(tok, "PUT", "/dashboard/api/user/email/verify", map[string]any{"recipeUserId": id}, 400, "Required parameter 'verified' is missing or has an invalid type")
	e.wantCode(tok, "PUT", "/dashboard/api/user/email/verify", map[string]any{"recipeUserId": id, "verified": "yes"}, 400, "")
	e.wantCode(tok, "POST", "/dashboard/api/user/email/verify/token", map[string]any{}, 400, "")
	e.wantCode(tok, "POST", "/dashboard/api/user/email/verify/token", map[string]any{"recipeUserId": "nobody"}, 400, "")
}

func TestEmailVerificationNotEnabled(t *testing.T) {
	t.Parallel()
	e := start(t, options{without: []string{"emailverification"}})
	tok := e.signIn(adminEmail)
	id := e.signUp("ev@example.com", "pass-word-1")
	e.want(tok, "GET", "/dashboard/api/user/email/verify?recipeUserId="+id, nil, "FEATURE_NOT_ENABLED_ERROR")
	e.want(tok, "PUT", "/dashboard/api/user/email/verify", map[string]any{"recipeUserId": id, "verified": true}, "FEATURE_NOT_ENABLED_ERROR")
	e.want(tok, "POST", "/dashboard/api/user/email/verify/token", map[string]any{"recipeUserId": id}, "FEATURE_NOT_ENABLED_ERROR")
}

func TestPassword(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	tok := e.signIn(adminEmail)
	id := e.signUp("pw@example.com", "pass-word-1")
	m := e.want(tok, "PUT", "/public/dashboard/api/user/password?userId="+id, map[string]any{"recipeUserId": id, "newPassword": "short"}, "INVALID_PASSWORD_ERROR")
	if m["error"] != "Password must contain at least 8 characters, including a number" {
		t.Errorf("weak password: %v", m)
	}
	if m := e.want(tok, "PUT", "/dashboard/api/user/password", map[string]any{"recipeUserId": id, "newPassword": "onlyletters"}, "INVALID_PASSWORD_ERROR"); m["error"] != "Password must contain at least one number" {
		t.Errorf("no digit: %v", m)
	}
	e.ok(tok, "PUT", "/public/dashboard/api/user/password", map[string]any{"recipeUserId": id, "newPassword": "brand-new-pass-2"})
	// The user signs in with it through the SDK's FDI API.
	if access, _ := e.fdiSession("pw@example.com", "brand-new-pass-2"); access == "" {
		t.Error("no access token")
	}
	r := e.app.Post(t, "/auth/signin", map[string]any{"formFields": []map[string]string{{"id": "email", "value": "pw@example.com"}, {"id": "password", "value": "pass-word-1"}}})
	if r.Status(t) != "WRONG_CREDENTIALS_ERROR" {
		t.Errorf("old password still works: %s", r.Body)
	}
	e.wantCode(tok, "PUT", "/dashboard/api/user/password", map[string]any{"recipeUserId": id}, 400, "Required parameter 'newPassword' is missing or has an invalid type")
	e.wantCode(tok, "PUT", "/dashboard/api/user/password", map[string]any{"newPassword": "brand-new-pass-3"}, 400, "")
	e.wantCode(tok, "PUT", "/dashboard/api/user/password", map[string]any{"recipeUserId": "00000000-0000-4000-8000-000000000000", "newPassword": "brand-new-pass-3"}, 400, "")
}

// TestPasswordSignsOutEverywhere: an admin's new password revokes the
// user's sessions unless signOutEverywhere is false (issue 11, finding 12).
func TestPasswordSignsOutEverywhere(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	tok := e.signIn(adminEmail)
	for _, tc := range []struct {
		name        string
		signOut     any // nil leaves the field out
		wantRefresh int
	}{
		{"default", nil, http.StatusUnauthorized},
		{"true", true, http.StatusUnauthorized},
		{"false", false, http.StatusOK},
	} {
		email := "everywhere-" + tc.name + "@example.com"
		id := e.signUp(email, "pass-word-1")
		_, refresh := e.fdiSession(email, "pass-word-1")
		body := map[string]any{"recipeUserId": id, "newPassword": "brand-new-pass-2"}
		if tc.signOut != nil {
			body["signOutEverywhere"] = tc.signOut
		}
		e.ok(tok, "PUT", "/public/dashboard/api/user/password", body)
		if c := e.refresh(refresh); c != tc.wantRefresh {
			t.Errorf("%s: refresh after the admin set a password: %d, want %d", tc.name, c, tc.wantRefresh)
		}
	}
	e.wantCode(tok, "PUT", "/dashboard/api/user/password", map[string]any{"recipeUserId": e.signUp("bad@example.com", "pass-word-1"), "newPassword": "brand-new-pass-3", "signOutEverywhere": "yes"},
		400, "Required parameter 'signOutEverywhere' is missing or has an invalid type")
}

func TestPasswordPolicyIsTheSignUpPolicy(t *testing.T) {
	t.Parallel()
	e := start(t, options{fields: []emailpasswordField{strictPassword, corporateEmail}})
	tok := e.signIn(adminEmail)
	m := e.want(tok, "POST", "/acme/dashboard/api/user/emailpassword", map[string]any{"email": "a@example.com", "password": "pass-word-1"}, "EMAIL_VALIDATION_ERROR")
	if m["message"] != "use your acme.test address (tenant acme)" {
		t.Errorf("email: %v", m)
	}
	m = e.want(tok, "POST", "/dashboard/api/user/emailpassword", map[string]any{"email": "a@acme.test", "password": "pass-word-1"}, "PASSWORD_VALIDATION_ERROR")
	if m["message"] != "at least 12 characters (tenant public)" {
		t.Errorf("password: %v", m)
	}
	id := e.ok(tok, "POST", "/dashboard/api/user/emailpassword", map[string]any{"email": "a@acme.test", "password": "long-pass-word-1"})["recipeUserId"].(string)
	if m := e.want(tok, "PUT", "/dashboard/api/user/password", map[string]any{"recipeUserId": id, "newPassword": "pass-word-2"}, "INVALID_PASSWORD_ERROR"); m["error"] != "at least 12 characters (tenant public)" {
		t.Errorf("password change: %v", m)
	}
	if m := e.want(tok, "PUT", "/dashboard/api/user", map[string]any{"recipeUserId": id, "recipeId": "emailpassword", "firstName": "", "lastName": "", "email": "b@example.com", "phone": ""}, "INVALID_EMAIL_ERROR"); m["error"] != "use your acme.test address (tenant public)" {
		t.Errorf("email change: %v", m)
	}
}

func TestMetadata(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	tok := e.signIn(adminEmail)
	id := e.signUp("md@example.com", "pass-word-1")
	if d := e.ok(tok, "GET", "/dashboard/api/user/metadata?userId="+id, nil)["data"]; !reflect.DeepEqual(d, map[string]any{}) {
		t.Errorf("empty metadata: %v", d)
	}
	e.ok(tok, "PUT", "/dashboard/api/user/metadata", map[string]any{"userId": id, "data": `{"first_name":"Ada","plan":"pro","nested":{"a":[1,2]}}`})
	// The editor's object replaces the old one.
	e.ok(tok, "PUT", "/dashboard/api/user/metadata", map[string]any{"userId": id, "data": `{"first_name":"Ada","tier":3}`})
	d := e.ok(tok, "GET", "/dashboard/api/user/metadata?userId="+id, nil)["data"]
	if raw, _ := json.Marshal(d); string(raw) != `{"first_name":"Ada","tier":3}` {
		t.Errorf("metadata: %s", raw)
	}
	for _, bad := range []any{`{"a": `, `[1,2]`, `null`, `"text"`, `5`, ``, map[string]any{"a": 1}, nil} {
		e.wantCode(tok, "PUT", "/dashboard/api/user/metadata", map[string]any{"userId": id, "data": bad}, 400, "'data' must be a valid JSON body")
	}
	e.wantCode(tok, "PUT", "/dashboard/api/user/metadata", map[string]any{"data": "{}"}, 400, "")
	e.wantCode(tok, "GET", "/dashboard/api/user/metadata", nil, 400, "Missing required parameter 'userId'")
}

// TestSignInLock: an app user locked after failed sign-ins shows as locked
// in the dashboard API, and an admin unlocks them (a viewer may not).
func TestSignInLock(t *testing.T) {
	t.Parallel()
	e := start(t, options{dash: dashboard.Config{Admins: []string{adminEmail}}})
	admin, viewer := e.signIn(adminEmail), e.signIn(viewerEmail)
	e.signUp("locked@example.com", "pass-word-1")
	for range 5 {
		e.app.Post(t, "/auth/signin", map[string]any{"formFields": []map[string]string{{"id": "email", "value": "locked@example.com"}, {"id": "password", "value": "wrong-pass-1"}}})
	}
	m := e.ok(viewer, "GET", "/public/dashboard/api/user/signin-lock?email=locked@example.com", nil)
	if m["locked"] != true || m["failures"] != float64(5) {
		t.Fatalf("lock: %v", m)
	}
	e.wantCode(viewer, "POST", "/public/dashboard/api/user/signin-lock/remove", map[string]any{"email": "locked@example.com"}, http.StatusForbidden, "")
	e.ok(admin, "POST", "/public/dashboard/api/user/signin-lock/remove", map[string]any{"email": "locked@example.com"})
	if m := e.ok(viewer, "GET", "/public/dashboard/api/user/signin-lock?email=locked@example.com", nil); m["locked"] != false {
		t.Fatalf("after unlock: %v", m)
	}
	if access, _ := e.fdiSession("locked@example.com", "pass-word-1"); access == "" {
		t.Fatal("no session after unlock")
	}
}
