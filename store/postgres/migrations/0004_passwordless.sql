-- Passwordless sign-in (PostgreSQL). A passwordless user's email and phone
-- number are also rows of account_infos (recipe 'passwordless'), whose
-- primary key makes each unique among the passwordless users of a tenant.
CREATE TABLE passwordless_users (
	user_id      TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
	tenant_id    TEXT COLLATE "C" NOT NULL,
	email        TEXT COLLATE "C",
	phone_number TEXT COLLATE "C",
	CHECK (email IS NOT NULL OR phone_number IS NOT NULL)
);

-- One row per sign-in attempt. pre_auth_session_id is the hash of the
-- device id, which is never stored; exactly one of email and phone_number
-- is set. Transactions that lock several devices lock them in
-- (tenant_id, pre_auth_session_id) order, the primary key's.
CREATE TABLE passwordless_devices (
	tenant_id           TEXT COLLATE "C" NOT NULL,
	pre_auth_session_id TEXT COLLATE "C" NOT NULL,
	email               TEXT COLLATE "C",
	phone_number        TEXT COLLATE "C",
	link_code_salt      TEXT NOT NULL,
	failed_attempts     INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant_id, pre_auth_session_id),
	CHECK ((email IS NULL) <> (phone_number IS NULL))
);
CREATE INDEX passwordless_devices_email ON passwordless_devices (tenant_id, email);
CREATE INDEX passwordless_devices_phone ON passwordless_devices (tenant_id, phone_number);

-- Codes are stored only as the hash of their link code, from which the
-- user input code is checked too.
CREATE TABLE passwordless_codes (
	tenant_id           TEXT COLLATE "C" NOT NULL,
	code_id             TEXT COLLATE "C" NOT NULL,
	pre_auth_session_id TEXT COLLATE "C" NOT NULL,
	link_code_hash      TEXT COLLATE "C" NOT NULL,
	created_at          BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, code_id),
	UNIQUE (tenant_id, link_code_hash),
	FOREIGN KEY (tenant_id, pre_auth_session_id)
		REFERENCES passwordless_devices (tenant_id, pre_auth_session_id) ON DELETE CASCADE
);
CREATE INDEX passwordless_codes_device ON passwordless_codes (tenant_id, pre_auth_session_id, created_at);
CREATE INDEX passwordless_codes_created_at ON passwordless_codes (created_at);
