package session

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey"
)

// APIs are the session recipe's HTTP APIs. Config.APIOverride wraps them;
// embed the value it is given to replace one, or return
// latchkey.ErrNotHandled from a method to turn that API off.
type APIs interface {
	// Refresh serves POST {apiBasePath}/session/refresh.
	Refresh(w http.ResponseWriter, r *http.Request) error
	// SignOut serves POST {apiBasePath}/signout for the session s.
	SignOut(w http.ResponseWriter, r *http.Request, s *Session) error
}

// Routes implements latchkey.RouteProvider.
func (rc *Recipe) Routes() []latchkey.Route {
	return []latchkey.Route{
		{Method: "POST", Path: "/session/refresh", Handler: func(w http.ResponseWriter, r *http.Request) error {
			return rc.apis.Refresh(w, r)
		}},
		// The core's public keys, for services that verify access tokens
		// themselves (reference/sdk-fdi.md §2.9, jwt and openid).
		{Method: "GET", Path: "/jwt/jwks.json", Handler: rc.serveJWKS},
		{Method: "GET", Path: "/.well-known/openid-configuration", Handler: rc.serveOpenIDConfiguration},
		{Method: "POST", Path: "/signout", Handler: func(w http.ResponseWriter, r *http.Request) error {
			// Sign-out needs a session but skips the claim validators, so
			// that an unverified user can still sign out.
			s, err := rc.GetSession(w, r, &VerifyOptions{OverrideGlobalClaimValidators: noValidators})
			if err != nil {
				return err
			}
			return rc.apis.SignOut(w, r, s)
		}},
	}
}

// APIs returns the recipe's HTTP APIs, with Config.APIOverride applied.
func (rc *Recipe) APIs() APIs { return rc.apis }

func noValidators(context.Context, *Session, []Validator) ([]Validator, error) { return nil, nil }

type defaultAPIs struct{ rc *Recipe }

func (a defaultAPIs) SignOut(w http.ResponseWriter, r *http.Request, s *Session) error {
	if err := s.Revoke(r.Context()); err != nil {
		return err
	}
	latchkey.WriteJSON(w, http.StatusOK, map[string]string{"status": "OK"})
	return nil
}

func (a defaultAPIs) Refresh(w http.ResponseWriter, r *http.Request) error {
	s, err := a.rc.RefreshSession(w, r)
	if err != nil || s == nil {
		return err // nil s: the duplicate-cookie answer is written
	}
	latchkey.WriteJSON(w, http.StatusOK, struct{}{})
	return nil
}

// RefreshSession swaps the request's refresh token for new tokens and sends
// them on w, in the transfer method the refresh token came in
// (reference/sdk-fdi.md §2.2, "Refresh API"). It returns nil, nil when it
// answered the request itself (clearing duplicate cookies of
// Config.OlderCookieDomain). A refresh token used a second time revokes
// the session, calls Config.OnTokenTheftDetected, and returns a
// *TokenTheftDetectedError.
func (rc *Recipe) RefreshSession(w http.ResponseWriter, r *http.Request) (*Session, error) {
	if rc.lk == nil {
		return nil, errNotInitialised
	}
	allowed := rc.transferMethod(r, false)
	cookies := cookieValues(r, refreshTokenCookie)
	if len(cookies) > 1 && rc.cfg.OlderCookieDomain != "" {
		// Duplicates left by an older cookie domain: clear them there and
		// let the frontend retry.
		rc.setCookie(w, r, accessTokenCookie, "", "/", rc.cfg.OlderCookieDomain, time.Unix(0, 0))
		rc.setCookie(w, r, refreshTokenCookie, "", rc.refreshPath(), rc.cfg.OlderCookieDomain, time.Unix(0, 0))
		latchkey.WriteJSON(w, http.StatusOK, map[string]string{"message": "cleared session cookies from the older cookie domain; retry the request"})
		return nil, nil
	}
	var token string
	var from TokenTransferMethod
	if b := bearer(r); b != "" && allowed != TransferCookie {
		token, from = b, TransferHeader
	} else if len(cookies) > 0 && cookies[0] != "" && allowed != TransferHeader {
		token, from = cookies[0], TransferCookie
	}
	if token == "" {
		return nil, &UnauthorisedError{Message: "Refresh token not found. Are you sending the refresh token in the request?"}
	}
	var antiCSRF string
	if from == TransferCookie {
		switch rc.antiCSRF(r) {
		case AntiCSRFViaCustomHeader:
			if strings.TrimSpace(r.Header.Get("rid")) == "" {
				return nil, &UnauthorisedError{Message: "anti-csrf check failed: send the rid header"}
			}
		case AntiCSRFViaToken:
			antiCSRF = r.Header.Get(antiCSRFHeader)
		}
	}
	cs, err := rc.Service().RefreshSession(r.Context(), token, antiCSRF, from == TransferHeader)
	var theft *TokenTheftDetectedError
	if errors.As(err, &theft) {
		rc.tokenTheftDetected(r, theft)
	}
	if err != nil {
		return nil, err
	}
	t, err := parseAccessToken(cs.Tokens.AccessToken)
	if err != nil {
		return nil, err
	}
	if from == TransferCookie && bearer(r) != "" {
		rc.clearMode(w, r, TransferHeader)
	}
	if from == TransferHeader && len(cookieValues(r, accessTokenCookie)) > 0 {
		rc.clearMode(w, r, TransferCookie)
	}
	if len(cookieValues(r, legacyIDRefreshName)) > 0 {
		rc.setCookie(w, r, legacyIDRefreshName, "", rc.refreshPath(), rc.cfg.CookieDomain, time.Unix(0, 0))
	}
	rc.setTokens(w, r, t, cs.Tokens, from)
	return rc.newSession(t, w, r, from), nil
}

// tokenTheftDetected revokes a session whose refresh token was used twice
// and calls Config.OnTokenTheftDetected. The core reports the theft but
// does not revoke (CDI 5.4); the SDK does, here rather than where the
// error is answered, so that an app handling the error itself is covered.
// A failure to revoke is logged: the theft error still goes back.
func (rc *Recipe) tokenTheftDetected(r *http.Request, theft *TokenTheftDetectedError) {
	ctx := context.WithoutCancel(r.Context())
	if _, err := rc.Service().RevokeSession(ctx, theft.SessionHandle); err != nil {
		rc.lk.Logger().ErrorContext(ctx, "session: revoking a session whose refresh token was stolen", "sessionHandle", theft.SessionHandle, "err", err)
	}
	if rc.cfg.OnTokenTheftDetected != nil {
		rc.cfg.OnTokenTheftDetected(r, theft)
	}
}

func (rc *Recipe) serveJWKS(w http.ResponseWriter, r *http.Request) error {
	raw, err := rc.lk.Core().JWKS(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=60, must-revalidate")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, _ = w.Write(raw)
	return nil
}

func (rc *Recipe) serveOpenIDConfiguration(w http.ResponseWriter, r *http.Request) error {
	issuer := rc.lk.App().APIDomain + rc.lk.App().APIBasePath
	latchkey.WriteJSON(w, http.StatusOK, map[string]string{"issuer": issuer, "jwks_uri": issuer + "/jwt/jwks.json"})
	return nil
}
