// Package dashcheck carries a dashboard session through the core calls of
// one dashboard API request, so that a Latchkey core verifies the session
// in the same round trip as a read instead of in a call of its own (issue
// 17; a Latchkey extension of the CDI).
//
// The SDK puts a *Check in the request's context; its core client sends
// the session id in the request header Header on every GET it makes with
// that context, and records on the Check whether the core answered
// Verified in the response header Header, or refused the session (401
// with the body InvalidMessage). The core verifies the header with the
// rules of POST /recipe/dashboard/session/verify before it runs the
// handler. Both sides use the names here, so they cannot drift apart.
package dashcheck

import (
	"context"
	"sync/atomic"
)

// Header is the request header that carries the dashboard session id to
// the core, and the response header in which the core confirms it.
const Header = "Latchkey-Dashboard-Session"

// Verified is the response header's value when the core verified the
// session before running the handler.
const Verified = "verified"

// InvalidMessage is the body of the core's 401 for a session it does not
// know, or that has expired, been signed out, or lost its account.
const InvalidMessage = "dashboard session invalid"

// Check is one dashboard API request's session and what the core said of
// it. The calls of a request may run in parallel, so it is safe for
// concurrent use.
type Check struct {
	// SessionID is the dashboard session id. It is a credential: it goes
	// into a request header only, never a URL, a log or an error.
	SessionID string
	verified  atomic.Bool
	refused   atomic.Bool
}

// Confirm records that a core answer carried Verified.
func (c *Check) Confirm() { c.verified.Store(true) }

// Refuse records that the core refused the session.
func (c *Check) Refuse() { c.refused.Store(true) }

// Verified reports whether at least one core answer confirmed the session.
func (c *Check) Verified() bool { return c.verified.Load() }

// Refused reports whether any core answer refused the session.
func (c *Check) Refused() bool { return c.refused.Load() }

type key struct{}

// With returns ctx carrying c.
func With(ctx context.Context, c *Check) context.Context {
	return context.WithValue(ctx, key{}, c)
}

// From returns the Check in ctx, or nil.
func From(ctx context.Context) *Check {
	c, _ := ctx.Value(key{}).(*Check)
	return c
}
