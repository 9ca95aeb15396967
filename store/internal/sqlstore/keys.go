package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

const dynamicKeysSelect = `SELECT kid, algorithm, key_value, created_at FROM dynamic_signing_keys ORDER BY created_at DESC, kid DESC`

func scanKeys(rows *sql.Rows, err error) ([]store.SigningKey, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.SigningKey{}
	for rows.Next() {
		var (
			k       store.SigningKey
			created int64
		)
		if err := rows.Scan(&k.ID, &k.Algorithm, &k.Value, &created); err != nil {
			return nil, err
		}
		k.CreatedAt = fromMS(created)
		out = append(out, k)
	}
	return out, rows.Err()
}

// DynamicSigningKeys returns every dynamic key, newest first.
func (s *DB) DynamicSigningKeys(ctx context.Context) ([]store.SigningKey, error) {
	keys, err := scanKeys(s.reader.QueryContext(ctx, dynamicKeysSelect))
	return keys, s.wrap("dynamic signing keys", err)
}

// AddDynamicSigningKey stores k unless a key of k.Algorithm newer than
// newerThan exists.
// There may be no row to lock yet (the first key), so the check and insert
// are serialised by the dialect's LockDynamicKeys (an advisory lock on
// PostgreSQL; SQLite's write transactions are exclusive already).
func (s *DB) AddDynamicSigningKey(ctx context.Context, k store.SigningKey, newerThan time.Time) ([]store.SigningKey, bool, error) {
	var (
		keys   []store.SigningKey
		stored bool
	)
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if s.dialect.LockDynamicKeys != "" {
			if _, err := tx.ExecContext(ctx, s.dialect.LockDynamicKeys); err != nil {
				return s.wrap("add dynamic signing key: lock", err)
			}
		}
		var one int
		err := tx.QueryRowContext(ctx,
			`SELECT 1 FROM dynamic_signing_keys WHERE created_at > $1 AND algorithm = $2 LIMIT 1`, ms(newerThan), k.Algorithm).Scan(&one)
		switch {
		case errNoRows(err):
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO dynamic_signing_keys (kid, algorithm, key_value, created_at) VALUES ($1, $2, $3, $4)`,
				k.ID, k.Algorithm, k.Value, ms(k.CreatedAt)); err != nil {
				return s.wrap("add dynamic signing key", err)
			}
			stored = true
		case err != nil:
			return s.wrap("add dynamic signing key", err)
		}
		keys, err = scanKeys(tx.QueryContext(ctx, dynamicKeysSelect))
		return s.wrap("add dynamic signing key", err)
	})
	if err != nil {
		return nil, false, err
	}
	return keys, stored, nil
}

// DeleteDynamicSigningKeys removes dynamic keys created before before.
func (s *DB) DeleteDynamicSigningKeys(ctx context.Context, before time.Time) (int64, error) {
	return s.deleteCount(ctx, "delete dynamic signing keys",
		`DELETE FROM dynamic_signing_keys WHERE created_at < $1`, ms(before))
}

// StaticSigningKey returns the static key for k.Algorithm, storing k first
// when there is none. The algorithm is the primary key: of racing inserts
// one stores its key, the others do nothing and then read that key.
func (s *DB) StaticSigningKey(ctx context.Context, k store.SigningKey) (store.SigningKey, error) {
	// The key exists on every call but the first: read it without taking
	// the write lock.
	var (
		out     store.SigningKey
		created int64
	)
	err := s.reader.QueryRowContext(ctx,
		`SELECT kid, algorithm, key_value, created_at FROM static_signing_keys WHERE algorithm = $1`,
		k.Algorithm).Scan(&out.ID, &out.Algorithm, &out.Value, &created)
	if err == nil {
		out.CreatedAt = fromMS(created)
		return out, nil
	}
	if !errNoRows(err) {
		return out, s.wrap("static signing key", err)
	}
	err = s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO static_signing_keys (algorithm, kid, key_value, created_at)
VALUES ($1, $2, $3, $4) ON CONFLICT (algorithm) DO NOTHING`,
			k.Algorithm, k.ID, k.Value, ms(k.CreatedAt)); err != nil {
			return s.wrap("static signing key", err)
		}
		if err := tx.QueryRowContext(ctx,
			`SELECT kid, algorithm, key_value, created_at FROM static_signing_keys WHERE algorithm = $1`,
			k.Algorithm).Scan(&out.ID, &out.Algorithm, &out.Value, &created); err != nil {
			return s.wrap("static signing key", err)
		}
		out.CreatedAt = fromMS(created)
		return nil
	})
	return out, err
}
