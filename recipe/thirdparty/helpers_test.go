package thirdparty

import (
	"crypto/rand"
	"crypto/rsa"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/internal/localoidc"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// website is where the tests' redirect URI points; nothing listens there:
// the tests stop at the redirect and read the code from it.
const website = "http://localhost:3000"

const redirectURI = website + "/auth/callback/local"

// clock is a time source the tests move forward.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// idp is a local OpenID provider on loopback.
type idp struct {
	srv   *httptest.Server
	key   *rsa.PrivateKey
	clock *clock
}

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
)

// sharedKey is one RSA key for every provider of the test binary: making
// one costs tens of milliseconds.
func sharedKey(t testing.TB) *rsa.PrivateKey {
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		testKey = k
	})
	return testKey
}

// newIdP starts a provider with a confidential client "web" (secret
// "web-secret") and a public client "spa", both allowed redirectURI.
func newIdP(t testing.TB) *idp {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	d := &idp{srv: srv, key: sharedKey(t), clock: &clock{}}
	p, err := localoidc.New(localoidc.Config{
		Issuer: "http://" + srv.Listener.Addr().String(),
		Clients: []localoidc.Client{
			{ID: "web", Secret: "web-secret", RedirectURIs: []string{redirectURI}},
			{ID: "spa", RedirectURIs: []string{redirectURI}},
		},
		SigningKey: d.key,
		Now:        d.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = p
	srv.Start()
	t.Cleanup(srv.Close)
	return d
}

func (d *idp) issuer() string { return d.srv.URL }

// config is a custom OpenID provider config for the local provider.
func (d *idp) config(id string, clients ...ClientConfig) ProviderConfig {
	if len(clients) == 0 {
		clients = []ClientConfig{{ClientID: "web", ClientSecret: "web-secret", Scope: []string{"openid", "email"}}}
	}
	return ProviderConfig{ThirdPartyID: id, Name: "Local", Clients: clients,
		OIDCDiscoveryEndpoint: d.issuer() + "/.well-known/openid-configuration"}
}

// sign makes a JWT with the provider's key (or another), for id tokens
// that are wrong in one way.
func sign(t testing.TB, key *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jwt.Signed(s).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// login signs in at the local provider from an authorisation URL (with
// the frontend's state added) and returns the redirect's query.
func login(t testing.TB, authURL, email, sub string) url.Values {
	t.Helper()
	q, err := localoidc.SignIn(authURL+"&state=st4te", redirectURI, localoidc.Login{Email: email, Subject: sub})
	if err != nil {
		t.Fatal(err)
	}
	if q.Get("code") == "" {
		t.Fatalf("no code: %v", q)
	}
	return q
}

// fakeCore answers the CDI version and counts every other call: the
// failure tests check that no sign-in reached it.
type fakeCore struct {
	mu    sync.Mutex
	calls []string
}

func (f *fakeCore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/apiversion" {
		latchkey.WriteJSON(w, 200, map[string]any{"versions": []string{"5.4"}})
		return
	}
	if r.URL.Path == "/public/recipe/multitenancy/tenant/v2" {
		// What /loginmethods reads: the tenant leaves the factors to the SDK.
		latchkey.WriteJSON(w, 200, map[string]any{"status": "OK", "tenantId": "public",
			"thirdParty": map[string]any{"providers": []any{}}, "coreConfig": map[string]any{}})
		return
	}
	f.mu.Lock()
	f.calls = append(f.calls, r.Method+" "+r.URL.Path)
	f.mu.Unlock()
	http.Error(w, "not in the fake core", http.StatusInternalServerError)
}

func (f *fakeCore) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// newSDK builds an SDK instance with the recipe on a fake core.
func newSDK(t testing.TB, now func() time.Time, providers ...ProviderInput) (*latchkey.Latchkey, *Recipe, *fakeCore) {
	t.Helper()
	return newSDKConfig(t, now, Config{Providers: providers})
}

func newSDKConfig(t testing.TB, now func() time.Time, cfg Config) (*latchkey.Latchkey, *Recipe, *fakeCore) {
	t.Helper()
	f := &fakeCore{}
	rc := New(cfg)
	lk, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "T", APIDomain: "http://localhost:3001", WebsiteDomain: website},
		Core:    latchkey.CoreConfig{Handler: f},
		Recipes: []latchkey.Recipe{session.New(session.Config{}), rc},
		Logger:  slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		Now:     now,
	})
	if err != nil {
		t.Fatalf("latchkey.New: %v", err)
	}
	return lk, rc, f
}
