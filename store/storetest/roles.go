package storetest

import (
	"testing"

	"github.com/latchkey-dev/latchkey/store"
)

func testRoles(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	created, err := s.CreateRole(ctx, "editor", []string{"write", "read"})
	ok(t, err, "CreateRole")
	if !created {
		t.Fatal("CreateRole new: created = false")
	}
	created, err = s.CreateRole(ctx, "editor", []string{"read", "publish"})
	ok(t, err, "CreateRole again")
	if created {
		t.Fatal("CreateRole existing: created = true")
	}
	perms, err := s.RolePermissions(ctx, "editor")
	ok(t, err, "RolePermissions")
	wantStrings(t, perms, []string{"write", "read", "publish"}, "permissions in insertion order, existing kept")

	_, err = s.CreateRole(ctx, "viewer", []string{"read"})
	ok(t, err, "CreateRole viewer")
	_, err = s.CreateRole(ctx, "admin", nil)
	ok(t, err, "CreateRole admin")
	perms, err = s.RolePermissions(ctx, "admin")
	ok(t, err, "RolePermissions admin")
	wantStrings(t, perms, []string{}, "role without permissions")
	_, err = s.RolePermissions(ctx, "nope")
	is(t, err, store.ErrNotFound, "RolePermissions unknown role")

	roles, err := s.ListRoles(ctx)
	ok(t, err, "ListRoles")
	wantStrings(t, roles, []string{"editor", "viewer", "admin"}, "ListRoles in insertion order")
	roles, err = s.RolesWithPermission(ctx, "read")
	ok(t, err, "RolesWithPermission")
	wantStrings(t, roles, []string{"editor", "viewer"}, "RolesWithPermission read")
	roles, err = s.RolesWithPermission(ctx, "nope")
	ok(t, err, "RolesWithPermission none")
	wantStrings(t, roles, []string{}, "RolesWithPermission none")

	ok(t, s.RemoveRolePermissions(ctx, "editor", []string{"read", "nope"}), "RemoveRolePermissions")
	perms, _ = s.RolePermissions(ctx, "editor")
	wantStrings(t, perms, []string{"write", "publish"}, "after removing read")
	ok(t, s.RemoveRolePermissions(ctx, "editor", []string{}), "RemoveRolePermissions empty list")
	perms, _ = s.RolePermissions(ctx, "editor")
	wantStrings(t, perms, []string{"write", "publish"}, "an empty list removes nothing")
	ok(t, s.RemoveRolePermissions(ctx, "editor", nil), "RemoveRolePermissions nil")
	perms, _ = s.RolePermissions(ctx, "editor")
	wantStrings(t, perms, []string{}, "nil removes every permission")
	is(t, s.RemoveRolePermissions(ctx, "nope", nil), store.ErrNotFound, "RemoveRolePermissions unknown role")

	user := newID()
	_, err = s.AddUserRole(ctx, store.DefaultTenant, user, "viewer")
	ok(t, err, "AddUserRole")
	existed, err := s.DeleteRole(ctx, "viewer")
	ok(t, err, "DeleteRole")
	if !existed {
		t.Fatal("DeleteRole: existed = false")
	}
	existed, err = s.DeleteRole(ctx, "viewer")
	ok(t, err, "DeleteRole again")
	if existed {
		t.Fatal("DeleteRole again: existed = true")
	}
	userRoles, err := s.UserRoles(ctx, store.DefaultTenant, user)
	ok(t, err, "UserRoles")
	wantStrings(t, userRoles, []string{}, "deleted role taken from users")
	roles, _ = s.RolesWithPermission(ctx, "read")
	wantStrings(t, roles, []string{}, "deleted role's permissions")
	roles, _ = s.ListRoles(ctx)
	wantStrings(t, roles, []string{"editor", "admin"}, "ListRoles after delete")

	// A recreated role starts empty and comes last.
	created, err = s.CreateRole(ctx, "viewer", nil)
	ok(t, err, "CreateRole viewer again")
	if !created {
		t.Fatal("recreate: created = false")
	}
	perms, _ = s.RolePermissions(ctx, "viewer")
	wantStrings(t, perms, []string{}, "recreated role's permissions")
	roles, _ = s.ListRoles(ctx)
	wantStrings(t, roles, []string{"editor", "admin", "viewer"}, "ListRoles after recreate")
}

func testUserRoles(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	for _, r := range []string{"a", "b", "c"} {
		_, err := s.CreateRole(ctx, r, nil)
		ok(t, err, "CreateRole")
	}
	u1, u2 := newID(), newID()
	add := func(tenant, user, role string, wantHad bool) {
		t.Helper()
		had, err := s.AddUserRole(ctx, tenant, user, role)
		ok(t, err, "AddUserRole")
		if had != wantHad {
			t.Fatalf("AddUserRole(%s, %s): already had = %v, want %v", tenant, role, had, wantHad)
		}
	}
	add(store.DefaultTenant, u1, "c", false)
	add(store.DefaultTenant, u1, "a", false)
	add(store.DefaultTenant, u1, "c", true)
	add("t2", u1, "b", false)
	add(store.DefaultTenant, u2, "c", false)
	_, err := s.AddUserRole(ctx, store.DefaultTenant, u1, "nope")
	is(t, err, store.ErrNotFound, "AddUserRole unknown role")

	roles, err := s.UserRoles(ctx, store.DefaultTenant, u1)
	ok(t, err, "UserRoles")
	wantStrings(t, roles, []string{"c", "a"}, "UserRoles public")
	roles, _ = s.UserRoles(ctx, "t2", u1)
	wantStrings(t, roles, []string{"b"}, "UserRoles t2")
	roles, _ = s.UserRoles(ctx, "t3", u1)
	wantStrings(t, roles, []string{}, "UserRoles t3")

	users, err := s.RoleUsers(ctx, store.DefaultTenant, "c")
	ok(t, err, "RoleUsers")
	wantStrings(t, users, []string{u1, u2}, "RoleUsers c")
	users, err = s.RoleUsers(ctx, "t2", "c")
	ok(t, err, "RoleUsers t2")
	wantStrings(t, users, []string{}, "RoleUsers c in t2")
	_, err = s.RoleUsers(ctx, store.DefaultTenant, "nope")
	is(t, err, store.ErrNotFound, "RoleUsers unknown role")

	had, err := s.RemoveUserRole(ctx, store.DefaultTenant, u1, "c")
	ok(t, err, "RemoveUserRole")
	if !had {
		t.Fatal("RemoveUserRole: had = false")
	}
	had, err = s.RemoveUserRole(ctx, store.DefaultTenant, u1, "c")
	ok(t, err, "RemoveUserRole again")
	if had {
		t.Fatal("RemoveUserRole again: had = true")
	}
	_, err = s.RemoveUserRole(ctx, store.DefaultTenant, u1, "nope")
	is(t, err, store.ErrNotFound, "RemoveUserRole unknown role")
	roles, _ = s.UserRoles(ctx, store.DefaultTenant, u1)
	wantStrings(t, roles, []string{"a"}, "UserRoles after remove")
	roles, _ = s.UserRoles(ctx, "t2", u1)
	wantStrings(t, roles, []string{"b"}, "other tenant untouched")
}
