package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// newLoadClient returns the client that drives every HTTP measurement: one
// transport whose idle pool keeps a connection for every client of every
// target, so that no measurement dials after its warm-up.
func newLoadClient(maxClients int) *http.Client {
	return &http.Client{
		Timeout: 2 * time.Minute,
		Transport: &http.Transport{
			Proxy:               nil,
			MaxIdleConns:        0, // no limit across hosts
			MaxIdleConnsPerHost: 2 * maxClients,
			IdleConnTimeout:     10 * time.Minute,
			DisableCompression:  true,
			ForceAttemptHTTP2:   false,
		},
	}
}

// warm opens n kept-alive connections to base by sending n pings at once.
func warm(ctx context.Context, c *http.Client, base string, n int) error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+pingPath, nil)
			resp, err := c.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			drain(resp)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("warming connections to %s: %w", base, err)
		}
	}
	return nil
}

// drain reads and closes a body so that its connection is reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// fdiForm is the body of /auth/signup and /auth/signin.
func fdiForm(email, password string) []byte {
	b, _ := json.Marshal(map[string]any{"formFields": []map[string]string{
		{"id": "email", "value": email}, {"id": "password", "value": password},
	}})
	return b
}

// answer is an HTTP response read whole.
type answer struct {
	code   int
	header http.Header
	body   []byte
}

// okStatus reports whether the answer is 200 with "status":"OK", as every
// successful FDI sign-up and sign-in is.
func (a answer) okStatus() bool {
	return a.code == http.StatusOK && bytes.Contains(a.body, []byte(`"status":"OK"`))
}

func (a answer) String() string {
	body := strings.TrimSpace(string(a.body))
	if len(body) > 200 {
		body = body[:200] + "…"
	}
	return fmt.Sprintf("%d %s", a.code, body)
}

// call sends one request and reads the answer; body, when not nil, is sent
// as JSON.
func call(ctx context.Context, c *http.Client, method, url string, body []byte, header http.Header) (answer, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return answer{}, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return answer{}, err
	}
	return answer{code: resp.StatusCode, header: resp.Header, body: raw}, nil
}

// setCookie returns the value of the named cookie in Set-Cookie headers,
// without parsing the others.
func setCookie(h http.Header, name string) (string, bool) {
	for _, line := range h.Values("Set-Cookie") {
		if v, ok := strings.CutPrefix(line, name+"="); ok {
			v, _, _ = strings.Cut(v, ";")
			return v, v != ""
		}
	}
	return "", false
}

// tokens are what a sign-in hands the client.
type tokens struct {
	access, refresh string
}

// signInTokens reads the tokens of a successful sign-in or refresh: from
// cookies, or from the st-access-token and st-refresh-token headers in
// header mode.
func signInTokens(a answer, headerMode bool) (tokens, error) {
	var t tokens
	if headerMode {
		t = tokens{access: a.header.Get("st-access-token"), refresh: a.header.Get("st-refresh-token")}
	} else {
		t.access, _ = setCookie(a.header, "sAccessToken")
		t.refresh, _ = setCookie(a.header, "sRefreshToken")
	}
	if t.access == "" || t.refresh == "" {
		return t, fmt.Errorf("the answer carries no tokens: %s", a)
	}
	return t, nil
}
