-- User counts, kept by the store in the transactions that add and remove
-- users, so that CountUsers reads a few rows instead of counting a
-- million. tenant_id '' counts every user once (the users table); any
-- other value counts that tenant's listing (tenant_users).
CREATE TABLE user_counts (
	tenant_id TEXT COLLATE "C" NOT NULL,
	recipe_id TEXT COLLATE "C" NOT NULL,
	n         BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, recipe_id)
);
INSERT INTO user_counts (tenant_id, recipe_id, n)
	SELECT '', recipe_id, COUNT(*) FROM users GROUP BY recipe_id;
INSERT INTO user_counts (tenant_id, recipe_id, n)
	SELECT tenant_id, recipe_id, COUNT(*) FROM tenant_users GROUP BY tenant_id, recipe_id;
