// Command latchkey is the Latchkey binary: the core auth server, a demo of
// the whole system, and admin commands.
//
//	latchkey core            run the core (CDI 5.4) on SQLite or PostgreSQL
//	latchkey demo            run core, demo backend and demo website together
//	latchkey dashboard-user  create, update, delete or list dashboard accounts
//	latchkey users export    export users as CSV or JSON
//	latchkey migrate         apply database migrations and exit
//	latchkey version         print the version
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	commands := map[string]func(context.Context, []string, func(string) string, io.Writer, io.Writer) error{
		"core":           runCore,
		"demo":           runDemo,
		"dashboard-user": runDashboardUser,
		"users":          runUsers,
		"migrate":        runMigrate,
		"version":        runVersion,
	}
	cmd, ok := commands[args[0]]
	if !ok {
		if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
			usage(stdout)
			return 0
		}
		fmt.Fprintf(stderr, "latchkey: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	if err := cmd(ctx, args[1:], getenv, stdout, stderr); err != nil {
		if err == errUsage {
			return 2
		}
		fmt.Fprintf(stderr, "latchkey %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Usage: latchkey <command> [flags]

Commands:
  core            run the core auth server (CDI 5.4)
  demo            run the core, a demo backend and a demo website together
  dashboard-user  create, update, delete or list dashboard accounts
  users export    export users as CSV or JSON
  migrate         apply database migrations and exit
  version         print the version

Run "latchkey <command> -h" for a command's flags.
`)
}
