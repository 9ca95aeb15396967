package core

import (
	"context"
	"time"
)

// startCleanup runs cleanupOnce every CleanupInterval until Close. Every
// step is an idempotent DELETE of rows past their expiry, so several core
// processes on one database may run it at once.
func (c *Core) startCleanup() {
	ctx, cancel := context.WithCancel(context.Background())
	c.stopCleanup = cancel
	if c.cfg.CleanupInterval < 0 {
		return
	}
	c.cleanupDone.Add(1)
	go func() {
		defer c.cleanupDone.Done()
		t := time.NewTicker(c.cfg.CleanupInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				c.CleanupOnce(ctx)
			}
		}
	}()
}

// CleanupOnce deletes expired sessions, password-reset and
// email-verification tokens, dashboard sessions, brute-force counters, dynamic signing keys past
// their verify lifetime (update interval + 2 × access-token validity), and
// passwordless devices whose every code has expired, and audit events
// past AuditRetention.
// Failures are logged; the next run tries again.
func (c *Core) CleanupOnce(ctx context.Context) {
	now := c.now()
	keyLifetime := c.cfg.SigningKeyUpdateInterval + 2*c.cfg.AccessTokenValidity
	steps := []struct {
		name string
		run  func() (int64, error)
	}{
		{"sessions", func() (int64, error) { return c.store.DeleteExpiredSessions(ctx, now) }},
		{"password reset tokens", func() (int64, error) { return c.store.DeleteExpiredPasswordResetTokens(ctx, now) }},
		{"email verification tokens", func() (int64, error) { return c.store.DeleteExpiredEmailVerificationTokens(ctx, now) }},
		{"dashboard sessions", func() (int64, error) { return c.store.DeleteExpiredDashboardSessions(ctx, now) }},
		{"throttle counters", func() (int64, error) { return c.store.DeleteExpiredThrottleCounters(ctx, now) }},
		{"signing keys", func() (int64, error) { return c.store.DeleteDynamicSigningKeys(ctx, now.Add(-keyLifetime)) }},
		{"passwordless devices", func() (int64, error) {
			return c.store.DeleteExpiredPasswordlessDevices(ctx, now.Add(-c.cfg.PasswordlessCodeLifetime))
		}},
		{"audit events", func() (int64, error) {
			if c.cfg.AuditRetention < 0 {
				return 0, nil
			}
			return c.store.DeleteAuditEventsBefore(ctx, now.Add(-c.cfg.AuditRetention))
		}},
	}
	for _, s := range steps {
		n, err := s.run()
		if err != nil {
			c.logger.ErrorContext(ctx, "cleanup failed", "what", s.name, "err", err)
			continue
		}
		if n > 0 {
			c.logger.InfoContext(ctx, "cleanup", "what", s.name, "deleted", n)
		}
	}
}
