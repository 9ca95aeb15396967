-- Operator tools (SQLite): suspensions, activity, and the audit log
-- (issue 15). One migration for all three so that branches merge without
-- renumbering.

-- A suspended user, at most one row per user. A row whose until_ms has
-- passed is a lapsed suspension: readers ignore it, and suspending again
-- replaces it. Removed with the user.
CREATE TABLE user_suspensions (
	user_id      TEXT NOT NULL PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
	reason       TEXT NOT NULL,
	actor        TEXT NOT NULL,
	suspended_at INTEGER NOT NULL,
	until_ms     INTEGER -- NULL: until reinstated
);
-- The list of suspended users, newest first, by keyset.
CREATE INDEX user_suspensions_time ON user_suspensions (suspended_at DESC, user_id DESC);

-- Per-user activity: one small row, written on sign-in and at most once
-- per few minutes per session on refresh.
CREATE TABLE user_activity (
	user_id       TEXT NOT NULL PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
	last_sign_in  INTEGER NOT NULL DEFAULT 0,
	last_active   INTEGER NOT NULL DEFAULT 0,
	sign_in_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX user_activity_last_active ON user_activity (last_active DESC, user_id DESC);

-- Where a session was created from, and when it was last refreshed.
ALTER TABLE sessions ADD COLUMN client_ip TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_refreshed INTEGER NOT NULL DEFAULT 0;

-- The audit log: append-only, pruned by age. id orders events written in
-- the same millisecond.
CREATE TABLE audit_events (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	time_ms    INTEGER NOT NULL,
	actor      TEXT NOT NULL,
	action     TEXT NOT NULL,
	user_id    TEXT NOT NULL,
	summary    TEXT NOT NULL,
	client_ip  TEXT NOT NULL,
	user_agent TEXT NOT NULL
);
CREATE INDEX audit_events_time ON audit_events (time_ms DESC, id DESC);
CREATE INDEX audit_events_user ON audit_events (user_id, time_ms DESC, id DESC);
CREATE INDEX audit_events_actor ON audit_events (actor, time_ms DESC, id DESC);
CREATE INDEX audit_events_action ON audit_events (action, time_ms DESC, id DESC);
