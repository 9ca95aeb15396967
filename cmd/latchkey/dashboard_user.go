package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/internal/openstore"
)

// runDashboardUser manages dashboard accounts straight in the database,
// through the core's own /recipe/dashboard/* handlers run in-process, so
// the rules (email syntax, password strength) are the same as over HTTP.
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
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	var method, path string
	var body map[string]any
	switch action {
	case "create":
		method, path, body = http.MethodPost, "/recipe/dashboard/user", map[string]any{"email": *email, "password": *password}
	case "update":
		body = map[string]any{"email": *email}
		if *newEmail != "" {
			body["newEmail"] = *newEmail
		}
		if *newPassword != "" {
			body["newPassword"] = *newPassword
		}
		method, path = http.MethodPut, "/recipe/dashboard/user"
	case "delete":
		method, path = http.MethodDelete, "/recipe/dashboard/user?email="+url.QueryEscape(*email)
	case "list":
		method, path = http.MethodGet, "/recipe/dashboard/users"
	default:
		return fmt.Errorf("unknown action %q: use create, update, delete or list", action)
	}

	st, err := openstore.Open(ctx, firstNonEmpty(*db, getenv("LATCHKEY_DB"), "sqlite:latchkey.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := core.New(core.Config{Store: st, Logger: slog.New(slog.NewTextHandler(stderr, nil)), CleanupInterval: -1})
	if err != nil {
		return err
	}
	defer c.Close()

	var reqBody io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		reqBody = strings.NewReader(string(raw))
	}
	req := httptest.NewRequestWithContext(ctx, method, path, reqBody)
	rec := httptest.NewRecorder()
	c.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return fmt.Errorf("%s", strings.TrimSpace(rec.Body.String()))
	}
	var resp map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		return err
	}
	if status, _ := resp["status"].(string); status != "OK" {
		if msg, ok := resp["message"].(string); ok {
			return fmt.Errorf("%s: %s", status, msg)
		}
		return errors.New(status)
	}
	out, _ := json.MarshalIndent(resp, "", "  ")
	fmt.Fprintln(stdout, string(out))
	return nil
}
