// Package tenants resolves the tenant a CDI request names
// (reference/cdi-core.md §1.1): the transport asks a [Lookup] for every
// request, and refuses an unknown tenant with the reference's 400.
//
// The store is the source of truth, so that any number of cores on one
// database agree on which tenants exist. [Cache] puts a short-lived
// memory of the tenants found in front of it, so that a request does not
// cost a query: a tenant created on one core is seen by the others at
// once (unknown ids are not remembered), and one removed is refused by
// every core within the cache's TTL.
package tenants

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

// Lookup finds a tenant by id. It returns an error matching
// store.ErrNotFound when there is no such tenant.
type Lookup interface {
	Tenant(ctx context.Context, tenantID string) (store.Tenant, error)
}

// Defaults of a Cache.
const (
	// DefaultTTL is how long a tenant found in the store is used before it
	// is read again: how long a tenant removed on one core may still be
	// served by another.
	DefaultTTL = 5 * time.Second
	// DefaultMaxEntries caps the tenants remembered at once.
	DefaultMaxEntries = 10_000
)

// Cache is a Lookup that remembers, for TTL, each tenant its store found.
// It does not remember that an id is unknown: clients choose ids, and
// remembering every one they try would let them grow the cache, so an
// unknown id costs one primary-key read each time. It is safe for
// concurrent use.
type Cache struct {
	store      Lookup
	now        func() time.Time
	ttl        time.Duration
	maxEntries int

	mu    sync.Mutex
	found map[string]entry
}

type entry struct {
	tenant  store.Tenant
	expires time.Time
}

// Config configures a Cache.
type Config struct {
	// Store is the source of truth. Required.
	Store Lookup
	// Now tells the time. Default: time.Now.
	Now func() time.Time
	// TTL is how long a tenant found is used. Default: DefaultTTL.
	TTL time.Duration
	// MaxEntries caps the tenants remembered. Default: DefaultMaxEntries.
	MaxEntries int
}

// NewCache returns a Cache for cfg.
func NewCache(cfg Config) *Cache {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.MaxEntries <= 0 {
		cfg.MaxEntries = DefaultMaxEntries
	}
	return &Cache{store: cfg.Store, now: cfg.Now, ttl: cfg.TTL, maxEntries: cfg.MaxEntries, found: map[string]entry{}}
}

var _ Lookup = (*Cache)(nil)

// Tenant returns the tenant with this id: from memory when it was found
// less than TTL ago, else from the store. When the store fails (not with
// ErrNotFound) and the tenant was found before, the last answer is used:
// while the database is unreachable no core can remove a tenant, and so
// an endpoint that needs no query (/metrics) keeps working, and one that
// does reports the failure itself.
func (c *Cache) Tenant(ctx context.Context, tenantID string) (store.Tenant, error) {
	now := c.now()
	c.mu.Lock()
	e, known := c.found[tenantID]
	c.mu.Unlock()
	if known && now.Before(e.expires) {
		return e.tenant, nil
	}
	t, err := c.store.Tenant(ctx, tenantID)
	switch {
	case err == nil:
		c.remember(t, now)
		return t, nil
	case errors.Is(err, store.ErrNotFound):
		c.forget(tenantID)
		return store.Tenant{}, err
	case known && ctx.Err() == nil:
		return e.tenant, nil
	}
	return store.Tenant{}, err
}

func (c *Cache) remember(t store.Tenant, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.found[t.ID]; !ok && len(c.found) >= c.maxEntries {
		for id, e := range c.found {
			if !now.Before(e.expires) {
				delete(c.found, id)
			}
		}
		if len(c.found) >= c.maxEntries {
			// Every entry is live: start over rather than grow. Each
			// tenant then costs one more read.
			clear(c.found)
		}
	}
	c.found[t.ID] = entry{tenant: t, expires: now.Add(c.ttl)}
}

// Forget drops what the cache remembers of a tenant, so that this core
// sees its own change to it at once; other cores see it within the TTL.
func (c *Cache) Forget(tenantID string) { c.forget(tenantID) }

func (c *Cache) forget(tenantID string) {
	c.mu.Lock()
	delete(c.found, tenantID)
	c.mu.Unlock()
}
