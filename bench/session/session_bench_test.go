package session_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core/coretest"
)

// clients is how many requests are in flight at once.
const clients = 16

// BenchmarkRS256 is the floor: one RSA-2048 PKCS#1 v1.5 signature and one
// verification of a short signing input, with crypto/rsa as the core
// does (core/internal/signing).
func BenchmarkRS256(b *testing.B) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	input := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0"
	sign := func() ([]byte, error) {
		digest := sha256.Sum256([]byte(input))
		return rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	}
	sig, err := sign()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("sign", func(b *testing.B) {
		for b.Loop() {
			if _, err := sign(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("verify", func(b *testing.B) {
		for b.Loop() {
			digest := sha256.Sum256([]byte(input))
			if err := rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, digest[:], sig); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSession measures requests per second of create, refresh,
// verify and JWKS with 16 clients over loopback HTTP.
func BenchmarkSession(b *testing.B) {
	for _, engine := range coretest.Engines {
		b.Run(engine, func(b *testing.B) {
			c := coretest.Start(b, coretest.Mode{Engine: engine})
			tr := c.HTTP.Transport.(*http.Transport)
			tr.MaxIdleConnsPerHost = 2 * clients // keep-alive for every client
			cl := &client{url: c.URL, http: c.HTTP}

			newSession := map[string]any{"userId": "bench-user", "enableAntiCsrf": false,
				"userDataInJWT": map[string]any{"iss": "https://api.example.com/auth"}, "userDataInDatabase": map[string]any{}}
			first := cl.post(b, "/recipe/session", newSession)
			accessToken := first["accessToken"].(map[string]any)["token"].(string)

			b.Run("create", func(b *testing.B) {
				parallel(b, func(cl *client) func() {
					return func() { cl.post(b, "/recipe/session", newSession) }
				}, cl)
			})
			b.Run("refresh", func(b *testing.B) {
				// Each client refreshes its own session with the newest
				// token, as a browser does: every call promotes the last
				// child, so every call writes.
				parallel(b, func(cl *client) func() {
					rt := cl.post(b, "/recipe/session", newSession)["refreshToken"].(map[string]any)["token"].(string)
					return func() {
						m := cl.post(b, "/recipe/session/refresh", map[string]any{"refreshToken": rt, "enableAntiCsrf": false, "useDynamicSigningKey": true})
						if next, ok := m["refreshToken"].(map[string]any); ok {
							rt = next["token"].(string)
						}
					}
				}, cl)
			})
			verifyBody := map[string]any{"accessToken": accessToken, "doAntiCsrfCheck": false, "enableAntiCsrf": false, "checkDatabase": false}
			b.Run("verify", func(b *testing.B) {
				parallel(b, func(cl *client) func() {
					return func() { cl.post(b, "/recipe/session/verify", verifyBody) }
				}, cl)
			})
			checkDB := map[string]any{"accessToken": accessToken, "doAntiCsrfCheck": false, "enableAntiCsrf": false, "checkDatabase": true}
			b.Run("verify-checkdb", func(b *testing.B) {
				parallel(b, func(cl *client) func() {
					return func() { cl.post(b, "/recipe/session/verify", checkDB) }
				}, cl)
			})
			b.Run("jwks", func(b *testing.B) {
				parallel(b, func(cl *client) func() {
					return func() { cl.get(b, "/.well-known/jwks.json") }
				}, cl)
			})
		})
	}
}

// parallel runs the closure setup returns from 16 goroutines and reports
// requests per second.
func parallel(b *testing.B, setup func(*client) func(), cl *client) {
	b.SetParallelism((clients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	var ops atomic.Int64
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		do := setup(cl)
		for pb.Next() {
			do()
			ops.Add(1)
		}
	})
	b.ReportMetric(float64(ops.Load())/time.Since(start).Seconds(), "req/s")
}

// client sends requests without testing.TB's FailNow, which only the
// benchmark's own goroutine may call.
type client struct {
	url  string
	http *http.Client
}

func (c *client) post(b *testing.B, path string, body any) map[string]any {
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, c.url+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	return c.do(b, req)
}

func (c *client) get(b *testing.B, path string) map[string]any {
	req, _ := http.NewRequest(http.MethodGet, c.url+path, nil)
	return c.do(b, req)
}

func (c *client) do(b *testing.B, req *http.Request) map[string]any {
	resp, err := c.http.Do(req)
	if err != nil {
		b.Error(err)
		return nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &m) != nil {
		b.Errorf("%s: %d %s", req.URL.Path, resp.StatusCode, raw)
		return nil
	}
	if s, ok := m["status"]; ok && s != "OK" {
		b.Errorf("%s: %s", req.URL.Path, raw)
	}
	return m
}
