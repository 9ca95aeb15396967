package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

const sessionSelect = `SELECT handle, tenant_id, user_id, refresh_token_hash_2, session_data, jwt_payload,
use_static_key, created_at, expires_at, client_ip, user_agent, last_refreshed FROM sessions WHERE handle = $1`

func scanSession(row *sql.Row) (store.Session, error) {
	var (
		ss                 store.Session
		data, payload      sql.NullString
		created, expiresAt int64
		refreshed          int64
	)
	if err := row.Scan(&ss.Handle, &ss.TenantID, &ss.UserID, &ss.RefreshTokenHash2, &data, &payload,
		&ss.UseStaticKey, &created, &expiresAt, &ss.ClientIP, &ss.UserAgent, &refreshed); err != nil {
		return store.Session{}, err
	}
	ss.SessionData, ss.JWTPayload = rawJSON(data), rawJSON(payload)
	ss.CreatedAt, ss.ExpiresAt = fromMS(created), fromMS(expiresAt)
	if refreshed != 0 {
		ss.LastRefreshed = fromMS(refreshed)
	}
	return ss, nil
}

// CreateSession stores a new session and counts a sign-in of its user, in
// one transaction.
func (s *DB) CreateSession(ctx context.Context, ss store.Session) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (handle, tenant_id, user_id, refresh_token_hash_2,
session_data, jwt_payload, use_static_key, created_at, expires_at, client_ip, user_agent, last_refreshed)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			ss.Handle, ss.TenantID, ss.UserID, ss.RefreshTokenHash2, nullText(ss.SessionData), nullText(ss.JWTPayload),
			ss.UseStaticKey, ms(ss.CreatedAt), ms(ss.ExpiresAt), ss.ClientIP, ss.UserAgent, msOrZero(ss.LastRefreshed))
		if err != nil {
			return s.wrap("create session", err)
		}
		if ss.NotSignIn {
			return nil
		}
		// A session of an id that is no stored user (a session-only app)
		// selects no row here and records nothing. A linked login
		// method's sign-in is the person's: it is counted on the primary
		// user, whom the list shows.
		_, err = tx.ExecContext(ctx, `INSERT INTO user_activity (user_id, last_sign_in, last_active, sign_in_count)
SELECT COALESCE(primary_user_id, user_id), $2, $2, 1 FROM users WHERE user_id = $1
ON CONFLICT (user_id) DO UPDATE SET last_sign_in = excluded.last_sign_in,
last_active = CASE WHEN user_activity.last_active > excluded.last_active THEN user_activity.last_active ELSE excluded.last_active END,
sign_in_count = user_activity.sign_in_count + 1`, ss.UserID, ms(ss.CreatedAt))
		return s.wrap("create session: activity", err)
	})
}

// msOrZero is ms(t), or 0 for the zero time.
func msOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return ms(t)
}

// ActivityForUsers reads the activity rows of these users.
func (s *DB) ActivityForUsers(ctx context.Context, userIDs []string) (map[string]store.UserActivity, error) {
	userIDs = dedupe(userIDs)
	out := make(map[string]store.UserActivity)
	for len(userIDs) > 0 {
		batch := userIDs[:min(len(userIDs), suspensionBatch)]
		userIDs = userIDs[len(batch):]
		var a argList
		rows, err := s.reader.QueryContext(ctx, `SELECT user_id, last_sign_in, last_active, sign_in_count FROM user_activity
WHERE user_id IN (`+a.in(batch)+`)`, a.args...)
		if err != nil {
			return nil, s.wrap("activity for users", err)
		}
		for rows.Next() {
			var ua store.UserActivity
			var signIn, active int64
			if err := rows.Scan(&ua.UserID, &signIn, &active, &ua.SignIns); err != nil {
				rows.Close()
				return nil, s.wrap("activity for users", err)
			}
			if signIn != 0 {
				ua.LastSignIn = fromMS(signIn)
			}
			if active != 0 {
				ua.LastActive = fromMS(active)
			}
			out[ua.UserID] = ua
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, s.wrap("activity for users", err)
		}
	}
	return out, nil
}

// Session returns a session by handle, expired or not.
func (s *DB) Session(ctx context.Context, handle string) (store.Session, error) {
	ss, err := scanSession(s.reader.QueryRowContext(ctx, sessionSelect, handle))
	if errNoRows(err) {
		return ss, notFound("session")
	}
	return ss, s.wrap("session", err)
}

// UpdateSession reads, updates and writes one session in a transaction that
// holds its row (FOR UPDATE, or SQLite's single writer), so that refreshes
// racing on one handle see each other's writes. Changes update makes to
// Handle, TenantID, UserID or CreatedAt are ignored.
func (s *DB) UpdateSession(ctx context.Context, handle string, update func(*store.Session) error) (store.Session, error) {
	var out store.Session
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		old, err := scanSession(tx.QueryRowContext(ctx, sessionSelect+s.dialect.ForUpdate, handle))
		if errNoRows(err) {
			return notFound("update session")
		}
		if err != nil {
			return s.wrap("update session", err)
		}
		ss := old
		if err := update(&ss); err != nil {
			return err
		}
		ss.Handle, ss.TenantID, ss.UserID, ss.CreatedAt = old.Handle, old.TenantID, old.UserID, old.CreatedAt
		ss.ClientIP, ss.UserAgent = old.ClientIP, old.UserAgent
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET refresh_token_hash_2 = $1, session_data = $2,
jwt_payload = $3, use_static_key = $4, expires_at = $5, last_refreshed = $6 WHERE handle = $7`,
			ss.RefreshTokenHash2, nullText(ss.SessionData), nullText(ss.JWTPayload), ss.UseStaticKey,
			ms(ss.ExpiresAt), msOrZero(ss.LastRefreshed), ss.Handle); err != nil {
			return s.wrap("update session", err)
		}
		if !ss.LastRefreshed.Equal(old.LastRefreshed) && !ss.LastRefreshed.IsZero() {
			if _, err := tx.ExecContext(ctx, `UPDATE user_activity SET last_active = $2
WHERE user_id = (SELECT COALESCE(primary_user_id, user_id) FROM users WHERE user_id = $1) AND last_active < $2`,
				ss.UserID, ms(ss.LastRefreshed)); err != nil {
				return s.wrap("update session: activity", err)
			}
		}
		out = ss
		return nil
	})
	return out, err
}

// DeleteSessions removes sessions by handle and returns those that existed.
func (s *DB) DeleteSessions(ctx context.Context, handles []string) ([]string, error) {
	handles = dedupe(handles)
	if len(handles) == 0 {
		return []string{}, nil
	}
	var a argList
	return s.deleteReturning(ctx, "delete sessions",
		`DELETE FROM sessions WHERE handle IN (`+a.in(handles)+`) RETURNING handle`, a.args...)
}

// DeleteUserSessions removes the sessions of these users, in tenantID or in
// every tenant when tenantID is "".
func (s *DB) DeleteUserSessions(ctx context.Context, userIDs []string, tenantID string) ([]string, error) {
	userIDs = dedupe(userIDs)
	if len(userIDs) == 0 {
		return []string{}, nil
	}
	var a argList
	query := `DELETE FROM sessions WHERE user_id IN (` + a.in(userIDs) + `)`
	if tenantID != "" {
		query += ` AND tenant_id = ` + a.add(tenantID)
	}
	return s.deleteReturning(ctx, "delete user sessions", query+` RETURNING handle`, a.args...)
}

// deleteReturning runs a DELETE … RETURNING of one string column in a
// transaction, reading every returned row before the commit.
func (s *DB) deleteReturning(ctx context.Context, op, query string, args ...any) ([]string, error) {
	var out []string
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		out, err = scanStrings(tx.QueryContext(ctx, query, args...))
		return s.wrap(op, err)
	})
	return out, err
}

// UserSessionHandles returns the handles of these users' sessions that have
// not expired at now.
func (s *DB) UserSessionHandles(ctx context.Context, userIDs []string, tenantID string, now time.Time) ([]string, error) {
	userIDs = dedupe(userIDs)
	if len(userIDs) == 0 {
		return []string{}, nil
	}
	var a argList
	query := `SELECT handle FROM sessions WHERE user_id IN (` + a.in(userIDs) + `) AND expires_at >= ` + a.add(ms(now))
	if tenantID != "" {
		query += ` AND tenant_id = ` + a.add(tenantID)
	}
	out, err := scanStrings(s.reader.QueryContext(ctx, query+` ORDER BY created_at, handle`, a.args...))
	return out, s.wrap("user session handles", err)
}

// DeleteExpiredSessions removes sessions that expired before now.
func (s *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	return s.deleteCount(ctx, "delete expired sessions", `DELETE FROM sessions WHERE expires_at < $1`, ms(now))
}

// ListUsersByActivity pages a tenant's users by user_activity's
// (last_active, user_id) index, in either direction, keeping those listed
// in the tenant.
func (s *DB) ListUsersByActivity(ctx context.Context, q store.ActivityListQuery) ([]store.User, *store.ActivityCursor, error) {
	if q.Limit <= 0 {
		return nil, nil, fmt.Errorf("sqlstore: list users by activity: limit must be positive, got %d", q.Limit)
	}
	var a argList
	// col is the time listed by: each has its (time DESC, user_id DESC)
	// index, read forwards or backwards.
	col := "a.last_active"
	if q.BySignIn {
		col = "a.last_sign_in"
	}
	// CROSS JOIN keeps user_activity the outer loop on SQLite, walking
	// its index in order; with a plain JOIN its planner, which has no
	// statistics, walks the tenant and sorts every user who signed in
	// (2 s on a million users). PostgreSQL plans both forms alike.
	query := `SELECT a.user_id, ` + col + ` FROM user_activity a
CROSS JOIN tenant_users t WHERE t.tenant_id = ` + a.add(q.TenantID) + ` AND t.user_id = a.user_id`
	dir, cmp, eq := "DESC", "<", "<="
	if q.Ascending {
		dir, cmp, eq = "ASC", ">", ">="
	}
	if q.After != nil {
		at, id := a.add(ms(q.After.LastActive)), a.add(q.After.UserID)
		query += fmt.Sprintf(" AND %[1]s %[2]s %[3]s AND (%[1]s %[4]s %[3]s OR a.user_id %[2]s %[5]s)", col, eq, at, cmp, id)
	}
	query += fmt.Sprintf(" ORDER BY %[1]s %[2]s, a.user_id %[2]s LIMIT %[3]s", col, dir, a.add(q.Limit+1))
	rows, err := s.reader.QueryContext(ctx, query, a.args...)
	if err != nil {
		return nil, nil, s.wrap("list users by activity", err)
	}
	var (
		ids  []string
		last []int64
	)
	for rows.Next() {
		var id string
		var at int64
		if err := rows.Scan(&id, &at); err != nil {
			rows.Close()
			return nil, nil, s.wrap("list users by activity", err)
		}
		ids, last = append(ids, id), append(last, at)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, s.wrap("list users by activity", err)
	}
	var next *store.ActivityCursor
	if len(ids) > q.Limit {
		next = &store.ActivityCursor{LastActive: fromMS(last[q.Limit]), UserID: ids[q.Limit]}
		ids = ids[:q.Limit]
	}
	users, err := s.loadUsers(ctx, s.reader, ids)
	if err != nil {
		return nil, nil, err
	}
	// loadUsers keeps the order of ids.
	return users, next, nil
}
