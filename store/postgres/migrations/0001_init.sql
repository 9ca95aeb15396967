-- Latchkey schema, version 1 (PostgreSQL). Times are Unix milliseconds.
-- Identifier and value columns use COLLATE "C" (byte order), so that a
-- prefix p is the index range [p, successor(p)) and user ids sort as they
-- do on SQLite, whatever the database's default collation.

-- One row per user.
CREATE TABLE users (
	user_id     TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	recipe_id   TEXT COLLATE "C" NOT NULL,
	time_joined BIGINT NOT NULL
);
CREATE INDEX users_recipe ON users (recipe_id);

-- The per-tenant user listing. recipe_id and time_joined are copied from
-- users so that every page is a range scan on one covering index.
CREATE TABLE tenant_users (
	tenant_id   TEXT COLLATE "C" NOT NULL,
	user_id     TEXT COLLATE "C" NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
	recipe_id   TEXT COLLATE "C" NOT NULL,
	time_joined BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX tenant_users_user ON tenant_users (user_id);
-- Ascending pages (time_joined ASC, user_id DESC) scan this one forwards...
CREATE INDEX tenant_users_page_asc ON tenant_users (tenant_id, time_joined, user_id DESC);
-- ...descending pages (time_joined DESC, user_id DESC) this one backwards.
CREATE INDEX tenant_users_page_desc ON tenant_users (tenant_id, time_joined, user_id);
CREATE INDEX tenant_users_recipe_page_asc ON tenant_users (tenant_id, recipe_id, time_joined, user_id DESC);
CREATE INDEX tenant_users_recipe_page_desc ON tenant_users (tenant_id, recipe_id, time_joined, user_id);

-- One row per identifier of a login method per tenant: info_type is
-- 'email', 'phone' or 'tparty' ("<provider id>::<provider user id>").
-- The primary key is the rule "one login per identifier per recipe per
-- tenant" (one email-password login per email per tenant). Third-party
-- logins put "<provider id>::<provider user id>" in third_party_key, so
-- that two providers' users may share an email. Its column order makes a
-- prefix search a range scan, and INCLUDE makes that scan index-only.
CREATE TABLE account_infos (
	tenant_id       TEXT COLLATE "C" NOT NULL,
	info_type       TEXT COLLATE "C" NOT NULL,
	info_value      TEXT COLLATE "C" NOT NULL,
	recipe_id       TEXT COLLATE "C" NOT NULL,
	third_party_key TEXT COLLATE "C" NOT NULL DEFAULT '',
	email_domain    TEXT COLLATE "C",
	user_id         TEXT COLLATE "C" NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
	time_joined     BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, info_type, info_value, recipe_id, third_party_key) INCLUDE (user_id, time_joined)
);
CREATE INDEX account_infos_user ON account_infos (user_id);
CREATE INDEX account_infos_domain ON account_infos (tenant_id, info_type, email_domain) INCLUDE (user_id, time_joined, recipe_id);

CREATE TABLE emailpassword_users (
	user_id       TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
	tenant_id     TEXT COLLATE "C" NOT NULL,
	email         TEXT COLLATE "C" NOT NULL,
	password_hash TEXT NOT NULL
);

CREATE TABLE password_reset_tokens (
	token_hash TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
	email      TEXT COLLATE "C" NOT NULL,
	expiry     BIGINT NOT NULL
);
CREATE INDEX password_reset_tokens_user ON password_reset_tokens (user_id);
CREATE INDEX password_reset_tokens_expiry ON password_reset_tokens (expiry);

-- Verification tokens and verified emails are keyed by any user id (it may
-- be an external one), so they have no foreign key to users.
CREATE TABLE email_verification_tokens (
	token_hash TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	tenant_id  TEXT COLLATE "C" NOT NULL,
	user_id    TEXT COLLATE "C" NOT NULL,
	email      TEXT COLLATE "C" NOT NULL,
	expiry     BIGINT NOT NULL
);
CREATE INDEX email_verification_tokens_owner ON email_verification_tokens (user_id, tenant_id, email);
CREATE INDEX email_verification_tokens_expiry ON email_verification_tokens (expiry);

CREATE TABLE verified_emails (
	user_id TEXT COLLATE "C" NOT NULL,
	email   TEXT COLLATE "C" NOT NULL,
	PRIMARY KEY (user_id, email)
);

CREATE TABLE sessions (
	handle               TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	tenant_id            TEXT COLLATE "C" NOT NULL,
	user_id              TEXT COLLATE "C" NOT NULL,
	refresh_token_hash_2 TEXT COLLATE "C" NOT NULL,
	session_data         TEXT,
	jwt_payload          TEXT,
	use_static_key       BOOLEAN NOT NULL,
	created_at           BIGINT NOT NULL,
	expires_at           BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id, tenant_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE dynamic_signing_keys (
	kid        TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	algorithm  TEXT COLLATE "C" NOT NULL,
	key_value  TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX dynamic_signing_keys_created_at ON dynamic_signing_keys (created_at);

-- One static key per algorithm: the primary key settles racing creators.
CREATE TABLE static_signing_keys (
	algorithm  TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	kid        TEXT COLLATE "C" NOT NULL UNIQUE,
	key_value  TEXT NOT NULL,
	created_at BIGINT NOT NULL
);

-- metadata NULL means "none": UpdateMetadata inserts such a row to have
-- something to lock.
CREATE TABLE user_metadata (
	user_id  TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	metadata TEXT
);

-- seq keeps insertion order, which the CDI lists in.
CREATE TABLE roles (
	seq  BIGINT GENERATED ALWAYS AS IDENTITY,
	role TEXT COLLATE "C" NOT NULL PRIMARY KEY
);
CREATE INDEX roles_seq ON roles (seq);

CREATE TABLE role_permissions (
	seq        BIGINT GENERATED ALWAYS AS IDENTITY,
	role       TEXT COLLATE "C" NOT NULL REFERENCES roles (role) ON DELETE CASCADE,
	permission TEXT COLLATE "C" NOT NULL,
	PRIMARY KEY (role, permission)
);
CREATE INDEX role_permissions_permission ON role_permissions (permission);

-- role is a foreign key, so no assignment can outlive its role.
CREATE TABLE user_roles (
	seq       BIGINT GENERATED ALWAYS AS IDENTITY,
	tenant_id TEXT COLLATE "C" NOT NULL,
	user_id   TEXT COLLATE "C" NOT NULL,
	role      TEXT COLLATE "C" NOT NULL REFERENCES roles (role) ON DELETE CASCADE,
	PRIMARY KEY (tenant_id, user_id, role)
);
CREATE INDEX user_roles_role ON user_roles (role, tenant_id);
CREATE INDEX user_roles_user ON user_roles (user_id);

CREATE TABLE dashboard_users (
	user_id       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	email         TEXT COLLATE "C" NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	time_joined   BIGINT NOT NULL
);
CREATE INDEX dashboard_users_time_joined ON dashboard_users (time_joined);

CREATE TABLE dashboard_sessions (
	session_id   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	user_id      TEXT COLLATE "C" NOT NULL REFERENCES dashboard_users (user_id) ON DELETE CASCADE,
	time_created BIGINT NOT NULL,
	expiry       BIGINT NOT NULL
);
CREATE INDEX dashboard_sessions_user ON dashboard_sessions (user_id);
CREATE INDEX dashboard_sessions_expiry ON dashboard_sessions (expiry);
