package dashboard

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/latchkey-dev/latchkey/emaildelivery"
	"github.com/latchkey-dev/latchkey/recipe/dashboard"
)

// resetToken returns the token of the last password-reset email to
// address, failing when there is none.
func (e *env) resetToken(address string) string {
	e.t.Helper()
	m, ok := e.mail.Last(address)
	if !ok || m.Kind != emaildelivery.KindPasswordReset {
		e.t.Fatalf("no password-reset email to %s: %+v", address, e.mail.Emails())
	}
	u, err := url.Parse(m.Link)
	if err != nil || u.Query().Get("token") == "" || u.Query().Get("tenantId") != "public" {
		e.t.Fatalf("reset link %q: %v", m.Link, err)
	}
	return u.Query().Get("token")
}

// resetPassword spends a reset token through the FDI, as the reset form
// would, and returns the status.
func (e *env) resetPassword(token, password string) string {
	e.t.Helper()
	r := e.app.Post(e.t, "/auth/user/password/reset", map[string]any{"method": "token", "token": token,
		"formFields": []map[string]string{{"id": "password", "value": password}}}, "rid", "emailpassword")
	return r.JSON(e.t)["status"].(string)
}

// TestSendPasswordResetEmailAPI: the dashboard emails an email-password
// user a working reset link; read-only accounts are refused, and a login
// method without a password is a 400.
func TestSendPasswordResetEmailAPI(t *testing.T) {
	t.Parallel()
	e := start(t, options{passwordless: true, dash: dashboard.Config{Admins: []string{adminEmail}}})
	alice := e.signUp("alice@example.com", "alice-pass-1")
	admin, viewer := e.signIn(adminEmail), e.signIn(viewerEmail)

	e.wantCode(viewer, "POST", "/dashboard/api/user/password/reset", map[string]any{"recipeUserId": alice}, http.StatusForbidden, "")
	if _, ok := e.mail.Last("alice@example.com"); ok {
		t.Fatal("a refused request sent an email")
	}
	e.ok(admin, "POST", "/public/dashboard/api/user/password/reset", map[string]any{"recipeUserId": alice})
	if got := e.resetPassword(e.resetToken("alice@example.com"), "alice-new-pass-2"); got != "OK" {
		t.Fatalf("resetting with the emailed link: %s", got)
	}
	e.fdiSession("alice@example.com", "alice-new-pass-2")

	pat := e.ok(admin, "POST", "/public/dashboard/api/user/passwordless", map[string]any{"email": "pat@example.com"})["user"].(map[string]any)["id"].(string)
	e.wantCode(admin, "POST", "/dashboard/api/user/password/reset", map[string]any{"recipeUserId": pat}, http.StatusBadRequest, "A password-reset email needs an email-password login method")
	e.wantCode(admin, "POST", "/dashboard/api/user/password/reset", map[string]any{"recipeUserId": "nobody"}, http.StatusBadRequest, "Unknown User ID provided")
	e.wantCode(admin, "POST", "/dashboard/api/user/password/reset", map[string]any{}, http.StatusBadRequest, "Required parameter 'recipeUserId' is missing or has an invalid type")
}

// TestBrowserSendPasswordResetEmail sends a reset email from the user page
// in Chromium; the link in it sets a new password.
func TestBrowserSendPasswordResetEmail(t *testing.T) {
	requireChromium(t)
	e := start(t, options{localhost: true, dash: dashboard.Config{Admins: []string{adminEmail}}})
	w := newWalker(t, e, shotDir(t, "password-reset"))
	e.signUp("alice@example.com", "alice-pass-1")

	w.navigate(e.URL + "/auth/dashboard")
	w.signIn(adminEmail)
	w.click("Alice", `L.role('link', 'alice@example.com')`)
	w.waitFor("Alice's page", `L.role('heading', 'alice@example.com')`)
	w.click("Send password reset email", `L.role('button', 'Send password reset email')`)
	dlg := `L.role('alertdialog', 'Send a password reset email?')`
	w.waitFor("the confirmation names the address", `L.text(/^alice@example\.com will get a link/, `+dlg+`)`)
	w.shot("confirm")
	w.click("Send email", `L.role('button', 'Send email', `+dlg+`)`)
	w.gone("the confirmation", dlg)
	w.waitFor("the toast", `L.text('Password reset email sent to alice@example.com')`)
	w.shot("sent")
	if got := e.resetPassword(e.resetToken("alice@example.com"), "alice-new-pass-2"); got != "OK" {
		t.Fatalf("resetting with the emailed link: %s", got)
	}
	e.fdiSession("alice@example.com", "alice-new-pass-2")
}
