package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, to make and drop the run's schema

	"github.com/latchkey-dev/latchkey/internal/openstore"
)

// Credentials of the run. The API key is required of the SDK, as in a
// deployment where the core is reachable over the network.
const (
	apiKey            = "bench-api-key-0123456789abcdef"
	password          = "bench-password-1"
	dashboardEmail    = "bench-admin@example.com"
	dashboardPassword = "Bench-password-1"
	// role is given to every seeded user, with one permission, so that a
	// sign-in fills the roles and permissions claims.
	role = "member"
)

// engine is one store engine with its core and backend processes and the
// users and sessions seeded on it.
type engine struct {
	name     string // sqlite or postgres
	alg      string // the core's access-token signing algorithm
	dsn      string
	describe string
	core     *proc
	backend  *proc
	// idle is each process's memory right after it started serving.
	idleCore, idleBackend memory

	users []user
	// Each user's session from a sign-in: its first access token, which
	// the protected route gets in a cookie or a header (the token is the
	// same in either mode), and its newest refresh token (a refresh
	// worker owns its slot). Refreshing does not end the first access
	// token, which the SDK checks without the core.
	access       []string
	refresh      []string
	dashboardSID string

	signUps atomic.Int64 // sequence of sign-up emails
	drop    func()       // drops the PostgreSQL schema
}

type user struct{ email, id string }

// postgresSchema makes a fresh schema in the database at base and returns
// a URL to it, and a function that drops it.
func postgresSchema(ctx context.Context, base string) (string, func(), error) {
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "bench_" + hex.EncodeToString(b[:])
	db, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", nil, fmt.Errorf("postgres at %s: creating a schema: %w", openstore.Describe(base), err)
	}
	drop := func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			progress("dropping schema %s: %v", schema, err)
		}
	}
	u, err := url.Parse(base)
	if err != nil {
		drop()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

// label names the engine in the report: its store, and its algorithm
// unless that is RS256.
func (e *engine) label() string {
	if e.alg == "" || e.alg == algRS256 {
		return e.name
	}
	return e.name + " " + e.alg
}

// startEngine starts a core on a fresh store of the named engine, signing
// access tokens with alg, and a backend on the core.
func (h *harness) startEngine(ctx context.Context, name, alg string) (*engine, error) {
	e := &engine{name: name, alg: alg}
	suffix := ""
	if alg != algRS256 {
		suffix = "-" + strings.ToLower(alg)
	}
	switch name {
	case "sqlite":
		e.dsn = "sqlite:" + filepath.Join(h.tmp, "core"+suffix+".db")
	case "postgres":
		dsn, drop, err := postgresSchema(ctx, h.opts.postgresURL)
		if err != nil {
			return nil, err
		}
		e.dsn, e.drop = dsn, drop
	}
	e.describe = openstore.Describe(e.dsn)
	var err error
	e.core, err = startProc(ctx, h.tmp, "core-"+name+suffix, h.latchkey, []string{"core",
		"--addr", "127.0.0.1:0", "--db", e.dsn, "--api-keys", apiKey, "--access-token-signing-algorithm", alg,
		"--bcrypt-log-rounds", strconv.Itoa(h.opts.cost), "--log-format", "json"}, nil, true, coreReady)
	if err != nil {
		return e, err
	}
	e.idleCore, _ = readMemory(e.core.pid())
	args := []string{"serve-backend", "-core", e.core.url, "-api-key", apiKey}
	if h.opts.profileDir != "" {
		args = append(args, "-cpuprofile", filepath.Join(h.opts.profileDir, "backend-"+name+suffix+".prof"))
	}
	e.backend, err = startProc(ctx, h.tmp, "backend-"+name+suffix, h.self, args, nil, false, childReady)
	if err != nil {
		return e, err
	}
	e.idleBackend, _ = readMemory(e.backend.pid())
	return e, nil
}

// stop ends the engine's processes and drops its schema.
func (e *engine) stop() {
	e.backend.stop()
	e.core.stop()
	if e.drop != nil {
		e.drop()
	}
}

// coreCall calls the core directly, for setup the SDK has no FDI for
// (roles, the dashboard account).
func (h *harness) coreCall(ctx context.Context, e *engine, method, path string, body any) error {
	raw, _ := json.Marshal(body)
	a, err := call(ctx, h.client, method, e.core.url+path, raw, http.Header{"Api-Key": {apiKey}, "Cdi-Version": {"5.4"}})
	if err != nil {
		return err
	}
	if !a.okStatus() {
		return fmt.Errorf("core %s %s: %s", method, path, a)
	}
	return nil
}

// signUp signs a new user up through the backend's FDI.
func (h *harness) signUp(ctx context.Context, e *engine, email string) (user, error) {
	a, err := call(ctx, h.client, http.MethodPost, e.backend.url+"/auth/signup", fdiForm(email, password), fdiHeader(false))
	if err != nil {
		return user{}, err
	}
	var out struct {
		Status string `json:"status"`
		User   struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	if !a.okStatus() || json.Unmarshal(a.body, &out) != nil || out.User.ID == "" {
		return user{}, fmt.Errorf("sign-up of %s: %s", email, a)
	}
	return user{email: email, id: out.User.ID}, nil
}

// fdiHeader is what supertokens-web-js sends with a sign-up or sign-in:
// the recipe id and the token transfer method it wants (cookie unless
// told otherwise; without the header the SDK chooses header mode).
func fdiHeader(headerMode bool) http.Header {
	mode := "cookie"
	if headerMode {
		mode = "header"
	}
	return http.Header{"Rid": {"emailpassword"}, "St-Auth-Mode": {mode}}
}

// signIn signs u in through the backend's FDI, in header or cookie mode.
func (h *harness) signIn(ctx context.Context, e *engine, u user, headerMode bool) (tokens, error) {
	a, err := call(ctx, h.client, http.MethodPost, e.backend.url+"/auth/signin", fdiForm(u.email, password), fdiHeader(headerMode))
	if err != nil {
		return tokens{}, err
	}
	if !a.okStatus() {
		return tokens{}, fmt.Errorf("sign-in of %s: %s", u.email, a)
	}
	return signInTokens(a, headerMode)
}

// refresh swaps a cookie-mode refresh token for new tokens.
func (h *harness) refresh(ctx context.Context, e *engine, refreshToken string) (tokens, error) {
	a, err := call(ctx, h.client, http.MethodPost, e.backend.url+"/auth/session/refresh", nil,
		http.Header{"Cookie": {"sRefreshToken=" + refreshToken}, "Rid": {"session"}})
	if err != nil {
		return tokens{}, err
	}
	if a.code != http.StatusOK {
		return tokens{}, fmt.Errorf("refresh: %s", a)
	}
	return signInTokens(a, false)
}

// seedUsers is how many users each engine gets: one per client slot, and
// at least a dashboard page of them.
func (o options) seedUsers() int { return max(o.maxClients(), dashboardPageSize) }

// seed gives the engine its users, each with the role and the sessions the
// chosen scenarios need, and a dashboard account.
func (h *harness) seed(ctx context.Context, e *engine) error {
	n := h.opts.seedUsers()
	if err := h.coreCall(ctx, e, http.MethodPut, "/recipe/role", map[string]any{"role": role, "permissions": []string{"read"}}); err != nil {
		return err
	}
	e.users = make([]user, n)
	e.access = make([]string, n)
	e.refresh = make([]string, n)
	err := parallel(ctx, n, 2*cpus(), func(i int) error {
		u, err := h.signUp(ctx, e, fmt.Sprintf("seed-%d@example.com", i))
		if err != nil {
			return err
		}
		e.users[i] = u
		if err := h.coreCall(ctx, e, http.MethodPut, "/recipe/user/role", map[string]any{"userId": u.id, "role": role}); err != nil {
			return err
		}
		if !h.opts.has(scProtectedCookie) && !h.opts.has(scProtectedHeader) && !h.opts.has(scRefresh) {
			return nil
		}
		t, err := h.signIn(ctx, e, u, false)
		if err != nil {
			return err
		}
		e.access[i], e.refresh[i] = t.access, t.refresh
		return nil
	})
	if err != nil {
		return err
	}
	if err := h.coreCall(ctx, e, http.MethodPost, "/recipe/dashboard/user", map[string]string{"email": dashboardEmail, "password": dashboardPassword}); err != nil {
		return err
	}
	raw, _ := json.Marshal(map[string]string{"email": dashboardEmail, "password": dashboardPassword})
	a, err := call(ctx, h.client, http.MethodPost, e.backend.url+"/auth/dashboard/api/signin", raw, nil)
	if err != nil {
		return err
	}
	var out struct {
		SessionID string `json:"sessionId"`
	}
	if !a.okStatus() || json.Unmarshal(a.body, &out) != nil || out.SessionID == "" {
		return fmt.Errorf("dashboard sign-in: %s", a)
	}
	e.dashboardSID = out.SessionID
	return nil
}

// parallel calls fn(0..n-1) from up to workers goroutines and returns the
// first error.
func parallel(ctx context.Context, n, workers int, fn func(i int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}
