package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

// suspensionBatch caps the ids of one SuspensionsForUsers query.
const suspensionBatch = 500

const suspensionColumns = `user_id, reason, actor, suspended_at, until_ms`

// activeAt is the condition that a suspension row is in force at the
// bound time.
func activeAt(ph string) string { return `(until_ms IS NULL OR until_ms > ` + ph + `)` }

type rowScanner interface{ Scan(dest ...any) error }

func scanSuspension(row rowScanner) (store.Suspension, error) {
	var (
		s         store.Suspension
		suspended int64
		until     sql.NullInt64
	)
	if err := row.Scan(&s.UserID, &s.Reason, &s.Actor, &suspended, &until); err != nil {
		return store.Suspension{}, err
	}
	s.SuspendedAt = fromMS(suspended)
	if until.Valid {
		s.Until = fromMS(until.Int64)
	}
	return s, nil
}

func nullMS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ms(t)
}

// SuspendUser stores the suspension, replacing one that has ended, and
// removes the user's sessions in the same transaction.
func (s *DB) SuspendUser(ctx context.Context, su store.Suspension, now time.Time) ([]string, error) {
	var handles []string
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var one int
		switch err := tx.QueryRowContext(ctx, `SELECT 1 FROM users WHERE user_id = $1`+s.dialect.ForUpdate, su.UserID).Scan(&one); {
		case errNoRows(err):
			return notFound("suspend user")
		case err != nil:
			return s.wrap("suspend user", err)
		}
		// An ended suspension is replaced; an active one stays, and the
		// statement then changes no row.
		res, err := tx.ExecContext(ctx, `INSERT INTO user_suspensions (`+suspensionColumns+`) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (user_id) DO UPDATE SET reason = excluded.reason, actor = excluded.actor,
suspended_at = excluded.suspended_at, until_ms = excluded.until_ms
WHERE user_suspensions.until_ms IS NOT NULL AND user_suspensions.until_ms <= $6`,
			su.UserID, su.Reason, su.Actor, ms(su.SuspendedAt), nullMS(su.Until), ms(now))
		if err != nil {
			return s.wrap("suspend user", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return s.wrap("suspend user", err)
		} else if n == 0 {
			return fmt.Errorf("sqlstore: suspend user: %w", store.ErrAlreadyExists)
		}
		handles, err = scanStrings(tx.QueryContext(ctx, `DELETE FROM sessions WHERE user_id = $1 RETURNING handle`, su.UserID))
		return s.wrap("suspend user", err)
	})
	if err != nil {
		return nil, err
	}
	if handles == nil {
		handles = []string{}
	}
	return handles, nil
}

// ReinstateUser removes the user's suspension, active or ended, and
// returns it when it was active.
func (s *DB) ReinstateUser(ctx context.Context, userID string, now time.Time) (store.Suspension, error) {
	var out store.Suspension
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		su, err := scanSuspension(tx.QueryRowContext(ctx, `DELETE FROM user_suspensions WHERE user_id = $1 RETURNING `+suspensionColumns, userID))
		if errNoRows(err) {
			return notFound("reinstate user")
		}
		if err != nil {
			return s.wrap("reinstate user", err)
		}
		if !su.ActiveAt(now) {
			// The ended row is gone, which is right; the caller still
			// learns that there was nothing to lift.
			return commitAnyway{notFound("reinstate user")}
		}
		out = su
		return nil
	})
	return out, err
}

// Suspension returns the user's suspension active at now.
func (s *DB) Suspension(ctx context.Context, userID string, now time.Time) (store.Suspension, error) {
	su, err := scanSuspension(s.reader.QueryRowContext(ctx, `SELECT `+suspensionColumns+` FROM user_suspensions
WHERE user_id = $1 AND `+activeAt("$2"), userID, ms(now)))
	if errNoRows(err) {
		return su, notFound("suspension")
	}
	return su, s.wrap("suspension", err)
}

// UserStanding reads a recipe user's primary user and whether it is
// suspended; see [store.Suspensions].
func (s *DB) UserStanding(ctx context.Context, userID string, now time.Time) (string, bool, error) {
	var primary string
	var suspended bool
	err := s.reader.QueryRowContext(ctx, `SELECT p.id, EXISTS (SELECT 1 FROM user_suspensions
WHERE user_id = p.id AND `+activeAt("$2")+`)
FROM (SELECT COALESCE(primary_user_id, user_id) AS id FROM users WHERE user_id = $1) AS p`, userID, ms(now)).Scan(&primary, &suspended)
	if errNoRows(err) {
		// No stored user (a session-only app): its own primary, and never
		// suspended, since only stored users can be.
		return userID, false, nil
	}
	if err != nil {
		return "", false, s.wrap("user standing", err)
	}
	return primary, suspended, nil
}

// SuspensionsForUsers reads the active suspensions of these users.
func (s *DB) SuspensionsForUsers(ctx context.Context, userIDs []string, now time.Time) (map[string]store.Suspension, error) {
	userIDs = dedupe(userIDs)
	out := make(map[string]store.Suspension)
	for len(userIDs) > 0 {
		batch := userIDs[:min(len(userIDs), suspensionBatch)]
		userIDs = userIDs[len(batch):]
		var a argList
		in := a.in(batch)
		rows, err := s.reader.QueryContext(ctx, `SELECT `+suspensionColumns+` FROM user_suspensions
WHERE user_id IN (`+in+`) AND `+activeAt(a.add(ms(now))), a.args...)
		if err != nil {
			return nil, s.wrap("suspensions for users", err)
		}
		for rows.Next() {
			su, err := scanSuspension(rows)
			if err != nil {
				rows.Close()
				return nil, s.wrap("suspensions for users", err)
			}
			out[su.UserID] = su
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, s.wrap("suspensions for users", err)
		}
	}
	return out, nil
}

// ListSuspensions reads one keyset page of the active suspensions of a
// tenant's users, newest first.
func (s *DB) ListSuspensions(ctx context.Context, tenantID string, limit int, after *store.SuspensionCursor, now time.Time) ([]store.Suspension, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("sqlstore: list suspensions: limit must be positive, got %d", limit)
	}
	var a argList
	query := `SELECT s.user_id, s.reason, s.actor, s.suspended_at, s.until_ms FROM user_suspensions s
JOIN tenant_users t ON t.user_id = s.user_id AND t.tenant_id = ` + a.add(tenantID) + `
WHERE (s.until_ms IS NULL OR s.until_ms > ` + a.add(ms(now)) + `)`
	if after != nil {
		t, id := a.add(ms(after.SuspendedAt)), a.add(after.UserID)
		query += fmt.Sprintf(` AND s.suspended_at <= %[1]s AND (s.suspended_at < %[1]s OR (s.suspended_at = %[1]s AND s.user_id <= %[2]s))`, t, id)
	}
	query += ` ORDER BY s.suspended_at DESC, s.user_id DESC LIMIT ` + a.add(limit)
	rows, err := s.reader.QueryContext(ctx, query, a.args...)
	if err != nil {
		return nil, s.wrap("list suspensions", err)
	}
	defer rows.Close()
	out := []store.Suspension{}
	for rows.Next() {
		su, err := scanSuspension(rows)
		if err != nil {
			return nil, s.wrap("list suspensions", err)
		}
		out = append(out, su)
	}
	return out, s.wrap("list suspensions", rows.Err())
}
