-- Passwordless sign-in (SQLite). A passwordless user's email and phone
-- number are also rows of account_infos (recipe 'passwordless'), whose
-- primary key makes each unique among the passwordless users of a tenant.
CREATE TABLE passwordless_users (
	user_id      TEXT NOT NULL PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
	tenant_id    TEXT NOT NULL,
	email        TEXT,
	phone_number TEXT,
	CHECK (email IS NOT NULL OR phone_number IS NOT NULL)
);

-- One row per sign-in attempt. pre_auth_session_id is the hash of the
-- device id, which is never stored; exactly one of email and phone_number
-- is set.
CREATE TABLE passwordless_devices (
	tenant_id           TEXT NOT NULL,
	pre_auth_session_id TEXT NOT NULL,
	email               TEXT,
	phone_number        TEXT,
	link_code_salt      TEXT NOT NULL,
	failed_attempts     INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant_id, pre_auth_session_id),
	CHECK ((email IS NULL) <> (phone_number IS NULL))
) WITHOUT ROWID;
CREATE INDEX passwordless_devices_email ON passwordless_devices (tenant_id, email);
CREATE INDEX passwordless_devices_phone ON passwordless_devices (tenant_id, phone_number);

-- Codes are stored only as the hash of their link code, from which the
-- user input code is checked too.
CREATE TABLE passwordless_codes (
	tenant_id           TEXT NOT NULL,
	code_id             TEXT NOT NULL,
	pre_auth_session_id TEXT NOT NULL,
	link_code_hash      TEXT NOT NULL,
	created_at          INTEGER NOT NULL,
	PRIMARY KEY (tenant_id, code_id),
	UNIQUE (tenant_id, link_code_hash),
	FOREIGN KEY (tenant_id, pre_auth_session_id)
		REFERENCES passwordless_devices (tenant_id, pre_auth_session_id) ON DELETE CASCADE
);
CREATE INDEX passwordless_codes_device ON passwordless_codes (tenant_id, pre_auth_session_id, created_at);
CREATE INDEX passwordless_codes_created_at ON passwordless_codes (created_at);
