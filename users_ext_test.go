package latchkey

import (
	"errors"
	"io"
	"net/http"
	"testing"
	"time"
)

// TestListUsersRefusesIgnoredExtensions: a core that ignores the Latchkey
// filters and orders (any core but Latchkey's) answers the unfiltered
// list; ListUsers must say so, not pass it off as the filtered one. A
// Latchkey core's marked answer is taken.
func TestListUsersRefusesIgnoredExtensions(t *testing.T) {
	verified := true
	for _, tc := range []struct {
		name    string
		opts    ListUsersOptions
		answer  map[string]any
		refused bool
	}{
		{"plain list, other core", ListUsersOptions{}, map[string]any{}, false},
		{"search, other core", ListUsersOptions{Search: UserSearch{Emails: []string{"a"}}}, map[string]any{}, false},
		{"role, other core", ListUsersOptions{Role: "admin"}, map[string]any{}, true},
		{"verified, other core", ListUsersOptions{EmailVerified: &verified}, map[string]any{}, true},
		{"joined, other core", ListUsersOptions{JoinedFrom: time.UnixMilli(1)}, map[string]any{}, true},
		{"by last sign-in, other core", ListUsersOptions{ByLastSignIn: true}, map[string]any{}, true},
		{"by last active, other core", ListUsersOptions{ByLastActive: true}, map[string]any{}, true},
		{"role, Latchkey core", ListUsersOptions{Role: "admin"}, map[string]any{"latchkeyFiltered": true}, false},
		{"by last sign-in, Latchkey core", ListUsersOptions{ByLastSignIn: true}, map[string]any{"latchkeyOrderBy": "lastSignIn"}, false},
		{"role marked, order not", ListUsersOptions{Role: "admin", ByLastActive: true}, map[string]any{"latchkeyFiltered": true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			core := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/apiversion" {
					WriteJSON(w, 200, map[string]any{"versions": []string{"5.4"}})
					return
				}
				body := map[string]any{"status": "OK", "users": []any{}}
				for k, v := range tc.answer {
					body[k] = v
				}
				WriteJSON(w, 200, body)
			})
			lk, err := New(Config{
				AppInfo: AppInfo{AppName: "x", APIDomain: "api.example.com", WebsiteDomain: "example.com"},
				Core:    CoreConfig{Handler: core},
				Recipes: []Recipe{&stubRecipe{id: "stub"}},
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = lk.ListUsers(t.Context(), tc.opts)
			var bad *BadInputError
			if refused := errors.Is(err, ErrListExtensionUnsupported) && errors.As(err, &bad); refused != tc.refused || (!tc.refused && err != nil) {
				t.Fatalf("ListUsers: %v, want refused %v", err, tc.refused)
			}
			if tc.opts.ByLastSignIn || tc.opts.ByLastActive {
				return // exports list by join time
			}
			for _, f := range []ExportFormat{ExportCSV, ExportJSON} {
				_, err = lk.ExportUsers(t.Context(), io.Discard, ExportOptions{Format: f, ListUsersOptions: tc.opts})
				if refused := errors.Is(err, ErrListExtensionUnsupported); refused != tc.refused || (!tc.refused && err != nil) {
					t.Fatalf("ExportUsers %s: %v, want refused %v", f, err, tc.refused)
				}
			}
		})
	}
}
