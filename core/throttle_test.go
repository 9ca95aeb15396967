package core_test

import (
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/store/postgres"
)

// testClock is a settable clock for the cores of one test.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// TestSignInThrottled: 40 wrong passwords then the right one used to sign
// in (issue 11, finding 6). Now the fifth failure locks the account for a
// minute, the next failure after that for two; a locked sign-in is
// WRONG_CREDENTIALS_ERROR with latchkeyRetryAfterMs and does not check the
// password; the right password after the lock clears the count.
func TestSignInThrottled(t *testing.T) {
	for _, m := range coretest.Modes() {
		t.Run(m.String(), func(t *testing.T) {
			t.Parallel()
			clk := &testClock{now: time.Now()}
			signInThrottled(t, clk, coretest.Start(t, m, func(cfg *core.Config) { cfg.Now = clk.Now }))
		})
	}
}

func signInThrottled(t *testing.T, clk *testClock, c *coretest.Client) {
	c.Post(t, "/recipe/signup", map[string]any{"email": "vic@example.com", "password": "right-pass-1"})
	signIn := func(pw string, header ...string) map[string]any {
		t.Helper()
		return c.Do(t, "POST", "/recipe/signin", map[string]any{"email": "Vic@example.com", "password": pw}, header...).JSON(t)
	}
	for i := range 5 {
		if r := signIn("wrong"); r["status"] != "WRONG_CREDENTIALS_ERROR" || r["latchkeyRetryAfterMs"] != nil {
			t.Fatalf("failure %d: %v", i+1, r)
		}
	}
	r := signIn("right-pass-1")
	if r["status"] != "WRONG_CREDENTIALS_ERROR" || r["latchkeyRetryAfterMs"] != float64(60000) {
		t.Fatalf("right password while locked: %v", r)
	}
	clk.Advance(61 * time.Second)
	// One more failure after the lock: two minutes now.
	if r := signIn("wrong"); r["latchkeyRetryAfterMs"] != nil {
		t.Fatalf("the failure that locks again still answers as a plain failure: %v", r)
	}
	if r := signIn("right-pass-1"); r["latchkeyRetryAfterMs"] != float64(120000) {
		t.Fatalf("second lock: %v", r)
	}
	clk.Advance(121 * time.Second)
	if r := signIn("right-pass-1"); r["status"] != "OK" {
		t.Fatalf("right password after the lock: %v", r)
	}
	// The success cleared the count: five more failures to lock.
	for range 4 {
		signIn("wrong")
	}
	if r := signIn("right-pass-1"); r["status"] != "OK" {
		t.Fatalf("four failures after a success locked the account: %v", r)
	}

	// Per client IP: 50 failures over many accounts lock the IP, for
	// every account, while another IP still gets in.
	for i := range 50 {
		c.Do(t, "POST", "/recipe/signin", map[string]any{"email": fmt.Sprintf("nobody%d@example.com", i), "password": "x"}, "latchkey-client-ip", "203.0.113.7")
	}
	if r := signIn("right-pass-1", "latchkey-client-ip", "203.0.113.7"); r["latchkeyRetryAfterMs"] == nil {
		t.Fatalf("a locked IP signed in: %v", r)
	}
	if r := signIn("right-pass-1", "latchkey-client-ip", "203.0.113.8"); r["status"] != "OK" {
		t.Fatalf("another IP: %v", r)
	}
}

// TestDashboardSignInThrottled: the same for dashboard accounts.
func TestDashboardSignInThrottled(t *testing.T) {
	clk := &testClock{now: time.Now()}
	c := coretest.New(t, func(cfg *core.Config) { cfg.Now = clk.Now })
	c.Post(t, "/recipe/dashboard/user", map[string]any{"email": "ops@example.com", "password": "abcd1234"})
	for range 5 {
		c.Post(t, "/recipe/dashboard/signin", map[string]any{"email": "ops@example.com", "password": "wrong123"})
	}
	r := c.Post(t, "/recipe/dashboard/signin", map[string]any{"email": "ops@example.com", "password": "abcd1234"}).JSON(t)
	if r["status"] != "INVALID_CREDENTIALS_ERROR" || r["latchkeyRetryAfterMs"] != float64(60000) || r["sessionId"] != nil {
		t.Fatalf("locked dashboard sign-in: %v", r)
	}
	clk.Advance(time.Minute)
	if r := c.Post(t, "/recipe/dashboard/signin", map[string]any{"email": "ops@example.com", "password": "abcd1234"}).JSON(t); r["status"] != "OK" {
		t.Fatalf("after the lock: %v", r)
	}
}

// TestThrottlingSharedByCores: two cores on one PostgreSQL database count
// one account's failures together.
func TestThrottlingSharedByCores(t *testing.T) {
	url := coretest.PostgresURL(t)
	var clients []*coretest.Client
	for range 2 {
		st, err := postgres.Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		c, err := core.New(core.Config{Store: st, CleanupInterval: -1, PasswordHashing: core.PasswordHashing{BcryptCost: 4},
			Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		clients = append(clients, coretest.Connect(t, c, st, coretest.Mode{Engine: "postgres"}))
	}
	clients[0].Post(t, "/recipe/signup", map[string]any{"email": "pat@example.com", "password": "right-pass-1"})
	for i := range 5 {
		clients[i%2].Post(t, "/recipe/signin", map[string]any{"email": "pat@example.com", "password": "wrong"})
	}
	for i, c := range clients {
		if r := c.Post(t, "/recipe/signin", map[string]any{"email": "pat@example.com", "password": "right-pass-1"}).JSON(t); r["latchkeyRetryAfterMs"] == nil {
			t.Errorf("core %d let a locked account in: %v", i, r)
		}
	}
}

// TestThrottlingOff: Throttling.Disabled restores the unlimited sign-in.
func TestThrottlingOff(t *testing.T) {
	c := coretest.New(t, func(cfg *core.Config) { cfg.Throttling.Disabled = true })
	c.Post(t, "/recipe/signup", map[string]any{"email": "off@example.com", "password": "right-pass-1"})
	for range 10 {
		c.Post(t, "/recipe/signin", map[string]any{"email": "off@example.com", "password": "wrong"})
	}
	if r := c.Post(t, "/recipe/signin", map[string]any{"email": "off@example.com", "password": "right-pass-1"}).JSON(t); r["status"] != "OK" {
		t.Fatalf("with throttling off: %v", r)
	}
}

// TestSendThrottled: the SDK asks before each email or code it sends; five
// sends to one address are allowed, then sends to it are locked, while
// another address still gets its messages.
func TestSendThrottled(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		for i := range 5 {
			if r := c.Post(t, "/recipe/throttle/send", map[string]any{"to": "Flood@example.com"}); r.Status(t) != "OK" {
				t.Fatalf("send %d: %s", i+1, r.Body)
			}
		}
		r := c.Post(t, "/recipe/throttle/send", map[string]any{"to": "flood@example.com"}).JSON(t)
		if r["status"] != "TOO_MANY_REQUESTS_ERROR" || r["retryAfterMs"] != float64(60000) {
			t.Fatalf("sixth send: %v", r)
		}
		if r := c.Post(t, "/recipe/throttle/send", map[string]any{"to": "other@example.com"}); r.Status(t) != "OK" {
			t.Fatalf("another address: %s", r.Body)
		}
		if r := c.Post(t, "/recipe/throttle/send", map[string]any{"to": " "}); r.Code != 400 {
			t.Fatalf("no address: %d %s", r.Code, r.Body)
		}
	})
}

// TestUnlockSignIn: an operator reads an account's lock and clears it.
func TestUnlockSignIn(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		c.Post(t, "/recipe/signup", map[string]any{"email": "ann@example.com", "password": "right-pass-1"})
		for range 5 {
			c.Post(t, "/recipe/signin", map[string]any{"email": "ann@example.com", "password": "wrong"})
		}
		r := c.Get(t, "/recipe/throttle/signin?email=Ann@example.com").JSON(t)
		if r["locked"] != true || r["failures"] != float64(5) || r["lockedUntil"].(float64) <= 0 {
			t.Fatalf("lock: %v", r)
		}
		if r := c.Post(t, "/recipe/throttle/signin/remove", map[string]any{"email": "ann@example.com"}); r.Status(t) != "OK" {
			t.Fatalf("unlock: %s", r.Body)
		}
		if r := c.Get(t, "/recipe/throttle/signin?email=ann@example.com").JSON(t); r["locked"] != false || r["failures"] != float64(0) {
			t.Fatalf("after unlock: %v", r)
		}
		if r := c.Post(t, "/recipe/signin", map[string]any{"email": "ann@example.com", "password": "right-pass-1"}); r.Status(t) != "OK" {
			t.Fatalf("sign-in after unlock: %s", r.Body)
		}
	})
}

// TestPasswordlessGuessesThrottledPerIP: a device allows a few wrong codes,
// but an attacker can start many devices; the client IP's wrong codes are
// counted over all of them, and a locked IP gets RESTART_FLOW_ERROR with
// latchkeyRetryAfterMs, even with the right code, while another IP signs in
// (issue 11, finding 6).
func TestPasswordlessGuessesThrottledPerIP(t *testing.T) {
	for _, m := range coretest.Modes() {
		t.Run(m.String(), func(t *testing.T) {
			t.Parallel()
			clk := &testClock{now: time.Now()}
			c := coretest.Start(t, m, func(cfg *core.Config) {
				cfg.Now = clk.Now
				cfg.Throttling.IPFailures = 4
			})
			const attacker, other = "203.0.113.9", "203.0.113.10"
			newCode := func() map[string]any {
				t.Helper()
				return c.Post(t, "/recipe/signinup/code", map[string]any{"email": "pia@example.com"}).JSON(t)
			}
			consume := func(code map[string]any, input, ip string) map[string]any {
				t.Helper()
				return c.Do(t, "POST", "/recipe/signinup/code/consume", map[string]any{
					"preAuthSessionId": code["preAuthSessionId"], "deviceId": code["deviceId"], "userInputCode": input,
				}, "latchkey-client-ip", ip).JSON(t)
			}
			// Four wrong codes over two devices: each device is under its
			// own limit of five, the IP reaches its limit of four.
			for i := range 2 {
				code := newCode()
				for j := range 2 {
					if r := consume(code, "000000", attacker); r["status"] != "INCORRECT_USER_INPUT_CODE_ERROR" {
						t.Fatalf("device %d, guess %d: %v", i+1, j+1, r)
					}
				}
			}
			code := newCode()
			r := consume(code, code["userInputCode"].(string), attacker)
			if r["status"] != "RESTART_FLOW_ERROR" || r["latchkeyRetryAfterMs"] != float64(60000) {
				t.Fatalf("right code from a locked IP: %v", r)
			}
			if r := consume(code, code["userInputCode"].(string), other); r["status"] != "OK" {
				t.Fatalf("right code from another IP: %v", r)
			}
			clk.Advance(61 * time.Second)
			code = newCode()
			if r := consume(code, code["userInputCode"].(string), attacker); r["status"] != "OK" {
				t.Fatalf("right code after the lock: %v", r)
			}
		})
	}
}

// TestUnlockDashboardAccount: the account list says which dashboard
// account is locked after wrong passwords and until when; an admin's
// unlock lets it sign in at once; unlocking an unknown account is
// UNKNOWN_USER_ERROR and a request naming none is a 400.
func TestUnlockDashboardAccount(t *testing.T) {
	for _, m := range coretest.Modes() {
		t.Run(m.String(), func(t *testing.T) {
			t.Parallel()
			clk := &testClock{now: time.Now()}
			c := coretest.Start(t, m, func(cfg *core.Config) { cfg.Now = clk.Now })
			c.Post(t, "/recipe/dashboard/user", map[string]any{"email": "ops@example.com", "password": "abcd1234"})
			c.Post(t, "/recipe/dashboard/user", map[string]any{"email": "dev@example.com", "password": "abcd1234"})
			for range 5 {
				c.Post(t, "/recipe/dashboard/signin", map[string]any{"email": "ops@example.com", "password": "wrong123"})
			}
			users := c.Get(t, "/recipe/dashboard/users").JSON(t)["users"].([]any)
			var opsID string
			for _, u := range users {
				u := u.(map[string]any)
				switch u["email"] {
				case "ops@example.com":
					opsID = u["userId"].(string)
					if want := float64(clk.Now().Add(time.Minute).UnixMilli()); u["lockedUntil"] != want {
						t.Errorf("locked account: lockedUntil %v, want %v", u["lockedUntil"], want)
					}
				case "dev@example.com":
					if _, ok := u["lockedUntil"]; ok {
						t.Errorf("an account that is not locked has lockedUntil: %v", u)
					}
				}
			}
			if r := c.Post(t, "/recipe/dashboard/user/signin-lock/remove", map[string]any{"userId": opsID}); r.Status(t) != "OK" {
				t.Fatalf("unlock: %s", r.Body)
			}
			if r := c.Post(t, "/recipe/dashboard/signin", map[string]any{"email": "ops@example.com", "password": "abcd1234"}); r.Status(t) != "OK" {
				t.Fatalf("sign-in after the unlock: %s", r.Body)
			}
			if r := c.Post(t, "/recipe/dashboard/user/signin-lock/remove", map[string]any{"email": "nobody@example.com"}); r.Status(t) != "UNKNOWN_USER_ERROR" {
				t.Errorf("unknown account: %s", r.Body)
			}
			if r := c.Post(t, "/recipe/dashboard/user/signin-lock/remove", map[string]any{}); r.Code != 400 {
				t.Errorf("no account named: %d %s", r.Code, r.Body)
			}
		})
	}
}
