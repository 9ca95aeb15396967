package sqlstore

import (
	"context"
	"slices"
	"strings"

	"github.com/latchkey-dev/latchkey/store"
)

// Search (ListUsers with q.Search) has two plans, chosen per query by how
// many identifiers the first field matches:
//
//   - Few matches (a full local part, a rare domain): read every match by
//     range scans on account_infos' (tenant, type, value) key, then sort
//     them. The cost grows with the number of matches.
//   - Many matches (a first name, a big domain): walk the tenant's
//     identifiers in listing order on account_infos_walk, which carries the
//     values, and stop after limit matches. The cost grows with how far
//     apart the matches are, which is short exactly when there are many.
//
// A bounded count (at most denseMatches(limit) index entries) picks the
// plan, so neither plan meets the case that is slow for it, whatever the
// engines' planners estimate.

// denseMatches is the match count from which walking in listing order is
// cheaper than sorting every match. Sorting costs about m entries, walking
// about limit·N/m, for a tenant of N identifiers; on a million users the
// two cross near m = 45·limit.
func denseMatches(limit int) int { return 50 * limit }

// searchField is one field of a search: its identifier type, whether terms
// also match the email's domain, and the byte ranges of its terms.
type searchField struct {
	infoType string
	domains  bool
	ranges   [][2]string // [lo, hi); hi "" means no upper bound
}

// searchFields turns q.Search into fields, in a fixed order. It reports
// false when a field is given but none of its terms can match anything,
// which makes the whole (ANDed) search empty.
func searchFields(q store.UserSearch) ([]searchField, bool) {
	var out []searchField
	for _, f := range []struct {
		terms    []string
		infoType string
		domains  bool
	}{
		{q.Emails, infoEmail, true},
		{q.Phones, infoPhone, false},
		{q.Providers, infoTParty, false},
	} {
		if len(f.terms) == 0 {
			continue
		}
		sf := searchField{infoType: f.infoType, domains: f.domains}
		for _, t := range dedupe(f.terms) {
			if lo, hi, ok := prefixRange(t); ok {
				sf.ranges = append(sf.ranges, [2]string{lo, hi})
			}
		}
		if len(sf.ranges) == 0 {
			return nil, false
		}
		sf.ranges = mergeRanges(sf.ranges)
		out = append(out, sf)
	}
	return out, len(out) > 0
}

// rangeCond is "column >= lo AND column < hi".
func rangeCond(a *argList, column string, r [2]string) string {
	cond := column + " >= " + a.add(r[0])
	if r[1] != "" {
		cond += " AND " + column + " < " + a.add(r[1])
	}
	return cond
}

// mergeRanges sorts ranges and merges those that overlap or touch ("jo"
// and "john" become the range of "jo"), so that no value lies in two of
// them.
func mergeRanges(rs [][2]string) [][2]string {
	slices.SortFunc(rs, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	out := [][2]string{rs[0]}
	for _, r := range rs[1:] {
		last := &out[len(out)-1]
		if last[1] == "" || r[0] <= last[1] {
			if last[1] != "" && (r[1] == "" || r[1] > last[1]) {
				last[1] = r[1]
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

// branches returns SELECTs of (user_id, time_joined), each a range scan on
// an index that starts with (tenant, type, column): one per range on the
// value and, for emails, one per range on the domain. No identifier is in
// two branches (the ranges are disjoint, and a domain branch skips the
// identifiers whose value matched), so their UNION ALL needs no
// de-duplication, which would sort every match.
func (f searchField) branches(a *argList, tenant, recipeCond string) []string {
	head := "SELECT user_id, time_joined FROM account_infos WHERE tenant_id = " + tenant +
		" AND info_type = '" + f.infoType + "' AND "
	var out []string
	for _, r := range f.ranges {
		out = append(out, head+rangeCond(a, "info_value", r)+recipeCond)
	}
	if f.domains {
		var values []string
		for _, r := range f.ranges {
			values = append(values, "("+rangeCond(a, "info_value", r)+")")
		}
		notValue := " AND NOT (" + strings.Join(values, " OR ") + ")"
		for _, r := range f.ranges {
			out = append(out, head+rangeCond(a, "email_domain", r)+notValue+recipeCond)
		}
	}
	return out
}

// matchCond is the field's terms as one condition on an account_infos row.
func (f searchField) matchCond(a *argList) string {
	var ors []string
	for _, r := range f.ranges {
		ors = append(ors, "("+rangeCond(a, "info_value", r)+")")
		if f.domains {
			ors = append(ors, "("+rangeCond(a, "email_domain", r)+")")
		}
	}
	return "(" + strings.Join(ors, " OR ") + ")"
}

// searchUserIDs returns one page of the ids of the users that match
// q.Search, in listing order.
func (s *DB) searchUserIDs(ctx context.Context, q store.ListUsersQuery) ([]string, error) {
	fields, ok := searchFields(q.Search)
	if !ok {
		return []string{}, nil
	}
	query, args := probeQuery(q, fields)
	var n int
	if err := s.reader.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return nil, s.wrap("search users", err)
	}
	query, args = searchQuery(s.dialect, q, fields, n >= denseMatches(q.Limit))
	ids, err := scanStrings(s.reader.QueryContext(ctx, query, args...))
	if err != nil {
		return nil, s.wrap("search users", err)
	}
	// A user with two matching identifiers of one type would come twice;
	// without account linking a user has one per type.
	return dedupe(ids), nil
}

// recipeCond restricts identifiers to the query's recipes, if any.
func recipeCond(a *argList, q store.ListUsersQuery) string {
	recipes := dedupe(q.RecipeIDs)
	if len(recipes) == 0 {
		return ""
	}
	return " AND recipe_id IN (" + a.in(recipes) + ")"
}

// probeQuery counts the first field's matches, stopping at
// denseMatches(q.Limit) so that the count itself stays cheap.
func probeQuery(q store.ListUsersQuery, fields []searchField) (string, []any) {
	var a argList
	tenant := a.add(q.TenantID)
	branches := fields[0].branches(&a, tenant, recipeCond(&a, q))
	return "SELECT COUNT(*) FROM (" + strings.Join(branches, " UNION ALL ") +
		" LIMIT " + a.add(denseMatches(q.Limit)) + ") AS p", a.args
}

// searchQuery selects one page of matching user ids: by sorting every
// match of the first field, or, when dense, by walking its identifiers in
// listing order.
func searchQuery(d Dialect, q store.ListUsersQuery, fields []searchField, dense bool) (string, []any) {
	var a argList
	tenant := a.add(q.TenantID)
	var b strings.Builder
	if !dense {
		// Sorting the matches is a top-limit sort: it keeps only a page.
		b.WriteString("SELECT user_id FROM (" +
			strings.Join(fields[0].branches(&a, tenant, recipeCond(&a, q)), " UNION ALL ") + ") AS m WHERE 1 = 1")
	} else {
		// One pass in listing order over the tenant's identifiers of the
		// field's type, filtering on the values the index carries.
		b.WriteString("SELECT user_id FROM " + d.SearchWalkFrom + " WHERE tenant_id = " + tenant +
			" AND info_type = '" + fields[0].infoType + "' AND " + fields[0].matchCond(&a) + recipeCond(&a, q))
	}
	b.WriteString(cursorCond(&a, q))
	// Fields are ANDed: each further field is a semi-join on user id.
	for _, f := range fields[1:] {
		b.WriteString(" AND user_id IN (SELECT user_id FROM (" +
			strings.Join(f.branches(&a, tenant, recipeCond(&a, q)), " UNION ALL ") + ") AS f)")
	}
	b.WriteString(orderBy(q.Descending))
	b.WriteString(" LIMIT " + a.add(q.Limit))
	return b.String(), a.args
}
