package session_test

import (
	"encoding/json"
	"log/slog"
	"sync"
	"testing"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/store/postgres"
)

// TestTwoCoresOnePostgres runs two cores, each with its own connection
// pool, on one PostgreSQL database, as two processes would. They start at
// once with no keys and must end up with one key set; a session made on
// one verifies and refreshes on the other.
func TestTwoCoresOnePostgres(t *testing.T) {
	url := coretest.PostgresURL(t)
	var clients [2]*coretest.Client
	for i := range clients {
		st, err := postgres.Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		c, err := core.New(core.Config{
			Store:           st,
			Logger:          slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
			CleanupInterval: -1,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		clients[i] = coretest.Connect(t, c, st, coretest.Mode{Engine: "postgres"})
	}

	// Both cores meet their first requests together: sessions and JWKS
	// fetches, which all need keys.
	var wg sync.WaitGroup
	for i := range 8 {
		c := clients[i%2]
		wg.Go(func() {
			if i%4 < 2 {
				c.Post(t, "/recipe/session", map[string]any{"userId": "u", "enableAntiCsrf": false,
					"userDataInJWT": map[string]any{}, "userDataInDatabase": map[string]any{}})
			} else {
				c.Get(t, "/.well-known/jwks.json")
			}
		})
	}
	wg.Wait()
	keys, err := clients[0].Store.DynamicSigningKeys(t.Context())
	if err != nil || len(keys) != 1 {
		t.Fatalf("dynamic keys in the store: %d (%v), want 1", len(keys), err)
	}
	var sets [2]string
	for i, c := range clients {
		var body struct {
			Keys []struct{ Kid string } `json:"keys"`
		}
		if err := json.Unmarshal(c.Get(t, "/.well-known/jwks.json").Body, &body); err != nil {
			t.Fatal(err)
		}
		for _, k := range body.Keys {
			sets[i] += k.Kid + " "
		}
	}
	if sets[0] != sets[1] || sets[0] != keys[0].ID+" "+staticKid(t, clients[0])+" " {
		t.Errorf("JWKS differ or are incomplete: %q and %q", sets[0], sets[1])
	}

	a, b := clients[0], clients[1]
	s := createSession(t, a, map[string]any{"userDataInJWT": map[string]any{"x": 1}})
	if m := verify(t, b, s.AccessToken, map[string]any{"checkDatabase": true}); m["status"] != "OK" {
		t.Fatalf("verify on the other core: %v", m)
	}
	m := refresh(t, b, s.RefreshToken, nil)
	if m["status"] != "OK" {
		t.Fatalf("refresh on the other core: %v", m)
	}
	s2 := parseTokens(t, m)
	if m := verify(t, a, s2.AccessToken, nil); m["status"] != "OK" || m["accessToken"] == nil {
		t.Fatalf("promote on the first core: %v", m)
	}
	if m := refresh(t, b, s.RefreshToken, nil); m["status"] != "TOKEN_THEFT_DETECTED" {
		t.Errorf("reusing the old token on the other core: %v", m)
	}
	// A static-key session, whose refresh-token key comes from the shared
	// static key.
	st := createSession(t, b, map[string]any{"useDynamicSigningKey": false})
	if m := verify(t, a, st.AccessToken, nil); m["status"] != "OK" {
		t.Errorf("static-key token on the other core: %v", m)
	}
	if m := refresh(t, a, st.RefreshToken, map[string]any{"useDynamicSigningKey": false}); m["status"] != "OK" {
		t.Errorf("static-key refresh on the other core: %v", m)
	}
}

func staticKid(t *testing.T, c *coretest.Client) string {
	t.Helper()
	s := createSession(t, c, map[string]any{"useDynamicSigningKey": false})
	return header(t, s.AccessToken)["kid"]
}
