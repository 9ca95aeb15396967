package userroles_test

import (
	"testing"

	"github.com/latchkey-dev/latchkey/core/coretest"
)

func TestUserRoles(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		for _, s := range []struct {
			name, method, path string
			body               any
			code               int
			want               string // exact body: JSON for 200, text otherwise
		}{
			{"no roles", "GET", "/recipe/roles", nil, 200, `{"roles":[],"status":"OK"}`},
			{"create", "PUT", "/recipe/role", map[string]any{"role": " admin ", "permissions": []string{"read", " write"}}, 200, `{"createdNewRole":true,"status":"OK"}`},
			{"add permissions", "PUT", "/recipe/role", map[string]any{"role": "admin", "permissions": []string{"write", "delete"}}, 200, `{"createdNewRole":false,"status":"OK"}`},
			{"no permissions", "PUT", "/recipe/role", map[string]any{"role": "viewer"}, 200, `{"createdNewRole":true,"status":"OK"}`},
			{"permissions", "GET", "/recipe/role/permissions?role=admin", nil, 200, `{"permissions":["read","write","delete"],"status":"OK"}`},
			{"permissions trimmed query", "GET", "/recipe/role/permissions?role=%20admin", nil, 200, `{"permissions":["read","write","delete"],"status":"OK"}`},
			{"permissions unknown", "GET", "/recipe/role/permissions?role=nope", nil, 200, `{"status":"UNKNOWN_ROLE_ERROR"}`},
			{"permission roles", "GET", "/recipe/permission/roles?permission=write", nil, 200, `{"roles":["admin"],"status":"OK"}`},
			{"permission roles none", "GET", "/recipe/permission/roles?permission=fly", nil, 200, `{"roles":[],"status":"OK"}`},
			{"roles", "GET", "/recipe/roles", nil, 200, `{"roles":["admin","viewer"],"status":"OK"}`},
			{"remove some", "POST", "/recipe/role/permissions/remove", map[string]any{"role": "admin", "permissions": []string{"write"}}, 200, `{"status":"OK"}`},
			{"after remove", "GET", "/recipe/role/permissions?role=admin", nil, 200, `{"permissions":["read","delete"],"status":"OK"}`},
			{"remove none", "POST", "/recipe/role/permissions/remove", map[string]any{"role": "admin", "permissions": []string{}}, 200, `{"status":"OK"}`},
			{"still there", "GET", "/recipe/role/permissions?role=admin", nil, 200, `{"permissions":["read","delete"],"status":"OK"}`},
			{"remove unknown role", "POST", "/recipe/role/permissions/remove", map[string]any{"role": "nope"}, 200, `{"status":"UNKNOWN_ROLE_ERROR"}`},
			{"give role", "PUT", "/recipe/user/role", map[string]any{"userId": "u1", "role": "admin"}, 200, `{"didUserAlreadyHaveRole":false,"status":"OK"}`},
			{"give again", "PUT", "/public/recipe/user/role", map[string]any{"userId": " u1", "role": "admin"}, 200, `{"didUserAlreadyHaveRole":true,"status":"OK"}`},
			{"give viewer", "PUT", "/recipe/user/role", map[string]any{"userId": "u1", "role": "viewer"}, 200, `{"didUserAlreadyHaveRole":false,"status":"OK"}`},
			{"u2 admin", "PUT", "/recipe/user/role", map[string]any{"userId": "u2", "role": "admin"}, 200, `{"didUserAlreadyHaveRole":false,"status":"OK"}`},
			{"give unknown", "PUT", "/recipe/user/role", map[string]any{"userId": "u1", "role": "nope"}, 200, `{"status":"UNKNOWN_ROLE_ERROR"}`},
			{"user roles", "GET", "/recipe/user/roles?userId=u1", nil, 200, `{"roles":["admin","viewer"],"status":"OK"}`},
			{"role users", "GET", "/recipe/role/users?role=admin", nil, 200, `{"status":"OK","users":["u1","u2"]}`},
			{"role users unknown", "GET", "/recipe/role/users?role=nope", nil, 200, `{"status":"UNKNOWN_ROLE_ERROR"}`},
			{"take role", "POST", "/recipe/user/role/remove", map[string]any{"userId": "u1", "role": "viewer"}, 200, `{"didUserHaveRole":true,"status":"OK"}`},
			{"take again", "POST", "/recipe/user/role/remove", map[string]any{"userId": "u1", "role": "viewer"}, 200, `{"didUserHaveRole":false,"status":"OK"}`},
			{"take unknown", "POST", "/recipe/user/role/remove", map[string]any{"userId": "u1", "role": "nope"}, 200, `{"status":"UNKNOWN_ROLE_ERROR"}`},
			{"delete role", "POST", "/recipe/role/remove", map[string]any{"role": "admin"}, 200, `{"didRoleExist":true,"status":"OK"}`},
			{"delete again", "POST", "/recipe/role/remove", map[string]any{"role": "admin"}, 200, `{"didRoleExist":false,"status":"OK"}`},
			{"gone from users", "GET", "/recipe/user/roles?userId=u2", nil, 200, `{"roles":[],"status":"OK"}`},
			{"unknown user", "GET", "/recipe/user/roles?userId=nobody", nil, 200, `{"roles":[],"status":"OK"}`},

			{"empty role", "PUT", "/recipe/role", map[string]any{"role": "  "}, 400, "Field name 'role' cannot be an empty String"},
			{"no role", "PUT", "/recipe/role", map[string]any{}, 400, "Field name 'role' is invalid in JSON input"},
			{"numeric role", "PUT", "/recipe/role", map[string]any{"role": 1}, 400, "Field name 'role' is invalid in JSON input"},
			{"empty permission", "PUT", "/recipe/role", map[string]any{"role": "r", "permissions": []string{"a", " "}}, 400, "Field name 'permissions' cannot contain an empty string"},
			{"permissions not array", "PUT", "/recipe/role", map[string]any{"role": "r", "permissions": "a"}, 400, "Field name 'permissions' is invalid in JSON input"},
			{"permissions not strings", "PUT", "/recipe/role", map[string]any{"role": "r", "permissions": []int{1}}, 400, "Field name 'permissions' is invalid in JSON input"},
			{"GET permissions no role", "GET", "/recipe/role/permissions", nil, 400, "Field name 'role' is missing in GET request"},
			{"GET permissions empty role", "GET", "/recipe/role/permissions?role=", nil, 400, "Field name 'role' cannot be an empty String"},
			{"remove permissions empty", "POST", "/recipe/role/permissions/remove", map[string]any{"role": "viewer", "permissions": []string{""}}, 400, "Field name 'permissions' cannot contain an empty string"},
			{"permission roles empty", "GET", "/recipe/permission/roles?permission=%20", nil, 400, "Field name 'permission' cannot be an empty String"},
			{"permission roles missing", "GET", "/recipe/permission/roles", nil, 400, "Field name 'permission' is missing in GET request"},
			{"delete role empty", "POST", "/recipe/role/remove", map[string]any{"role": ""}, 400, "Field name 'role' cannot be an empty String"},
			{"give empty user", "PUT", "/recipe/user/role", map[string]any{"userId": " ", "role": "viewer"}, 400, "Field name 'userId' cannot be an empty String"},
			{"give no role", "PUT", "/recipe/user/role", map[string]any{"userId": "u1"}, 400, "Field name 'role' is invalid in JSON input"},
			{"take empty role", "POST", "/recipe/user/role/remove", map[string]any{"userId": "u1", "role": ""}, 400, "Field name 'role' cannot be an empty String"},
			{"user roles no user", "GET", "/recipe/user/roles", nil, 400, "Field name 'userId' is missing in GET request"},
			{"role users empty", "GET", "/recipe/role/users?role=%20%20", nil, 400, "Field name 'role' cannot be an empty String"},
			{"bad JSON", "PUT", "/recipe/role", "[", 400, "Invalid Json Input"},
		} {
			r := c.Do(t, s.method, s.path, s.body)
			if got := r.Text(); r.Code != s.code || got != s.want {
				t.Errorf("%s: %d %s, want %d %s", s.name, r.Code, got, s.code, s.want)
			}
		}
	})
}
