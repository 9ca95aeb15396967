// Package procs is what the benchmark commands need of the processes they
// run: a child that serves until it is signalled, and the CPU time and
// resident memory of a process, sampled while a measurement runs. It reads
// /proc, so it works on Linux only.
package procs

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/procfs"
)

// ServeUntilSignal serves h on ln, prints "listening http://ADDR" on
// stdout for the parent to read, and shuts down on SIGTERM or SIGINT.
// writeTimeout bounds one answer; an export of a million users needs
// minutes.
func ServeUntilSignal(ln net.Listener, h http.Handler, writeTimeout time.Duration) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       5 * time.Minute,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Printf("listening http://%s\n", ln.Addr())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// Memory is a process's resident set, from /proc/PID/status.
type Memory struct {
	// RSS is the resident set now, in bytes.
	RSS int64
	// Peak is the largest resident set since the process started (VmHWM).
	Peak int64
}

// ReadMemory reads pid's resident set.
func ReadMemory(pid int) (Memory, error) {
	p, err := procfs.NewProc(pid)
	if err != nil {
		return Memory{}, err
	}
	st, err := p.NewStatus()
	if err != nil {
		return Memory{}, err
	}
	return Memory{RSS: int64(st.VmRSS), Peak: int64(st.VmHWM)}, nil
}

// CPUTime returns the CPU time (user and system) a process has used so
// far; 0 when it cannot be read. Unlike wall time it hardly depends on
// what else the machine runs.
func CPUTime(pid int) time.Duration {
	p, err := procfs.NewProc(pid)
	if err != nil {
		return 0
	}
	st, err := p.Stat()
	if err != nil {
		return 0
	}
	return time.Duration(st.CPUTime() * float64(time.Second))
}

// RSSSampler samples the resident sets of some processes at an interval
// and keeps each one's largest.
type RSSSampler struct {
	pids []int
	max  []int64
	stop chan struct{}
	done chan struct{}
}

// SampleRSS starts sampling pids every interval; a pid of 0 is skipped
// (its largest stays 0).
func SampleRSS(interval time.Duration, pids ...int) *RSSSampler {
	s := &RSSSampler{pids: pids, max: make([]int64, len(pids)), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-s.stop:
				s.sample()
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *RSSSampler) sample() {
	for i, pid := range s.pids {
		if pid == 0 {
			continue
		}
		if m, err := ReadMemory(pid); err == nil {
			s.max[i] = max(s.max[i], m.RSS)
		}
	}
}

// Finish stops sampling and returns each process's largest resident set,
// in the order of the pids. Call it once.
func (s *RSSSampler) Finish() []int64 {
	close(s.stop)
	<-s.done
	return s.max
}
