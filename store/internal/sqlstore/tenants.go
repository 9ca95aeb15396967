package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

const tenantSelect = `SELECT tenant_id, created_at, first_factors, required_secondary_factors, core_config FROM tenants`

func scanTenant(row rowScanner) (store.Tenant, error) {
	var (
		t                store.Tenant
		created          int64
		first, secondary sql.NullString
		coreConfig       string
	)
	if err := row.Scan(&t.ID, &created, &first, &secondary, &coreConfig); err != nil {
		return t, err
	}
	t.CreatedAt = fromMS(created)
	if first.Valid {
		if err := json.Unmarshal([]byte(first.String), &t.FirstFactors); err != nil {
			return t, fmt.Errorf("first_factors: %w", err)
		}
		if t.FirstFactors == nil {
			t.FirstFactors = []string{}
		}
	}
	if secondary.Valid {
		if err := json.Unmarshal([]byte(secondary.String), &t.RequiredSecondaryFactors); err != nil {
			return t, fmt.Errorf("required_secondary_factors: %w", err)
		}
	}
	if err := json.Unmarshal([]byte(coreConfig), &t.CoreConfig); err != nil {
		return t, fmt.Errorf("core_config: %w", err)
	}
	if t.CoreConfig == nil {
		t.CoreConfig = map[string]any{}
	}
	return t, nil
}

// Tenant returns the tenant with this id, with its providers.
func (s *DB) Tenant(ctx context.Context, tenantID string) (store.Tenant, error) {
	t, err := scanTenant(s.reader.QueryRowContext(ctx, tenantSelect+` WHERE tenant_id = $1`, tenantID))
	if errNoRows(err) {
		return store.Tenant{}, notFound("tenant")
	}
	if err != nil {
		return store.Tenant{}, s.wrap("tenant", err)
	}
	providers, err := s.tenantProviders(ctx, `WHERE tenant_id = $1`, tenantID)
	if err != nil {
		return store.Tenant{}, err
	}
	t.Providers = providers[tenantID]
	return t, nil
}

// ListTenants returns up to limit tenants by id, with their providers.
func (s *DB) ListTenants(ctx context.Context, limit int) ([]store.Tenant, error) {
	if limit <= 0 || limit > store.MaxTenants {
		limit = store.MaxTenants
	}
	rows, err := s.reader.QueryContext(ctx, tenantSelect+` ORDER BY tenant_id LIMIT $1`, limit)
	if err != nil {
		return nil, s.wrap("list tenants", err)
	}
	defer rows.Close()
	var out []store.Tenant
	for rows.Next() {
		t, err := scanTenant(rows)
		if err != nil {
			return nil, s.wrap("list tenants", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("list tenants", err)
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	// One read for every listed tenant's providers; the list is capped, so
	// this is too (at most MaxTenants × the providers each may have).
	providers, err := s.tenantProviders(ctx, `WHERE tenant_id >= $1 AND tenant_id <= $2`, out[0].ID, out[len(out)-1].ID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Providers = providers[out[i].ID]
	}
	return out, nil
}

// tenantProviders reads provider configs selected by where, by tenant.
func (s *DB) tenantProviders(ctx context.Context, where string, args ...any) (map[string][]store.TenantProvider, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT tenant_id, third_party_id, config FROM tenant_thirdparty_providers `+
		where+` ORDER BY tenant_id, created_at, third_party_id`, args...)
	if err != nil {
		return nil, s.wrap("tenant providers", err)
	}
	defer rows.Close()
	out := map[string][]store.TenantProvider{}
	for rows.Next() {
		var tenant, id, config string
		if err := rows.Scan(&tenant, &id, &config); err != nil {
			return nil, s.wrap("tenant providers", err)
		}
		out[tenant] = append(out[tenant], store.TenantProvider{ThirdPartyID: id, Config: json.RawMessage(config)})
	}
	return out, s.wrap("tenant providers", rows.Err())
}

// CreateOrUpdateTenant creates the tenant if missing and applies update,
// in one transaction that holds the tenant's row.
func (s *DB) CreateOrUpdateTenant(ctx context.Context, tenantID string, now time.Time, update func(t *store.Tenant, created bool) error) (bool, error) {
	var created bool
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// Insert first: the primary key settles two racing creators, and
		// the loser reads the winner's row below.
		res, err := tx.ExecContext(ctx, `INSERT INTO tenants (tenant_id, created_at, first_factors, core_config)
VALUES ($1, $2, '[]', '{}') ON CONFLICT (tenant_id) DO NOTHING`, tenantID, ms(now))
		if err != nil {
			return s.wrap("create tenant", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return s.wrap("create tenant", err)
		}
		created = n == 1
		old, err := scanTenant(tx.QueryRowContext(ctx, tenantSelect+` WHERE tenant_id = $1`+s.dialect.ForUpdate, tenantID))
		if err != nil {
			return s.wrap("update tenant", err)
		}
		t := old
		if err := update(&t, created); err != nil {
			return err
		}
		first, err := jsonOrNull(t.FirstFactors)
		if err != nil {
			return err
		}
		secondary, err := jsonOrNull(t.RequiredSecondaryFactors)
		if err != nil {
			return err
		}
		if t.CoreConfig == nil {
			t.CoreConfig = map[string]any{}
		}
		config, err := json.Marshal(t.CoreConfig)
		if err != nil {
			return fmt.Errorf("sqlstore: update tenant: core config: %w", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE tenants SET first_factors = $1, required_secondary_factors = $2, core_config = $3
WHERE tenant_id = $4`, first, secondary, string(config), tenantID)
		return s.wrap("update tenant", err)
	})
	return created, err
}

// jsonOrNull encodes a factor list, nil as SQL NULL.
func jsonOrNull(v []string) (sql.NullString, error) {
	if v == nil {
		return sql.NullString{}, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return sql.NullString{}, fmt.Errorf("sqlstore: factors: %w", err)
	}
	return sql.NullString{String: string(b), Valid: true}, nil
}

// DeleteTenant removes the tenant and what is only its, in one
// transaction: the users associated with no other tenant too, and of the
// others their rows in this tenant.
func (s *DB) DeleteTenant(ctx context.Context, tenantID string) (bool, error) {
	if tenantID == store.DefaultTenant {
		return false, fmt.Errorf("sqlstore: delete tenant: the default tenant cannot be removed: %w", store.ErrConflict)
	}
	var existed bool
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM tenants WHERE tenant_id = $1`, tenantID)
		if err != nil {
			return s.wrap("delete tenant", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return s.wrap("delete tenant", err)
		}
		existed = n == 1
		// The users that belong to this tenant only go with it, with the
		// rows keyed by their ids, as DeleteUser removes them (the rest
		// cascades from users).
		const only = `(SELECT t.user_id FROM tenant_users t WHERE t.tenant_id = $1
	AND NOT EXISTS (SELECT 1 FROM tenant_users o WHERE o.user_id = t.user_id AND o.tenant_id <> $1))`
		for _, table := range []string{"sessions", "email_verification_tokens", "verified_emails", "user_metadata", "user_roles"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE user_id IN `+only, tenantID); err != nil {
				return s.wrap("delete tenant", err)
			}
		}
		rows, err := tx.QueryContext(ctx, `DELETE FROM users WHERE user_id IN `+only+` RETURNING recipe_id`, tenantID)
		if err != nil {
			return s.wrap("delete tenant", err)
		}
		counts := userCounts{}
		for rows.Next() {
			var recipe string
			if err := rows.Scan(&recipe); err != nil {
				rows.Close()
				return s.wrap("delete tenant", err)
			}
			counts[countKey{"", recipe}]--
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return s.wrap("delete tenant", err)
		}
		// Also when the tenant row was gone: rows a racing association
		// wrote for it must not outlive it.
		for _, q := range []string{
			`DELETE FROM tenant_thirdparty_providers WHERE tenant_id = $1`,
			`DELETE FROM account_infos WHERE tenant_id = $1`,
			`DELETE FROM tenant_users WHERE tenant_id = $1`,
			// Account linking's rows in the tenant: the listing rows of
			// linked login methods and the primary users' claims on
			// identifiers, which would otherwise outlive the tenant and
			// refuse its identifiers if it were created again.
			`DELETE FROM linked_user_tenants WHERE tenant_id = $1`,
			`DELETE FROM primary_user_infos WHERE tenant_id = $1`,
			`DELETE FROM sessions WHERE tenant_id = $1`,
			`DELETE FROM email_verification_tokens WHERE tenant_id = $1`,
			`DELETE FROM passwordless_codes WHERE tenant_id = $1`,
			`DELETE FROM passwordless_devices WHERE tenant_id = $1`,
			`DELETE FROM user_roles WHERE tenant_id = $1`,
			`DELETE FROM user_counts WHERE tenant_id = $1`,
			`DELETE FROM signup_days WHERE tenant_id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, q, tenantID); err != nil {
				return s.wrap("delete tenant", err)
			}
		}
		return s.adjustCounts(ctx, tx, counts)
	})
	return existed, err
}

// PutTenantProvider creates or replaces one provider config.
func (s *DB) PutTenantProvider(ctx context.Context, tenantID string, p store.TenantProvider, now time.Time) (bool, error) {
	var created bool
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.lockTenant(ctx, tx, tenantID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE tenant_thirdparty_providers SET config = $1 WHERE tenant_id = $2 AND third_party_id = $3`,
			string(p.Config), tenantID, p.ThirdPartyID)
		if err != nil {
			return s.wrap("put tenant provider", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return s.wrap("put tenant provider", err)
		}
		// The tenant's row is held, so no one else inserts this key now.
		_, err = tx.ExecContext(ctx, `INSERT INTO tenant_thirdparty_providers (tenant_id, third_party_id, config, created_at)
VALUES ($1, $2, $3, $4)`, tenantID, p.ThirdPartyID, string(p.Config), ms(now))
		created = err == nil
		return s.wrap("put tenant provider", err)
	})
	return created, err
}

// lockTenant holds the tenant's row for the transaction, or reports that
// there is none.
func (s *DB) lockTenant(ctx context.Context, tx *sql.Tx, tenantID string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM tenants WHERE tenant_id = $1`+s.dialect.ForUpdate, tenantID).Scan(&one)
	if errNoRows(err) {
		return notFound("tenant")
	}
	return s.wrap("tenant", err)
}

// DeleteTenantProvider removes one provider config.
func (s *DB) DeleteTenantProvider(ctx context.Context, tenantID, thirdPartyID string) (bool, error) {
	res, err := s.writer.ExecContext(ctx, `DELETE FROM tenant_thirdparty_providers WHERE tenant_id = $1 AND third_party_id = $2`,
		tenantID, thirdPartyID)
	if err != nil {
		return false, s.wrap("delete tenant provider", err)
	}
	n, err := res.RowsAffected()
	return n == 1, s.wrap("delete tenant provider", err)
}

// accountInfo is one account_infos row of a user, as a login method
// gives it in any tenant.
type accountInfo struct {
	infoType, value, recipe, key string
	domain                       any
	taken                        error
}

// AddUserToTenant associates a recipe user with the tenant: a
// tenant_users row and the account_infos rows of its login method, which
// the sign-in lookups and the tenant's uniqueness rules read. The rows
// are rebuilt from the recipe's own table, so that a user left without
// tenants can be associated again.
func (s *DB) AddUserToTenant(ctx context.Context, tenantID, userID string) (bool, error) {
	var already bool
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.lockTenant(ctx, tx, tenantID); err != nil {
			return err
		}
		var (
			recipe string
			joined int64
		)
		err := tx.QueryRowContext(ctx, `SELECT recipe_id, time_joined FROM users WHERE user_id = $1`, userID).Scan(&recipe, &joined)
		if errNoRows(err) {
			return notFound("user")
		}
		if err != nil {
			return s.wrap("add user to tenant", err)
		}
		var one int
		switch err := tx.QueryRowContext(ctx, `SELECT 1 FROM tenant_users WHERE tenant_id = $1 AND user_id = $2`, tenantID, userID).Scan(&one); {
		case err == nil:
			already = true
			return nil
		case !errNoRows(err):
			return s.wrap("add user to tenant", err)
		}
		infos, err := s.userAccountInfos(ctx, tx, recipe, userID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tenant_users (tenant_id, user_id, recipe_id, time_joined) VALUES ($1, $2, $3, $4)`,
			tenantID, userID, recipe, joined); err != nil {
			return s.wrap("add user to tenant", err)
		}
		for _, in := range infos {
			_, err := tx.ExecContext(ctx, `INSERT INTO account_infos (tenant_id, info_type, info_value, recipe_id, third_party_key, email_domain, user_id, time_joined)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, tenantID, in.infoType, in.value, in.recipe, in.key, in.domain, userID, joined)
			if s.isUniqueViolation(err) {
				return fmt.Errorf("sqlstore: add user to tenant: %w", in.taken)
			}
			if err != nil {
				return s.wrap("add user to tenant", err)
			}
		}
		counts := userCounts{}
		counts[countKey{tenantID, recipe}]++
		return s.adjustCounts(ctx, tx, counts)
	})
	return already, err
}

// userAccountInfos builds the account_infos rows of a recipe user from its
// recipe's table.
func (s *DB) userAccountInfos(ctx context.Context, tx *sql.Tx, recipe, userID string) ([]accountInfo, error) {
	email := func(v, recipe, key string, taken error) accountInfo {
		return accountInfo{infoType: infoEmail, value: v, recipe: recipe, key: key, taken: taken, domain: emailDomain(v)}
	}
	switch recipe {
	case store.RecipeEmailPassword:
		var e string
		err := tx.QueryRowContext(ctx, `SELECT email FROM emailpassword_users WHERE user_id = $1`, userID).Scan(&e)
		if err != nil {
			return nil, s.wrap("add user to tenant", err)
		}
		return []accountInfo{email(e, recipe, "", store.ErrEmailPasswordEmailTaken)}, nil
	case store.RecipePasswordless:
		var e, p sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT email, phone_number FROM passwordless_users WHERE user_id = $1`, userID).Scan(&e, &p)
		if err != nil {
			return nil, s.wrap("add user to tenant", err)
		}
		var out []accountInfo
		if e.Valid {
			out = append(out, email(e.String, recipe, "", store.ErrEmailTaken))
		}
		if p.Valid {
			out = append(out, accountInfo{infoType: infoPhone, value: p.String, recipe: recipe, taken: store.ErrPhoneNumberTaken})
		}
		return out, nil
	case store.RecipeThirdParty:
		var id, uid, e string
		err := tx.QueryRowContext(ctx, `SELECT third_party_id, third_party_user_id, email FROM thirdparty_users WHERE user_id = $1`, userID).
			Scan(&id, &uid, &e)
		if err != nil {
			return nil, s.wrap("add user to tenant", err)
		}
		key := tpartyValue(store.ThirdPartyInfo{ID: id, UserID: uid})
		return []accountInfo{
			{infoType: infoTParty, value: key, recipe: recipe, key: key, taken: store.ErrThirdPartyUserTaken},
			email(e, recipe, key, store.ErrThirdPartyUserTaken),
		}, nil
	}
	return nil, errors.New("sqlstore: add user to tenant: unknown recipe " + recipe)
}

// RemoveUserFromTenant ends a user's association with the tenant.
func (s *DB) RemoveUserFromTenant(ctx context.Context, tenantID, userID string) (bool, error) {
	var was bool
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var recipe string
		switch err := tx.QueryRowContext(ctx, `DELETE FROM tenant_users WHERE tenant_id = $1 AND user_id = $2 RETURNING recipe_id`,
			tenantID, userID).Scan(&recipe); {
		case errNoRows(err):
			return nil
		case err != nil:
			return s.wrap("remove user from tenant", err)
		}
		was = true
		for _, q := range []string{
			`DELETE FROM account_infos WHERE tenant_id = $1 AND user_id = $2`,
			`DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2`,
			`DELETE FROM user_roles WHERE tenant_id = $1 AND user_id = $2`,
			`DELETE FROM email_verification_tokens WHERE tenant_id = $1 AND user_id = $2`,
		} {
			if _, err := tx.ExecContext(ctx, q, tenantID, userID); err != nil {
				return s.wrap("remove user from tenant", err)
			}
		}
		counts := userCounts{}
		counts[countKey{tenantID, recipe}]--
		return s.adjustCounts(ctx, tx, counts)
	})
	return was, err
}
