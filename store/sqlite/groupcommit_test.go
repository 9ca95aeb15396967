package sqlite_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/latchkey-dev/latchkey/store/sqlite"
)

// TestGroupCommit: write transactions that queue for the writer together
// share a commit, and each still gets its own outcome: the good ones land,
// one whose function fails or panics has its work undone and gets its
// error, and one whose context ended before its turn is not run.
func TestGroupCommit(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	errBoom := errors.New("boom")
	const n = 160
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			user := fmt.Sprintf("u%03d", i)
			set := func(json.RawMessage) (json.RawMessage, error) {
				return json.RawMessage(`{"n":` + fmt.Sprint(i) + `}`), nil
			}
			switch i % 5 {
			case 0, 1:
				_, errs[i] = s.UpdateMetadata(ctx, user, set)
			case 2:
				_, errs[i] = s.UpdateMetadata(ctx, user, func(json.RawMessage) (json.RawMessage, error) { return nil, errBoom })
			case 3:
				func() {
					defer func() {
						if p := recover(); p != nil {
							errs[i] = fmt.Errorf("panicked: %v", p)
						}
					}()
					_, errs[i] = s.UpdateMetadata(ctx, user, func(json.RawMessage) (json.RawMessage, error) { panic("boom") })
				}()
			case 4:
				_, errs[i] = s.UpdateMetadata(cancelled, user, set)
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		user := fmt.Sprintf("u%03d", i)
		md, merr := s.Metadata(ctx, user)
		if merr != nil {
			t.Fatal(merr)
		}
		switch i % 5 {
		case 0, 1:
			if err != nil || string(md) != `{"n":`+fmt.Sprint(i)+`}` {
				t.Errorf("%s: %v, metadata %s; want landed", user, err, md)
			}
		case 2:
			if !errors.Is(err, errBoom) || md != nil {
				t.Errorf("%s: %v, metadata %s; want errBoom and nothing written", user, err, md)
			}
		case 3:
			if err == nil || md != nil {
				t.Errorf("%s: %v, metadata %s; want an error and nothing written", user, err, md)
			}
		case 4:
			if !errors.Is(err, context.Canceled) || md != nil {
				t.Errorf("%s: %v, metadata %s; want context.Canceled and nothing written", user, err, md)
			}
		}
	}
}

// BenchmarkParallelWrites measures small read-modify-write transactions
// (the shape of a refresh's) from 16 goroutines at once, each commit
// syncing the WAL (synchronous=FULL).
func BenchmarkParallelWrites(b *testing.B) {
	db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var next atomic.Int64
	set := func(json.RawMessage) (json.RawMessage, error) { return json.RawMessage(`{"a":1}`), nil }
	b.SetParallelism(8) // 16 goroutines on 2 CPUs
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := db.UpdateMetadata(context.Background(), fmt.Sprint("u", next.Add(1)), set); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
