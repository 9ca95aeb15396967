-- A role's holders in user id order (PostgreSQL): with user_id in the
-- index, counting or listing a role's holders reads them from the index
-- alone (an index-only scan) instead of fetching each user_roles row.
DROP INDEX user_roles_role;
CREATE INDEX user_roles_role ON user_roles (role, tenant_id, user_id);
