package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/latchkey-dev/latchkey/store"
)

// tpAttempts bounds the attempts of ThirdPartySignInUp: another is needed
// only when the same account was signed up concurrently, after which the
// next attempt finds that user.
const tpAttempts = 3

const tpUserSelect = `SELECT t.user_id, t.tenant_id, t.third_party_id, t.third_party_user_id, t.email, u.time_joined
FROM thirdparty_users t JOIN users u ON u.user_id = t.user_id`

// tpByAccount finds the user of a provider account ($2, as
// "<provider id>::<provider user id>") in tenant $1 through account_infos,
// which holds a row per tenant the user is associated with; the
// thirdparty_users row names only the tenant it signed up in.
const tpByAccount = ` WHERE t.user_id = (SELECT a.user_id FROM account_infos a
	WHERE a.tenant_id = $1 AND a.info_type = 'tparty' AND a.info_value = $2
	AND a.recipe_id = 'thirdparty' AND a.third_party_key = $2)`

func scanTPUser(sc scanner) (store.ThirdPartyUser, error) {
	var (
		u      store.ThirdPartyUser
		joined int64
	)
	if err := sc.Scan(&u.ID, &u.TenantID, &u.ThirdPartyID, &u.ThirdPartyUserID, &u.Email, &joined); err != nil {
		return store.ThirdPartyUser{}, err
	}
	u.TimeJoined = fromMS(joined)
	return u, nil
}

// ThirdPartySignInUp signs in or signs up a provider account; see
// [store.ThirdParty]. The account's existing user is read with a lock, so
// that two sign-ins of one account update its email one after the other;
// a sign-up that loses a race to the unique key starts again and finds the
// winner.
func (s *DB) ThirdPartySignInUp(ctx context.Context, u store.ThirdPartyUser, verified bool) (store.ThirdPartyUser, bool, error) {
	if strings.Contains(u.ThirdPartyID, "::") {
		return store.ThirdPartyUser{}, false, errors.New(`sqlstore: third-party sign-in: a provider id must not contain "::"`)
	}
	var (
		out     store.ThirdPartyUser
		created bool
	)
	for attempt := 1; ; attempt++ {
		err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			old, err := scanTPUser(tx.QueryRowContext(ctx, tpUserSelect+tpByAccount+s.dialect.ForUpdate,
				u.TenantID, tpartyValue(store.ThirdPartyInfo{ID: u.ThirdPartyID, UserID: u.ThirdPartyUserID})))
			switch {
			case err == nil:
				out, created = old, false
				if old.Email != u.Email {
					if err := s.setTPEmail(ctx, tx, old.ID, u.Email); err != nil {
						return err
					}
					out.Email = u.Email
				}
			case errNoRows(err):
				if err := s.insertTPUser(ctx, tx, u); err != nil {
					return err
				}
				out, created = u, true
				out.TimeJoined = fromMS(ms(u.TimeJoined))
			default:
				return s.wrap("third-party sign-in", err)
			}
			if verified {
				if _, err := tx.ExecContext(ctx, `INSERT INTO verified_emails (user_id, email) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
					out.ID, out.Email); err != nil {
					return s.wrap("third-party sign-in", err)
				}
			}
			return nil
		})
		if err == nil {
			return out, created, nil
		}
		// Another sign-up of the account won; the next attempt finds it. A
		// duplicate user id is not that race and is returned.
		if !errors.Is(err, errTPAccountTaken) || attempt == tpAttempts {
			if errors.Is(err, errTPAccountTaken) {
				err = s.wrap("third-party sign-in", err)
			}
			return store.ThirdPartyUser{}, false, err
		}
	}
}

// errTPAccountTaken marks a sign-up that met the account's unique key.
var errTPAccountTaken = errors.New("sqlstore: the provider account was signed up concurrently")

func (s *DB) insertTPUser(ctx context.Context, tx *sql.Tx, u store.ThirdPartyUser) error {
	joined := ms(u.TimeJoined)
	if _, err := tx.ExecContext(ctx, `INSERT INTO users (user_id, recipe_id, time_joined) VALUES ($1, 'thirdparty', $2)`,
		u.ID, joined); err != nil {
		return s.wrap("create third-party user", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO tenant_users (tenant_id, user_id, recipe_id, time_joined) VALUES ($1, $2, 'thirdparty', $3)`,
		u.TenantID, u.ID, joined); err != nil {
		return s.wrap("create third-party user", err)
	}
	key := tpartyValue(store.ThirdPartyInfo{ID: u.ThirdPartyID, UserID: u.ThirdPartyUserID})
	// The account's row first: its primary key is the uniqueness rule, and
	// a duplicate there is the race ThirdPartySignInUp retries.
	if _, err := tx.ExecContext(ctx, `INSERT INTO account_infos (tenant_id, info_type, info_value, recipe_id, third_party_key, email_domain, user_id, time_joined)
VALUES ($1, 'tparty', $2, 'thirdparty', $2, NULL, $3, $4)`, u.TenantID, key, u.ID, joined); err != nil {
		if s.isUniqueViolation(err) {
			return errTPAccountTaken
		}
		return s.wrap("create third-party user", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO account_infos (tenant_id, info_type, info_value, recipe_id, third_party_key, email_domain, user_id, time_joined)
VALUES ($1, 'email', $2, 'thirdparty', $3, $4, $5, $6)`, u.TenantID, u.Email, key, emailDomain(u.Email), u.ID, joined); err != nil {
		return s.wrap("create third-party user", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO thirdparty_users (user_id, tenant_id, third_party_id, third_party_user_id, email) VALUES ($1, $2, $3, $4, $5)`,
		u.ID, u.TenantID, u.ThirdPartyID, u.ThirdPartyUserID, u.Email); err != nil {
		if s.isUniqueViolation(err) {
			return errTPAccountTaken
		}
		return s.wrap("create third-party user", err)
	}
	return s.countNewUser(ctx, tx, store.RecipeThirdParty, u.TenantID, u.TimeJoined)
}

// setTPEmail gives a third-party user a new email, in its row and in
// account_infos (whose key includes the account, so it never collides).
func (s *DB) setTPEmail(ctx context.Context, tx *sql.Tx, userID, email string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE thirdparty_users SET email = $1 WHERE user_id = $2`, email, userID); err != nil {
		return s.wrap("third-party sign-in", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE account_infos SET info_value = $1, email_domain = $2
WHERE user_id = $3 AND info_type = 'email' AND recipe_id = 'thirdparty'`, email, emailDomain(email), userID); err != nil {
		return s.wrap("third-party sign-in", err)
	}
	return s.reclaimFor(ctx, tx, userID)
}

// ThirdPartyUser returns a third-party user by id.
func (s *DB) ThirdPartyUser(ctx context.Context, userID string) (store.ThirdPartyUser, error) {
	u, err := scanTPUser(s.reader.QueryRowContext(ctx, tpUserSelect+` WHERE t.user_id = $1`, userID))
	if errNoRows(err) {
		return u, notFound("third-party user")
	}
	return u, s.wrap("third-party user", err)
}

// ThirdPartyUserByAccount returns the user of a provider account in
// tenantID.
func (s *DB) ThirdPartyUserByAccount(ctx context.Context, tenantID, thirdPartyID, thirdPartyUserID string) (store.ThirdPartyUser, error) {
	u, err := scanTPUser(s.reader.QueryRowContext(ctx, tpUserSelect+tpByAccount,
		tenantID, tpartyValue(store.ThirdPartyInfo{ID: thirdPartyID, UserID: thirdPartyUserID})))
	if errNoRows(err) {
		return u, notFound("third-party user")
	}
	return u, s.wrap("third-party user", err)
}
