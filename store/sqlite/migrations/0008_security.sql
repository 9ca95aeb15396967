-- Issue 11: security hardening.

-- Dashboard session ids are stored hashed from now on (the core keeps the
-- sha256 hex of the id in session_id), like every other secret. The ids
-- stored so far are plain and cannot be hashed in SQL on both engines, so
-- they are removed: every dashboard account signs in again once.
DELETE FROM dashboard_sessions;
