package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

const dashboardUserSelect = `SELECT user_id, email, password_hash, time_joined, read_only FROM dashboard_users`

func scanDashboardUser(row interface{ Scan(...any) error }) (store.DashboardUser, error) {
	var (
		u      store.DashboardUser
		joined int64
	)
	if err := row.Scan(&u.ID, &u.Email, &u.PasswordHash, &joined, &u.ReadOnly); err != nil {
		return store.DashboardUser{}, err
	}
	u.TimeJoined = fromMS(joined)
	return u, nil
}

// CreateDashboardUser stores an account; the email is a unique key.
func (s *DB) CreateDashboardUser(ctx context.Context, u store.DashboardUser) error {
	_, err := s.writer.ExecContext(ctx,
		`INSERT INTO dashboard_users (user_id, email, password_hash, time_joined, read_only) VALUES ($1, $2, $3, $4, $5)`,
		u.ID, u.Email, u.PasswordHash, ms(u.TimeJoined), u.ReadOnly)
	return s.wrap("create dashboard user", err)
}

// DashboardUser returns an account by id.
func (s *DB) DashboardUser(ctx context.Context, userID string) (store.DashboardUser, error) {
	u, err := scanDashboardUser(s.reader.QueryRowContext(ctx, dashboardUserSelect+` WHERE user_id = $1`, userID))
	if errNoRows(err) {
		return u, notFound("dashboard user")
	}
	return u, s.wrap("dashboard user", err)
}

// DashboardUserByEmail returns an account by email.
func (s *DB) DashboardUserByEmail(ctx context.Context, email string) (store.DashboardUser, error) {
	u, err := scanDashboardUser(s.reader.QueryRowContext(ctx, dashboardUserSelect+` WHERE email = $1`, email))
	if errNoRows(err) {
		return u, notFound("dashboard user by email")
	}
	return u, s.wrap("dashboard user by email", err)
}

// ListDashboardUsers returns every account, oldest first.
func (s *DB) ListDashboardUsers(ctx context.Context) ([]store.DashboardUser, error) {
	rows, err := s.reader.QueryContext(ctx, dashboardUserSelect+` ORDER BY time_joined, user_id`)
	if err != nil {
		return nil, s.wrap("list dashboard users", err)
	}
	defer rows.Close()
	out := []store.DashboardUser{}
	for rows.Next() {
		u, err := scanDashboardUser(rows)
		if err != nil {
			return nil, s.wrap("list dashboard users", err)
		}
		out = append(out, u)
	}
	return out, s.wrap("list dashboard users", rows.Err())
}

// UpdateDashboardUser changes an account's email, password hash or
// read-only flag and deletes its sessions, in one transaction that holds the account's row.
// A change update makes to ID or TimeJoined is ignored.
func (s *DB) UpdateDashboardUser(ctx context.Context, userID string, update func(*store.DashboardUser) error) (store.DashboardUser, error) {
	var out store.DashboardUser
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		old, err := scanDashboardUser(tx.QueryRowContext(ctx,
			dashboardUserSelect+` WHERE user_id = $1`+s.dialect.ForUpdate, userID))
		if errNoRows(err) {
			return notFound("update dashboard user")
		}
		if err != nil {
			return s.wrap("update dashboard user", err)
		}
		u := old
		if err := update(&u); err != nil {
			return err
		}
		u.ID, u.TimeJoined = old.ID, old.TimeJoined
		if _, err := tx.ExecContext(ctx, `UPDATE dashboard_users SET email = $1, password_hash = $2, read_only = $3 WHERE user_id = $4`,
			u.Email, u.PasswordHash, u.ReadOnly, u.ID); err != nil {
			return s.wrap("update dashboard user", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM dashboard_sessions WHERE user_id = $1`, u.ID); err != nil {
			return s.wrap("update dashboard user", err)
		}
		out = u
		return nil
	})
	return out, err
}

// DeleteDashboardUser removes an account; its sessions go with it (ON
// DELETE CASCADE).
func (s *DB) DeleteDashboardUser(ctx context.Context, userID string) (bool, error) {
	n, err := s.deleteCount(ctx, "delete dashboard user", `DELETE FROM dashboard_users WHERE user_id = $1`, userID)
	return n > 0, err
}

// CreateDashboardSession stores a session. Its account is a foreign key, so
// an account deleted concurrently fails the insert.
func (s *DB) CreateDashboardSession(ctx context.Context, ds store.DashboardSession) error {
	_, err := s.writer.ExecContext(ctx,
		`INSERT INTO dashboard_sessions (session_id, user_id, time_created, expiry) VALUES ($1, $2, $3, $4)`,
		ds.ID, ds.UserID, ms(ds.TimeCreated), ms(ds.Expiry))
	if s.isForeignKeyViolation(err) {
		return notFound("create dashboard session")
	}
	return s.wrap("create dashboard session", err)
}

const dashboardSessionSelect = `SELECT ds.session_id, ds.user_id, du.email, du.read_only, ds.time_created, ds.expiry
FROM dashboard_sessions ds JOIN dashboard_users du ON du.user_id = ds.user_id`

func scanDashboardSession(row interface{ Scan(...any) error }) (store.DashboardSession, error) {
	var (
		ds              store.DashboardSession
		created, expiry int64
	)
	if err := row.Scan(&ds.ID, &ds.UserID, &ds.Email, &ds.ReadOnly, &created, &expiry); err != nil {
		return store.DashboardSession{}, err
	}
	ds.TimeCreated, ds.Expiry = fromMS(created), fromMS(expiry)
	return ds, nil
}

// DashboardSession returns a session with its account's email and
// read-only flag.
func (s *DB) DashboardSession(ctx context.Context, sessionID string) (store.DashboardSession, error) {
	ds, err := scanDashboardSession(s.reader.QueryRowContext(ctx, dashboardSessionSelect+` WHERE ds.session_id = $1`, sessionID))
	if errNoRows(err) {
		return ds, notFound("dashboard session")
	}
	return ds, s.wrap("dashboard session", err)
}

// DashboardSessions returns an account's sessions, oldest first.
func (s *DB) DashboardSessions(ctx context.Context, userID string) ([]store.DashboardSession, error) {
	rows, err := s.reader.QueryContext(ctx,
		dashboardSessionSelect+` WHERE ds.user_id = $1 ORDER BY ds.time_created, ds.session_id`, userID)
	if err != nil {
		return nil, s.wrap("dashboard sessions", err)
	}
	defer rows.Close()
	out := []store.DashboardSession{}
	for rows.Next() {
		ds, err := scanDashboardSession(rows)
		if err != nil {
			return nil, s.wrap("dashboard sessions", err)
		}
		out = append(out, ds)
	}
	return out, s.wrap("dashboard sessions", rows.Err())
}

// DeleteDashboardSession removes a session.
func (s *DB) DeleteDashboardSession(ctx context.Context, sessionID string) error {
	_, err := s.writer.ExecContext(ctx, `DELETE FROM dashboard_sessions WHERE session_id = $1`, sessionID)
	return s.wrap("delete dashboard session", err)
}

// DeleteExpiredDashboardSessions removes sessions that expired before now.
func (s *DB) DeleteExpiredDashboardSessions(ctx context.Context, now time.Time) (int64, error) {
	return s.deleteCount(ctx, "delete expired dashboard sessions",
		`DELETE FROM dashboard_sessions WHERE expiry < $1`, ms(now))
}
