// Command nethttp is a backend on net/http alone with the Latchkey SDK:
// email-password sign-in, sessions, and a protected route, behind a
// hand-written CORS layer.
//
//	LATCHKEY_CORE_URL=http://127.0.0.1:3567 go run ./examples/nethttp
package main

import (
	"log"
	"net/http"
	"os"
	"strings"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/emaildelivery"
	"github.com/latchkey-dev/latchkey/recipe/emailpassword"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// Config is what the example needs from its environment.
type Config struct {
	APIDomain     string
	WebsiteDomain string
	Core          latchkey.CoreConfig
	Mail          emaildelivery.Sender
}

// NewServer returns the backend's handler.
func NewServer(cfg Config) (http.Handler, error) {
	sess := session.New(session.Config{})
	lk, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "Example", APIDomain: cfg.APIDomain, WebsiteDomain: cfg.WebsiteDomain},
		Core:    cfg.Core,
		Recipes: []latchkey.Recipe{sess, emailpassword.New(emailpassword.Config{EmailDelivery: cfg.Mail})},
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /api/me", sess.VerifySession(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := session.FromContext(r.Context())
		latchkey.WriteJSON(w, http.StatusOK, map[string]string{"userId": s.UserID()})
	})))
	// CORS first, then the SDK, then the app's own routes.
	return withCORS(cfg.WebsiteDomain, lk.AllowedHeaders(), lk.Middleware(mux)), nil
}

// withCORS allows the website's origin, with credentials, and the headers
// the SDK's frontend sends.
func withCORS(origin string, headers []string, next http.Handler) http.Handler {
	allow := strings.Join(append([]string{"Content-Type"}, headers...), ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") == origin {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			w.Header().Add("Vary", "Origin")
			if r.Method == http.MethodOptions {
				w.Header().Set("Access-Control-Allow-Headers", allow)
				w.Header().Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func main() {
	h, err := NewServer(Config{
		APIDomain:     env("API_DOMAIN", "http://localhost:8080"),
		WebsiteDomain: env("WEBSITE_DOMAIN", "http://localhost:3000"),
		Core:          latchkey.CoreConfig{ConnectionURI: env("LATCHKEY_CORE_URL", "http://127.0.0.1:3567"), APIKey: os.Getenv("LATCHKEY_API_KEY")},
		Mail:          emaildelivery.Log{},
	})
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(latchkey.NewServer(env("ADDR", "localhost:8080"), h).ListenAndServe())
}

func env(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
