package latchkey_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"strings"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/emaildelivery"
	"github.com/latchkey-dev/latchkey/recipe/emailpassword"
	"github.com/latchkey-dev/latchkey/recipe/emailverification"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// A backend with email-password sign-in and a protected route.
func Example() {
	sess := session.New(session.Config{})
	lk, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{
			AppName:       "Shop",
			APIDomain:     "http://localhost:8080",
			WebsiteDomain: "http://localhost:3000",
		},
		Core: latchkey.CoreConfig{ConnectionURI: "http://127.0.0.1:3567"},
		Recipes: []latchkey.Recipe{
			sess,
			emailpassword.New(emailpassword.Config{EmailDelivery: emaildelivery.Log{}}),
			emailverification.New(emailverification.Config{Mode: emailverification.ModeOptional}),
		},
	})
	if err != nil {
		log.Fatal(err) // says what to fix in the config
	}
	mux := http.NewServeMux()
	mux.Handle("GET /api/me", sess.VerifySession(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := session.FromContext(r.Context())
		fmt.Fprintln(w, "hello", s.UserID())
	})))
	// The SDK serves /auth/...; everything else reaches mux. A CORS layer
	// goes in front, allowing lk.AllowedHeaders() plus Content-Type.
	_ = http.ListenAndServe("localhost:8080", lk.Middleware(mux))
}

// auditedSignIns wraps one function of the email-password recipe by
// embedding the Service it is given: every other method is untouched.
type auditedSignIns struct {
	emailpassword.Service
	log *slog.Logger
}

func (a auditedSignIns) SignIn(ctx context.Context, tenantID, email, password string) (*emailpassword.SignInUp, error) {
	res, err := a.Service.SignIn(ctx, tenantID, email, password)
	if err == nil {
		a.log.InfoContext(ctx, "sign-in", "user", res.User.ID) // never the password
	}
	return res, err
}

// onlyCompanyEmails replaces one API of the recipe: sign-up refuses
// addresses outside the company, then calls the original.
type onlyCompanyEmails struct{ emailpassword.APIs }

func (o onlyCompanyEmails) SignUp(w http.ResponseWriter, r *http.Request, tenantID string, fields []emailpassword.FormField) (*emailpassword.SignedIn, error) {
	for _, f := range fields {
		if email, _ := f.Value.(string); f.ID == "email" && !strings.HasSuffix(email, "@shop.example") {
			// FIELD_ERROR, shown beside the email field.
			return nil, &emailpassword.FormError{Fields: []emailpassword.FieldError{{ID: "email", Error: "Sign-up is for shop.example staff only"}}}
		}
	}
	in, err := o.APIs.SignUp(w, r, tenantID, fields)
	if err == nil {
		// in.User and in.Session are the new user and their session.
		_ = in.Session.MergeIntoAccessTokenPayload(r.Context(), map[string]any{"staff": true})
	}
	return in, err
}

// noEmailExists turns an API off: the route falls through to the app.
type noEmailExists struct{ emailpassword.APIs }

func (noEmailExists) EmailExists(http.ResponseWriter, *http.Request, string, string) (bool, error) {
	return false, latchkey.ErrNotHandled
}

// Overrides replace or wrap any recipe function (Override) or HTTP API
// (APIOverride) by embedding the value they are given.
func Example_overrides() {
	logger := slog.Default()
	ep := emailpassword.New(emailpassword.Config{
		Override: func(s emailpassword.Service) emailpassword.Service {
			return auditedSignIns{Service: s, log: logger}
		},
		APIOverride: func(a emailpassword.APIs) emailpassword.APIs {
			return noEmailExists{onlyCompanyEmails{a}}
		},
	})
	_, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "Shop", APIDomain: "localhost:8080", WebsiteDomain: "localhost:3000"},
		Core:    latchkey.CoreConfig{ConnectionURI: "http://127.0.0.1:3567"},
		Recipes: []latchkey.Recipe{session.New(session.Config{}), ep},
	})
	fmt.Println(err)
	// Output: <nil>
}

// Session errors are typed values: errors.As tells them apart, and
// Latchkey.WriteError answers them as the frontend expects.
func ExampleLatchkey_WriteError() {
	var lk *latchkey.Latchkey // from latchkey.New
	var sess *session.Recipe  // in lk's Recipes
	handler := func(w http.ResponseWriter, r *http.Request) {
		s, err := sess.GetSession(w, r, nil)
		if err != nil {
			lk.WriteError(w, r, err) // 401 try-refresh, 401 unauthorised, 403 invalid claim
			return
		}
		data, err := s.DataInDatabase(r.Context())
		if err != nil {
			lk.WriteError(w, r, err) // *session.UnauthorisedError if the session was revoked meanwhile
			return
		}
		fmt.Fprintln(w, data)
	}
	_ = handler
}
