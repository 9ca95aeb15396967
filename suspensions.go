package latchkey

import (
	"context"
	"net/url"
	"strconv"
	"time"
)

// Suspension keeps a user out: while it is in force the core refuses the
// user's sign-in with every recipe (the frontend gets GENERAL_ERROR with
// Config.SuspendedMessage), refuses to create a session for the user (a
// *SuspendedError), and refuses to refresh one. Suspending revokes every
// session the user has. These are Latchkey extensions of the CDI.
type Suspension struct {
	UserID string `json:"userId"`
	// Reason is the operator's words, for operators only: it never
	// reaches the user.
	Reason string `json:"reason"`
	// Actor is who suspended (a dashboard account's email, say).
	Actor string `json:"actor"`
	// SuspendedAt is in milliseconds since the epoch.
	SuspendedAt int64 `json:"suspendedAt"`
	// Until, when set, is when the suspension ends by itself, in
	// milliseconds since the epoch.
	Until *int64 `json:"until"`
}

// SuspendOptions describe a suspension.
type SuspendOptions struct {
	// Reason is required.
	Reason string
	// Actor names who suspends. Default: "".
	Actor string
	// Until, when not zero, ends the suspension by itself; it must be in
	// the future.
	Until time.Time
}

// SuspendUser suspends the user and returns the suspension and the
// handles of the sessions it revoked. An unknown user is a *CoreError
// with Code 404, a user already suspended 409, an end time in the past
// or a missing reason 400. CDI (Latchkey): POST /recipe/latchkey/user/suspend.
func (lk *Latchkey) SuspendUser(ctx context.Context, userID string, opts SuspendOptions) (*Suspension, []string, error) {
	body := map[string]any{"userId": userID, "reason": opts.Reason, "actor": opts.Actor}
	if !opts.Until.IsZero() {
		body["until"] = opts.Until.UnixMilli()
	}
	var a struct {
		Suspension Suspension `json:"suspension"`
		Revoked    []string   `json:"revokedSessionHandles"`
	}
	if err := lk.core.Do(ctx, CoreRequest{Method: "POST", Path: "/recipe/latchkey/user/suspend", Body: body}, &a); err != nil {
		return nil, nil, err
	}
	return &a.Suspension, a.Revoked, nil
}

// ReinstateUser lifts the user's suspension and returns it. An unknown
// user is a *CoreError with Code 404, a user not suspended 409.
// CDI (Latchkey): POST /recipe/latchkey/user/reinstate.
func (lk *Latchkey) ReinstateUser(ctx context.Context, userID string) (*Suspension, error) {
	var a struct {
		Suspension Suspension `json:"suspension"`
	}
	if err := lk.core.Do(ctx, CoreRequest{Method: "POST", Path: "/recipe/latchkey/user/reinstate", Body: map[string]any{"userId": userID}}, &a); err != nil {
		return nil, err
	}
	return &a.Suspension, nil
}

// MaxSuspensionsPerRead caps the user ids of one Suspensions call.
const MaxSuspensionsPerRead = 1000

// Suspensions returns the suspensions in force of those of userIDs that
// have one, by user id, in one core call (at most MaxSuspensionsPerRead
// ids). CDI (Latchkey): POST /recipe/latchkey/user/suspensions/bulk.
func (lk *Latchkey) Suspensions(ctx context.Context, userIDs []string) (map[string]Suspension, error) {
	var a struct {
		Suspensions map[string]Suspension `json:"suspensions"`
	}
	if userIDs == nil {
		userIDs = []string{}
	}
	if err := lk.core.Do(ctx, CoreRequest{Method: "POST", Path: "/recipe/latchkey/user/suspensions/bulk", Body: map[string]any{"userIds": userIDs}}, &a); err != nil {
		return nil, err
	}
	if a.Suspensions == nil {
		a.Suspensions = map[string]Suspension{}
	}
	return a.Suspensions, nil
}

// SuspendedUser is a user and the suspension that keeps them out.
type SuspendedUser struct {
	Suspension Suspension `json:"suspension"`
	User       User       `json:"user"`
}

// SuspendedUsersPage is one page of suspended users, newest first.
type SuspendedUsersPage struct {
	Users []SuspendedUser
	// NextPaginationToken fetches the next page; "" on the last.
	NextPaginationToken string
}

// MaxSuspendedUsersPerPage caps ListSuspendedUsers' limit.
const MaxSuspendedUsersPerPage = 100

// ListSuspendedUsers returns a page of a tenant's suspended users, most
// recently suspended first. limit is 1 to MaxSuspendedUsersPerPage (0:
// 10). CDI (Latchkey): GET /{tenantId}/recipe/latchkey/suspensions.
func (lk *Latchkey) ListSuspendedUsers(ctx context.Context, tenantID string, limit int, paginationToken string) (*SuspendedUsersPage, error) {
	q := url.Values{}
	if limit != 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if paginationToken != "" {
		q.Set("paginationToken", paginationToken)
	}
	var a struct {
		Suspensions         []SuspendedUser `json:"suspensions"`
		NextPaginationToken string          `json:"nextPaginationToken"`
	}
	if err := lk.core.Do(ctx, CoreRequest{Path: "/recipe/latchkey/suspensions", TenantID: TenantOrDefault(tenantID), Query: q}, &a); err != nil {
		return nil, err
	}
	if a.Suspensions == nil {
		a.Suspensions = []SuspendedUser{}
	}
	return &SuspendedUsersPage{Users: a.Suspensions, NextPaginationToken: a.NextPaginationToken}, nil
}

// PageExtras is what the dashboard shows beside a page of users, by user
// id, for the users that have any: suspensions in force, activity and
// metadata.
type PageExtras struct {
	Suspensions map[string]Suspension     `json:"suspensions"`
	Activity    map[string]UserActivity   `json:"activity"`
	Metadata    map[string]map[string]any `json:"metadata"`
}

// UserPageExtras reads a page's PageExtras in one core call (at most
// MaxSuspensionsPerRead ids), so that a dashboard page costs three calls:
// the count, the list and this. A Latchkey extension: another core
// answers a *CoreError of Code 404.
// CDI (Latchkey): POST /recipe/latchkey/users/page-extras.
func (lk *Latchkey) UserPageExtras(ctx context.Context, userIDs []string) (*PageExtras, error) {
	if userIDs == nil {
		userIDs = []string{}
	}
	var a PageExtras
	if err := lk.core.Do(ctx, CoreRequest{Method: "POST", Path: "/recipe/latchkey/users/page-extras", Body: map[string]any{"userIds": userIDs}}, &a); err != nil {
		return nil, err
	}
	return &a, nil
}
