package core

import (
	"github.com/latchkey-dev/latchkey/core/internal/password"
)

// mount registers every recipe's routes, and the core's own, on c.router.
func (c *Core) mount(hasher *password.Hasher) error {
	rt := c.router
	rt.HandleFunc("GET /apiversion", c.serveAPIVersion)
	for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
		rt.HandleFunc(m+" /hello", c.serveHello)
	}
	rt.Handle("GET /metrics", c.metrics.handler)
	_ = hasher
	return nil
}
