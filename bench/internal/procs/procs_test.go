package procs

import (
	"crypto/sha256"
	"os"
	"testing"
	"time"
)

// TestOwnProcess reads this process's CPU time and memory, and samples
// its resident set next to a pid of 0, which is skipped.
func TestOwnProcess(t *testing.T) {
	pid := os.Getpid()
	before := CPUTime(pid)
	sum := sha256.Sum256(nil)
	for start := time.Now(); time.Since(start) < 300*time.Millisecond; {
		sum = sha256.Sum256(sum[:]) // burn CPU for the clock-tick counters
	}
	if used := CPUTime(pid) - before; used <= 0 {
		t.Fatalf("CPU time used: %v after 300 ms of work", used)
	}
	m, err := ReadMemory(pid)
	if err != nil || m.RSS <= 0 || m.Peak < m.RSS {
		t.Fatalf("ReadMemory: %+v, %v", m, err)
	}
	s := SampleRSS(10*time.Millisecond, pid, 0)
	time.Sleep(30 * time.Millisecond)
	if got := s.Finish(); got[0] <= 0 || got[1] != 0 {
		t.Fatalf("sampled resident sets: %v, want >0 for this process and 0 for pid 0", got)
	}
	if CPUTime(-1) != 0 {
		t.Fatal("CPU time of no process is not 0")
	}
}
