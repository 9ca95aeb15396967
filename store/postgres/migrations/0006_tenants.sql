-- Tenants of the app (PostgreSQL). Until multitenancy there is one, the
-- public tenant, which every store has and nothing removes; the core
-- refuses a request for a tenant not listed here.
CREATE TABLE tenants (
	tenant_id  TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	created_at BIGINT NOT NULL
);
INSERT INTO tenants (tenant_id, created_at) VALUES ('public', (extract(epoch FROM now()) * 1000)::bigint);
