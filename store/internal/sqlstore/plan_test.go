package sqlstore_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
	"github.com/latchkey-dev/latchkey/store/internal/sqlstore"
	"github.com/latchkey-dev/latchkey/store/sqlite"
)

// sqliteDialect is the part of store/sqlite's dialect that shapes queries.
var sqliteDialect = sqlstore.Dialect{SearchWalkFrom: "account_infos AS w INDEXED BY account_infos_walk",
	RoleRowsFrom: "user_roles ro INDEXED BY user_roles_role"}

// TestSQLitePlans checks, with EXPLAIN QUERY PLAN on a real SQLite file,
// that the listing and search queries are index range scans: no full
// scan anywhere, and no sort of the whole result where the index gives the
// order. (PostgreSQL picks plans from statistics; bench/users1m and
// storetest.BenchmarkUsers cover it.)
func TestSQLitePlans(t *testing.T) {
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	users := make([]store.EmailPasswordUser, 500)
	for i := range users {
		users[i] = store.EmailPasswordUser{ID: fmt.Sprintf("u%04d", i), TenantID: "public",
			Email: fmt.Sprintf("user%d@example.com", i), PasswordHash: "h", TimeJoined: time.UnixMilli(int64(i / 3))}
	}
	if err := db.BulkLoadEmailPasswordUsers(t.Context(), users); err != nil {
		t.Fatal(err)
	}

	plan := func(query string, args []any) string {
		t.Helper()
		rows, err := db.Writer().QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			t.Fatalf("explain %s: %v", query, err)
		}
		defer rows.Close()
		var lines []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, detail)
		}
		return strings.Join(lines, "\n")
	}
	cursor := &store.UserCursor{UserID: "u0100", TimeJoined: time.UnixMilli(33)}
	q := func(desc bool, after *store.UserCursor, recipes ...string) store.ListUsersQuery {
		return store.ListUsersQuery{TenantID: "public", Limit: 101, Descending: desc, After: after, RecipeIDs: recipes}
	}
	search := func(desc bool, terms ...string) store.ListUsersQuery {
		r := q(desc, nil)
		r.Search.Emails = terms
		return r
	}
	const (
		noSort      = "no sort"
		partialSort = "sorts only ties"
		anySort     = "may sort"
	)
	type check struct {
		name  string
		query string
		args  []any
		want  []string // substrings of the plan
		sort  string
	}
	var checks []check
	for _, desc := range []bool{false, true} {
		idx := map[bool]string{false: "asc", true: "desc"}[desc]
		for _, after := range []*store.UserCursor{nil, cursor} {
			name := fmt.Sprintf("list desc=%v cursor=%v", desc, after != nil)
			query, args := sqlstore.ListSQL(sqliteDialect, q(desc, after), false)
			checks = append(checks, check{name, query, args, []string{"COVERING INDEX tenant_users_page_" + idx}, noSort})
			query, args = sqlstore.ListSQL(sqliteDialect, q(desc, after, store.RecipeEmailPassword), false)
			checks = append(checks, check{name + " one recipe", query, args, []string{"COVERING INDEX tenant_users_recipe_page_" + idx}, noSort})
			query, args = sqlstore.ListSQL(sqliteDialect, q(desc, after, store.RecipeEmailPassword, store.RecipeThirdParty), false)
			checks = append(checks, check{name + " two recipes", query, args, []string{"COVERING INDEX tenant_users_recipe_page_" + idx}, anySort})
		}
		// The list's filters (issue 16): each an index range, the ones the
		// rows do not come from a probe of a key per row.
		walkSort := map[bool]string{false: partialSort, true: noSort}[desc]
		for _, after := range []*store.UserCursor{nil, cursor} {
			name := fmt.Sprintf("filters desc=%v cursor=%v", desc, after != nil)
			yes, no := true, false
			for _, v := range []*bool{&yes, &no} {
				f := q(desc, after)
				f.EmailVerified = v
				query, args := sqlstore.ListSQL(sqliteDialect, f, false)
				checks = append(checks, check{name + fmt.Sprintf(" verified=%v", *v), query, args,
					[]string{"COVERING INDEX account_infos_verified (tenant_id=? AND info_type=? AND email_verified=?"}, walkSort})
				f.JoinedFrom, f.JoinedTo = time.UnixMilli(10), time.UnixMilli(90)
				f.Role = "admin"
				query, args = sqlstore.ListSQL(sqliteDialect, f, false)
				checks = append(checks, check{name + fmt.Sprintf(" verified=%v joined role", *v), query, args,
					[]string{"COVERING INDEX account_infos_verified (tenant_id=? AND info_type=? AND email_verified=? AND time_joined>? AND time_joined<?)",
						"user_roles"}, walkSort})
			}
			f := q(desc, after)
			f.JoinedFrom, f.JoinedTo = time.UnixMilli(10), time.UnixMilli(90)
			query, args := sqlstore.ListSQL(sqliteDialect, f, false)
			checks = append(checks, check{name + " joined", query, args,
				[]string{"COVERING INDEX tenant_users_page_" + idx + " (tenant_id=? AND time_joined>? AND time_joined<?)"}, noSort})
			f.RecipeIDs = []string{store.RecipeEmailPassword}
			query, args = sqlstore.ListSQL(sqliteDialect, f, false)
			checks = append(checks, check{name + " joined one recipe", query, args,
				[]string{"COVERING INDEX tenant_users_recipe_page_" + idx + " (tenant_id=? AND recipe_id=? AND time_joined>? AND time_joined<?)"}, noSort})
			f = q(desc, after)
			f.Role = "admin"
			query, args = sqlstore.ListSQL(sqliteDialect, f, false)
			checks = append(checks, check{name + " common role", query, args,
				[]string{"COVERING INDEX tenant_users_page_" + idx, "user_roles"}, noSort})
			query, args = sqlstore.ListSQL(sqliteDialect, f, true)
			checks = append(checks, check{name + " rare role", query, args,
				[]string{"ro USING COVERING INDEX user_roles_role (role=? AND tenant_id=?)", "lu USING PRIMARY KEY (tenant_id=? AND user_id=?)"}, anySort})
		}
		if desc {
			yes := true
			f := q(desc, nil)
			f.EmailVerified = &yes
			f.JoinedFrom = time.UnixMilli(10)
			query, args := sqlstore.CountSQL(sqliteDialect, f)
			checks = append(checks, check{"count verified joined", query, args,
				[]string{"COVERING INDEX account_infos_verified (tenant_id=? AND info_type=? AND email_verified=? AND time_joined>?)"}, noSort})
			f.Role = "admin"
			query, args = sqlstore.CountSQL(sqliteDialect, f)
			checks = append(checks, check{"count role", query, args,
				[]string{"ro USING COVERING INDEX user_roles_role (role=? AND tenant_id=?)", "lu USING PRIMARY KEY (tenant_id=? AND user_id=?)"}, noSort})
			f = q(desc, nil)
			f.JoinedTo = time.UnixMilli(10)
			query, args = sqlstore.CountSQL(sqliteDialect, f)
			checks = append(checks, check{"count joined", query, args,
				[]string{"(tenant_id=? AND time_joined<?)"}, noSort})
		}
		probe, pargs, few, fargs := sqlstore.SearchSQL(sqliteDialect, search(desc, "user1", "exa"), false)
		ranges := []string{"account_infos USING PRIMARY KEY (tenant_id=? AND info_type=? AND info_value>? AND info_value<?)",
			"account_infos USING COVERING INDEX account_infos_domain (tenant_id=? AND info_type=? AND email_domain>? AND email_domain<?)"}
		dprobe, dargs := sqlstore.DomainProbeSQL(sqliteDialect, search(desc, "user1", "exa"))
		checks = append(checks,
			check{"probe", probe, pargs, ranges[:1], noSort},
			check{"domain probe", dprobe, dargs, ranges[1:], noSort},
			check{fmt.Sprintf("search few desc=%v", desc), few, fargs, ranges, anySort})
		// A later page of few matches still reads them by their ranges,
		// not the walk index's range of time from the cursor on.
		later := search(desc, "user1", "exa")
		later.After = cursor
		_, _, few, fargs = sqlstore.SearchSQL(sqliteDialect, later, false)
		checks = append(checks, check{fmt.Sprintf("search few, later page desc=%v", desc), few, fargs, ranges, anySort})
		// A side the probes found empty is left out.
		_, _, byDomain, bargs := sqlstore.SearchSidesSQL(sqliteDialect, search(desc, "user1", "exa"), false, false, true)
		_, _, byValue, vargs := sqlstore.SearchSidesSQL(sqliteDialect, search(desc, "user1", "exa"), false, true, false)
		checks = append(checks,
			check{fmt.Sprintf("search few by domain desc=%v", desc), byDomain, bargs, ranges[1:], anySort},
			check{fmt.Sprintf("search few by value desc=%v", desc), byValue, vargs, ranges[:1], anySort})
		_, _, many, margs := sqlstore.SearchSQL(sqliteDialect, search(desc, "user"), true)
		checks = append(checks, check{fmt.Sprintf("search many desc=%v", desc), many, margs,
			[]string{"COVERING INDEX account_infos_walk (tenant_id=? AND info_type=?)"}, walkSort})
		// A rare filter with a search: its users, then each one's
		// identifiers by user id.
		yes := true
		rare := search(desc, "user", "exa")
		rare.Role, rare.EmailVerified = "admin", &yes
		for _, role := range []bool{true, false} {
			query, args := sqlstore.FilterSearchSQL(sqliteDialect, rare, role)
			from := "ev USING COVERING INDEX account_infos_verified (tenant_id=? AND info_type=? AND email_verified=?)"
			if role {
				from = "ro USING COVERING INDEX user_roles_role (role=? AND tenant_id=?)"
			}
			checks = append(checks, check{fmt.Sprintf("search rare filter role=%v desc=%v", role, desc), query, args,
				[]string{from, "account_infos USING INDEX account_infos_user (user_id=? AND tenant_id=? AND info_type=?)"}, anySort})
		}
	}

	for _, c := range checks {
		p := plan(c.query, c.args)
		for _, w := range c.want {
			if !strings.Contains(p, w) {
				t.Errorf("%s: plan lacks %q:\n%s\n%s", c.name, w, p, c.query)
			}
		}
		for _, line := range strings.Split(p, "\n") {
			// Scans of subqueries and of the search's list of ranges
			// (VALUES) are fine; a scan of a table is not.
			if strings.HasPrefix(line, "SCAN ") && !strings.Contains(line, "SUBQUERY") && !strings.HasPrefix(line, "SCAN m") &&
				!strings.HasPrefix(line, "SCAN u") && !strings.HasPrefix(line, "SCAN r") && !strings.HasPrefix(line, "SCAN p") &&
				!strings.HasPrefix(line, "SCAN v") && !strings.HasSuffix(line, "VALUES CLAUSE") && line != "SCAN CONSTANT ROW" {
				t.Errorf("%s: full scan %q:\n%s", c.name, line, p)
			}
		}
		full := strings.Contains(p, "TEMP B-TREE FOR ORDER BY")
		right := strings.Contains(p, "TEMP B-TREE FOR RIGHT PART OF ORDER BY")
		switch c.sort {
		case noSort:
			if full || right {
				t.Errorf("%s: sorts although the index gives the order:\n%s", c.name, p)
			}
		case partialSort:
			if full {
				t.Errorf("%s: sorts every row, want only ties sorted:\n%s", c.name, p)
			}
		}
	}
}
