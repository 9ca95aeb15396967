package session

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/latchkey-dev/latchkey"
)

// RecipeID is the session recipe's id.
const RecipeID = "session"

// protectedClaims are the payload keys that the core sets and users may not
// (reference/sdk-fdi.md §1.6).
var protectedClaims = []string{"sub", "iat", "exp", "sessionHandle", "parentRefreshTokenHash1", "refreshTokenHash1", "antiCsrfToken", "rsub", "tId", "stt"}

// ErrProtectedClaim is returned (wrapped, with the claim's name) by
// CreateNewSession for a payload that sets a protected claim, in any case:
// "SUB" or "tid" next to the core's "sub" and "tId" would leave a reader
// that matches names loosely to pick either.
var ErrProtectedClaim = errors.New("session: the access token payload sets a protected claim")

// checkCustomClaims refuses a payload with a key that is a protected
// claim's name in any case.
func checkCustomClaims(payload map[string]any) error {
	for k := range payload {
		for _, p := range protectedClaims {
			if strings.EqualFold(k, p) {
				return fmt.Errorf("%w: %q (%s is set by the core)", ErrProtectedClaim, k, p)
			}
		}
	}
	return nil
}

// Recipe is the session recipe. Build it with [New] and pass it in
// latchkey.Config.Recipes; then use its methods.
type Recipe struct {
	cfg  Config
	lk   *latchkey.Latchkey
	svc  Service
	apis APIs
	keys *jwks
	// proxies is Config.TrustedProxies, parsed.
	proxies []netip.Prefix
	// headers caches verified token headers (see headerCache).
	headers headerCache
	// verified remembers tokens whose signature checked out (see
	// verifiedCache).
	verified verifiedCache

	// noCoreClaims is set once the core answers 404 to the one-call claim
	// read (see buildClaims).
	noCoreClaims atomic.Bool

	mu         sync.RWMutex
	claims     []*Claim
	validators []Validator
}

var (
	_ latchkey.Recipe             = (*Recipe)(nil)
	_ latchkey.RouteProvider      = (*Recipe)(nil)
	_ latchkey.ErrorWriter        = (*Recipe)(nil)
	_ latchkey.CORSHeaderProvider = (*Recipe)(nil)
)

// New returns the session recipe for cfg. Problems in cfg are reported by
// latchkey.New.
func New(cfg Config) *Recipe {
	return &Recipe{cfg: cfg}
}

// ID implements latchkey.Recipe.
func (rc *Recipe) ID() string { return RecipeID }

// Init implements latchkey.Recipe.
func (rc *Recipe) Init(lk *latchkey.Latchkey) error {
	if err := rc.cfg.setDefaults(); err != nil {
		return err
	}
	proxies, err := parseTrustedProxies(rc.cfg.TrustedProxies)
	if err != nil {
		return err
	}
	rc.proxies = proxies
	rc.lk = lk
	rc.keys = &jwks{fetch: lk.Core().JWKS, now: lk.Now, interval: rc.cfg.JWKSRefreshInterval, cooldown: 500 * time.Millisecond}
	svc, errSvc := latchkey.Override[Service]("session: Config.Override", coreService{rc: rc}, rc.cfg.Override)
	apis, errAPIs := latchkey.Override[APIs]("session: Config.APIOverride", defaultAPIs{rc: rc}, rc.cfg.APIOverride)
	if err := errors.Join(errSvc, errAPIs); err != nil {
		return err
	}
	rc.svc, rc.apis = svc, apis
	// Cross-site cookies must be Secure, or browsers drop them; refuse the
	// configuration up front when the origin is known without a request.
	if _, err := lk.App().Origin(nil); err == nil {
		if err := rc.checkCookieSecurity(nil); err != nil {
			return err
		}
	}
	return nil
}

// checkCookieSecurity refuses SameSite=None cookies without Secure unless
// both sides are localhost (reference/sdk-fdi.md §2.2).
func (rc *Recipe) checkCookieSecurity(r *http.Request) error {
	if rc.sameSite(r) != SameSiteNone || rc.secure() {
		return nil
	}
	web, err := rc.lk.App().TopLevelWebsiteDomain(r)
	if err == nil && web == "localhost" && rc.lk.App().TopLevelAPIDomain() == "localhost" {
		return nil
	}
	return errors.New("session: Since your API and website domain are different, for sessions to work, please use https on your apiDomain and dont set cookieSecure to false")
}

// Service returns the recipe's functions, with Config.Override applied.
func (rc *Recipe) Service() Service {
	if rc.svc == nil {
		return notInitialised{}
	}
	return rc.svc
}

// CORSHeaders implements latchkey.CORSHeaderProvider.
func (rc *Recipe) CORSHeaders() []string {
	return []string{"anti-csrf", "rid", "authorization", "st-auth-mode"}
}

// AddClaim makes every new session carry c (other recipes call it from
// their Init: email verification adds st-ev, user roles st-role).
func (rc *Recipe) AddClaim(c *Claim) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.claims = append(rc.claims, c)
}

// AddGlobalValidator makes every session check run v, unless the check
// overrides the global validators.
func (rc *Recipe) AddGlobalValidator(v Validator) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.validators = append(rc.validators, v)
}

type sessionKey struct{}

// FromContext returns the session that VerifySession put in ctx.
func FromContext(ctx context.Context) (*Session, bool) {
	s, ok := ctx.Value(sessionKey{}).(*Session)
	return s, ok && s != nil
}

// WithSession returns ctx carrying s.
func WithSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// VerifyOptions tune a session check. The zero value (or nil) requires a
// session and runs the global claim validators.
type VerifyOptions struct {
	// SessionOptional lets requests without a session through, with no
	// session in the context.
	SessionOptional bool
	// AntiCSRFCheck forces the anti-CSRF check on or off. Default: on for
	// every method but GET.
	AntiCSRFCheck *bool
	// CheckDatabase asks the core whether the session still exists, so
	// that a revoked session is refused at once.
	CheckDatabase bool
	// OverrideGlobalClaimValidators replaces the global validators for
	// this check; return nil to run none.
	OverrideGlobalClaimValidators func(ctx context.Context, s *Session, global []Validator) ([]Validator, error)
}

// VerifySession protects next: it answers 401 (or 403 for failed claims)
// when the request has no valid session, and otherwise calls next with the
// session in the request's context (read it with FromContext). A CORS
// preflight (OPTIONS with Origin and Access-Control-Request-Method), which
// a browser sends without credentials, passes through without a session;
// any other OPTIONS needs one like every method. TRACE, which would echo
// the request's cookies, is answered 405 and never reaches next.
func (rc *Recipe) VerifySession(opts *VerifyOptions, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodTrace {
			latchkey.WriteJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "TRACE is not allowed"})
			return
		}
		if isPreflight(r) {
			next.ServeHTTP(w, r)
			return
		}
		s, err := rc.GetSession(w, r, opts)
		if err != nil {
			if rc.lk == nil {
				latchkey.WriteJSON(w, http.StatusInternalServerError, map[string]string{"message": "internal error"})
				return
			}
			rc.lk.WriteError(w, r, err)
			return
		}
		if s != nil {
			r = r.WithContext(WithSession(r.Context(), s))
		}
		next.ServeHTTP(w, r)
	})
}

// isPreflight reports whether r is a CORS preflight request.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" &&
		r.Header.Get("Access-Control-Request-Method") != ""
}

// GetSession returns the request's session, writing refreshed tokens to w
// when the core or a claim refetch changed them. With SessionOptional it
// returns nil, nil when the request carries no session.
func (rc *Recipe) GetSession(w http.ResponseWriter, r *http.Request, opts *VerifyOptions) (*Session, error) {
	if rc.lk == nil {
		return nil, errNotInitialised
	}
	if opts == nil {
		opts = &VerifyOptions{}
	}
	ctx := r.Context()
	allowed := rc.transferMethod(r, false)
	var raw string
	var from TokenTransferMethod
	if allowed != TransferCookie {
		if b := bearer(r); b != "" {
			// A token that verified before is an access token; else the
			// parse that tells one from another Bearer token is kept for
			// the verification below.
			if t, _ := rc.verified.get(b); t != nil {
				raw, from = b, TransferHeader
			} else if t, err := parseAccessTokenCached(b, &rc.headers); err == nil {
				raw, from = b, TransferHeader
				ctx = withParsedToken(ctx, t)
			}
		}
	}
	if raw == "" && allowed != TransferHeader {
		switch vals := cookieValues(r, accessTokenCookie); {
		case len(vals) > 1:
			return nil, &TryRefreshTokenError{Message: "the request carries two access token cookies"}
		case len(vals) == 1 && vals[0] != "":
			if len(cookieValues(r, legacyIDRefreshName)) > 0 {
				return nil, &TryRefreshTokenError{Message: "a legacy sIdRefreshToken cookie is present"}
			}
			raw, from = vals[0], TransferCookie
		}
	}
	if raw == "" {
		if opts.SessionOptional {
			return nil, nil
		}
		return nil, &UnauthorisedError{Message: "the request carries no session", KeepTokens: true}
	}
	v, err := rc.Service().VerifyAccessToken(ctx, raw, opts.CheckDatabase)
	if err != nil {
		return nil, err
	}
	doCSRF := r.Method != http.MethodGet
	if opts.AntiCSRFCheck != nil {
		doCSRF = *opts.AntiCSRFCheck
	}
	if doCSRF && from == TransferCookie {
		switch rc.antiCSRF(r) {
		case AntiCSRFViaToken:
			want := v.token.claims.AntiCSRFToken
			if want == nil || *want != r.Header.Get(antiCSRFHeader) {
				return nil, &TryRefreshTokenError{Message: "the anti-csrf check failed"}
			}
		case AntiCSRFViaCustomHeader:
			if r.Header.Get("rid") == "" {
				return nil, &TryRefreshTokenError{Message: "the anti-csrf check failed: send the rid header"}
			}
		}
	}
	s := rc.newSession(v.token, w, r, from)
	if v.NewAccessToken != nil && w != nil {
		rc.setAccessToken(w, r, v.token, v.NewAccessToken.AccessTokenExpiry, from)
	}
	if err := rc.checkClaims(ctx, s, opts); err != nil {
		return nil, err
	}
	return s, nil
}

// GetSessionFromToken verifies an access token that did not come in an
// HTTP request (a WebSocket message, a gRPC call), with the global claim
// validators. Claims it refetches change the session's token, which the
// caller must send back itself: read it with Session.AccessToken.
func (rc *Recipe) GetSessionFromToken(ctx context.Context, accessToken string, opts *VerifyOptions) (*Session, error) {
	if rc.lk == nil {
		return nil, errNotInitialised
	}
	if opts == nil {
		opts = &VerifyOptions{}
	}
	v, err := rc.Service().VerifyAccessToken(ctx, accessToken, opts.CheckDatabase)
	if err != nil {
		return nil, err
	}
	s := rc.newSession(v.token, nil, nil, TransferHeader)
	if err := rc.checkClaims(ctx, s, opts); err != nil {
		return nil, err
	}
	return s, nil
}

// checkClaims refetches what the validators ask for and validates.
func (rc *Recipe) checkClaims(ctx context.Context, s *Session, opts *VerifyOptions) error {
	rc.mu.RLock()
	global := rc.validators
	rc.mu.RUnlock()
	if len(global) == 0 && opts.OverrideGlobalClaimValidators == nil {
		return nil // the fast path: nothing to check
	}
	validators, err := rc.Service().GlobalClaimValidators(ctx, s.TenantID(), s.UserID(), global)
	if err != nil {
		return err
	}
	if opts.OverrideGlobalClaimValidators != nil {
		if validators, err = opts.OverrideGlobalClaimValidators(ctx, s, validators); err != nil {
			return err
		}
	}
	return s.AssertClaims(ctx, validators...)
}

// CreateNewSession creates a session for userID and sends its tokens on w,
// in cookies or headers as the request's st-auth-mode asks. A payload that
// sets a protected claim (sub, tId, sessionHandle, ... in any case) is
// refused with an error wrapping [ErrProtectedClaim]; registered claims
// (st-ev, st-role) and iss are added.
func (rc *Recipe) CreateNewSession(w http.ResponseWriter, r *http.Request, tenantID, userID string, payload, dataInDatabase map[string]any) (*Session, error) {
	if rc.lk == nil {
		return nil, errNotInitialised
	}
	return rc.createNewSession(w, r, tenantID, userID, userID, payload, dataInDatabase)
}

// CreateNewSessionForLoginMethod is CreateNewSession for a user with
// several login methods (account linking): userID is the user (the
// primary user id), recipeUserID the login method that signed in. The
// session is made for recipeUserID, and its user id is the primary user
// the core finds for it, which is userID unless a link changed since.
func (rc *Recipe) CreateNewSessionForLoginMethod(w http.ResponseWriter, r *http.Request, tenantID, userID, recipeUserID string, payload, dataInDatabase map[string]any) (*Session, error) {
	if rc.lk == nil {
		return nil, errNotInitialised
	}
	return rc.createNewSession(w, r, tenantID, userID, recipeUserID, payload, dataInDatabase)
}

func (rc *Recipe) createNewSession(w http.ResponseWriter, r *http.Request, tenantID, userID, recipeUserID string, payload, dataInDatabase map[string]any) (*Session, error) {
	ctx := r.Context()
	if err := checkCustomClaims(payload); err != nil {
		return nil, err
	}
	tenantID = latchkey.TenantOrDefault(tenantID)
	p := map[string]any{"iss": rc.lk.App().APIDomain + rc.lk.App().APIBasePath}
	rc.mu.RLock()
	claims := rc.claims
	rc.mu.RUnlock()
	add, err := rc.buildClaims(ctx, claims, userID, recipeUserID, tenantID, rc.lk.Now())
	if err != nil {
		return nil, err
	}
	for k, v := range add {
		p[k] = v
	}
	for k, v := range payload {
		p[k] = v
	}
	for _, k := range protectedClaims {
		delete(p, k)
	}
	m := rc.transferMethod(r, true)
	if m == TransferAny {
		m = TransferHeader
	}
	if m == TransferCookie {
		if err := rc.checkCookieSecurity(r); err != nil {
			return nil, err
		}
	}
	cs, err := rc.Service().CreateNewSession(ctx, CreateInput{TenantID: tenantID, UserID: recipeUserID, Payload: p, DataInDatabase: dataInDatabase,
		DisableAntiCSRF: m == TransferHeader, ClientIP: clientIP(r, rc.proxies), UserAgent: r.UserAgent(), SignIn: true})
	if err != nil {
		return nil, err
	}
	t, err := parseAccessToken(cs.Tokens.AccessToken)
	if err != nil {
		return nil, errors.New("session: the core returned an access token that does not parse")
	}
	// A token the request carried in the other transfer method would
	// shadow the new one: clear it.
	if m == TransferCookie && bearer(r) != "" {
		if _, err := parseAccessToken(bearer(r)); err == nil {
			rc.clearMode(w, r, TransferHeader)
		}
	}
	if m == TransferHeader && len(cookieValues(r, accessTokenCookie)) > 0 {
		rc.clearMode(w, r, TransferCookie)
	}
	rc.setTokens(w, r, t, cs.Tokens, m)
	return rc.newSession(t, w, r, m), nil
}

// RevokeSession ends one session and reports whether it existed.
func (rc *Recipe) RevokeSession(ctx context.Context, handle string) (bool, error) {
	return rc.Service().RevokeSession(ctx, handle)
}

// RevokeAllSessionsForUser ends a user's sessions in tenantID, or in every
// tenant when tenantID is "".
func (rc *Recipe) RevokeAllSessionsForUser(ctx context.Context, userID, tenantID string) ([]string, error) {
	return rc.Service().RevokeAllSessionsForUser(ctx, userID, tenantID)
}

// SessionHandlesForUser lists a user's sessions in tenantID, or in every
// tenant when tenantID is "".
func (rc *Recipe) SessionHandlesForUser(ctx context.Context, userID, tenantID string) ([]string, error) {
	return rc.Service().SessionHandlesForUser(ctx, userID, tenantID)
}

// SessionInformation returns what the core holds about a session, or nil.
func (rc *Recipe) SessionInformation(ctx context.Context, handle string) (*Information, error) {
	return rc.Service().SessionInformation(ctx, handle)
}

// MergeIntoAccessTokenPayload changes a session's payload without a
// request: keys with a nil value are removed. Tokens already issued keep
// their payload until the next refresh. It reports whether the session
// exists.
func (rc *Recipe) MergeIntoAccessTokenPayload(ctx context.Context, handle string, update map[string]any) (bool, error) {
	info, err := rc.Service().SessionInformation(ctx, handle)
	if err != nil || info == nil {
		return false, err
	}
	p := mergePayload(info.AccessTokenPayload, update)
	return rc.Service().UpdateAccessTokenPayload(ctx, handle, p)
}

// mergePayload returns old with update applied and protected claims
// removed.
func mergePayload(old, update map[string]any) map[string]any {
	p := make(map[string]any, len(old)+len(update))
	for k, v := range old {
		p[k] = v
	}
	for k, v := range update {
		if v == nil {
			delete(p, k)
		} else {
			p[k] = v
		}
	}
	for _, k := range protectedClaims {
		delete(p, k)
	}
	return p
}

// notInitialised is the Service of a recipe that latchkey.New has not
// initialised: every method fails instead of panicking.
type notInitialised struct{}

func (notInitialised) CreateNewSession(context.Context, CreateInput) (*CoreSession, error) {
	return nil, errNotInitialised
}
func (notInitialised) VerifyAccessToken(context.Context, string, bool) (*Verified, error) {
	return nil, errNotInitialised
}
func (notInitialised) RefreshSession(context.Context, string, string, bool) (*CoreSession, error) {
	return nil, errNotInitialised
}
func (notInitialised) RevokeSession(context.Context, string) (bool, error) {
	return false, errNotInitialised
}
func (notInitialised) RevokeMultipleSessions(context.Context, []string) ([]string, error) {
	return nil, errNotInitialised
}
func (notInitialised) RevokeAllSessionsForUser(context.Context, string, string) ([]string, error) {
	return nil, errNotInitialised
}
func (notInitialised) SessionHandlesForUser(context.Context, string, string) ([]string, error) {
	return nil, errNotInitialised
}
func (notInitialised) SessionInformation(context.Context, string) (*Information, error) {
	return nil, errNotInitialised
}
func (notInitialised) UpdateSessionDataInDatabase(context.Context, string, map[string]any) (bool, error) {
	return false, errNotInitialised
}
func (notInitialised) RegenerateAccessToken(context.Context, string, map[string]any) (*Regenerated, error) {
	return nil, errNotInitialised
}
func (notInitialised) UpdateAccessTokenPayload(context.Context, string, map[string]any) (bool, error) {
	return false, errNotInitialised
}
func (notInitialised) GlobalClaimValidators(context.Context, string, string, []Validator) ([]Validator, error) {
	return nil, errNotInitialised
}
