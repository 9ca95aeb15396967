// Package archtest keeps the module's dependencies pointing one way
// (DESIGN.md): the SDK (the root package and recipe/*) never reaches the
// core or the store, the core never reaches the SDK, and the store never
// reaches either. The rules both sides share (shared, below) reach none of
// them.
package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/latchkey-dev/latchkey"

func TestDependencyDirection(t *testing.T) {
	cases := []struct {
		pkgs      string   // go list pattern
		forbidden []string // import path prefixes none of them may depend on
	}{
		// The local OpenID provider is for tests and the demo: an
		// application's SDK never ships it.
		{module, []string{module + "/core", module + "/store", module + "/cmd", module + "/internal/openstore", module + "/internal/localoidc"}},
		{module + "/recipe/...", []string{module + "/core", module + "/store", module + "/cmd", module + "/internal/openstore", module + "/internal/localoidc"}},
		{module + "/emaildelivery/...", []string{module + "/core", module + "/store"}},
		{module + "/core/...", []string{module + "/recipe", module + "/cmd", module + "/examples", module + "/emaildelivery"}},
		{module + "/store/...", []string{module + "/core", module + "/recipe", module + "/cmd"}},
	}
	for _, tc := range cases {
		t.Run(tc.pkgs, func(t *testing.T) {
			// Without -test: the rule is about what ships; tests may wire
			// both sides together.
			out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", tc.pkgs).CombinedOutput()
			if err != nil {
				t.Fatalf("go list: %v\n%s", err, out)
			}
			for _, dep := range strings.Fields(string(out)) {
				for _, f := range tc.forbidden {
					if dep == f || strings.HasPrefix(dep, f+"/") {
						t.Errorf("%s depends on %s", tc.pkgs, dep)
					}
				}
			}
		})
	}
}

// shared are the packages that hold what the core and the SDK must agree
// on (wire shapes, validation rules). Both sides import them, so they may
// import nothing of the module but each other: not the core, the store,
// the SDK root or its recipes.
var shared = []string{
	module + "/internal/dashcheck",
	module + "/internal/phone",
	module + "/internal/tenantid",
	module + "/internal/validate",
	module + "/internal/wire",
}

func TestSharedRulesStandAlone(t *testing.T) {
	allowed := map[string]bool{}
	for _, p := range shared {
		allowed[p] = true
	}
	for _, pkg := range shared {
		t.Run(pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", pkg).CombinedOutput()
			if err != nil {
				t.Fatalf("go list: %v\n%s", err, out)
			}
			for _, dep := range strings.Fields(string(out)) {
				if (dep == module || strings.HasPrefix(dep, module+"/")) && !allowed[dep] {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		})
	}
}

// TestCoreTestIsTestOnly: core/coretest opens real stores for tests; the
// shipped core must not depend on it, nor on net/http/httptest (the
// binary calls the core's Go API, never its handlers through a recorder).
func TestCoreTestIsTestOnly(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", module+"/cmd/latchkey").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, module+"/core/coretest") || strings.Contains(dep, "chromedp") || dep == "net/http/httptest" {
			t.Errorf("the latchkey binary depends on %s", dep)
		}
	}
}
