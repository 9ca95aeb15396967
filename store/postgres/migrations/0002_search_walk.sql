-- A search that matches many identifiers walks them in listing order and
-- stops after one page, filtering on the values this index carries, so
-- the walk is an index-only scan. Descending pages scan it backwards;
-- ascending ones sort only the users that share a join time (incremental
-- sort).
CREATE INDEX account_infos_walk ON account_infos (tenant_id, info_type, time_joined, user_id)
	INCLUDE (info_value, email_domain, recipe_id);
