package dashboard

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/latchkey-dev/latchkey/recipe/dashboard"
	"github.com/latchkey-dev/latchkey/recipe/thirdparty"
)

// tenantOptions is an env with every login method the tenant page
// offers: email-password, passwordless codes (so that the magic-link
// methods are refused by the SDK) and third party with one static
// provider that only the public tenant has.
func tenantOptions() options {
	providers := []thirdparty.ProviderInput{{Config: thirdparty.ProviderConfig{
		ThirdPartyID: "google",
		Clients:      []thirdparty.ClientConfig{{ClientID: "static-google", ClientSecret: "static-secret"}},
	}}}
	return options{passwordless: true, providers: providers, dash: dashboard.Config{Admins: []string{adminEmail}}}
}

// tenantInfo answers GET /{id}/dashboard/api/tenant: the tenant, or nil
// when the API says UNKNOWN_TENANT_ERROR.
func (e *env) tenantInfo(tok, id string) map[string]any {
	e.t.Helper()
	r := e.call(tok, "GET", "/"+id+"/dashboard/api/tenant", nil)
	m := r.JSON(e.t)
	if r.Code != 200 {
		e.t.Fatalf("GET tenant %s: %d %s", id, r.Code, r.Body)
	}
	if m["status"] == "UNKNOWN_TENANT_ERROR" {
		return nil
	}
	if m["status"] != "OK" {
		e.t.Fatalf("GET tenant %s: %s", id, r.Body)
	}
	return m["tenant"].(map[string]any)
}

// strs turns a JSON array of strings into a slice.
func strs(v any) []string {
	var out []string
	a, _ := v.([]any)
	for _, s := range a {
		out = append(out, fmt.Sprint(s))
	}
	return out
}

// sortedProviderIDs lists the third-party ids of a tenant's providers, sorted.
func sortedProviderIDs(t map[string]any) []string {
	out := slices.Clone(providerIDs(t))
	slices.Sort(out)
	return out
}

// providerConfig answers GET /{id}/dashboard/api/thirdparty/config.
func (e *env) providerConfig(tok, tenant, id string) map[string]any {
	e.t.Helper()
	return e.ok(tok, "GET", "/"+tenant+"/dashboard/api/thirdparty/config?thirdPartyId="+id, nil)["providerConfig"].(map[string]any)
}

// TestBrowserTenants walks the tenant screens with the keyboard, at 1280
// px in light mode and at 390 px in dark mode: create a tenant (after a
// refusal), turn a login method off and see the SDK refuse another, add a
// custom OIDC provider and a built-in one, edit one and delete the other,
// edit a core config value when the core lists one, add an existing user
// to the tenant and find them on the users page, take them out again, and
// delete the tenant. Each change is checked on the API too. The walker
// fails on any console error or CSP violation.
func TestBrowserTenants(t *testing.T) {
	e, w := signedIn(t, tenantOptions())
	tok := e.signIn(adminEmail)
	ann := e.signUp("ann@example.com", "ann-pass-12")
	for _, round := range []struct {
		width    int
		scheme   string
		typed    string // as typed in the create dialog
		builtIn  string // the built-in provider's button
		builtID  string
		askLabel string // what the enterprise provider asks first, if it does
	}{
		{1280, "light", "Team-One", "GitHub github", "github", ""},
		{390, "dark", "shop-2", "Okta okta", "okta", "Okta Domain"},
	} {
		id := strings.ToLower(round.typed)
		w.viewport(round.width)
		w.emulateScheme(round.scheme)

		// The list, and the create dialog with the reference's refusal.
		w.press("Tenants", `L.role('link', 'Tenants')`)
		w.waitFor("the list", `L.role('heading', 'Tenant Management') && L.role('link', 'Tenant public')`)
		w.press("Add Tenant", `L.role('button', 'Add Tenant')`)
		dlg := `L.role('dialog', 'Create New Tenant')`
		w.focusIs("the Tenant Id field", `L.label('Tenant Id', `+dlg+`)`)
		w.fill("a taken id", `L.label('Tenant Id', `+dlg+`)`, "public")
		w.press("Create Now", `L.role('button', 'Create Now', `+dlg+`)`)
		w.waitFor("the refusal", `L.text('Provided tenant id already exists.', `+dlg+`)`)
		w.fill("the id", `L.label('Tenant Id', `+dlg+`)`, round.typed)
		w.press("Create Now", `L.role('button', 'Create Now', `+dlg+`)`)
		w.gone("the dialog", dlg)
		w.waitFor("the tenant's page", `L.role('heading', `+js("Tenant "+id)+`)`)
		if e.tenantInfo(tok, id) == nil {
			t.Fatalf("tenant %s was not created", id)
		}
		w.noOverflow("the page", `document.querySelector('main')`)
		w.shot("tenant-" + round.scheme)

		// Login methods: Space turns OTP Email off; the SDK refuses magic
		// links (its passwordless recipe sends codes) and says why.
		methods := `L.role('region', 'Enabled Login Methods')`
		if ff := strs(e.tenantInfo(tok, id)["firstFactors"]); len(ff) == 0 {
			w.waitFor("the none-enabled banner", `L.text(/No login methods are enabled/, `+methods+`)`)
		}
		for _, m := range []string{"Email Password", "OTP Email", "Third Party"} {
			sw := `L.role('button', new RegExp('^' + ` + js(m) + `), ` + methods + `)`
			var on bool
			w.waitFor(m, sw)
			if err := w.eval(sw+`.getAttribute('aria-checked') === 'true'`, &on); err != nil {
				t.Fatal(err)
			}
			if !on {
				w.press(m, sw)
				w.waitFor(m+" on", sw+`.getAttribute('aria-checked') === 'true'`)
			}
		}
		w.gone("the none-enabled banner", `L.text(/No login methods are enabled/, `+methods+`)`)
		otp := `L.role('button', /^OTP Email/, ` + methods + `)`
		if err := w.eval(otp+`.focus()`, nil); err != nil {
			t.Fatal(err)
		}
		w.key(" ")
		w.waitFor("OTP Email off", otp+`.getAttribute('aria-checked') === 'false'`)
		w.focusIs("the switch", otp)
		if ff := strs(e.tenantInfo(tok, id)["firstFactors"]); slices.Contains(ff, "otp-email") || !slices.Contains(ff, "emailpassword") {
			t.Fatalf("first factors after turning otp-email off: %v", ff)
		}
		w.press("Magic Link Email", `L.role('button', /^Magic Link Email/, `+methods+`)`)
		w.waitFor("the SDK's refusal next to it", `L.text(/Passwordless/, `+methods+`)`)
		if ff := strs(e.tenantInfo(tok, id)["firstFactors"]); slices.Contains(ff, "link-email") {
			t.Fatalf("link-email was enabled: %v", ff)
		}
		w.waitFor("the MFA banner", `L.text(/Multi-factor authentication is not initialised/, L.role('region', 'Secondary Factors'))`)

		// Providers: none yet, so the page asks for one. Escape closes the
		// picker and gives the focus back.
		provs := `L.role('region', 'Social / Enterprise providers')`
		w.waitFor("the prompt", `L.text(/has no provider yet/, `+provs+`)`)
		w.press("Add new", `L.role('button', 'Add new', `+provs+`)`)
		w.waitFor("the picker", `L.role('dialog', 'Add a provider')`)
		w.key("\x1b")
		w.gone("the picker", `L.role('dialog', 'Add a provider')`)
		w.focusIs("Add new", `L.role('button', 'Add new', `+provs+`)`)

		// A custom OIDC provider.
		w.press("Add new", `L.role('button', 'Add new', `+provs+`)`)
		w.press("Add Custom Provider", `L.role('button', 'Add Custom Provider', L.role('dialog', 'Add a provider'))`)
		ed := `L.role('dialog', 'Add Custom Provider')`
		w.focusIs("the Third Party Id", `L.label('Third Party Id', `+ed+`)`)
		w.press("Save empty", `L.role('button', 'Save', `+ed+`)`)
		w.waitFor("the form's errors", `L.text('Third Party Id cannot be empty', `+ed+`) && L.text('Client ID cannot be empty', `+ed+`)`)
		w.fill("Third Party Id", `L.label('Third Party Id', `+ed+`)`, "custom-idp")
		w.fill("Name", `L.label('Name', `+ed+`)`, "Acme IdP")
		w.fill("Client ID", `L.label('Client ID', `+ed+`)`, "acme-client")
		w.fill("Client Secret", `L.label('Client Secret', `+ed+`)`, "acme-secret")
		w.fill("Scopes", `L.label('Scopes', `+ed+`)`, "openid email")
		w.fill("Authorization Endpoint", `L.label('Authorization Endpoint', `+ed+`)`, "https://idp.example.com/authorize")
		w.fill("Token Endpoint", `L.label('Token Endpoint', `+ed+`)`, "https://idp.example.com/token")
		w.fill("User Info Endpoint", `L.label('User Info Endpoint', `+ed+`)`, "https://idp.example.com/userinfo")
		w.fill("user id map", `L.label('From user info API: user id', `+ed+`)`, "sub")
		w.fill("email map", `L.label('From user info API: email', `+ed+`)`, "email")
		w.press("Save", `L.role('button', 'Save', `+ed+`)`)
		w.gone("the editor", ed)
		w.waitFor("the new provider", `L.role('button', 'Edit provider custom-idp', `+provs+`)`)
		pc := e.providerConfig(tok, id, "custom-idp")
		if c := pc["clients"].([]any)[0].(map[string]any); c["clientId"] != "acme-client" || c["clientSecret"] != "acme-secret" ||
			fmt.Sprint(c["scope"]) != "[openid email]" || pc["tokenEndpoint"] != "https://idp.example.com/token" || pc["name"] != "Acme IdP" {
			t.Fatalf("custom provider on the API: %v", pc)
		}

		// A built-in provider (an enterprise one asks its domain first).
		w.press("Add new", `L.role('button', 'Add new', `+provs+`)`)
		w.press(round.builtIn, `L.role('button', `+js(round.builtIn)+`, L.role('dialog', 'Add a provider'))`)
		ed = `L.role('dialog', /^Add (GitHub|Okta)$/)`
		if round.askLabel != "" {
			w.focusIs("the question", `L.label(`+js(round.askLabel)+`, `+ed+`)`)
			w.fill("the domain", `L.label(`+js(round.askLabel)+`, `+ed+`)`, "dev-123.okta.com")
			w.press("Next", `L.role('button', 'Next', `+ed+`)`)
		}
		w.waitFor("the editor", `L.label('Client ID', `+ed+`)`)
		w.fill("Client ID", `L.label('Client ID', `+ed+`)`, "built-in-client")
		w.fill("Client Secret", `L.label('Client Secret', `+ed+`)`, "built-in-secret")
		w.press("Save", `L.role('button', 'Save', `+ed+`)`)
		w.gone("the editor", ed)
		w.waitFor("the built-in provider", `L.role('button', `+js("Edit provider "+round.builtID)+`, `+provs+`)`)
		if got := sortedProviderIDs(e.tenantInfo(tok, id)); fmt.Sprint(got) != fmt.Sprint([]string{"custom-idp", round.builtID}) {
			t.Fatalf("providers on the API: %v", got)
		}

		// Edit the custom one, delete the built-in one.
		w.press("Edit custom-idp", `L.role('button', 'Edit provider custom-idp', `+provs+`)`)
		ed = `L.role('dialog', 'Edit provider custom-idp')`
		w.waitFor("its values", `L.label('Client ID', `+ed+`)?.value === 'acme-client'`)
		w.fill("Name", `L.label('Name', `+ed+`)`, "Acme Login")
		w.press("Save", `L.role('button', 'Save', `+ed+`)`)
		w.gone("the editor", ed)
		w.waitFor("the new name", `L.text('Acme Login', `+provs+`)`)
		if n := e.providerConfig(tok, id, "custom-idp")["name"]; n != "Acme Login" {
			t.Fatalf("name on the API: %v", n)
		}
		w.press("Edit built-in", `L.role('button', `+js("Edit provider "+round.builtID)+`, `+provs+`)`)
		ed = `L.role('dialog', ` + js("Edit provider "+round.builtID) + `)`
		w.press("Delete provider", `L.role('button', 'Delete provider', `+ed+`)`)
		w.press("confirm", `L.role('button', 'Delete provider', L.role('alertdialog', 'Delete provider?'))`)
		w.gone("the editor", ed)
		w.gone("the built-in provider", `L.role('button', `+js("Edit provider "+round.builtID)+`)`)
		if got := sortedProviderIDs(e.tenantInfo(tok, id)); fmt.Sprint(got) != "[custom-idp]" {
			t.Fatalf("providers after the delete: %v", got)
		}

		// Core config: edit the first value the core lets a tenant change.
		var editable map[string]any
		for _, c := range e.tenantInfo(tok, id)["coreConfig"].([]any) {
			c := c.(map[string]any)
			if c["isDifferentAcrossTenants"] == true && c["isPluginProperty"] != true && (c["valueType"] == "number" || c["valueType"] == "string") && c["possibleValues"] == nil {
				editable = c
				break
			}
		}
		if editable == nil {
			t.Logf("the core lists no core config value a tenant may change: not edited")
		} else {
			key := fmt.Sprint(editable["key"])
			value := "12345"
			if editable["valueType"] == "string" {
				value = "edited-value"
			}
			t.Logf("editing core config %s (%v) to %s", key, editable["valueType"], value)
			w.press("Edit "+key, `L.role('button', `+js("Edit "+key)+`)`)
			cc := `L.role('dialog', 'Edit Property')`
			if editable["isNullable"] == true {
				w.waitFor("the null box", `L.label('Set value as null', `+cc+`)`)
			}
			w.fill("the value", `L.label(`+js(key)+`, `+cc+`)`, value)
			w.press("Save", `L.role('button', 'Save', `+cc+`)`)
			w.gone("the dialog", cc)
			for _, c := range e.tenantInfo(tok, id)["coreConfig"].([]any) {
				if c := c.(map[string]any); c["key"] == key && fmt.Sprint(c["value"]) != value {
					t.Fatalf("core config %s on the API: %v, want %s", key, c["value"], value)
				}
			}
		}

		// Add an existing user, see them in the tenant's user list.
		users := `L.role('region', 'Users of this tenant')`
		w.fill("an unknown id", `L.label('User ID', `+users+`)`, "no-such-user")
		w.press("Add user", `L.role('button', 'Add user to this tenant', `+users+`)`)
		w.waitFor("the refusal", `L.text('No user has this id.', `+users+`)`)
		w.fill("the user id", `L.label('User ID', `+users+`)`, ann)
		w.press("Add user", `L.role('button', 'Add user to this tenant', `+users+`)`)
		w.waitFor("the confirmation", `L.text(/is now in this tenant/, `+users+`)`)
		w.waitFor("the count", `L.text('1', L.role('region', 'Tenant'))`)
		found := e.ok(tok, "GET", "/"+id+"/dashboard/api/users?limit=10", nil)["users"].([]any)
		if len(found) != 1 || found[0].(map[string]any)["id"] != ann {
			t.Fatalf("users of %s on the API: %v", id, found)
		}
		w.press("See Users", `L.role('button', 'See Users')`)
		w.waitFor("the users page", `L.role('heading', 'User Management')`)
		w.waitFor("the tenant chosen", `document.querySelector('select#tenant-select')?.value === `+js(id))
		w.waitFor("ann in the list", `L.text('ann@example.com', document.querySelector('tbody'))`)
		w.navigate(e.URL + "/auth/dashboard/tenants?tenantId=" + id)
		w.waitFor("the tenant's page", `L.role('heading', `+js("Tenant "+id)+`)`)

		// Take her out again.
		w.fill("the user id", `L.label('User ID', `+users+`)`, ann)
		w.press("Remove user", `L.role('button', 'Remove user from this tenant', `+users+`)`)
		w.press("confirm", `L.role('button', 'Remove from tenant', L.role('alertdialog', 'Remove user from tenant?'))`)
		w.waitFor("the confirmation", `L.text(/is no longer in this tenant/, `+users+`)`)
		if found := e.ok(tok, "GET", "/"+id+"/dashboard/api/users?limit=10", nil)["users"].([]any); len(found) != 0 {
			t.Fatalf("users of %s after removing ann: %v", id, found)
		}

		// Delete the tenant.
		w.press("Delete Tenant", `L.role('button', 'Delete Tenant')`)
		w.press("confirm", `L.role('button', 'Delete tenant', L.role('alertdialog', 'Delete Tenant?'))`)
		w.waitFor("the list", `L.role('heading', 'Tenant Management') && L.role('link', 'Tenant public')`)
		w.gone("the deleted tenant", `L.role('link', `+js("Tenant "+id)+`)`)
		if e.tenantInfo(tok, id) != nil {
			t.Fatalf("tenant %s is still there", id)
		}
	}
}

// TestBrowserTenantList: the list filters by substring, pages by ten,
// shows user counts with thousands separators' format, and a row's link
// opens the tenant with Tab and Enter.
func TestBrowserTenantList(t *testing.T) {
	e, w := signedIn(t, tenantOptions())
	tok := e.signIn(adminEmail)
	for i := range 11 {
		e.ok(tok, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": fmt.Sprintf("branch-%02d", i)})
	}
	w.press("Tenants", `L.role('link', 'Tenants')`)
	w.waitFor("the first page", `L.text('1 - 10 of 12')`)
	w.press("Next page", `L.role('button', 'Next page')`)
	w.waitFor("the second page", `L.text('11 - 12 of 12') && L.role('link', 'Tenant branch-10')`)
	w.fill("the search", `L.label('Search tenants')`, "ch-07")
	w.waitFor("one match", `L.text('1 - 1 of 1') && L.role('link', 'Tenant branch-07')`)
	w.key("\t")
	w.focusIs("the row's link", `L.role('link', 'Tenant branch-07')`)
	w.key("\r")
	w.waitFor("the tenant's page", `L.role('heading', 'Tenant branch-07')`)
	if got := w.localStorage("tenant-id"); got != "" {
		t.Errorf("opening a tenant set tenant-id to %q", got)
	}
	w.navigate(e.URL + "/auth/dashboard/tenants?tenantId=nope")
	w.waitFor("the refusal", `L.text('Cannot find a tenant for the given tenant id')`)
}

// TestBrowserTenantsReadOnly: a read-only account sees the tenant screens
// with every write disabled, the provider's secret blanked, and the API
// refuses its writes.
func TestBrowserTenantsReadOnly(t *testing.T) {
	requireChromium(t)
	o := tenantOptions()
	o.localhost = true
	e := start(t, o) // the viewer is not in the Admins list: read-only
	admin := e.signIn(adminEmail)
	e.ok(admin, "POST", "/dashboard/api/tenant", map[string]any{"tenantId": "acme"})
	e.ok(admin, "PUT", "/acme/dashboard/api/tenant/first-factor", map[string]any{"factorId": "thirdparty", "enable": true})
	e.ok(admin, "PUT", "/acme/dashboard/api/thirdparty/config", map[string]any{"providerConfig": map[string]any{
		"thirdPartyId": "custom-idp", "name": "Acme IdP",
		"clients":               []any{map[string]any{"clientId": "acme-client", "clientSecret": "acme-secret"}},
		"authorizationEndpoint": "https://idp.example.com/authorize", "tokenEndpoint": "https://idp.example.com/token",
		"userInfoEndpoint": "https://idp.example.com/userinfo",
	}})
	viewer := e.signIn(viewerEmail)
	if pc := e.providerConfig(viewer, "acme", "custom-idp"); pc["clients"].([]any)[0].(map[string]any)["clientSecret"] == "acme-secret" {
		t.Fatalf("a read-only account sees the client secret: %v", pc)
	}
	for _, c := range []struct{ method, path string }{
		{"POST", "/dashboard/api/tenant"},
		{"DELETE", "/acme/dashboard/api/tenant"},
		{"PUT", "/acme/dashboard/api/tenant/first-factor"},
		{"PUT", "/acme/dashboard/api/thirdparty/config"},
		{"POST", "/acme/dashboard/api/tenant/user"},
	} {
		if r := e.call(viewer, c.method, c.path, map[string]any{"tenantId": "x", "factorId": "emailpassword", "enable": false, "userId": "u"}); r.Code != 403 {
			t.Errorf("%s %s as read-only: %d %s", c.method, c.path, r.Code, r.Body)
		}
	}

	w := newWalker(t, e, "")
	w.navigate(e.URL + "/auth/dashboard/tenants")
	w.signIn(viewerEmail)
	w.waitFor("the list", `L.role('heading', 'Tenant Management') && L.role('link', 'Tenant acme')`)
	w.checkReadOnly()
	w.press("acme", `L.role('link', 'Tenant acme')`)
	w.waitFor("the tenant", `L.role('heading', 'Tenant acme') && L.role('button', 'Edit provider custom-idp')`)
	w.checkReadOnly()
	for _, name := range []string{"Delete Tenant", "Add new", "Add user to this tenant", "Remove user from this tenant"} {
		w.waitFor(name+" disabled", `L.role('button', `+js(name)+`)?.getAttribute('aria-disabled') === 'true'`)
	}
	w.waitFor("the switches disabled", `L.roles('button', /^Email Password/).every((b) => b.getAttribute('aria-disabled') === 'true')`)
	// Reads still work: the provider opens, with its secret blank and Save disabled.
	w.press("the provider", `L.role('button', 'Edit provider custom-idp')`)
	ed := `L.role('dialog', 'Edit provider custom-idp')`
	w.waitFor("its values", `L.label('Client ID', `+ed+`)?.value === 'acme-client'`)
	w.waitFor("no secret", `L.label('Client Secret', `+ed+`).value !== 'acme-secret'`)
	w.waitFor("Save disabled", `L.role('button', 'Save', `+ed+`).getAttribute('aria-disabled') === 'true'`)
	n := w.writeCount()
	w.press("Save", `L.role('button', 'Save', `+ed+`)`)
	w.key("\x1b")
	w.gone("the editor", ed)
	if got := w.writesSince(n); len(got) != 0 {
		t.Fatalf("a read-only Save sent %v", got)
	}
}
