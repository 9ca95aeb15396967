package thirdparty

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/accountlinking"
	"github.com/latchkey-dev/latchkey/recipe/session"

	"github.com/latchkey-dev/latchkey/internal/redact"
)

// The statuses of the recipe's answers (reference/fdi-api-spec.yaml).
const (
	StatusOK                      = "OK"
	StatusNoEmailGivenByProvider  = "NO_EMAIL_GIVEN_BY_PROVIDER"
	StatusSignInUpNotAllowed      = "SIGN_IN_UP_NOT_ALLOWED"
	StatusGeneralError            = "GENERAL_ERROR"
	reasonEmailChangeNotAllowed   = "Cannot sign in / up because new email cannot be applied to existing account. Please contact support. (ERR_CODE_005)"
	maxRedirectQueryParams        = 64
	maxAppleForm                  = 64 << 10
	messageMissingThirdPartyIDGET = "Please provide the thirdPartyId as a GET param"
)

// SignInUpInput is what came back from the provider: either the redirect
// (a code to exchange) or tokens the frontend got by itself (a native
// app's Sign in with Apple, say).
type SignInUpInput struct {
	RedirectURIInfo *RedirectURIInfo
	OAuthTokens     *OAuthTokens
}

// SignedIn is what SignInUp answers: the user, signed in or just signed
// up, their new session, and what the provider said.
type SignedIn struct {
	User *latchkey.User
	// CreatedNewUser reports a sign-up.
	CreatedNewUser bool
	Session        *session.Session
	OAuthTokens    *OAuthTokens
	RawUserInfo    RawUserInfo
}

// APIs are the recipe's HTTP APIs, given input already checked and the
// provider already chosen. Config.APIOverride wraps them; embed the value
// it is given to replace one.
//
// An API answers OK with its result. The other answers are errors:
// ErrNoEmailGivenByProvider answers NO_EMAIL_GIVEN_BY_PROVIDER, a
// *SignInUpNotAllowedError SIGN_IN_UP_NOT_ALLOWED with its reason, a
// *ProviderError or *latchkey.GeneralError GENERAL_ERROR, and
// latchkey.ErrNotHandled turns the API off. An API that writes the
// response itself returns a nil result.
type APIs interface {
	// AuthorisationURL serves GET /authorisationurl.
	AuthorisationURL(w http.ResponseWriter, r *http.Request, tenantID string, p Provider, redirectURIOnProviderDashboard string) (*AuthorisationURL, error)
	// SignInUp serves POST /signinup: it exchanges the code (or takes the
	// tokens), reads the user, signs them in or up, and creates a session.
	SignInUp(w http.ResponseWriter, r *http.Request, tenantID string, p Provider, in SignInUpInput) (*SignedIn, error)
	// AppleRedirect serves POST /callback/apple, where Apple posts the
	// code (response_mode=form_post): it sends the browser on to the
	// frontend's redirect URI, named in the state, with the form's fields
	// in the query. The default answers 303.
	AppleRedirect(w http.ResponseWriter, r *http.Request, form url.Values) error
}

// APIs returns the recipe's HTTP APIs, with Config.APIOverride applied.
func (rc *Recipe) APIs() APIs { return rc.apis }

// Routes implements latchkey.RouteProvider.
func (rc *Recipe) Routes() []latchkey.Route {
	return []latchkey.Route{
		{Method: "GET", Path: "/authorisationurl", Handler: rc.authorisationURL},
		{Method: "POST", Path: "/signinup", Handler: rc.signInUp},
		// Apple posts a form here (response_mode=form_post); the handler
		// only redirects to the website with the values in the query.
		{Method: "POST", Path: "/callback/apple", Handler: rc.appleRedirect, AnyBody: true},
	}
}

// lookup finds the provider for a request, as a 400 when there is none.
func (rc *Recipe) lookup(r *http.Request, thirdPartyID, clientType string) (Provider, error) {
	p, err := rc.svc.Provider(r.Context(), latchkey.TenantID(r.Context()), thirdPartyID, clientType)
	if msg, ok := lookupMessage(err); ok {
		return nil, &latchkey.BadInputError{Message: msg}
	}
	return p, err
}

func (rc *Recipe) authorisationURL(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	id, redirect := q.Get("thirdPartyId"), q.Get("redirectURIOnProviderDashboard")
	if id == "" {
		return &latchkey.BadInputError{Message: messageMissingThirdPartyIDGET}
	}
	if redirect == "" {
		return &latchkey.BadInputError{Message: "Please provide the redirectURIOnProviderDashboard as a GET param"}
	}
	p, err := rc.lookup(r, id, q.Get("clientType"))
	if err != nil {
		return err
	}
	u, err := rc.apis.AuthorisationURL(w, r, latchkey.TenantID(r.Context()), p, redirect)
	return rc.answer(w, r, p, err, func() map[string]any {
		if u == nil {
			return nil
		}
		body := map[string]any{"urlWithQueryParams": u.URLWithQueryParams}
		if u.PKCECodeVerifier != "" {
			body["pkceCodeVerifier"] = u.PKCECodeVerifier
		}
		return body
	})
}

// signInUpBody is the JSON of POST /signinup; every field is checked for
// its type by hand, so that a wrong type is a 400 that names it.
type signInUpBody struct {
	ThirdPartyID    json.RawMessage `json:"thirdPartyId"`
	ClientType      json.RawMessage `json:"clientType"`
	RedirectURIInfo json.RawMessage `json:"redirectURIInfo"`
	OAuthTokens     json.RawMessage `json:"oAuthTokens"`
	// ShouldTryLinking is shouldTryLinkingWithSessionUser (account linking).
	ShouldTryLinking json.RawMessage `json:"shouldTryLinkingWithSessionUser"`
}

func present(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

func stringOf(raw json.RawMessage, name string) (string, error) {
	if !present(raw) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", &latchkey.BadInputError{Message: name + " must be a string"}
	}
	return s, nil
}

func (rc *Recipe) signInUp(w http.ResponseWriter, r *http.Request) error {
	var body signInUpBody
	if err := latchkey.ReadJSON(r, &body); err != nil {
		return err
	}
	id, err := stringOf(body.ThirdPartyID, "thirdPartyId")
	if err != nil {
		return err
	}
	if id == "" {
		return &latchkey.BadInputError{Message: "Please provide the thirdPartyId in request body"}
	}
	clientType, err := stringOf(body.ClientType, "clientType")
	if err != nil {
		return err
	}
	var in SignInUpInput
	switch {
	case present(body.RedirectURIInfo):
		info, err := readRedirectURIInfo(body.RedirectURIInfo)
		if err != nil {
			return err
		}
		in.RedirectURIInfo = info
	case present(body.OAuthTokens):
		var t OAuthTokens
		if err := json.Unmarshal(body.OAuthTokens, &t); err != nil {
			return &latchkey.BadInputError{Message: "oAuthTokens must be an object of strings"}
		}
		if t.AccessToken == "" && t.IDToken == "" {
			return &latchkey.BadInputError{Message: "Please provide the access_token or the id_token in oAuthTokens"}
		}
		in.OAuthTokens = &t
	default:
		return &latchkey.BadInputError{Message: "Please provide one of redirectURIInfo or oAuthTokens in the request body"}
	}
	p, err := rc.lookup(r, id, clientType)
	if err != nil {
		return err
	}
	if in.RedirectURIInfo != nil {
		q := in.RedirectURIInfo.RedirectURIQueryParams
		if e := q["error"]; e != "" {
			return rc.answer(w, r, p, &ProviderError{ThirdPartyID: p.ID(), Op: "authorisation", Err: errors.New("the provider answered " + e)}, nil)
		}
		switch {
		case q["code"] == "":
			return &latchkey.BadInputError{Message: "Please provide the code in redirectURIInfo.redirectURIQueryParams"}
		case q["state"] == "":
			// The frontend checks the state against the one it stored; one
			// that never went to the provider is not a sign-in it started.
			return &latchkey.BadInputError{Message: "Please provide the state in redirectURIInfo.redirectURIQueryParams"}
		case in.RedirectURIInfo.PKCECodeVerifier == "":
			return &latchkey.BadInputError{Message: "Please provide the pkceCodeVerifier that /authorisationurl returned in redirectURIInfo"}
		}
	}
	r = accountlinking.WantsSessionUserLinking(r, accountlinking.SessionLinkingFlag(body.ShouldTryLinking))
	res, err := rc.apis.SignInUp(w, r, latchkey.TenantID(r.Context()), p, in)
	return rc.answer(w, r, p, err, func() map[string]any {
		switch {
		case res == nil:
			return nil
		case latchkey.UsesAccountLinkingUser(r):
			return map[string]any{"user": res.User, "createdNewRecipeUser": res.CreatedNewUser}
		default:
			return map[string]any{"user": res.User.Legacy(RecipeID), "createdNewUser": res.CreatedNewUser}
		}
	})
}

// readRedirectURIInfo reads {redirectURIOnProviderDashboard,
// redirectURIQueryParams, pkceCodeVerifier}. Query parameters that are not
// strings (Apple's user, when a frontend parsed it) keep their JSON text.
func readRedirectURIInfo(raw json.RawMessage) (*RedirectURIInfo, error) {
	var b struct {
		RedirectURIOnProviderDashboard json.RawMessage            `json:"redirectURIOnProviderDashboard"`
		RedirectURIQueryParams         map[string]json.RawMessage `json:"redirectURIQueryParams"`
		PKCECodeVerifier               json.RawMessage            `json:"pkceCodeVerifier"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, &latchkey.BadInputError{Message: "redirectURIInfo must be an object with redirectURIOnProviderDashboard and redirectURIQueryParams"}
	}
	redirect, err := stringOf(b.RedirectURIOnProviderDashboard, "redirectURIInfo.redirectURIOnProviderDashboard")
	if err != nil {
		return nil, err
	}
	if redirect == "" {
		return nil, &latchkey.BadInputError{Message: "Please provide the redirectURIOnProviderDashboard in request body"}
	}
	verifier, err := stringOf(b.PKCECodeVerifier, "redirectURIInfo.pkceCodeVerifier")
	if err != nil {
		return nil, err
	}
	if len(b.RedirectURIQueryParams) > maxRedirectQueryParams {
		return nil, &latchkey.BadInputError{Message: "redirectURIInfo.redirectURIQueryParams has too many parameters"}
	}
	q := map[string]string{}
	for k, v := range b.RedirectURIQueryParams {
		if !present(v) {
			continue
		}
		var s string
		if json.Unmarshal(v, &s) != nil {
			s = string(v)
		}
		q[k] = s
	}
	return &RedirectURIInfo{RedirectURIOnProviderDashboard: redirect, RedirectURIQueryParams: q, PKCECodeVerifier: verifier}, nil
}

func (rc *Recipe) appleRedirect(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxAppleForm)
	if err := r.ParseForm(); err != nil {
		return &latchkey.BadInputError{Message: "the form could not be read"}
	}
	return rc.apis.AppleRedirect(w, r, r.PostForm)
}

// answer writes an API's answer: OK with the fields ok returns (nothing
// when it returns nil: the API answered itself), or the status of an
// outcome error. Other errors go back to the middleware.
func (rc *Recipe) answer(w http.ResponseWriter, r *http.Request, p Provider, err error, ok func() map[string]any) error {
	if latchkey.Written(w) {
		return err
	}
	if err != nil {
		if rc.writeOutcome(w, r, p, err) {
			return nil
		}
		return err
	}
	body := ok()
	if body == nil {
		return nil
	}
	latchkey.WriteStatus(w, StatusOK, body)
	return nil
}

// writeOutcome writes the answer for the recipe's outcome errors.
func (rc *Recipe) writeOutcome(w http.ResponseWriter, r *http.Request, p Provider, err error) bool {
	var pe *ProviderError
	var na *SignInUpNotAllowedError
	switch {
	case errors.Is(err, ErrNoEmailGivenByProvider):
		latchkey.WriteStatus(w, StatusNoEmailGivenByProvider, nil)
	case errors.As(err, &na):
		latchkey.WriteStatus(w, StatusSignInUpNotAllowed, map[string]any{"reason": na.Reason})
	case errors.As(err, &pe):
		name := pe.ThirdPartyID
		if p != nil {
			name = p.Config().Name
		}
		rc.lk.Logger().WarnContext(r.Context(), "thirdparty: sign-in failed at the provider", "thirdPartyId", pe.ThirdPartyID, "op", pe.Op, "err", redact.Error(pe.Err))
		latchkey.WriteStatus(w, StatusGeneralError, map[string]any{"message": "Signing in with " + name + " did not work. Please try again."})
	default:
		return false
	}
	return true
}

// WriteError implements latchkey.ErrorWriter, for application handlers
// that call the recipe and pass its errors to Latchkey.WriteError.
func (rc *Recipe) WriteError(w http.ResponseWriter, r *http.Request, err error) bool {
	if msg, ok := lookupMessage(err); ok {
		latchkey.WriteJSON(w, http.StatusBadRequest, map[string]string{"message": msg})
		return true
	}
	return rc.writeOutcome(w, r, nil, err)
}

type defaultAPIs struct{ rc *Recipe }

func (a defaultAPIs) AuthorisationURL(w http.ResponseWriter, r *http.Request, tenantID string, p Provider, redirect string) (*AuthorisationURL, error) {
	return p.AuthorisationURL(r.Context(), redirect)
}

func (a defaultAPIs) SignInUp(w http.ResponseWriter, r *http.Request, tenantID string, p Provider, in SignInUpInput) (*SignedIn, error) {
	ctx := r.Context()
	tokens, nonce := in.OAuthTokens, ""
	if in.RedirectURIInfo != nil {
		var err error
		if tokens, err = p.ExchangeCode(ctx, *in.RedirectURIInfo); err != nil {
			return nil, err
		}
		nonce = NonceOf(in.RedirectURIInfo.PKCECodeVerifier)
	}
	info, err := p.UserInfo(ctx, tokens, nonce)
	if err != nil {
		return nil, err
	}
	cfg := p.Config()
	email := info.Email
	if email == nil || strings.TrimSpace(email.ID) == "" {
		if requireEmail(cfg) {
			return nil, ErrNoEmailGivenByProvider
		}
		fake, err := fakeEmail(ctx, cfg, tenantID, info.ThirdPartyUserID)
		if err != nil {
			return nil, err
		}
		email = &Email{ID: fake, IsVerified: true}
	}
	if err := a.rc.linkingAllows(ctx, tenantID, p.ID(), info.ThirdPartyUserID, email); err != nil {
		return nil, err
	}
	res, err := a.rc.svc.SignInUp(ctx, tenantID, Account{ThirdPartyID: p.ID(), ThirdPartyUserID: info.ThirdPartyUserID,
		Email: strings.TrimSpace(email.ID), EmailVerified: email.IsVerified}, tokens, info.Raw)
	var ec *EmailChangeNotAllowedError
	if errors.As(err, &ec) {
		return nil, &SignInUpNotAllowedError{Reason: reasonEmailChangeNotAllowed}
	}
	if err != nil {
		return nil, err
	}
	user, s, err := accountlinking.Find(a.rc.lk).SignedIn(w, r, a.rc.sess, tenantID, res.User, res.RecipeUserID,
		accountlinking.StatusSignInUpNotAllowed, accountlinking.ReasonsThirdParty)
	var na *accountlinking.NotAllowedError
	if errors.As(err, &na) {
		return nil, &SignInUpNotAllowedError{Reason: na.Reason}
	}
	if err != nil {
		return nil, err
	}
	return &SignedIn{User: user, CreatedNewUser: res.CreatedNewUser, Session: s, OAuthTokens: tokens, RawUserInfo: info.Raw}, nil
}

// AppleRedirect decodes the state (base64 JSON, as the SuperTokens
// frontends write it) for frontendRedirectURI, which must be on the
// website's origin, and answers 303 to it with the form's fields added.
func (a defaultAPIs) AppleRedirect(w http.ResponseWriter, r *http.Request, form url.Values) error {
	target, err := a.rc.appleTarget(r, form.Get("state"))
	if err != nil {
		return err
	}
	q := target.Query()
	for k := range form {
		q.Set(k, form.Get(k))
	}
	target.RawQuery = q.Encode()
	w.Header().Set("Location", target.String())
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusSeeOther)
	return nil
}

// appleTarget is the frontend URL in an Apple callback's state.
func (rc *Recipe) appleTarget(r *http.Request, state string) (*url.URL, error) {
	if state == "" {
		return nil, &latchkey.BadInputError{Message: "Please provide the state"}
	}
	var raw []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err = enc.DecodeString(state); err == nil {
			break
		}
	}
	var s struct {
		FrontendRedirectURI string `json:"frontendRedirectURI"`
	}
	if err != nil || json.Unmarshal(raw, &s) != nil || s.FrontendRedirectURI == "" {
		return nil, &latchkey.BadInputError{Message: "the state does not name a frontendRedirectURI"}
	}
	u, err := url.Parse(s.FrontendRedirectURI)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &latchkey.BadInputError{Message: "the state's frontendRedirectURI is not an http(s) URL"}
	}
	origin, err := rc.lk.App().Origin(r)
	if err != nil {
		return nil, err
	}
	// The redirect goes only to the website: anything else would make the
	// API an open redirector that hands out Apple codes.
	if !strings.EqualFold(u.Scheme+"://"+u.Host, origin) {
		return nil, &latchkey.BadInputError{Message: "the state's frontendRedirectURI is not on the website's origin"}
	}
	return u, nil
}

// linkingAllows applies account linking's sign-up and sign-in checks to a
// provider account before it signs in: a sign-in with a verified email,
// like any sign-in of a primary or verified user, is always allowed.
func (rc *Recipe) linkingAllows(ctx context.Context, tenantID, thirdPartyID, thirdPartyUserID string, email *Email) error {
	al := accountlinking.Find(rc.lk)
	if al == nil {
		return nil
	}
	tp := &latchkey.ThirdParty{ID: thirdPartyID, UserID: thirdPartyUserID}
	users, err := rc.lk.UsersByAccountInfo(ctx, tenantID, latchkey.AccountInfo{ThirdParty: tp})
	if err != nil {
		return err
	}
	for i := range users {
		for _, m := range users[i].LoginMethods {
			if m.RecipeID == RecipeID && m.ThirdParty != nil && *m.ThirdParty == *tp {
				ok, err := al.IsSignInAllowed(ctx, tenantID, &users[i], m.RecipeUserID, email.IsVerified, nil)
				if err != nil || ok {
					return err
				}
				return &SignInUpNotAllowedError{Reason: accountlinking.ReasonThirdPartySignIn}
			}
		}
	}
	ok, err := al.IsSignUpAllowed(ctx, tenantID, accountlinking.AccountInfo{RecipeID: RecipeID, ThirdParty: tp,
		Email: strings.ToLower(strings.TrimSpace(email.ID)), Verified: email.IsVerified}, nil)
	if err != nil || ok {
		return err
	}
	return &SignInUpNotAllowedError{Reason: accountlinking.ReasonThirdPartySignUp}
}
