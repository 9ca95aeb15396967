package session

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestVerifiedCache: a token that verified once is taken from the cache
// (no signature check, no JWKS fetch), but expiry is still checked on
// every request, a token differing in any byte is checked afresh, and a
// key the core withdraws stops verifying once the SDK refetches the JWKS.
func TestVerifiedCache(t *testing.T) {
	f := newFakeCore(t)
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	lk, rc := newTestRecipe(t, f, Config{JWKSRefreshInterval: time.Minute}, clock)
	h := lk.Middleware(rc.VerifySession(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	get := func(tok string) int {
		r := httptest.NewRequest("GET", "/api", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		return serve(h, r).Code
	}
	tok := f.token(t, "alice", now.Add(10*time.Minute), nil)
	for i := range 3 {
		if code := get(tok); code != 200 {
			t.Fatalf("request %d: %d", i, code)
		}
	}
	if n := len(rc.verified.m); n != 1 {
		t.Fatalf("%d cached tokens, want 1", n)
	}
	if f.jwks.Load() != 1 {
		t.Errorf("%d JWKS fetches, want 1", f.jwks.Load())
	}
	// The same payload with another signature, and a changed payload with
	// the cached signature: neither is the cached text.
	i := strings.LastIndexByte(tok, '.')
	sig := []byte(tok[i+1:])
	sig[10] ^= 1
	if code := get(tok[:i+1] + string(sig)); code != 401 {
		t.Errorf("a changed signature: %d, want 401", code)
	}
	other := f.token(t, "mallory", now.Add(10*time.Minute), nil)
	j := strings.LastIndexByte(other, '.')
	if code := get(other[:j] + tok[i:]); code != 401 {
		t.Errorf("another payload under the cached signature: %d, want 401", code)
	}
	// Expiry is read from the cached token on every request.
	advance(11 * time.Minute)
	if code := get(tok); code != 401 {
		t.Errorf("an expired cached token: %d, want 401", code)
	}
	// A new token, cached; then the core withdraws its key.
	tok = f.token(t, "alice", now.Add(10*time.Minute), nil)
	if code := get(tok); code != 200 {
		t.Fatalf("new token: %d", code)
	}
	f.kid = "d-1800000000000"
	if code := get(tok); code != 200 {
		t.Errorf("before the JWKS is due, the cached token: %d, want 200", code)
	}
	advance(2 * time.Minute)
	if code := get(tok); code != 401 {
		t.Errorf("after the JWKS dropped its key, the cached token: %d, want 401", code)
	}
}

// TestVerifiedCacheIsBounded: the cache never holds more than
// maxVerifiedTokens tokens.
func TestVerifiedCacheIsBounded(t *testing.T) {
	t.Parallel()
	var c verifiedCache
	for i := range 3*maxVerifiedTokens + 7 {
		c.put(strings.Repeat("x", i), &accessToken{}, 0)
		if len(c.m) > maxVerifiedTokens {
			t.Fatalf("%d entries after %d puts", len(c.m), i+1)
		}
	}
}
