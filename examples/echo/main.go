// Command echo is a backend on github.com/labstack/echo with the Latchkey
// SDK: the SDK's middleware and VerifySession are plain net/http, wrapped
// with echo.WrapMiddleware.
//
// It is a module of its own (examples/echo/go.mod, building against this
// repository's SDK through a replace directive), so that echo stay
// out of the SDK module's requirements. From the repository root:
//
//	LATCHKEY_CORE_URL=http://127.0.0.1:3567 go -C examples/echo run .
package main

import (
	"log"
	"net/http"
	"os"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

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

// NewServer returns the backend's echo instance.
func NewServer(cfg Config) (*echo.Echo, error) {
	sess := session.New(session.Config{})
	lk, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "Example", APIDomain: cfg.APIDomain, WebsiteDomain: cfg.WebsiteDomain},
		Core:    cfg.Core,
		Recipes: []latchkey.Recipe{sess, emailpassword.New(emailpassword.Config{EmailDelivery: cfg.Mail})},
	})
	if err != nil {
		return nil, err
	}
	e := echo.New()
	e.HideBanner = true
	// Both run before echo's router (Pre), so that the SDK's routes, which
	// echo does not know, get CORS headers and are served.
	e.Pre(middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOrigins:     []string{cfg.WebsiteDomain},
		AllowHeaders:     append([]string{"Content-Type"}, lk.AllowedHeaders()...),
		ExposeHeaders:    lk.ExposedHeaders(),
		AllowCredentials: true,
	}))
	// WrapMiddleware calls the rest of the chain as the SDK's next handler
	// and returns its error, so echo's error handling is kept.
	e.Pre(echo.WrapMiddleware(lk.Middleware))
	verify := echo.WrapMiddleware(func(next http.Handler) http.Handler { return sess.VerifySession(nil, next) })
	e.GET("/api/me", func(c echo.Context) error {
		s, _ := session.FromContext(c.Request().Context())
		return c.JSON(http.StatusOK, map[string]string{"userId": s.UserID()})
	}, verify)
	return e, nil
}

func main() {
	e, err := NewServer(Config{
		APIDomain:     env("API_DOMAIN", "http://localhost:8080"),
		WebsiteDomain: env("WEBSITE_DOMAIN", "http://localhost:3000"),
		Core:          latchkey.CoreConfig{ConnectionURI: env("LATCHKEY_CORE_URL", "http://127.0.0.1:3567"), APIKey: os.Getenv("LATCHKEY_API_KEY")},
		Mail:          emaildelivery.Log{},
	})
	if err != nil {
		log.Fatal(err)
	}
	// Echo's Start sets no read, write or idle timeout; NewServer does.
	log.Fatal(e.StartServer(latchkey.NewServer(env("ADDR", "localhost:8080"), e)))
}

func env(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
