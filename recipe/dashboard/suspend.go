package dashboard

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey"
)

// Suspensions are a Latchkey extension of the dashboard API:
//
//	GET    /dashboard/api/user/suspension?userId=   the user's suspension, or none
//	POST   /dashboard/api/user/suspension           {userId, reason, until?} suspends
//	DELETE /dashboard/api/user/suspension?userId=   reinstates
//	GET    /dashboard/api/users?suspended=true      the suspended users, newest first
//
// and every user of GET /dashboard/api/users carries "suspension" when
// suspended. The actor recorded is the signed-in account's email ("API
// key" in API-key mode). Against a core without suspensions (an official
// SuperTokens core) the list simply shows none.

// apiKeyActor is the actor of a write made with the API key.
const apiKeyActor = "API key"

// maxSuspendReason caps the reason the dashboard sends (the core's cap).
const maxSuspendReason = 1000

func actor(ctx context.Context) string {
	if c := callerFrom(ctx); c.email != "" {
		return c.email
	}
	return apiKeyActor
}

// suspensionsFor reads the suspensions of a page of users in one core
// call; nil (and no error) once the core has shown it has no suspensions.
func (rc *Recipe) suspensionsFor(ctx context.Context, users []latchkey.User) (map[string]latchkey.Suspension, error) {
	if len(users) == 0 || rc.noSuspensions.Load() {
		return nil, nil
	}
	ids := make([]string, len(users))
	for i := range users {
		ids[i] = users[i].ID
	}
	m, err := rc.lk.Suspensions(ctx, ids)
	var ce *latchkey.CoreError
	if errors.As(err, &ce) && ce.Code == http.StatusNotFound {
		rc.noSuspensions.Store(true)
		return nil, nil
	}
	return m, err
}

// suspendedUsers serves GET /dashboard/api/users?suspended=true: a page
// of the tenant's suspended users, most recently suspended first.
func (rc *Recipe) suspendedUsers(w http.ResponseWriter, r *http.Request, limit int) error {
	if rc.noSuspensions.Load() {
		writeStatus(w, "OK", map[string]any{"users": []listedUser{}})
		return nil
	}
	page, err := rc.lk.ListSuspendedUsers(r.Context(), latchkey.TenantID(r.Context()), min(limit, latchkey.MaxSuspendedUsersPerPage), r.URL.Query().Get("paginationToken"))
	var ce *latchkey.CoreError
	switch {
	case errors.As(err, &ce) && ce.Code == http.StatusNotFound:
		rc.noSuspensions.Store(true)
		writeStatus(w, "OK", map[string]any{"users": []listedUser{}})
		return nil
	case errors.As(err, &ce) && ce.Code == http.StatusBadRequest:
		return badInput(ce.Body)
	case err != nil:
		return err
	}
	plain := make([]latchkey.User, len(page.Users))
	for i := range page.Users {
		plain[i] = page.Users[i].User
	}
	users, err := rc.withNames(r.Context(), plain)
	if err != nil {
		return err
	}
	for i := range users {
		su := page.Users[i].Suspension
		users[i].Suspension = &su
	}
	out := map[string]any{"users": users}
	if page.NextPaginationToken != "" {
		out["nextPaginationToken"] = page.NextPaginationToken
	}
	writeStatus(w, "OK", out)
	return nil
}

// suspension serves GET /dashboard/api/user/suspension?userId=: {status:
// "OK", suspension} with suspension null when the user is not suspended.
func (rc *Recipe) suspension(w http.ResponseWriter, r *http.Request) error {
	id, err := query(r, "userId")
	if err != nil {
		return err
	}
	if rc.noSuspensions.Load() {
		featureNotEnabled(w)
		return nil
	}
	m, err := rc.lk.Suspensions(r.Context(), []string{id})
	var ce *latchkey.CoreError
	if errors.As(err, &ce) && ce.Code == http.StatusNotFound {
		rc.noSuspensions.Store(true)
		featureNotEnabled(w)
		return nil
	}
	if err != nil {
		return err
	}
	var out *latchkey.Suspension
	if su, ok := m[id]; ok {
		out = &su
	}
	writeStatus(w, "OK", map[string]any{"suspension": out})
	return nil
}

// suspend serves POST /dashboard/api/user/suspension: {userId, reason,
// until?} (until in milliseconds since the epoch, or absent). It answers
// {status: "OK", suspension, revokedSessions}, or the statuses
// UNKNOWN_USER_ERROR and ALREADY_SUSPENDED_ERROR; bad input is a 400.
func (rc *Recipe) suspend(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	id, err := b.nonEmpty("userId")
	if err != nil {
		return err
	}
	reason, err := b.nonEmpty("reason")
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > maxSuspendReason {
		return badInput("'reason' must be at most " + strconv.Itoa(maxSuspendReason) + " characters")
	}
	opts := latchkey.SuspendOptions{Reason: reason, Actor: actor(r.Context())}
	if b.has("until") {
		ms, ok := b.int64("until")
		if !ok {
			return badInput("'until' must be a time in milliseconds since the epoch, or absent")
		}
		// The core judges "in the future" by its own clock.
		opts.Until = time.UnixMilli(ms)
	}
	su, revoked, err := rc.lk.SuspendUser(r.Context(), id, opts)
	var ce *latchkey.CoreError
	switch {
	case errors.As(err, &ce) && ce.Code == http.StatusNotFound && ce.Body == "Unknown user id":
		writeStatus(w, "UNKNOWN_USER_ERROR", nil)
		return nil
	case errors.As(err, &ce) && ce.Code == http.StatusNotFound:
		featureNotEnabled(w)
		return nil
	case errors.As(err, &ce) && ce.Code == http.StatusConflict:
		writeStatus(w, "ALREADY_SUSPENDED_ERROR", nil)
		return nil
	case errors.As(err, &ce) && ce.Code == http.StatusBadRequest:
		return badInput(ce.Body)
	case err != nil:
		return err
	}
	writeStatus(w, "OK", map[string]any{"suspension": su, "revokedSessions": len(revoked)})
	return nil
}

// reinstate serves DELETE /dashboard/api/user/suspension?userId=: {status:
// "OK"}, or UNKNOWN_USER_ERROR and NOT_SUSPENDED_ERROR.
func (rc *Recipe) reinstate(w http.ResponseWriter, r *http.Request) error {
	id, err := query(r, "userId")
	if err != nil {
		return err
	}
	_, err = rc.lk.ReinstateUser(r.Context(), id)
	var ce *latchkey.CoreError
	switch {
	case errors.As(err, &ce) && ce.Code == http.StatusNotFound && ce.Body == "Unknown user id":
		writeStatus(w, "UNKNOWN_USER_ERROR", nil)
		return nil
	case errors.As(err, &ce) && ce.Code == http.StatusNotFound:
		featureNotEnabled(w)
		return nil
	case errors.As(err, &ce) && ce.Code == http.StatusConflict:
		writeStatus(w, "NOT_SUSPENDED_ERROR", nil)
		return nil
	case err != nil:
		return err
	}
	writeStatus(w, "OK", nil)
	return nil
}
