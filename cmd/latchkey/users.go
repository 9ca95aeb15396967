package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// runUsers serves `latchkey users export`: every user a search selects,
// streamed as CSV or JSON through the SDK's ExportUsers, from the
// database (a core in this process) or from a running core (--core).
func runUsers(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "export" {
		fmt.Fprintln(stderr, "Usage: latchkey users export [flags]")
		return errUsage
	}
	fs := flag.NewFlagSet("latchkey users export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "database: sqlite:PATH or a postgres:// URL (default: $LATCHKEY_DB, else sqlite:latchkey.db)")
	coreURL := fs.String("core", "", "export from a running core at this URL instead of the database")
	apiKey := fs.String("api-key", "", "the running core's API key (default: $LATCHKEY_API_KEY)")
	format := fs.String("format", "csv", "csv or json")
	out := fs.String("out", "-", "file to write (- for standard output)")
	tenant := fs.String("tenant", latchkey.DefaultTenantID, "tenant whose users to export")
	order := fs.String("order", "ASC", "by join time: ASC (oldest first) or DESC")
	recipes := fs.String("recipes", "", "only users with one of these login methods, comma-separated (emailpassword,passwordless,thirdparty)")
	email := fs.String("email", "", "search: email or domain prefixes, ';'-separated")
	phone := fs.String("phone", "", "search: E.164 phone prefixes, ';'-separated")
	provider := fs.String("provider", "", "search: third-party provider id prefixes, ';'-separated")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	f, err := latchkey.ParseExportFormat(*format)
	if err != nil {
		return err
	}
	if *order != string(latchkey.OldestFirst) && *order != string(latchkey.NewestFirst) {
		return fmt.Errorf("--order must be ASC or DESC, not %q", *order)
	}
	opts := latchkey.ExportOptions{Format: f, ListUsersOptions: latchkey.ListUsersOptions{
		TenantID: *tenant, Order: latchkey.UserOrder(*order), Search: searchFlags(*email, *phone, *provider)}}
	if *recipes != "" {
		opts.RecipeIDs = strings.Split(*recipes, ",")
	}

	coreCfg := latchkey.CoreConfig{ConnectionURI: *coreURL, APIKey: firstNonEmpty(*apiKey, getenv("LATCHKEY_API_KEY"))}
	if *coreURL == "" {
		c, closeCore, err := openAdminCore(ctx, *db, getenv, stderr)
		if err != nil {
			return err
		}
		defer closeCore()
		coreCfg = latchkey.CoreConfig{Handler: c}
	}
	lk, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "latchkey users export", APIDomain: "http://localhost", WebsiteDomain: "http://localhost"},
		Core:    coreCfg,
		Recipes: []latchkey.Recipe{session.New(session.Config{})},
		Logger:  slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		return err
	}

	w := stdout
	if *out != "-" {
		file, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err // never overwrite: an export holds personal data
		}
		defer file.Close()
		w = file
	}
	n, err := lk.ExportUsers(ctx, w, opts)
	if err != nil {
		return fmt.Errorf("after %d users: %w", n, err)
	}
	if *out != "-" {
		fmt.Fprintf(stderr, "exported %d users to %s\n", n, *out)
	}
	return nil
}

// searchFlags turns the search flags into a search: a flag left empty
// does not search.
func searchFlags(email, phone, provider string) latchkey.UserSearch {
	var s latchkey.UserSearch
	split := func(v string) []string {
		if v == "" {
			return nil
		}
		return strings.Split(v, ";")
	}
	s.Emails, s.Phones, s.Providers = split(email), split(phone), split(provider)
	return s
}
