package sqlstore

import "github.com/latchkey-dev/latchkey/store"

// ListSQL returns the query ListUsers runs for q without a search.
func ListSQL(q store.ListUsersQuery) (string, []any) {
	var a argList
	return listQuery(&a, q), a.args
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
