package session

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/core/internal/signing"
	"github.com/latchkey-dev/latchkey/store"
)

// Outcomes the Service returns; compare with errors.Is. Each reaches the
// client as HTTP 200 with its status and, where the reference gives one, a
// message.
var (
	// ErrUnauthorised: the session is gone, or a refresh token is bad.
	ErrUnauthorised = cdi.ErrUnauthorised
	// ErrTryRefreshToken: the access token does not verify (expired, bad
	// signature, unknown key, anti-CSRF mismatch).
	ErrTryRefreshToken = cdi.ErrTryRefreshToken
	// ErrTokenTheftDetected: a refresh token was used that is neither the
	// session's current one nor its child.
	ErrTokenTheftDetected = cdi.ErrTokenTheftDetected
	// ErrProtectedClaim is the reference's 400 for a custom access-token
	// payload that sets a claim the core owns.
	ErrProtectedClaim = cdi.BadRequest("The user payload contains protected field")
)

// errInvalidPayload means a payload is not a JSON object; the handlers
// check that first, so only a direct caller meets it.
var errInvalidPayload = cdi.BadRequest("The user payload must be a JSON object")

// Messages the reference gives with UNAUTHORISED and TRY_REFRESH_TOKEN.
const (
	msgNoSession       = "Session does not exist."
	msgRefreshNoRow    = "Session missing in db or has expired"
	msgVerifyNoRow     = "Session missing in db"
	msgBlacklisted     = "Either the session has ended or has been blacklisted"
	msgAntiCSRFRefresh = "Anti CSRF token missing, or not matching"
	msgAntiCSRFVerify  = "anti-csrf check failed"
	msgExpired         = "Access token expired"
	msgKeyNotFound     = "Key not found"
	msgBadAccessToken  = "Invalid access token"
	msgBadRefreshToken = "Invalid refresh token"
)

// errSuspended is POST /recipe/session's answer for a suspended user: an
// official SDK throws on it, the Go SDK turns it into GENERAL_ERROR.
var errSuspended = &cdi.HTTPError{Code: http.StatusForbidden, Message: "User is suspended"}

// msgSuspended is the UNAUTHORISED message of a suspended user's refresh.
const msgSuspended = "User is suspended"

func unauthorised(msg string) error { return ErrUnauthorised.With("message", msg) }
func tryRefresh(msg string) error   { return ErrTryRefreshToken.With("message", msg) }
func tokenTheft(s store.Session, primary string) error {
	return ErrTokenTheftDetected.With("session", map[string]string{
		"handle": s.Handle, "userId": primary, "recipeUserId": s.UserID,
	})
}

// Config configures a Service.
type Config struct {
	// Store keeps the sessions. Required.
	Store store.Sessions
	// Keys signs and verifies access tokens. Required.
	Keys *signing.Manager
	// Now tells the time. Default: time.Now.
	Now func() time.Time
	// AccessTokenValidity is how long an access token lives. Required.
	AccessTokenValidity time.Duration
	// AccessTokenValidityJitter shortens each token minted at create and
	// refresh by a random fraction of the validity up to this (0–0.25).
	AccessTokenValidityJitter float64
	// RefreshTokenValidity is how long a session lives unused. Required.
	RefreshTokenValidity time.Duration
	// PrimaryUserID returns the primary user of a recipe user id (the id
	// itself when it is not linked). A session is stored for the recipe
	// user it was made for; its tokens' sub is that user's primary user,
	// read when they are minted, and rsub the recipe user (account
	// linking). Default: every id is its own primary user.
	PrimaryUserID func(ctx context.Context, recipeUserID string) (string, error)
	// LinkedUserIDs returns the recipe user ids of the person userID
	// belongs to (userID included), for the calls that act on "the
	// sessions of linked accounts too". Default: userID alone.
	LinkedUserIDs func(ctx context.Context, userID string) ([]string, error)
	// ActivityInterval is how often a refresh records the session's last
	// refresh and its user's last-active time: a refresh within this of
	// the last recorded one writes nothing more. Default: 5 minutes.
	ActivityInterval time.Duration
	// ActivityOff records no activity: no sign-ins, no last refresh, no
	// last-active time (a Latchkey setting, for operators who must not
	// keep them).
	ActivityOff bool
	// Suspended, when set, reports whether a user is suspended (a Latchkey
	// extension): a suspended user gets no new session (403) and no
	// refresh (UNAUTHORISED). Nil: nobody is.
	Suspended func(ctx context.Context, userID string) (bool, error)
	// Standing, when set, answers PrimaryUserID and Suspended for one user
	// in one read, which session creation and refresh ask on every call.
	// Default: the two in turn.
	Standing func(ctx context.Context, recipeUserID string) (primary string, suspended bool, err error)
}

// Service is the session logic. Its errors are the outcomes above, cdi
// 400s for bad input, or store and context errors.
type Service struct {
	store    store.Sessions
	keys     *signing.Manager
	now      func() time.Time
	validity time.Duration
	jitter   float64
	rtLife   time.Duration
	primary  func(ctx context.Context, recipeUserID string) (string, error)
	linked   func(ctx context.Context, userID string) ([]string, error)
	// activityEvery is Config.ActivityInterval.
	activityEvery time.Duration
	activityOff   bool
	// suspended is Config.Suspended, never nil.
	suspended func(ctx context.Context, userID string) (bool, error)
	// standing is Config.Standing, never nil.
	standing func(ctx context.Context, recipeUserID string) (string, bool, error)

	rtKeyMu sync.Mutex
	rtKey   atomic.Pointer[[]byte] // HMAC key for refresh tokens, derived once
}

// NewService returns a Service for cfg, or an error naming every setting
// to fix.
func NewService(cfg Config) (*Service, error) {
	var errs []error
	if cfg.Store == nil {
		errs = append(errs, errors.New("session: Store is required"))
	}
	if cfg.Keys == nil {
		errs = append(errs, errors.New("session: Keys is required"))
	}
	if cfg.AccessTokenValidity < time.Second {
		errs = append(errs, errors.New("session: AccessTokenValidity must be at least 1s"))
	}
	if cfg.RefreshTokenValidity <= cfg.AccessTokenValidity {
		errs = append(errs, errors.New("session: RefreshTokenValidity must exceed AccessTokenValidity"))
	}
	if cfg.AccessTokenValidityJitter < 0 || cfg.AccessTokenValidityJitter > 0.25 {
		errs = append(errs, errors.New("session: AccessTokenValidityJitter must be between 0 and 0.25"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.LinkedUserIDs == nil {
		cfg.LinkedUserIDs = func(_ context.Context, id string) ([]string, error) { return []string{id}, nil }
	}
	if cfg.PrimaryUserID == nil {
		cfg.PrimaryUserID = func(_ context.Context, id string) (string, error) { return id, nil }
	}
	if cfg.Suspended == nil {
		cfg.Suspended = func(context.Context, string) (bool, error) { return false, nil }
	}
	if cfg.ActivityInterval <= 0 {
		cfg.ActivityInterval = 5 * time.Minute
	}
	if cfg.Standing == nil {
		primary, suspended := cfg.PrimaryUserID, cfg.Suspended
		cfg.Standing = func(ctx context.Context, id string) (string, bool, error) {
			p, err := primary(ctx, id)
			if err != nil {
				return "", false, err
			}
			sus, err := suspended(ctx, id)
			return p, sus, err
		}
	}
	return &Service{
		activityEvery: cfg.ActivityInterval,
		activityOff:   cfg.ActivityOff,
		suspended:     cfg.Suspended,
		standing:      cfg.Standing,
		store:         cfg.Store,
		keys:          cfg.Keys,
		now:           cfg.Now,
		validity:      cfg.AccessTokenValidity,
		jitter:        cfg.AccessTokenValidityJitter,
		rtLife:        cfg.RefreshTokenValidity,
		primary:       cfg.PrimaryUserID,
		linked:        cfg.LinkedUserIDs,
	}, nil
}

// Info is a session as the responses show it ("session": {...}).
type Info struct {
	Handle        string          `json:"handle"`
	UserID        string          `json:"userId"`
	RecipeUserID  string          `json:"recipeUserId"`
	UserDataInJWT json.RawMessage `json:"userDataInJWT"`
	TenantID      string          `json:"tenantId"`
}

// Token is a token and its times (the CDI's cookieInfo).
type Token struct {
	Token       string
	Expiry      time.Time
	CreatedTime time.Time
}

// MarshalJSON writes {token, expiry, createdTime} with times in ms.
func (t Token) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Token       string `json:"token"`
		Expiry      int64  `json:"expiry"`
		CreatedTime int64  `json:"createdTime"`
	}{t.Token, t.Expiry.UnixMilli(), t.CreatedTime.UnixMilli()})
}

// Tokens is what create, refresh, verify and regenerate return. Verify and
// regenerate leave RefreshToken nil, and AccessToken nil when no new token
// was minted.
type Tokens struct {
	Session      Info
	AccessToken  *Token
	RefreshToken *Token
	// AntiCSRFToken is set when anti-CSRF is enabled (create, refresh).
	AntiCSRFToken string
}

// NewSession is the input of Create.
type NewSession struct {
	UserID             string
	UserDataInJWT      json.RawMessage // a JSON object without protected claims
	UserDataInDatabase json.RawMessage // a JSON object
	EnableAntiCSRF     bool
	UseDynamicKey      bool
	// ClientIP and UserAgent say where the session is created from (a
	// Latchkey extension); "" when the caller does not say.
	ClientIP  string
	UserAgent string
	// NotSignIn says that the session is no sign-in of its user (made by
	// back-office code, a Latchkey extension): it counts in no activity.
	NotSignIn bool
}

// Create starts a session for in.UserID in tenantID (CDI: POST
// /recipe/session). The user need not exist.
func (s *Service) Create(ctx context.Context, tenantID string, in NewSession) (Tokens, error) {
	if err := checkPayload(in.UserDataInJWT); err != nil {
		return Tokens{}, err
	}
	if _, err := objectMembers(in.UserDataInDatabase); err != nil {
		return Tokens{}, errInvalidPayload
	}
	primary, suspended, err := s.standing(ctx, in.UserID)
	if err != nil {
		return Tokens{}, err
	} else if suspended {
		return Tokens{}, errSuspended
	}
	handle := uuid.NewString()
	if tenantID != store.DefaultTenant {
		handle += "_" + tenantID
	}
	var csrf string
	if in.EnableAntiCSRF {
		csrf = uuid.NewString()
	}
	now := s.now()
	rt, rtHash, err := s.newRefreshToken(ctx, refreshToken{Handle: handle, AntiCSRF: csrf})
	if err != nil {
		return Tokens{}, err
	}
	row := store.Session{
		Handle:            handle,
		TenantID:          tenantID,
		UserID:            in.UserID,
		RefreshTokenHash2: sha256Hex(rtHash),
		SessionData:       in.UserDataInDatabase,
		JWTPayload:        in.UserDataInJWT,
		UseStaticKey:      !in.UseDynamicKey,
		CreatedAt:         now.Truncate(time.Millisecond),
		ExpiresAt:         now.Add(s.rtLife).Truncate(time.Millisecond),
		ClientIP:          in.ClientIP,
		UserAgent:         in.UserAgent,
		NotSignIn:         in.NotSignIn || s.activityOff,
	}
	// Sign before storing, so that a failure to sign leaves no row behind.
	at, inf, err := s.mint(ctx, row, primary, accessToken{RTH1: rtHash, AntiCSRF: csrf}, now, true)
	if err != nil {
		return Tokens{}, err
	}
	if err := s.store.CreateSession(ctx, row); err != nil {
		return Tokens{}, err
	}
	return Tokens{
		Session:       inf,
		AccessToken:   at,
		RefreshToken:  &Token{Token: rt, Expiry: row.ExpiresAt, CreatedTime: now.Truncate(time.Millisecond)},
		AntiCSRFToken: csrf,
	}, nil
}

// VerifyInput is the input of Verify.
type VerifyInput struct {
	AccessToken     string
	AntiCSRFToken   *string
	DoAntiCSRFCheck bool
	EnableAntiCSRF  bool
	CheckDatabase   bool
}

// Verify checks an access token (CDI: POST /recipe/session/verify), with
// the legacy semantics (reference §2.4.4): a token minted by a refresh
// promotes its refresh token and is replaced by one without a parent; a
// token whose payload is stale (seen only with CheckDatabase) is replaced.
func (s *Service) Verify(ctx context.Context, in VerifyInput) (Tokens, error) {
	t, err := s.verifyAccessToken(ctx, in.AccessToken)
	if err != nil {
		return Tokens{}, err
	}
	if in.EnableAntiCSRF && in.DoAntiCSRFCheck {
		if t.AntiCSRF == "" || in.AntiCSRFToken == nil || !equal(*in.AntiCSRFToken, t.AntiCSRF) {
			return Tokens{}, tryRefresh(msgAntiCSRFVerify)
		}
	}
	now := s.now()
	payloadStale := false
	if in.CheckDatabase {
		row, err := s.store.Session(ctx, t.SessionHandle)
		if errors.Is(err, store.ErrNotFound) || err == nil && !row.ExpiresAt.After(now) {
			return Tokens{}, unauthorised(msgBlacklisted)
		}
		if err != nil {
			return Tokens{}, err
		}
		if row.UseStaticKey != t.StaticKey {
			// Not signed by the kind of key the session's tokens are.
			return Tokens{}, tryRefresh(msgBadAccessToken)
		}
		payloadStale = !sameJSON(row.JWTPayload, t.Payload)
	}
	unchanged := Tokens{Session: Info{
		Handle: t.SessionHandle, UserID: t.UserID, RecipeUserID: t.RecipeUserID,
		UserDataInJWT: t.Payload, TenantID: t.TenantID,
	}}
	if t.ParentRTH1 == "" && !payloadStale {
		return unchanged, nil
	}

	rth2 := sha256Hex(t.RTH1)
	var parentRTH2 string
	if t.ParentRTH1 != "" {
		parentRTH2 = sha256Hex(t.ParentRTH1)
	}
	var row store.Session
	mintNew := false
	_, err = s.store.UpdateSession(ctx, t.SessionHandle, func(r *store.Session) error {
		row = *r
		switch {
		case parentRTH2 != "" && equal(r.RefreshTokenHash2, parentRTH2):
			// The refresh that minted this token has been used: its
			// child becomes the session's refresh token.
			r.RefreshTokenHash2 = rth2
			r.ExpiresAt = now.Add(s.rtLife).Truncate(time.Millisecond)
			row, mintNew = *r, true
			return nil
		case equal(r.RefreshTokenHash2, rth2) || payloadStale:
			mintNew = true
		}
		return errNoChange
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return Tokens{}, unauthorised(msgVerifyNoRow)
	case err != nil && !errors.Is(err, errNoChange):
		return Tokens{}, err
	}
	if !mintNew {
		return unchanged, nil
	}
	// Minted by promotion: full validity, no jitter, no parent, the
	// stored payload.
	primary, err := s.primary(ctx, row.UserID)
	if err != nil {
		return Tokens{}, err
	}
	at, inf, err := s.mint(ctx, row, primary, accessToken{RTH1: t.RTH1, AntiCSRF: t.AntiCSRF}, now, false)
	if err != nil {
		return Tokens{}, err
	}
	return Tokens{Session: inf, AccessToken: at}, nil
}

// errNoChange aborts an UpdateSession whose callback decided not to write.
var errNoChange = errors.New("session: no change")

// RefreshInput is the input of Refresh.
type RefreshInput struct {
	RefreshToken   string
	AntiCSRFToken  *string
	EnableAntiCSRF bool
	UseDynamicKey  bool
}

// Refresh trades a refresh token for a new access and refresh token (CDI:
// POST /recipe/session/refresh), with the legacy semantics (reference
// §2.4.4): the session's current refresh token yields a child and leaves
// the stored hash alone; a child of the current token is promoted first;
// any other token is theft.
func (s *Service) Refresh(ctx context.Context, in RefreshInput) (Tokens, error) {
	key, err := s.refreshKey(ctx)
	if err != nil {
		return Tokens{}, err
	}
	rt, err := decodeRefreshToken(in.RefreshToken, key)
	if err != nil {
		return Tokens{}, unauthorised(msgBadRefreshToken)
	}
	if in.EnableAntiCSRF && rt.AntiCSRF != "" {
		if in.AntiCSRFToken == nil || !equal(*in.AntiCSRFToken, rt.AntiCSRF) {
			return Tokens{}, unauthorised(msgAntiCSRFRefresh)
		}
	}
	presentedRaw, presented := rth1(in.RefreshToken)
	presentedRTH2 := sha256Hex(presented)
	var parentRTH2 string
	if rt.ParentRTH1 != nil {
		parentRTH2 = sha256Hex(hex.EncodeToString(rt.ParentRTH1))
	}
	now := s.now()
	var row store.Session
	var theft bool
	_, err = s.store.UpdateSession(ctx, rt.Handle, func(r *store.Session) error {
		if r.ExpiresAt.Before(now) {
			return errGone
		}
		changed := false
		switch {
		case equal(r.RefreshTokenHash2, presentedRTH2):
			// The current token: mint a child, keep the stored hash, so
			// that a client that lost the answer can refresh again.
		case parentRTH2 != "" && equal(r.RefreshTokenHash2, parentRTH2):
			r.RefreshTokenHash2 = presentedRTH2
			r.ExpiresAt = now.Add(s.rtLife).Truncate(time.Millisecond)
			changed = true
		default:
			row, theft = *r, true
			return errNoChange
		}
		if r.UseStaticKey == in.UseDynamicKey {
			r.UseStaticKey = !in.UseDynamicKey
			changed = true
		}
		// Activity: recorded at most once per interval per session, so a
		// busy client's refreshes cost no more writes.
		if !s.activityOff && now.Sub(r.LastRefreshed) >= s.activityEvery {
			r.LastRefreshed = now.Truncate(time.Millisecond)
			changed = true
		}
		row = *r
		if !changed {
			return errNoChange
		}
		return nil
	})
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, errGone):
		return Tokens{}, unauthorised(msgRefreshNoRow)
	case err != nil && !errors.Is(err, errNoChange):
		return Tokens{}, err
	case theft:
		primary, err := s.primary(ctx, row.UserID)
		if err != nil {
			return Tokens{}, err
		}
		return Tokens{}, tokenTheft(row, primary)
	}
	// Suspending revokes the user's sessions; this catches a session
	// created while the suspension was being written.
	primary, suspended, err := s.standing(ctx, row.UserID)
	if err != nil {
		return Tokens{}, err
	} else if suspended {
		if _, err := s.store.DeleteSessions(ctx, []string{row.Handle}); err != nil {
			return Tokens{}, err
		}
		return Tokens{}, unauthorised(msgSuspended)
	}

	var csrf string
	if in.EnableAntiCSRF {
		csrf = uuid.NewString()
	}
	child, childHash, err := s.newRefreshToken(ctx, refreshToken{Handle: row.Handle, ParentRTH1: presentedRaw, AntiCSRF: csrf})
	if err != nil {
		return Tokens{}, err
	}
	at, inf, err := s.mint(ctx, row, primary, accessToken{RTH1: childHash, ParentRTH1: presented, AntiCSRF: csrf}, now, true)
	if err != nil {
		return Tokens{}, err
	}
	created := now.Truncate(time.Millisecond)
	return Tokens{
		Session:     inf,
		AccessToken: at,
		// As the Java core does, the new token's cookie lives a full
		// refresh validity; the row's expiry moves when the child is
		// promoted.
		RefreshToken:  &Token{Token: child, Expiry: created.Add(s.rtLife), CreatedTime: created},
		AntiCSRFToken: csrf,
	}, nil
}

// errGone aborts an update of an expired session.
var errGone = errors.New("session: expired")

// Regenerate re-signs an access token with a new payload, or the stored
// one when payload is nil (CDI: POST /recipe/session/regenerate). As the
// reference says, the token's signature is not checked; the new token keeps
// its expiry, hashes and anti-CSRF token. An expired token gets no new
// token, only the session.
func (s *Service) Regenerate(ctx context.Context, accessTokenText string, payload json.RawMessage) (Tokens, error) {
	t, _, _, err := parseAccessToken(accessTokenText)
	if err != nil {
		// The Java core fails with a 500 here; bad input is a 400.
		return Tokens{}, cdi.BadRequest(msgBadAccessToken)
	}
	if payload != nil {
		if err := checkPayload(payload); err != nil {
			return Tokens{}, err
		}
	}
	now := s.now()
	var row store.Session
	_, err = s.store.UpdateSession(ctx, t.SessionHandle, func(r *store.Session) error {
		if !r.ExpiresAt.After(now) {
			return errGone
		}
		if payload != nil {
			r.JWTPayload = payload
		}
		row = *r
		if payload == nil {
			return errNoChange
		}
		return nil
	})
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, errGone):
		return Tokens{}, unauthorised(msgNoSession)
	case err != nil && !errors.Is(err, errNoChange):
		return Tokens{}, err
	}
	inf, err := s.info(ctx, row)
	if err != nil {
		return Tokens{}, err
	}
	out := Tokens{Session: inf}
	if t.Expiry*1000 < now.UnixMilli() {
		return out, nil
	}
	t.Payload = row.JWTPayload
	t.UserID, t.RecipeUserID, t.TenantID = inf.UserID, row.UserID, row.TenantID
	t.IssuedAt = now.Unix()
	key, err := s.keys.SigningKey(ctx, s.keys.Algorithm(), !row.UseStaticKey)
	if err != nil {
		return Tokens{}, err
	}
	text, err := t.mint(key)
	if err != nil {
		return Tokens{}, err
	}
	out.AccessToken = &Token{Token: text, Expiry: time.UnixMilli(t.Expiry * 1000), CreatedTime: time.UnixMilli(t.IssuedAt * 1000)}
	return out, nil
}

// Get returns a live session (CDI: GET /recipe/session, GET
// /recipe/session/data, GET /recipe/jwt/data). ErrUnauthorised when it is
// missing or expired.
func (s *Service) Get(ctx context.Context, handle string) (store.Session, error) {
	row, err := s.store.Session(ctx, handle)
	if errors.Is(err, store.ErrNotFound) || err == nil && !row.ExpiresAt.After(s.now()) {
		return store.Session{}, unauthorised(msgNoSession)
	}
	return row, err
}

// UpdateData replaces a live session's userDataInDatabase (CDI: PUT
// /recipe/session/data).
func (s *Service) UpdateData(ctx context.Context, handle string, data json.RawMessage) error {
	if _, err := objectMembers(data); err != nil {
		return errInvalidPayload
	}
	return s.update(ctx, handle, func(r *store.Session) { r.SessionData = data })
}

// UpdateJWTPayload replaces a live session's stored access-token payload
// (CDI: PUT /recipe/jwt/data). Tokens already issued keep theirs.
func (s *Service) UpdateJWTPayload(ctx context.Context, handle string, payload json.RawMessage) error {
	if err := checkPayload(payload); err != nil {
		return err
	}
	return s.update(ctx, handle, func(r *store.Session) { r.JWTPayload = payload })
}

func (s *Service) update(ctx context.Context, handle string, change func(*store.Session)) error {
	now := s.now()
	_, err := s.store.UpdateSession(ctx, handle, func(r *store.Session) error {
		if !r.ExpiresAt.After(now) {
			return errGone
		}
		change(r)
		return nil
	})
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, errGone) {
		return unauthorised(msgNoSession)
	}
	return err
}

// RevokeHandles removes sessions by handle and returns those that existed
// (CDI: POST /recipe/session/remove with sessionHandles).
func (s *Service) RevokeHandles(ctx context.Context, handles []string) ([]string, error) {
	if len(handles) == 0 {
		return []string{}, nil
	}
	return s.store.DeleteSessions(ctx, handles)
}

// RevokeUser removes a user's sessions in tenantID, or in every tenant when
// tenantID is "" (CDI: POST /recipe/session/remove with userId).
func (s *Service) RevokeUser(ctx context.Context, userID, tenantID string, linked bool) ([]string, error) {
	ids, err := s.userIDs(ctx, userID, linked)
	if err != nil {
		return nil, err
	}
	return s.store.DeleteUserSessions(ctx, ids, tenantID)
}

// userIDs is the recipe user ids whose sessions a call on userID covers:
// with linked, every login method of its person.
func (s *Service) userIDs(ctx context.Context, userID string, linked bool) ([]string, error) {
	if !linked {
		return []string{userID}, nil
	}
	return s.linked(ctx, userID)
}

// UserHandles returns a user's live session handles in tenantID, or in
// every tenant when tenantID is "" (CDI: GET /recipe/session/user).
func (s *Service) UserHandles(ctx context.Context, userID, tenantID string, linked bool) ([]string, error) {
	ids, err := s.userIDs(ctx, userID, linked)
	if err != nil {
		return nil, err
	}
	return s.store.UserSessionHandles(ctx, ids, tenantID, s.now())
}

// verifyAccessToken parses and checks an access token: signature, key,
// expiry. Failures are TRY_REFRESH_TOKEN.
func (s *Service) verifyAccessToken(ctx context.Context, text string) (accessToken, error) {
	t, parts, kid, err := parseAccessToken(text)
	if err != nil {
		return accessToken{}, tryRefresh(msgBadAccessToken)
	}
	key, err := s.keys.VerifyingKey(ctx, kid)
	if errors.Is(err, signing.ErrKeyNotFound) {
		return accessToken{}, tryRefresh(msgKeyNotFound)
	}
	if err != nil {
		return accessToken{}, err
	}
	if parts.Verify(key, t.Algorithm) != nil {
		return accessToken{}, tryRefresh(msgBadAccessToken)
	}
	if t.Expiry*1000 < s.now().UnixMilli() {
		return accessToken{}, tryRefresh(msgExpired)
	}
	t.StaticKey = strings.HasPrefix(kid, "s-")
	return t, nil
}

// mint signs an access token for row, completing t with the row's user
// (primary, its primary user, is the token's sub), tenant, handle and
// payload, and returns it with the session's Info. With jitter the validity is shortened by a
// random fraction (create and refresh); without, it is full (promotion).
func (s *Service) mint(ctx context.Context, row store.Session, primary string, t accessToken, now time.Time, jitter bool) (*Token, Info, error) {
	key, err := s.keys.SigningKey(ctx, s.keys.Algorithm(), !row.UseStaticKey)
	if err != nil {
		return nil, Info{}, err
	}
	validity := s.validity.Milliseconds()
	if jitter && s.jitter > 0 {
		validity -= int64(rand.Float64() * s.jitter * float64(validity))
	}
	nowMS := now.UnixMilli()
	t.UserID, t.RecipeUserID, t.TenantID = primary, row.UserID, row.TenantID
	t.SessionHandle = row.Handle
	t.Payload = row.JWTPayload
	t.IssuedAt = nowMS / 1000
	t.Expiry = (nowMS + validity) / 1000
	text, err := t.mint(key)
	if err != nil {
		return nil, Info{}, err
	}
	return &Token{Token: text, Expiry: time.UnixMilli(t.Expiry * 1000), CreatedTime: time.UnixMilli(t.IssuedAt * 1000)}, infoOf(row, primary), nil
}

// newRefreshToken encodes t and returns it with its RTH1 (hex).
func (s *Service) newRefreshToken(ctx context.Context, t refreshToken) (string, string, error) {
	key, err := s.refreshKey(ctx)
	if err != nil {
		return "", "", err
	}
	text, err := t.encode(key)
	if err != nil {
		return "", "", err
	}
	_, h := rth1(text)
	return text, h, nil
}

// refreshKey returns the refresh-token HMAC key, derived from the static
// signing key (see the package doc).
func (s *Service) refreshKey(ctx context.Context) ([]byte, error) {
	if k := s.rtKey.Load(); k != nil {
		return *k, nil
	}
	s.rtKeyMu.Lock()
	defer s.rtKeyMu.Unlock()
	if k := s.rtKey.Load(); k != nil {
		return *k, nil
	}
	// Always RS256's static key: the HMAC key must not change when the
	// access tokens' algorithm does, or every refresh token would fail.
	k, err := s.keys.StaticKey(ctx, signing.RS256)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k.Private)
	if err != nil {
		return nil, err
	}
	key, err := hkdf.Key(sha256.New, der, []byte(k.ID), "latchkey refresh token v1", 32)
	if err != nil {
		return nil, fmt.Errorf("session: derive refresh-token key: %w", err)
	}
	s.rtKey.Store(&key)
	return key, nil
}

// info is the session summary of a row: the recipe user the session was
// made for and, read now, its primary user.
func (s *Service) info(ctx context.Context, row store.Session) (Info, error) {
	primary, err := s.primary(ctx, row.UserID)
	if err != nil {
		return Info{}, err
	}
	return infoOf(row, primary), nil
}

// infoOf is row's Info, with primary its user's primary user id.
func infoOf(row store.Session, primary string) Info {
	return Info{
		Handle: row.Handle, UserID: primary, RecipeUserID: row.UserID,
		UserDataInJWT: orEmptyObject(row.JWTPayload), TenantID: row.TenantID,
	}
}

// PrimaryUserID returns the primary user of a recipe user id.
func (s *Service) PrimaryUserID(ctx context.Context, recipeUserID string) (string, error) {
	return s.primary(ctx, recipeUserID)
}

// equal compares secrets in constant time.
func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// sameJSON reports whether two JSON objects hold the same values.
func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(orEmptyObject(a), &x) != nil || json.Unmarshal(orEmptyObject(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
