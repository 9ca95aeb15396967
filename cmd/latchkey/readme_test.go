package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

// readmeBlocks returns the README's fenced blocks of the given language.
func readmeBlocks(t *testing.T, lang string) []string {
	t.Helper()
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?ms)^ *```" + lang + "\n(.*?)^ *```")
	var out []string
	for _, m := range re.FindAllStringSubmatch(string(raw), -1) {
		out = append(out, m[1])
	}
	return out
}

// readmeCommands returns every command of the README's sh blocks, with
// continuation lines joined and the indentation of list items removed.
func readmeCommands(t *testing.T) []string {
	var cmds []string
	for _, block := range readmeBlocks(t, "sh") {
		var cur strings.Builder
		for _, line := range strings.Split(block, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if strings.HasSuffix(line, `\`) {
				cur.WriteString(strings.TrimSuffix(line, `\`) + " ")
				continue
			}
			cur.WriteString(line)
			cmds = append(cmds, cur.String())
			cur.Reset()
		}
	}
	return cmds
}

// shellWords splits a command line the way sh would for the README's
// commands: single and double quotes, and $VAR in double quotes or bare.
func shellWords(line string, getenv func(string) string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'':
			j := strings.IndexByte(line[i+1:], '\'')
			cur.WriteString(line[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			j := strings.IndexByte(line[i+1:], '"')
			cur.WriteString(expandVars(line[i+1:i+1+j], getenv))
			i += j + 1
			inWord = true
		case c == ' ':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, expandVars(cur.String(), getenv))
	}
	return words
}

var varRef = regexp.MustCompile(`\$[A-Z_]+`)

func expandVars(s string, getenv func(string) string) string {
	return varRef.ReplaceAllStringFunc(s, func(v string) string { return getenv(v[1:]) })
}

// TestREADMECommands runs every shell command the README shows, or names
// the test or CI step that does, so the README cannot drift from the
// code. Addresses, databases and keys are swapped for test ones.
func TestREADMECommands(t *testing.T) {
	cmds := readmeCommands(t)
	if len(cmds) < 10 {
		t.Fatalf("found only %d README commands: is the parser broken?", len(cmds))
	}
	dir := t.TempDir()
	yamls := readmeBlocks(t, "yaml")
	if len(yamls) != 1 {
		t.Fatalf("want one yaml block in the README, got %d", len(yamls))
	}
	if err := os.WriteFile(filepath.Join(dir, "latchkey.yaml"), []byte(yamls[0]), 0o600); err != nil {
		t.Fatal(err)
	}
	const testKey = "readme-test-key-0123456789"
	env := map[string]string{"LATCHKEY_API_KEY": testKey}

	// One core for the curl commands, which name the demo's core address.
	c := coretest.New(t)
	covered := map[string]string{
		"go run ./cmd/latchkey demo":          "TestDemo",
		"make test":                           ".ci/run",
		"go build -o latchkey ./cmd/latchkey": "TestCoreProcess",
	}
	for _, line := range cmds {
		t.Run(line, func(t *testing.T) {
			if by, ok := covered[line]; ok {
				t.Logf("run by %s", by)
				return
			}
			words := shellWords(line, func(k string) string { return env[k] })
			getenv := func(k string) string { return "" }
			for len(words) > 0 && regexp.MustCompile(`^[A-Z_]+=`).MatchString(words[0]) {
				k, v, _ := strings.Cut(words[0], "=")
				prev := getenv
				getenv = func(name string) string {
					if name == k {
						return v
					}
					return prev(name)
				}
				words = words[1:]
			}
			switch {
			case words[0] == "curl":
				runREADMECurl(t, c.URL, words)
			case len(words) > 3 && strings.Join(words[:3], " ") == "go run ./cmd/latchkey":
				runREADMELatchkey(t, dir, words[3:], getenv)
			default:
				t.Fatalf("no test runs this README command; add it here: %s", line)
			}
		})
	}
}

// runREADMECurl runs a README curl command against the test core.
func runREADMECurl(t *testing.T, coreURL string, words []string) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed")
	}
	for i, w := range words {
		words[i] = strings.Replace(w, "http://127.0.0.1:3567", coreURL, 1)
	}
	out, err := exec.Command(curl, append([]string{"--silent", "--show-error"}, words[1:]...)...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), `"status":"OK"`) {
		t.Fatalf("%v: %s", err, out)
	}
}

// runREADMELatchkey runs a `go run ./cmd/latchkey …` command in-process: a
// core is started, answers /hello and is stopped; other commands run to
// completion. The database is a temporary SQLite file, or a fresh
// PostgreSQL schema where the README names PostgreSQL.
func runREADMELatchkey(t *testing.T, dir string, args []string, getenv func(string) string) {
	for i, a := range args {
		switch {
		case strings.HasPrefix(a, "sqlite:"):
			args[i] = "sqlite:" + filepath.Join(dir, filepath.Base(strings.TrimPrefix(a, "sqlite:")))
		case strings.HasPrefix(a, "postgres://"):
			args[i] = coretest.PostgresURL(t)
		case a == "latchkey.yaml":
			args[i] = filepath.Join(dir, "latchkey.yaml")
		}
	}
	if args[0] != "core" {
		// Commands that run to completion (migrate, dashboard-user) get
		// a database they can use.
		if !strings.Contains(strings.Join(args, " "), "--db") {
			args = append(args, "--db", "sqlite:"+filepath.Join(dir, "latchkey.db"))
		}
		if code := run(t.Context(), args, getenv, io.Discard, testWriter{t}); code != 0 {
			t.Fatalf("exit %d", code)
		}
		return
	}
	s, err := loadCoreSettings(args[1:], getenv, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	if s.DB == "sqlite:latchkey.db" {
		s.DB = "sqlite:" + filepath.Join(dir, "latchkey.db")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		errc <- serveCore(ctx, ln, s, slog.New(slog.NewTextHandler(testWriter{t}, nil)), func(*core.Core) {
			resp, err := http.Get("http://" + ln.Addr().String() + "/hello")
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Errorf("hello: %v %v", err, resp)
			}
			if resp != nil {
				resp.Body.Close()
			}
			cancel()
		})
	}()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// testWriter sends output to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
