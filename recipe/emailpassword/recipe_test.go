package emailpassword

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// userCore answers GET /user/id with one email-password user in the
// tenants given, and records the PUT /recipe/user bodies it gets.
type userCore struct {
	tenants []string
	mu      sync.Mutex
	updates []map[string]string
}

func (c *userCore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method + " " + r.URL.Path {
	case "GET /apiversion":
		latchkey.WriteJSON(w, 200, map[string]any{"versions": []string{latchkey.CDIVersion}})
	case "GET /user/id":
		if r.URL.Query().Get("userId") != "u1" {
			latchkey.WriteJSON(w, 200, map[string]string{"status": "UNKNOWN_USER_ID_ERROR"})
			return
		}
		m := latchkey.LoginMethod{RecipeID: RecipeID, RecipeUserID: "u1", TenantIDs: c.tenants, Email: "a@b.co"}
		latchkey.WriteJSON(w, 200, map[string]any{"status": "OK", "user": latchkey.User{ID: "u1", TenantIDs: c.tenants, LoginMethods: []latchkey.LoginMethod{m}}})
	case "PUT /recipe/user":
		var b map[string]string
		_ = json.NewDecoder(r.Body).Decode(&b)
		c.mu.Lock()
		c.updates = append(c.updates, b)
		c.mu.Unlock()
		latchkey.WriteJSON(w, 200, map[string]string{"status": "OK"})
	default:
		http.Error(w, "not in the fake core", 404)
	}
}

// The password policy of UpdateEmailOrPassword is the one of the user's
// tenants, not of the default tenant.
func TestUpdateEmailOrPasswordUsesTheUsersTenant(t *testing.T) {
	// A policy per tenant: "strict" wants 12 characters, others 4.
	var seen []string
	policy := func(_ context.Context, v any, tenantID string) error {
		seen = append(seen, tenantID)
		if s, _ := v.(string); tenantID == "strict" && len([]rune(s)) < 12 || len([]rune(s)) < 4 {
			return errors.New("too short for " + tenantID)
		}
		return nil
	}
	for _, tc := range []struct {
		name     string
		tenants  []string
		password string
		wantErr  string // the field error, "" when the update goes through
	}{
		{"strict tenant refuses", []string{"strict"}, "short-pw", "too short for strict"},
		{"strict tenant accepts", []string{"strict"}, "a-long-password", ""},
		{"default tenant accepts", []string{latchkey.DefaultTenantID}, "short-pw", ""},
		{"every tenant counts", []string{latchkey.DefaultTenantID, "strict"}, "short-pw", "too short for strict"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen = nil
			core := &userCore{tenants: tc.tenants}
			ep := New(Config{SignUpFields: []Field{{ID: "password", Validate: policy}}})
			_, err := latchkey.New(latchkey.Config{
				AppInfo: latchkey.AppInfo{AppName: "T", APIDomain: "http://api.example.test", WebsiteDomain: "http://app.example.test"},
				Core:    latchkey.CoreConfig{Handler: core},
				Recipes: []latchkey.Recipe{session.New(session.Config{}), ep},
			})
			if err != nil {
				t.Fatal(err)
			}
			ferrs, err := ep.UpdateEmailOrPassword(t.Context(), "u1", "", tc.password, true)
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantErr == "" {
				if len(ferrs) != 0 || len(core.updates) != 1 || core.updates[0]["password"] != tc.password {
					t.Fatalf("field errors %v, updates %v", ferrs, core.updates)
				}
			} else if len(ferrs) != 1 || ferrs[0].Error != tc.wantErr || len(core.updates) != 0 {
				t.Fatalf("field errors %v, updates %v; want %q and no update", ferrs, core.updates, tc.wantErr)
			}
			for _, s := range seen {
				if s == latchkey.DefaultTenantID && len(tc.tenants) == 1 && tc.tenants[0] != s {
					t.Fatalf("the policy ran for %q, a tenant the user is not in (ran for %v)", s, seen)
				}
			}
		})
	}

	// An unknown user is refused before any policy runs.
	core := &userCore{tenants: []string{"strict"}}
	ep := New(Config{})
	if _, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "T", APIDomain: "http://api.example.test", WebsiteDomain: "http://app.example.test"},
		Core:    latchkey.CoreConfig{Handler: core},
		Recipes: []latchkey.Recipe{session.New(session.Config{}), ep},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := ep.UpdateEmailOrPassword(t.Context(), "nobody", "", "a-long-password", true); !errors.Is(err, ErrUnknownUserID) {
		t.Fatalf("unknown user: %v, want ErrUnknownUserID", err)
	}
}
