package users

import (
	"net/http"
	"sort"
	"time"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/store"
)

// maxStatsDays is the longest sign-up series stats answers: a year, with
// a leap day.
const maxStatsDays = store.MaxStatsDays

// dayCount is one day of the sign-up series on the wire.
type dayCount struct {
	Day   string `json:"day"` // YYYY-MM-DD, UTC
	Count int64  `json:"count"`
}

// stats answers GET /recipe/latchkey/users/stats?days=N (a Latchkey
// extension, for the dashboard's overview): the tenant's sign-ups per UTC
// day over the last N days (1 to maxStatsDays, default 30), today
// included and every day listed, zero or not; the tenant's users by login
// method; the app's users by tenant; the app's total; and its daily,
// weekly and monthly active users (activeUsers). Everything
// comes from indexes and counters, so it costs the same at a million users
// as at ten.
func (h *Handler) stats(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	days := q.Int("days", 30)
	if err := q.Err(); err != nil {
		return err
	}
	if days < 1 || days > maxStatsDays {
		return cdi.BadRequestf("days must be a whole number from 1 to %d", maxStatsDays)
	}
	tenant := cdi.Tenant(r.Context())
	now := time.Now
	if h.Service.Now != nil {
		now = h.Service.Now
	}
	today := now().UTC().Truncate(24 * time.Hour)
	from, to := today.AddDate(0, 0, -(days-1)), today.AddDate(0, 0, 1)
	counts, err := h.Service.Stats.SignUpsPerDay(r.Context(), tenant, from, to)
	if err != nil {
		return err
	}
	series := make([]dayCount, days)
	byDay := make(map[string]int64, len(counts))
	for _, c := range counts {
		byDay[c.Day.Format(time.DateOnly)] = c.Count
	}
	for i := range series {
		d := from.AddDate(0, 0, i).Format(time.DateOnly)
		series[i] = dayCount{Day: d, Count: byDay[d]}
	}

	rows, err := h.Service.Stats.UserCounts(r.Context())
	if err != nil {
		return err
	}
	byMethod, byTenant := map[string]int64{}, map[string]int64{}
	var total int64
	for _, c := range rows {
		switch c.TenantID {
		case "":
			total += c.N
		case tenant:
			byMethod[c.RecipeID] += c.N
			byTenant[c.TenantID] += c.N
		default:
			byTenant[c.TenantID] += c.N
		}
	}
	// At most a few hundred tenants' rows; sorted by count for the chart.
	tenants := make([]map[string]any, 0, len(byTenant))
	for id, n := range byTenant {
		tenants = append(tenants, map[string]any{"tenantId": id, "count": n})
	}
	sort.Slice(tenants, func(i, j int) bool {
		a, b := tenants[i]["count"].(int64), tenants[j]["count"].(int64)
		return a > b || a == b && tenants[i]["tenantId"].(string) < tenants[j]["tenantId"].(string)
	})
	// Active users of the whole app, by last activity: the day, week and
	// month before now.
	nowT := now()
	active, err := h.Service.Stats.ActiveUsers(r.Context(), []time.Time{nowT.Add(-24 * time.Hour), nowT.AddDate(0, 0, -7), nowT.AddDate(0, 0, -30)})
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{
		"activeUsers":        map[string]int64{"daily": active[0], "weekly": active[1], "monthly": active[2]},
		"days":               days,
		"signUpsPerDay":      series,
		"usersByLoginMethod": byMethod,
		"usersByTenant":      tenants,
		"totalUsers":         total,
	})
	return nil
}
