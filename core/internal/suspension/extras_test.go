package suspension_test

import (
	"fmt"
	"testing"

	"github.com/latchkey-dev/latchkey/core/coretest"
)

// TestPageExtras: one call answers a page's suspensions, activity and
// metadata, for the users that have any, and refuses an oversized page.
func TestPageExtras(t *testing.T) {
	run(t, func(t *testing.T, c *coretest.Client, clk *clock) {
		ann, bob := signUp(t, c, "ann@example.com"), signUp(t, c, "bob@example.com")
		want(t, c.Post(t, "/recipe/latchkey/user/suspend", obj{"userId": ann, "reason": "fraud"}), "OK")
		newSession(t, c, bob)
		want(t, c.Put(t, "/recipe/user/metadata", obj{"userId": bob, "metadataUpdate": obj{"first_name": "Bob"}}), "OK")

		m := want(t, c.Post(t, "/recipe/latchkey/users/page-extras", obj{"userIds": []string{ann, bob, "nobody"}}), "OK")
		sus, act, md := m["suspensions"].(obj), m["activity"].(obj), m["metadata"].(obj)
		if len(sus) != 1 || sus[ann] == nil {
			t.Errorf("suspensions: %v", sus)
		}
		if a, ok := act[bob].(obj); !ok || a["signIns"] != float64(1) || act[ann] != nil {
			t.Errorf("activity: %v", act)
		}
		if b, ok := md[bob].(obj); !ok || b["first_name"] != "Bob" || len(md) != 1 {
			t.Errorf("metadata: %v", md)
		}
		ids := make([]string, 1001)
		for i := range ids {
			ids[i] = fmt.Sprint(i)
		}
		if r := c.Post(t, "/recipe/latchkey/users/page-extras", obj{"userIds": ids}); r.Code != 400 {
			t.Errorf("1001 ids: %d %s", r.Code, r.Body)
		}
		if r := c.Post(t, "/recipe/latchkey/users/page-extras", obj{"userIds": "x"}); r.Code != 400 {
			t.Errorf("userIds not an array: %d %s", r.Code, r.Body)
		}
	})
}
