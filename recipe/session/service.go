package session

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey"
)

// Service is the session recipe's functions, the ones that talk to the
// core. Config.Override wraps it; embed the value it is given to replace
// one method:
//
//	type audited struct{ session.Service }
//	func (a audited) RevokeSession(ctx context.Context, handle string) (bool, error) { ... }
type Service interface {
	// CreateNewSession asks the core for a new session.
	// CDI: POST /{tenantId}/recipe/session.
	CreateNewSession(ctx context.Context, in CreateInput) (*CoreSession, error)
	// VerifyAccessToken checks an access token locally against the JWKS,
	// and with the core only when the token is the first after a refresh
	// or checkDatabase is set. CDI: POST /recipe/session/verify.
	VerifyAccessToken(ctx context.Context, accessToken string, checkDatabase bool) (*Verified, error)
	// RefreshSession swaps a refresh token for new tokens.
	// CDI: POST /recipe/session/refresh.
	RefreshSession(ctx context.Context, refreshToken, antiCSRFToken string, disableAntiCSRF bool) (*CoreSession, error)
	// RevokeSession ends one session and reports whether it existed.
	// CDI: POST /recipe/session/remove.
	RevokeSession(ctx context.Context, handle string) (bool, error)
	// RevokeMultipleSessions ends sessions and returns the handles that
	// existed.
	RevokeMultipleSessions(ctx context.Context, handles []string) ([]string, error)
	// RevokeAllSessionsForUser ends a user's sessions in tenantID, or in
	// every tenant when tenantID is "", and returns their handles.
	RevokeAllSessionsForUser(ctx context.Context, userID, tenantID string) ([]string, error)
	// SessionHandlesForUser lists a user's live sessions in tenantID, or
	// in every tenant when tenantID is "". CDI: GET /recipe/session/user.
	SessionHandlesForUser(ctx context.Context, userID, tenantID string) ([]string, error)
	// SessionInformation returns what the core holds about a session, or
	// nil when it does not exist. CDI: GET /recipe/session.
	SessionInformation(ctx context.Context, handle string) (*Information, error)
	// UpdateSessionDataInDatabase replaces a session's server-side data
	// and reports whether the session exists. CDI: PUT /recipe/session/data.
	UpdateSessionDataInDatabase(ctx context.Context, handle string, data map[string]any) (bool, error)
	// RegenerateAccessToken stores a new payload for the session of
	// accessToken and returns a new access token carrying it (nil when the
	// old one had expired). CDI: POST /recipe/session/regenerate.
	RegenerateAccessToken(ctx context.Context, accessToken string, payload map[string]any) (*Regenerated, error)
	// UpdateAccessTokenPayload stores a new payload for a session,
	// without a token in hand; tokens already issued keep theirs.
	// CDI: PUT /recipe/jwt/data.
	UpdateAccessTokenPayload(ctx context.Context, handle string, payload map[string]any) (bool, error)
	// GlobalClaimValidators returns the validators every session check
	// runs; fromRecipes are those other recipes registered (the st-ev
	// check in REQUIRED mode). Override it to add your own.
	GlobalClaimValidators(ctx context.Context, tenantID, userID string, fromRecipes []Validator) ([]Validator, error)
}

// CreateInput is what CreateNewSession needs.
type CreateInput struct {
	TenantID string
	UserID   string
	// Payload is the access token's custom claims (protected claims are
	// removed first).
	Payload map[string]any
	// DataInDatabase is kept by the core, never sent to the frontend.
	DataInDatabase  map[string]any
	DisableAntiCSRF bool
	// ClientIP and UserAgent say where the session is created from; the
	// core records them (a Latchkey extension, which other cores ignore).
	ClientIP  string
	UserAgent string
	// SignIn counts the session as a sign-in of its user, in the last
	// sign-in time and sign-in count the dashboard shows. CreateNewSession
	// sets it; back-office code that creates a session for a user (who did
	// not sign in) leaves it false. Other cores ignore it and count nothing.
	SignIn bool
}

// CoreSession is a session with its tokens, as the core returns it.
type CoreSession struct {
	Handle       string
	UserID       string
	RecipeUserID string
	TenantID     string
	Tokens       Tokens
}

// Tokens are a session's tokens. RefreshToken is "" when none was issued.
type Tokens struct {
	AccessToken        string
	AccessTokenExpiry  time.Time
	RefreshToken       string
	RefreshTokenExpiry time.Time
	AntiCSRFToken      string
}

// Verified is an access token that passed verification.
type Verified struct {
	token *accessToken
	// NewAccessToken, when set, replaces the request's access token (the
	// core promoted the first token after a refresh).
	NewAccessToken *Tokens
}

// Regenerated is the answer of RegenerateAccessToken.
type Regenerated struct {
	// AccessToken is nil when the old token had expired.
	AccessToken *Tokens
}

// Information is what the core holds about a session.
type Information struct {
	SessionHandle         string
	UserID                string
	RecipeUserID          string
	TenantID              string
	SessionDataInDatabase map[string]any
	AccessTokenPayload    map[string]any
	Expiry                time.Time
	TimeCreated           time.Time
}

// coreService is the default Service, over the core client.
type coreService struct {
	rc *Recipe
}

type coreToken struct {
	Token       string `json:"token"`
	Expiry      int64  `json:"expiry"`
	CreatedTime int64  `json:"createdTime"`
}

type coreSessionJSON struct {
	Handle       string `json:"handle"`
	UserID       string `json:"userId"`
	RecipeUserID string `json:"recipeUserId"`
	TenantID     string `json:"tenantId"`
}

type coreSessionAnswer struct {
	Status        string          `json:"status"`
	Message       string          `json:"message"`
	Session       coreSessionJSON `json:"session"`
	AccessToken   *coreToken      `json:"accessToken"`
	RefreshToken  *coreToken      `json:"refreshToken"`
	AntiCSRFToken string          `json:"antiCsrfToken"`
}

func (a *coreSessionAnswer) coreSession() *CoreSession {
	cs := &CoreSession{Handle: a.Session.Handle, UserID: a.Session.UserID, RecipeUserID: a.Session.RecipeUserID, TenantID: a.Session.TenantID}
	if a.AccessToken != nil {
		cs.Tokens.AccessToken = a.AccessToken.Token
		cs.Tokens.AccessTokenExpiry = time.UnixMilli(a.AccessToken.Expiry)
	}
	if a.RefreshToken != nil {
		cs.Tokens.RefreshToken = a.RefreshToken.Token
		cs.Tokens.RefreshTokenExpiry = time.UnixMilli(a.RefreshToken.Expiry)
	}
	cs.Tokens.AntiCSRFToken = a.AntiCSRFToken
	return cs
}

func (s coreService) call(ctx context.Context, method, path, tenant string, q url.Values, body, out any) error {
	return s.rc.lk.Core().Do(ctx, latchkey.CoreRequest{Method: method, Path: path, TenantID: tenant, Query: q, Body: body, RecipeID: "session"}, out)
}

func (s coreService) CreateNewSession(ctx context.Context, in CreateInput) (*CoreSession, error) {
	payload, data := in.Payload, in.DataInDatabase
	if payload == nil {
		payload = map[string]any{}
	}
	if data == nil {
		data = map[string]any{}
	}
	tenant := latchkey.TenantOrDefault(in.TenantID)
	enable := !in.DisableAntiCSRF && s.rc.cfg.AntiCSRF == AntiCSRFViaToken
	var a coreSessionAnswer
	body := map[string]any{
		"userId": in.UserID, "userDataInJWT": payload, "userDataInDatabase": data,
		"useDynamicSigningKey": !s.rc.cfg.UseStaticSigningKey, "enableAntiCsrf": enable,
	}
	if in.ClientIP != "" || in.UserAgent != "" {
		body["latchkeyClient"] = map[string]string{"ip": in.ClientIP, "userAgent": in.UserAgent}
	}
	if !in.SignIn {
		body["latchkeySignIn"] = false
	}
	err := s.call(ctx, "POST", "/recipe/session", tenant, nil, body, &a)
	if err != nil {
		return nil, err
	}
	if a.Status != "OK" || a.AccessToken == nil {
		return nil, errors.New("session: the core did not create a session: " + a.Status)
	}
	return a.coreSession(), nil
}

// checkSignature returns raw parsed, once its signature checks out with
// the key its kid names in the core's JWKS. A token string that checked out
// before is taken from the recipe's verified cache without the signature
// work.
func (s coreService) checkSignature(ctx context.Context, raw string) (*accessToken, error) {
	// The key set's generation before any fetch below: a token checked
	// with a key set that has changed since is not trusted from the cache.
	gen := s.rc.keys.generation()
	if t, tgen := s.rc.verified.get(raw); t != nil {
		// The JWKS is refetched on schedule as for any token; a fetch
		// that drops or changes a key bumps the generation.
		if _, err := s.rc.keys.key(ctx, t.kid); err == nil && tgen == s.rc.keys.generation() {
			return t, nil
		}
	}
	t, ok := parsedToken(ctx, raw)
	if !ok {
		var err error
		if t, err = parseAccessTokenCached(raw, &s.rc.headers); err != nil {
			return nil, &TryRefreshTokenError{Message: "the access token is not valid"}
		}
	}
	// A dynamic key id starts with "d-"; a token signed with the other kind
	// than configured is refused, as node does.
	if (t.kid[0:min(2, len(t.kid))] == "d-") == s.rc.cfg.UseStaticSigningKey {
		return nil, &TryRefreshTokenError{Message: "the access token's signing key kind does not match UseStaticSigningKey"}
	}
	key, err := s.rc.keys.key(ctx, t.kid)
	if errors.Is(err, errUnknownKey) {
		return nil, &TryRefreshTokenError{Message: "the access token's signing key is unknown"}
	}
	if err != nil {
		return nil, err
	}
	if t.verifySignature(key) != nil {
		return nil, &TryRefreshTokenError{Message: "the access token's signature is not valid"}
	}
	s.rc.headers.put(raw[:strings.IndexByte(raw, '.')], parsedHeader{alg: t.alg, kid: t.kid, version: t.version})
	s.rc.verified.put(raw, t, gen)
	return t, nil
}

func (s coreService) VerifyAccessToken(ctx context.Context, raw string, checkDatabase bool) (*Verified, error) {
	t, err := s.checkSignature(ctx, raw)
	if err != nil {
		return nil, err
	}
	if t.expired(s.rc.lk.Now()) {
		return nil, &TryRefreshTokenError{Message: "the access token expired"}
	}
	v := &Verified{token: t}
	if t.claims.ParentRefreshTokenHash1 == nil && !checkDatabase {
		return v, nil
	}
	var a coreSessionAnswer
	err = s.call(ctx, "POST", "/recipe/session/verify", "", nil, map[string]any{
		"accessToken": raw, "doAntiCsrfCheck": false, "enableAntiCsrf": false, "checkDatabase": checkDatabase,
	}, &a)
	if err != nil {
		return nil, err
	}
	switch a.Status {
	case "OK":
	case "UNAUTHORISED":
		return nil, &UnauthorisedError{Message: a.Message}
	case "TRY_REFRESH_TOKEN":
		return nil, &TryRefreshTokenError{Message: a.Message}
	default:
		return nil, errors.New("session: unexpected answer from the core's verify: " + a.Status)
	}
	if a.AccessToken != nil {
		nt, err := parseAccessToken(a.AccessToken.Token)
		if err != nil {
			return nil, errors.New("session: the core returned an access token that does not parse")
		}
		v.token = nt
		v.NewAccessToken = &Tokens{AccessToken: a.AccessToken.Token, AccessTokenExpiry: time.UnixMilli(a.AccessToken.Expiry)}
	}
	return v, nil
}

func (s coreService) RefreshSession(ctx context.Context, refreshToken, antiCSRFToken string, disableAntiCSRF bool) (*CoreSession, error) {
	body := map[string]any{
		"refreshToken":         refreshToken,
		"enableAntiCsrf":       !disableAntiCSRF && s.rc.cfg.AntiCSRF == AntiCSRFViaToken,
		"useDynamicSigningKey": !s.rc.cfg.UseStaticSigningKey,
	}
	if antiCSRFToken != "" {
		body["antiCsrfToken"] = antiCSRFToken
	}
	var a coreSessionAnswer
	if err := s.call(ctx, "POST", "/recipe/session/refresh", "", nil, body, &a); err != nil {
		return nil, err
	}
	switch a.Status {
	case "OK":
		return a.coreSession(), nil
	case "UNAUTHORISED":
		return nil, &UnauthorisedError{Message: a.Message}
	case "TOKEN_THEFT_DETECTED":
		return nil, &TokenTheftDetectedError{SessionHandle: a.Session.Handle, UserID: a.Session.UserID, RecipeUserID: a.Session.RecipeUserID}
	default:
		return nil, errors.New("session: unexpected answer from the core's refresh: " + a.Status)
	}
}

type removeAnswer struct {
	Status                string   `json:"status"`
	SessionHandlesRevoked []string `json:"sessionHandlesRevoked"`
}

func (s coreService) RevokeSession(ctx context.Context, handle string) (bool, error) {
	revoked, err := s.RevokeMultipleSessions(ctx, []string{handle})
	return len(revoked) > 0, err
}

func (s coreService) RevokeMultipleSessions(ctx context.Context, handles []string) ([]string, error) {
	var a removeAnswer
	if err := s.call(ctx, "POST", "/recipe/session/remove", "", nil, map[string]any{"sessionHandles": handles}, &a); err != nil {
		return nil, err
	}
	return a.SessionHandlesRevoked, nil
}

func (s coreService) RevokeAllSessionsForUser(ctx context.Context, userID, tenantID string) ([]string, error) {
	body := map[string]any{"userId": userID, "revokeAcrossAllTenants": tenantID == ""}
	var a removeAnswer
	if err := s.call(ctx, "POST", "/recipe/session/remove", latchkey.TenantOrDefault(tenantID), nil, body, &a); err != nil {
		return nil, err
	}
	return a.SessionHandlesRevoked, nil
}

func (s coreService) SessionHandlesForUser(ctx context.Context, userID, tenantID string) ([]string, error) {
	q := url.Values{"userId": {userID}, "fetchAcrossAllTenants": {"false"}}
	t := tenantID
	if t == "" {
		t = latchkey.DefaultTenantID
		q.Set("fetchAcrossAllTenants", "true")
	}
	var a struct {
		SessionHandles []string `json:"sessionHandles"`
	}
	if err := s.call(ctx, "GET", "/recipe/session/user", t, q, nil, &a); err != nil {
		return nil, err
	}
	return a.SessionHandles, nil
}

func (s coreService) SessionInformation(ctx context.Context, handle string) (*Information, error) {
	var a struct {
		Status             string         `json:"status"`
		SessionHandle      string         `json:"sessionHandle"`
		UserID             string         `json:"userId"`
		RecipeUserID       string         `json:"recipeUserId"`
		UserDataInDatabase map[string]any `json:"userDataInDatabase"`
		UserDataInJWT      map[string]any `json:"userDataInJWT"`
		Expiry             int64          `json:"expiry"`
		TimeCreated        int64          `json:"timeCreated"`
		TenantID           string         `json:"tenantId"`
	}
	if err := s.call(ctx, "GET", "/recipe/session", "", url.Values{"sessionHandle": {handle}}, nil, &a); err != nil {
		return nil, err
	}
	if a.Status != "OK" {
		return nil, nil
	}
	return &Information{
		SessionHandle: a.SessionHandle, UserID: a.UserID, RecipeUserID: a.RecipeUserID, TenantID: a.TenantID,
		SessionDataInDatabase: a.UserDataInDatabase, AccessTokenPayload: a.UserDataInJWT,
		Expiry: time.UnixMilli(a.Expiry), TimeCreated: time.UnixMilli(a.TimeCreated),
	}, nil
}

func (s coreService) UpdateSessionDataInDatabase(ctx context.Context, handle string, data map[string]any) (bool, error) {
	if data == nil {
		data = map[string]any{}
	}
	var a struct{ Status string }
	if err := s.call(ctx, "PUT", "/recipe/session/data", "", nil, map[string]any{"sessionHandle": handle, "userDataInDatabase": data}, &a); err != nil {
		return false, err
	}
	return a.Status == "OK", nil
}

func (s coreService) RegenerateAccessToken(ctx context.Context, accessToken string, payload map[string]any) (*Regenerated, error) {
	var a coreSessionAnswer
	if err := s.call(ctx, "POST", "/recipe/session/regenerate", "", nil, map[string]any{"accessToken": accessToken, "userDataInJWT": payload}, &a); err != nil {
		return nil, err
	}
	switch a.Status {
	case "OK":
	case "UNAUTHORISED":
		return nil, &UnauthorisedError{Message: a.Message}
	default:
		return nil, errors.New("session: unexpected answer from the core's regenerate: " + a.Status)
	}
	r := &Regenerated{}
	if a.AccessToken != nil {
		r.AccessToken = &Tokens{AccessToken: a.AccessToken.Token, AccessTokenExpiry: time.UnixMilli(a.AccessToken.Expiry)}
	}
	return r, nil
}

func (s coreService) UpdateAccessTokenPayload(ctx context.Context, handle string, payload map[string]any) (bool, error) {
	var a struct{ Status string }
	if err := s.call(ctx, "PUT", "/recipe/jwt/data", "", nil, map[string]any{"sessionHandle": handle, "userDataInJWT": payload}, &a); err != nil {
		return false, err
	}
	return a.Status == "OK", nil
}

func (s coreService) GlobalClaimValidators(_ context.Context, _, _ string, fromRecipes []Validator) ([]Validator, error) {
	return fromRecipes, nil
}
