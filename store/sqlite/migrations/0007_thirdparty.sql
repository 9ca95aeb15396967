-- Third-party sign-in (SQLite). A third-party user's provider account and
-- email are also rows of account_infos (recipe 'thirdparty', with
-- third_party_key "<provider id>::<provider user id>"), so that listing,
-- search by provider and users-by-account-info need nothing new. The
-- unique key here is the rule "one user per provider account per tenant";
-- the account_infos primary key of the 'tparty' row enforces it too.
CREATE TABLE thirdparty_users (
	user_id             TEXT NOT NULL PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
	tenant_id           TEXT NOT NULL,
	third_party_id      TEXT NOT NULL,
	third_party_user_id TEXT NOT NULL,
	email               TEXT NOT NULL,
	UNIQUE (tenant_id, third_party_id, third_party_user_id)
);
