package sqlstore

import (
	"context"
	"slices"
	"strconv"
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
// A bounded count (at most denseMatches(limit) index entries, by value
// and then by domain) picks the plan, so neither plan meets the case that
// is slow for it, whatever the engines' planners estimate; a side that
// matches nothing is left out of the page query (matchSides).
//
// Terms cost in proportion to their number, in SQL text, arguments and
// time: each range is bound once and read by its own index range scan, and
// a row already read (a walked identifier, a domain match whose value may
// have matched too) is tested against every range at once by a binary
// search over their bounds (rangeSet.contains), not against each in turn.

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

// rangeSet is a field's ranges bound once as query arguments, so that the
// SQL that uses them grows in proportion to the number of terms however
// often it refers to them: the bounded ranges as one VALUES list of
// (lo, hi) rows (column1, column2 on both engines) joined to account_infos,
// the one range without an upper bound, if any, as a plain lower bound,
// and every bound, in order, for a membership test.
type rangeSet struct {
	values string   // "(VALUES ($2, $3), ($4, $5))"; "" when every range is open
	open   string   // placeholder of the open range's lower bound; "" when none
	bounds []string // placeholders of lo0, hi0, lo1, hi1, ..., in increasing order
}

// bind adds the field's ranges to a. Merged ranges are sorted, disjoint
// and do not touch, so their bounds strictly increase and at most one
// range, the last, has no upper bound.
func (f searchField) bind(a *argList) rangeSet {
	var rs rangeSet
	var rows []string
	for _, r := range f.ranges {
		lo := a.add(r[0])
		rs.bounds = append(rs.bounds, lo)
		if r[1] == "" {
			rs.open = lo
			continue
		}
		hi := a.add(r[1])
		rs.bounds = append(rs.bounds, hi)
		rows = append(rows, "("+lo+", "+hi+")")
	}
	if len(rows) > 0 {
		rs.values = "(VALUES " + strings.Join(rows, ", ") + ")"
	}
	return rs
}

// selects returns SELECTs of (user_id, time_joined) of the account_infos
// rows that match where and whose column lies in one of the ranges, each
// an index range scan per range. With perRange, each range is a SELECT of
// its own, its bounds the SELECT's parameters, so that PostgreSQL's planner
// estimates each from its statistics: joined from a VALUES list, the bounds
// are unknown to it, and it chose to scan every identifier instead. SQLite,
// which has no statistics and caps a compound SELECT at 500 terms, joins
// the VALUES list once; CROSS JOIN keeps the list the outer loop, where its
// planner would rather walk every identifier and probe the list.
func (rs rangeSet) selects(column, where string, perRange bool) []string {
	return rs.selectsOf("user_id, time_joined", column, where, perRange)
}

// selectsOf is selects with the given result columns.
func (rs rangeSet) selectsOf(cols, column, where string, perRange bool) []string {
	var out []string
	head := "SELECT " + cols + " FROM account_infos WHERE " + where + " AND "
	if perRange {
		for i := 0; i+1 < len(rs.bounds); i += 2 {
			out = append(out, head+column+" >= "+rs.bounds[i]+" AND "+column+" < "+rs.bounds[i+1])
		}
	} else if rs.values != "" {
		out = append(out, "SELECT "+cols+" FROM "+rs.values+" AS r CROSS JOIN account_infos WHERE "+where+
			" AND "+column+" >= r.column1 AND "+column+" < r.column2")
	}
	if rs.open != "" {
		out = append(out, head+column+" >= "+rs.open)
	}
	return out
}

// contains is the condition that column lies in one of the ranges, for a
// row already read (a walked identifier, a domain match). A value lies in
// a range exactly when an odd number of bounds are at or below it, and a
// tree of CASE expressions finds that number by binary search: about
// log2(2·ranges) comparisons a row, where an OR of the ranges costs up to
// two per range, and the SQL holds each bound once.
func (rs rangeSet) contains(column string) string {
	var b strings.Builder
	b.WriteByte('(')
	boundsTree(&b, column, rs.bounds, 0, len(rs.bounds))
	b.WriteString(") = 1")
	return b.String()
}

// boundsTree writes an expression that is 1 when the number of bounds at
// or below column is odd and 0 when it is even, given that the number is
// between lo and hi.
func boundsTree(b *strings.Builder, column string, bounds []string, lo, hi int) {
	if lo == hi {
		b.WriteString(strconv.Itoa(lo % 2))
		return
	}
	mid := (lo + hi + 1) / 2 // column >= bounds[mid-1] means at least mid bounds
	b.WriteString("CASE WHEN " + column + " >= " + bounds[mid-1] + " THEN ")
	boundsTree(b, column, bounds, mid, hi)
	b.WriteString(" ELSE ")
	boundsTree(b, column, bounds, lo, mid-1)
	b.WriteString(" END")
}

// matchSides says which sides of a field's identifiers may match its
// terms: the value and, for emails, the domain. The probe counts each
// side of the first field, and a side with no match is left out of the
// page query: its branches, its half of the walk's test, and, when the
// values match nothing, the test that keeps an identifier whose value
// matched out of the domain branches, which was evaluated on every domain
// match read (half of a domain search's sort). A side probed empty that
// gains a match before the page query runs is missed, as anything a
// search runs alongside may be; an identifier that then matches on both
// sides comes twice, and the page drops the repeat with the repeats of a
// user's identifiers (searchUserIDs).
type matchSides struct{ value, domain bool }

// bothSides is for a field that was not probed: either side may match.
var bothSides = matchSides{value: true, domain: true}

// branches returns SELECTs of (user_id, time_joined), range scans on
// indexes that start with (tenant, type, column): on the value and, for
// emails, on the domain, of the sides that may match. No identifier is in
// two branches (the ranges are disjoint, and the domain branches skip the
// identifiers whose value matched), so their UNION ALL needs no
// de-duplication, which would sort every match.
func (f searchField) branches(d Dialect, a *argList, tenant, recipeCond string, sides matchSides) []string {
	rs := f.bind(a)
	where := "tenant_id = " + tenant + " AND info_type = '" + f.infoType + "'" + recipeCond
	var out []string
	if sides.value || !f.domains {
		out = rs.selects("info_value", where, d.SearchBranchPerRange)
	}
	if !f.domains || !sides.domain {
		return out
	}
	if !sides.value {
		return append(out, rs.selects("email_domain", where, d.SearchBranchPerRange)...)
	}
	notValue := "NOT " + rs.contains("info_value")
	if !d.SearchBranchPerRange {
		return append(out, rs.selects("email_domain", where+" AND "+notValue, false)...)
	}
	// One branch per range would repeat the test on the value in each:
	// test once, over all of them. OFFSET 0 keeps PostgreSQL from
	// copying the test into every branch.
	domains := rs.selectsOf("user_id, time_joined, info_value", "email_domain", where, true)
	return append(out, "SELECT user_id, time_joined FROM ("+strings.Join(domains, " UNION ALL ")+" OFFSET 0) AS d WHERE "+notValue)
}

// matchCond is the field's terms as one condition on an account_infos
// row, on the sides that may match.
func (f searchField) matchCond(a *argList, sides matchSides) string {
	rs := f.bind(a)
	switch {
	case !f.domains || !sides.domain:
		return rs.contains("info_value")
	case !sides.value:
		return rs.contains("email_domain")
	}
	return "(" + rs.contains("info_value") + " OR " + rs.contains("email_domain") + ")"
}

// searchUserIDs returns one page of the ids of the users that match
// q.Search, in listing order.
func (s *DB) searchUserIDs(ctx context.Context, q store.ListUsersQuery) ([]string, error) {
	fields, ok := searchFields(q.Search)
	if !ok {
		return []string{}, nil
	}
	driver, err := s.sparseFilter(ctx, q)
	if err != nil {
		return nil, err
	}
	if driver != noDriver {
		query, args := filterSearchQuery(s.dialect, q, fields, driver)
		ids, err := scanStrings(s.reader.QueryContext(ctx, query, append(slices.Clone(s.dialect.OneOffArgs), args...)...))
		if err != nil {
			return nil, s.wrap("search users", err)
		}
		return dedupe(ids), nil
	}
	// Count the first field's matches by value, then, for emails, by
	// domain, up to denseMatches in all.
	limit := denseMatches(q.Limit)
	count := func(domains bool, limit int) (int, error) {
		query, args := probeQuery(s.dialect, q, fields[0], domains, limit)
		var n int
		err := s.reader.QueryRowContext(ctx, query, append(slices.Clone(s.dialect.OneOffArgs), args...)...).Scan(&n)
		if err != nil {
			return 0, s.wrap("search users", err)
		}
		return n, nil
	}
	values, err := count(false, limit)
	if err != nil {
		return nil, err
	}
	sides := matchSides{value: values > 0}
	n := values
	if fields[0].domains {
		// Past the count that picks the walk, only whether any domain
		// matches still matters, to leave its test out of the walk: one
		// index probe per term.
		domains, err := count(true, max(limit-values, 1))
		if err != nil {
			return nil, err
		}
		sides.domain = domains > 0
		n += domains
	}
	if !sides.value && !sides.domain {
		return []string{}, nil // the fields are ANDed, and the first matches nobody
	}
	query, args := searchQuery(s.dialect, q, fields, n >= limit, sides)
	ids, err := scanStrings(s.reader.QueryContext(ctx, query, append(slices.Clone(s.dialect.OneOffArgs), args...)...))
	if err != nil {
		return nil, s.wrap("search users", err)
	}
	// A user with two matching identifiers of one type would come twice;
	// without account linking a user has one per type.
	return dedupe(ids), nil
}

// A search with a filter reads the search's matches and tests the filter
// on each (searchQuery), which costs what the matches do however few pass:
// "john" with a role or a verified flag that no one has walked every
// identifier of the tenant, half a second on a million users. When the
// filter itself is rare, the search starts from its users instead
// (filterSearchQuery): at most denseMatches(limit) rows, each joined to
// its identifiers of the search's first field.
type searchDriver int

const (
	noDriver       searchDriver = iota
	roleDriver                  // the holders of q.Role
	verifiedDriver              // the email identifiers with q.EmailVerified's flag
)

// sparseFilter returns the filter of q that fewer than
// denseMatches(q.Limit) users pass, if any, from counts that stop there:
// the role first (its rows are the fewest), then the verified flag.
func (s *DB) sparseFilter(ctx context.Context, q store.ListUsersQuery) (searchDriver, error) {
	if sparse, err := s.roleIsSparse(ctx, q); err != nil || sparse {
		return roleDriver, err
	}
	if q.EmailVerified == nil {
		return noDriver, nil
	}
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM account_infos WHERE tenant_id = $1 AND info_type = 'email' AND email_verified = `+verifiedFlag(q)+` LIMIT $2) AS p`,
		q.TenantID, denseMatches(q.Limit)).Scan(&n)
	if err != nil {
		return noDriver, s.wrap("search users", err)
	}
	if n < denseMatches(q.Limit) {
		return verifiedDriver, nil
	}
	return noDriver, nil
}

// filterSearchQuery selects one page of matching user ids starting from
// the users of a rare filter (driver): each one's identifiers of the first
// field's type in the tenant, by account_infos_user, tested against the
// field's terms; then the other filters, the other fields and the cursor,
// as searchQuery applies them, and a sort of what is left.
func filterSearchQuery(d Dialect, q store.ListUsersQuery, fields []searchField, driver searchDriver) (string, []any) {
	var a argList
	tenant := a.add(q.TenantID)
	var from string
	if driver == roleDriver {
		from = "(SELECT ro.user_id AS fid FROM " + d.RoleRowsFrom + " WHERE ro.role = " + a.add(q.Role) + " AND ro.tenant_id = " + tenant + ") AS fr"
	} else {
		from = "(SELECT ev.user_id AS fid FROM account_infos ev WHERE ev.tenant_id = " + tenant + " AND ev.info_type = 'email' AND ev.email_verified = " + verifiedFlag(q) + ") AS fr"
	}
	var b strings.Builder
	b.WriteString("SELECT user_id FROM (SELECT user_id, time_joined FROM " + from + " CROSS JOIN account_infos" +
		" WHERE user_id = fr.fid AND tenant_id = " + tenant + " AND info_type = '" + fields[0].infoType + "' AND " + fields[0].matchCond(&a, bothSides) + recipeCond(&a, q) +
		") AS m WHERE 1 = 1" + verifiedCond(q, "m") + roleCond(&a, q, tenant, "m") + sortedCursorCond(&a, q))
	b.WriteString(otherFieldsAndPage(d, &a, tenant, q, fields))
	return b.String(), a.args
}

// otherFieldsAndPage ends a search's SELECT of matches of its first
// field: the further fields, ANDed, each a semi-join on user id; then the
// page's order and limit.
func otherFieldsAndPage(d Dialect, a *argList, tenant string, q store.ListUsersQuery, fields []searchField) string {
	var b strings.Builder
	for _, f := range fields[1:] {
		b.WriteString(" AND user_id IN (SELECT user_id FROM (" +
			strings.Join(f.branches(d, a, tenant, recipeCond(a, q), bothSides), " UNION ALL ") + ") AS f)")
	}
	b.WriteString(orderBy(q.Descending))
	b.WriteString(" LIMIT " + literalLimit(q.Limit))
	return b.String()
}

// recipeCond restricts identifiers to the query's recipes, if any, and
// to its joined range.
func recipeCond(a *argList, q store.ListUsersQuery) string {
	return recipeIn(a, dedupe(q.RecipeIDs)) + joinedCond(a, q)
}

// probeQuery counts the field's matches by value or, with domains, by
// email domain, stopping at limit so that the count itself stays cheap.
// It counts index entries: an identifier whose value and domain both
// match counts once on each side, which is fine for choosing a plan.
func probeQuery(d Dialect, q store.ListUsersQuery, f searchField, domains bool, limit int) (string, []any) {
	var a argList
	tenant := a.add(q.TenantID)
	where := "tenant_id = " + tenant + " AND info_type = '" + f.infoType + "'" + recipeCond(&a, q)
	column := "info_value"
	if domains {
		column = "email_domain"
	}
	selects := f.bind(&a).selectsOf("1", column, where, d.SearchBranchPerRange)
	return "SELECT COUNT(*) FROM (" + strings.Join(selects, " UNION ALL ") +
		" LIMIT " + literalLimit(limit) + ") AS p", a.args
}

// searchQuery selects one page of matching user ids: by sorting every
// match of the first field, or, when dense, by walking its identifiers in
// listing order.
//
// sides are the sides of the first field's identifiers that may match.
func searchQuery(d Dialect, q store.ListUsersQuery, fields []searchField, dense bool, sides matchSides) (string, []any) {
	var a argList
	tenant := a.add(q.TenantID)
	var b strings.Builder
	if !dense {
		// Sorting the matches is a top-limit sort: it keeps only a page.
		b.WriteString("SELECT user_id FROM (" +
			strings.Join(fields[0].branches(d, &a, tenant, recipeCond(&a, q), sides), " UNION ALL ") + ") AS m WHERE 1 = 1" +
			verifiedCond(q, "m") + roleCond(&a, q, tenant, "m") + sortedCursorCond(&a, q))
	} else {
		// One pass in listing order over the tenant's identifiers of the
		// field's type, filtering on the values the index carries.
		b.WriteString("SELECT user_id FROM " + d.SearchWalkFrom + " WHERE tenant_id = " + tenant +
			" AND info_type = '" + fields[0].infoType + "' AND " + fields[0].matchCond(&a, sides) + recipeCond(&a, q) +
			verifiedCond(q, "w") + roleCond(&a, q, tenant, "w") + cursorCond(&a, q))
	}
	b.WriteString(otherFieldsAndPage(d, &a, tenant, q, fields))
	return b.String(), a.args
}

// literalLimit writes a search's LIMIT into its SQL rather than binding
// it. SQLite plans a LIMIT it may push into a subquery by its value, so a
// bound one marks the statement to be prepared again once bound: the
// search's SQL, up to 70 KB, was parsed twice, a quarter of its time. A
// search's text is new nearly every time anyway, so nothing is lost to a
// statement cache; the value is our own int, never the client's text.
func literalLimit(n int) string { return strconv.Itoa(n) }
