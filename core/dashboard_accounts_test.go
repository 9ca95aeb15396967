package core_test

import (
	"errors"
	"testing"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

// TestDashboardAccounts: the Go API applies the CDI's rules and reports
// refusals as errors.Is-able outcomes whose text names the CDI status.
func TestDashboardAccounts(t *testing.T) {
	c := coretest.New(t)
	accounts, ctx := c.Core.DashboardAccounts(), t.Context()

	a, err := accounts.Create(ctx, " Ops@Example.com ", "ops12345", false)
	if err != nil || a.Email != "ops@example.com" || a.UserID == "" || a.TimeJoined.IsZero() {
		t.Fatalf("Create = %+v, %v", a, err)
	}
	// Created through the Go API, it signs in over the CDI.
	if s := c.Post(t, "/recipe/dashboard/signin", map[string]any{"email": "ops@example.com", "password": "ops12345"}).Status(t); s != "OK" {
		t.Fatalf("signin = %s", s)
	}

	for _, tc := range []struct {
		name     string
		err      error
		want     error
		wantText string
	}{
		{"taken", second(accounts.Create(ctx, "ops@example.com", "ops12345", false)), core.ErrEmailAlreadyExists, "EMAIL_ALREADY_EXISTS_ERROR"},
		{"weak", second(accounts.Create(ctx, "b@example.com", "abcdefgh", false)), core.ErrPasswordWeak, "PASSWORD_WEAK_ERROR: Password must contain at least one number"},
		{"bad email", second(accounts.Create(ctx, "b@", "ops12345", false)), core.ErrInvalidEmail, "INVALID_EMAIL_ERROR"},
		{"unknown", second(accounts.Update(ctx, "nobody@example.com", "", "ops67890")), core.ErrUnknownUser, "UNKNOWN_USER_ERROR"},
		{"no account named", second(accounts.Update(ctx, " ", "", "ops67890")), nil, "Either field 'email' or 'userId' must be present"},
	} {
		if tc.err == nil || tc.want != nil && !errors.Is(tc.err, tc.want) || tc.err.Error() != tc.wantText {
			t.Errorf("%s: got %v, want %q (errors.Is %v)", tc.name, tc.err, tc.wantText, tc.want)
		}
	}

	if _, err := accounts.Update(ctx, "ops@example.com", "admin@example.com", ""); err != nil {
		t.Fatal(err)
	}
	list, err := accounts.List(ctx)
	if err != nil || len(list) != 1 || list[0].Email != "admin@example.com" {
		t.Fatalf("List = %+v, %v", list, err)
	}
	if existed, err := accounts.Delete(ctx, "admin@example.com"); err != nil || !existed {
		t.Fatalf("Delete = %v, %v", existed, err)
	}
	if existed, err := accounts.Delete(ctx, "admin@example.com"); err != nil || existed {
		t.Fatalf("Delete again = %v, %v", existed, err)
	}
}

func second[T any](_ T, err error) error { return err }
