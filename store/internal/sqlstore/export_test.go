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
// probe of the first field's values, and the page query for the plan
// dense selects, when either side of the first field may match.
func SearchSQL(d Dialect, q store.ListUsersQuery, dense bool) (probe string, probeArgs []any, page string, pageArgs []any) {
	return SearchSidesSQL(d, q, dense, true, true)
}

// SearchSidesSQL is SearchSQL when the probes found matches by value
// only if value, and by domain only if domain.
func SearchSidesSQL(d Dialect, q store.ListUsersQuery, dense, value, domain bool) (probe string, probeArgs []any, page string, pageArgs []any) {
	fields, ok := searchFields(q.Search)
	if !ok {
		return "", nil, "", nil
	}
	probe, probeArgs = probeQuery(d, q, fields[0], false, denseMatches(q.Limit))
	page, pageArgs = searchQuery(d, q, fields, dense, matchSides{value: value, domain: domain})
	return probe, probeArgs, page, pageArgs
}

// DomainProbeSQL returns the probe of the first field's email domains.
func DomainProbeSQL(d Dialect, q store.ListUsersQuery) (string, []any) {
	fields, ok := searchFields(q.Search)
	if !ok {
		return "", nil
	}
	return probeQuery(d, q, fields[0], true, denseMatches(q.Limit))
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
