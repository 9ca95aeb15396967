// Package userroles serves the core's user-roles recipe
// (reference/cdi-core.md §2.7):
//
//	PUT  /recipe/role                      create a role or add permissions to it
//	GET  /recipe/role/permissions          a role's permissions
//	POST /recipe/role/permissions/remove   remove some or all of a role's permissions
//	GET  /recipe/permission/roles          the roles with a permission
//	POST /recipe/role/remove               delete a role, from every user first
//	GET  /recipe/roles                     every role
//	PUT  /recipe/user/role                 give a user a role (in the tenant)
//	POST /recipe/user/role/remove          take a role from a user (in the tenant)
//	GET  /recipe/user/roles                a user's roles (in the tenant)
//	GET  /recipe/role/users                a role's users (in the tenant)
//
// Roles and permissions are app-wide; user-role assignments are per
// tenant. Role, permission and user id strings are trimmed, and an empty
// one is a 400. User ids are not checked against the users. The logic is in
// Service, usable without HTTP.
package userroles
