// Package throttle is the core's brute-force protection: counters of
// failed attempts per account and per client IP, kept in the store so that
// every core on one database enforces one limit. After Policy.MaxFailures
// failures a key is locked for Policy.LockBase, doubled for every further
// failure up to Policy.LockMax (Keycloak's brute-force detection, OWASP
// ASVS 4 §2.2.1); a key that sees no failure for Policy.ResetAfter starts
// again from zero. Attempts refused while locked are not counted, so an
// attacker cannot push a victim's lock further than LockMax at a time.
package throttle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

// Policy is one limit.
type Policy struct {
	MaxFailures int           // failures before the first lock
	LockBase    time.Duration // the first lock
	LockMax     time.Duration // the longest lock
	ResetAfter  time.Duration // quiet time after which the count restarts
}

// Subject is one thing counted: a key and its policy.
type Subject struct {
	Key    string
	Policy Policy
}

// NewSubject returns the subject for what (such as "signin" and a tenant
// and an email), under p. The key is a hash, so that the table holds no
// email or address and every key has the same small size.
func NewSubject(p Policy, what ...string) Subject {
	h := sha256.New()
	for _, w := range what {
		h.Write([]byte(w))
		h.Write([]byte{0})
	}
	return Subject{Key: hex.EncodeToString(h.Sum(nil)), Policy: p}
}

// Limiter checks and counts. A nil *Limiter allows everything and counts
// nothing (throttling off).
type Limiter struct {
	Store store.Throttles
	Now   func() time.Time
}

// Check is the state of some subjects before an attempt.
type Check struct {
	// LockedUntil is when the last lock among the subjects ends; zero
	// when none is locked.
	LockedUntil time.Time
	// counted are the subjects that have a counter, so that a success
	// only writes when there is something to clear.
	counted map[string]bool
}

// Locked reports whether the attempt must be refused.
func (c Check) Locked() bool { return !c.LockedUntil.IsZero() }

// Check reads the subjects' counters in one query.
func (l *Limiter) Check(ctx context.Context, subjects ...Subject) (Check, error) {
	var out Check
	if l == nil || len(subjects) == 0 {
		return out, nil
	}
	keys := make([]string, len(subjects))
	for i, s := range subjects {
		keys[i] = s.Key
	}
	cs, err := l.Store.ThrottleCounters(ctx, keys)
	if err != nil {
		return out, err
	}
	now := l.Now()
	out.counted = make(map[string]bool, len(cs))
	for k, c := range cs {
		out.counted[k] = true
		if c.LockedUntil.After(now) && c.LockedUntil.After(out.LockedUntil) {
			out.LockedUntil = c.LockedUntil
		}
	}
	return out, nil
}

// Fail counts one failure for each subject.
func (l *Limiter) Fail(ctx context.Context, subjects ...Subject) error {
	if l == nil {
		return nil
	}
	now := l.Now()
	for _, s := range subjects {
		p := s.Policy
		if _, err := l.Store.UpdateThrottleCounter(ctx, s.Key, func(c *store.ThrottleCounter) error {
			if c.Failures > 0 && now.Sub(c.WindowStart) > p.ResetAfter && !c.LockedUntil.After(now) {
				*c = store.ThrottleCounter{Key: c.Key}
			}
			c.Failures++
			c.WindowStart = now // the last failure: quiet time counts from it
			if c.Failures >= p.MaxFailures {
				c.LockedUntil = now.Add(lockFor(p, c.Failures-p.MaxFailures))
			}
			c.Expiry = now.Add(p.ResetAfter)
			if c.LockedUntil.After(c.Expiry) {
				c.Expiry = c.LockedUntil
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// lockFor is LockBase doubled n times, at most LockMax.
func lockFor(p Policy, n int) time.Duration {
	d := p.LockBase
	for range n {
		if d >= p.LockMax/2 {
			return p.LockMax
		}
		d *= 2
	}
	return min(d, p.LockMax)
}

// Succeed clears the counters of the subjects (the account's, after a
// right password); it writes only for subjects c found counted.
func (l *Limiter) Succeed(ctx context.Context, c Check, subjects ...Subject) error {
	if l == nil {
		return nil
	}
	for _, s := range subjects {
		if c.counted[s.Key] {
			if err := l.Store.DeleteThrottleCounter(ctx, s.Key); err != nil {
				return err
			}
		}
	}
	return nil
}

// RetryAfter is how long until c's lock ends, rounded up to a second.
func (l *Limiter) RetryAfter(c Check) time.Duration {
	d := c.LockedUntil.Sub(l.Now())
	return max(time.Second, (d+time.Second-1)/time.Second*time.Second)
}

// Rule is the pair of limits for one kind of attempt.
type Rule struct {
	Account Policy
	IP      Policy
}

// Subjects returns what an attempt counts against: the account (kind and
// the account's parts, such as tenant and email) and, when the caller
// named one, the client IP.
func (r Rule) Subjects(kind, clientIP string, account ...string) []Subject {
	out := []Subject{NewSubject(r.Account, append([]string{kind}, account...)...)}
	if clientIP != "" {
		out = append(out, NewSubject(r.IP, kind+"-ip", clientIP))
	}
	return out
}

// RetryAfterField is the Latchkey extension field with which a throttled
// answer says how long to wait, in milliseconds. The status stays the
// CDI's own (WRONG_CREDENTIALS_ERROR, INVALID_CREDENTIALS_ERROR): the
// attempt did not sign anyone in, which is all an official SDK needs to
// know, and it does not tell an attacker whether the password was right.
const RetryAfterField = "latchkeyRetryAfterMs"
