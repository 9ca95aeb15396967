package core

import (
	"context"
	"github.com/latchkey-dev/latchkey/core/internal/audit"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/core/internal/dashboard"
	"github.com/latchkey-dev/latchkey/core/internal/password"
	"github.com/latchkey-dev/latchkey/core/internal/tenants"
	"github.com/latchkey-dev/latchkey/store"
)

// Core is the Latchkey auth server: an http.Handler speaking CDI 5.4. It
// holds no state between requests beyond caches that any number of core
// processes on one database may hold at once.
type Core struct {
	cfg      Config
	store    store.Store
	logger   *slog.Logger
	router   *cdi.Router
	apiKeys  []string
	hosts    map[string]bool // Config.AllowedHosts
	origins  map[string]bool // Config.AllowedOrigins
	basePath string
	maxBody  int64
	hello    http.Handler
	metrics  *metrics
	tenants  tenants.Lookup

	dashboard *dashboard.Service // also behind DashboardAccounts
	// audit writes the audit log in the background; nil when it is off.
	audit *audit.Writer

	stopCleanup context.CancelFunc
	cleanupDone sync.WaitGroup
}

// New returns a Core for cfg, or an error naming every setting to fix. It
// starts the background cleanup of expired rows (stopped by Close). It
// does not run migrations: the store does that when it is opened.
func New(cfg Config) (*Core, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	h := cfg.PasswordHashing
	hasher, err := password.New(password.Config{
		Algorithm:         h.Algorithm,
		BcryptCost:        h.BcryptCost,
		Argon2Iterations:  h.Argon2Iterations,
		Argon2MemoryKB:    h.Argon2MemoryKB,
		Argon2Parallelism: h.Argon2Parallelism,
		Argon2PoolSize:    h.Argon2PoolSize,
		BcryptPoolSize:    h.BcryptPoolSize,
	})
	if err != nil {
		return nil, err
	}
	c := &Core{
		cfg:      cfg,
		store:    cfg.Store,
		logger:   cfg.Logger,
		apiKeys:  cfg.APIKeys,
		hosts:    setOf(cfg.AllowedHosts),
		origins:  setOf(cfg.AllowedOrigins),
		basePath: cfg.BasePath,
		maxBody:  cfg.MaxBodyBytes,
	}
	c.metrics, err = newMetrics(cfg.Metrics)
	if err != nil {
		return nil, err
	}
	c.tenants = tenants.NewCache(tenants.Config{Store: cfg.Store, Now: cfg.Now})
	c.router = cdi.NewRouter()
	if err := c.mount(hasher); err != nil {
		return nil, err
	}
	c.hello = cdi.Handle(c.serveHello)
	c.startCleanup()
	return c, nil
}

// Close stops the background cleanup and waits for it. It does not close
// the store, which the caller opened.
func (c *Core) Close() error {
	c.stopCleanup()
	c.cleanupDone.Wait()
	if c.audit != nil {
		c.audit.Close() // writes what is queued
	}
	return nil
}

func (c *Core) now() time.Time { return c.cfg.Now() }

// forgetTenant drops a tenant from the lookup cache after a change to it.
func (c *Core) forgetTenant(tenantID string) {
	if f, ok := c.tenants.(interface{ Forget(string) }); ok {
		f.Forget(tenantID)
	}
}

// serveHello answers /hello and / (reference §1.4): "Hello" after touching
// the store.
func (c *Core) serveHello(w http.ResponseWriter, r *http.Request) error {
	if err := c.store.Ping(r.Context()); err != nil {
		return err
	}
	cdi.WriteText(w, http.StatusOK, "Hello")
	return nil
}

// serveAPIVersion answers GET /apiversion (reference §1.3).
func (c *Core) serveAPIVersion(w http.ResponseWriter, r *http.Request) error {
	cdi.WriteJSON(w, map[string]any{"versions": supportedVersions})
	return nil
}
