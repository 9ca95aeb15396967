package suspension_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

func TestActivityAndSessionOrigin(t *testing.T) {
	run(t, func(t *testing.T, c *coretest.Client, clk *clock) {
		alice := signUp(t, c, "alice@example.com")
		create := func(client any) *coretest.Response {
			body := obj{"userId": alice, "enableAntiCsrf": false, "userDataInJWT": obj{}, "userDataInDatabase": obj{}}
			if client != nil {
				body["latchkeyClient"] = client
			}
			return c.Post(t, "/recipe/session", body)
		}
		ua := "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36"
		s1 := want(t, create(obj{"ip": "::ffff:203.0.113.7", "userAgent": ua}), "OK")
		clk.Advance(time.Second)
		want(t, create(obj{"userAgent": strings.Repeat("x", 600)}), "OK")
		want(t, create(nil), "OK")
		// A session made by back-office code is no sign-in.
		backOffice := obj{"userId": alice, "enableAntiCsrf": false, "userDataInJWT": obj{}, "userDataInDatabase": obj{}, "latchkeySignIn": false}
		want(t, c.Post(t, "/recipe/session", backOffice), "OK")
		backOffice["latchkeySignIn"] = "no"
		wantText(t, c.Post(t, "/recipe/session", backOffice), http.StatusBadRequest, "Field name 'latchkeySignIn' is invalid in JSON input")
		for _, bad := range []any{obj{"ip": "not-an-ip"}, obj{"ip": 7}, "x", obj{"userAgent": []int{1}}} {
			wantText(t, create(bad), http.StatusBadRequest, "Field name 'latchkeyClient' is invalid in JSON input")
		}

		activity := func() obj {
			t.Helper()
			m := want(t, c.Post(t, "/recipe/latchkey/user/activity/bulk", obj{"userIds": []string{alice, "nobody"}}), "OK")["activity"].(obj)
			if len(m) != 1 {
				t.Fatalf("activity: %v", m)
			}
			return m[alice].(obj)
		}
		a := activity()
		if a["signIns"] != float64(3) || a["lastSignIn"] != a["lastActive"] || a["lastSignIn"].(float64) <= 0 {
			t.Fatalf("activity after three sessions: %v", a)
		}

		sessions := func() []any {
			t.Helper()
			return want(t, c.Get(t, "/recipe/latchkey/user/sessions?userId="+alice), "OK")["sessions"].([]any)
		}
		list := sessions()
		if len(list) != 4 {
			t.Fatalf("sessions: %v", list)
		}
		var first obj
		for _, s := range list {
			if s.(obj)["sessionHandle"] == s1["session"].(obj)["handle"] {
				first = s.(obj)
			}
		}
		if first == nil || first["clientIp"] != "203.0.113.7" || first["userAgent"] != ua || first["lastRefreshed"] != float64(0) {
			t.Fatalf("the first session: %v", first)
		}
		for _, s := range list {
			if n := len(s.(obj)["userAgent"].(string)); n > 512 {
				t.Errorf("a user agent of %d bytes was kept", n)
			}
		}

		// The first refresh records; refreshes within five minutes write
		// no activity; after that one more is recorded.
		tok := s1
		for i := range 3 {
			tok = want(t, refresh(t, c, tok), "OK")
			clk.Advance(time.Minute)
			_ = i
		}
		lastRefreshed := func() float64 {
			for _, s := range sessions() {
				if s.(obj)["sessionHandle"] == s1["session"].(obj)["handle"] {
					return s.(obj)["lastRefreshed"].(float64)
				}
			}
			t.Fatal("the session is gone")
			return 0
		}
		r1 := lastRefreshed()
		if r1 <= 0 || activity()["lastActive"] != r1 {
			t.Fatalf("after the first refreshes: last refreshed %v, activity %v", r1, activity())
		}
		clk.Advance(3 * time.Minute) // 6 minutes after the first refresh
		want(t, refresh(t, c, tok), "OK")
		if r2 := lastRefreshed(); r2 <= r1 || activity()["lastActive"] != r2 || activity()["signIns"] != float64(3) {
			t.Fatalf("after five minutes: last refreshed %v (was %v), activity %v", r2, r1, activity())
		}

		wantText(t, c.Get(t, "/recipe/latchkey/user/sessions"), http.StatusBadRequest, "Field name 'userId' is missing in GET request")
		wantText(t, c.Post(t, "/recipe/latchkey/user/activity/bulk", obj{}), http.StatusBadRequest, "Field name 'userIds' is invalid in JSON input")
	})
}

// TestActivityOff: with ActivityOff, sign-ins and refreshes record no
// activity and no last refresh; sessions still keep their origin.
func TestActivityOff(t *testing.T) {
	for _, m := range coretest.Modes() {
		t.Run(m.String(), func(t *testing.T) {
			t.Parallel()
			clk := &clock{}
			c := coretest.Start(t, m, func(cfg *core.Config) { cfg.Now, cfg.ActivityOff = clk.Now, true })
			alice := signUp(t, c, "alice@example.com")
			s := want(t, c.Post(t, "/recipe/session", obj{"userId": alice, "enableAntiCsrf": false, "userDataInJWT": obj{},
				"userDataInDatabase": obj{}, "latchkeyClient": obj{"ip": "203.0.113.7"}}), "OK")
			for range 2 {
				clk.Advance(10 * time.Minute)
				s = want(t, refresh(t, c, s), "OK")
			}
			if m := want(t, c.Post(t, "/recipe/latchkey/user/activity/bulk", obj{"userIds": []string{alice}}), "OK")["activity"].(obj); len(m) != 0 {
				t.Fatalf("activity with ActivityOff: %v", m)
			}
			list := want(t, c.Get(t, "/recipe/latchkey/user/sessions?userId="+alice), "OK")["sessions"].([]any)
			if got := fmt.Sprintf("%d %v %v", len(list), list[0].(obj)["clientIp"], list[0].(obj)["lastRefreshed"]); got != "1 203.0.113.7 0" {
				t.Fatalf("sessions with ActivityOff (count, ip, last refreshed): %s", got)
			}
		})
	}
}
