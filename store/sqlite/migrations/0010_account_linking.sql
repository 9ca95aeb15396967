-- Account linking (SQLite). A person with several login methods is one
-- primary user: users.primary_user_id is the primary user's id on every
-- member row (the primary's own row included) and NULL for a user that is
-- neither primary nor linked.
--
-- tenant_users stays the listing: a linked member's rows move to
-- linked_user_tenants, so that a person is listed once (by the primary's
-- rows, whose time_joined is the person's earliest) while every login
-- method keeps its tenants.
--
-- primary_user_infos is the rule "no two primary users share an email,
-- phone number or third-party identity in a tenant" (the reference's
-- primary_user_tenants): its primary key is the identifier, so racing
-- links are settled by the database.
ALTER TABLE users ADD COLUMN primary_user_id TEXT;
CREATE INDEX users_primary ON users (primary_user_id);

CREATE TABLE linked_user_tenants (
	tenant_id TEXT NOT NULL,
	user_id   TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
	PRIMARY KEY (tenant_id, user_id)
) WITHOUT ROWID;
CREATE INDEX linked_user_tenants_user ON linked_user_tenants (user_id);

CREATE TABLE primary_user_infos (
	tenant_id       TEXT NOT NULL,
	info_type       TEXT NOT NULL,
	info_value      TEXT NOT NULL,
	primary_user_id TEXT NOT NULL,
	PRIMARY KEY (tenant_id, info_type, info_value)
) WITHOUT ROWID;
CREATE INDEX primary_user_infos_user ON primary_user_infos (primary_user_id);
