// Command chi is a backend on github.com/go-chi/chi with the Latchkey SDK,
// using github.com/rs/cors for CORS.
//
// It is a module of its own (examples/chi/go.mod, building against this
// repository's SDK through a replace directive), so that chi and rs/cors stay
// out of the SDK module's requirements. From the repository root:
//
//	LATCHKEY_CORE_URL=http://127.0.0.1:3567 go -C examples/chi run .
package main

import (
	"log"
	"net/http"
	"os"

	"github.com/go-chi/chi/v5"
	"github.com/rs/cors"

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

// NewServer returns the backend's router.
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
	r := chi.NewRouter()
	// CORS must run before the SDK, so that preflights are answered.
	r.Use(cors.New(cors.Options{
		AllowedOrigins:   []string{cfg.WebsiteDomain},
		AllowedMethods:   []string{"GET", "POST", "PUT", "DELETE", "OPTIONS"},
		AllowedHeaders:   append([]string{"Content-Type"}, lk.AllowedHeaders()...),
		ExposedHeaders:   lk.ExposedHeaders(),
		AllowCredentials: true,
	}).Handler)
	r.Use(lk.Middleware)
	r.Group(func(r chi.Router) {
		r.Use(func(next http.Handler) http.Handler { return sess.VerifySession(nil, next) })
		r.Get("/api/me", func(w http.ResponseWriter, r *http.Request) {
			s, _ := session.FromContext(r.Context())
			latchkey.WriteJSON(w, http.StatusOK, map[string]string{"userId": s.UserID()})
		})
	})
	return r, nil
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
