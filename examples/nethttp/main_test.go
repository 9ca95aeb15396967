package main

import (
	"net/http"
	"testing"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/emaildelivery"
	"github.com/latchkey-dev/latchkey/examples/internal/exampletest"
)

func TestExample(t *testing.T) {
	exampletest.Run(t, func(core latchkey.CoreConfig, apiDomain string) (http.Handler, error) {
		return NewServer(Config{APIDomain: apiDomain, WebsiteDomain: exampletest.Website, Core: core, Mail: &emaildelivery.Recorder{}})
	})
}
