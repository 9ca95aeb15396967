package dashboard

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/emaildelivery"
	"github.com/latchkey-dev/latchkey/recipe/dashboard"
	"github.com/latchkey-dev/latchkey/recipe/emailpassword"
	"github.com/latchkey-dev/latchkey/recipe/emailverification"
	"github.com/latchkey-dev/latchkey/recipe/passwordless"
	"github.com/latchkey-dev/latchkey/recipe/session"
	"github.com/latchkey-dev/latchkey/recipe/thirdparty"
	"github.com/latchkey-dev/latchkey/recipe/usermetadata"
	"github.com/latchkey-dev/latchkey/recipe/userroles"
	"github.com/latchkey-dev/latchkey/smsdelivery"
)

// Dashboard accounts that every env has (created on the core).
const (
	adminEmail  = "admin@example.com"
	viewerEmail = "viewer@example.com"
	accountPass = "dash-pass-123"
)

// options choose the env's configuration.
type options struct {
	dash dashboard.Config
	// phoneRegion is the passwordless recipe's DefaultPhoneRegion.
	phoneRegion string
	// without leaves recipes out: "emailpassword", "emailverification",
	// "usermetadata", "userroles".
	without []string
	// overHTTP reaches the core over loopback instead of in-process.
	overHTTP bool
	// switchable reaches the core over loopback through a gate that
	// env.coreDown closes: every connection is then dropped, as with a
	// core that has stopped.
	switchable bool
	// fields replaces the sign-up fields (custom validators).
	fields []emailpassword.Field
	// localhost serves the app at http://localhost:PORT (for Chromium,
	// which resolves no other name under the project's flags).
	localhost bool
	// passwordless adds the passwordless recipe (email or phone, codes).
	passwordless bool
	// providers, when set, adds the third-party recipe with these
	// providers.
	providers []thirdparty.ProviderInput
	// engine is the core's store engine: "sqlite" (default) or
	// "postgres" (skipped without LATCHKEY_TEST_POSTGRES_URL).
	engine string
	// wrapCore, when set, wraps the in-process core handler the SDK calls
	// (to count or refuse calls).
	wrapCore func(http.Handler) http.Handler
}

// env is an application with the SDK and the dashboard in front of a real
// core on a fresh SQLite file.
type env struct {
	t     testing.TB
	core  *coretest.Client
	lk    *latchkey.Latchkey
	sess  *session.Recipe
	ep    *emailpassword.Recipe
	md    *usermetadata.Recipe
	roles *userroles.Recipe
	mail  *emaildelivery.Recorder
	// pwless and sms are set with options.passwordless.
	pwless *passwordless.Recipe
	sms    *smsdelivery.Recorder
	// app calls the application over HTTP.
	app *coretest.Client
	// URL is the application's origin.
	URL string
	// coreDown, with options.switchable, makes the core unreachable.
	coreDown atomic.Bool
}

func without(o options, id string) bool {
	for _, w := range o.without {
		if w == id {
			return true
		}
	}
	return false
}

// start starts a core and the application. The application serves the
// SDK (with the dashboard) and GET /api/check-db, protected by
// VerifySession with CheckDatabase, which answers the session's user id.
func start(t testing.TB, o options) *env {
	t.Helper()
	engine := o.engine
	if engine == "" {
		engine = "sqlite"
	}
	c := coretest.Start(t, coretest.Mode{Engine: engine, InProcess: !o.overHTTP})
	e := &env{t: t, core: c, mail: &emaildelivery.Recorder{}, sms: &smsdelivery.Recorder{}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	srv.Listener.Close()
	srv.Listener = l
	host := "127.0.0.1"
	if o.localhost {
		host = "localhost"
	}
	e.URL = fmt.Sprintf("http://%s:%d", host, l.Addr().(*net.TCPAddr).Port)

	coreCfg := latchkey.CoreConfig{Handler: c.Core}
	if o.wrapCore != nil {
		coreCfg.Handler = o.wrapCore(c.Core)
	}
	if o.overHTTP {
		coreCfg = latchkey.CoreConfig{ConnectionURI: c.URL}
	}
	if o.switchable {
		gate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !e.coreDown.Load() {
				c.Core.ServeHTTP(w, r)
				return
			}
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
		}))
		t.Cleanup(gate.Close)
		coreCfg = latchkey.CoreConfig{ConnectionURI: gate.URL}
	}
	e.sess = session.New(session.Config{})
	recipes := []latchkey.Recipe{e.sess}
	if !without(o, "emailpassword") {
		e.ep = emailpassword.New(emailpassword.Config{EmailDelivery: e.mail, SignUpFields: o.fields})
		recipes = append(recipes, e.ep)
	}
	if !without(o, "emailverification") {
		recipes = append(recipes, emailverification.New(emailverification.Config{Mode: emailverification.ModeOptional, EmailDelivery: e.mail}))
	}
	if !without(o, "usermetadata") {
		e.md = usermetadata.New(usermetadata.Config{})
		recipes = append(recipes, e.md)
	}
	if !without(o, "userroles") {
		e.roles = userroles.New(userroles.Config{})
		recipes = append(recipes, e.roles)
	}
	if o.passwordless {
		e.pwless = passwordless.New(passwordless.Config{ContactMethod: passwordless.ContactEmailOrPhone, DefaultPhoneRegion: o.phoneRegion,
			FlowType: passwordless.FlowUserInputCode, EmailDelivery: e.mail, SMSDelivery: e.sms})
		recipes = append(recipes, e.pwless)
	}
	if o.providers != nil {
		recipes = append(recipes, thirdparty.New(thirdparty.Config{Providers: o.providers}))
	}
	recipes = append(recipes, dashboard.New(o.dash))
	e.lk, err = latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "Dashboard E2E", APIDomain: e.URL, WebsiteDomain: e.URL},
		Core:    coreCfg,
		Recipes: recipes,
		Logger:  slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		t.Fatalf("latchkey.New: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /api/check-db", e.sess.VerifySession(&session.VerifyOptions{CheckDatabase: true}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := session.FromContext(r.Context())
		latchkey.WriteJSON(w, http.StatusOK, map[string]string{"userId": s.UserID()})
	})))
	srv.Config.Handler = e.lk.Middleware(mux)
	srv.Start()
	t.Cleanup(srv.Close)
	e.app = &coretest.Client{URL: e.URL, HTTP: srv.Client(), Header: http.Header{}}

	for _, email := range []string{adminEmail, viewerEmail} {
		if s := c.Post(t, "/recipe/dashboard/user", map[string]string{"email": email, "password": accountPass}).Status(t); s != "OK" {
			t.Fatalf("creating dashboard account %s: %s", email, s)
		}
	}
	return e
}

// signIn signs a dashboard account in and returns its session id.
func (e *env) signIn(email string) string {
	e.t.Helper()
	r := e.app.Post(e.t, "/auth/dashboard/api/signin", map[string]string{"email": email, "password": accountPass})
	m := r.JSON(e.t)
	if r.Code != 200 || m["status"] != "OK" {
		e.t.Fatalf("dashboard sign-in of %s: %d %s", email, r.Code, r.Body)
	}
	return m["sessionId"].(string)
}

// call sends a dashboard API request with the bearer token (none when
// token is ""). path is below /auth, such as "/dashboard/api/users?limit=10".
func (e *env) call(token, method, path string, body any) *coretest.Response {
	e.t.Helper()
	var hdr []string
	if token != "" {
		hdr = []string{"Authorization", "Bearer " + token}
	}
	return e.app.Do(e.t, method, "/auth"+path, body, hdr...)
}

// ok sends a call that must answer 200 with status OK, and returns the
// body.
func (e *env) ok(token, method, path string, body any) map[string]any {
	e.t.Helper()
	return e.want(token, method, path, body, "OK")
}

// want sends a call that must answer 200 with the status.
func (e *env) want(token, method, path string, body any, status string) map[string]any {
	e.t.Helper()
	r := e.call(token, method, path, body)
	m := r.JSON(e.t)
	if r.Code != 200 || m["status"] != status {
		e.t.Fatalf("%s %s: got %d %s, want 200 status %s", method, path, r.Code, r.Body, status)
	}
	return m
}

// wantCode sends a call that must answer code with {"message": message}
// (any message when message is "").
func (e *env) wantCode(token, method, path string, body any, code int, message string) {
	e.t.Helper()
	r := e.call(token, method, path, body)
	if r.Code != code {
		e.t.Fatalf("%s %s: got %d %s, want %d", method, path, r.Code, r.Body, code)
	}
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		e.t.Fatalf("%s %s: body is not JSON: %s", method, path, r.Body)
	}
	if got, _ := m["message"].(string); got == "" || message != "" && got != message {
		e.t.Fatalf("%s %s: message %q, want %q", method, path, got, message)
	}
}

// signUp creates an app user through the SDK and returns its id.
func (e *env) signUp(email, password string) string {
	e.t.Helper()
	res, err := e.ep.SignUp(e.t.Context(), "public", email, password)
	if err != nil {
		e.t.Fatalf("sign-up %s: %v", email, err)
	}
	return res.User.ID
}

// fdiSession signs an app user in through the SDK's /auth/signin in header
// mode and returns its access and refresh tokens.
func (e *env) fdiSession(email, password string) (access, refresh string) {
	e.t.Helper()
	r := e.app.Post(e.t, "/auth/signin", map[string]any{"formFields": []map[string]string{
		{"id": "email", "value": email}, {"id": "password", "value": password},
	}}, "st-auth-mode", "header", "rid", "emailpassword")
	if r.Code != 200 || r.JSON(e.t)["status"] != "OK" {
		e.t.Fatalf("FDI sign-in of %s: %d %s", email, r.Code, r.Body)
	}
	return r.Header.Get("st-access-token"), r.Header.Get("st-refresh-token")
}

// refresh spends a refresh token and returns the HTTP code.
func (e *env) refresh(token string) int {
	e.t.Helper()
	return e.app.Post(e.t, "/auth/session/refresh", nil, "st-auth-mode", "header", "Authorization", "Bearer "+token).Code
}

// checkDB calls the route protected with CheckDatabase and returns the
// HTTP code.
func (e *env) checkDB(access string) int {
	e.t.Helper()
	return e.app.Get(e.t, "/api/check-db", "st-auth-mode", "header", "Authorization", "Bearer "+access).Code
}
