package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/latchkey-dev/latchkey/store"
	"github.com/latchkey-dev/latchkey/store/internal/sqlstore"
)

// postgresDialect is the part of store/postgres's dialect that shapes
// queries.
var postgresDialect = sqlstore.Dialect{SearchWalkFrom: "account_infos AS w", SearchBranchPerRange: true}

// TestSearchSQLGrowsLinearly checks that the text and the arguments of
// every search query grow in proportion to the number of terms: ten times
// the terms may cost about ten times the SQL, never a hundred times (SQL
// that repeated every term's range in every branch once grew a 3,000-term
// search to 1.1 GiB).
func TestSearchSQLGrowsLinearly(t *testing.T) {
	size := func(d sqlstore.Dialect, n int, dense bool) int {
		var terms []string
		for i := range n {
			terms = append(terms, fmt.Sprintf("term%05d", i))
		}
		q := store.ListUsersQuery{TenantID: "public", Limit: 1000, RecipeIDs: []string{store.RecipeEmailPassword},
			Search: store.UserSearch{Emails: terms, Phones: terms, Providers: terms}}
		probe, pargs, page, args := sqlstore.SearchSQL(d, q, dense)
		return len(probe) + len(page) + 16*(len(pargs)+len(args))
	}
	for _, d := range []sqlstore.Dialect{sqliteDialect, postgresDialect} {
		for _, dense := range []bool{false, true} {
			small, big := size(d, 100, dense), size(d, 1000, dense)
			if ratio := float64(big) / float64(small); ratio > 11 {
				t.Errorf("per range=%v, dense=%v: 100 terms cost %d bytes of SQL and arguments, 1000 terms %d: %.0f times, want about 10",
					d.SearchBranchPerRange, dense, small, big, ratio)
			}
		}
	}
}

// TestSearchLeavesOutEmptySides checks that a side of the first field
// that the probes found empty costs the page query nothing: no branch, no
// test in the walk, and no test against the values in the domain
// branches unless the values matched too.
func TestSearchLeavesOutEmptySides(t *testing.T) {
	q := store.ListUsersQuery{TenantID: "public", Limit: 1000, Search: store.UserSearch{Emails: []string{"john", "gmail.com"}}}
	for _, d := range []sqlstore.Dialect{sqliteDialect, postgresDialect} {
		for _, tc := range []struct {
			value, domain bool
			want, absent  []string
		}{
			{true, false, []string{"info_value >="}, []string{"email_domain"}},
			{false, true, []string{"email_domain >="}, []string{"info_value", "NOT ("}},
			{true, true, []string{"info_value >=", "email_domain >="}, nil},
		} {
			for _, dense := range []bool{false, true} {
				_, _, page, _ := sqlstore.SearchSidesSQL(d, q, dense, tc.value, tc.domain)
				for _, w := range tc.want {
					if !strings.Contains(page, w) {
						t.Errorf("per range=%v, value=%v, domain=%v, dense=%v: the page lacks %q:\n%s",
							d.SearchBranchPerRange, tc.value, tc.domain, dense, w, page)
					}
				}
				for _, a := range tc.absent {
					if strings.Contains(page, a) {
						t.Errorf("per range=%v, value=%v, domain=%v, dense=%v: the page has %q:\n%s",
							d.SearchBranchPerRange, tc.value, tc.domain, dense, a, page)
					}
				}
				if tc.value && tc.domain && !dense && !strings.Contains(page, "NOT (") {
					t.Errorf("per range=%v: both sides match, and the domain branches do not skip value matches:\n%s", d.SearchBranchPerRange, page)
				}
			}
		}
	}
}
