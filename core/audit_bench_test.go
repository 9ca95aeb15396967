package core_test

import (
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

// benchUsers numbers the users the benchmarks sign up, across runs.
var benchUsers atomic.Int64

// BenchmarkAuditOverhead measures a sign-in (POST /recipe/signin, then
// POST /recipe/session, as an SDK signs a user in) and a refresh,
// in-process on each engine, with the audit log and activity both on (the
// default) and both off. Sign-in uses bcrypt cost 4, so that hashing does
// not hide the overhead as it would at the default 11;
// LATCHKEY_BENCH_BCRYPT_COST sets another. Compare the on/off pairs:
// issue 15's targets are 0.97× for sign-in and 0.95× for refresh. go test
// runs a sub-benchmark's -count runs in a row, so for pairs measured side
// by side run the test binary several times instead:
//
//	go test -c -o core.test ./core/ && cd core
//	for i in 1 2 3 4 5 6 7 8; do ../core.test -test.run '^$' -test.bench AuditOverhead -test.benchtime 1000x; done | benchstat -col /mode -
func BenchmarkAuditOverhead(b *testing.B) {
	cost, _ := strconv.Atoi(os.Getenv("LATCHKEY_BENCH_BCRYPT_COST"))
	if cost == 0 {
		cost = 4
	}
	for _, engine := range coretest.Engines {
		for _, mode := range []struct {
			name string
			off  bool
		}{{"off", true}, {"on", false}} {
			c := coretest.Start(b, coretest.Mode{Engine: engine, InProcess: true}, func(cfg *core.Config) {
				cfg.AuditLogOff, cfg.ActivityOff = mode.off, mode.off
				cfg.PasswordHashing.BcryptCost = cost
			})
			body := map[string]any{"email": "bench@example.com", "password": "bench-pass-1"}
			id := c.Post(b, "/recipe/signup", body).JSON(b)["user"].(map[string]any)["id"]
			b.Run(engine+"/signin/mode="+mode.name, func(b *testing.B) {
				for b.Loop() {
					if r := c.Post(b, "/recipe/signin", body); r.Code != 200 {
						b.Fatal(r.Text())
					}
					if r := c.Post(b, "/recipe/session", map[string]any{"userId": id, "enableAntiCsrf": false,
						"userDataInJWT": map[string]any{}, "userDataInDatabase": map[string]any{}}); r.Code != 200 {
						b.Fatal(r.Text())
					}
				}
			})
			b.Run(engine+"/refresh/mode="+mode.name, func(b *testing.B) {
				b.RunParallel(func(pb *testing.PB) {
					// Each client refreshes a session of a user of its own.
					u := c.Post(b, "/recipe/signup", map[string]any{"email": fmt.Sprintf("r%d@example.com", benchUsers.Add(1)), "password": "bench-pass-1"})
					uid := u.JSON(b)["user"].(map[string]any)["id"]
					s := c.Post(b, "/recipe/session", map[string]any{"userId": uid, "enableAntiCsrf": false,
						"userDataInJWT": map[string]any{}, "userDataInDatabase": map[string]any{}}).JSON(b)
					tok := s["refreshToken"].(map[string]any)["token"]
					for pb.Next() {
						r := c.Post(b, "/recipe/session/refresh", map[string]any{"refreshToken": tok, "enableAntiCsrf": false, "useDynamicSigningKey": true})
						m := r.JSON(b)
						if m["status"] != "OK" {
							b.Fatal(r.Text())
						}
						tok = m["refreshToken"].(map[string]any)["token"]
					}
				})
			})
		}
	}
}
