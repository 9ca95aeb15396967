package users_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

func TestStats(t *testing.T) {
	now := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		// Two users today, one yesterday, one 40 days ago.
		joins := []time.Time{now.Add(-time.Hour), now.Add(-15 * time.Hour), now.Add(-16 * time.Hour), now.AddDate(0, 0, -40)}
		var emails []string
		for i := range joins {
			emails = append(emails, fmt.Sprintf("u%d@example.com", i))
		}
		seed(t, c, emails, func(i int) time.Time { return joins[i] })

		// One of them signs in now: active in the day, the week and the month.
		users := c.Get(t, "/users?limit=1&timeJoinedOrder=DESC").JSON(t)["users"].([]any)
		if r := c.Post(t, "/recipe/session", map[string]any{"userId": users[0].(map[string]any)["id"], "enableAntiCsrf": false,
			"userDataInJWT": map[string]any{}, "userDataInDatabase": map[string]any{}}); r.Status(t) != "OK" {
			t.Fatalf("session: %s", r.Body)
		}
		r := c.Get(t, "/recipe/latchkey/users/stats?days=7")
		m := r.JSON(t)
		if r.Status(t) != "OK" || m["days"] != float64(7) || m["totalUsers"] != float64(4) {
			t.Fatalf("stats: %s", r.Body)
		}
		series := m["signUpsPerDay"].([]any)
		if len(series) != 7 {
			t.Fatalf("%d days, want 7: %v", len(series), series)
		}
		first, last, prev := series[0].(map[string]any), series[6].(map[string]any), series[5].(map[string]any)
		if first["day"] != "2026-11-27" || last["day"] != "2026-12-03" || last["count"] != float64(2) || prev["count"] != float64(1) || first["count"] != float64(0) {
			t.Errorf("series: %v", series)
		}
		if a := m["activeUsers"].(map[string]any); a["daily"] != float64(1) || a["weekly"] != float64(1) || a["monthly"] != float64(1) {
			t.Errorf("active users: %v", a)
		}
		if byMethod := m["usersByLoginMethod"].(map[string]any); byMethod["emailpassword"] != float64(4) {
			t.Errorf("by login method: %v", byMethod)
		}
		if byTenant := m["usersByTenant"].([]any); len(byTenant) != 1 || byTenant[0].(map[string]any)["tenantId"] != "public" {
			t.Errorf("by tenant: %v", byTenant)
		}
		year := c.Get(t, "/recipe/latchkey/users/stats?days=366").JSON(t)["signUpsPerDay"].([]any)
		var sum float64
		for _, d := range year {
			sum += d.(map[string]any)["count"].(float64)
		}
		if len(year) != 366 || sum != 4 {
			t.Errorf("a year: %d days, %v sign-ups", len(year), sum)
		}
		for _, bad := range []string{"0", "367", "-1", "x"} {
			if r := c.Get(t, "/recipe/latchkey/users/stats?days="+bad); r.Code != 400 {
				t.Errorf("days=%s: %d %s", bad, r.Code, r.Body)
			}
		}
	}, func(cfg *core.Config) { cfg.Now = func() time.Time { return now } })
}
