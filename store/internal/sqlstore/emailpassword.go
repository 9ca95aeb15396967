package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

// epSelect reads an email-password user; callers add the WHERE clause.
const epSelect = `SELECT e.user_id, e.tenant_id, e.email, e.password_hash, u.time_joined
FROM emailpassword_users e JOIN users u ON u.user_id = e.user_id`

// epByEmail is the WHERE clause that finds the email-password login for an
// email in a tenant: through account_infos, whose primary key is the
// uniqueness rule.
const epByEmail = ` WHERE e.user_id = (SELECT a.user_id FROM account_infos a
	WHERE a.tenant_id = $1 AND a.info_type = 'email' AND a.info_value = $2
	AND a.recipe_id = 'emailpassword' AND a.third_party_key = '')`

func scanEP(row *sql.Row) (store.EmailPasswordUser, error) {
	var (
		u      store.EmailPasswordUser
		joined int64
	)
	if err := row.Scan(&u.ID, &u.TenantID, &u.Email, &u.PasswordHash, &joined); err != nil {
		return store.EmailPasswordUser{}, err
	}
	u.TimeJoined = fromMS(joined)
	return u, nil
}

// CreateEmailPasswordUser stores a new user. The email's uniqueness in the
// tenant is the account_infos primary key, so racing sign-ups are settled
// by the database: exactly one insert wins.
func (s *DB) CreateEmailPasswordUser(ctx context.Context, u store.EmailPasswordUser) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return s.insertEmailPasswordUser(ctx, tx, u)
	})
}

func (s *DB) insertEmailPasswordUser(ctx context.Context, tx *sql.Tx, u store.EmailPasswordUser) error {
	joined := ms(u.TimeJoined)
	stmts := []struct {
		query string
		args  []any
	}{
		{`INSERT INTO users (user_id, recipe_id, time_joined) VALUES ($1, 'emailpassword', $2)`,
			[]any{u.ID, joined}},
		{`INSERT INTO tenant_users (tenant_id, user_id, recipe_id, time_joined) VALUES ($1, $2, 'emailpassword', $3)`,
			[]any{u.TenantID, u.ID, joined}},
		{`INSERT INTO account_infos (tenant_id, info_type, info_value, recipe_id, third_party_key, email_domain, user_id, time_joined)
VALUES ($1, 'email', $2, 'emailpassword', '', $3, $4, $5)`,
			[]any{u.TenantID, u.Email, emailDomain(u.Email), u.ID, joined}},
		{`INSERT INTO emailpassword_users (user_id, tenant_id, email, password_hash) VALUES ($1, $2, $3, $4)`,
			[]any{u.ID, u.TenantID, u.Email, u.PasswordHash}},
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.query, st.args...); err != nil {
			return s.wrap("create email-password user", err)
		}
	}
	return s.countNewUser(ctx, tx, store.RecipeEmailPassword, u.TenantID, u.TimeJoined)
}

// EmailPasswordUser returns an email-password user by id.
func (s *DB) EmailPasswordUser(ctx context.Context, userID string) (store.EmailPasswordUser, error) {
	u, err := scanEP(s.reader.QueryRowContext(ctx, epSelect+` WHERE e.user_id = $1`, userID))
	if errNoRows(err) {
		return u, notFound("email-password user")
	}
	return u, s.wrap("email-password user", err)
}

// EmailPasswordUserByEmail returns the email-password user with this email
// in tenantID.
func (s *DB) EmailPasswordUserByEmail(ctx context.Context, tenantID, email string) (store.EmailPasswordUser, error) {
	u, err := scanEP(s.reader.QueryRowContext(ctx, epSelect+epByEmail, tenantID, email))
	if errNoRows(err) {
		return u, notFound("email-password user by email")
	}
	return u, s.wrap("email-password user by email", err)
}

// UpdateEmailPasswordUser changes a user's email or password hash in one
// transaction that holds the user's row. Changes update makes to ID,
// TenantID or TimeJoined are ignored. A new email deletes the user's
// password-reset tokens in the same transaction.
func (s *DB) UpdateEmailPasswordUser(ctx context.Context, userID string, update func(*store.EmailPasswordUser) error) (store.EmailPasswordUser, error) {
	var out store.EmailPasswordUser
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		old, err := scanEP(tx.QueryRowContext(ctx, epSelect+` WHERE e.user_id = $1`+s.dialect.ForUpdate, userID))
		if errNoRows(err) {
			return notFound("update email-password user")
		}
		if err != nil {
			return s.wrap("update email-password user", err)
		}
		u := old
		if err := update(&u); err != nil {
			return err
		}
		u.ID, u.TenantID, u.TimeJoined = old.ID, old.TenantID, old.TimeJoined
		if u.Email != old.Email {
			if _, err := tx.ExecContext(ctx, `UPDATE account_infos SET info_value = $1, email_domain = $2
WHERE user_id = $3 AND info_type = 'email' AND recipe_id = 'emailpassword' AND third_party_key = ''`,
				u.Email, emailDomain(u.Email), u.ID); err != nil {
				return s.wrap("update email-password user", err)
			}
			if err := s.reclaimFor(ctx, tx, u.ID); err != nil {
				return err
			}
			// A reset token was sent to the old address: whoever still
			// reads that mailbox must not be able to take the account.
			if _, err := tx.ExecContext(ctx, `DELETE FROM password_reset_tokens WHERE user_id = $1`, u.ID); err != nil {
				return s.wrap("update email-password user", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE emailpassword_users SET email = $1, password_hash = $2 WHERE user_id = $3`,
			u.Email, u.PasswordHash, u.ID); err != nil {
			return s.wrap("update email-password user", err)
		}
		out = u
		return nil
	})
	return out, err
}

// importAttempts bounds ImportEmailPasswordUser's retries. A retry is only
// needed when a concurrent import of the same email inserted first, after
// which the next attempt finds that user and updates it.
const importAttempts = 3

// ImportEmailPasswordUser creates u or replaces the password hash of the
// email-password user that has u.Email in u.TenantID.
func (s *DB) ImportEmailPasswordUser(ctx context.Context, u store.EmailPasswordUser) (store.EmailPasswordUser, bool, error) {
	for attempt := 1; ; attempt++ {
		var (
			out     store.EmailPasswordUser
			existed bool
		)
		err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			old, err := scanEP(tx.QueryRowContext(ctx, epSelect+epByEmail+s.dialect.ForUpdate, u.TenantID, u.Email))
			switch {
			case errNoRows(err):
				if err := s.insertEmailPasswordUser(ctx, tx, u); err != nil {
					return err
				}
				out = u
				return nil
			case err != nil:
				return s.wrap("import email-password user", err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE emailpassword_users SET password_hash = $1 WHERE user_id = $2`,
				u.PasswordHash, old.ID); err != nil {
				return s.wrap("import email-password user", err)
			}
			old.PasswordHash = u.PasswordHash
			out, existed = old, true
			return nil
		})
		if errors.Is(err, store.ErrAlreadyExists) && attempt < importAttempts {
			continue
		}
		if err != nil {
			return store.EmailPasswordUser{}, false, err
		}
		return out, existed, nil
	}
}

// CreatePasswordResetToken stores a reset token. The token's user is a
// foreign key, so a user deleted concurrently is reported as not found.
func (s *DB) CreatePasswordResetToken(ctx context.Context, t store.PasswordResetToken) error {
	_, err := s.writer.ExecContext(ctx,
		`INSERT INTO password_reset_tokens (token_hash, user_id, email, expiry) VALUES ($1, $2, $3, $4)`,
		t.TokenHash, t.UserID, t.Email, ms(t.Expiry))
	if s.isForeignKeyViolation(err) {
		return notFound("create password reset token")
	}
	return s.wrap("create password reset token", err)
}

// ConsumePasswordResetToken finds a token by hash and deletes every token of
// its user, in one transaction that holds the token's row, so that of two
// racing consumers only one gets the token.
func (s *DB) ConsumePasswordResetToken(ctx context.Context, tokenHash string, now time.Time) (store.PasswordResetToken, error) {
	var out store.PasswordResetToken
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var expiry int64
		err := tx.QueryRowContext(ctx,
			`SELECT user_id, email, expiry FROM password_reset_tokens WHERE token_hash = $1`+s.dialect.ForUpdate,
			tokenHash).Scan(&out.UserID, &out.Email, &expiry)
		if errNoRows(err) {
			return notFound("consume password reset token")
		}
		if err != nil {
			return s.wrap("consume password reset token", err)
		}
		out.TokenHash, out.Expiry = tokenHash, fromMS(expiry)
		if _, err := tx.ExecContext(ctx, `DELETE FROM password_reset_tokens WHERE user_id = $1`, out.UserID); err != nil {
			return s.wrap("consume password reset token", err)
		}
		if expiry < ms(now) {
			return commitAnyway{notFound("consume password reset token: expired")}
		}
		return nil
	})
	if err != nil {
		return store.PasswordResetToken{}, err
	}
	return out, nil
}

// DeleteExpiredPasswordResetTokens removes tokens that expired before now.
func (s *DB) DeleteExpiredPasswordResetTokens(ctx context.Context, now time.Time) (int64, error) {
	return s.deleteCount(ctx, "delete expired password reset tokens",
		`DELETE FROM password_reset_tokens WHERE expiry < $1`, ms(now))
}

// deleteCount runs one DELETE and returns how many rows it removed.
func (s *DB) deleteCount(ctx context.Context, op, query string, args ...any) (int64, error) {
	res, err := s.writer.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, s.wrap(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.wrap(op, err)
	}
	return n, nil
}
