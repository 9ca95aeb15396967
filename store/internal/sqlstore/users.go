package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/latchkey-dev/latchkey/store"
)

// Identifier types in account_infos.info_type.
const (
	infoEmail  = "email"
	infoPhone  = "phone"
	infoTParty = "tparty"
)

// User returns one user by id.
func (s *DB) User(ctx context.Context, userID string) (store.User, error) {
	users, err := s.loadUsers(ctx, s.reader, []string{userID})
	if err != nil {
		return store.User{}, err
	}
	if len(users) == 0 {
		return store.User{}, notFound("user")
	}
	return users[0], nil
}

// ListUsers returns a keyset page of users. Pages are index range scans on
// tenant_users (or on account_infos when searching or filtering by email
// verification, or user_roles for a rare role), never OFFSET, so a page
// deep in the listing costs what the first one does.
func (s *DB) ListUsers(ctx context.Context, q store.ListUsersQuery) ([]store.User, error) {
	if q.Limit <= 0 {
		return nil, fmt.Errorf("sqlstore: list users: limit must be positive, got %d", q.Limit)
	}
	ids, err := s.listUserIDs(ctx, q, false)
	if err != nil {
		return nil, err
	}
	return s.loadUsers(ctx, s.reader, ids)
}

// listUserIDs returns the ids of ListUsers' page, or with count every id
// the query selects up to q.Limit, in no particular order.
func (s *DB) listUserIDs(ctx context.Context, q store.ListUsersQuery, count bool) ([]string, error) {
	if !q.Search.Empty() {
		return s.searchUserIDs(ctx, q)
	}
	sparse, err := s.roleIsSparse(ctx, q)
	if err != nil {
		return nil, err
	}
	var a argList
	query := listQuery(s.dialect, &a, q, sparse)
	ids, err := scanStrings(s.reader.QueryContext(ctx, query, a.args...))
	if err != nil {
		return nil, s.wrap("list users", err)
	}
	return ids, nil
}

// roleIsSparse reports whether so few users of the tenant have q.Role that
// reading all of them and sorting is cheaper than walking the listing and
// testing each user: the choice the search makes (denseMatches), from a
// count that stops there.
func (s *DB) roleIsSparse(ctx context.Context, q store.ListUsersQuery) (bool, error) {
	if q.Role == "" {
		return false, nil
	}
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM `+s.dialect.RoleRowsFrom+` WHERE ro.role = $1 AND ro.tenant_id = $2 LIMIT $3) AS p`,
		q.Role, q.TenantID, denseMatches(q.Limit)).Scan(&n)
	if err != nil {
		return false, s.wrap("list users", err)
	}
	return n < denseMatches(q.Limit), nil
}

// CountUsersMatching counts ListUsers' users from their ids alone,
// without loading them, up to q.Limit.
func (s *DB) CountUsersMatching(ctx context.Context, q store.ListUsersQuery) (int, error) {
	if q.Limit <= 0 {
		return 0, fmt.Errorf("sqlstore: count users: limit must be positive, got %d", q.Limit)
	}
	if !q.Search.Empty() {
		ids, err := s.searchUserIDs(ctx, q)
		return len(ids), err
	}
	var a argList
	q.After = nil
	var n int
	if err := s.reader.QueryRowContext(ctx, "SELECT COUNT(*) FROM ("+countQuery(s.dialect, &a, q)+") AS c", a.args...).Scan(&n); err != nil {
		return 0, s.wrap("count users", err)
	}
	return n, nil
}

// orderBy is the listing order: time joined in the chosen direction, then
// user id descending, as the CDI sorts.
func orderBy(desc bool) string {
	if desc {
		return " ORDER BY time_joined DESC, user_id DESC"
	}
	return " ORDER BY time_joined ASC, user_id DESC"
}

// cursorCond is the keyset condition that starts a page at (and includes)
// the cursor row. The leading plain bound on time_joined is redundant, but
// it is what lets both engines turn the condition into an index range
// instead of filtering from the start of the tenant.
func cursorCond(a *argList, q store.ListUsersQuery) string {
	if q.After == nil {
		return ""
	}
	t := a.add(ms(q.After.TimeJoined))
	id := a.add(q.After.UserID)
	if q.Descending {
		return fmt.Sprintf(" AND time_joined <= %[1]s AND (time_joined < %[1]s OR (time_joined = %[1]s AND user_id <= %[2]s))", t, id)
	}
	return fmt.Sprintf(" AND time_joined >= %[1]s AND (time_joined > %[1]s OR (time_joined = %[1]s AND user_id <= %[2]s))", t, id)
}

// sortedCursorCond is cursorCond for a plan that reads every match and
// sorts them: the unary plus keeps the bound on time_joined from being an
// index range. SQLite pushes the condition into the matches' UNION ALL and
// then preferred the walk index's range on time_joined (half the tenant,
// on a deep page) to the search's ranges on the value: a second page of a
// five-user search took a second on a million users.
func sortedCursorCond(a *argList, q store.ListUsersQuery) string {
	if q.After == nil {
		return ""
	}
	t := a.add(ms(q.After.TimeJoined))
	id := a.add(q.After.UserID)
	if q.Descending {
		return fmt.Sprintf(" AND (+time_joined < %[1]s OR (+time_joined = %[1]s AND user_id <= %[2]s))", t, id)
	}
	return fmt.Sprintf(" AND (+time_joined > %[1]s OR (+time_joined = %[1]s AND user_id <= %[2]s))", t, id)
}

// joinedCond is the joined range, on a row with time_joined: a bound on
// the column every listing index orders by next, so it narrows the range
// scanned.
func joinedCond(a *argList, q store.ListUsersQuery) string {
	var out string
	if !q.JoinedFrom.IsZero() {
		out += " AND time_joined >= " + a.add(ms(q.JoinedFrom))
	}
	if !q.JoinedTo.IsZero() {
		out += " AND time_joined < " + a.add(ms(q.JoinedTo))
	}
	return out
}

// verifiedFlag is account_infos.email_verified for q.EmailVerified.
func verifiedFlag(q store.ListUsersQuery) string {
	if *q.EmailVerified {
		return "1"
	}
	return "0"
}

// verifiedCond tests the row alias.user_id for q.EmailVerified, one probe
// of account_infos_user per row, when the rows come from elsewhere.
func verifiedCond(q store.ListUsersQuery, alias string) string {
	if q.EmailVerified == nil {
		return ""
	}
	return " AND EXISTS (SELECT 1 FROM account_infos ev WHERE ev.user_id = " + alias + ".user_id AND ev.info_type = 'email' AND ev.email_verified = " + verifiedFlag(q) + ")"
}

// roleCond tests the row alias.user_id for q.Role, one probe of
// user_roles' key per row.
func roleCond(a *argList, q store.ListUsersQuery, tenant, alias string) string {
	if q.Role == "" {
		return ""
	}
	return " AND EXISTS (SELECT 1 FROM user_roles ur WHERE ur.tenant_id = " + tenant + " AND ur.user_id = " + alias + ".user_id AND ur.role = " + a.add(q.Role) + ")"
}

// listQuery selects one page of user ids (without a search). The rows come
// from one ordered, limited index range, filtered on the way:
//
//   - a rare role (sparse): the role's rows of user_roles, joined to
//     tenant_users and sorted (there are few);
//   - email verified: the tenant's email identifiers with that flag, on
//     account_infos_verified, in listing order;
//   - otherwise tenant_users. With a recipe filter each recipe is its own
//     ordered, limited range scan on the (tenant, recipe, time, id)
//     indexes, merged by a UNION ALL of at most limit rows per recipe; an
//     IN list would make the engines sort every matching row instead.
//
// The joined range bounds the time of each range; a filter the rows do
// not come from is a per-row EXISTS.
func listQuery(d Dialect, a *argList, q store.ListUsersQuery, sparseRole bool) string {
	tenant := a.add(q.TenantID)
	limit := a.add(q.Limit)
	recipes := dedupe(q.RecipeIDs)
	order := orderBy(q.Descending)
	switch {
	case sparseRole:
		from := "(SELECT lu.user_id, lu.time_joined, lu.recipe_id FROM " + d.RoleRowsFrom + " CROSS JOIN tenant_users lu" +
			" WHERE lu.tenant_id = ro.tenant_id AND lu.user_id = ro.user_id AND ro.role = " + a.add(q.Role) + " AND ro.tenant_id = " + tenant + ") AS m"
		return "SELECT user_id FROM " + from + " WHERE 1 = 1" + recipeIn(a, recipes) + joinedCond(a, q) + verifiedCond(q, "m") +
			cursorCond(a, q) + order + " LIMIT " + limit
	case q.EmailVerified != nil:
		return "SELECT user_id FROM account_infos AS lu WHERE tenant_id = " + tenant + " AND info_type = 'email' AND email_verified = " + verifiedFlag(q) +
			recipeIn(a, recipes) + joinedCond(a, q) + roleCond(a, q, tenant, "lu") + cursorCond(a, q) + order + " LIMIT " + limit
	}
	conds := joinedCond(a, q) + roleCond(a, q, tenant, "lu") + cursorCond(a, q)
	if len(recipes) == 0 {
		return "SELECT user_id FROM tenant_users AS lu WHERE tenant_id = " + tenant + conds + order + " LIMIT " + limit
	}
	if len(recipes) == 1 {
		return "SELECT user_id FROM tenant_users AS lu WHERE tenant_id = " + tenant + " AND recipe_id = " + a.add(recipes[0]) +
			conds + order + " LIMIT " + limit
	}
	parts := make([]string, len(recipes))
	for i, r := range recipes {
		parts[i] = fmt.Sprintf("SELECT user_id, time_joined FROM (SELECT user_id, time_joined FROM tenant_users AS lu WHERE tenant_id = %s AND recipe_id = %s%s%s LIMIT %s) AS r%d",
			tenant, a.add(r), conds, order, limit, i)
	}
	return "SELECT user_id FROM (" + strings.Join(parts, " UNION ALL ") + ") AS u" + order + " LIMIT " + limit
}

// countQuery selects, in no order, up to q.Limit ids that listQuery would
// list: a count reads every match, so a role always drives from its rows
// in user_roles (as many as it has holders), and anything else walks its
// index range.
func countQuery(d Dialect, a *argList, q store.ListUsersQuery) string {
	tenant := a.add(q.TenantID)
	limit := a.add(q.Limit)
	recipes := recipeIn(a, dedupe(q.RecipeIDs))
	switch {
	case q.Role != "":
		return "SELECT user_id FROM (SELECT lu.user_id, lu.time_joined, lu.recipe_id FROM " + d.RoleRowsFrom + " CROSS JOIN tenant_users lu" +
			" WHERE lu.tenant_id = ro.tenant_id AND lu.user_id = ro.user_id AND ro.role = " + a.add(q.Role) + " AND ro.tenant_id = " + tenant + ") AS m" +
			" WHERE 1 = 1" + recipes + joinedCond(a, q) + verifiedCond(q, "m") + " LIMIT " + limit
	case q.EmailVerified != nil:
		return "SELECT user_id FROM account_infos AS lu WHERE tenant_id = " + tenant + " AND info_type = 'email' AND email_verified = " + verifiedFlag(q) +
			recipes + joinedCond(a, q) + " LIMIT " + limit
	}
	return "SELECT user_id FROM tenant_users AS lu WHERE tenant_id = " + tenant + recipes + joinedCond(a, q) + " LIMIT " + limit
}

// recipeIn restricts rows to recipes, if any.
func recipeIn(a *argList, recipes []string) string {
	if len(recipes) == 0 {
		return ""
	}
	return " AND recipe_id IN (" + a.in(recipes) + ")"
}

// prefixRange returns the range [lo, hi) of the strings that start with
// prefix, in byte order (SQLite's BINARY collation, PostgreSQL's "C"), so
// that a prefix match is an index range scan on both engines, with no LIKE
// escaping or collation rules to get wrong. hi is "" when there is no upper
// bound. ok is false for a prefix that no stored value can have: invalid
// UTF-8 or a NUL byte (stored values come from JSON text).
func prefixRange(prefix string) (lo, hi string, ok bool) {
	if !utf8.ValidString(prefix) || strings.IndexByte(prefix, 0) >= 0 {
		return "", "", false
	}
	return prefix, successor(prefix), true
}

// successor returns the least string greater than every string that starts
// with p: p with its last code point incremented, carrying past
// U+10FFFF and skipping the surrogates, which UTF-8 cannot encode. It
// returns "" when there is none (p is empty or all U+10FFFF). In UTF-8,
// byte order is code point order, so this holds for byte comparisons.
func successor(p string) string {
	r := []rune(p)
	for i := len(r) - 1; i >= 0; i-- {
		c := r[i] + 1
		if c == 0xD800 {
			c = 0xE000
		}
		if c <= utf8.MaxRune {
			return string(r[:i]) + string(c)
		}
	}
	return ""
}

// CountUsers counts users in a tenant, or every user once when tenantID is
// "". It reads the counters in user_counts, which the transactions that
// add and remove users keep, rather than counting rows.
func (s *DB) CountUsers(ctx context.Context, tenantID string, recipeIDs []string) (int64, error) {
	var a argList
	query := "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM user_counts WHERE tenant_id = " + a.add(tenantID)
	if r := dedupe(recipeIDs); len(r) > 0 {
		query += " AND recipe_id IN (" + a.in(r) + ")"
	}
	var n int64
	if err := s.reader.QueryRowContext(ctx, query, a.args...).Scan(&n); err != nil {
		return 0, s.wrap("count users", err)
	}
	return n, nil
}

// UsersByAccountInfo returns the users with a login method in tenantID that
// matches info; see [store.Users].
func (s *DB) UsersByAccountInfo(ctx context.Context, tenantID string, info store.AccountInfo, union bool) ([]store.User, error) {
	type match struct{ infoType, value string }
	var wanted []match
	if info.Email != "" {
		wanted = append(wanted, match{infoEmail, info.Email})
	}
	if info.PhoneNumber != "" {
		wanted = append(wanted, match{infoPhone, info.PhoneNumber})
	}
	if info.ThirdParty != nil {
		wanted = append(wanted, match{infoTParty, tpartyValue(*info.ThirdParty)})
	}
	if len(wanted) == 0 {
		return []store.User{}, nil
	}

	// hits counts, per user, how many of the wanted fields matched. A
	// linked login method counts for its primary user, which may match one
	// field by one login method and another by another.
	hits := map[string]int{}
	var order []string
	for _, w := range wanted {
		ids, err := scanStrings(s.reader.QueryContext(ctx,
			`SELECT DISTINCT COALESCE(u.primary_user_id, u.user_id) FROM account_infos a JOIN users u ON u.user_id = a.user_id
WHERE a.tenant_id = $1 AND a.info_type = $2 AND a.info_value = $3`,
			tenantID, w.infoType, w.value))
		if err != nil {
			return nil, s.wrap("users by account info", err)
		}
		for _, id := range ids {
			if hits[id] == 0 {
				order = append(order, id)
			}
			hits[id]++
		}
	}
	var ids []string
	for _, id := range order {
		if union || hits[id] == len(wanted) {
			ids = append(ids, id)
		}
	}
	users, err := s.loadUsers(ctx, s.reader, ids)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(users, func(i, j int) bool {
		if !users[i].TimeJoined.Equal(users[j].TimeJoined) {
			return users[i].TimeJoined.Before(users[j].TimeJoined)
		}
		return users[i].ID > users[j].ID
	})
	return users, nil
}

// tpartyValue is how a third-party identity is stored in account_infos, so
// that a provider-id prefix is a prefix of the value.
func tpartyValue(tp store.ThirdPartyInfo) string { return tp.ID + "::" + tp.UserID }

// emailDomain returns the part of an email after its last '@', or nil (SQL
// NULL) when there is none.
func emailDomain(email string) any {
	i := strings.LastIndexByte(email, '@')
	if i < 0 {
		return nil
	}
	return email[i+1:]
}

// errNoRows reports whether err is sql.ErrNoRows.
func errNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
