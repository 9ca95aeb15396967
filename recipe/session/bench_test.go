package session

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// BenchmarkVerifySession measures VerifySession on a valid access token in
// a cookie and in the Authorization header: local verification only, no
// core call.
func BenchmarkVerifySession(b *testing.B) {
	for _, mode := range []string{"cookie", "header"} {
		b.Run(mode, func(b *testing.B) { benchmarkVerifySession(b, mode == "header") })
	}
}

func benchmarkVerifySession(b *testing.B, header bool) {
	f := newFakeCore(b)
	_, rc := newTestRecipe(b, f, Config{}, nil)
	tok := f.token(b, "user-1", time.Now().Add(time.Hour), nil)
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, found := FromContext(r.Context()); !found {
			b.Fatal("no session")
		}
	})
	h := rc.VerifySession(nil, ok)
	r := httptest.NewRequest("GET", "/api/me", nil)
	if header {
		r.Header.Set("Authorization", "Bearer "+tok)
	} else {
		r.Header.Set("Cookie", "sAccessToken="+tok)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r) // warms the JWKS cache
	if w.Code != 200 {
		b.Fatalf("got %d %s", w.Code, w.Body)
	}
	calls := f.calls.Load()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
	b.StopTimer()
	if f.calls.Load() != calls || f.jwks.Load() != 1 {
		b.Fatalf("verification called the core: %d calls, %d JWKS fetches", f.calls.Load()-calls, f.jwks.Load())
	}
}

// BenchmarkRawRS256Verify is the floor: one RS256 signature check with
// crypto/rsa on the same token (hashing included), nothing else.
func BenchmarkRawRS256Verify(b *testing.B) {
	f := newFakeCore(b)
	tok := f.token(b, "user-1", time.Now().Add(time.Hour), nil)
	i := strings.LastIndexByte(tok, '.')
	sig, _ := base64.RawURLEncoding.DecodeString(tok[i+1:])
	input := []byte(tok[:i])
	pub := &f.key.PublicKey
	b.ReportAllocs()
	for b.Loop() {
		sum := sha256.Sum256(input)
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
			b.Fatal(err)
		}
	}
}
