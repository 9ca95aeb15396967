package core

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/latchkey-dev/latchkey/store/sqlite"
)

// docRow is a row of doc.go's path table: "//<tab>METHOD /path  package ...".
var docRow = regexp.MustCompile(`^//\t(GET|POST|PUT|DELETE)\s+(/\S*)\s+(\w+)`)

// TestDocListsEveryRoute keeps doc.go's table of CDI paths and the router
// in step: every route has a row, every row a route, and every row names a
// package that exists.
func TestDocListsEveryRoute(t *testing.T) {
	raw, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for _, line := range strings.Split(string(raw), "\n") {
		m := docRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		documented = append(documented, m[1]+" "+m[2])
		if pkg := m[3]; pkg != "core" {
			if _, err := os.Stat("internal/" + pkg); err != nil {
				t.Errorf("doc.go: %s %s names package %s: %v", m[1], m[2], pkg, err)
			}
		}
	}
	slices.Sort(documented)

	st, err := sqlite.Open(t.Context(), t.TempDir()+"/doc.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := New(Config{Store: st, CleanupInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	routes := c.router.Patterns()

	for _, r := range routes {
		if _, found := slices.BinarySearch(documented, r); !found {
			t.Errorf("doc.go has no row for %s", r)
		}
	}
	for _, d := range documented {
		if _, found := slices.BinarySearch(routes, d); !found {
			t.Errorf("doc.go lists %s, which no package serves", d)
		}
	}
}
