-- Dashboard accounts that may look but not change (SQLite): the team
-- page's "read-only" role, a Latchkey extension. Existing accounts stay
-- able to write, as they were. The SDK's Admins config, when set, decides
-- instead of this column.
ALTER TABLE dashboard_users ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1));
