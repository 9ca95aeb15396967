// Package coretest starts real cores for tests: a core.Core on a fresh
// SQLite file or a fresh PostgreSQL schema, reached over loopback HTTP or
// in-process, with small helpers to call it.
//
//	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
//		r := c.Post(t, "/recipe/signup", map[string]any{"email": "a@b.co", "password": "pw"})
//		...
//	})
//
// PostgreSQL comes from LATCHKEY_TEST_POSTGRES_URL. Without it the
// PostgreSQL cases are skipped with a message, except when CI=true, where
// that is a failure.
package coretest

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, to make test schemas

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/store"
	"github.com/latchkey-dev/latchkey/store/postgres"
	"github.com/latchkey-dev/latchkey/store/sqlite"
)

// Engines are the store engines tests run on.
var Engines = []string{"sqlite", "postgres"}

// Mode is one cell of the test matrix.
type Mode struct {
	Engine    string // "sqlite" or "postgres"
	InProcess bool   // call the handler directly instead of over loopback
}

func (m Mode) String() string {
	transport := "http"
	if m.InProcess {
		transport = "inprocess"
	}
	return m.Engine + "/" + transport
}

// Modes is every cell: each engine over HTTP and in-process.
func Modes() []Mode {
	var out []Mode
	for _, e := range Engines {
		out = append(out, Mode{Engine: e}, Mode{Engine: e, InProcess: true})
	}
	return out
}

// Run runs fn as a parallel subtest for every Mode, each on a core of its
// own with a fresh store. configure, when given, adjusts the config.
func Run(t *testing.T, fn func(t *testing.T, c *Client), configure ...func(*core.Config)) {
	t.Helper()
	for _, m := range Modes() {
		t.Run(m.String(), func(t *testing.T) {
			t.Parallel()
			fn(t, Start(t, m, configure...))
		})
	}
}

// New starts a core on a fresh SQLite file, reached over loopback HTTP.
func New(t testing.TB, configure ...func(*core.Config)) *Client {
	t.Helper()
	return Start(t, Mode{Engine: "sqlite"}, configure...)
}

// Start starts a core in mode m. Everything is released by t.Cleanup.
func Start(t testing.TB, m Mode, configure ...func(*core.Config)) *Client {
	t.Helper()
	st := OpenStore(t, m.Engine)
	cfg := core.Config{
		Store:           st,
		Logger:          slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		CleanupInterval: -1,
		// Tests hash many passwords; the cheapest cost keeps them fast.
		PasswordHashing: core.PasswordHashing{BcryptCost: 4},
	}
	for _, f := range configure {
		f(&cfg)
	}
	c, err := core.New(cfg)
	if err != nil {
		t.Fatalf("core.New: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return Connect(t, c, st, m)
}

// Connect returns a client for an existing core, over loopback HTTP or
// in-process as m says.
func Connect(t testing.TB, c *core.Core, st store.Store, m Mode) *Client {
	t.Helper()
	cl := &Client{Core: c, Store: st, Mode: m, Header: http.Header{}}
	if m.InProcess {
		cl.URL = "http://core.in-process"
		cl.HTTP = &http.Client{Transport: HandlerTransport{Handler: c}}
	} else {
		srv := httptest.NewServer(c)
		t.Cleanup(srv.Close)
		cl.URL = srv.URL
		cl.HTTP = srv.Client()
	}
	return cl
}

// OpenStore opens a fresh, migrated store of the given engine, closed and
// removed by t.Cleanup.
func OpenStore(t testing.TB, engine string) store.Store {
	t.Helper()
	ctx := context.Background()
	var st store.Store
	var err error
	switch engine {
	case "sqlite":
		st, err = sqlite.Open(ctx, filepath.Join(t.TempDir(), "latchkey.db"))
	case "postgres":
		st, err = postgres.Open(ctx, PostgresURL(t))
	default:
		t.Fatalf("coretest: unknown engine %q", engine)
	}
	if err != nil {
		t.Fatalf("opening %s store: %v", engine, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// PostgresURL returns a URL to a fresh, empty schema in the test
// PostgreSQL database, dropped by t.Cleanup. It skips the test when
// LATCHKEY_TEST_POSTGRES_URL is unset, or fails it when CI=true.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("LATCHKEY_TEST_POSTGRES_URL")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("LATCHKEY_TEST_POSTGRES_URL is not set: CI must run the PostgreSQL tests")
		}
		t.Skip("PostgreSQL tests skipped: set LATCHKEY_TEST_POSTGRES_URL (make test does)")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("postgres: creating schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("LATCHKEY_TEST_POSTGRES_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// HandlerTransport is an http.RoundTripper that serves requests with a
// handler in-process, without a socket.
type HandlerTransport struct {
	Handler http.Handler
}

// RoundTrip implements http.RoundTripper.
func (h HandlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	if r.Body == nil {
		r.Body = http.NoBody
	}
	h.Handler.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// Client calls a test core.
type Client struct {
	URL   string
	HTTP  *http.Client
	Core  *core.Core
	Store store.Store
	Mode  Mode
	// Header is sent with every request (set "api-key" here, say).
	Header http.Header
}

// Response is a core's answer.
type Response struct {
	Code   int
	Header http.Header
	Body   []byte
}

// JSON decodes the body as a JSON object, failing the test if it is not.
func (r *Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response %d is not a JSON object: %v\n%s", r.Code, err, r.Body)
	}
	return m
}

// Status returns the body's "status", failing the test unless the code is
// 200 and the body JSON.
func (r *Response) Status(t testing.TB) string {
	t.Helper()
	if r.Code != http.StatusOK {
		t.Fatalf("got HTTP %d, want 200: %s", r.Code, r.Body)
	}
	s, _ := r.JSON(t)["status"].(string)
	return s
}

// Text returns the body as a string without its trailing newline.
func (r *Response) Text() string { return strings.TrimSuffix(string(r.Body), "\n") }

// Do sends a request. body may be nil, a string or []byte (sent as is), or
// any other value (sent as JSON). header holds name, value pairs.
func (c *Client) Do(t testing.TB, method, path string, body any, header ...string) *Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("marshal body: %v", err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, c.URL+path, rd)
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	for k, vs := range c.Header {
		req.Header[k] = vs
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return &Response{Code: resp.StatusCode, Header: resp.Header, Body: raw}
}

// Get sends a GET.
func (c *Client) Get(t testing.TB, path string, header ...string) *Response {
	t.Helper()
	return c.Do(t, http.MethodGet, path, nil, header...)
}

// Post sends a POST with a JSON body.
func (c *Client) Post(t testing.TB, path string, body any, header ...string) *Response {
	t.Helper()
	return c.Do(t, http.MethodPost, path, body, header...)
}

// Put sends a PUT with a JSON body.
func (c *Client) Put(t testing.TB, path string, body any, header ...string) *Response {
	t.Helper()
	return c.Do(t, http.MethodPut, path, body, header...)
}

// Delete sends a DELETE.
func (c *Client) Delete(t testing.TB, path string, header ...string) *Response {
	t.Helper()
	return c.Do(t, http.MethodDelete, path, nil, header...)
}
