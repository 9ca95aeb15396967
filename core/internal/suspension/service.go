package suspension

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/store"
)

// Store is what the service needs from the store.
type Store interface {
	store.Suspensions
	store.Activity
	User(ctx context.Context, userID string) (store.User, error)
	// PrimaryUserID maps a login method's id to its person's (account
	// linking): a suspension is the person's, whichever way they come in.
	PrimaryUserID(ctx context.Context, userID string) (string, error)
	// MetadataForUsers reads a page's metadata, for the page extras.
	MetadataForUsers(ctx context.Context, userIDs []string) (map[string]json.RawMessage, error)
}

// Limits on what a caller may send.
const (
	// MaxReasonRunes caps a suspension's reason.
	MaxReasonRunes = 1000
	// MaxActorRunes caps the actor's name.
	MaxActorRunes = 200
	// MaxBulkUsers caps the ids of one bulk read (a page of users).
	MaxBulkUsers = 1000
	// MaxListLimit caps one page of suspended users.
	MaxListLimit = 100
)

// Refusals, as clear 4xx answers.
var (
	ErrUnknownUser      = &cdi.HTTPError{Code: http.StatusNotFound, Message: "Unknown user id"}
	ErrAlreadySuspended = &cdi.HTTPError{Code: http.StatusConflict, Message: "User is already suspended"}
	ErrNotSuspended     = &cdi.HTTPError{Code: http.StatusConflict, Message: "User is not suspended"}
	errUntilInPast      = cdi.BadRequest("Field name 'until' must be a time in the future, in milliseconds since the epoch")
	errNoReason         = cdi.BadRequest("Field name 'reason' must be a non-empty string")
	errReasonTooLong    = cdi.BadRequestf("Field name 'reason' is longer than %d characters", MaxReasonRunes)
	errActorTooLong     = cdi.BadRequestf("Field name 'actor' is longer than %d characters", MaxActorRunes)
	errTooManyUsers     = cdi.BadRequestf("Field name 'userIds' holds more than %d user ids", MaxBulkUsers)
)

// ErrSuspended is the sign-in endpoints' answer for a suspended user:
// SIGN_IN_NOT_ALLOWED, which supertokens-node 24 already handles (the
// email-password recipe as WRONG_CREDENTIALS_ERROR, passwordless and
// third-party as SIGN_IN_UP_NOT_ALLOWED with a "contact support" reason),
// and "suspended": true, by which the Go SDK tells it apart.
var ErrSuspended = cdi.Status("SIGN_IN_NOT_ALLOWED").With("reason", "User is suspended").With("suspended", true)

// ErrSessionRefused is POST /recipe/session's answer for a suspended user.
var ErrSessionRefused = &cdi.HTTPError{Code: http.StatusForbidden, Message: "User is suspended"}

// Service is the suspension logic.
type Service struct {
	Store Store
	// Now tells the time. Default: time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Suspend suspends the user until until (zero: until reinstated) and
// returns the suspension and the handles of the sessions it revoked.
func (s *Service) Suspend(ctx context.Context, userID, reason, actor string, until time.Time) (store.Suspension, []string, error) {
	now := s.now().Truncate(time.Millisecond)
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return store.Suspension{}, nil, errNoReason
	case utf8.RuneCountInString(reason) > MaxReasonRunes:
		return store.Suspension{}, nil, errReasonTooLong
	case utf8.RuneCountInString(actor) > MaxActorRunes:
		return store.Suspension{}, nil, errActorTooLong
	case !until.IsZero() && !until.After(now):
		return store.Suspension{}, nil, errUntilInPast
	}
	userID, err := s.Store.PrimaryUserID(ctx, userID)
	if err != nil {
		return store.Suspension{}, nil, err
	}
	su := store.Suspension{UserID: userID, Reason: reason, Actor: strings.TrimSpace(actor), SuspendedAt: now, Until: until}
	handles, err := s.Store.SuspendUser(ctx, su, now)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.Suspension{}, nil, ErrUnknownUser
	case errors.Is(err, store.ErrAlreadyExists):
		return store.Suspension{}, nil, ErrAlreadySuspended
	case err != nil:
		return store.Suspension{}, nil, err
	}
	return su, handles, nil
}

// Reinstate lifts the user's suspension and returns it.
func (s *Service) Reinstate(ctx context.Context, userID string) (store.Suspension, error) {
	userID, err := s.Store.PrimaryUserID(ctx, userID)
	if err != nil {
		return store.Suspension{}, err
	}
	su, err := s.Store.ReinstateUser(ctx, userID, s.now())
	if errors.Is(err, store.ErrNotFound) {
		if _, uerr := s.Store.User(ctx, userID); errors.Is(uerr, store.ErrNotFound) {
			return store.Suspension{}, ErrUnknownUser
		}
		return store.Suspension{}, ErrNotSuspended
	}
	return su, err
}

// Suspended reports whether the user is suspended now.
func (s *Service) Suspended(ctx context.Context, userID string) (bool, error) {
	userID, err := s.Store.PrimaryUserID(ctx, userID)
	if err != nil {
		return false, err
	}
	_, err = s.Store.Suspension(ctx, userID, s.now())
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Check is what every sign-in asks after the credentials proved right:
// nil when the user may sign in, ErrSuspended when not.
func (s *Service) Check(ctx context.Context, userID string) error {
	suspended, err := s.Suspended(ctx, userID)
	if err != nil {
		return err
	}
	if suspended {
		return ErrSuspended
	}
	return nil
}

// ForUsers returns the active suspensions of those of userIDs that have
// one. At most MaxBulkUsers distinct ids.
func (s *Service) ForUsers(ctx context.Context, userIDs []string) (map[string]store.Suspension, error) {
	seen := make(map[string]struct{}, len(userIDs))
	for _, id := range userIDs {
		seen[id] = struct{}{}
	}
	if len(seen) > MaxBulkUsers {
		return nil, errTooManyUsers
	}
	return s.Store.SuspensionsForUsers(ctx, userIDs, s.now())
}

// List returns a page of the tenant's suspended users, newest first, and
// the token of the next page ("" on the last).
func (s *Service) List(ctx context.Context, tenantID string, limit int, token string) ([]store.Suspension, []store.User, string, error) {
	var after *store.SuspensionCursor
	if token != "" {
		c, err := decodeToken(token)
		if err != nil {
			return nil, nil, "", err
		}
		after = &c
	}
	list, err := s.Store.ListSuspensions(ctx, tenantID, limit+1, after, s.now())
	if err != nil {
		return nil, nil, "", err
	}
	next := ""
	if len(list) > limit {
		next = encodeToken(list[limit])
		list = list[:limit]
	}
	users := make([]store.User, 0, len(list))
	kept := list[:0]
	for _, su := range list {
		u, err := s.Store.User(ctx, su.UserID)
		if errors.Is(err, store.ErrNotFound) {
			continue // deleted since the page was read
		}
		if err != nil {
			return nil, nil, "", err
		}
		users = append(users, u)
		kept = append(kept, su)
	}
	return kept, users, next, nil
}

// encodeToken makes a page token: base64url("<suspended ms>;<userId>").
func encodeToken(su store.Suspension) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(su.SuspendedAt.UnixMilli(), 10) + ";" + su.UserID))
}

var errBadToken = cdi.BadRequest("invalid pagination token")

func decodeToken(token string) (store.SuspensionCursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return store.SuspensionCursor{}, errBadToken
	}
	msText, id, ok := strings.Cut(string(raw), ";")
	if !ok || id == "" || !utf8.ValidString(id) {
		return store.SuspensionCursor{}, errBadToken
	}
	ms, err := strconv.ParseInt(msText, 10, 64)
	if err != nil || ms < 0 {
		return store.SuspensionCursor{}, errBadToken
	}
	return store.SuspensionCursor{SuspendedAt: time.UnixMilli(ms), UserID: id}, nil
}
