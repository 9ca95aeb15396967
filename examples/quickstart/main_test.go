package main

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

// TestQuickstart runs the README's example against a real core: sign-up
// sets the session, the protected route answers, and the dashboard page
// is served.
func TestQuickstart(t *testing.T) {
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

	if r := get(t, client, srv.URL+"/api/me"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("protected route without a session: %d", r.StatusCode)
	}
	req, _ := http.NewRequest("POST", srv.URL+"/auth/signup", strings.NewReader(
		`{"formFields":[{"id":"email","value":"quick@example.com"},{"id":"password","value":"quick-start-1"}]}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("st-auth-mode", "cookie")
	resp, err := client.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-up: %v %v", err, resp)
	}
	resp.Body.Close()
	if r := get(t, client, srv.URL+"/api/me"); r.StatusCode != http.StatusOK {
		t.Errorf("protected route with a session: %d", r.StatusCode)
	}
	if r := get(t, client, srv.URL+"/auth/dashboard"); r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
		t.Errorf("dashboard page: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
}

func get(t *testing.T, c *http.Client, url string) *http.Response {
	t.Helper()
	r, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	return r
}

// TestREADMEShowsThisExample keeps the README's SDK example and this file
// the same, so the README shows code that compiles and passes the test
// above.
func TestREADMEShowsThisExample(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```go\n"+string(src)+"```") {
		t.Error("README.md does not show examples/quickstart/main.go verbatim in a ```go block: copy it over")
	}
}
