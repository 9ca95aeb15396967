-- Multitenancy (PostgreSQL): a tenant's login methods, core settings and
-- third-party providers. first_factors and required_secondary_factors are
-- JSON arrays; NULL first_factors means every login method, NULL
-- required_secondary_factors means none (reference cdi-api-spec
-- tenantInputV2). core_config is a JSON object of the per-tenant settings.
ALTER TABLE tenants ADD COLUMN first_factors TEXT;
ALTER TABLE tenants ADD COLUMN required_secondary_factors TEXT;
ALTER TABLE tenants ADD COLUMN core_config TEXT NOT NULL DEFAULT '{}';

-- One provider config per (tenant, third-party id), as the JSON the CDI
-- carries (thirdPartyProviderConfig); removing the tenant removes them.
CREATE TABLE tenant_thirdparty_providers (
	tenant_id      TEXT COLLATE "C" NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
	third_party_id TEXT COLLATE "C" NOT NULL,
	config         TEXT NOT NULL,
	created_at     BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, third_party_id)
);
