package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/userroles"
)

// Bulk actions are a Latchkey extension of the dashboard API:
//
//	POST /dashboard/api/users/bulk
//	{action, userIds: [...]} or {action, match: {email?, phone?, provider?, recipeIds?, suspended?, paginationToken?}}
//	plus role (addRole, removeRole), reason and until (suspend)
//
// answers {status: "OK", action, selected, done, unchanged, failed:
// [{userId, message}], failedCount, notAttempted, more?, continueToken?,
// stopped?}. selected = done + unchanged + failedCount + notAttempted:
// done users were changed, unchanged ones already were as asked (already
// suspended, already had the role), failed ones were refused or the core
// did not answer for them, and notAttempted ones were not tried because
// the run stopped (stopped says why: the core went away, the request was
// cancelled). failed lists at most maxBulkFailures of failedCount.
//
// match selects the users the list shows for the same parameters, in the
// request's tenant, walked page by page up to Config.BulkMatchLimit
// users; more says that more match, and continueToken, sent back as
// match.paginationToken, goes on after the last user acted on. Unknown
// match keys are refused rather than ignored: ignoring a filter would act
// on more users than the operator sees.
//
// Each request is one entry of the audit log (audit.go), whose summary
// names the action, the counts and the selection.

// Bulk caps.
const (
	// maxBulkIDs caps the userIds of one request.
	maxBulkIDs = 1000
	// maxBulkMatch caps the users one "all that match" request walks
	// (Config.BulkMatchLimit may lower it).
	maxBulkMatch = 10000
	// maxBulkFailures caps the failures listed in an answer.
	maxBulkFailures = 100
	// bulkConcurrency bounds the per-user core calls in flight.
	bulkConcurrency = 8
	// maxConcurrentBulks bounds the bulk requests running at once.
	maxConcurrentBulks = 2
	// bulkWriteDeadline is how long a bulk request may take to answer; the
	// server's write timeout (a minute) would cut a large one short.
	bulkWriteDeadline = 10 * time.Minute
	// maxBulkDescription caps the selection's description in the audit
	// summary (the core keeps 2,000 bytes of a summary).
	maxBulkDescription = 600
)

// bulkActions are the actions POST /users/bulk takes.
var bulkActions = []string{"revokeSessions", "suspend", "reinstate", "addRole", "removeRole", "delete"}

// matchKeys are the list parameters a bulk match takes.
var matchKeys = []string{"email", "phone", "provider", "recipeIds", "emailVerified", "role", "joinedFrom", "joinedTo",
	"suspended", "paginationToken"}

// bulkFailure is one user a bulk action failed for.
type bulkFailure struct {
	UserID  string `json:"userId"`
	Message string `json:"message"`
}

// outcome is what one user's call came to.
type outcome int

const (
	changed outcome = iota
	unchanged
	refused // this user failed; go on with the others
	fatal   // the core is away, or the action cannot succeed for anyone: stop
)

// bulkResult is what a run did.
type bulkResult struct {
	mu           sync.Mutex
	done         int
	unchanged    int
	failed       []bulkFailure
	failedCount  int
	notAttempted int
	stopped      string
}

func (b *bulkResult) fail(id, msg string) {
	b.failedCount++
	if len(b.failed) < maxBulkFailures {
		b.failed = append(b.failed, bulkFailure{UserID: id, Message: msg})
	}
}

// bulkAction acts on one user: its outcome and, unless changed or
// unchanged, the message to report.
type bulkAction func(ctx context.Context, userID string) (outcome, string)

// bulkLimit is the most users one match walks.
func (rc *Recipe) bulkLimit() int {
	if n := rc.cfg.BulkMatchLimit; n > 0 && n < maxBulkMatch {
		return n
	}
	return maxBulkMatch
}

// bulkUsers serves POST /dashboard/api/users/bulk (a write route).
func (rc *Recipe) bulkUsers(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	name, err := b.nonEmpty("action")
	if err != nil {
		return err
	}
	if !slices.Contains(bulkActions, name) {
		return badInput("Invalid value received for 'action': use " + strings.Join(bulkActions, ", "))
	}
	act, label, err := rc.bulkActionFor(w, r, b, name)
	if err != nil || act == nil {
		return err
	}
	switch {
	case b.has("userIds") && b.has("match"):
		return badInput("Give either 'userIds' or 'match', not both")
	case !b.has("userIds") && !b.has("match"):
		return badInput("Required parameter 'userIds' or 'match' is missing: select the users to act on")
	}
	select {
	case rc.bulks <- struct{}{}:
		defer func() { <-rc.bulks }()
	default:
		latchkey.WriteJSON(w, http.StatusTooManyRequests, map[string]string{"message": "Other bulk actions are running; try again when they end"})
		return nil
	}
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(bulkWriteDeadline))
	var (
		ids               []string
		description, next string
		more              bool
	)
	if b.has("userIds") {
		if ids, err = bulkIDs(b); err != nil {
			return err
		}
		description = fmt.Sprintf("%d selected users", len(ids))
	} else {
		q, err := matchQuery(b)
		if err != nil {
			return err
		}
		if q, err = rc.searchQuery(q); err != nil {
			return err
		}
		if ids, next, err = rc.walkMatch(r.Context(), q); err != nil {
			return err
		}
		more = next != ""
		description = describeMatch(q, latchkey.TenantID(r.Context()), len(ids), more)
	}
	res := rc.runBulk(r.Context(), ids, act)
	out := map[string]any{"action": name, "selected": len(ids), "done": res.done, "unchanged": res.unchanged,
		"failed": orNoFailures(res.failed), "failedCount": res.failedCount, "notAttempted": res.notAttempted}
	if more {
		out["more"] = true
		out["continueToken"] = next
	}
	if res.stopped != "" {
		out["stopped"] = res.stopped
	}
	summary := fmt.Sprintf("Bulk %s on %s: %d done, %d unchanged, %d failed, %d not attempted", label, description,
		res.done, res.unchanged, res.failedCount, res.notAttempted)
	if res.stopped != "" {
		summary += "; stopped: " + res.stopped
	}
	if note := auditNoteFrom(r.Context()); note != nil {
		note.summary = summary
	}
	writeStatus(w, "OK", out)
	return nil
}

func orNoFailures(f []bulkFailure) []bulkFailure {
	if f == nil {
		return []bulkFailure{}
	}
	return f
}

// bulkIDs reads userIds: 1 to maxBulkIDs non-blank ids, duplicates
// dropped.
func bulkIDs(b body) ([]string, error) {
	raw, err := b.strings("userIds")
	if err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		return nil, badInput("'userIds' is empty: select at least one user")
	}
	if len(raw) > maxBulkIDs {
		return nil, badInput(fmt.Sprintf("Too many 'userIds': at most %d per request; use 'match' to act on every user that matches", maxBulkIDs))
	}
	seen := make(map[string]bool, len(raw))
	ids := make([]string, 0, len(raw))
	for _, id := range raw {
		id = strings.TrimSpace(id)
		if id == "" {
			return nil, badInput("'userIds' must not hold blank ids")
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// matchQuery reads match as the list's query parameters.
func matchQuery(b body) (url.Values, error) {
	var m map[string]any
	if err := json.Unmarshal(b["match"], &m); err != nil || m == nil {
		return nil, badInput("'match' must be an object of the list's search and filter parameters")
	}
	q := url.Values{}
	for k, v := range m {
		if !slices.Contains(matchKeys, k) {
			return nil, badInput("Unknown parameter in 'match': '" + k + "'; use " + strings.Join(matchKeys, ", "))
		}
		s, ok := v.(string)
		if !ok || strings.ContainsRune(s, 0) {
			return nil, badInput("'match." + k + "' must be a string")
		}
		q.Set(k, s)
	}
	switch q.Get("suspended") {
	case "", "false":
		q.Del("suspended")
	case "true":
		if _, err := recipeFilter(q); err != nil {
			return nil, err
		}
		var opts latchkey.ListUsersOptions
		filtered, err := listFilters(q, &opts)
		if err != nil {
			return nil, err
		}
		if isSearch(searchOf(q)) || filtered || q.Get("recipeIds") != "" {
			return nil, badInput("'match.suspended' does not combine with a search or filters, as in the list")
		}
	default:
		return nil, badInput("'match.suspended' must be true or false")
	}
	return q, nil
}

// walkMatch lists the ids of the users q selects in the request's tenant,
// newest first as the list shows them, up to bulkLimit; next is "" when
// no more match, else the token to go on from.
func (rc *Recipe) walkMatch(ctx context.Context, q url.Values) (ids []string, next string, err error) {
	limit := rc.bulkLimit()
	tenant := latchkey.TenantID(ctx)
	token := q.Get("paginationToken")
	if q.Get("suspended") == "true" {
		for len(ids) < limit {
			page, err := rc.lk.ListSuspendedUsers(ctx, tenant, min(limit-len(ids), latchkey.MaxSuspendedUsersPerPage), token)
			var ce *latchkey.CoreError
			switch {
			case errors.As(err, &ce) && ce.Code == http.StatusBadRequest:
				return nil, "", badInput(ce.Body)
			case err != nil:
				return nil, "", err
			}
			for _, u := range page.Users {
				ids = append(ids, u.User.ID)
			}
			if token = page.NextPaginationToken; token == "" {
				break
			}
		}
		return ids, token, nil
	}
	opts := latchkey.ListUsersOptions{TenantID: tenant, Order: latchkey.NewestFirst,
		Search: searchOf(q), PagedSearch: true, PaginationToken: token}
	// The same filters as the list (filters.go), so that "all that
	// match" is exactly what the operator sees.
	if _, err := listFilters(q, &opts); err != nil {
		return nil, "", err
	}
	for len(ids) < limit {
		// Pages end where the cap does, so that the token goes on from
		// the first user not acted on.
		opts.Limit = min(limit-len(ids), latchkey.MaxUsersPerPage)
		page, err := rc.lk.ListUsers(ctx, opts)
		var ce *latchkey.CoreError
		switch {
		case errors.As(err, &ce) && ce.Code == http.StatusBadRequest:
			return nil, "", badInput(ce.Body)
		case err != nil:
			return nil, "", err
		}
		for _, u := range page.Users {
			ids = append(ids, u.ID)
		}
		if opts.PaginationToken = page.NextPaginationToken; opts.PaginationToken == "" {
			break
		}
	}
	return ids, opts.PaginationToken, nil
}

// describeMatch names a match for the audit log: its parameters, not
// its users.
func describeMatch(q url.Values, tenant string, n int, more bool) string {
	var parts []string
	for _, k := range matchKeys {
		if v := q.Get(k); v != "" && k != "paginationToken" {
			parts = append(parts, k+"="+strconv.Quote(v))
		}
	}
	d := "every user"
	if len(parts) > 0 {
		d += " matching " + strings.Join(parts, " ")
	}
	if len(d) > maxBulkDescription {
		d = strings.ToValidUTF8(d[:maxBulkDescription], "") + "…"
	}
	d += fmt.Sprintf(" in tenant %s (%d users", tenant, n)
	if q.Get("paginationToken") != "" {
		d += ", continuing a previous run"
	}
	if more {
		d += ", more match"
	}
	return d + ")"
}

// bulkActionFor checks the action's own parameters and returns the
// per-user call and the action's name for the audit log. A nil action
// and error means the answer is written (FEATURE_NOT_ENABLED_ERROR,
// UNKNOWN_ROLE_ERROR).
func (rc *Recipe) bulkActionFor(w http.ResponseWriter, r *http.Request, b body, name string) (bulkAction, string, error) {
	ctx := r.Context()
	switch name {
	case "revokeSessions":
		svc := rc.sess.Service()
		return rc.existing(refused)(func(ctx context.Context, id string) (outcome, string) {
			// Every tenant's sessions: the user page revokes them all too.
			_, err := svc.RevokeAllSessionsForUser(ctx, id, "")
			return classify(err, nil)
		}), "revoke sessions", nil
	case "suspend":
		reason, err := b.nonEmpty("reason")
		if err != nil {
			return nil, "", err
		}
		if len([]rune(reason)) > maxSuspendReason {
			return nil, "", badInput("'reason' must be at most " + strconv.Itoa(maxSuspendReason) + " characters")
		}
		opts := latchkey.SuspendOptions{Reason: reason, Actor: actor(ctx)}
		if b.has("until") {
			ms, ok := b.int64("until")
			if !ok {
				return nil, "", badInput("'until' must be a time in milliseconds since the epoch, or absent")
			}
			opts.Until = time.UnixMilli(ms)
		}
		if rc.noSuspensions.Load() {
			featureNotEnabled(w)
			return nil, "", nil
		}
		return func(ctx context.Context, id string) (outcome, string) {
			_, _, err := rc.lk.SuspendUser(ctx, id, opts)
			return classify(err, suspensionErrors())
		}, "suspend", nil
	case "reinstate":
		if rc.noSuspensions.Load() {
			featureNotEnabled(w)
			return nil, "", nil
		}
		return func(ctx context.Context, id string) (outcome, string) {
			_, err := rc.lk.ReinstateUser(ctx, id)
			return classify(err, suspensionErrors())
		}, "reinstate", nil
	case "addRole", "removeRole":
		role, err := b.nonEmpty("role")
		if err != nil {
			return nil, "", err
		}
		svc, err := rc.rolesService(w)
		if svc == nil {
			return nil, "", err
		}
		// An unknown role would fail every user: say so once instead.
		all, err := svc.AllRoles(ctx)
		if err != nil {
			return nil, "", err
		}
		if !slices.Contains(all, role) {
			writeStatus(w, "UNKNOWN_ROLE_ERROR", nil)
			return nil, "", nil
		}
		tenant := latchkey.TenantID(ctx)
		roleErr := func(err error) (outcome, string, bool) {
			if errors.Is(err, userroles.ErrUnknownRole) {
				return fatal, "The role " + strconv.Quote(role) + " was deleted meanwhile", true
			}
			return 0, "", false
		}
		if name == "addRole" {
			return rc.existing(refused)(func(ctx context.Context, id string) (outcome, string) {
				had, err := svc.AddRoleToUser(ctx, tenant, id, role)
				if had && err == nil {
					return unchanged, ""
				}
				return classify(err, roleErr)
			}), "add role " + strconv.Quote(role), nil
		}
		return rc.existing(refused)(func(ctx context.Context, id string) (outcome, string) {
			had, err := svc.RemoveUserRole(ctx, tenant, id, role)
			if !had && err == nil {
				return unchanged, ""
			}
			return classify(err, roleErr)
		}), "remove role " + strconv.Quote(role), nil
	case "delete":
		// A user already gone is as asked.
		return rc.existing(unchanged)(func(ctx context.Context, id string) (outcome, string) {
			// As the user page deletes: with the accounts linked to them.
			return classify(rc.lk.DeleteUser(ctx, id, true), nil)
		}), "delete", nil
	}
	return nil, "", badInput("Invalid value received for 'action'")
}

// existing wraps act to look the user up first: the core revokes the
// sessions of, or gives a role to, a user id it does not know without a
// word, and a user deleted since the operator looked must be reported.
// An unknown user has the outcome missing.
func (rc *Recipe) existing(missing outcome) func(bulkAction) bulkAction {
	return func(act bulkAction) bulkAction {
		return func(ctx context.Context, id string) (outcome, string) {
			u, err := rc.lk.User(ctx, id)
			if err != nil {
				return classify(err, nil)
			}
			if u == nil {
				if missing == unchanged {
					return unchanged, ""
				}
				return missing, "Unknown user: deleted meanwhile?"
			}
			return act(ctx, id)
		}
	}
}

// suspensionErrors reads the suspension APIs' refusals: an unknown user
// fails, a conflict (409) means the user already was as asked, and any
// other 404 is a core without suspensions, where no user can succeed.
func suspensionErrors() func(error) (outcome, string, bool) {
	return func(err error) (outcome, string, bool) {
		var ce *latchkey.CoreError
		switch {
		case errors.As(err, &ce) && ce.Code == http.StatusNotFound && ce.Body == "Unknown user id":
			return refused, "Unknown user: deleted meanwhile?", true
		case errors.As(err, &ce) && ce.Code == http.StatusNotFound:
			return fatal, "The core has no suspensions", true
		case errors.As(err, &ce) && ce.Code == http.StatusConflict:
			return unchanged, "", true
		}
		return 0, "", false
	}
}

// classify turns a per-user call's error into an outcome: special reads
// the action's own errors first. The core refusing this user's request
// (4xx) fails this user; anything else (no answer, 5xx, a bad API key, a
// cancelled request) is the core or the request going away, which stops
// the run.
func classify(err error, special func(error) (outcome, string, bool)) (outcome, string) {
	if err == nil {
		return changed, ""
	}
	if special != nil {
		if o, msg, ok := special(err); ok {
			return o, msg
		}
	}
	var ce *latchkey.CoreError
	if errors.As(err, &ce) && ce.Code >= 400 && ce.Code < 500 && ce.Code != http.StatusUnauthorized {
		return refused, ce.Body
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fatal, "The request was cancelled; whether this user was changed is not known"
	}
	return fatal, "The core did not answer; whether this user was changed is not known"
}

// runBulk calls act for each id, bulkConcurrency at a time. The first
// fatal outcome, or the request's end, stops it: the calls in flight
// finish and are counted, the rest are not attempted.
func (rc *Recipe) runBulk(ctx context.Context, ids []string, act bulkAction) *bulkResult {
	res := &bulkResult{}
	var (
		wg    sync.WaitGroup
		slots = make(chan struct{}, bulkConcurrency)
	)
	stop := func(why string) {
		if res.stopped == "" {
			res.stopped = why
		}
	}
	for i, id := range ids {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		res.mu.Lock()
		if ctx.Err() != nil {
			stop("The request was cancelled")
		}
		halted := res.stopped != ""
		if halted {
			res.notAttempted = len(ids) - i
		}
		res.mu.Unlock()
		if halted {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			o, msg := act(ctx, id)
			res.mu.Lock()
			defer res.mu.Unlock()
			switch o {
			case changed:
				res.done++
			case unchanged:
				res.unchanged++
			case refused:
				res.fail(id, msg)
			case fatal:
				res.fail(id, msg)
				stop(msg)
			}
		}()
	}
	wg.Wait()
	if res.stopped != "" {
		rc.lk.Logger().WarnContext(ctx, "dashboard: a bulk action stopped part way", "done", res.done,
			"failed", res.failedCount, "notAttempted", res.notAttempted, "reason", res.stopped)
	}
	return res
}
