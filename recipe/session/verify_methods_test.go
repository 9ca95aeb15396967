package session

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestVerifySessionMethods checks which requests reach a protected handler
// without a session: only CORS preflights, which browsers send without
// credentials. Any other OPTIONS needs a session, and TRACE never reaches
// the handler (405), with or without one.
func TestVerifySessionMethods(t *testing.T) {
	f := newFakeCore(t)
	now := time.Now()
	lk, rc := newTestRecipe(t, f, Config{}, func() time.Time { return now })
	reached := false
	h := lk.Middleware(rc.VerifySession(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached = true
	})))
	tok := f.token(t, "u1", now.Add(time.Hour), nil)
	for _, tc := range []struct {
		name    string
		method  string
		header  []string
		code    int
		reached bool
	}{
		{"preflight", "OPTIONS", []string{"Origin", "http://app.example.test", "Access-Control-Request-Method", "POST"}, 200, true},
		{"OPTIONS without Origin", "OPTIONS", []string{"Access-Control-Request-Method", "POST"}, 401, false},
		{"OPTIONS without a requested method", "OPTIONS", []string{"Origin", "http://app.example.test"}, 401, false},
		{"bare OPTIONS", "OPTIONS", nil, 401, false},
		{"OPTIONS with a session", "OPTIONS", []string{"Authorization", "Bearer " + tok}, 200, true},
		{"TRACE", "TRACE", nil, 405, false},
		{"TRACE with a session", "TRACE", []string{"Authorization", "Bearer " + tok}, 405, false},
		{"TRACE shaped like a preflight", "TRACE", []string{"Origin", "http://app.example.test", "Access-Control-Request-Method", "POST"}, 405, false},
		{"GET without a session", "GET", nil, 401, false},
	} {
		r := httptest.NewRequest(tc.method, "/api", nil)
		for i := 0; i+1 < len(tc.header); i += 2 {
			r.Header.Set(tc.header[i], tc.header[i+1])
		}
		reached = false
		if w := serve(h, r); w.Code != tc.code || reached != tc.reached {
			t.Errorf("%s: %d, handler reached %v; want %d, %v", tc.name, w.Code, reached, tc.code, tc.reached)
		}
	}
}
