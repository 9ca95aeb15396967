package sqlstore

import "github.com/latchkey-dev/latchkey/store"

// ListSQL returns the query ListUsers runs for q without a search, with
// the plan for a rare role when sparseRole.
func ListSQL(d Dialect, q store.ListUsersQuery, sparseRole bool) (string, []any) {
	var a argList
	if d.RoleRowsFrom == "" {
		d.RoleRowsFrom = "user_roles ro"
	}
	return listQuery(d, &a, q, sparseRole), a.args
}

// SearchSQL returns the queries ListUsers runs for q with a search: the
// probe, and the page query for the plan dense selects.
func SearchSQL(d Dialect, q store.ListUsersQuery, dense bool) (probe string, probeArgs []any, page string, pageArgs []any) {
	fields, ok := searchFields(q.Search)
	if !ok {
		return "", nil, "", nil
	}
	probe, probeArgs = probeQuery(d, q, fields)
	page, pageArgs = searchQuery(d, q, fields, dense)
	return probe, probeArgs, page, pageArgs
}

// CountSQL returns the query CountUsersMatching runs for q without a
// search.
func CountSQL(d Dialect, q store.ListUsersQuery) (string, []any) {
	var a argList
	if d.RoleRowsFrom == "" {
		d.RoleRowsFrom = "user_roles ro"
	}
	return countQuery(d, &a, q), a.args
}

// FilterSearchSQL returns the page query ListUsers runs for q with a
// search when its role (role) or its verified flag is rare.
func FilterSearchSQL(d Dialect, q store.ListUsersQuery, role bool) (string, []any) {
	if d.RoleRowsFrom == "" {
		d.RoleRowsFrom = "user_roles ro"
	}
	fields, ok := searchFields(q.Search)
	if !ok {
		return "", nil
	}
	driver := verifiedDriver
	if role {
		driver = roleDriver
	}
	return filterSearchQuery(d, q, fields, driver)
}
