package latchkey_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/latchkey-dev/latchkey"
)

func TestTenantHelpers(t *testing.T) {
	ctx := context.Background()
	if got := latchkey.TenantID(ctx); got != latchkey.DefaultTenantID {
		t.Errorf("TenantID of a bare context = %q", got)
	}
	if got := latchkey.TenantID(latchkey.WithTenantID(ctx, "t1")); got != "t1" {
		t.Errorf("TenantID = %q, want t1", got)
	}
	if got := latchkey.TenantID(latchkey.WithTenantID(ctx, "")); got != latchkey.DefaultTenantID {
		t.Errorf("TenantID of an empty tenant = %q", got)
	}
	if latchkey.TenantOrDefault("") != latchkey.DefaultTenantID || latchkey.TenantOrDefault("t1") != "t1" {
		t.Error("TenantOrDefault")
	}
}

// TestNoTenantLiteral keeps the default tenant in one place: no SDK
// production file spells "public" but the one that declares
// DefaultTenantID.
func TestNoTenantLiteral(t *testing.T) {
	var files []string
	for _, root := range []string{".", "recipe", "emaildelivery", "smsdelivery"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && root == "." && p != "." {
				return filepath.SkipDir // the root package only; the others are walked below it
			}
			if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) < 10 {
		t.Fatalf("found only %d files: %v", len(files), files)
	}
	fset := token.NewFileSet()
	declared := 0
	for _, p := range files {
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Names) == 1 && vs.Names[0].Name == "DefaultTenantID" {
				declared++
				return false // the one allowed spelling
			}
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && lit.Value == `"public"` {
				t.Errorf("%s: a \"public\" literal: use latchkey.DefaultTenantID or latchkey.TenantOrDefault", fset.Position(lit.Pos()))
			}
			return true
		})
	}
	if declared != 1 {
		t.Errorf("DefaultTenantID is declared %d times", declared)
	}
}
