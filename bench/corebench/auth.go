package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/latchkey-dev/latchkey/bench/internal/load"
	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/internal/openstore"
)

// runAuth measures sign-ups and sign-ins per second through the core at a
// bcrypt cost, next to raw bcrypt hashing with one goroutine per CPU on
// the same machine.
func runAuth(ctx context.Context, args []string) error {
	fs := newFlags("auth")
	dsn := fs.String("db", "", "sqlite:PATH or postgres:// URL of an empty or scratch store")
	clients := fs.Int("clients", 16, "concurrent HTTP clients")
	duration := fs.Duration("duration", 20*time.Second, "time per measurement")
	cost := fs.Int("cost", 11, "bcrypt cost")
	fs.Parse(args)

	raw := rawBcrypt(*cost, *duration)

	st, err := openstore.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := core.New(core.Config{Store: st, Logger: quietLogger(), CleanupInterval: -1,
		PasswordHashing: core.PasswordHashing{BcryptCost: *cost}})
	if err != nil {
		return err
	}
	defer c.Close()
	srv := httptest.NewServer(c)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *clients}}

	run := fmt.Sprintf("%d", time.Now().UnixNano())
	var seq atomic.Int64
	post := func(path string, body any) error {
		b, _ := json.Marshal(body)
		resp, err := client.Post(srv.URL+path, "application/json", bytes.NewReader(b))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !bytes.Contains(out, []byte(`"status":"OK"`)) {
			return fmt.Errorf("%s: %d %s", path, resp.StatusCode, out)
		}
		return nil
	}
	signUps, err := throughput(*clients, *duration, func() error {
		i := seq.Add(1)
		return post("/recipe/signup", map[string]string{"email": fmt.Sprintf("bench-%s-%d@example.com", run, i), "password": "bench-password-1"})
	})
	if err != nil {
		return err
	}
	created := seq.Load()
	seq.Store(0)
	signIns, err := throughput(*clients, *duration, func() error {
		i := seq.Add(1)%created + 1
		return post("/recipe/signin", map[string]string{"email": fmt.Sprintf("bench-%s-%d@example.com", run, i), "password": "bench-password-1"})
	})
	if err != nil {
		return err
	}

	fmt.Printf("store %s, bcrypt cost %d, %d CPUs, %d HTTP clients, %s per measurement\n\n",
		openstore.Describe(*dsn), *cost, runtime.GOMAXPROCS(0), *clients, *duration)
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "what\tper second\tvs raw bcrypt\t")
	fmt.Fprintf(tw, "raw bcrypt hash, %d goroutines\t%.1f\t\t\n", runtime.GOMAXPROCS(0), raw)
	fmt.Fprintf(tw, "POST /recipe/signup\t%.1f\t%+.1f%%\t\n", signUps, 100*(signUps/raw-1))
	fmt.Fprintf(tw, "POST /recipe/signin\t%.1f\t%+.1f%%\t\n", signIns, 100*(signIns/raw-1))
	return tw.Flush()
}

// rawBcrypt returns bcrypt hashes per second with one goroutine per CPU.
func rawBcrypt(cost int, d time.Duration) float64 {
	r, _ := throughput(runtime.GOMAXPROCS(0), d, func() error {
		_, err := bcrypt.GenerateFromPassword([]byte("bench-password-1"), cost)
		return err
	})
	return r
}

// throughput runs op from n goroutines for d and returns completions per
// second, or the first failure.
func throughput(n int, d time.Duration, op func() error) (float64, error) {
	r := load.Run(context.Background(), n, d, func(int) load.Op {
		return func(context.Context) error { return op() }
	})
	if r.Errors > 0 {
		return r.Throughput(), fmt.Errorf("%d of %d failed, first: %s", r.Errors, r.Ops+r.Errors, r.FirstError)
	}
	return r.Throughput(), nil
}
