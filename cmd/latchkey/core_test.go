package main

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCoreProcess builds the binary, starts `latchkey core`, checks the
// start-up line and a request, then sends SIGTERM and expects exit 0.
func TestCoreProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "latchkey")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "core", "--addr", "127.0.0.1:0", "--db", "sqlite:"+filepath.Join(dir, "core.db"))
	cmd.Env = append(os.Environ(), "LATCHKEY_API_KEYS=")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })

	lines := bufio.NewScanner(stderr)
	var addr string
	for lines.Scan() {
		line := lines.Text()
		if i := strings.Index(line, "addr=http://"); i >= 0 && strings.Contains(line, "latchkey core listening") {
			addr = strings.Fields(line[i+len("addr="):])[0]
			if !strings.Contains(line, "store=sqlite:") {
				t.Errorf("start-up line does not name the store: %s", line)
			}
			break
		}
	}
	if addr == "" {
		t.Fatal("no start-up line")
	}
	resp, err := http.Get(addr + "/hello")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("hello: %d", resp.StatusCode)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var rest strings.Builder
	for lines.Scan() {
		rest.WriteString(lines.Text() + "\n")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, rest.String())
		}
	case <-ctx.Done():
		t.Fatal("the core did not stop after SIGTERM")
	}
	if !strings.Contains(rest.String(), "latchkey core stopped") {
		t.Errorf("no stop line: %s", rest.String())
	}
}
