package emailverification

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/emaildelivery"
	"github.com/latchkey-dev/latchkey/recipe/accountlinking"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// RecipeID is the recipe's id.
const RecipeID = "emailverification"

// Mode says whether sessions need a verified email.
type Mode string

// Modes.
const (
	// ModeRequired makes every session check fail until the email is
	// verified.
	ModeRequired Mode = "REQUIRED"
	// ModeOptional only keeps st-ev in the access token.
	ModeOptional Mode = "OPTIONAL"
)

// Outcomes of the Service methods, matched with errors.Is.
var (
	ErrEmailAlreadyVerified = errors.New("emailverification: email already verified")
	ErrInvalidToken         = errors.New("emailverification: invalid email verification token")
)

// Config configures the recipe.
type Config struct {
	// Mode is ModeRequired or ModeOptional. Required.
	Mode Mode
	// EmailForUserID returns the email to verify for a (recipe) user id;
	// ok=false means the user has no email, which counts as verified.
	// Default: the email of the user's login method, from the core.
	EmailForUserID func(ctx context.Context, userID string) (email string, ok bool, err error)
	// EmailDelivery sends verification emails. Default: none (a warning
	// is logged for each email).
	EmailDelivery emaildelivery.Sender
	// Override wraps or replaces the recipe's functions.
	Override func(Service) Service
	// APIOverride wraps or replaces the recipe's HTTP APIs.
	APIOverride func(APIs) APIs
}

// Service is the recipe's functions, over the core. Config.Override wraps
// it; embed the value it is given to replace one method.
type Service interface {
	// CreateEmailVerificationToken makes a one-time token.
	// ErrEmailAlreadyVerified when there is nothing to verify.
	// CDI: POST /{tenantId}/recipe/user/email/verify/token.
	CreateEmailVerificationToken(ctx context.Context, tenantID, userID, email string) (string, error)
	// VerifyEmailUsingToken spends a token and marks its email verified.
	// ErrInvalidToken when it is unknown or expired.
	// CDI: POST /{tenantId}/recipe/user/email/verify.
	VerifyEmailUsingToken(ctx context.Context, tenantID, token string) (userID, email string, err error)
	// IsEmailVerified reports whether the user's email is verified.
	// CDI: GET /recipe/user/email/verify.
	IsEmailVerified(ctx context.Context, userID, email string) (bool, error)
	// RevokeEmailVerificationTokens deletes the user's unused tokens.
	// CDI: POST /{tenantId}/recipe/user/email/verify/token/remove.
	RevokeEmailVerificationTokens(ctx context.Context, tenantID, userID, email string) error
	// UnverifyEmail marks the email unverified.
	// CDI: POST /recipe/user/email/verify/remove.
	UnverifyEmail(ctx context.Context, userID, email string) error
}

// Recipe is the email-verification recipe. Build it with [New] and pass it
// in latchkey.Config.Recipes, together with the session recipe.
type Recipe struct {
	cfg   Config
	lk    *latchkey.Latchkey
	sess  *session.Recipe
	svc   Service
	apis  APIs
	mail  emaildelivery.Sender
	claim session.BooleanClaim
}

var (
	_ latchkey.Recipe        = (*Recipe)(nil)
	_ latchkey.RouteProvider = (*Recipe)(nil)
)

// New returns the recipe for cfg. Problems in cfg are reported by
// latchkey.New.
func New(cfg Config) *Recipe {
	rc := &Recipe{cfg: cfg}
	rc.claim = session.BooleanClaim{Claim: &session.Claim{Key: "st-ev", Fetch: rc.fetchClaim}}
	if cfg.Override == nil && cfg.EmailForUserID == nil {
		// Fetch is the core's reading: a Latchkey core answers it with the
		// other claims in one call.
		rc.claim.CoreValue = "emailVerified"
	}
	return rc
}

// ID implements latchkey.Recipe.
func (rc *Recipe) ID() string { return RecipeID }

// Init implements latchkey.Recipe.
func (rc *Recipe) Init(lk *latchkey.Latchkey) error {
	var errs []error
	rc.lk = lk
	if rc.cfg.Mode != ModeRequired && rc.cfg.Mode != ModeOptional {
		errs = append(errs, fmt.Errorf("emailverification: Config.Mode must be %q or %q, not %q", ModeRequired, ModeOptional, rc.cfg.Mode))
	}
	sess, ok := latchkey.FindRecipe[*session.Recipe](lk)
	if !ok {
		errs = append(errs, errors.New("emailverification: add session.New(...) to latchkey.Config.Recipes: verification state lives in the session"))
	} else {
		rc.sess = sess
		sess.AddClaim(rc.claim.Claim)
		if rc.cfg.Mode == ModeRequired {
			sess.AddGlobalValidator(rc.IsVerified(10*time.Second, 0))
		}
	}
	rc.mail = rc.cfg.EmailDelivery
	if rc.mail == nil {
		rc.mail = emaildelivery.Nop(lk.Logger())
	}
	svc, errSvc := latchkey.Override[Service]("emailverification: Config.Override", coreService{lk: lk}, rc.cfg.Override)
	apis, errAPIs := latchkey.Override[APIs]("emailverification: Config.APIOverride", defaultAPIs{rc: rc}, rc.cfg.APIOverride)
	rc.svc, rc.apis = svc, apis
	return errors.Join(append(errs, errSvc, errAPIs)...)
}

var errNotInitialised = errors.New("emailverification: the recipe is not initialised: pass it in latchkey.Config.Recipes and call latchkey.New first")

// Claim returns the st-ev claim.
func (rc *Recipe) Claim() session.BooleanClaim { return rc.claim }

// IsVerified is the st-ev validator: the email must be verified. A false
// value older than refetchOnFalse, or any value older than maxAge (0:
// never), is fetched anew first (reference/sdk-fdi.md §2.3).
func (rc *Recipe) IsVerified(refetchOnFalse, maxAge time.Duration) session.Validator {
	v := rc.claim.IsTrue(maxAge)
	c := rc.claim.Claim
	v.ShouldRefetch = func(p map[string]any, now time.Time) bool {
		val, ok := c.Value(p)
		if !ok {
			return true
		}
		t, _ := c.FetchedAt(p)
		if maxAge > 0 && now.Sub(t) > maxAge {
			return true
		}
		return val == false && now.Sub(t) > refetchOnFalse
	}
	return v
}

// Service returns the recipe's functions, with Config.Override applied.
func (rc *Recipe) Service() (Service, error) {
	if rc.svc == nil {
		return nil, errNotInitialised
	}
	return rc.svc, nil
}

// EmailForUserID returns the email to verify for a user id; ok=false when
// the user has none.
func (rc *Recipe) EmailForUserID(ctx context.Context, userID string) (string, bool, error) {
	if rc.cfg.EmailForUserID != nil {
		return rc.cfg.EmailForUserID(ctx, userID)
	}
	if rc.lk == nil {
		return "", false, errNotInitialised
	}
	u, err := rc.lk.User(ctx, userID)
	if err != nil || u == nil {
		return "", false, err
	}
	if m, ok := u.LoginMethod(userID); ok && m.Email != "" {
		return m.Email, true, nil
	}
	if len(u.Emails) > 0 && u.ID == userID {
		return u.Emails[0], true, nil
	}
	return "", false, nil
}

// IsEmailVerified reports whether the user's email is verified; a user
// without an email counts as verified.
func (rc *Recipe) IsEmailVerified(ctx context.Context, userID string) (bool, error) {
	svc, err := rc.Service()
	if err != nil {
		return false, err
	}
	email, ok, err := rc.EmailForUserID(ctx, userID)
	if err != nil || !ok {
		return !ok && err == nil, err
	}
	return svc.IsEmailVerified(ctx, userID, email)
}

// fetchClaim is st-ev's fetcher.
func (rc *Recipe) fetchClaim(ctx context.Context, _, recipeUserID, _ string) (any, error) {
	return rc.IsEmailVerified(ctx, recipeUserID)
}

// CreateEmailVerificationLink returns a link for the user's email:
// {origin}{websiteBasePath}/verify-email?token=…&tenantId=….
func (rc *Recipe) CreateEmailVerificationLink(ctx context.Context, tenantID, userID, email string) (string, error) {
	svc, err := rc.Service()
	if err != nil {
		return "", err
	}
	tenantID = latchkey.TenantOrDefault(tenantID)
	token, err := svc.CreateEmailVerificationToken(ctx, tenantID, userID, email)
	if err != nil {
		return "", err
	}
	origin, err := rc.lk.App().Origin(latchkey.RequestFromContext(ctx))
	if err != nil {
		return "", err
	}
	return origin + rc.lk.App().WebsiteBasePath + "/verify-email?token=" + token + "&tenantId=" + url.QueryEscape(tenantID), nil
}

// SendEmailVerificationEmail creates a link and emails it.
// ErrEmailAlreadyVerified when there is nothing to verify.
func (rc *Recipe) SendEmailVerificationEmail(ctx context.Context, tenantID, userID, email string) error {
	link, err := rc.CreateEmailVerificationLink(ctx, tenantID, userID, email)
	if err != nil {
		return err
	}
	tenantID = latchkey.TenantOrDefault(tenantID)
	return rc.mail.Send(ctx, emaildelivery.Email{Kind: emaildelivery.KindEmailVerification, To: email, UserID: userID, TenantID: tenantID, AppName: rc.lk.App().Name, Link: link})
}

// VerifyEmailUsingToken spends a token and marks its email verified.
func (rc *Recipe) VerifyEmailUsingToken(ctx context.Context, tenantID, token string) (userID, email string, err error) {
	svc, err := rc.Service()
	if err != nil {
		return "", "", err
	}
	tenantID = latchkey.TenantOrDefault(tenantID)
	userID, email, err = svc.VerifyEmailUsingToken(ctx, tenantID, token)
	if err != nil {
		return "", "", err
	}
	// A verified email is what account linking may have waited for: link
	// the login method now, as the configuration decides.
	if al := accountlinking.Find(rc.lk); al != nil {
		u, err := rc.lk.User(ctx, userID)
		if err != nil {
			return "", "", err
		}
		if _, err := al.LinkOrCreatePrimary(ctx, tenantID, u, userID, nil); err != nil {
			return "", "", err
		}
	}
	return userID, email, nil
}

// VerifyEmail marks a user's email verified without a link (an admin
// action, or an email proven another way).
func (rc *Recipe) VerifyEmail(ctx context.Context, userID, email string) error {
	svc, err := rc.Service()
	if err != nil {
		return err
	}
	token, err := svc.CreateEmailVerificationToken(ctx, latchkey.DefaultTenantID, userID, email)
	if errors.Is(err, ErrEmailAlreadyVerified) {
		return nil
	}
	if err != nil {
		return err
	}
	_, _, err = svc.VerifyEmailUsingToken(ctx, latchkey.DefaultTenantID, token)
	return err
}

// UnverifyEmail marks a user's email unverified.
func (rc *Recipe) UnverifyEmail(ctx context.Context, userID, email string) error {
	svc, err := rc.Service()
	if err != nil {
		return err
	}
	return svc.UnverifyEmail(ctx, userID, email)
}

// APIs are the recipe's HTTP APIs. Config.APIOverride wraps them; embed the
// value it is given to replace one.
//
// An API answers OK with its result. The other answers are errors:
// ErrEmailAlreadyVerified answers EMAIL_ALREADY_VERIFIED_ERROR,
// ErrInvalidToken EMAIL_VERIFICATION_INVALID_TOKEN_ERROR, a
// *latchkey.GeneralError GENERAL_ERROR, and latchkey.ErrNotHandled turns
// the API off. An API that writes a response itself gets nothing more
// written.
type APIs interface {
	// GenerateToken serves POST /user/email/verify/token for session s:
	// it emails a verification link. ErrEmailAlreadyVerified when there is
	// nothing to verify.
	GenerateToken(w http.ResponseWriter, r *http.Request, s *session.Session) error
	// VerifyEmail serves POST /user/email/verify; s is nil without a
	// session. ErrInvalidToken for an unknown or expired token.
	VerifyEmail(w http.ResponseWriter, r *http.Request, tenantID, token string, s *session.Session) error
	// IsVerified serves GET /user/email/verify for session s.
	IsVerified(w http.ResponseWriter, r *http.Request, s *session.Session) (bool, error)
}

// APIs returns the recipe's HTTP APIs, with Config.APIOverride applied.
func (rc *Recipe) APIs() APIs { return rc.apis }

// skipClaims is the verify option of the recipe's own APIs: a session is
// needed, but not a verified one.
func skipClaims(optional bool) *session.VerifyOptions {
	return &session.VerifyOptions{SessionOptional: optional, OverrideGlobalClaimValidators: func(context.Context, *session.Session, []session.Validator) ([]session.Validator, error) {
		return nil, nil
	}}
}

// Routes implements latchkey.RouteProvider.
func (rc *Recipe) Routes() []latchkey.Route {
	return []latchkey.Route{
		{Method: "POST", Path: "/user/email/verify/token", Handler: func(w http.ResponseWriter, r *http.Request) error {
			s, err := rc.sess.GetSession(w, r, skipClaims(false))
			if err != nil {
				return err
			}
			return answer(w, rc.apis.GenerateToken(w, r, s), nil)
		}},
		{Method: "POST", Path: "/user/email/verify", Handler: func(w http.ResponseWriter, r *http.Request) error {
			var body map[string]any
			if err := latchkey.ReadJSON(r, &body); err != nil {
				return err
			}
			token, ok := body["token"].(string)
			if !ok {
				if body["token"] == nil {
					return &latchkey.BadInputError{Message: "Please provide the email verification token"}
				}
				return &latchkey.BadInputError{Message: "The email verification token must be a string"}
			}
			s, err := rc.sess.GetSession(w, r, skipClaims(true))
			if err != nil {
				return err
			}
			return answer(w, rc.apis.VerifyEmail(w, r, latchkey.TenantID(r.Context()), token, s), nil)
		}},
		{Method: "GET", Path: "/user/email/verify", Handler: func(w http.ResponseWriter, r *http.Request) error {
			s, err := rc.sess.GetSession(w, r, skipClaims(false))
			if err != nil {
				return err
			}
			ok, err := rc.apis.IsVerified(w, r, s)
			return answer(w, err, map[string]any{"isVerified": ok})
		}},
	}
}

// answer writes an API's answer: OK with fields, or the status of an
// outcome error. Other errors go back to the middleware. Nothing is
// written after an API that answered itself.
func answer(w http.ResponseWriter, err error, fields map[string]any) error {
	switch {
	case latchkey.Written(w):
		return err
	case errors.Is(err, ErrEmailAlreadyVerified):
		latchkey.WriteStatus(w, "EMAIL_ALREADY_VERIFIED_ERROR", nil)
	case errors.Is(err, ErrInvalidToken):
		latchkey.WriteStatus(w, "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR", nil)
	case err != nil:
		return err
	default:
		latchkey.WriteStatus(w, "OK", fields)
	}
	return nil
}

type defaultAPIs struct{ rc *Recipe }

func (a defaultAPIs) GenerateToken(w http.ResponseWriter, r *http.Request, s *session.Session) error {
	ctx := r.Context()
	email, ok, err := a.rc.EmailForUserID(ctx, s.RecipeUserID())
	if err != nil {
		return err
	}
	if ok {
		if err := a.rc.lk.AllowSend(ctx, s.TenantID(), email); err != nil {
			return err // *latchkey.TooManyAttemptsError: GENERAL_ERROR
		}
		err = a.rc.SendEmailVerificationEmail(ctx, s.TenantID(), s.RecipeUserID(), email)
		if !errors.Is(err, ErrEmailAlreadyVerified) {
			return err
		}
	}
	// No email, or the token is out of date: bring st-ev up to date.
	if err := s.FetchAndSetClaim(ctx, a.rc.claim.Claim); err != nil {
		return err
	}
	return ErrEmailAlreadyVerified
}

func (a defaultAPIs) VerifyEmail(w http.ResponseWriter, r *http.Request, tenantID, token string, s *session.Session) error {
	ctx := r.Context()
	if _, _, err := a.rc.VerifyEmailUsingToken(ctx, tenantID, token); err != nil {
		return err // ErrInvalidToken
	}
	if s != nil {
		return s.FetchAndSetClaim(ctx, a.rc.claim.Claim)
	}
	return nil
}

func (a defaultAPIs) IsVerified(w http.ResponseWriter, r *http.Request, s *session.Session) (bool, error) {
	ctx := r.Context()
	if err := s.FetchAndSetClaim(ctx, a.rc.claim.Claim); err != nil {
		return false, err
	}
	v, _ := s.ClaimValue(a.rc.claim.Claim)
	ok, _ := v.(bool)
	return ok, nil
}

type coreService struct{ lk *latchkey.Latchkey }

func (s coreService) do(ctx context.Context, method, path, tenant string, q url.Values, body, out any) error {
	return s.lk.Core().Do(ctx, latchkey.CoreRequest{Method: method, Path: path, TenantID: tenant, Query: q, Body: body, RecipeID: RecipeID}, out)
}

type statusAnswer struct {
	Status     string `json:"status"`
	Token      string `json:"token"`
	UserID     string `json:"userId"`
	Email      string `json:"email"`
	IsVerified bool   `json:"isVerified"`
}

func (s coreService) CreateEmailVerificationToken(ctx context.Context, tenantID, userID, email string) (string, error) {
	var a statusAnswer
	if err := s.do(ctx, "POST", "/recipe/user/email/verify/token", tenantID, nil, map[string]string{"userId": userID, "email": email}, &a); err != nil {
		return "", err
	}
	switch a.Status {
	case "OK":
		return a.Token, nil
	case "EMAIL_ALREADY_VERIFIED_ERROR":
		return "", ErrEmailAlreadyVerified
	}
	return "", fmt.Errorf("emailverification: unexpected answer from the core: %s", a.Status)
}

func (s coreService) VerifyEmailUsingToken(ctx context.Context, tenantID, token string) (string, string, error) {
	var a statusAnswer
	if err := s.do(ctx, "POST", "/recipe/user/email/verify", tenantID, nil, map[string]string{"method": "token", "token": token}, &a); err != nil {
		return "", "", err
	}
	switch a.Status {
	case "OK":
		return a.UserID, a.Email, nil
	case "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR":
		return "", "", ErrInvalidToken
	}
	return "", "", fmt.Errorf("emailverification: unexpected answer from the core: %s", a.Status)
}

func (s coreService) IsEmailVerified(ctx context.Context, userID, email string) (bool, error) {
	var a statusAnswer
	if err := s.do(ctx, "GET", "/recipe/user/email/verify", "", url.Values{"userId": {userID}, "email": {email}}, nil, &a); err != nil {
		return false, err
	}
	return a.IsVerified, nil
}

func (s coreService) RevokeEmailVerificationTokens(ctx context.Context, tenantID, userID, email string) error {
	tenantID = latchkey.TenantOrDefault(tenantID)
	return s.do(ctx, "POST", "/recipe/user/email/verify/token/remove", tenantID, nil, map[string]string{"userId": userID, "email": email}, nil)
}

func (s coreService) UnverifyEmail(ctx context.Context, userID, email string) error {
	return s.do(ctx, "POST", "/recipe/user/email/verify/remove", "", nil, map[string]string{"userId": userID, "email": email}, nil)
}
