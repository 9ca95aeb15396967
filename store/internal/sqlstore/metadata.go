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

// metadataBatch is the user ids per query of MetadataForUsers, well under
// both engines' limits on bound parameters.
const metadataBatch = 500

// MetadataForUsers returns the stored metadata of the users that have
// one, by user id, a batch of ids per query.
func (s *DB) MetadataForUsers(ctx context.Context, userIDs []string) (map[string]json.RawMessage, error) {
	userIDs = dedupe(userIDs)
	out := make(map[string]json.RawMessage, len(userIDs))
	for len(userIDs) > 0 {
		batch := userIDs[:min(len(userIDs), metadataBatch)]
		userIDs = userIDs[len(batch):]
		var a argList
		rows, err := s.reader.QueryContext(ctx, `SELECT user_id, metadata FROM user_metadata WHERE user_id IN (`+a.in(batch)+`)`, a.args...)
		if err != nil {
			return nil, s.wrap("metadata for users", err)
		}
		for rows.Next() {
			var id string
			var v sql.NullString
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return nil, s.wrap("metadata for users", err)
			}
			if m := rawJSON(v); m != nil {
				out[id] = m
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, s.wrap("metadata for users", err)
		}
	}
	return out, nil
}

// UpdateMetadata calls update with the stored object and stores the result,
// serialised per user id. A row must exist to be locked, so the transaction
// first inserts an empty (NULL) row when there is none: a concurrent
// update of the same id waits on that insert's key until this transaction
// ends, then reads what it stored. Without that, two first updates would
// both start from nil and one would lose the other's keys.
func (s *DB) UpdateMetadata(ctx context.Context, userID string, update func(old json.RawMessage) (json.RawMessage, error)) (json.RawMessage, error) {
	var out json.RawMessage
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
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
