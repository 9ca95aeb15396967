-- Filters of the user list (PostgreSQL): email verified, role, joined
-- range, and the order by last sign-in.
--
-- account_infos.email_verified is 1 on an email identifier whose
-- (recipe user id, email) has a verified_emails row. Triggers keep it, so
-- that no write path has to: a verification added or removed updates the
-- identifiers it names, and a new or changed identifier reads its flag.
-- The index makes "verified" and "not verified" ordered range scans in
-- listing order, whichever of the two is rare.
ALTER TABLE account_infos ADD COLUMN email_verified SMALLINT NOT NULL DEFAULT 0;
UPDATE account_infos SET email_verified = 1 WHERE info_type = 'email'
	AND EXISTS (SELECT 1 FROM verified_emails v WHERE v.user_id = account_infos.user_id AND v.email = account_infos.info_value);
CREATE INDEX account_infos_verified ON account_infos (tenant_id, info_type, email_verified, time_joined, user_id)
	INCLUDE (recipe_id);

CREATE FUNCTION latchkey_verified_emails_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		UPDATE account_infos SET email_verified = 1
		WHERE user_id = NEW.user_id AND info_type = 'email' AND info_value = NEW.email;
		RETURN NEW;
	END IF;
	UPDATE account_infos SET email_verified = 0
	WHERE user_id = OLD.user_id AND info_type = 'email' AND info_value = OLD.email;
	RETURN OLD;
END;
$$;
CREATE TRIGGER verified_emails_changed AFTER INSERT OR DELETE ON verified_emails
	FOR EACH ROW EXECUTE FUNCTION latchkey_verified_emails_changed();

CREATE FUNCTION latchkey_account_info_verified() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.info_type = 'email' THEN
		NEW.email_verified := CASE WHEN EXISTS (SELECT 1 FROM verified_emails v
			WHERE v.user_id = NEW.user_id AND v.email = NEW.info_value) THEN 1 ELSE 0 END;
	END IF;
	RETURN NEW;
END;
$$;
CREATE TRIGGER account_infos_verified BEFORE INSERT OR UPDATE OF info_value, user_id ON account_infos
	FOR EACH ROW EXECUTE FUNCTION latchkey_account_info_verified();

-- The list by last sign-in, both ways, by keyset (as by last activity).
CREATE INDEX user_activity_last_sign_in ON user_activity (last_sign_in DESC, user_id DESC);
