package latchkey_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey"
)

// TestNewServerHasTimeouts checks that NewServer sets every timeout that
// http.Server leaves unset.
func TestNewServerHasTimeouts(t *testing.T) {
	h := http.NotFoundHandler()
	srv := latchkey.NewServer("localhost:8080", h)
	if srv.Addr != "localhost:8080" || srv.Handler == nil {
		t.Fatalf("addr %q, handler %v", srv.Addr, srv.Handler)
	}
	for name, d := range map[string]time.Duration{"ReadHeaderTimeout": srv.ReadHeaderTimeout, "ReadTimeout": srv.ReadTimeout,
		"WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout} {
		if d <= 0 {
			t.Errorf("%s is not set", name)
		}
	}
}
