// Command corebench measures the core over loopback HTTP, for the figures
// in the issues' notes.
//
// Listing, search and count latency on a big store (load it first with
// bench/users1m):
//
//	go run ./bench/users1m -db sqlite:/tmp/users1m.db -n 1000000
//	go run ./bench/corebench users -db sqlite:/tmp/users1m.db
//
// Sign-up and sign-in throughput at bcrypt cost 11 next to raw bcrypt on
// the same machine (the floor the core cannot beat):
//
//	go run ./bench/corebench auth -db sqlite:/tmp/auth.db -clients 16 -duration 20s
//
// The dashboard's users page and export through the SDK at that size: the
// core and a backend with the dashboard recipe in their own processes, on
// loopback HTTP, with their resident sets:
//
//	go run ./bench/corebench dashboard -db sqlite:/tmp/users1m.db
//
// Each prints a table; run it on an otherwise idle machine.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
)

func main() {
	log.SetFlags(0)
	if len(os.Args) < 2 {
		log.Fatal("usage: corebench users|auth|dashboard [flags]")
	}
	var err error
	switch os.Args[1] {
	case "users":
		err = runUsers(context.Background(), os.Args[2:])
	case "auth":
		err = runAuth(context.Background(), os.Args[2:])
	case "dashboard":
		err = runDashboard(context.Background(), os.Args[2:])
	case "dashboard-core": // started by dashboard
		err = runDashboardCore(context.Background(), os.Args[2:])
	case "dashboard-backend": // started by dashboard
		err = runDashboardBackend(context.Background(), os.Args[2:])
	default:
		err = fmt.Errorf("unknown benchmark %q: use users, auth or dashboard", os.Args[1])
	}
	if err != nil {
		log.Fatalf("corebench: %v", err)
	}
}

// quietLogger drops the core's logs, which would otherwise time printing.
func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("corebench "+name, flag.ExitOnError)
	return fs
}
