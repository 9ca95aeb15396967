package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/latchkey-dev/latchkey/internal/openstore"
)

// runMigrate opens the store, which applies any pending migrations, and
// exits: for deployments that migrate before rolling out new cores.
func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("latchkey migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "database: sqlite:PATH or a postgres:// URL (default: $LATCHKEY_DB, else sqlite:latchkey.db)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	dsn := firstNonEmpty(*db, getenv("LATCHKEY_DB"), "sqlite:latchkey.db")
	st, err := openstore.Open(ctx, dsn)
	if err != nil {
		return err
	}
	if err := st.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migrated %s\n", openstore.Describe(dsn))
	return nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
