-- Tenants of the app (SQLite). Until multitenancy there is one, the public
-- tenant, which every store has and nothing removes; the core refuses a
-- request for a tenant not listed here. 0006 on both engines (SQLite has
-- no 0005).
CREATE TABLE tenants (
	tenant_id  TEXT NOT NULL PRIMARY KEY,
	created_at INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO tenants (tenant_id, created_at) VALUES ('public', CAST(strftime('%s', 'now') AS INTEGER) * 1000);
