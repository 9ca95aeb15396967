package dashboard

import (
	"net/http"
	"testing"

	"github.com/latchkey-dev/latchkey/recipe/dashboard"
)

// TestPasswordlessUsers covers the dashboard's passwordless pieces:
// creating users by email or phone (any written form of one number is one
// user), editing a phone number and a passwordless email, and searching by
// phone.
func TestPasswordlessUsers(t *testing.T) {
	e := start(t, options{passwordless: true, dash: dashboard.Config{Admins: []string{adminEmail}}})
	tok := e.signIn(adminEmail)

	created := e.ok(tok, "POST", "/public/dashboard/api/user/passwordless", map[string]string{"phoneNumber": "+1 201-555-0123"})
	if created["createdNewRecipeUser"] != true {
		t.Fatalf("first creation: %v", created)
	}
	user := created["user"].(map[string]any)
	id := created["recipeUserId"].(string)
	if phones := user["phoneNumbers"].([]any); len(phones) != 1 || phones[0] != "+12015550123" {
		t.Fatalf("phone numbers = %v, want the E.164 form", phones)
	}
	again := e.ok(tok, "POST", "/public/dashboard/api/user/passwordless", map[string]string{"phoneNumber": "+1 (201) 555 0123"})
	if again["createdNewRecipeUser"] != false || again["recipeUserId"] != id {
		t.Errorf("the same number in another form made another user: %v", again)
	}
	e.want(tok, "POST", "/public/dashboard/api/user/passwordless", map[string]string{"phoneNumber": "not a phone"}, "PHONE_VALIDATION_ERROR")
	e.want(tok, "POST", "/public/dashboard/api/user/passwordless", map[string]string{"email": "nope"}, "EMAIL_VALIDATION_ERROR")
	e.wantCode(tok, "POST", "/public/dashboard/api/user/passwordless", map[string]string{"email": "a@example.com", "phoneNumber": "+12015550123"}, http.StatusBadRequest, "")
	other := e.ok(tok, "POST", "/public/dashboard/api/user/passwordless", map[string]string{"email": "pl@example.com"})

	// Search by phone prefix, in the stored E.164 form.
	found := e.ok(tok, "GET", "/public/dashboard/api/users?limit=10&phone=%2B1201", nil)
	if users := found["users"].([]any); len(users) != 1 || users[0].(map[string]any)["id"] != id {
		t.Errorf("phone search: %v", found["users"])
	}

	edit := func(recipeUserID, email, phone string) map[string]any {
		return e.call(tok, "PUT", "/public/dashboard/api/user", map[string]string{
			"recipeUserId": recipeUserID, "recipeId": "passwordless", "firstName": "", "lastName": "", "email": email, "phone": phone,
		}).JSON(t)
	}
	if got := edit(id, "", "+44 20 7946 0958"); got["status"] != "OK" {
		t.Fatalf("phone edit: %v", got)
	}
	u := e.ok(tok, "GET", "/dashboard/api/user?userId="+id, nil)["user"].(map[string]any)
	if phones := u["phoneNumbers"].([]any); len(phones) != 1 || phones[0] != "+442079460958" {
		t.Errorf("after the edit, phone numbers = %v", phones)
	}
	if got := edit(other["recipeUserId"].(string), "", "+44 20 7946 0958"); got["status"] != "PHONE_ALREADY_EXISTS_ERROR" {
		t.Errorf("taking another user's phone: %v", got)
	}
	if got := edit(id, "", "12"); got["status"] != "INVALID_PHONE_ERROR" {
		t.Errorf("invalid phone: %v", got)
	}
	if got := edit(id, "pl@example.com", ""); got["status"] != "EMAIL_ALREADY_EXISTS_ERROR" {
		t.Errorf("taking another user's email: %v", got)
	}
	if got := edit(id, "mine@example.com", ""); got["status"] != "OK" {
		t.Errorf("passwordless email edit: %v", got)
	}

	// A read-only account may do none of it.
	viewer := e.signIn(viewerEmail)
	e.wantCode(viewer, "POST", "/public/dashboard/api/user/passwordless", map[string]string{"email": "v@example.com"}, http.StatusForbidden, "")
}

// TestPasswordlessNotConfigured: without the recipe, creation answers
// FEATURE_NOT_ENABLED_ERROR and the page config says so.
func TestPasswordlessNotConfigured(t *testing.T) {
	e := start(t, options{})
	tok := e.signIn(adminEmail)
	e.want(tok, "POST", "/public/dashboard/api/user/passwordless", map[string]string{"email": "x@example.com"}, "FEATURE_NOT_ENABLED_ERROR")
}
