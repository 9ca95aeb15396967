package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/latchkey-dev/latchkey/bench/internal/procs"
)

// buildLatchkey builds ./cmd/latchkey into dir and returns the binary.
func buildLatchkey(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "latchkey")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/latchkey-dev/latchkey/cmd/latchkey")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building ./cmd/latchkey: %w", err)
	}
	return bin, nil
}

// proc is a child process: a core, a backend or the bare handler.
type proc struct {
	name string
	cmd  *exec.Cmd
	// url is where it serves, such as http://127.0.0.1:43127.
	url string
	// ready is how long it took from exec to serving.
	ready   time.Duration
	logPath string
	exited  chan struct{}
}

// readyFunc reads one output line of a starting process and returns its
// URL once the line says it is serving.
type readyFunc func(line string) (url string, ok bool)

// coreReady reads the core's JSON log line "latchkey core listening".
func coreReady(line string) (string, bool) {
	var l struct {
		Msg  string `json:"msg"`
		Addr string `json:"addr"`
	}
	if json.Unmarshal([]byte(line), &l) != nil || l.Msg != "latchkey core listening" {
		return "", false
	}
	return l.Addr, l.Addr != ""
}

// childReady reads the "listening URL" line that serve-backend and
// serve-bare print first.
func childReady(line string) (string, bool) {
	url, ok := strings.CutPrefix(line, "listening ")
	return strings.TrimSpace(url), ok
}

// startProc starts bin with args, its output going to a log file in dir,
// and waits until watch (its stdout, or its stderr when fromStderr) says
// it is serving.
func startProc(ctx context.Context, dir, name, bin string, args, env []string, fromStderr bool, ready readyFunc) (*proc, error) {
	logPath := filepath.Join(dir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = childAttr()
	var pipe io.ReadCloser
	if fromStderr {
		cmd.Stdout = logFile
		pipe, err = cmd.StderrPipe()
	} else {
		cmd.Stderr = logFile
		pipe, err = cmd.StdoutPipe()
	}
	if err != nil {
		logFile.Close()
		return nil, err
	}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	urls := make(chan string, 1)
	var copying sync.WaitGroup
	copying.Add(1)
	go func() {
		defer copying.Done()
		sc := bufio.NewScanner(pipe)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		found := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logFile, line)
			if !found {
				if u, ok := ready(line); ok {
					found = true
					urls <- u
				}
			}
		}
	}()
	go func() {
		copying.Wait() // Wait closes the pipe; read it to the end first
		_ = cmd.Wait()
		logFile.Close()
		close(p.exited)
	}()
	timer := time.NewTimer(60 * time.Second)
	defer timer.Stop()
	select {
	case u := <-urls:
		p.url, p.ready = u, time.Since(began)
		return p, nil
	case <-p.exited:
		return nil, fmt.Errorf("%s exited before serving:\n%s", name, tail(logPath))
	case <-timer.C:
		p.stop()
		return nil, fmt.Errorf("%s did not serve within a minute:\n%s", name, tail(logPath))
	case <-ctx.Done():
		p.stop()
		return nil, ctx.Err()
	}
}

// stop ends the process with SIGTERM, and SIGKILL if it lingers.
func (p *proc) stop() {
	if p == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// alive reports an error, with its log, when the process has exited.
func (p *proc) alive() error {
	select {
	case <-p.exited:
		return fmt.Errorf("%s exited:\n%s", p.name, tail(p.logPath))
	default:
		return nil
	}
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

// tail returns the last lines of a log file, for error messages.
func tail(path string) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return "  " + strings.Join(lines, "\n  ")
}

// lastLine returns the last line of a log file, "" when there is none.
func lastLine(path string) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	s := strings.TrimRight(string(raw), "\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// memory is a process's resident set (procs.Memory).
type memory = procs.Memory

// readMemory reads pid's resident set.
func readMemory(pid int) (memory, error) { return procs.ReadMemory(pid) }

// cpuMeter reads the CPU time of some processes before and after a
// measurement, to tell where each operation's CPU goes.
type cpuMeter struct {
	pids   []int
	before []time.Duration
}

func meterCPU(pids ...int) *cpuMeter {
	m := &cpuMeter{pids: pids, before: make([]time.Duration, len(pids))}
	for i, pid := range pids {
		m.before[i] = procs.CPUTime(pid)
	}
	return m
}

// used returns each process's CPU time since meterCPU.
func (m *cpuMeter) used() []time.Duration {
	out := make([]time.Duration, len(m.pids))
	for i, pid := range m.pids {
		out[i] = procs.CPUTime(pid) - m.before[i]
	}
	return out
}

// sampleRSS samples the resident sets of pids every 100 ms (a pid of 0 is
// skipped) until Finish.
func sampleRSS(pids ...int) *procs.RSSSampler { return procs.SampleRSS(100*time.Millisecond, pids...) }

var errNoProcFS = errors.New("no /proc: memory figures need Linux")

// checkProcFS fails early where /proc cannot be read.
func checkProcFS() error {
	if _, err := readMemory(os.Getpid()); err != nil {
		return fmt.Errorf("%w (%v)", errNoProcFS, err)
	}
	return nil
}
