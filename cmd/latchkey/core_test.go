package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
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

// TestKeylessCoreStaysOnLoopback: without API keys the core starts only
// on a loopback address, unless allow_keyless_remote says a network
// boundary protects it (issue 11, finding 4).
func TestKeylessCoreStaysOnLoopback(t *testing.T) {
	loopback := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 3567}
	for _, tc := range []struct {
		name    string
		addr    net.Addr
		args    []string
		wantErr bool
	}{
		{"keyless on 127.0.0.1", loopback, nil, false},
		{"keyless on ::1", &net.TCPAddr{IP: net.IPv6loopback, Port: 3567}, nil, false},
		{"keyless on every interface", &net.TCPAddr{IP: net.IPv4zero, Port: 3567}, nil, true},
		{"keyless on [::]", &net.TCPAddr{IP: net.IPv6unspecified, Port: 3567}, nil, true},
		{"keyless on a LAN address", &net.TCPAddr{IP: net.IPv4(10, 0, 0, 5), Port: 3567}, nil, true},
		{"keyless, explicitly allowed", &net.TCPAddr{IP: net.IPv4zero, Port: 3567}, []string{"--allow-keyless-remote=true"}, false},
		{"with a key", &net.TCPAddr{IP: net.IPv4zero, Port: 3567}, []string{"--api-keys", "a-key-of-twenty-chars-or-more"}, false},
	} {
		s, err := loadCoreSettings(tc.args, func(string) string { return "" }, io.Discard)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		err = checkKeylessAddr(tc.addr, s)
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: %v, want error %v", tc.name, err, tc.wantErr)
		}
		if err != nil && !strings.Contains(err.Error(), "--allow-keyless-remote=true") {
			t.Errorf("%s: the error does not say how to proceed: %v", tc.name, err)
		}
	}
	// serveCore applies it before opening the store.
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := loadCoreSettings(nil, func(string) string { return "" }, io.Discard)
	s.DB = "sqlite:" + filepath.Join(t.TempDir(), "core.db")
	if err := serveCore(t.Context(), ln, s, slog.New(slog.DiscardHandler), nil); err == nil || !strings.Contains(err.Error(), "refusing to serve without an API key") {
		t.Errorf("serveCore on 0.0.0.0 without a key: %v", err)
	}
}
