package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestDashboardUser walks `latchkey dashboard-user` through each action
// on one database, with the CDI's rules and answers.
func TestDashboardUser(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "latchkey.db")
	getenv := func(string) string { return "" }
	latchkey := func(args ...string) (code int, stdout, stderr string) {
		t.Helper()
		var out, errb bytes.Buffer
		code = run(t.Context(), append([]string{"dashboard-user"}, append(args, "--db", db)...), getenv, &out, &errb)
		return code, out.String(), errb.String()
	}
	decode := func(s string) map[string]any {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, s)
		}
		return m
	}

	code, out, errs := latchkey("create", "--email", " Ops@Example.com ", "--password", "ops12345")
	if code != 0 {
		t.Fatalf("create: exit %d: %s", code, errs)
	}
	user, _ := decode(out)["user"].(map[string]any)
	if decode(out)["status"] != "OK" || user["email"] != "ops@example.com" || user["userId"] == "" || user["timeJoined"] == nil {
		t.Fatalf("create printed %s", out)
	}

	for _, tc := range []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"create", "--email", "ops@example.com", "--password", "ops12345"}, "EMAIL_ALREADY_EXISTS_ERROR"},
		{[]string{"create", "--email", "weak@example.com", "--password", "a1€€€€€"}, "PASSWORD_WEAK_ERROR: Password must contain at least 8 characters, including a number"},
		{[]string{"create", "--email", "not-an-email", "--password", "ops12345"}, "INVALID_EMAIL_ERROR"},
		{[]string{"create", "--email", "x@example.com"}, "create needs --password"},
		{[]string{"update", "--new-password", "ops67890"}, "update needs --email"},
		{[]string{"update", "--email", "nobody@example.com", "--new-password", "ops67890"}, "UNKNOWN_USER_ERROR"},
		{[]string{"rename"}, `unknown action "rename"`},
	} {
		if code, _, errs := latchkey(tc.args...); code != 1 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and %q", tc.args, code, errs, tc.want)
		}
	}

	if code, out, errs := latchkey("update", "--email", "ops@example.com", "--new-email", "admin@example.com", "--new-password", "ops67890"); code != 0 ||
		decode(out)["user"].(map[string]any)["email"] != "admin@example.com" {
		t.Fatalf("update: exit %d: %s%s", code, out, errs)
	}
	code, out, _ = latchkey("list")
	users, _ := decode(out)["users"].([]any)
	if code != 0 || len(users) != 1 || users[0].(map[string]any)["email"] != "admin@example.com" {
		t.Fatalf("list: exit %d: %s", code, out)
	}
	for _, want := range []bool{true, false} {
		code, out, _ = latchkey("delete", "--email", "admin@example.com")
		if code != 0 || decode(out)["didUserExist"] != want {
			t.Fatalf("delete: exit %d: %s, want didUserExist %v", code, out, want)
		}
	}
}
