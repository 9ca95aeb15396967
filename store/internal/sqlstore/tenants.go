package sqlstore

import (
	"context"

	"github.com/latchkey-dev/latchkey/store"
)

// Tenant returns the tenant with this id.
func (s *DB) Tenant(ctx context.Context, tenantID string) (store.Tenant, error) {
	var created int64
	err := s.reader.QueryRowContext(ctx, `SELECT created_at FROM tenants WHERE tenant_id = $1`, tenantID).Scan(&created)
	if errNoRows(err) {
		return store.Tenant{}, notFound("tenant")
	}
	if err != nil {
		return store.Tenant{}, s.wrap("tenant", err)
	}
	return store.Tenant{ID: tenantID, CreatedAt: fromMS(created)}, nil
}
