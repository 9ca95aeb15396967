-- Filters of the user list (SQLite): email verified, role, joined range,
-- and the order by last sign-in.
--
-- account_infos.email_verified is 1 on an email identifier whose
-- (recipe user id, email) has a verified_emails row. Triggers keep it, so
-- that no write path has to: a verification added or removed updates the
-- identifiers it names, and a new or changed identifier reads its flag.
-- The index makes "verified" and "not verified" ordered range scans in
-- listing order, whichever of the two is rare.
ALTER TABLE account_infos ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0;
UPDATE account_infos SET email_verified = 1 WHERE info_type = 'email'
	AND EXISTS (SELECT 1 FROM verified_emails v WHERE v.user_id = account_infos.user_id AND v.email = account_infos.info_value);
CREATE INDEX account_infos_verified ON account_infos (tenant_id, info_type, email_verified, time_joined, user_id);

CREATE TRIGGER verified_emails_set AFTER INSERT ON verified_emails BEGIN
	UPDATE account_infos SET email_verified = 1
	WHERE user_id = NEW.user_id AND info_type = 'email' AND info_value = NEW.email;
END;
CREATE TRIGGER verified_emails_unset AFTER DELETE ON verified_emails BEGIN
	UPDATE account_infos SET email_verified = 0
	WHERE user_id = OLD.user_id AND info_type = 'email' AND info_value = OLD.email;
END;
CREATE TRIGGER account_infos_verified_insert AFTER INSERT ON account_infos WHEN NEW.info_type = 'email' BEGIN
	UPDATE account_infos SET email_verified = EXISTS (SELECT 1 FROM verified_emails v WHERE v.user_id = NEW.user_id AND v.email = NEW.info_value)
	WHERE tenant_id = NEW.tenant_id AND info_type = NEW.info_type AND info_value = NEW.info_value
		AND recipe_id = NEW.recipe_id AND third_party_key = NEW.third_party_key;
END;
CREATE TRIGGER account_infos_verified_update AFTER UPDATE OF info_value, user_id ON account_infos WHEN NEW.info_type = 'email' BEGIN
	UPDATE account_infos SET email_verified = EXISTS (SELECT 1 FROM verified_emails v WHERE v.user_id = NEW.user_id AND v.email = NEW.info_value)
	WHERE tenant_id = NEW.tenant_id AND info_type = NEW.info_type AND info_value = NEW.info_value
		AND recipe_id = NEW.recipe_id AND third_party_key = NEW.third_party_key;
END;

-- The list by last sign-in, both ways, by keyset (as by last activity).
CREATE INDEX user_activity_last_sign_in ON user_activity (last_sign_in DESC, user_id DESC);
