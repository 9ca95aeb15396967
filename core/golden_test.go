package core_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

var update = flag.Bool("update", false, "rewrite testdata/cdi/*.golden from the core's answers")

// TestGolden pins the core's wire shapes. Each testdata/cdi/*.golden file
// is a conversation with a fresh core: requests, each followed by "----"
// and the expected answer (status code, then the body: JSON pretty-printed
// with sorted keys, or text). Cases are separated by "====".
//
// Values that change from run to run are replaced by stable names: UUIDs
// by <id-N>, JWTs by <jwt-N>, other long tokens by <token-N>, passwordless
// codes by <code-N>, and
// millisecond times by <ms>, second times by <s>. A request may use a name
// from an earlier answer; it is replaced by the real value before sending.
// Run `go test ./core -run TestGolden -update` to rewrite the files, then
// review the diff.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/cdi/*.golden")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".golden"), func(t *testing.T) {
			for _, engine := range coretest.Engines {
				t.Run(engine, func(t *testing.T) { runGolden(t, file, engine) })
			}
		})
	}
}

type goldenCase struct {
	comment []string
	request string // "METHOD /path" then optional header lines "Name: value", a blank line, then a body
	want    string
}

func parseGolden(t *testing.T, raw string) []goldenCase {
	var cases []goldenCase
	for _, chunk := range strings.Split(raw, "\n====\n") {
		chunk = strings.Trim(chunk, "\n")
		if chunk == "" {
			continue
		}
		var c goldenCase
		lines := strings.Split(chunk, "\n")
		for len(lines) > 0 && strings.HasPrefix(lines[0], "#") {
			c.comment = append(c.comment, lines[0])
			lines = lines[1:]
		}
		req, want, ok := strings.Cut(strings.Join(lines, "\n"), "\n----\n")
		if !ok {
			req, want = strings.TrimSuffix(strings.Join(lines, "\n"), "\n----"), ""
		}
		c.request, c.want = req, want
		cases = append(cases, c)
	}
	return cases
}

func runGolden(t *testing.T, file, engine string) {
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	cases := parseGolden(t, string(raw))
	// A fixed, advancing clock: times still vary (creation order), so they
	// are normalised too, but expiry logic sees a sane clock.
	var mu sync.Mutex
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := coretest.Start(t, coretest.Mode{Engine: engine, InProcess: true}, func(cfg *core.Config) {
		cfg.Now = func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			now = now.Add(time.Millisecond)
			return now
		}
	})
	n := newNormaliser()
	var out strings.Builder
	for i, gc := range cases {
		method, path, header, body := splitRequest(t, n.restore(gc.request))
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Host = "localhost:3567" // a keyless core serves loopback names only
		if body != "" {
			req.Header.Set("Content-Type", "application/json; charset=utf-8")
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		c.Core.ServeHTTP(rec, req)
		got := n.normalise(fmt.Sprintf("%d\n%s", rec.Code, render(rec.Body.Bytes(), rec.Header())))
		if i > 0 {
			out.WriteString("\n====\n")
		}
		for _, line := range gc.comment {
			out.WriteString(line + "\n")
		}
		out.WriteString(gc.request + "\n----\n" + got)
		if !*update && got != gc.want {
			t.Errorf("%s: %s\n--- got\n%s\n--- want\n%s", filepath.Base(file), firstLine(gc.request), got, gc.want)
		}
	}
	if *update && engine == coretest.Engines[0] {
		if err := os.WriteFile(file, []byte(out.String()+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

// splitRequest reads "METHOD /path", header lines, a blank line, a body.
func splitRequest(t *testing.T, s string) (method, path string, header map[string]string, body string) {
	head, body, _ := strings.Cut(s, "\n\n")
	lines := strings.Split(head, "\n")
	method, path, ok := strings.Cut(lines[0], " ")
	if !ok {
		t.Fatalf("bad request line %q", lines[0])
	}
	header = map[string]string{}
	for _, l := range lines[1:] {
		k, v, ok := strings.Cut(l, ": ")
		if !ok {
			t.Fatalf("bad header line %q", l)
		}
		header[k] = v
	}
	return method, path, header, body
}

// render prints a body: JSON pretty-printed with sorted keys (so field
// order in Go structs does not churn the files), other bodies as text.
func render(body []byte, h http.Header) string {
	if strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		var v any
		if json.Unmarshal(body, &v) == nil {
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			_ = enc.Encode(v) // maps marshal with sorted keys
			return strings.TrimSuffix(b.String(), "\n")
		}
	}
	return strings.TrimSuffix(string(body), "\n")
}

// normaliser gives volatile values stable names, and maps them back.
type normaliser struct {
	names  map[string]string // value -> name
	values map[string]string // name -> value
	counts map[string]int
}

func newNormaliser() *normaliser {
	return &normaliser{names: map[string]string{}, values: map[string]string{}, counts: map[string]int{}}
}

var (
	reUUID   = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	reJWT    = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)
	reToken  = regexp.MustCompile(`"([A-Za-z0-9_=+/-]{40,})"`)
	reStatus = regexp.MustCompile(`^"[A-Z_]+"$`)
	reKid    = regexp.MustCompile(`"(d-[0-9]{13}|s-[0-9a-f-]{36})"`)
	reMS     = regexp.MustCompile(`\b1[0-9]{12}\b`)
	reS      = regexp.MustCompile(`\b1[0-9]{9}\b`)
	reCode   = regexp.MustCompile(`"userInputCode": "([0-9]{6})"`)
	reName   = regexp.MustCompile(`<(id|jwt|token|kid|code)-[0-9]+>`)
)

func (n *normaliser) name(kind, v string) string {
	if name, ok := n.names[v]; ok {
		return name
	}
	n.counts[kind]++
	name := "<" + kind + "-" + strconv.Itoa(n.counts[kind]) + ">"
	n.names[v], n.values[name] = name, v
	return name
}

func (n *normaliser) normalise(s string) string {
	s = reJWT.ReplaceAllStringFunc(s, func(v string) string { return n.name("jwt", v) })
	s = reCode.ReplaceAllStringFunc(s, func(v string) string {
		return `"userInputCode": "` + n.name("code", reCode.FindStringSubmatch(v)[1]) + `"`
	})
	s = reKid.ReplaceAllStringFunc(s, func(v string) string { return `"` + n.name("kid", strings.Trim(v, `"`)) + `"` })
	s = reUUID.ReplaceAllStringFunc(s, func(v string) string { return n.name("id", v) })
	s = reToken.ReplaceAllStringFunc(s, func(v string) string {
		if reStatus.MatchString(v) {
			return v // a long status string, such as account linking's, is the contract
		}
		return `"` + n.name("token", strings.Trim(v, `"`)) + `"`
	})
	s = reMS.ReplaceAllString(s, "<ms>")
	s = reS.ReplaceAllString(s, "<s>")
	return s
}

func (n *normaliser) restore(s string) string {
	return reName.ReplaceAllStringFunc(s, func(name string) string {
		if v, ok := n.values[name]; ok {
			return v
		}
		return name
	})
}
