package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/latchkey-dev/latchkey/store"
)

// bulkBatch is the users per multi-row INSERT: 8 bound values per user
// for the widest table keeps a statement well under SQLite's and
// PostgreSQL's parameter limits.
const bulkBatch = 500

// bulkTable is one table that BulkLoadEmailPasswordUsers fills, with the
// values of one row.
type bulkTable struct {
	insert string // INSERT INTO t (cols) VALUES
	row    func(u store.EmailPasswordUser) []any
}

var bulkTables = []bulkTable{
	{`INSERT INTO users (user_id, recipe_id, time_joined) VALUES `,
		func(u store.EmailPasswordUser) []any {
			return []any{u.ID, store.RecipeEmailPassword, ms(u.TimeJoined)}
		}},
	{`INSERT INTO tenant_users (tenant_id, user_id, recipe_id, time_joined) VALUES `,
		func(u store.EmailPasswordUser) []any {
			return []any{u.TenantID, u.ID, store.RecipeEmailPassword, ms(u.TimeJoined)}
		}},
	{`INSERT INTO account_infos (tenant_id, info_type, info_value, recipe_id, third_party_key, email_domain, user_id, time_joined) VALUES `,
		func(u store.EmailPasswordUser) []any {
			return []any{u.TenantID, infoEmail, u.Email, store.RecipeEmailPassword, "", emailDomain(u.Email), u.ID, ms(u.TimeJoined)}
		}},
	{`INSERT INTO emailpassword_users (user_id, tenant_id, email, password_hash) VALUES `,
		func(u store.EmailPasswordUser) []any {
			return []any{u.ID, u.TenantID, u.Email, u.PasswordHash}
		}},
}

// BulkLoadEmailPasswordUsers inserts email-password users with multi-row
// INSERTs in one transaction: the same rows CreateEmailPasswordUser writes,
// at a fraction of the cost per user. It exists to build large stores for
// benchmarks; a duplicate id or email fails the whole load with
// store.ErrAlreadyExists.
func (s *DB) BulkLoadEmailPasswordUsers(ctx context.Context, users []store.EmailPasswordUser) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		counts, days := userCounts{}, signUps{}
		stmts := map[int][]*sql.Stmt{} // by batch size, one per table
		defer func() {
			for _, ss := range stmts {
				for _, st := range ss {
					st.Close()
				}
			}
		}()
		for len(users) > 0 {
			batch := users[:min(len(users), bulkBatch)]
			users = users[len(batch):]
			ss, ok := stmts[len(batch)]
			if !ok {
				for _, t := range bulkTables {
					st, err := tx.PrepareContext(ctx, t.insert+valuesList(len(batch), len(t.row(batch[0]))))
					if err != nil {
						return s.wrap("bulk load", err)
					}
					ss = append(ss, st)
				}
				stmts[len(batch)] = ss
			}
			for i, t := range bulkTables {
				args := make([]any, 0, len(batch)*8)
				for _, u := range batch {
					args = append(args, t.row(u)...)
				}
				if _, err := ss[i].ExecContext(ctx, args...); err != nil {
					return s.wrap("bulk load", err)
				}
			}
			for _, u := range batch {
				counts.add(store.RecipeEmailPassword, 1, u.TenantID)
				days.add(u.TenantID, u.TimeJoined)
			}
		}
		if err := s.adjustCounts(ctx, tx, counts); err != nil {
			return err
		}
		return s.countSignUps(ctx, tx, days)
	})
}

// valuesList returns rows groups of cols placeholders: "($1, $2), ($3, $4)".
func valuesList(rows, cols int) string {
	var b strings.Builder
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		b.WriteString(placeholders(r*cols+1, cols))
		b.WriteByte(')')
	}
	return b.String()
}
