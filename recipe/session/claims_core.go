package session

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey"
)

// buildClaims returns the payload entries of claims for a new session.
// The claims with a CoreValue are read in one call to the Latchkey core's
// GET /recipe/user/claims; against a core that answers 404 to it (an
// official SuperTokens core), or for a value the core leaves out, each
// claim's Fetch runs as before, and the recipe stops asking.
func (rc *Recipe) buildClaims(ctx context.Context, claims []*Claim, userID, recipeUserID, tenantID string, now time.Time) (map[string]any, error) {
	out := map[string]any{}
	var names []string
	for _, c := range claims {
		if c.CoreValue != "" {
			names = append(names, c.CoreValue)
		}
	}
	var values map[string]json.RawMessage
	if len(names) > 0 && !rc.noCoreClaims.Load() {
		var err error
		if values, err = rc.coreClaimValues(ctx, tenantID, recipeUserID, names); err != nil {
			return nil, err
		}
	}
	for _, c := range claims {
		if raw, ok := values[c.CoreValue]; ok && c.CoreValue != "" {
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				return nil, errors.New("session: the core's claim values do not parse")
			}
			if v != nil {
				out[c.Key] = map[string]any{"v": v, "t": now.UnixMilli()}
			}
			continue
		}
		add, err := c.Build(ctx, userID, recipeUserID, tenantID, now)
		if err != nil {
			return nil, err
		}
		for k, v := range add {
			out[k] = v
		}
	}
	return out, nil
}

// coreClaimValues reads the named claim values of a user in one call; nil
// when the core does not have the endpoint.
func (rc *Recipe) coreClaimValues(ctx context.Context, tenantID, userID string, names []string) (map[string]json.RawMessage, error) {
	var a map[string]json.RawMessage
	err := rc.lk.Core().Do(ctx, latchkey.CoreRequest{Path: "/recipe/user/claims", TenantID: tenantID,
		Query: url.Values{"userId": {userID}, "include": {strings.Join(names, ",")}}, RecipeID: RecipeID}, &a)
	var ce *latchkey.CoreError
	if errors.As(err, &ce) && ce.Code == http.StatusNotFound {
		// Not a Latchkey core: it will not learn the path while we run.
		rc.noCoreClaims.Store(true)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if s := string(a["status"]); s != `"OK"` {
		return nil, errors.New("session: the core answered " + s + " to GET /recipe/user/claims")
	}
	return a, nil
}
