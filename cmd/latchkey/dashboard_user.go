package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/internal/openstore"
)

// runDashboardUser manages dashboard accounts straight in the database,
// through the core's DashboardAccounts, so the rules (email syntax,
// password strength) are those of the CDI's /recipe/dashboard/user. It
// prints the result as the CDI would answer it.
func runDashboardUser(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "Usage: latchkey dashboard-user create|update|delete|list [flags]")
		return errUsage
	}
	action := args[0]
	fs := flag.NewFlagSet("latchkey dashboard-user "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "database: sqlite:PATH or a postgres:// URL (default: $LATCHKEY_DB, else sqlite:latchkey.db)")
	email := fs.String("email", "", "the account's email")
	password := fs.String("password", "", "the account's password (create)")
	newEmail := fs.String("new-email", "", "a new email (update)")
	newPassword := fs.String("new-password", "", "a new password (update)")
	readOnly := fs.Bool("read-only", false, "the account may look but not change anything (create)")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	switch action {
	case "create", "update", "delete":
		if *email == "" {
			return fmt.Errorf("%s needs --email", action)
		}
		if action == "create" && *password == "" {
			return errors.New("create needs --password")
		}
	case "list":
	default:
		return fmt.Errorf("unknown action %q: use create, update, delete or list", action)
	}

	c, closeCore, err := openAdminCore(ctx, *db, getenv, stderr)
	if err != nil {
		return err
	}
	defer closeCore()
	accounts := c.DashboardAccounts()

	out := map[string]any{"status": "OK"}
	switch action {
	case "create":
		a, err := accounts.Create(ctx, *email, *password, *readOnly)
		if err != nil {
			return err
		}
		out["user"] = accountJSON(a)
	case "update":
		a, err := accounts.Update(ctx, *email, *newEmail, *newPassword)
		if err != nil {
			return err
		}
		out["user"] = accountJSON(a)
	case "delete":
		existed, err := accounts.Delete(ctx, *email)
		if err != nil {
			return err
		}
		out["didUserExist"] = existed
	case "list":
		as, err := accounts.List(ctx)
		if err != nil {
			return err
		}
		users := make([]any, len(as))
		for i, a := range as {
			users[i] = accountJSON(a)
		}
		out["users"] = users
	}
	raw, _ := json.MarshalIndent(out, "", "  ")
	fmt.Fprintln(stdout, string(raw))
	return nil
}

// accountJSON is an account as the CDI shows it.
func accountJSON(a core.DashboardAccount) map[string]any {
	return map[string]any{"email": a.Email, "userId": a.UserID, "timeJoined": a.TimeJoined.UnixMilli(), "readOnly": a.ReadOnly}
}

// openAdminCore opens the database of an admin command (--db, else
// $LATCHKEY_DB, else sqlite:latchkey.db) and a core on it, in this process,
// without the cleanup job. release closes both.
func openAdminCore(ctx context.Context, db string, getenv func(string) string, stderr io.Writer) (c *core.Core, release func(), err error) {
	st, err := openstore.Open(ctx, firstNonEmpty(db, getenv("LATCHKEY_DB"), "sqlite:latchkey.db"))
	if err != nil {
		return nil, nil, err
	}
	c, err = core.New(core.Config{Store: st, Logger: slog.New(slog.NewTextHandler(stderr, nil)), CleanupInterval: -1})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return c, func() { c.Close(); st.Close() }, nil
}
