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
		log.Fatal("usage: corebench users|auth [flags]")
	}
	var err error
	switch os.Args[1] {
	case "users":
		err = runUsers(context.Background(), os.Args[2:])
	case "auth":
		err = runAuth(context.Background(), os.Args[2:])
	default:
		err = fmt.Errorf("unknown benchmark %q: use users or auth", os.Args[1])
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
