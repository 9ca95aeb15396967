-- Issue 11: security hardening.

-- Dashboard session ids are stored hashed from now on (the core keeps the
-- sha256 hex of the id in session_id), like every other secret. The ids
-- stored so far are plain and cannot be hashed in SQL on both engines, so
-- they are removed: every dashboard account signs in again once.
DELETE FROM dashboard_sessions;

-- Brute-force counters (core/internal/throttle), shared by every core on
-- one database. throttle_key is a hash the core makes of what it counts
-- (an account, a client IP); times are Unix milliseconds, 0 for none.
CREATE TABLE IF NOT EXISTS throttle_counters (
	throttle_key TEXT NOT NULL PRIMARY KEY,
	failures     BIGINT NOT NULL,
	window_start BIGINT NOT NULL,
	locked_until BIGINT NOT NULL,
	expiry       BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS throttle_counters_expiry ON throttle_counters (expiry);
