package load

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value", ms(7), 99, 7 * time.Millisecond},
		{"median of odd", ms(1, 2, 3), 50, 2 * time.Millisecond},
		{"median of even takes the lower", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p99 of 100", ms(hundred...), 99, 99 * time.Millisecond},
		{"p100 is the maximum", ms(hundred...), 100, 100 * time.Millisecond},
		{"tiny p is the minimum", ms(hundred...), 0.001, 1 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("Percentile(%v, %v) = %v, want %v", tt.sorted, tt.p, got, tt.want)
			}
		})
	}
}

func TestRunCountsOpsAndErrors(t *testing.T) {
	var calls atomic.Int64
	r := Run(context.Background(), 4, 50*time.Millisecond, func(worker int) Op {
		return func(context.Context) error {
			n := calls.Add(1)
			time.Sleep(time.Millisecond)
			if n%3 == 0 {
				return errors.New("every third fails")
			}
			return nil
		}
	})
	if got := r.Ops + r.Errors; got != calls.Load() {
		t.Errorf("ops %d + errors %d = %d, want every call (%d)", r.Ops, r.Errors, got, calls.Load())
	}
	if r.Errors == 0 || r.FirstError != "every third fails" {
		t.Errorf("errors %d, first %q: want the failures counted", r.Errors, r.FirstError)
	}
	if int64(len(r.Latencies)) != r.Ops {
		t.Errorf("%d latencies for %d successful ops", len(r.Latencies), r.Ops)
	}
	for i := 1; i < len(r.Latencies); i++ {
		if r.Latencies[i] < r.Latencies[i-1] {
			t.Fatal("latencies are not sorted")
		}
	}
}

func TestMerge(t *testing.T) {
	a := Result{Ops: 10, Elapsed: time.Second, Latencies: []time.Duration{1, 3}}
	b := Result{Ops: 30, Errors: 2, FirstError: "boom", Elapsed: time.Second, Latencies: []time.Duration{2}}
	m := Merge(a, b)
	if m.Ops != 40 || m.Errors != 2 || m.FirstError != "boom" || m.Elapsed != 2*time.Second {
		t.Errorf("Merge = %+v", m)
	}
	if got := m.Throughput(); got != 20 {
		t.Errorf("Throughput = %v, want 20 (40 ops over 2 s)", got)
	}
	if want := []time.Duration{1, 2, 3}; len(m.Latencies) != 3 || m.Latencies[0] != want[0] || m.Latencies[1] != want[1] || m.Latencies[2] != want[2] {
		t.Errorf("latencies %v, want %v", m.Latencies, want)
	}
}
