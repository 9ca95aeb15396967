// Package audit keeps the audit log (a Latchkey extension): a bounded
// asynchronous writer that the hot paths hand events to, the recorder that
// turns answers of the auth endpoints into events, and the read API.
//
//	GET  /recipe/latchkey/audit     events, newest first, filtered, by keyset
//	POST /recipe/latchkey/audit     append an event (the dashboard's writes)
//
// # Writing without slowing the hot paths, and without losing silently
//
// Record never waits for the database: it puts the event on a queue of
// QueueSize, and one goroutine writes what is queued in batches of up to
// BatchSize per transaction. When the queue is full the event is written
// at once by the caller instead (back-pressure rather than loss). A batch
// whose write fails is retried once; if it fails again its events are
// logged at ERROR level, each with its action, user, actor and summary,
// and counted in latchkey_audit_write_failures_total, so that nothing is
// lost without a trace. The action itself (the sign-in, say) is never
// failed by the audit log: an outage of the log must not lock users out.
// Close drains the queue.
package audit
