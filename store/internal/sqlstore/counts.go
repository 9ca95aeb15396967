package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strings"
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
