// Package exampletest checks an example backend against a real core
// running in-process: CORS preflight, sign-up with cookies, the protected
// route with and without a session, and sign-out.
package exampletest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

// Website is the origin the examples are configured for.
const Website = "http://localhost:3000"

// NewServer builds an example's handler for a core and an API domain.
type NewServer func(core latchkey.CoreConfig, apiDomain string) (http.Handler, error)

// Run starts a core in-process and the example in front of it, and walks
// the flow a browser on Website would.
func Run(t *testing.T, newServer NewServer) {
	t.Helper()
	c := coretest.Start(t, coretest.Mode{Engine: "sqlite", InProcess: true})
	srv := httptest.NewUnstartedServer(nil)
	h, err := newServer(latchkey.CoreConfig{Handler: c.Core}, "http://"+srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	do := func(method, path string, body any, hdr ...string) (*http.Response, map[string]any) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			raw, _ := json.Marshal(body)
			rd = bytes.NewReader(raw)
		}
		req, _ := http.NewRequest(method, srv.URL+path, rd)
		req.Header.Set("Origin", Website)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp, m
	}

	// The requested headers are sorted and lower-case, as browsers send
	// them (the Fetch standard); rs/cors relies on it.
	resp, _ := do("OPTIONS", "/auth/signup", nil, "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type,fdi-version,rid,st-auth-mode")
	if resp.StatusCode/100 != 2 || resp.Header.Get("Access-Control-Allow-Origin") != Website || resp.Header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	if allowed := strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers")); !strings.Contains(allowed, "st-auth-mode") || !strings.Contains(allowed, "rid") {
		t.Fatalf("preflight allows %q", allowed)
	}

	resp, body := do("POST", "/auth/signup", map[string]any{"formFields": []map[string]string{{"id": "email", "value": "eve@example.com"}, {"id": "password", "value": "secret123"}}},
		"Content-Type", "application/json", "rid", "emailpassword", "st-auth-mode", "cookie")
	if resp.StatusCode != 200 || body["status"] != "OK" {
		t.Fatalf("sign-up: %d %v", resp.StatusCode, body)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != Website || !strings.Contains(strings.ToLower(strings.Join(resp.Header.Values("Access-Control-Expose-Headers"), ",")), "front-token") {
		t.Fatalf("sign-up CORS headers: %v", resp.Header)
	}
	userID := body["user"].(map[string]any)["id"]

	resp, body = do("GET", "/api/me", nil)
	if resp.StatusCode != 200 || body["userId"] != userID {
		t.Fatalf("me: %d %v", resp.StatusCode, body)
	}
	resp, _ = do("POST", "/auth/signout", map[string]any{}, "rid", "session")
	if resp.StatusCode != 200 {
		t.Fatalf("sign-out: %d", resp.StatusCode)
	}
	resp, body = do("GET", "/api/me", nil)
	if resp.StatusCode != 401 || body["message"] != "unauthorised" {
		t.Fatalf("me after sign-out: %d %v", resp.StatusCode, body)
	}
}
