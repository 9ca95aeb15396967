package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

// CreateEmailVerificationToken stores a token. A duplicate token hash is
// store.ErrAlreadyExists.
func (s *DB) CreateEmailVerificationToken(ctx context.Context, t store.EmailVerificationToken) error {
	_, err := s.writer.ExecContext(ctx,
		`INSERT INTO email_verification_tokens (token_hash, tenant_id, user_id, email, expiry) VALUES ($1, $2, $3, $4, $5)`,
		t.TokenHash, t.TenantID, t.UserID, t.Email, ms(t.Expiry))
	return s.wrap("create email verification token", err)
}

// ConsumeEmailVerificationToken finds a token by tenant and hash, deletes
// every token of its (tenant, user, email) and, unless it expired, marks the
// email verified, in one transaction that holds the token's row.
func (s *DB) ConsumeEmailVerificationToken(ctx context.Context, tenantID, tokenHash string, now time.Time) (store.EmailVerificationToken, error) {
	out := store.EmailVerificationToken{TenantID: tenantID, TokenHash: tokenHash}
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var expiry int64
		err := tx.QueryRowContext(ctx,
			`SELECT user_id, email, expiry FROM email_verification_tokens WHERE token_hash = $1 AND tenant_id = $2`+s.dialect.ForUpdate,
			tokenHash, tenantID).Scan(&out.UserID, &out.Email, &expiry)
		if errNoRows(err) {
			return notFound("consume email verification token")
		}
		if err != nil {
			return s.wrap("consume email verification token", err)
		}
		out.Expiry = fromMS(expiry)
		if _, err := tx.ExecContext(ctx,
			`DELETE FROM email_verification_tokens WHERE tenant_id = $1 AND user_id = $2 AND email = $3`,
			tenantID, out.UserID, out.Email); err != nil {
			return s.wrap("consume email verification token", err)
		}
		if expiry < ms(now) {
			return commitAnyway{notFound("consume email verification token: expired")}
		}
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO verified_emails (user_id, email) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			out.UserID, out.Email); err != nil {
			return s.wrap("consume email verification token", err)
		}
		return nil
	})
	if err != nil {
		return store.EmailVerificationToken{}, err
	}
	return out, nil
}

// IsEmailVerified reports whether (userID, email) is verified.
func (s *DB) IsEmailVerified(ctx context.Context, userID, email string) (bool, error) {
	var one int
	err := s.reader.QueryRowContext(ctx,
		`SELECT 1 FROM verified_emails WHERE user_id = $1 AND email = $2`, userID, email).Scan(&one)
	if errNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, s.wrap("is email verified", err)
	}
	return true, nil
}

// SetEmailVerified marks (userID, email) verified or not, idempotently.
func (s *DB) SetEmailVerified(ctx context.Context, userID, email string, verified bool) error {
	query := `DELETE FROM verified_emails WHERE user_id = $1 AND email = $2`
	if verified {
		query = `INSERT INTO verified_emails (user_id, email) VALUES ($1, $2) ON CONFLICT DO NOTHING`
	}
	_, err := s.writer.ExecContext(ctx, query, userID, email)
	return s.wrap("set email verified", err)
}

// DeleteEmailVerificationTokens removes every token of (tenant, user,
// email).
func (s *DB) DeleteEmailVerificationTokens(ctx context.Context, tenantID, userID, email string) error {
	_, err := s.writer.ExecContext(ctx,
		`DELETE FROM email_verification_tokens WHERE tenant_id = $1 AND user_id = $2 AND email = $3`,
		tenantID, userID, email)
	return s.wrap("delete email verification tokens", err)
}

// DeleteExpiredEmailVerificationTokens removes tokens that expired before
// now.
func (s *DB) DeleteExpiredEmailVerificationTokens(ctx context.Context, now time.Time) (int64, error) {
	return s.deleteCount(ctx, "delete expired email verification tokens",
		`DELETE FROM email_verification_tokens WHERE expiry < $1`, ms(now))
}
