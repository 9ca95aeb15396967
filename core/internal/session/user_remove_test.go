package session_test

import (
	"fmt"
	"testing"

	"github.com/latchkey-dev/latchkey/core/coretest"
)

// TestUserRemoveTakesEverything: POST /user/remove also ends the user's
// sessions and drops their verification state, metadata and roles.
func TestUserRemoveTakesEverything(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		u := c.Post(t, "/recipe/signup", map[string]any{"email": "gone@example.com", "password": "pw-123456"}).JSON(t)
		id := obj(t, u, "user")["id"].(string)
		s := createSession(t, c, map[string]any{"userId": id})
		tok := str(t, c.Post(t, "/recipe/user/email/verify/token", map[string]any{"userId": id, "email": "gone@example.com"}).JSON(t), "token")
		c.Post(t, "/recipe/user/email/verify", map[string]any{"method": "token", "token": tok})
		c.Put(t, "/recipe/user/metadata", map[string]any{"userId": id, "metadataUpdate": map[string]any{"a": 1}})
		c.Put(t, "/recipe/role", map[string]any{"role": "r"})
		c.Put(t, "/recipe/user/role", map[string]any{"userId": id, "role": "r"})

		if st := c.Post(t, "/user/remove", map[string]any{"userId": id}).Status(t); st != "OK" {
			t.Fatalf("remove: %s", st)
		}
		run(t, c, []step{
			{Name: "sessions", Method: "GET", Path: "/recipe/session/user?userId=" + id, WantJSON: `{"status":"OK","sessionHandles":[]}`},
			{Name: "session row", Method: "GET", Path: "/recipe/session?sessionHandle=" + s.Handle, WantJSON: `{"status":"UNAUTHORISED","message":"Session does not exist."}`},
			{Name: "verified", Method: "GET", Path: "/recipe/user/email/verify?userId=" + id + "&email=gone@example.com", WantJSON: `{"status":"OK","isVerified":false}`},
			{Name: "metadata", Method: "GET", Path: "/recipe/user/metadata?userId=" + id, WantJSON: `{"status":"OK","metadata":{}}`},
			{Name: "roles", Method: "GET", Path: "/recipe/user/roles?userId=" + id, WantJSON: `{"status":"OK","roles":[]}`},
			{Name: "role users", Method: "GET", Path: "/recipe/role/users?role=r", WantJSON: `{"status":"OK","users":[]}`},
		})
		if m := refresh(t, c, s.RefreshToken, nil); fmt.Sprint(m["status"]) != "UNAUTHORISED" {
			t.Errorf("refresh after removal: %v", m)
		}
	})
}
