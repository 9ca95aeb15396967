package dashboard

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The dashboard session is verified by the core in the same round trip as
// a read (issue 17; internal/dashcheck): these tests pin the call counts
// and that it fails closed.

const (
	verifyCall   = "POST /recipe/dashboard/session/verify"
	unauthorised = `{"message":"Unauthorised access"}`
)

// viewPaths are GET APIs that the core verifies alongside their reads.
// USER is replaced by a user id.
var viewPaths = []string{
	"/dashboard/api/search/tags",
	"/dashboard/api/tenants",
	"/dashboard/api/tenant",
	"/dashboard/api/users?limit=10",
	"/dashboard/api/users/count",
	"/dashboard/api/overview",
	"/dashboard/api/user?userId=USER",
	"/dashboard/api/user/email/verify?recipeUserId=USER",
	"/dashboard/api/user/signin-lock?email=u0000@example.com",
	"/dashboard/api/user/metadata?userId=USER",
	"/dashboard/api/user/sessions?userId=USER",
	"/dashboard/api/audit",
	"/dashboard/api/user/suspension?userId=USER",
	"/dashboard/api/userroles/roles",
	"/dashboard/api/userroles/user/roles?userId=USER",
}

// page does what the UI does to show a page of users: the list and the
// count, in parallel. It returns both answers' codes and bodies.
func (e *env) page(token string) (codes [2]int, bodies [2]string) {
	var wg sync.WaitGroup
	for i, path := range []string{"/dashboard/api/users?limit=10&timeJoinedOrder=DESC", "/dashboard/api/users/count"} {
		wg.Go(func() {
			req, err := http.NewRequestWithContext(e.t.Context(), "GET", e.URL+"/auth"+path, nil)
			if err != nil {
				bodies[i] = err.Error()
				return
			}
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := e.app.HTTP.Do(req)
			if err != nil {
				bodies[i] = err.Error()
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			codes[i], bodies[i] = resp.StatusCode, strings.TrimSpace(string(b))
		})
	}
	wg.Wait()
	return codes, bodies
}

// TestDashboardPageThreeCoreCalls: against a Latchkey core, a page (list
// and count, sent in parallel as the UI sends them) costs at most 3 core
// calls, none of them the session verify, on both engines; and every view
// API that reads the core with a GET makes no verify call.
func TestDashboardPageThreeCoreCalls(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			cc := &coreCounter{}
			e := start(t, options{wrapCore: cc.wrap, engine: engine})
			e.fillUsers(25)
			id := e.signUp("viewed@example.com", "pass-word-1")
			tok := e.signIn(viewerEmail)
			var codes [2]int
			var bodies [2]string
			calls := cc.count(func() { codes, bodies = e.page(tok) })
			if codes != [2]int{200, 200} || !strings.Contains(bodies[0], `"users":[{`) || !strings.Contains(bodies[1], `"count":26`) {
				t.Fatalf("page: %v %v", codes, bodies)
			}
			if len(calls) > 3 || slices.Contains(calls, verifyCall) {
				t.Errorf("a page cost %d core calls, want at most 3 and no verify: %v", len(calls), calls)
			}
			for _, p := range viewPaths {
				p = strings.ReplaceAll(p, "USER", id)
				var r int
				calls := cc.count(func() { r = e.call(tok, "GET", p, nil).Code })
				if r != 200 {
					t.Errorf("GET %s: %d", p, r)
				}
				// GET /user/suspension reads with a POST only (the bulk
				// read), which carries no session: it verifies explicitly.
				explicit := strings.HasPrefix(p, "/dashboard/api/user/suspension")
				if slices.Contains(calls, verifyCall) != explicit {
					t.Errorf("GET %s: verify call %v, want %v: %v", p, !explicit, explicit, calls)
				}
			}
		})
	}
}

// TestDashboardSessionRefusedAtOnce: a signed-out session and the session
// of a removed account are refused on their very next read, with nothing
// of the answer in the refusal, on both engines.
func TestDashboardSessionRefusedAtOnce(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			cc := &coreCounter{}
			e := start(t, options{engine: engine, wrapCore: cc.wrap})
			id := e.signUp("secret-user@example.com", "pass-word-1")
			refused := func(tok, why string) {
				t.Helper()
				// The core's refusal is final: no verify call after it.
				calls := cc.count(func() {
					if r := e.call(tok, "GET", "/dashboard/api/users/count", nil); r.Code != http.StatusUnauthorized {
						t.Errorf("%s: count answered %d %s", why, r.Code, r.Body)
					}
				})
				if !slices.Equal(calls, []string{"GET /public/users/count"}) {
					t.Errorf("%s: a refused count made %v, want the count alone", why, calls)
				}
				for _, p := range viewPaths {
					p = strings.ReplaceAll(p, "USER", id)
					r := e.call(tok, "GET", p, nil)
					if r.Code != http.StatusUnauthorized || r.Text() != unauthorised {
						t.Errorf("%s: GET %s answered %d %s, want 401 %s", why, p, r.Code, r.Body, unauthorised)
					}
				}
				if codes, bodies := e.page(tok); codes != [2]int{401, 401} || bodies != [2]string{unauthorised, unauthorised} {
					t.Errorf("%s: page answered %v %v", why, codes, bodies)
				}
			}

			tok := e.signIn(adminEmail)
			if m := e.ok(tok, "GET", "/dashboard/api/users?limit=10", nil); !strings.Contains(fmt.Sprint(m), "secret-user@example.com") {
				t.Fatalf("users before sign-out: %v", m)
			}
			e.ok(tok, "POST", "/dashboard/api/signout", map[string]any{})
			refused(tok, "signed out")

			viewer := e.signIn(viewerEmail)
			e.ok(viewer, "GET", "/dashboard/api/users/count", nil)
			if s := e.core.Delete(t, "/recipe/dashboard/user?email="+viewerEmail).Status(t); s != "OK" {
				t.Fatalf("removing the viewer: %s", s)
			}
			refused(viewer, "account removed")
			refused("0b7c2e4e-5a8f-4d3e-9c1a-000000000000", "never issued")
		})
	}
}

// nonLatchkeyCore stands for a core that knows nothing of the header: it
// drops the request header before the core sees it and the response
// header from its answer.
func nonLatchkeyCore(core http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del("Latchkey-Dashboard-Session")
		core.ServeHTTP(stripHeader{w}, r)
	})
}

// stripHeader removes Latchkey-Dashboard-Session before the answer goes.
type stripHeader struct{ http.ResponseWriter }

func (s stripHeader) WriteHeader(code int) {
	s.Header().Del("Latchkey-Dashboard-Session")
	s.ResponseWriter.WriteHeader(code)
}

func (s stripHeader) Write(p []byte) (int, error) {
	s.Header().Del("Latchkey-Dashboard-Session")
	return s.ResponseWriter.Write(p)
}

// TestDashboardSessionNonLatchkeyCore: against a core that ignores the
// header, every view API still works (with the explicit verify, so a page
// is one call more) and still refuses a signed-out session: it fails
// closed.
func TestDashboardSessionNonLatchkeyCore(t *testing.T) {
	t.Parallel()
	cc := &coreCounter{}
	e := start(t, options{wrapCore: func(h http.Handler) http.Handler { return cc.wrap(nonLatchkeyCore(h)) }})
	id := e.signUp("secret-user@example.com", "pass-word-1")
	tok := e.signIn(adminEmail)
	var codes [2]int
	calls := cc.count(func() { codes, _ = e.page(tok) })
	if codes != [2]int{200, 200} {
		t.Fatalf("page: %v", codes)
	}
	if n := strings.Count(strings.Join(calls, "\n"), verifyCall); n != 2 {
		t.Errorf("the page made %d verify calls, want one per request: %v", n, calls)
	}
	for _, p := range viewPaths {
		p = strings.ReplaceAll(p, "USER", id)
		if r := e.call(tok, "GET", p, nil); r.Code != 200 {
			t.Errorf("GET %s: %d %s", p, r.Code, r.Body)
		}
	}
	e.ok(tok, "POST", "/dashboard/api/signout", map[string]any{})
	for _, p := range viewPaths {
		p = strings.ReplaceAll(p, "USER", id)
		if r := e.call(tok, "GET", p, nil); r.Code != http.StatusUnauthorized || r.Text() != unauthorised {
			t.Errorf("signed out: GET %s answered %d %s", p, r.Code, r.Body)
		}
	}
}

// TestDashboardSessionNoCoreCall: a view API that makes no core call (the
// roles APIs without the roles recipe) is verified explicitly.
func TestDashboardSessionNoCoreCall(t *testing.T) {
	t.Parallel()
	cc := &coreCounter{}
	e := start(t, options{wrapCore: cc.wrap, without: []string{"userroles"}})
	tok := e.signIn(adminEmail)
	var valid string
	calls := cc.count(func() { valid = e.call(tok, "GET", "/dashboard/api/userroles/roles", nil).Text() })
	if !slices.Equal(calls, []string{verifyCall}) || valid == unauthorised {
		t.Errorf("valid session: %s after %v, want the answer after the verify call", valid, calls)
	}
	e.ok(tok, "POST", "/dashboard/api/signout", map[string]any{})
	if r := e.call(tok, "GET", "/dashboard/api/userroles/roles", nil); r.Code != http.StatusUnauthorized || r.Text() != unauthorised {
		t.Errorf("signed out: %d %s", r.Code, r.Body)
	}
}

// TestDashboardViewAboveBufferCap: an answer larger than the buffer cap
// (8 MiB: users whose names are 700 kB each) is still sent whole to a
// valid session, and refused to a signed-out one: by the core's refusal
// of the first read, or, from a core that ignores the header, by the
// explicit verify made when the buffer fills.
func TestDashboardViewAboveBufferCap(t *testing.T) {
	t.Parallel()
	for name, wrap := range map[string]func(http.Handler) http.Handler{"latchkey core": nil, "other core": nonLatchkeyCore} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := start(t, options{wrapCore: wrap})
			name := strings.Repeat("n", 700_000)
			for i := range 14 {
				id := e.signUp(fmt.Sprintf("big%02d@example.com", i), "pass-word-1")
				if _, err := e.md.UpdateUserMetadata(e.t.Context(), id, map[string]any{"first_name": name}); err != nil {
					t.Fatal(err)
				}
			}
			tok := e.signIn(adminEmail)
			r := e.call(tok, "GET", "/dashboard/api/users?limit=14", nil)
			if r.Code != 200 || len(r.Body) < 9<<20 || strings.Count(string(r.Body), name) != 14 {
				t.Fatalf("big page: %d, %d bytes", r.Code, len(r.Body))
			}
			e.ok(tok, "POST", "/dashboard/api/signout", map[string]any{})
			if r := e.call(tok, "GET", "/dashboard/api/users?limit=14", nil); r.Code != http.StatusUnauthorized || r.Text() != unauthorised {
				t.Errorf("signed out: %d, %d bytes", r.Code, len(r.Body))
			}
		})
	}
}
