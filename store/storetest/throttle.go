package storetest

import (
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

func testThrottleCounters(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	got, err := s.ThrottleCounters(ctx, []string{"a", "b"})
	ok(t, err, "ThrottleCounters of none")
	if len(got) != 0 {
		t.Fatalf("ThrottleCounters before any update = %v", got)
	}
	now := at(1000)
	inc := func(key string) store.ThrottleCounter {
		c, err := s.UpdateThrottleCounter(ctx, key, func(c *store.ThrottleCounter) error {
			if c.Failures == 0 {
				c.WindowStart = now
			}
			c.Failures++
			c.Expiry = now.Add(time.Hour)
			if c.Failures >= 3 {
				c.LockedUntil = now.Add(time.Minute)
			}
			return nil
		})
		ok(t, err, "UpdateThrottleCounter "+key)
		return c
	}
	if c := inc("a"); c.Key != "a" || c.Failures != 1 || !c.WindowStart.Equal(now) || !c.LockedUntil.IsZero() {
		t.Fatalf("first update = %+v", c)
	}
	inc("a")
	inc("a")
	inc("b")
	got, err = s.ThrottleCounters(ctx, []string{"a", "b", "c", "a"})
	ok(t, err, "ThrottleCounters")
	if a := got["a"]; len(got) != 2 || a.Failures != 3 || !a.LockedUntil.Equal(now.Add(time.Minute)) || !a.Expiry.Equal(now.Add(time.Hour)) || !a.WindowStart.Equal(now) {
		t.Fatalf("ThrottleCounters = %+v", got)
	}
	if b := got["b"]; b.Failures != 1 || !b.LockedUntil.IsZero() {
		t.Fatalf("counter b = %+v", b)
	}

	ok(t, s.DeleteThrottleCounter(ctx, "a"), "DeleteThrottleCounter")
	ok(t, s.DeleteThrottleCounter(ctx, "a"), "DeleteThrottleCounter of none")
	if c := inc("a"); c.Failures != 1 || !c.LockedUntil.IsZero() {
		t.Fatalf("after delete = %+v", c)
	}

	// Expiry: only rows that expired before now go.
	n, err := s.DeleteExpiredThrottleCounters(ctx, now.Add(time.Hour))
	ok(t, err, "DeleteExpiredThrottleCounters at expiry")
	if n != 0 {
		t.Fatalf("deleted %d counters expiring exactly now", n)
	}
	n, err = s.DeleteExpiredThrottleCounters(ctx, now.Add(time.Hour+time.Millisecond))
	ok(t, err, "DeleteExpiredThrottleCounters")
	if n != 2 {
		t.Fatalf("deleted %d expired counters, want 2", n)
	}
}

// testRaceThrottleCounter: failures counted on several cores at once all
// count, so one limit holds for all of them.
func testRaceThrottleCounter(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	errs := race(racers, func(int) error {
		_, err := s.UpdateThrottleCounter(ctx, "k", func(c *store.ThrottleCounter) error {
			c.Failures++
			c.WindowStart, c.Expiry = at(1), at(2)
			return nil
		})
		return err
	})
	for _, err := range errs {
		ok(t, err, "UpdateThrottleCounter")
	}
	got, err := s.ThrottleCounters(ctx, []string{"k"})
	ok(t, err, "ThrottleCounters")
	if got["k"].Failures != racers {
		t.Fatalf("%d failures counted, want %d", got["k"].Failures, racers)
	}
}
