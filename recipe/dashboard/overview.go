package dashboard

import (
	"errors"
	"net/http"
	"strings"

	"github.com/latchkey-dev/latchkey"
)

// overview serves GET /dashboard/api/overview?days=30|90|365 (a Latchkey
// extension): the request tenant's sign-ups per day and user counts, from
// the core in one call. A core without the overview (SuperTokens) makes it
// FEATURE_NOT_ENABLED_ERROR.
func (rc *Recipe) overview(w http.ResponseWriter, r *http.Request) error {
	days := 30
	if v := strings.TrimSpace(r.URL.Query().Get("days")); v != "" {
		n, err := positiveInt("days", v)
		if err != nil || n > latchkey.MaxStatsDays {
			return badInput("'days' must be a whole number from 1 to 366")
		}
		days = n
	}
	st, err := rc.lk.UserStats(r.Context(), latchkey.TenantID(r.Context()), days)
	var ce *latchkey.CoreError
	if errors.As(err, &ce) && ce.Code == http.StatusNotFound {
		featureNotEnabled(w)
		return nil
	}
	if err != nil {
		return err
	}
	writeStatus(w, "OK", map[string]any{"stats": st})
	return nil
}
