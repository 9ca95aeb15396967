// Package load runs closed-loop load for the bench tools: a number of
// workers each repeat one operation, back to back, for a fixed time, and
// the result keeps every completion, error and latency.
package load

import (
	"context"
	"math"
	"slices"
	"sync"
	"time"
)

// Op is one operation of a worker, such as one HTTP request. A non-nil
// error counts the operation as failed.
type Op func(ctx context.Context) error

// Result is what a run measured.
type Result struct {
	// Ops is how many operations succeeded.
	Ops int64
	// Errors is how many failed.
	Errors int64
	// FirstError is the text of the first failure, "" when none failed.
	FirstError string
	// Elapsed runs from the start until the last operation ended: workers
	// start no operation after the duration, but finish the one in flight,
	// so slow operations (a queued bcrypt hash) are counted, not cut.
	Elapsed time.Duration
	// Latencies are those of the successful operations, sorted.
	Latencies []time.Duration
}

// Run starts workers goroutines, each calling the Op that newOp returns
// for it (so a worker can keep state, such as its newest refresh token),
// until d has passed or ctx ends.
func Run(ctx context.Context, workers int, d time.Duration, newOp func(worker int) Op) Result {
	ops := make([]Op, workers)
	for i := range ops {
		ops[i] = newOp(i)
	}
	type tally struct {
		errors   int64
		firstErr error
		lat      []time.Duration
	}
	tallies := make([]tally, workers)
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := &tallies[i]
			for ctx.Err() == nil {
				began := time.Now()
				if !began.Before(deadline) {
					return
				}
				if err := ops[i](ctx); err != nil {
					t.errors++
					if t.firstErr == nil {
						t.firstErr = err
					}
					continue
				}
				t.lat = append(t.lat, time.Since(began))
			}
		}()
	}
	wg.Wait()
	r := Result{Elapsed: time.Since(start)}
	for _, t := range tallies {
		r.Ops += int64(len(t.lat))
		r.Errors += t.errors
		if r.FirstError == "" && t.firstErr != nil {
			r.FirstError = t.firstErr.Error()
		}
		r.Latencies = append(r.Latencies, t.lat...)
	}
	slices.Sort(r.Latencies)
	return r
}

// Throughput is successful operations per second.
func (r Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Ops) / r.Elapsed.Seconds()
}

// Percentile returns the p-th percentile (0 < p <= 100) of the latencies,
// by nearest rank; 0 when there are none.
func (r Result) Percentile(p float64) time.Duration {
	return Percentile(r.Latencies, p)
}

// Percentile returns the p-th percentile (0 < p <= 100) of sorted, by
// nearest rank: the smallest value that at least p% of the values do not
// exceed. It returns 0 for an empty slice.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// Merge adds up runs of the same measurement: operations, errors and
// elapsed time are summed (so Throughput is the mean over the runs,
// weighted by time) and the latencies are pooled.
func Merge(rs ...Result) Result {
	var m Result
	for _, r := range rs {
		m.Ops += r.Ops
		m.Errors += r.Errors
		m.Elapsed += r.Elapsed
		if m.FirstError == "" {
			m.FirstError = r.FirstError
		}
		m.Latencies = append(m.Latencies, r.Latencies...)
	}
	slices.Sort(m.Latencies)
	return m
}
