package main

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/latchkey-dev/latchkey/bench/internal/load"
)

// harness is one run.
type harness struct {
	opts     options
	tmp      string
	latchkey string // the latchkey binary
	self     string // this binary, for the child roles
	client   *http.Client
	engines  []*engine // RS256, every figure
	// algEngines sign access tokens with another algorithm; only refresh
	// runs on them.
	algEngines []*engine
	bare       *proc

	// signKey and signInput are the RS256 floor's key and signing input,
	// the size of a real access token's.
	signKey   *rsa.PrivateKey
	signInput string
}

// Floors.
const (
	floorBcrypt = "bcrypt"
	floorRS256  = "rs256-sign"
	floorBare   = "bare-verify"
)

// item is one system figure and the floor it is paired with.
type item struct {
	scenario string
	engine   *engine
	clients  int
}

// floor names the floor of an item: the bare handler's in the item's
// token transfer mode and client count; bcrypt and RS256 run one
// goroutine per CPU whatever the client count.
func (it item) floor() floorKey {
	switch it.scenario {
	case scSignUp, scSignIn:
		return floorKey{name: floorBcrypt, clients: cpus()}
	case scRefresh:
		return floorKey{name: floorRS256, clients: cpus()}
	case scProtectedCookie:
		return floorKey{name: floorBare, mode: "cookie", clients: it.clients}
	default:
		return floorKey{name: floorBare, mode: "header", clients: it.clients}
	}
}

type floorKey struct {
	name    string
	mode    string // cookie or header, for the bare handler
	clients int
}

func (k floorKey) String() string {
	if k.mode != "" {
		return k.name + " " + k.mode
	}
	return k.name
}

// schedule lists the items of a round: every load scenario on every
// engine at every client count.
func (h *harness) schedule() []item {
	var items []item
	for _, sc := range []string{scSignUp, scSignIn, scProtectedCookie, scProtectedHeader, scRefresh} {
		if !h.opts.has(sc) {
			continue
		}
		engines := h.engines
		if sc == scRefresh {
			engines = append(slices.Clip(engines), h.algEngines...)
		}
		for _, e := range engines {
			for _, c := range h.opts.clients {
				items = append(items, item{scenario: sc, engine: e, clients: c})
			}
		}
	}
	return items
}

// measurement is one timed run of a floor or a figure.
type measurement struct {
	load.Result
	// CoreRSS and BackendRSS are the largest resident sets seen while it
	// ran; 0 where there is no such process (in-process floors).
	CoreRSS, BackendRSS int64
	// CoreCalls is how many calls the backend made to the core.
	CoreCalls int64
	// CoreCPU, BackendCPU and ClientCPU are the CPU time the core, the
	// backend and this process (the load client) used while it ran.
	CoreCPU, BackendCPU, ClientCPU time.Duration
	// BackendLog is the last line the backend logged, when some requests
	// failed: the SDK logs the cause of each 500.
	BackendLog string
}

// measureSystem runs one system figure.
func (h *harness) measureSystem(ctx context.Context, it item) (measurement, error) {
	e := it.engine
	for _, p := range []*proc{e.core, e.backend} {
		if err := p.alive(); err != nil {
			return measurement{}, err
		}
	}
	if err := warm(ctx, h.client, e.backend.url, it.clients); err != nil {
		return measurement{}, err
	}
	before, err := h.coreCalls(ctx, e)
	if err != nil {
		return measurement{}, err
	}
	newOp := h.systemOp(ctx, it)
	s := sampleRSS(e.core.pid(), e.backend.pid())
	cpu := meterCPU(e.core.pid(), e.backend.pid(), os.Getpid())
	r := load.Run(ctx, it.clients, h.opts.duration, newOp)
	used := cpu.used()
	rss := s.Finish()
	after, err := h.coreCalls(ctx, e)
	if err != nil {
		return measurement{}, err
	}
	m := measurement{Result: r, CoreRSS: rss[0], BackendRSS: rss[1], CoreCalls: after.minus(before).Total,
		CoreCPU: used[0], BackendCPU: used[1], ClientCPU: used[2]}
	if r.Errors > 0 {
		m.BackendLog = lastLine(e.backend.logPath)
	}
	return m, ctx.Err()
}

// systemOp returns the operation each client repeats for an item.
func (h *harness) systemOp(ctx context.Context, it item) func(worker int) load.Op {
	e := it.engine
	base := e.backend.url
	switch it.scenario {
	case scSignUp:
		return func(int) load.Op {
			return func(ctx context.Context) error {
				email := fmt.Sprintf("load-%d@example.com", e.signUps.Add(1))
				return okFDI(call(ctx, h.client, http.MethodPost, base+"/auth/signup", fdiForm(email, password), fdiHeader(false)))
			}
		}
	case scSignIn:
		return func(w int) load.Op {
			body := fdiForm(e.users[w%len(e.users)].email, password)
			hdr := fdiHeader(false)
			return func(ctx context.Context) error {
				return okFDI(call(ctx, h.client, http.MethodPost, base+"/auth/signin", body, hdr))
			}
		}
	case scProtectedCookie, scProtectedHeader:
		return func(w int) load.Op {
			return h.getOK(ctx, base+protectedPath, it.scenario == scProtectedHeader, e, w)
		}
	case scRefresh:
		return func(w int) load.Op {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/auth/session/refresh", nil)
			req.Header.Set("Rid", "session")
			slot := &e.refresh[w]
			return func(context.Context) error {
				req.Header.Set("Cookie", "sRefreshToken="+*slot)
				resp, err := h.client.Do(req)
				if err != nil {
					return err
				}
				rt, ok := setCookie(resp.Header, "sRefreshToken")
				drain(resp)
				if resp.StatusCode != http.StatusOK || !ok {
					return fmt.Errorf("refresh: %d", resp.StatusCode)
				}
				*slot = rt
				return nil
			}
		}
	}
	panic("unknown scenario " + it.scenario)
}

// getOK returns an operation that sends one prebuilt GET carrying worker
// w's access token, in a cookie or in the Authorization header, and wants
// a 200. Like a frontend, it keeps a new access token the answer carries
// (the first use of a refreshed token swaps it for one without the
// refresh-token hash).
func (h *harness) getOK(ctx context.Context, url string, headerMode bool, e *engine, w int) load.Op {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if tok := e.access[w%len(e.access)]; headerMode {
		req.Header.Set("Authorization", "Bearer "+tok)
	} else {
		req.Header.Set("Cookie", "sAccessToken="+tok)
	}
	return func(context.Context) error {
		resp, err := h.client.Do(req)
		if err != nil {
			return err
		}
		drain(resp)
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %d", req.URL.Path, resp.StatusCode)
		}
		if headerMode {
			if t := resp.Header.Get("St-Access-Token"); t != "" {
				req.Header.Set("Authorization", "Bearer "+t)
			}
		} else if t, ok := setCookie(resp.Header, "sAccessToken"); ok {
			req.Header.Set("Cookie", "sAccessToken="+t)
		}
		return nil
	}
}

// okFDI turns an FDI answer without "status":"OK" into an error.
func okFDI(a answer, err error) error {
	if err != nil {
		return err
	}
	if !a.okStatus() {
		return fmt.Errorf("%s", a)
	}
	return nil
}

// measureFloor runs the floor of an item.
func (h *harness) measureFloor(ctx context.Context, it item) (measurement, error) {
	k := it.floor()
	switch k.name {
	case floorBcrypt:
		pw := []byte(password)
		r := load.Run(ctx, k.clients, h.opts.duration, func(int) load.Op {
			return func(context.Context) error {
				_, err := bcrypt.GenerateFromPassword(pw, h.opts.cost)
				return err
			}
		})
		return measurement{Result: r}, ctx.Err()
	case floorRS256:
		r := load.Run(ctx, k.clients, h.opts.duration, func(int) load.Op {
			return func(context.Context) error {
				// What the core's signer does per token (core/internal/signing).
				digest := sha256.Sum256([]byte(h.signInput))
				_, err := rsa.SignPKCS1v15(rand.Reader, h.signKey, crypto.SHA256, digest[:])
				return err
			}
		})
		return measurement{Result: r}, ctx.Err()
	}
	if err := h.bare.alive(); err != nil {
		return measurement{}, err
	}
	if err := warm(ctx, h.client, h.bare.url, it.clients); err != nil {
		return measurement{}, err
	}
	path := bareCookiePath
	if k.mode == "header" {
		path = bareHeaderPath
	}
	s := sampleRSS(0, h.bare.pid())
	r := load.Run(ctx, it.clients, h.opts.duration, func(w int) load.Op {
		return h.getOK(ctx, h.bare.url+path, k.mode == "header", it.engine, w)
	})
	return measurement{Result: r, BackendRSS: s.Finish()[1]}, ctx.Err()
}

// prepareFloors makes the RS256 floor's key, and starts the bare handler
// on the cores' keys when a protected-route scenario runs. The signing
// input is a real access token's header and payload.
func (h *harness) prepareFloors(ctx context.Context) error {
	var err error
	if h.signKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		return err
	}
	h.signInput = strings.Repeat("x", 600)
	for _, e := range h.engines {
		for _, t := range e.access {
			if i := strings.LastIndexByte(t, '.'); i > 0 {
				h.signInput = t[:i]
				break
			}
		}
	}
	if !h.opts.has(scProtectedCookie) && !h.opts.has(scProtectedHeader) {
		return nil
	}
	var urls []string
	for _, e := range h.engines {
		urls = append(urls, e.core.url+"/.well-known/jwks.json")
	}
	h.bare, err = startProc(ctx, h.tmp, "bare", h.self, []string{"serve-bare", "-jwks", strings.Join(urls, ",")}, nil, false, childReady)
	return err
}

// coreCalls reads the backend's count of calls to the core.
func (h *harness) coreCalls(ctx context.Context, e *engine) (coreCalls, error) {
	a, err := call(ctx, h.client, http.MethodGet, e.backend.url+coreCallsPath, nil, nil)
	if err != nil {
		return coreCalls{}, err
	}
	var c coreCalls
	if a.code != http.StatusOK || json.Unmarshal(a.body, &c) != nil {
		return coreCalls{}, fmt.Errorf("reading the core-call count: %s", a)
	}
	return c, nil
}
