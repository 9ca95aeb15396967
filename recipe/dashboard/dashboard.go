package dashboard

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync/atomic"
	"unicode"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/emailpassword"
	"github.com/latchkey-dev/latchkey/recipe/emailverification"
	"github.com/latchkey-dev/latchkey/recipe/passwordless"
	"github.com/latchkey-dev/latchkey/recipe/session"
	"github.com/latchkey-dev/latchkey/recipe/thirdparty"
	"github.com/latchkey-dev/latchkey/recipe/usermetadata"
	"github.com/latchkey-dev/latchkey/recipe/userroles"
	webui "github.com/latchkey-dev/latchkey/web/dashboard"
)

// RecipeID is the recipe's id.
const RecipeID = "dashboard"

// AuthMode is how operators sign in to the dashboard, as the UI and the
// reference name it.
type AuthMode string

// Auth modes.
const (
	// AuthModeEmailPassword: dashboard accounts live in the core and sign
	// in with an email and a password.
	AuthModeEmailPassword AuthMode = "email-password"
	// AuthModeAPIKey: whoever knows Config.APIKey may use the dashboard.
	AuthModeAPIKey AuthMode = "api-key"
)

// DefaultCSP is the Content-Security-Policy of every dashboard response
// when the embedded UI is served: the page loads only from its own origin,
// may not be framed, and cannot redirect forms or its base URL elsewhere.
const DefaultCSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"

// Config configures the dashboard. The zero value serves the embedded UI in
// email-password mode, where every dashboard account may write.
type Config struct {
	// APIKey switches to API-key mode: the sign-in screen asks for this
	// key, every API call must carry it as "Authorization: Bearer <key>"
	// (compared in constant time), and whoever has it may write. It must
	// not contain spaces. Default: "" (email-password mode, with accounts
	// created on the core by the curl command the sign-in screen shows).
	APIKey string
	// Admins are the dashboard accounts (emails, compared
	// case-insensitively after trimming) that may change anything; every
	// other account is read-only. nil: each account's role decides, as the
	// team page sets it (accounts made by the sign-in screen's curl
	// command may write); an empty, non-nil slice: every account is
	// read-only. When set, it wins over the roles the team page stores,
	// and the team page cannot change roles. Not allowed together with
	// APIKey, which has no accounts.
	Admins []string
	// ConnectionURI is the core URL that the sign-in screen's curl
	// commands use. Default: the first URL of the SDK's
	// Core.ConnectionURI, or "http://127.0.0.1:3567" (the core's default
	// address) when the core runs in-process.
	ConnectionURI string
	// CSP replaces the Content-Security-Policy header of every dashboard
	// response. Default: DefaultCSP, or for BundleLocation a policy that
	// allows the page's inline script by its hash and the bundle's origin.
	CSP string
	// DisableCSP sends no Content-Security-Policy header, for a proxy in
	// front that sets its own. X-Content-Type-Options and Referrer-Policy
	// are still sent.
	DisableCSP bool
	// BundleLocation serves another build of the dashboard instead of the
	// embedded one, such as the official SuperTokens build
	// "https://cdn.jsdelivr.net/gh/supertokens/dashboard@v0.15/build/" or
	// a same-origin path where you host it. The page then sets the
	// reference's five window variables (staticBasePath, dashboardAppPath,
	// connectionURI, authMode, isSearchEnabled) in an inline script, so
	// the policy must be relaxed: the default one allows that script by
	// its SHA-256 hash, and scripts, styles and images from the bundle's
	// origin, Google Fonts and the flag images of the phone input. If the
	// bundle needs more (inline styles, say), set CSP. Default: "" (the
	// embedded UI, which needs none of this).
	BundleLocation string
}

// Recipe is the dashboard recipe. Build it with [New] and pass it in
// latchkey.Config.Recipes, together with the session recipe and the
// recipes whose data the dashboard should show.
type Recipe struct {
	cfg Config
	lk  *latchkey.Latchkey

	// exports holds a token for each export streaming now
	// (maxConcurrentExports).
	exports chan struct{}
	// admins holds the normalised Config.Admins; nil lets each
	// account's stored role decide.
	admins map[string]bool
	// apiKeySum is the SHA-256 of Config.APIKey, compared in constant time
	// against the sum of the bearer value (equal lengths, so the length
	// of the key does not leak either).
	apiKeySum [sha256.Size]byte

	sess  *session.Recipe
	ep    *emailpassword.Recipe
	ev    *emailverification.Recipe
	md    *usermetadata.Recipe
	roles *userroles.Recipe
	// tp is the third-party recipe, whose configured providers the
	// tenant pages merge with the stored ones; nil without it.
	tp *thirdparty.Recipe
	// pwless creates and edits passwordless users; nil when the app has
	// no passwordless recipe.
	pwless *passwordless.Recipe
	// noSuspensions is set once the core answered 404 to a suspension
	// read: an official SuperTokens core, which has none.
	noSuspensions atomic.Bool
	// noPageExtras is set once the core answers 404 to the one-call read
	// of a page's extras (not a Latchkey core).
	noPageExtras atomic.Bool
	// noActivity is the same for activity and session origins.
	noActivity atomic.Bool

	// page is the HTML served for every UI path; nil serves none.
	page []byte
	// ui holds index.html and assets/ of the embedded build; nil with
	// BundleLocation or a no_ui build.
	ui fs.FS
	// gz holds gzip -9 copies of the compressible assets, by name.
	gz map[string][]byte
	// csp is the Content-Security-Policy header value; "" sends none.
	csp string
}

var (
	_ latchkey.Recipe        = (*Recipe)(nil)
	_ latchkey.RouteProvider = (*Recipe)(nil)
)

// New returns the recipe for cfg. Problems in cfg are reported by
// latchkey.New.
func New(cfg Config) *Recipe {
	return &Recipe{cfg: cfg, exports: make(chan struct{}, maxConcurrentExports)}
}

// ID implements latchkey.Recipe.
func (rc *Recipe) ID() string { return RecipeID }

// Init implements latchkey.Recipe: it checks the configuration, finds the
// other recipes and renders the page.
func (rc *Recipe) Init(lk *latchkey.Latchkey) error {
	rc.lk = lk
	var errs []error
	if strings.ContainsFunc(rc.cfg.APIKey, unicode.IsSpace) {
		errs = append(errs, errors.New("dashboard: Config.APIKey must not contain spaces: it is sent as \"Authorization: Bearer <key>\""))
	}
	if rc.cfg.APIKey != "" {
		rc.apiKeySum = sha256.Sum256([]byte(rc.cfg.APIKey))
		if rc.cfg.Admins != nil {
			errs = append(errs, errors.New("dashboard: set either Config.APIKey or Config.Admins: in API-key mode there are no accounts to restrict, and whoever has the key may write"))
		}
	}
	if rc.cfg.Admins != nil {
		rc.admins = make(map[string]bool, len(rc.cfg.Admins))
		for i, a := range rc.cfg.Admins {
			e := normaliseEmail(a)
			if e == "" {
				errs = append(errs, fmt.Errorf("dashboard: Config.Admins[%d] is blank", i))
			}
			rc.admins[e] = true
		}
	}
	var ok bool
	if rc.sess, ok = latchkey.FindRecipe[*session.Recipe](lk); !ok {
		errs = append(errs, errors.New("dashboard: add session.New(...) to latchkey.Config.Recipes: the dashboard lists and revokes users' sessions"))
	}
	rc.ep, _ = latchkey.FindRecipe[*emailpassword.Recipe](lk)
	rc.ev, _ = latchkey.FindRecipe[*emailverification.Recipe](lk)
	rc.md, _ = latchkey.FindRecipe[*usermetadata.Recipe](lk)
	rc.roles, _ = latchkey.FindRecipe[*userroles.Recipe](lk)
	rc.pwless, _ = latchkey.FindRecipe[*passwordless.Recipe](lk)
	rc.tp, _ = latchkey.FindRecipe[*thirdparty.Recipe](lk)
	if err := rc.initUI(webui.FS(), webui.Enabled); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// authMode returns AuthModeAPIKey or AuthModeEmailPassword.
func (rc *Recipe) authMode() AuthMode {
	if rc.cfg.APIKey != "" {
		return AuthModeAPIKey
	}
	return AuthModeEmailPassword
}

// connectionURI returns the core URL for the curl commands.
func (rc *Recipe) connectionURI() string {
	if u := strings.TrimRight(strings.TrimSpace(rc.cfg.ConnectionURI), "/"); u != "" {
		return u
	}
	if u := rc.lk.Core().ConnectionURI(); u != "" {
		return u
	}
	return "http://127.0.0.1:3567"
}

// normaliseEmail is how admin emails are compared: trimmed, lower case.
func normaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
