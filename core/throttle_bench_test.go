package core_test

import (
	"testing"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

// BenchmarkSignInThrottling measures POST /recipe/signin (a right
// password, in-process) with brute-force throttling off and on, on each
// engine. With bcrypt at the cheapest cost (4, about 1 ms) the counters'
// read is as visible as it can be; at the default cost 11 (about 94 ms)
// it disappears in the hash. Compare the on/off pairs: issue 11 asks for
// at least 0.97x.
//
//	go test -run '^$' -bench SignInThrottling -benchtime 2000x ./core/
func BenchmarkSignInThrottling(b *testing.B) {
	for _, engine := range coretest.Engines {
		for _, tc := range []struct {
			name string
			off  bool
		}{{"off", true}, {"on", false}} {
			b.Run(engine+"/"+tc.name, func(b *testing.B) {
				c := coretest.Start(b, coretest.Mode{Engine: engine, InProcess: true}, func(cfg *core.Config) {
					cfg.Throttling.Disabled = tc.off
				})
				body := map[string]any{"email": "bench@example.com", "password": "bench-pass-1"}
				c.Post(b, "/recipe/signup", body)
				for b.Loop() {
					if r := c.Post(b, "/recipe/signin", body); r.Code != 200 {
						b.Fatalf("sign-in: %d %s", r.Code, r.Body)
					}
				}
			})
		}
	}
}
