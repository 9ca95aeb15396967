-- A search that matches many identifiers walks them in listing order and
-- stops after one page, filtering on the values this index carries (the
-- primary key columns, info_value among them, are appended to it).
-- Descending pages scan it backwards; ascending ones sort only the users
-- that share a join time.
CREATE INDEX account_infos_walk ON account_infos (tenant_id, info_type, time_joined, user_id, email_domain);
