package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/latchkey-dev/latchkey/store"
)

// Account linking keeps three things in step, in the transaction of every
// write that changes who belongs to a primary user or what identifiers
// they have:
//
//   - users.primary_user_id: the primary user's id on each member's row
//     (the primary's own row included), NULL for an unlinked user;
//   - the listing: a linked member's tenant_users rows live in
//     linked_user_tenants, and the primary's tenant_users rows carry the
//     person's earliest time joined, so that the person is listed once and
//     a page's cursor (id, time joined) is the user object's;
//   - primary_user_infos: the identifiers of every primary user, per
//     tenant, whose primary key refuses a second primary user with the
//     same one.

// errDryRun makes inTx roll back a check-only write after it decided.
var errDryRun = errors.New("sqlstore: dry run")

// linkRow is what a linking write reads of a users row.
type linkRow struct {
	id      string
	recipe  string
	primary string // "" when NULL
}

// lockUsers reads the users rows of ids, locking them on PostgreSQL in id
// order, so that two writes over the same users never wait for each other
// in opposite orders. Unknown ids are absent from the map.
func (s *DB) lockUsers(ctx context.Context, tx *sql.Tx, ids ...string) (map[string]linkRow, error) {
	in, arg := s.dialect.InStrings("user_id", "$1", dedupe(ids))
	rows, err := tx.QueryContext(ctx, `SELECT user_id, recipe_id, COALESCE(primary_user_id, '') FROM users WHERE `+in+
		` ORDER BY user_id`+s.dialect.ForUpdate, arg)
	if err != nil {
		return nil, s.wrap("lock users", err)
	}
	defer rows.Close()
	out := map[string]linkRow{}
	for rows.Next() {
		var r linkRow
		if err := rows.Scan(&r.id, &r.recipe, &r.primary); err != nil {
			return nil, s.wrap("lock users", err)
		}
		out[r.id] = r
	}
	return out, s.wrap("lock users", rows.Err())
}

// linkTx runs a linking write in one transaction; with dryRun it decides
// the same way and rolls back.
func (s *DB) linkTx(ctx context.Context, dryRun bool, fn func(tx *sql.Tx) error) error {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return nil
	}
	return err
}

// CreatePrimaryUser makes a recipe user primary; see [store.AccountLinking].
func (s *DB) CreatePrimaryUser(ctx context.Context, recipeUserID string, dryRun bool) (store.User, bool, error) {
	var was bool
	err := s.linkTx(ctx, dryRun, func(tx *sql.Tx) error {
		rows, err := s.lockUsers(ctx, tx, recipeUserID)
		if err != nil {
			return err
		}
		r, ok := rows[recipeUserID]
		switch {
		case !ok:
			return notFound("create primary user")
		case r.primary == r.id:
			was = true
			return nil
		case r.primary != "":
			return &store.LinkError{Reason: store.LinkAlreadyLinked, PrimaryUserID: r.primary}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET primary_user_id = user_id WHERE user_id = $1`, r.id); err != nil {
			return s.wrap("create primary user", err)
		}
		return s.claimInfos(ctx, tx, r.id)
	})
	if err != nil {
		return store.User{}, false, err
	}
	u, err := s.User(ctx, recipeUserID)
	if dryRun && err == nil && !was {
		u.IsPrimary = true
	}
	return u, was, err
}

// LinkAccounts links a recipe user to a primary user; see
// [store.AccountLinking].
func (s *DB) LinkAccounts(ctx context.Context, recipeUserID, primaryUserID string, dryRun bool) (store.User, bool, error) {
	var (
		already bool
		primary string
	)
	err := s.linkTx(ctx, dryRun, func(tx *sql.Tx) error {
		// The primary user may be named by any of its login methods.
		p, err := s.primaryOf(ctx, tx, primaryUserID)
		if err != nil {
			return err
		}
		rows, err := s.lockUsers(ctx, tx, recipeUserID, p)
		if err != nil {
			return err
		}
		r, ok := rows[recipeUserID]
		pr, pok := rows[p]
		switch {
		case !ok || !pok:
			return notFound("link accounts")
		case pr.primary != pr.id:
			return &store.LinkError{Reason: store.LinkNotPrimary}
		case r.primary == pr.id:
			already, primary = true, pr.id
			return nil
		case r.primary != "":
			return &store.LinkError{Reason: store.LinkAlreadyLinked, PrimaryUserID: r.primary}
		}
		primary = pr.id
		// The conditional update is the arbiter between racing links of
		// one recipe user, whatever the engine's locking.
		res, err := tx.ExecContext(ctx, `UPDATE users SET primary_user_id = $1 WHERE user_id = $2 AND primary_user_id IS NULL`, pr.id, r.id)
		if err != nil {
			return s.wrap("link accounts", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return s.alreadyLinked(ctx, tx, r.id, err)
		}
		if err := s.hideMember(ctx, tx, r); err != nil {
			return err
		}
		if err := s.mergeActivity(ctx, tx, r.id, pr.id); err != nil {
			return err
		}
		if err := s.claimInfos(ctx, tx, pr.id); err != nil {
			return err
		}
		return s.setListingTime(ctx, tx, pr.id)
	})
	if err != nil {
		return store.User{}, false, err
	}
	u, err := s.User(ctx, primary)
	return u, already, err
}

// alreadyLinked words a conditional link update that changed no row: a
// concurrent write linked the recipe user first.
func (s *DB) alreadyLinked(ctx context.Context, tx *sql.Tx, recipeUserID string, err error) error {
	if err != nil {
		return s.wrap("link accounts", err)
	}
	var p sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT primary_user_id FROM users WHERE user_id = $1`, recipeUserID).Scan(&p); err != nil {
		return s.wrap("link accounts", err)
	}
	return &store.LinkError{Reason: store.LinkAlreadyLinked, PrimaryUserID: p.String}
}

// primaryOf returns the primary user id of a user id: its primary when it
// is a linked or primary recipe user, the id itself otherwise.
// ErrNotFound when no users row has the id.
func (s *DB) primaryOf(ctx context.Context, q querier, userID string) (string, error) {
	var p sql.NullString
	err := q.QueryRowContext(ctx, `SELECT primary_user_id FROM users WHERE user_id = $1`, userID).Scan(&p)
	if errNoRows(err) {
		return "", notFound("user")
	}
	if err != nil {
		return "", s.wrap("user", err)
	}
	if p.Valid {
		return p.String, nil
	}
	return userID, nil
}

// hideMember moves a newly linked member's listing rows to
// linked_user_tenants and takes it out of the counts, which count people.
func (s *DB) hideMember(ctx context.Context, tx *sql.Tx, r linkRow) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO linked_user_tenants (tenant_id, user_id)
SELECT tenant_id, user_id FROM tenant_users WHERE user_id = $1`, r.id); err != nil {
		return s.wrap("link accounts", err)
	}
	tenants, err := scanStrings(tx.QueryContext(ctx, `DELETE FROM tenant_users WHERE user_id = $1 RETURNING tenant_id`, r.id))
	if err != nil {
		return s.wrap("link accounts", err)
	}
	counts := userCounts{}
	counts.add(r.recipe, -1, tenants...)
	return s.adjustCounts(ctx, tx, counts)
}

// mergeActivity moves a newly linked member's activity to its primary
// user, where its sign-ins are counted from now on: the latest times and
// the sum of the counts.
func (s *DB) mergeActivity(ctx context.Context, tx *sql.Tx, memberID, primaryID string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO user_activity (user_id, last_sign_in, last_active, sign_in_count)
SELECT $2, last_sign_in, last_active, sign_in_count FROM user_activity WHERE user_id = $1
ON CONFLICT (user_id) DO UPDATE SET
last_sign_in = CASE WHEN user_activity.last_sign_in > excluded.last_sign_in THEN user_activity.last_sign_in ELSE excluded.last_sign_in END,
last_active = CASE WHEN user_activity.last_active > excluded.last_active THEN user_activity.last_active ELSE excluded.last_active END,
sign_in_count = user_activity.sign_in_count + excluded.sign_in_count`, memberID, primaryID); err != nil {
		return s.wrap("link accounts: activity", err)
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM user_activity WHERE user_id = $1`, memberID)
	return s.wrap("link accounts: activity", err)
}

// showMember is hideMember undone: an unlinked member is listed and
// counted again, with its own time joined.
func (s *DB) showMember(ctx context.Context, tx *sql.Tx, r linkRow) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO tenant_users (tenant_id, user_id, recipe_id, time_joined)
SELECT l.tenant_id, u.user_id, u.recipe_id, u.time_joined FROM linked_user_tenants l JOIN users u ON u.user_id = l.user_id
WHERE l.user_id = $1`, r.id); err != nil {
		return s.wrap("unlink account", err)
	}
	tenants, err := scanStrings(tx.QueryContext(ctx, `DELETE FROM linked_user_tenants WHERE user_id = $1 RETURNING tenant_id`, r.id))
	if err != nil {
		return s.wrap("unlink account", err)
	}
	counts := userCounts{}
	counts.add(r.recipe, 1, tenants...)
	return s.adjustCounts(ctx, tx, counts)
}

// setListingTime gives a primary user's listing rows the person's earliest
// time joined.
func (s *DB) setListingTime(ctx context.Context, tx *sql.Tx, primaryID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE tenant_users SET time_joined =
(SELECT MIN(time_joined) FROM users WHERE user_id = $1 OR primary_user_id = $1) WHERE user_id = $1`, primaryID)
	return s.wrap("listing time", err)
}

// personInfos is a CTE over the primary user $1: its members, its
// tenants (the union of theirs, listed or kept aside while linked) and its
// identifiers. As in the reference, a primary user claims each of its
// identifiers in each of its tenants, so that linking a login method from
// another tenant cannot leave that tenant with two primary users sharing
// an email.
const personInfos = `WITH m AS (SELECT user_id FROM users WHERE primary_user_id = $1),
ts AS (SELECT tenant_id FROM tenant_users WHERE user_id IN (SELECT user_id FROM m)
	UNION SELECT tenant_id FROM linked_user_tenants WHERE user_id IN (SELECT user_id FROM m)),
infos AS (SELECT DISTINCT info_type, info_value FROM account_infos WHERE user_id IN (SELECT user_id FROM m)) `

// claimInfos makes primary_user_infos hold exactly the claims of the
// primary user (see personInfos). It fails with a LinkAccountInfoConflict
// *store.LinkError when another primary user holds one of them; the
// caller's transaction then rolls back. On PostgreSQL an insert that meets
// a claim of an uncommitted transaction waits for it, so of two racing
// claims exactly one is kept.
func (s *DB) claimInfos(ctx context.Context, tx *sql.Tx, primaryID string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM primary_user_infos WHERE primary_user_id = $1`, primaryID); err != nil {
		return s.wrap("claim account infos", err)
	}
	if _, err := tx.ExecContext(ctx, personInfos+`INSERT INTO primary_user_infos (tenant_id, info_type, info_value, primary_user_id)
SELECT ts.tenant_id, infos.info_type, infos.info_value, $1 FROM ts CROSS JOIN infos WHERE 1 = 1
ON CONFLICT (tenant_id, info_type, info_value) DO NOTHING`, primaryID); err != nil {
		return s.wrap("claim account infos", err)
	}
	var other, infoType string
	err := tx.QueryRowContext(ctx, personInfos+`SELECT p.primary_user_id, p.info_type FROM ts CROSS JOIN infos
JOIN primary_user_infos p ON p.tenant_id = ts.tenant_id AND p.info_type = infos.info_type AND p.info_value = infos.info_value
WHERE p.primary_user_id <> $1 ORDER BY p.info_type LIMIT 1`, primaryID).Scan(&other, &infoType)
	switch {
	case errNoRows(err):
		return nil
	case err != nil:
		return s.wrap("claim account infos", err)
	}
	return &store.LinkError{Reason: store.LinkAccountInfoConflict, PrimaryUserID: other, InfoType: infoTypes[infoType]}
}

// infoTypes names the stored identifier types for store.LinkError.
var infoTypes = map[string]string{infoEmail: store.InfoEmail, infoPhone: store.InfoPhoneNumber, infoTParty: store.InfoThirdParty}

// reclaimFor refreshes the claims of the primary user of userID, if it has
// one, after the user's identifiers changed in tx.
func (s *DB) reclaimFor(ctx context.Context, tx *sql.Tx, userID string) error {
	var p sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT primary_user_id FROM users WHERE user_id = $1`, userID).Scan(&p)
	if errNoRows(err) || (err == nil && !p.Valid) {
		return nil
	}
	if err != nil {
		return s.wrap("claim account infos", err)
	}
	return s.claimInfos(ctx, tx, p.String)
}

// UnlinkAccount takes a recipe user out of its primary user; see
// [store.AccountLinking].
func (s *DB) UnlinkAccount(ctx context.Context, recipeUserID string) (store.UnlinkResult, error) {
	var out store.UnlinkResult
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := s.lockUsers(ctx, tx, recipeUserID)
		if err != nil {
			return err
		}
		r, ok := rows[recipeUserID]
		switch {
		case !ok:
			return notFound("unlink account")
		case r.primary == "":
			return nil
		case r.primary != r.id:
			out.WasLinked = true
			if _, err := tx.ExecContext(ctx, `UPDATE users SET primary_user_id = NULL WHERE user_id = $1`, r.id); err != nil {
				return s.wrap("unlink account", err)
			}
			if err := s.showMember(ctx, tx, r); err != nil {
				return err
			}
			if err := s.claimInfos(ctx, tx, r.primary); err != nil {
				return err
			}
			return s.setListingTime(ctx, tx, r.primary)
		}
		out.WasLinked = true
		var others int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE primary_user_id = $1 AND user_id <> $1`, r.id).Scan(&others); err != nil {
			return s.wrap("unlink account", err)
		}
		if others == 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET primary_user_id = NULL WHERE user_id = $1`, r.id); err != nil {
				return s.wrap("unlink account", err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM primary_user_infos WHERE primary_user_id = $1`, r.id); err != nil {
				return s.wrap("unlink account", err)
			}
			return s.setListingTime(ctx, tx, r.id)
		}
		out.WasRecipeUserDeleted = true
		return s.deleteRecipeUser(ctx, tx, r)
	})
	return out, err
}

// DeleteUser removes a user, or a whole person; see [store.Users].
func (s *DB) DeleteUser(ctx context.Context, userID string, removeAllLinked bool) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := s.lockUsers(ctx, tx, userID)
		if err != nil {
			return err
		}
		r, ok := rows[userID]
		if !ok {
			// Not a users row: only rows keyed by the id go.
			return s.deleteKeyedRows(ctx, tx, userID)
		}
		if !removeAllLinked || r.primary == "" {
			return s.deleteRecipeUser(ctx, tx, r)
		}
		members, err := scanStrings(tx.QueryContext(ctx, `SELECT user_id FROM users WHERE primary_user_id = $1 ORDER BY user_id`, r.primary))
		if err != nil {
			return s.wrap("delete user", err)
		}
		locked, err := s.lockUsers(ctx, tx, members...)
		if err != nil {
			return err
		}
		for _, id := range members {
			m, ok := locked[id]
			if !ok {
				continue
			}
			// Linked members first, so that the primary goes last and no
			// member is promoted on the way.
			if m.primary != m.id {
				if err := s.deleteRecipeUser(ctx, tx, m); err != nil {
					return err
				}
			}
		}
		if p, ok := locked[r.primary]; ok {
			return s.deleteRecipeUser(ctx, tx, p)
		}
		return s.deleteKeyedRows(ctx, tx, r.primary)
	})
}

// deleteRecipeUser removes one recipe user and every row keyed by its id.
// A linked member leaves its primary user's identifiers and listing time
// refreshed; the primary's own login method, while others remain, hands
// the person to the oldest remaining one, with its metadata and roles.
func (s *DB) deleteRecipeUser(ctx context.Context, tx *sql.Tx, r linkRow) error {
	counts := userCounts{}
	tenants, err := scanStrings(tx.QueryContext(ctx, `DELETE FROM tenant_users WHERE user_id = $1 RETURNING tenant_id`, r.id))
	if err != nil {
		return s.wrap("delete user", err)
	}
	if len(tenants) > 0 || r.primary == "" || r.primary == r.id {
		// A linked member is not counted (hideMember); everyone else is.
		counts.add(r.recipe, -1, tenants...)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE user_id = $1`, r.id); err != nil {
		return s.wrap("delete user", err)
	}
	switch {
	case r.primary == "":
	case r.primary != r.id:
		if err := s.claimInfos(ctx, tx, r.primary); err != nil {
			return err
		}
		if err := s.setListingTime(ctx, tx, r.primary); err != nil {
			return err
		}
	default:
		if _, err := tx.ExecContext(ctx, `DELETE FROM primary_user_infos WHERE primary_user_id = $1`, r.id); err != nil {
			return s.wrap("delete user", err)
		}
		if err := s.promote(ctx, tx, r.id); err != nil {
			return err
		}
	}
	// After promote, which moves what the person keeps.
	if err := s.deleteKeyedRows(ctx, tx, r.id); err != nil {
		return err
	}
	return s.adjustCounts(ctx, tx, counts)
}

// promote makes the oldest remaining member of a deleted primary user the
// primary user, with the old primary's metadata and roles, and lists it.
func (s *DB) promote(ctx context.Context, tx *sql.Tx, oldID string) error {
	var next linkRow
	err := tx.QueryRowContext(ctx, `SELECT user_id, recipe_id, primary_user_id FROM users WHERE primary_user_id = $1
ORDER BY time_joined, user_id LIMIT 1`, oldID).Scan(&next.id, &next.recipe, &next.primary)
	if errNoRows(err) {
		return nil
	}
	if err != nil {
		return s.wrap("promote linked user", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET primary_user_id = $1 WHERE primary_user_id = $2`, next.id, oldID); err != nil {
		return s.wrap("promote linked user", err)
	}
	if err := s.showMember(ctx, tx, next); err != nil {
		return err
	}
	if err := s.moveKeyedRows(ctx, tx, oldID, next.id); err != nil {
		return err
	}
	if err := s.claimInfos(ctx, tx, next.id); err != nil {
		return err
	}
	return s.setListingTime(ctx, tx, next.id)
}

// moveKeyedRows gives a new primary user the old one's metadata and roles,
// keeping its own where both have one.
func (s *DB) moveKeyedRows(ctx context.Context, tx *sql.Tx, from, to string) error {
	for _, q := range []string{
		`UPDATE user_metadata SET user_id = $2 WHERE user_id = $1 AND NOT EXISTS (SELECT 1 FROM user_metadata m WHERE m.user_id = $2)`,
		`UPDATE user_roles SET user_id = $2 WHERE user_id = $1 AND NOT EXISTS
(SELECT 1 FROM user_roles o WHERE o.user_id = $2 AND o.tenant_id = user_roles.tenant_id AND o.role = user_roles.role)`,
	} {
		if _, err := tx.ExecContext(ctx, q, from, to); err != nil {
			return s.wrap("promote linked user", err)
		}
	}
	return nil // what did not move is deleted with the old user's rows
}

// deleteKeyedRows removes the rows keyed by a user id that need not be a
// user's (so they have no foreign key to users).
func (s *DB) deleteKeyedRows(ctx context.Context, tx *sql.Tx, userID string) error {
	for _, q := range []string{
		`DELETE FROM sessions WHERE user_id = $1`,
		`DELETE FROM email_verification_tokens WHERE user_id = $1`,
		`DELETE FROM verified_emails WHERE user_id = $1`,
		`DELETE FROM user_metadata WHERE user_id = $1`,
		`DELETE FROM user_roles WHERE user_id = $1`,
	} {
		if _, err := tx.ExecContext(ctx, q, userID); err != nil {
			return s.wrap("delete user", err)
		}
	}
	return nil
}

// PrimaryUserID returns the primary user id of a user id; see
// [store.AccountLinking].
func (s *DB) PrimaryUserID(ctx context.Context, userID string) (string, error) {
	p, err := s.primaryOf(ctx, s.reader, userID)
	if errors.Is(err, store.ErrNotFound) {
		return userID, nil
	}
	return p, err
}

// LinkedUserIDs returns the recipe user ids of a person; see
// [store.AccountLinking].
func (s *DB) LinkedUserIDs(ctx context.Context, userID string) ([]string, error) {
	p, err := s.PrimaryUserID(ctx, userID)
	if err != nil {
		return nil, err
	}
	ids, err := scanStrings(s.reader.QueryContext(ctx, `SELECT user_id FROM users WHERE primary_user_id = $1 ORDER BY user_id`, p))
	if err != nil {
		return nil, s.wrap("linked user ids", err)
	}
	return dedupe(append(ids, userID)), nil
}
