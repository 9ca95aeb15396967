package dashboard

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/latchkey-dev/latchkey"
	"github.com/medama-io/go-useragent"
)

// Activity is a Latchkey extension of the dashboard API: every user of GET
// /dashboard/api/users carries "activity" {lastSignIn, lastActive,
// signIns} when the core has any, and the sessions of GET
// /dashboard/api/user/sessions carry their client's IP, browser, OS and
// last refresh. Against a core without them (404) the dashboard stops
// asking.

// uaParser is the user-agent parser, built once on first use: its trie
// takes a moment to build and is safe for concurrent use.
var uaParser = sync.OnceValue(useragent.NewParser)

// browserAndOS names a user agent's browser and operating system, "" when
// unknown.
func browserAndOS(ua string) (browser, os string) {
	if ua == "" {
		return "", ""
	}
	a := uaParser().Parse(ua)
	browser = string(a.Browser())
	if v := a.BrowserVersionMajor(); browser != "" && v != "" {
		browser += " " + v
	}
	return browser, string(a.OS())
}

// activityFor reads the activity of a page of users in one core call.
func (rc *Recipe) activityFor(ctx context.Context, users []latchkey.User) (map[string]latchkey.UserActivity, error) {
	if len(users) == 0 || rc.noActivity.Load() {
		return nil, nil
	}
	ids := make([]string, len(users))
	for i := range users {
		ids[i] = users[i].ID
	}
	m, err := rc.lk.UsersActivity(ctx, ids)
	var ce *latchkey.CoreError
	if errors.As(err, &ce) && ce.Code == http.StatusNotFound {
		rc.noActivity.Store(true)
		return nil, nil
	}
	return m, err
}

// sessionOrigins reads where each of a user's sessions came from, by
// handle; nil against a core without it.
func (rc *Recipe) sessionOrigins(ctx context.Context, userID string) (map[string]latchkey.SessionOrigin, error) {
	if rc.noActivity.Load() {
		return nil, nil
	}
	list, err := rc.lk.UserSessionOrigins(ctx, userID)
	var ce *latchkey.CoreError
	if errors.As(err, &ce) && ce.Code == http.StatusNotFound {
		rc.noActivity.Store(true)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make(map[string]latchkey.SessionOrigin, len(list))
	for _, s := range list {
		out[s.SessionHandle] = s
	}
	return out, nil
}
