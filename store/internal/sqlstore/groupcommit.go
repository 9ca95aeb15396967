package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// Group commit (Dialect.GroupCommit, for SQLite).
//
// Write transactions queue for the one writer connection anyway; a
// commit's WAL sync is most of their time. So the transactions that are
// waiting when the writer frees up run together: one BEGIN IMMEDIATE, each
// function in a savepoint of its own, one COMMIT. They run one after the
// other in queue order, so each sees the ones before it as it would have
// after their commits, and the races the store settles (one sign-up per
// email, one rotation per refresh token) are settled the same way. A
// function that fails has its savepoint rolled back and gets its error,
// and the others are not touched (a failed SQLite statement undoes only
// itself). Every caller returns after the COMMIT, with its own error or
// the commit's: nothing is reported written before it is durable.
//
// A function's statements run with its caller's context without the
// cancellation: SQLite answers a cancelled statement by rolling back the
// whole transaction, which would take the others' work with it. A caller
// whose context ends before its turn is skipped. When SQLite still rolls
// back the whole transaction (a disk error, say), which shows as a failed
// savepoint release or rollback, the batch is rolled back and every
// function in it gets the error: nothing committed, nothing claimed.
//
// No leader waits for company: a lone write runs at once. The caller that
// finds no batch running leads one; when its batch is done it hands the
// lead to the first caller still queued, and returns.

// maxBatch bounds the functions of one transaction.
const maxBatch = 64

type batcher struct {
	mu      sync.Mutex
	queue   []*txRequest
	leading bool
}

type txRequest struct {
	ctx context.Context
	fn  func(ctx context.Context, tx *sql.Tx) error
	err error
	// wake is sent on when the request is done (done true) or is to lead
	// the next batch.
	wake chan struct{}
	done bool
}

func (s *DB) groupCommit(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	r := &txRequest{ctx: ctx, fn: fn, wake: make(chan struct{}, 1)}
	b := &s.batch
	b.mu.Lock()
	b.queue = append(b.queue, r)
	lead := !b.leading
	b.leading = true
	b.mu.Unlock()
	if !lead {
		<-r.wake
		if r.done {
			return r.err
		}
	}
	// r leads: it is first in the queue, and runs batches until its own
	// is done.
	for !r.done {
		b.mu.Lock()
		n := min(len(b.queue), maxBatch)
		batch := b.queue[:n:n]
		b.queue = b.queue[n:]
		b.mu.Unlock()
		s.runBatch(batch)
		for _, q := range batch {
			if q != r {
				q.wake <- struct{}{}
			}
		}
	}
	b.mu.Lock()
	if len(b.queue) == 0 {
		b.leading = false
		b.queue = nil
		b.mu.Unlock()
	} else {
		next := b.queue[0]
		b.mu.Unlock()
		next.wake <- struct{}{} // not done: it leads
	}
	return r.err
}

// runBatch runs batch in one transaction and sets every request's result.
func (s *DB) runBatch(batch []*txRequest) {
	finish := func(err error, qs []*txRequest) {
		for _, q := range qs {
			q.err, q.done = err, true
		}
	}
	tx, err := s.writer.BeginTx(context.Background(), nil)
	if err != nil {
		finish(fmt.Errorf("sqlstore: begin: %w", err), batch)
		return
	}
	var ran []*txRequest // run and kept, to commit
	results := map[*txRequest]error{}
	for _, q := range batch {
		if err := q.ctx.Err(); err != nil {
			finish(err, []*txRequest{q})
			continue
		}
		if _, err := tx.Exec("SAVEPOINT lk_write"); err != nil {
			_ = tx.Rollback()
			finish(s.wrap("savepoint", err), undone(batch))
			return
		}
		ferr := runFn(q, tx)
		var ca commitAnyway
		if ferr != nil && !errors.As(ferr, &ca) {
			// Undo this function's work; the transaction goes on.
			if err := rollbackTo(tx); err != nil {
				_ = tx.Rollback()
				finish(ferr, []*txRequest{q})
				finish(s.wrap("rollback to savepoint", err), undone(batch))
				return
			}
			finish(ferr, []*txRequest{q})
			continue
		}
		if _, err := tx.Exec("RELEASE lk_write"); err != nil {
			_ = tx.Rollback()
			finish(s.wrap("release savepoint", err), undone(batch))
			return
		}
		if ferr != nil {
			results[q] = ca.err
		}
		ran = append(ran, q)
	}
	if err := tx.Commit(); err != nil {
		finish(s.wrap("commit", err), ran)
		return
	}
	for _, q := range ran {
		q.err, q.done = results[q], true
	}
}

// runFn runs q's function with its context's values but not its
// cancellation, turning a panic into an error so that the batch's other
// callers are not left waiting.
func runFn(q *txRequest, tx *sql.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sqlstore: a transaction function panicked: %v", p)
		}
	}()
	return q.fn(context.WithoutCancel(q.ctx), tx)
}

// undone returns the requests of batch without a result yet.
func undone(batch []*txRequest) []*txRequest {
	var out []*txRequest
	for _, q := range batch {
		if !q.done {
			out = append(out, q)
		}
	}
	return out
}

// rollbackTo undoes the work since the savepoint and ends it.
func rollbackTo(tx *sql.Tx) error {
	if _, err := tx.Exec("ROLLBACK TO lk_write"); err != nil {
		return err
	}
	_, err := tx.Exec("RELEASE lk_write")
	return err
}
