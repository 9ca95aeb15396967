package usermetadata_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/latchkey-dev/latchkey/core/coretest"
)

func TestUserMetadata(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		for _, s := range []struct {
			name, method, path string
			body               any
			code               int
			want               string // exact body: JSON for 200, text otherwise
		}{
			{"none yet", "GET", "/recipe/user/metadata?userId=u1", nil, 200, `{"metadata":{},"status":"OK"}`},
			{"first update", "PUT", "/recipe/user/metadata", map[string]any{"userId": "u1", "metadataUpdate": json.RawMessage(`{"a":1,"b":{"x":1},"c":"keep"}`)}, 200, `{"metadata":{"a":1,"b":{"x":1},"c":"keep"},"status":"OK"}`},
			{"shallow merge", "PUT", "/recipe/user/metadata", map[string]any{"userId": "u1", "metadataUpdate": json.RawMessage(`{"b":{"y":2},"a":null,"d":[1]}`)}, 200, `{"metadata":{"c":"keep","b":{"y":2},"d":[1]},"status":"OK"}`},
			{"read back", "GET", "/recipe/user/metadata?userId=u1", nil, 200, `{"metadata":{"c":"keep","b":{"y":2},"d":[1]},"status":"OK"}`},
			{"other user", "GET", "/recipe/user/metadata?userId=u2", nil, 200, `{"metadata":{},"status":"OK"}`},
			{"delete every key", "PUT", "/recipe/user/metadata", map[string]any{"userId": "u1", "metadataUpdate": json.RawMessage(`{"b":null,"c":null,"d":null}`)}, 200, `{"metadata":{},"status":"OK"}`},
			{"again", "PUT", "/recipe/user/metadata", map[string]any{"userId": "u1", "metadataUpdate": json.RawMessage(`{"e":true}`)}, 200, `{"metadata":{"e":true},"status":"OK"}`},
			{"remove", "POST", "/recipe/user/metadata/remove", map[string]any{"userId": "u1"}, 200, `{"status":"OK"}`},
			{"removed", "GET", "/recipe/user/metadata?userId=u1", nil, 200, `{"metadata":{},"status":"OK"}`},
			{"remove none", "POST", "/recipe/user/metadata/remove", map[string]any{"userId": "u1"}, 200, `{"status":"OK"}`},
			{"GET no userId", "GET", "/recipe/user/metadata", nil, 400, "Field name 'userId' is missing in GET request"},
			{"update not object", "PUT", "/recipe/user/metadata", map[string]any{"userId": "u1", "metadataUpdate": "x"}, 400, "Field name 'metadataUpdate' is invalid in JSON input"},
			{"update array", "PUT", "/recipe/user/metadata", map[string]any{"userId": "u1", "metadataUpdate": []int{1}}, 400, "Field name 'metadataUpdate' is invalid in JSON input"},
			{"update null", "PUT", "/recipe/user/metadata", map[string]any{"userId": "u1", "metadataUpdate": nil}, 400, "Field name 'metadataUpdate' is invalid in JSON input"},
			{"update no userId", "PUT", "/recipe/user/metadata", map[string]any{"metadataUpdate": map[string]any{}}, 400, "Field name 'userId' is invalid in JSON input"},
			{"remove no userId", "POST", "/recipe/user/metadata/remove", map[string]any{}, 400, "Field name 'userId' is invalid in JSON input"},
			{"bad JSON", "PUT", "/recipe/user/metadata", "{", 400, "Invalid Json Input"},
			{"DELETE", "DELETE", "/recipe/user/metadata", nil, 405, "Method not supported"},
		} {
			r := c.Do(t, s.method, s.path, s.body)
			got := r.Text()
			if r.Code != s.code || got != s.want {
				t.Errorf("%s: %d %s, want %d %s", s.name, r.Code, got, s.code, s.want)
			}
			if s.code == http.StatusOK && r.Header.Get("Content-Type") != "application/json; charset=UTF-8" {
				t.Errorf("%s: Content-Type %q", s.name, r.Header.Get("Content-Type"))
			}
		}
	})
}

func TestBulkMetadata(t *testing.T) {
	ids := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("user-%04d", i)
		}
		return out
	}
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		for _, id := range []string{"u1", "u3"} {
			c.Do(t, "PUT", "/recipe/user/metadata", map[string]any{"userId": id, "metadataUpdate": map[string]any{"first_name": id}})
		}
		c.Do(t, "PUT", "/recipe/user/metadata", map[string]any{"userId": "user-0999", "metadataUpdate": map[string]any{"n": 999}})
		for _, s := range []struct {
			name string
			body any
			code int
			want string // exact body: JSON for 200, text otherwise
		}{
			{"some with, some without", map[string]any{"userIds": []string{"u1", "u2", "u3"}}, 200, `{"metadata":{"u1":{"first_name":"u1"},"u2":{},"u3":{"first_name":"u3"}},"status":"OK"}`},
			{"a duplicate", map[string]any{"userIds": []string{"u1", "u1"}}, 200, `{"metadata":{"u1":{"first_name":"u1"}},"status":"OK"}`},
			{"none", map[string]any{"userIds": []string{}}, 200, `{"metadata":{},"status":"OK"}`},
			{"no userIds", map[string]any{}, 400, "Field name 'userIds' is invalid in JSON input"},
			{"null userIds", map[string]any{"userIds": nil}, 400, "Field name 'userIds' is invalid in JSON input"},
			{"not an array", map[string]any{"userIds": "u1"}, 400, "Field name 'userIds' is invalid in JSON input"},
			{"not strings", map[string]any{"userIds": []any{"u1", 2}}, 400, "Field name 'userIds' is invalid in JSON input"},
			{"over the cap", map[string]any{"userIds": ids(1001)}, 400, "Field name 'userIds' holds more than 1000 user ids"},
			{"bad JSON", "{", 400, "Invalid Json Input"},
		} {
			r := c.Do(t, "POST", "/recipe/user/metadata/bulk", s.body)
			if got := r.Text(); r.Code != s.code || got != s.want {
				t.Errorf("%s: %d %s, want %d %s", s.name, r.Code, got, s.code, s.want)
			}
		}
		// At the cap: every id answered, the one with metadata with it.
		r := c.Do(t, "POST", "/recipe/user/metadata/bulk", map[string]any{"userIds": append(ids(1000), "user-0000")})
		var a struct {
			Metadata map[string]json.RawMessage `json:"metadata"`
		}
		if err := json.Unmarshal(r.Body, &a); r.Code != 200 || err != nil || len(a.Metadata) != 1000 ||
			string(a.Metadata["user-0999"]) != `{"n":999}` || string(a.Metadata["user-0000"]) != `{}` {
			t.Fatalf("1000 ids: %d, %d answered, %s", r.Code, len(a.Metadata), a.Metadata["user-0999"])
		}
		if r := c.Do(t, "GET", "/recipe/user/metadata/bulk", nil); r.Code != 405 {
			t.Errorf("GET: %d", r.Code)
		}
	})
}
