package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"
)

// countKey names one row of user_counts: a tenant ("" for every tenant)
// and a recipe.
type countKey struct{ tenant, recipe string }

// userCounts accumulates changes to user_counts within one transaction.
type userCounts map[countKey]int64

// add counts one user of recipe joining (delta 1) or leaving (-1) the
// given tenants, and the store as a whole.
func (c userCounts) add(recipe string, delta int64, tenants ...string) {
	c[countKey{"", recipe}] += delta
	for _, t := range tenants {
		c[countKey{t, recipe}] += delta
	}
}

// adjustCounts writes the accumulated changes. It runs last in its
// transaction, so that the counter rows, which every sign-up in a tenant
// writes, stay locked for as short a time as possible, and it writes them
// in key order, so that two transactions never wait for each other's
// counters in opposite orders.
func (s *DB) adjustCounts(ctx context.Context, tx *sql.Tx, c userCounts) error {
	keys := make([]countKey, 0, len(c))
	for k, d := range c {
		if d != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b countKey) int {
		if r := strings.Compare(a.tenant, b.tenant); r != 0 {
			return r
		}
		return strings.Compare(a.recipe, b.recipe)
	})
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_counts (tenant_id, recipe_id, n) VALUES ($1, $2, $3)
ON CONFLICT (tenant_id, recipe_id) DO UPDATE SET n = user_counts.n + excluded.n`,
			k.tenant, k.recipe, c[k]); err != nil {
			return s.wrap("count users", err)
		}
	}
	return nil
}

// countNewUser counts a user of recipe created in tenant at joined: in
// user_counts and in signup_days, last in its transaction.
func (s *DB) countNewUser(ctx context.Context, tx *sql.Tx, recipe, tenant string, joined time.Time) error {
	counts, days := userCounts{}, signUps{}
	counts.add(recipe, 1, tenant)
	days.add(tenant, joined)
	if err := s.adjustCounts(ctx, tx, counts); err != nil {
		return err
	}
	return s.countSignUps(ctx, tx, days)
}

// signUps accumulates sign-ups by tenant and UTC day within one
// transaction, for signup_days.
type signUps map[dayKey]int64

type dayKey struct {
	tenant string
	day    int64 // Unix ms / dayMS
}

// add counts one sign-up in tenant at joined.
func (c signUps) add(tenant string, joined time.Time) {
	c[dayKey{tenant, joined.UnixMilli() / dayMS}]++
}

// countSignUps writes the accumulated sign-ups, in key order (see
// adjustCounts). It runs after adjustCounts, last in its transaction.
func (s *DB) countSignUps(ctx context.Context, tx *sql.Tx, c signUps) error {
	keys := make([]dayKey, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b dayKey) int {
		if r := strings.Compare(a.tenant, b.tenant); r != 0 {
			return r
		}
		return int(a.day - b.day)
	})
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `INSERT INTO signup_days (tenant_id, day, n) VALUES ($1, $2, $3)
ON CONFLICT (tenant_id, day) DO UPDATE SET n = signup_days.n + excluded.n`,
			k.tenant, k.day, c[k]); err != nil {
			return s.wrap("count sign-ups", err)
		}
	}
	return nil
}
