package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

// auditDeleteBatch caps the rows one pruning statement removes, so that
// pruning a large backlog never holds the write lock for long.
const auditDeleteBatch = 10000

// AppendAuditEvents stores the events in one transaction.
func (s *DB) AppendAuditEvents(ctx context.Context, events []store.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO audit_events (time_ms, actor, action, user_id, summary, client_ip, user_agent)
VALUES ($1, $2, $3, $4, $5, $6, $7)`)
		if err != nil {
			return s.wrap("append audit events", err)
		}
		defer stmt.Close()
		for _, e := range events {
			if _, err := stmt.ExecContext(ctx, ms(e.Time), e.Actor, e.Action, e.UserID, e.Summary, e.ClientIP, e.UserAgent); err != nil {
				return s.wrap("append audit events", err)
			}
		}
		return nil
	})
}

// AuditEvents reads one keyset page of the audit log, newest first. Each
// filter is an equality or a range on the leading columns of one index,
// so a page of one user's events is a short index range scan however long
// the log is.
func (s *DB) AuditEvents(ctx context.Context, q store.AuditQuery) ([]store.AuditEvent, error) {
	if q.Limit <= 0 {
		return nil, fmt.Errorf("sqlstore: audit events: limit must be positive, got %d", q.Limit)
	}
	var a argList
	query := `SELECT id, time_ms, actor, action, user_id, summary, client_ip, user_agent FROM audit_events WHERE 1 = 1`
	if q.UserID != "" {
		query += ` AND user_id = ` + a.add(q.UserID)
	}
	if q.Actor != "" {
		query += ` AND actor = ` + a.add(q.Actor)
	}
	if q.Action != "" {
		query += ` AND action = ` + a.add(q.Action)
	}
	if !q.Since.IsZero() {
		query += ` AND time_ms >= ` + a.add(ms(q.Since))
	}
	if !q.Until.IsZero() {
		query += ` AND time_ms < ` + a.add(ms(q.Until))
	}
	if q.Before != nil {
		t, id := a.add(ms(q.Before.Time)), a.add(q.Before.ID)
		query += fmt.Sprintf(` AND time_ms <= %[1]s AND (time_ms < %[1]s OR id < %[2]s)`, t, id)
	}
	query += ` ORDER BY time_ms DESC, id DESC LIMIT ` + a.add(q.Limit)
	rows, err := s.reader.QueryContext(ctx, query, a.args...)
	if err != nil {
		return nil, s.wrap("audit events", err)
	}
	defer rows.Close()
	out := []store.AuditEvent{}
	for rows.Next() {
		var e store.AuditEvent
		var t int64
		if err := rows.Scan(&e.ID, &t, &e.Actor, &e.Action, &e.UserID, &e.Summary, &e.ClientIP, &e.UserAgent); err != nil {
			return nil, s.wrap("audit events", err)
		}
		e.Time = fromMS(t)
		out = append(out, e)
	}
	return out, s.wrap("audit events", rows.Err())
}

// DeleteAuditEventsBefore prunes events older than before, in batches.
func (s *DB) DeleteAuditEventsBefore(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		n, err := s.deleteCount(ctx, "delete audit events", `DELETE FROM audit_events WHERE id IN
(SELECT id FROM audit_events WHERE time_ms < $1 ORDER BY time_ms LIMIT $2)`, ms(before), auditDeleteBatch)
		total += n
		if err != nil || n < auditDeleteBatch {
			return total, err
		}
	}
}
