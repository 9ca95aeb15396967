package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
)

// Metadata returns the user's metadata object, or nil when none is stored.
func (s *DB) Metadata(ctx context.Context, userID string) (json.RawMessage, error) {
	var v sql.NullString
	err := s.reader.QueryRowContext(ctx, `SELECT metadata FROM user_metadata WHERE user_id = $1`, userID).Scan(&v)
	if errNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, s.wrap("metadata", err)
	}
	return rawJSON(v), nil
}

// UpdateMetadata calls update with the stored object and stores the result,
// serialised per user id. A row must exist to be locked, so the transaction
// first inserts an empty (NULL) row when there is none: a concurrent
// update of the same id waits on that insert's key until this transaction
// ends, then reads what it stored. Without that, two first updates would
// both start from nil and one would lose the other's keys.
func (s *DB) UpdateMetadata(ctx context.Context, userID string, update func(old json.RawMessage) (json.RawMessage, error)) (json.RawMessage, error) {
	var out json.RawMessage
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO user_metadata (user_id, metadata) VALUES ($1, NULL) ON CONFLICT DO NOTHING`, userID); err != nil {
			return s.wrap("update metadata", err)
		}
		var v sql.NullString
		if err := tx.QueryRowContext(ctx,
			`SELECT metadata FROM user_metadata WHERE user_id = $1`+s.dialect.ForUpdate, userID).Scan(&v); err != nil {
			return s.wrap("update metadata", err)
		}
		next, err := update(rawJSON(v))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE user_metadata SET metadata = $1 WHERE user_id = $2`, nullText(next), userID); err != nil {
			return s.wrap("update metadata", err)
		}
		out = next
		return nil
	})
	return out, err
}

// DeleteMetadata removes the user's metadata.
func (s *DB) DeleteMetadata(ctx context.Context, userID string) error {
	_, err := s.writer.ExecContext(ctx, `DELETE FROM user_metadata WHERE user_id = $1`, userID)
	return s.wrap("delete metadata", err)
}
