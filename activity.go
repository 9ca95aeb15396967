package latchkey

import (
	"context"
	"net/url"
)

// UserActivity is what the core records of a user's use of the app (a
// Latchkey extension). Times are milliseconds since the epoch.
type UserActivity struct {
	// LastSignIn is when the user's last session was created.
	LastSignIn int64 `json:"lastSignIn"`
	// LastActive is the later of LastSignIn and the last recorded refresh
	// (the core records a session's refresh at most once per few minutes).
	LastActive int64 `json:"lastActive"`
	// SignIns counts the sessions created for the user.
	SignIns int64 `json:"signIns"`
}

// UsersActivity returns the activity of those of userIDs that have any, by
// user id, in one core call (at most MaxSuspensionsPerRead ids).
// CDI (Latchkey): POST /recipe/latchkey/user/activity/bulk.
func (lk *Latchkey) UsersActivity(ctx context.Context, userIDs []string) (map[string]UserActivity, error) {
	if userIDs == nil {
		userIDs = []string{}
	}
	var a struct {
		Activity map[string]UserActivity `json:"activity"`
	}
	if err := lk.core.Do(ctx, CoreRequest{Method: "POST", Path: "/recipe/latchkey/user/activity/bulk", Body: map[string]any{"userIds": userIDs}}, &a); err != nil {
		return nil, err
	}
	if a.Activity == nil {
		a.Activity = map[string]UserActivity{}
	}
	return a.Activity, nil
}

// SessionOrigin is where a session was created from and when it was last
// refreshed (a Latchkey extension). Times are milliseconds since the
// epoch; LastRefreshed is 0 when the session was never refreshed.
type SessionOrigin struct {
	SessionHandle string `json:"sessionHandle"`
	UserID        string `json:"userId"`
	TenantID      string `json:"tenantId"`
	TimeCreated   int64  `json:"timeCreated"`
	Expiry        int64  `json:"expiry"`
	ClientIP      string `json:"clientIp"`
	UserAgent     string `json:"userAgent"`
	LastRefreshed int64  `json:"lastRefreshed"`
}

// UserSessionOrigins returns the user's live sessions in every tenant,
// newest first (at most 100), with their origin.
// CDI (Latchkey): GET /recipe/latchkey/user/sessions.
func (lk *Latchkey) UserSessionOrigins(ctx context.Context, userID string) ([]SessionOrigin, error) {
	var a struct {
		Sessions []SessionOrigin `json:"sessions"`
	}
	if err := lk.core.Do(ctx, CoreRequest{Path: "/recipe/latchkey/user/sessions", Query: url.Values{"userId": {userID}}}, &a); err != nil {
		return nil, err
	}
	return a.Sessions, nil
}
