package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

// ThrottleCounters returns the counters among keys, in one query.
func (s *DB) ThrottleCounters(ctx context.Context, keys []string) (map[string]store.ThrottleCounter, error) {
	out := make(map[string]store.ThrottleCounter, len(keys))
	keys = dedupe(keys)
	if len(keys) == 0 {
		return out, nil
	}
	var a argList
	rows, err := s.reader.QueryContext(ctx,
		`SELECT throttle_key, failures, window_start, locked_until, expiry FROM throttle_counters WHERE throttle_key IN (`+a.in(keys)+`)`, a.args...)
	if err != nil {
		return nil, s.wrap("throttle counters", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanThrottle(rows)
		if err != nil {
			return nil, s.wrap("throttle counters", err)
		}
		out[c.Key] = c
	}
	return out, s.wrap("throttle counters", rows.Err())
}

func scanThrottle(r interface{ Scan(...any) error }) (store.ThrottleCounter, error) {
	var c store.ThrottleCounter
	var win, locked, exp int64
	err := r.Scan(&c.Key, &c.Failures, &win, &locked, &exp)
	c.WindowStart, c.Expiry = fromMS(win), fromMS(exp)
	if locked != 0 {
		c.LockedUntil = fromMS(locked)
	}
	return c, err
}

// UpdateThrottleCounter inserts the key's row when missing, then locks and
// updates it, so that concurrent failures on several cores all count.
func (s *DB) UpdateThrottleCounter(ctx context.Context, key string, update func(*store.ThrottleCounter) error) (store.ThrottleCounter, error) {
	var out store.ThrottleCounter
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO throttle_counters (throttle_key, failures, window_start, locked_until, expiry)
VALUES ($1, 0, 0, 0, 0) ON CONFLICT DO NOTHING`, key); err != nil {
			return s.wrap("update throttle counter", err)
		}
		c, err := scanThrottle(tx.QueryRowContext(ctx,
			`SELECT throttle_key, failures, window_start, locked_until, expiry FROM throttle_counters WHERE throttle_key = $1`+s.dialect.ForUpdate, key))
		if err != nil {
			return s.wrap("update throttle counter", err)
		}
		if c.WindowStart.UnixMilli() == 0 {
			c = store.ThrottleCounter{Key: key} // the row was just made
		}
		if err := update(&c); err != nil {
			return err
		}
		c.Key = key
		locked := int64(0)
		if !c.LockedUntil.IsZero() {
			locked = ms(c.LockedUntil)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE throttle_counters SET failures = $1, window_start = $2, locked_until = $3, expiry = $4 WHERE throttle_key = $5`,
			c.Failures, ms(c.WindowStart), locked, ms(c.Expiry), key); err != nil {
			return s.wrap("update throttle counter", err)
		}
		out = c
		return nil
	})
	return out, err
}

// DeleteThrottleCounter removes a counter.
func (s *DB) DeleteThrottleCounter(ctx context.Context, key string) error {
	_, err := s.writer.ExecContext(ctx, `DELETE FROM throttle_counters WHERE throttle_key = $1`, key)
	return s.wrap("delete throttle counter", err)
}

// DeleteExpiredThrottleCounters removes counters whose expiry is before now.
func (s *DB) DeleteExpiredThrottleCounters(ctx context.Context, now time.Time) (int64, error) {
	return s.deleteCount(ctx, "delete expired throttle counters", `DELETE FROM throttle_counters WHERE expiry < $1`, ms(now))
}
