package session

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"sync"
	"time"

	"github.com/latchkey-dev/latchkey"
)

// Session is a verified session of one request. Its methods that change
// the access token send the new token on the response it came with.
type Session struct {
	rc   *Recipe
	w    http.ResponseWriter
	r    *http.Request
	mode TokenTransferMethod

	mu    sync.Mutex
	token *accessToken
}

func (rc *Recipe) newSession(t *accessToken, w http.ResponseWriter, r *http.Request, mode TokenTransferMethod) *Session {
	return &Session{rc: rc, w: w, r: r, mode: mode, token: t}
}

func (s *Session) tok() *accessToken {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.token
}

// UserID returns the session's user (the primary user when accounts are
// linked).
func (s *Session) UserID() string { return s.tok().claims.Sub }

// RecipeUserID returns the login method's user id that the session was
// created for.
func (s *Session) RecipeUserID() string { return s.tok().claims.RecipeUserID }

// TenantID returns the session's tenant.
func (s *Session) TenantID() string {
	return latchkey.TenantOrDefault(s.tok().claims.TenantID)
}

// Handle returns the session handle, its id in the core.
func (s *Session) Handle() string { return s.tok().claims.SessionHandle }

// AccessToken returns the current access token.
func (s *Session) AccessToken() string { return s.tok().raw }

// AccessTokenExpiry returns when the access token expires.
func (s *Session) AccessTokenExpiry() time.Time { return time.Unix(s.tok().claims.Exp, 0) }

// AccessTokenPayload returns a copy of the access token's payload: sub,
// exp, iat, sessionHandle, tId, iss and the claims.
func (s *Session) AccessTokenPayload() map[string]any { return maps.Clone(s.tok().Payload()) }

// MergeIntoAccessTokenPayload changes the payload (a nil value removes a
// key; protected claims are ignored) and sends the new access token.
func (s *Session) MergeIntoAccessTokenPayload(ctx context.Context, update map[string]any) error {
	t := s.tok()
	p := mergePayload(t.Payload(), update)
	res, err := s.rc.Service().RegenerateAccessToken(ctx, t.raw, p)
	if err != nil {
		return err
	}
	if res.AccessToken == nil {
		return nil // the token expired; the next refresh carries the payload
	}
	nt, err := parseAccessToken(res.AccessToken.AccessToken)
	if err != nil {
		return errors.New("session: the core returned an access token that does not parse")
	}
	s.mu.Lock()
	s.token = nt
	s.mu.Unlock()
	if s.w != nil {
		s.rc.setAccessToken(s.w, s.r, nt, res.AccessToken.AccessTokenExpiry, s.mode)
	}
	return nil
}

// DataInDatabase returns the session's server-side data.
func (s *Session) DataInDatabase(ctx context.Context) (map[string]any, error) {
	info, err := s.rc.Service().SessionInformation(ctx, s.Handle())
	if err != nil {
		return nil, err
	}
	if info == nil {
		return nil, &UnauthorisedError{Message: "the session does not exist any more"}
	}
	return info.SessionDataInDatabase, nil
}

// UpdateDataInDatabase replaces the session's server-side data.
func (s *Session) UpdateDataInDatabase(ctx context.Context, data map[string]any) error {
	ok, err := s.rc.Service().UpdateSessionDataInDatabase(ctx, s.Handle(), data)
	if err == nil && !ok {
		err = &UnauthorisedError{Message: "the session does not exist any more"}
	}
	return err
}

// Information returns what the core holds about the session: its expiry
// and creation time among others.
func (s *Session) Information(ctx context.Context) (*Information, error) {
	info, err := s.rc.Service().SessionInformation(ctx, s.Handle())
	if err == nil && info == nil {
		err = &UnauthorisedError{Message: "the session does not exist any more"}
	}
	return info, err
}

// Revoke ends the session and clears its tokens on the response, even if
// the core had already forgotten it.
func (s *Session) Revoke(ctx context.Context) error {
	if _, err := s.rc.Service().RevokeSession(ctx, s.Handle()); err != nil {
		return err
	}
	if s.w != nil {
		s.rc.clearTokens(s.w, s.r)
	}
	return nil
}

// AssertClaims runs validators: it refetches the claims they ask for
// (sending the updated token), then fails with *InvalidClaimError if any
// fails.
func (s *Session) AssertClaims(ctx context.Context, validators ...Validator) error {
	if len(validators) == 0 {
		return nil
	}
	now := s.rc.lk.Now()
	payload := s.tok().Payload()
	update := map[string]any{}
	for _, v := range validators {
		if v.Claim == nil || v.ShouldRefetch == nil || !v.ShouldRefetch(payload, now) {
			continue
		}
		if _, done := update[v.Claim.Key]; done {
			continue
		}
		add, err := v.Claim.Build(ctx, s.UserID(), s.RecipeUserID(), s.TenantID(), now)
		if err != nil {
			return err
		}
		for k, val := range add {
			update[k] = val
		}
	}
	if len(update) > 0 {
		if err := s.MergeIntoAccessTokenPayload(ctx, update); err != nil {
			return err
		}
		payload = mergePayload(payload, update)
	}
	var failed []ClaimValidationError
	for _, v := range validators {
		if v.Validate == nil {
			continue
		}
		if ok, reason := v.Validate(payload, now); !ok {
			failed = append(failed, ClaimValidationError{ID: v.ID, Reason: reason})
		}
	}
	if len(failed) > 0 {
		return &InvalidClaimError{Claims: failed}
	}
	return nil
}

// FetchAndSetClaim fetches c anew and puts it in the access token.
func (s *Session) FetchAndSetClaim(ctx context.Context, c *Claim) error {
	add, err := c.Build(ctx, s.UserID(), s.RecipeUserID(), s.TenantID(), s.rc.lk.Now())
	if err != nil {
		return err
	}
	if add == nil {
		add = map[string]any{c.Key: nil}
	}
	return s.MergeIntoAccessTokenPayload(ctx, add)
}

// SetClaimValue puts value for c in the access token.
func (s *Session) SetClaimValue(ctx context.Context, c *Claim, value any) error {
	return s.MergeIntoAccessTokenPayload(ctx, map[string]any{c.Key: map[string]any{"v": jsonValue(value), "t": s.rc.lk.Now().UnixMilli()}})
}

// ClaimValue returns c's value in the access token.
func (s *Session) ClaimValue(c *Claim) (any, bool) { return c.Value(s.tok().Payload()) }

// RemoveClaim removes c from the access token.
func (s *Session) RemoveClaim(ctx context.Context, c *Claim) error {
	return s.MergeIntoAccessTokenPayload(ctx, map[string]any{c.Key: nil})
}
