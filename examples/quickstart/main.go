// Command quickstart is the README's example: a net/http backend with
// email-password sign-in, sessions, a protected route and the dashboard.
package main

import (
	"fmt"
	"log"
	"net/http"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/emaildelivery"
	"github.com/latchkey-dev/latchkey/recipe/dashboard"
	"github.com/latchkey-dev/latchkey/recipe/emailpassword"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

func newServer(core latchkey.CoreConfig, apiDomain string) (http.Handler, error) {
	sess := session.New(session.Config{})
	lk, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "My app", APIDomain: apiDomain, WebsiteDomain: "http://localhost:3000"},
		Core:    core,
		Recipes: []latchkey.Recipe{
			sess,
			emailpassword.New(emailpassword.Config{EmailDelivery: emaildelivery.Log{}}),
			dashboard.New(dashboard.Config{}), // at {apiDomain}/auth/dashboard
		},
	})
	if err != nil {
		return nil, err // says what to fix
	}
	mux := http.NewServeMux()
	mux.Handle("GET /api/me", sess.VerifySession(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := session.FromContext(r.Context())
		fmt.Fprintf(w, "signed in as %s\n", s.UserID())
	})))
	// The SDK answers /auth/...; every other request reaches mux. Put your
	// CORS layer in front, allowing lk.AllowedHeaders() and Content-Type
	// for your website's origin, with credentials.
	return lk.Middleware(mux), nil
}

func main() {
	h, err := newServer(latchkey.CoreConfig{ConnectionURI: "http://127.0.0.1:3567"}, "http://localhost:8080")
	if err != nil {
		log.Fatal(err)
	}
	// NewServer sets read, write and idle timeouts; http.ListenAndServe has none.
	log.Fatal(latchkey.NewServer("localhost:8080", h).ListenAndServe())
}
