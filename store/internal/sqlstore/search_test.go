package sqlstore_test

import (
	"fmt"
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
