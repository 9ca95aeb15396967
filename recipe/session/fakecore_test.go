package session

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey"
)

// fakeCore serves the two endpoints local verification needs, with a key
// made here, and counts every other call: a valid token must cost none.
type fakeCore struct {
	key   *rsa.PrivateKey
	kid   string
	calls atomic.Int64
	jwks  atomic.Int64
}

func newFakeCore(t testing.TB) *fakeCore {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return &fakeCore{key: k, kid: "d-1700000000000"}
}

func (f *fakeCore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/apiversion":
		latchkey.WriteJSON(w, 200, map[string]any{"versions": []string{"5.4"}})
	case "/.well-known/jwks.json":
		f.jwks.Add(1)
		e := big.NewInt(int64(f.key.E)).Bytes()
		latchkey.WriteJSON(w, 200, map[string]any{"keys": []map[string]string{{
			"kty": "RSA", "kid": f.kid, "alg": "RS256", "use": "sig",
			"n": base64.RawURLEncoding.EncodeToString(f.key.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(e),
		}}})
	default:
		f.calls.Add(1)
		http.Error(w, "not in the fake core", 404)
	}
}

// token signs a v5 access token like the core's.
func (f *fakeCore) token(t testing.TB, sub string, exp time.Time, extra map[string]any) string {
	t.Helper()
	hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": f.kid, "version": "5"})
	p := map[string]any{
		"sub": sub, "exp": exp.Unix(), "iat": time.Now().Unix(), "tId": "public", "rsub": sub,
		"sessionHandle": "8b5d2b2c-6d4e-4d0a-9b0e-1f1f1f1f1f1f", "refreshTokenHash1": "ab12",
		"parentRefreshTokenHash1": nil, "antiCsrfToken": nil, "iss": "http://api.example.test/auth",
	}
	for k, v := range extra {
		p[k] = v
	}
	pl, _ := json.Marshal(p)
	input := base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString(pl)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, f.key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// newTestRecipe builds an SDK instance on the fake core.
func newTestRecipe(t testing.TB, f http.Handler, cfg Config, now func() time.Time) (*latchkey.Latchkey, *Recipe) {
	t.Helper()
	rc := New(cfg)
	lk, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "T", APIDomain: "http://api.example.test", WebsiteDomain: "http://app.example.test"},
		Core:    latchkey.CoreConfig{Handler: f},
		Recipes: []latchkey.Recipe{rc},
		Now:     now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return lk, rc
}
