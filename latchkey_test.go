package latchkey

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// stubRecipe serves fixed routes and records what it saw.
type stubRecipe struct {
	id     string
	routes []Route
	lk     *Latchkey
}

func (s *stubRecipe) ID() string              { return s.id }
func (s *stubRecipe) Init(lk *Latchkey) error { s.lk = lk; return nil }
func (s *stubRecipe) Routes() []Route         { return s.routes }

func answer(name string) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		WriteJSON(w, 200, map[string]string{"route": name, "tenant": TenantID(r.Context())})
		return nil
	}
}

func newTestLatchkey(t *testing.T, gateway string, recipes ...Recipe) *Latchkey {
	t.Helper()
	lk, err := New(Config{
		AppInfo: AppInfo{AppName: "x", APIDomain: "api.example.com", WebsiteDomain: "example.com", APIGatewayPath: gateway},
		Core:    CoreConfig{Handler: http.NotFoundHandler()},
		Recipes: recipes,
	})
	if err != nil {
		t.Fatal(err)
	}
	return lk
}

func TestMiddlewareRouting(t *testing.T) {
	a := &stubRecipe{id: "a", routes: []Route{
		{Method: "POST", Path: "/signup", Handler: answer("a-signup")},
		{Method: "GET", Path: "/signup/email/exists", Handler: answer("a-exists")},
		{Method: "GET", Path: "/off", Handler: func(http.ResponseWriter, *http.Request) error { return ErrNotHandled }},
		{Method: "GET", Path: "/bad", Handler: func(http.ResponseWriter, *http.Request) error { return &BadInputError{Message: "nope"} }},
		{Method: "GET", Path: "/boom", Handler: func(http.ResponseWriter, *http.Request) error { return errors.New("secret detail") }},
		{Method: "GET", Path: "/dashboard", Prefix: true, Handler: answer("a-dashboard")},
	}}
	b := &stubRecipe{id: "b", routes: []Route{
		{Method: "GET", Path: "/signup/email/exists", Handler: answer("b-exists")},
		{Method: "POST", Path: "/webauthn/signup", Handler: answer("b-webauthn")},
	}}
	lk := newTestLatchkey(t, "", a, b)
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(299) })
	h := lk.Middleware(next)
	for _, tc := range []struct {
		method, path, rid string
		code              int
		body              string
	}{
		{"POST", "/auth/signup", "", 200, `"route":"a-signup","tenant":"public"`},
		{"POST", "/AUTH/SignUp/", "", 200, `"a-signup"`},
		{"POST", "/auth/tenant-1/signup", "", 200, `"tenant":"tenant-1"`},
		{"POST", "/auth/Tenant-1/signup", "", 200, `"tenant":"tenant-1"`},
		{"GET", "/auth/signup/email/exists", "", 200, `"a-exists"`},
		{"GET", "/auth/signup/email/exists", "b", 200, `"b-exists"`},
		{"GET", "/auth/signup/email/exists", "anti-csrf", 200, `"a-exists"`},
		{"POST", "/auth/webauthn/signup", "", 200, `"b-webauthn"`}, // exact beats tenant "webauthn"
		{"GET", "/auth/dashboard/assets/x.js", "", 200, `"a-dashboard"`},
		{"GET", "/auth/signup", "", 299, ""},     // wrong method
		{"OPTIONS", "/auth/signup", "", 299, ""}, // preflight passes on
		{"POST", "/authx/signup", "", 299, ""},   // not below the base path
		{"POST", "/other/signup", "", 299, ""},
		{"GET", "/auth/off", "", 299, ""}, // ErrNotHandled
		{"GET", "/auth/bad", "", 400, `{"message":"nope"}`},
		{"GET", "/auth/boom", "", 500, `{"message":"internal error"}`},
	} {
		r := httptest.NewRequest(tc.method, tc.path, nil)
		if tc.rid != "" {
			r.Header.Set("rid", tc.rid)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tc.code || !strings.Contains(w.Body.String(), tc.body) {
			t.Errorf("%s %s rid=%q: got %d %s, want %d %s", tc.method, tc.path, tc.rid, w.Code, w.Body, tc.code, tc.body)
		}
		if strings.Contains(w.Body.String(), "secret detail") {
			t.Errorf("error text reached the client: %s", w.Body)
		}
	}

	gw := newTestLatchkey(t, "/gw", &stubRecipe{id: "a", routes: a.routes})
	w := httptest.NewRecorder()
	gw.Middleware(next).ServeHTTP(w, httptest.NewRequest("POST", "/auth/signup", nil))
	if w.Code != 200 {
		t.Errorf("gateway path: the stripped prefix must be put back; got %d", w.Code)
	}
}

func TestNilLatchkeyDoesNotPanic(t *testing.T) {
	var lk *Latchkey
	w := httptest.NewRecorder()
	lk.Middleware(http.NotFoundHandler()).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 500 {
		t.Fatalf("got %d", w.Code)
	}
}

func TestFDIVersion(t *testing.T) {
	for hdr, want := range map[string]bool{
		"":                      true,
		"1.17":                  false,
		"1.17,2.0":              false,
		"1.16,1.17,1.18":        true,
		"1.19":                  true,
		"3.0":                   true,
		"1.16,1.17,2.0,3.1,4.0": true,
		"garbage":               true,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if hdr != "" {
			r.Header.Set("fdi-version", hdr)
		}
		if got := UsesAccountLinkingUser(r); got != want {
			t.Errorf("fdi-version %q: got %v, want %v", hdr, got, want)
		}
	}
}

func TestReadJSONKeepsBody(t *testing.T) {
	r := httptest.NewRequest("POST", "/", strings.NewReader(`{"a":1}`))
	var v map[string]any
	if err := ReadJSON(r, &v); err != nil || v["a"] != 1.0 {
		t.Fatal(v, err)
	}
	again, _ := io.ReadAll(r.Body)
	if string(again) != `{"a":1}` {
		t.Fatalf("body not kept: %q", again)
	}
	var bad *BadInputError
	if err := ReadJSON(httptest.NewRequest("POST", "/", strings.NewReader(`{`)), &v); !errors.As(err, &bad) {
		t.Fatalf("malformed JSON: %v", err)
	}
}

// fakeCores returns a core that answers apiversion and counts its calls.
func fakeCore(t *testing.T, fn func(w http.ResponseWriter, r *http.Request)) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/apiversion") {
			if r.Header.Get("cdi-version") != "" {
				t.Errorf("apiversion must be sent without cdi-version")
			}
			WriteJSON(w, 200, map[string]any{"versions": []string{"3.1", "5.4", "5.6"}})
			return
		}
		n.Add(1)
		fn(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestCoreClientFailoverAndRoundRobin(t *testing.T) {
	var seen []string
	srv, n := fakeCore(t, func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("cdi-version")+" "+r.Header.Get("api-key")+" "+r.Header.Get("rid")+" "+r.URL.Path)
		WriteJSON(w, 200, map[string]string{"status": "OK"})
	})
	// A closed port refuses connections: every call must land on srv.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	app, _ := normaliseApp(AppInfo{AppName: "x", APIDomain: "api.example.com", WebsiteDomain: "example.com"})
	c, err := newCoreClient(CoreConfig{ConnectionURI: dead.URL + ";" + srv.URL + "/base", APIKey: "k-123"}, app)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if err := c.Do(t.Context(), CoreRequest{Method: "POST", Path: "/recipe/signup", TenantID: "public", Body: map[string]string{}, RecipeID: "emailpassword"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n.Load() != 4 || seen[0] != "5.4 k-123 emailpassword /base/public/recipe/signup" {
		t.Fatalf("calls %d, first %q", n.Load(), seen[0])
	}

	c2, _ := newCoreClient(CoreConfig{ConnectionURI: dead.URL}, app)
	if err := c2.Do(t.Context(), CoreRequest{Path: "/x"}, nil); !errors.Is(err, ErrNoCoreAvailable) {
		t.Fatalf("all cores down: %v", err)
	}
}

func TestCoreClientRetries429(t *testing.T) {
	var tries atomic.Int64
	srv, _ := fakeCore(t, func(w http.ResponseWriter, r *http.Request) {
		if tries.Add(1) < 3 {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		WriteJSON(w, 200, map[string]string{"status": "OK"})
	})
	app, _ := normaliseApp(AppInfo{AppName: "x", APIDomain: "api.example.com", WebsiteDomain: "example.com"})
	c, _ := newCoreClient(CoreConfig{ConnectionURI: srv.URL}, app)
	start := time.Now()
	if err := c.Do(t.Context(), CoreRequest{Path: "/x"}, nil); err != nil {
		t.Fatal(err)
	}
	if tries.Load() != 3 {
		t.Fatalf("%d tries", tries.Load())
	}
	_ = start

	srv2, _ := fakeCore(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Invalid API key", http.StatusUnauthorized)
	})
	c2, _ := newCoreClient(CoreConfig{ConnectionURI: srv2.URL}, app)
	var ce *CoreError
	if err := c2.Do(t.Context(), CoreRequest{Path: "/x"}, nil); !errors.As(err, &ce) || ce.Code != 401 || ce.Body != "Invalid API key" {
		t.Fatalf("got %v", err)
	}
}

func TestCoreClientRefusesOldCore(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, 200, map[string]any{"versions": []string{"2.21", "3.1"}})
	}))
	defer srv.Close()
	app, _ := normaliseApp(AppInfo{AppName: "x", APIDomain: "api.example.com", WebsiteDomain: "example.com"})
	c, _ := newCoreClient(CoreConfig{ConnectionURI: srv.URL}, app)
	if err := c.Do(t.Context(), CoreRequest{Path: "/x"}, nil); err == nil || !strings.Contains(err.Error(), "CDI 5.4") {
		t.Fatalf("got %v", err)
	}
}

// TestCoreErrorsHideQueryValues: when the connection to the core breaks,
// Go's client error names the URL; a dashboard sign-out sends the session
// id in the query, and that error is logged. It must not carry the id
// (issue 11, finding 9).
func TestCoreErrorsHideQueryValues(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/apiversion" {
			WriteJSON(w, 200, map[string]any{"versions": []string{"5.4"}})
			return
		}
		// Break the connection mid-answer: a transport error, not a
		// refused connection (which would fail over).
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	var logs strings.Builder
	lk, err := New(Config{
		AppInfo: AppInfo{AppName: "x", APIDomain: "api.example.com", WebsiteDomain: "example.com"},
		Core:    CoreConfig{ConnectionURI: srv.URL},
		Recipes: []Recipe{&stubRecipe{id: "a", routes: []Route{{Method: "POST", Path: "/signout-dashboard", Handler: func(w http.ResponseWriter, r *http.Request) error {
			return r.Context().Value(signOutKey{}).(func() error)()
		}}}}},
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	const secret = "0f8a1c2e-dashboard-session-secret"
	err = lk.DashboardSignOut(t.Context(), secret)
	if err == nil {
		t.Fatal("the sign-out against a broken core did not fail")
	}
	if strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "sessionId=REDACTED") {
		t.Errorf("the error: %v", err)
	}
	// And where the middleware logs it.
	req := httptest.NewRequest("POST", "/auth/signout-dashboard", nil)
	req = req.WithContext(context.WithValue(req.Context(), signOutKey{}, func() error { return lk.DashboardSignOut(t.Context(), secret) }))
	lk.Middleware(http.NotFoundHandler()).ServeHTTP(httptest.NewRecorder(), req)
	if logs.Len() == 0 || strings.Contains(logs.String(), secret) {
		t.Errorf("the log: %s", logs.String())
	}
}

type signOutKey struct{}

// TestClientIPSentToCore: while serving a request, the SDK names the end
// user's IP to the core (latchkey-client-ip), for the per-IP sign-in
// limit; Config.ClientIP chooses it, and calls outside a request send none.
func TestClientIPSentToCore(t *testing.T) {
	var got []string
	srv, _ := fakeCore(t, func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("latchkey-client-ip"))
		WriteJSON(w, 200, map[string]string{"status": "OK"})
	})
	for _, tc := range []struct {
		name     string
		clientIP func(*http.Request) string
		want     string
	}{
		{"default: the peer", nil, "192.0.2.1"},
		{"behind a proxy", func(r *http.Request) string { return r.Header.Get("X-Real-Ip") }, "198.51.100.4"},
		{"none", func(*http.Request) string { return "" }, ""},
	} {
		var lk *Latchkey
		rc := &stubRecipe{id: "a", routes: []Route{{Method: "GET", Path: "/call", Handler: func(w http.ResponseWriter, r *http.Request) error {
			return lk.core.Do(r.Context(), CoreRequest{Method: "GET", Path: "/x"}, nil)
		}}}}
		var err error
		lk, err = New(Config{
			AppInfo:  AppInfo{AppName: "x", APIDomain: "api.example.com", WebsiteDomain: "example.com"},
			Core:     CoreConfig{ConnectionURI: srv.URL},
			Recipes:  []Recipe{rc},
			ClientIP: tc.clientIP,
		})
		if err != nil {
			t.Fatal(err)
		}
		got = nil
		req := httptest.NewRequest("GET", "/auth/call", nil) // RemoteAddr 192.0.2.1:1234
		req.Header.Set("X-Real-Ip", "198.51.100.4")
		lk.Middleware(http.NotFoundHandler()).ServeHTTP(httptest.NewRecorder(), req)
		if err := lk.core.Do(t.Context(), CoreRequest{Method: "GET", Path: "/x"}, nil); err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0] != tc.want || got[1] != "" {
			t.Errorf("%s: headers sent %q, want %q then none", tc.name, got, tc.want)
		}
	}
}
