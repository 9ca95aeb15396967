package thirdparty

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/latchkey-dev/latchkey"
)

// call sends one request to the SDK's middleware and decodes the answer.
func call(t *testing.T, lk *latchkey.Latchkey, method, path string, body any) (int, map[string]any, http.Header) {
	t.Helper()
	var rd io.Reader
	if s, ok := body.(string); ok {
		rd = strings.NewReader(s)
	} else if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, "http://localhost:3001"+path, rd)
	req.Header.Set("rid", "thirdparty")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	lk.Middleware(http.NotFoundHandler()).ServeHTTP(rec, req)
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out, rec.Header()
}

func authURL(t *testing.T, lk *latchkey.Latchkey, id string) (string, string) {
	t.Helper()
	code, out, _ := call(t, lk, "GET", "/auth/authorisationurl?thirdPartyId="+id+"&redirectURIOnProviderDashboard="+url.QueryEscape(redirectURI), nil)
	if code != 200 || out["status"] != "OK" {
		t.Fatalf("authorisationurl: %d %v", code, out)
	}
	return out["urlWithQueryParams"].(string), out["pkceCodeVerifier"].(string)
}

func TestAuthorisationURLAPI(t *testing.T) {
	d := newIdP(t)
	web := ClientConfig{ClientType: "web", ClientID: "web", ClientSecret: "web-secret", Scope: []string{"openid", "email"}}
	spa := ClientConfig{ClientType: "spa", ClientID: "spa", Scope: []string{"openid"}}
	lk, _, f := newSDK(t, nil, ProviderInput{Config: d.config("local", web, spa)}, ProviderInput{Config: d.config("single")})
	u, v := authURL(t, lk, "single")
	if !strings.HasPrefix(u, d.issuer()+"/authorize?") || len(v) < 43 {
		t.Fatalf("url %s verifier %q", u, v)
	}
	for _, tc := range []struct {
		name, query string
		want        string
	}{
		{"no thirdPartyId", "redirectURIOnProviderDashboard=x", "Please provide the thirdPartyId as a GET param"},
		{"no redirect", "thirdPartyId=local&clientType=web", "Please provide the redirectURIOnProviderDashboard as a GET param"},
		{"unknown provider", "thirdPartyId=nope&redirectURIOnProviderDashboard=x", "the provider nope could not be found in the configuration"},
		{"unknown client type", "thirdPartyId=local&clientType=ios&redirectURIOnProviderDashboard=x", "Could not find client config for clientType: ios"},
		{"client type needed", "thirdPartyId=local&redirectURIOnProviderDashboard=x", "please provide exactly one client config or pass clientType or tenantId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, _ := call(t, lk, "GET", "/auth/authorisationurl?"+tc.query, nil)
			if code != 400 || out["message"] != tc.want {
				t.Fatalf("got %d %v, want 400 %q", code, out, tc.want)
			}
		})
	}
	code, out, _ := call(t, lk, "GET", "/auth/loginmethods", nil)
	tp, _ := out["thirdParty"].(map[string]any)
	if code != 200 || out["status"] != "OK" || tp["enabled"] != true || len(tp["providers"].([]any)) != 2 {
		t.Fatalf("loginmethods: %d %v", code, out)
	}
	if calls := f.Calls(); len(calls) != 0 {
		t.Fatalf("the core was called: %v", calls)
	}
}

// TestSignInUpRefusals: every failure in the list answers a 400 or
// the FDI's status, and none reaches the core.
func TestSignInUpRefusals(t *testing.T) {
	d := newIdP(t)
	noEmail := d.config("noemail", ClientConfig{ClientID: "web", ClientSecret: "web-secret", Scope: []string{"openid"}})
	lk, _, f := newSDK(t, nil, ProviderInput{Config: d.config("local")}, ProviderInput{Config: noEmail})
	// start returns a body for a fresh code from the local provider.
	start := func(t *testing.T, id string) map[string]any {
		u, v := authURL(t, lk, id)
		q := login(t, u, "a@b.co", "")
		return map[string]any{"thirdPartyId": id, "redirectURIInfo": map[string]any{
			"redirectURIOnProviderDashboard": redirectURI,
			"redirectURIQueryParams":         map[string]any{"code": q.Get("code"), "state": q.Get("state")},
			"pkceCodeVerifier":               v,
		}}
	}
	info := func(b map[string]any) map[string]any { return b["redirectURIInfo"].(map[string]any) }
	bad := []struct {
		name string
		body any
		want string
	}{
		{"not json", "{", "the request body is not valid JSON"},
		{"no thirdPartyId", map[string]any{"oAuthTokens": map[string]any{"access_token": "x"}}, "Please provide the thirdPartyId in request body"},
		{"thirdPartyId not a string", map[string]any{"thirdPartyId": 7}, "thirdPartyId must be a string"},
		{"neither", map[string]any{"thirdPartyId": "local"}, "Please provide one of redirectURIInfo or oAuthTokens in the request body"},
		{"empty tokens", map[string]any{"thirdPartyId": "local", "oAuthTokens": map[string]any{}}, "Please provide the access_token or the id_token in oAuthTokens"},
		{"unknown provider", map[string]any{"thirdPartyId": "nope", "oAuthTokens": map[string]any{"access_token": "x"}}, "the provider nope could not be found in the configuration"},
		{"unknown client type", map[string]any{"thirdPartyId": "local", "clientType": "ios", "oAuthTokens": map[string]any{"access_token": "x"}}, "Could not find client config for clientType: ios"},
		{"no redirect uri", map[string]any{"thirdPartyId": "local", "redirectURIInfo": map[string]any{"redirectURIQueryParams": map[string]any{}}}, "Please provide the redirectURIOnProviderDashboard in request body"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			code, out, _ := call(t, lk, "POST", "/auth/signinup", tc.body)
			if code != 400 || out["message"] != tc.want {
				t.Fatalf("got %d %v, want 400 %q", code, out, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name string
		mod  func(b map[string]any)
		want string
	}{
		{"missing state", func(b map[string]any) { delete(info(b)["redirectURIQueryParams"].(map[string]any), "state") }, "Please provide the state in redirectURIInfo.redirectURIQueryParams"},
		{"missing code", func(b map[string]any) { delete(info(b)["redirectURIQueryParams"].(map[string]any), "code") }, "Please provide the code in redirectURIInfo.redirectURIQueryParams"},
		{"missing verifier", func(b map[string]any) { delete(info(b), "pkceCodeVerifier") }, "Please provide the pkceCodeVerifier that /authorisationurl returned in redirectURIInfo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := start(t, "local")
			tc.mod(b)
			code, out, _ := call(t, lk, "POST", "/auth/signinup", b)
			if code != 400 || out["message"] != tc.want {
				t.Fatalf("got %d %v, want 400 %q", code, out, tc.want)
			}
		})
	}
	general := func(t *testing.T, b any) {
		t.Helper()
		code, out, _ := call(t, lk, "POST", "/auth/signinup", b)
		if code != 200 || out["status"] != "GENERAL_ERROR" || out["message"] != "Signing in with Local did not work. Please try again." {
			t.Fatalf("got %d %v", code, out)
		}
	}
	t.Run("verifier of another sign-in", func(t *testing.T) {
		b, other := start(t, "local"), start(t, "local")
		info(b)["pkceCodeVerifier"] = info(other)["pkceCodeVerifier"]
		general(t, b)
	})
	t.Run("replayed code", func(t *testing.T) {
		b := start(t, "local")
		// The first exchange works and stops at the (fake) core.
		if code, _, _ := call(t, lk, "POST", "/auth/signinup", b); code != 500 {
			t.Fatalf("first exchange: %d", code)
		}
		before := len(f.Calls())
		general(t, b)
		if len(f.Calls()) != before {
			t.Fatal("a replayed code reached the core")
		}
	})
	t.Run("provider error", func(t *testing.T) {
		b := start(t, "local")
		info(b)["redirectURIQueryParams"] = map[string]any{"error": "access_denied", "state": "s"}
		general(t, b)
	})
	t.Run("id token of another app", func(t *testing.T) {
		general(t, map[string]any{"thirdPartyId": "local", "oAuthTokens": map[string]any{"id_token": sign(t, d.key, map[string]any{
			"iss": d.issuer(), "aud": "spa", "sub": "u", "email": "a@b.co", "exp": 4102444800, "iat": 1700000000})}})
	})
	f.mu.Lock()
	f.calls = nil
	f.mu.Unlock()
	t.Run("no email", func(t *testing.T) {
		code, out, _ := call(t, lk, "POST", "/auth/signinup", start(t, "noemail"))
		if code != 200 || out["status"] != "NO_EMAIL_GIVEN_BY_PROVIDER" {
			t.Fatalf("got %d %v", code, out)
		}
	})
	if calls := f.Calls(); len(calls) != 0 {
		t.Fatalf("a refused sign-in reached the core: %v", calls)
	}
}

func TestFakeEmailWhenNotRequired(t *testing.T) {
	d := newIdP(t)
	cfg := d.config("noemail", ClientConfig{ClientID: "web", ClientSecret: "web-secret", Scope: []string{"openid"}})
	cfg.RequireEmail = Bool(false)
	var got Account
	lk, _, _ := newSDKConfig(t, nil, Config{Providers: []ProviderInput{{Config: cfg}}, Override: func(s Service) Service {
		return recordingService{Service: s, got: &got}
	}})
	u, v := authURL(t, lk, "noemail")
	q := login(t, u, "a@b.co", "acct-7")
	call(t, lk, "POST", "/auth/signinup", map[string]any{"thirdPartyId": "noemail", "redirectURIInfo": map[string]any{
		"redirectURIOnProviderDashboard": redirectURI, "redirectURIQueryParams": map[string]any{"code": q.Get("code"), "state": "s"}, "pkceCodeVerifier": v}})
	want := Account{ThirdPartyID: "noemail", ThirdPartyUserID: "acct-7", Email: "acct-7.noemail@stfakeemail.supertokens.com", EmailVerified: true}
	if got != want {
		t.Fatalf("signed in %+v, want %+v", got, want)
	}
}

// recordingService records the account of a sign-in and refuses it.
type recordingService struct {
	Service
	got *Account
}

func (s recordingService) ManuallyCreateOrUpdateUser(_ context.Context, _ string, a Account) (*SignInUpResult, error) {
	*s.got = a
	return nil, &EmailChangeNotAllowedError{Reason: "test"}
}

func TestAppleCallback(t *testing.T) {
	lk, _, _ := newSDK(t, nil, ProviderInput{Config: ProviderConfig{ThirdPartyID: "apple", Clients: []ClientConfig{{ClientID: "com.example", ClientSecret: "s"}}}})
	state := func(uri string) string {
		raw, _ := json.Marshal(map[string]string{"state": "abc", "frontendRedirectURI": uri})
		return base64.StdEncoding.EncodeToString(raw)
	}
	post := func(form url.Values) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "http://localhost:3001/auth/callback/apple", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		lk.Middleware(http.NotFoundHandler()).ServeHTTP(rec, req)
		return rec
	}
	st := state(website + "/auth/callback/apple?x=1")
	rec := post(url.Values{"code": {"c0de"}, "state": {st}, "user": {`{"name":{"firstName":"Ada"}}`}})
	loc, _ := url.Parse(rec.Header().Get("Location"))
	if rec.Code != 303 || loc == nil || !strings.HasPrefix(loc.String(), website+"/auth/callback/apple?") ||
		loc.Query().Get("code") != "c0de" || loc.Query().Get("state") != st || loc.Query().Get("x") != "1" || loc.Query().Get("user") == "" {
		t.Fatalf("got %d %q", rec.Code, rec.Header().Get("Location"))
	}
	for name, form := range map[string]url.Values{
		"no state":       {"code": {"c"}},
		"garbage state":  {"code": {"c"}, "state": {"%%%"}},
		"another origin": {"code": {"c"}, "state": {state("https://evil.example/steal")}},
		"not http":       {"code": {"c"}, "state": {state("javascript:alert(1)")}},
	} {
		if rec := post(form); rec.Code != 400 {
			t.Errorf("%s: got %d %q", name, rec.Code, rec.Header().Get("Location"))
		}
	}
}
