-- Sign-ups per tenant and UTC day (PostgreSQL), for the dashboard's
-- overview: a year of them is 366 rows to read, where counting the listing
-- index reads a row per user. Kept by the transactions that create users
-- and never decremented: it counts sign-ups as they happened, so a user
-- deleted later still counts on the day they joined. Seeded from the users
-- there are.
CREATE TABLE signup_days (
	tenant_id TEXT COLLATE "C" NOT NULL,
	day       BIGINT NOT NULL, -- Unix ms / 86400000
	n         BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, day)
);
INSERT INTO signup_days (tenant_id, day, n)
	SELECT tenant_id, time_joined / 86400000, COUNT(*) FROM tenant_users GROUP BY tenant_id, time_joined / 86400000;
