package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

const dayMS = int64(24 * time.Hour / time.Millisecond)

// SignUpsPerDay reads a tenant's sign-ups per UTC day from signup_days,
// a row per day, which the transactions that create users keep.
func (s *DB) SignUpsPerDay(ctx context.Context, tenantID string, from, to time.Time) ([]store.DayCount, error) {
	if !to.After(from) {
		return []store.DayCount{}, nil
	}
	if to.Sub(from) > store.MaxStatsDays*24*time.Hour {
		return nil, fmt.Errorf("sign-ups per day: a range of %s is over %d days", to.Sub(from), store.MaxStatsDays)
	}
	// Days that the range covers only in part count whole: the overview
	// asks for whole days.
	first, last := from.UnixMilli()/dayMS, (to.UnixMilli()-1)/dayMS
	rows, err := s.reader.QueryContext(ctx, `SELECT day, n FROM signup_days
WHERE tenant_id = $1 AND day >= $2 AND day <= $3 AND n > 0 ORDER BY day`, tenantID, first, last)
	if err != nil {
		return nil, s.wrap("sign-ups per day", err)
	}
	defer rows.Close()
	out := []store.DayCount{}
	for rows.Next() {
		var day, n int64
		if err := rows.Scan(&day, &n); err != nil {
			return nil, s.wrap("sign-ups per day", err)
		}
		out = append(out, store.DayCount{Day: time.UnixMilli(day * dayMS).UTC(), Count: n})
	}
	return out, s.wrap("sign-ups per day", rows.Err())
}

// UserCounts returns the rows of user_counts that are not zero.
func (s *DB) UserCounts(ctx context.Context) ([]store.UserCount, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT tenant_id, recipe_id, n FROM user_counts WHERE n > 0 ORDER BY tenant_id, recipe_id`)
	if err != nil {
		return nil, s.wrap("user counts", err)
	}
	defer rows.Close()
	out := []store.UserCount{}
	for rows.Next() {
		var c store.UserCount
		if err := rows.Scan(&c.TenantID, &c.RecipeID, &c.N); err != nil {
			return nil, s.wrap("user counts", err)
		}
		out = append(out, c)
	}
	return out, s.wrap("user counts", rows.Err())
}

// ActiveUsers counts user_activity rows by its last_active index, a range
// count per value: the app's users, not a tenant's, since a tenant's would
// join a row of tenant_users per active user.
func (s *DB) ActiveUsers(ctx context.Context, since []time.Time) ([]int64, error) {
	out := make([]int64, len(since))
	for i, t := range since {
		if err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_activity WHERE last_active >= $1`, ms(t)).Scan(&out[i]); err != nil {
			return nil, s.wrap("active users", err)
		}
	}
	return out, nil
}
