package session

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey"
)

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestVerifySessionLocally(t *testing.T) {
	f := newFakeCore(t)
	now := time.Now()
	lk, rc := newTestRecipe(t, f, Config{}, func() time.Time { return now })
	var got *Session
	h := lk.Middleware(rc.VerifySession(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = FromContext(r.Context())
	})))
	tok := f.token(t, "u1", now.Add(time.Hour), map[string]any{"role": "x"})

	for name, set := range map[string]func(r *http.Request){
		"cookie": func(r *http.Request) { r.Header.Set("Cookie", "other=1; sAccessToken="+tok) },
		"header": func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) },
	} {
		r := httptest.NewRequest("GET", "/api", nil)
		set(r)
		got = nil
		if w := serve(h, r); w.Code != 200 || got == nil || got.UserID() != "u1" || got.AccessTokenPayload()["role"] != "x" {
			t.Fatalf("%s: %d %s %v", name, w.Code, w.Body, got)
		}
	}
	if f.calls.Load() != 0 || f.jwks.Load() != 1 {
		t.Fatalf("core calls %d, JWKS fetches %d", f.calls.Load(), f.jwks.Load())
	}

	check := func(name string, r *http.Request, code int, msg string) {
		t.Helper()
		w := serve(h, r)
		if w.Code != code || !strings.Contains(w.Body.String(), msg) {
			t.Errorf("%s: got %d %s, want %d %s", name, w.Code, w.Body, code, msg)
		}
	}
	r := httptest.NewRequest("GET", "/api", nil)
	check("no session", r, 401, "unauthorised")
	if w := serve(h, r); len(w.Header().Values("Set-Cookie")) != 0 {
		t.Error("a request without tokens must not get its tokens cleared")
	}
	r = httptest.NewRequest("GET", "/api", nil)
	r.Header.Set("Authorization", "Bearer some.other-token.x")
	check("foreign bearer token is ignored", r, 401, "unauthorised")
	r = httptest.NewRequest("GET", "/api", nil)
	r.Header.Set("Cookie", "sAccessToken="+f.token(t, "u1", now.Add(-time.Minute), nil))
	check("expired", r, 401, "try refresh token")
	r = httptest.NewRequest("GET", "/api", nil)
	r.Header.Set("Cookie", "sAccessToken="+tok[:len(tok)-4]+"AAAA")
	check("bad signature", r, 401, "try refresh token")
	r = httptest.NewRequest("GET", "/api", nil)
	r.Header.Set("Cookie", "sAccessToken="+tok+"; sAccessToken="+tok)
	check("two access cookies", r, 401, "try refresh token")
	r = httptest.NewRequest("OPTIONS", "/api", nil)
	r.Header.Set("Origin", "http://app.example.test")
	r.Header.Set("Access-Control-Request-Method", "POST")
	check("preflight passes", r, 200, "")

	// An unknown kid refetches the JWKS once, then waits out the cooldown.
	now = now.Add(time.Second)
	other := newFakeCore(t)
	other.kid = "d-2"
	unknown := other.token(t, "u1", now.Add(time.Hour), nil)
	for range 3 {
		r = httptest.NewRequest("GET", "/api", nil)
		r.Header.Set("Cookie", "sAccessToken="+unknown)
		check("unknown kid", r, 401, "try refresh token")
	}
	if f.jwks.Load() != 2 {
		t.Errorf("JWKS fetched %d times, want 2 (one refetch per cooldown)", f.jwks.Load())
	}
}

func TestSessionOptional(t *testing.T) {
	f := newFakeCore(t)
	_, rc := newTestRecipe(t, f, Config{}, nil)
	called := false
	h := rc.VerifySession(&VerifyOptions{SessionOptional: true}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, ok := FromContext(r.Context())
		called = !ok
	}))
	if w := serve(h, httptest.NewRequest("POST", "/api", nil)); w.Code != 200 || !called {
		t.Fatalf("got %d", w.Code)
	}
}

func TestAntiCSRFViaCustomHeader(t *testing.T) {
	f := newFakeCore(t)
	_, rc := newTestRecipe(t, f, Config{AntiCSRF: AntiCSRFViaCustomHeader}, nil)
	h := rc.VerifySession(nil, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	tok := f.token(t, "u1", time.Now().Add(time.Hour), nil)
	r := httptest.NewRequest("POST", "/api", nil)
	r.Header.Set("Cookie", "sAccessToken="+tok)
	if w := serve(h, r); w.Code != 401 {
		t.Fatalf("POST without rid: %d", w.Code)
	}
	r.Header.Set("rid", "anti-csrf")
	if w := serve(h, r); w.Code != 200 {
		t.Fatalf("POST with rid: %d %s", w.Code, w.Body)
	}
	g := httptest.NewRequest("GET", "/api", nil)
	g.Header.Set("Cookie", "sAccessToken="+tok)
	if w := serve(h, g); w.Code != 200 {
		t.Fatalf("GET needs no check: %d", w.Code)
	}
}

func TestDefaultCookieAttributes(t *testing.T) {
	f := newFakeCore(t)
	rc := New(Config{})
	_, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "T", APIDomain: "https://api.shop.example", WebsiteDomain: "https://other.example"},
		Core:    latchkey.CoreConfig{Handler: f},
		Recipes: []latchkey.Recipe{rc},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("POST", "/auth/signin", nil)
	if rc.sameSite(r) != "none" || !rc.secure() || rc.antiCSRF(r) != AntiCSRFViaCustomHeader {
		t.Fatalf("cross-site https: sameSite %s secure %v anti-csrf %s", rc.sameSite(r), rc.secure(), rc.antiCSRF(r))
	}
	w := httptest.NewRecorder()
	rc.clearMode(w, r, TransferCookie)
	c := w.Header().Values("Set-Cookie")
	if len(c) != 2 || !strings.Contains(c[0], "Secure") || !strings.Contains(c[0], "SameSite=None") || !strings.Contains(c[1], "Path=/auth/session/refresh") {
		t.Fatalf("cookies %q", c)
	}

	// Cross-site over http is refused up front, naming the fix.
	_, err = latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "T", APIDomain: "http://api.shop.example", WebsiteDomain: "http://other.example"},
		Core:    latchkey.CoreConfig{Handler: f},
		Recipes: []latchkey.Recipe{New(Config{})},
	})
	if err == nil || !strings.Contains(err.Error(), "please use https") {
		t.Fatalf("got %v", err)
	}
}

func TestClaimValidators(t *testing.T) {
	now := time.UnixMilli(1_700_000_000_000)
	roles := ArrayClaim{&Claim{Key: "st-role", DefaultMaxAge: 300 * time.Second}}
	p := map[string]any{"st-role": map[string]any{"v": []any{"admin", "user"}, "t": float64(now.UnixMilli())}}
	for _, tc := range []struct {
		v  Validator
		ok bool
	}{
		{roles.Includes("admin"), true},
		{roles.Includes("root"), false},
		{roles.Excludes("root"), true},
		{roles.IncludesAll([]any{"admin", "user"}), true},
		{roles.IncludesAll([]any{"admin", "root"}), false},
		{roles.IncludesAny([]any{"root", "user"}), true},
		{roles.ExcludesAll([]any{"root", "admin"}), false},
		{roles.IncludesAll(nil), true},
	} {
		if ok, reason := tc.v.Validate(p, now); ok != tc.ok {
			t.Errorf("%s: got %v (%v)", tc.v.ID, ok, reason)
		}
	}
	v := roles.Includes("admin")
	if v.ShouldRefetch(p, now) || !v.ShouldRefetch(p, now.Add(301*time.Second)) {
		t.Error("max age")
	}
	if ok, reason := v.Validate(p, now.Add(301*time.Second)); ok || reason.(map[string]any)["message"] != "expired" {
		t.Errorf("expired: %v", reason)
	}
	if ok, reason := v.Validate(map[string]any{}, now); ok || reason.(map[string]any)["message"] != "value does not exist" {
		t.Errorf("missing: %v", reason)
	}
	ev := BooleanClaim{&Claim{Key: "st-ev"}}
	if ok, _ := ev.IsTrue().Validate(map[string]any{"st-ev": map[string]any{"v": false, "t": 1.0}}, now); ok {
		t.Error("IsTrue on false")
	}
}

func TestErrorsAreTyped(t *testing.T) {
	f := newFakeCore(t)
	_, rc := newTestRecipe(t, f, Config{}, nil)
	_, err := rc.GetSession(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), nil)
	var u *UnauthorisedError
	if !errors.As(err, &u) || !u.KeepTokens {
		t.Fatalf("got %v", err)
	}
	var unused *Recipe = New(Config{})
	if _, err := unused.RevokeSession(context.Background(), "h"); err == nil {
		t.Fatal("an uninitialised recipe must fail, not panic")
	}
	if _, err := unused.GetSession(nil, httptest.NewRequest("GET", "/", nil), nil); err == nil {
		t.Fatal("an uninitialised recipe must fail, not panic")
	}
}

func TestGetSessionFromTokenAndJWKSRoute(t *testing.T) {
	f := newFakeCore(t)
	lk, rc := newTestRecipe(t, f, Config{}, nil)
	s, err := rc.GetSessionFromToken(context.Background(), f.token(t, "u9", time.Now().Add(time.Hour), nil), nil)
	if err != nil || s.UserID() != "u9" || s.TenantID() != "public" {
		t.Fatal(s, err)
	}
	var tr *TryRefreshTokenError
	if _, err := rc.GetSessionFromToken(context.Background(), "nope", nil); !errors.As(err, &tr) {
		t.Fatalf("got %v", err)
	}
	h := lk.Middleware(http.NotFoundHandler())
	w := serve(h, httptest.NewRequest("GET", "/auth/jwt/jwks.json", nil))
	if w.Code != 200 || !strings.Contains(w.Body.String(), f.kid) || w.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("jwks: %d %s", w.Code, w.Body)
	}
	w = serve(h, httptest.NewRequest("GET", "/auth/.well-known/openid-configuration", nil))
	if !strings.Contains(w.Body.String(), `"jwks_uri":"http://api.example.test/auth/jwt/jwks.json"`) {
		t.Fatalf("openid: %s", w.Body)
	}
}
