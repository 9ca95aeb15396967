package demo

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/emaildelivery"
	"github.com/latchkey-dev/latchkey/recipe/emailpassword"
	"github.com/latchkey-dev/latchkey/recipe/emailverification"
	"github.com/latchkey-dev/latchkey/recipe/passwordless"
	"github.com/latchkey-dev/latchkey/recipe/session"
	"github.com/latchkey-dev/latchkey/recipe/thirdparty"
	"github.com/latchkey-dev/latchkey/recipe/usermetadata"
	"github.com/latchkey-dev/latchkey/recipe/userroles"
	"github.com/latchkey-dev/latchkey/smsdelivery"
)

// Config configures the demo backend and website.
type Config struct {
	// APIDomain is where the backend is reached, such as
	// "http://localhost:3001".
	APIDomain string
	// WebsiteDomain is where the website is reached, such as
	// "http://localhost:3000".
	WebsiteDomain string
	// Core is how the backend reaches the core.
	Core latchkey.CoreConfig
	// Mail delivers emails. The demo prints them instead of sending.
	Mail emaildelivery.Sender
	// SMS delivers text messages (passwordless codes). The demo prints
	// them instead of sending.
	SMS smsdelivery.Sender
	// ThirdParty are the providers the website offers as "Continue with
	// …". None leaves third-party sign-in out.
	ThirdParty []thirdparty.ProviderInput
	// Logger receives the SDK's logs. Default: slog.Default().
	Logger *slog.Logger
}

// appName is shown in emails and on the website.
const appName = "Latchkey demo"

// NewBackend returns the demo backend's handler: CORS for the website,
// the SDK's APIs under /auth, and /sessioninfo and /userinfo.
func NewBackend(cfg Config) (http.Handler, error) {
	sess := session.New(session.Config{})
	ev := emailverification.New(emailverification.Config{Mode: emailverification.ModeOptional, EmailDelivery: cfg.Mail})
	recipes := []latchkey.Recipe{
		sess,
		emailpassword.New(emailpassword.Config{EmailDelivery: cfg.Mail}),
		ev,
		usermetadata.New(usermetadata.Config{}),
		userroles.New(userroles.Config{}),
		passwordless.New(passwordless.Config{
			ContactMethod: passwordless.ContactEmailOrPhone,
			FlowType:      passwordless.FlowUserInputCodeAndMagicLink,
			EmailDelivery: cfg.Mail,
			SMSDelivery:   cfg.SMS,
		}),
	}
	if len(cfg.ThirdParty) > 0 {
		recipes = append(recipes, thirdparty.New(thirdparty.Config{Providers: cfg.ThirdParty}))
	}
	recipes = append(recipes, extraRecipes(cfg)...)
	lk, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: appName, APIDomain: cfg.APIDomain, WebsiteDomain: cfg.WebsiteDomain},
		Core:    cfg.Core,
		Recipes: recipes,
		Logger:  cfg.Logger,
	})
	if err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	mux.Handle("GET /sessioninfo", sess.VerifySession(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := session.FromContext(r.Context())
		latchkey.WriteJSON(w, http.StatusOK, map[string]any{
			"sessionHandle":      s.Handle(),
			"userId":             s.UserID(),
			"accessTokenPayload": s.AccessTokenPayload(),
		})
	})))
	mux.Handle("GET /userinfo", sess.VerifySession(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := session.FromContext(r.Context())
		u, err := lk.User(r.Context(), s.UserID())
		if err != nil {
			lk.WriteError(w, r, err)
			return
		}
		if u == nil {
			// Deleted (from the dashboard, say) while the session lives on.
			latchkey.WriteJSON(w, http.StatusNotFound, map[string]string{"message": "the user no longer exists"})
			return
		}
		email, phone := "", ""
		if len(u.Emails) > 0 {
			email = u.Emails[0]
		}
		if len(u.PhoneNumbers) > 0 {
			phone = u.PhoneNumbers[0]
		}
		verified, err := ev.IsEmailVerified(r.Context(), s.RecipeUserID())
		if err != nil {
			lk.WriteError(w, r, err)
			return
		}
		latchkey.WriteJSON(w, http.StatusOK, map[string]any{
			"userId": u.ID, "email": email, "phoneNumber": phone, "emailVerified": verified, "timeJoined": u.TimeJoined,
			"thirdParty": u.ThirdParty,
		})
	})))
	return cors(cfg.WebsiteDomain, lk.AllowedHeaders(), lk.ExposedHeaders(), lk.Middleware(mux)), nil
}

// cors lets the website's origin call the backend with credentials.
func cors(origin string, allowed, exposed []string, next http.Handler) http.Handler {
	allow := strings.Join(append([]string{"Content-Type"}, allowed...), ", ")
	expose := strings.Join(exposed, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Origin")
		if r.Header.Get("Origin") == origin {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			w.Header().Set("Access-Control-Expose-Headers", expose)
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				w.Header().Set("Access-Control-Allow-Headers", allow)
				w.Header().Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
				w.Header().Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
