package audit

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/latchkey-dev/latchkey/store"
	"github.com/prometheus/client_golang/prometheus"
)

// Writer defaults.
const (
	QueueSize     = 8192
	BatchSize     = 256
	FlushInterval = 100 * time.Millisecond
)

// Writer writes audit events in the background, in batches.
type Writer struct {
	store    store.Audit
	logger   *slog.Logger
	failures prometheus.Counter
	queue    chan store.AuditEvent
	done     chan struct{}

	mu     sync.RWMutex // held to send on queue; Close takes it to close queue
	closed bool
}

// NewWriter starts a writer over s. failures may be nil.
func NewWriter(s store.Audit, logger *slog.Logger, failures prometheus.Counter) *Writer {
	w := &Writer{store: s, logger: logger, failures: failures,
		queue: make(chan store.AuditEvent, QueueSize), done: make(chan struct{})}
	go w.run()
	return w
}

// Record queues e; when the queue is full it writes e at once. A nil
// Writer (the log is off) records nothing.
func (w *Writer) Record(ctx context.Context, e store.AuditEvent) {
	if w == nil {
		return
	}
	w.mu.RLock()
	if !w.closed {
		select {
		case w.queue <- e:
			w.mu.RUnlock()
			return
		default:
		}
	}
	w.mu.RUnlock()
	// The queue is full (or the writer closed): write it now.
	w.write(context.WithoutCancel(ctx), []store.AuditEvent{e})
}

// Close writes what is queued and stops the writer; later events are
// written one by one.
func (w *Writer) Close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.queue)
	}
	w.mu.Unlock()
	<-w.done
}

func (w *Writer) run() {
	defer close(w.done)
	batch := make([]store.AuditEvent, 0, BatchSize)
	t := time.NewTicker(FlushInterval)
	defer t.Stop()
	flush := func() {
		if len(batch) > 0 {
			w.write(context.Background(), batch)
			batch = batch[:0]
		}
	}
	for {
		select {
		case e, ok := <-w.queue:
			if !ok {
				flush()
				return
			}
			batch = append(batch, e)
			if len(batch) == BatchSize {
				flush()
			}
		case <-t.C:
			flush()
		}
	}
}

// write stores a batch, retrying once; a batch that still fails is logged
// event by event and counted.
func (w *Writer) write(ctx context.Context, batch []store.AuditEvent) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err := w.store.AppendAuditEvents(ctx, batch)
	if err != nil {
		time.Sleep(100 * time.Millisecond)
		err = w.store.AppendAuditEvents(ctx, batch)
	}
	if err == nil {
		return
	}
	for _, e := range batch {
		w.logger.Error("audit: event not stored", "err", err, "time", e.Time, "action", e.Action,
			"userId", e.UserID, "actor", e.Actor, "summary", e.Summary, "clientIp", e.ClientIP)
	}
	if w.failures != nil {
		w.failures.Add(float64(len(batch)))
	}
}
