package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/latchkey-dev/latchkey/store"
)

// Roles, permissions and assignments come back in insertion order: each
// table has a seq column that the engine assigns in insertion order.

// createRoleAttempts bounds CreateRole's retries. A retry is needed only
// when a concurrent DeleteRole removed the role between our insert and our
// permissions' foreign-key checks.
const createRoleAttempts = 3

// CreateRole creates the role if it is missing and adds the permissions.
func (s *DB) CreateRole(ctx context.Context, role string, permissions []string) (bool, error) {
	for attempt := 1; ; attempt++ {
		var created bool
		err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `INSERT INTO roles (role) VALUES ($1) ON CONFLICT DO NOTHING`, role)
			if err != nil {
				return s.wrap("create role", err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return s.wrap("create role", err)
			}
			created = n > 0
			for _, p := range dedupe(permissions) {
				if _, err := tx.ExecContext(ctx,
					`INSERT INTO role_permissions (role, permission) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
					role, p); err != nil {
					return s.wrap("create role", err)
				}
			}
			return nil
		})
		if errors.Is(err, store.ErrConflict) && attempt < createRoleAttempts {
			continue
		}
		if err != nil {
			return false, err
		}
		return created, nil
	}
}

// RolePermissions returns the role's permissions; the LEFT JOIN tells an
// unknown role (no row) from one without permissions (one NULL row).
func (s *DB) RolePermissions(ctx context.Context, role string) ([]string, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT p.permission FROM roles r
LEFT JOIN role_permissions p ON p.role = r.role WHERE r.role = $1 ORDER BY p.seq`, role)
	out, found, err := scanNullable(rows, err)
	if err != nil {
		return nil, s.wrap("role permissions", err)
	}
	if !found {
		return nil, notFound("role permissions")
	}
	return out, nil
}

// scanNullable reads a one-column result of nullable strings, dropping the
// NULLs, and reports whether there was any row.
func scanNullable(rows *sql.Rows, err error) ([]string, bool, error) {
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	out := []string{}
	found := false
	for rows.Next() {
		found = true
		var v sql.NullString
		if err := rows.Scan(&v); err != nil {
			return nil, false, err
		}
		if v.Valid {
			out = append(out, v.String)
		}
	}
	return out, found, rows.Err()
}

// roleExists reports whether the role exists, inside tx.
func (s *DB) roleExists(ctx context.Context, tx *sql.Tx, role string) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM roles WHERE role = $1`, role).Scan(&one)
	if errNoRows(err) {
		return false, nil
	}
	return err == nil, err
}

// RemoveRolePermissions removes the given permissions from the role, or all
// of them when permissions is nil.
func (s *DB) RemoveRolePermissions(ctx context.Context, role string, permissions []string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		ok, err := s.roleExists(ctx, tx, role)
		if err != nil {
			return s.wrap("remove role permissions", err)
		}
		if !ok {
			return notFound("remove role permissions")
		}
		if permissions == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM role_permissions WHERE role = $1`, role)
			return s.wrap("remove role permissions", err)
		}
		if p := dedupe(permissions); len(p) > 0 {
			a := argList{args: []any{role}}
			_, err = tx.ExecContext(ctx, `DELETE FROM role_permissions WHERE role = $1 AND permission IN (`+a.in(p)+`)`, a.args...)
		}
		return s.wrap("remove role permissions", err)
	})
}

// RolesWithPermission returns the roles that have the permission.
func (s *DB) RolesWithPermission(ctx context.Context, permission string) ([]string, error) {
	out, err := scanStrings(s.reader.QueryContext(ctx, `SELECT r.role FROM role_permissions p
JOIN roles r ON r.role = p.role WHERE p.permission = $1 ORDER BY r.seq`, permission))
	return out, s.wrap("roles with permission", err)
}

// DeleteRole removes the role from every user, then deletes it (its
// permissions go with it, ON DELETE CASCADE).
func (s *DB) DeleteRole(ctx context.Context, role string) (bool, error) {
	var existed bool
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_roles WHERE role = $1`, role); err != nil {
			return s.wrap("delete role", err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM roles WHERE role = $1`, role)
		if err != nil {
			return s.wrap("delete role", err)
		}
		n, err := res.RowsAffected()
		existed = n > 0
		return s.wrap("delete role", err)
	})
	return existed, err
}

// ListRoles returns every role.
func (s *DB) ListRoles(ctx context.Context) ([]string, error) {
	out, err := scanStrings(s.reader.QueryContext(ctx, `SELECT role FROM roles ORDER BY seq`))
	return out, s.wrap("list roles", err)
}

// AddUserRole gives the user the role in tenantID. user_roles.role is a
// foreign key to roles, so an unknown role, or one deleted concurrently,
// fails the insert itself: no check-then-insert, and no assignment can
// outlive its role.
func (s *DB) AddUserRole(ctx context.Context, tenantID, userID, role string) (bool, error) {
	res, err := s.writer.ExecContext(ctx,
		`INSERT INTO user_roles (tenant_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		tenantID, userID, role)
	if s.isForeignKeyViolation(err) {
		return false, notFound("add user role")
	}
	if err != nil {
		return false, s.wrap("add user role", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.wrap("add user role", err)
	}
	return n == 0, nil
}

// RemoveUserRole takes the role from the user in tenantID.
func (s *DB) RemoveUserRole(ctx context.Context, tenantID, userID, role string) (bool, error) {
	var had bool
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		ok, err := s.roleExists(ctx, tx, role)
		if err != nil {
			return s.wrap("remove user role", err)
		}
		if !ok {
			return notFound("remove user role")
		}
		res, err := tx.ExecContext(ctx,
			`DELETE FROM user_roles WHERE tenant_id = $1 AND user_id = $2 AND role = $3`, tenantID, userID, role)
		if err != nil {
			return s.wrap("remove user role", err)
		}
		n, err := res.RowsAffected()
		had = n > 0
		return s.wrap("remove user role", err)
	})
	return had, err
}

// UserRoles returns the user's roles in tenantID.
func (s *DB) UserRoles(ctx context.Context, tenantID, userID string) ([]string, error) {
	out, err := scanStrings(s.reader.QueryContext(ctx,
		`SELECT role FROM user_roles WHERE tenant_id = $1 AND user_id = $2 ORDER BY seq`, tenantID, userID))
	return out, s.wrap("user roles", err)
}

// RoleUsers returns the users that have the role in tenantID.
func (s *DB) RoleUsers(ctx context.Context, tenantID, role string) ([]string, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT ur.user_id FROM roles r
LEFT JOIN user_roles ur ON ur.role = r.role AND ur.tenant_id = $1 WHERE r.role = $2 ORDER BY ur.seq`, tenantID, role)
	out, found, err := scanNullable(rows, err)
	if err != nil {
		return nil, s.wrap("role users", err)
	}
	if !found {
		return nil, notFound("role users")
	}
	return out, nil
}
