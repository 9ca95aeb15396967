package usermetadata_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/usermetadata"
)

// metadataCore holds a first_name for every user id, and serves the bulk
// read unless noBulk, counting the calls of each kind.
type metadataCore struct {
	noBulk  bool
	mu      sync.Mutex
	batches []int // ids per bulk call
	single  int
	refused int // bulk calls answered 404
}

func (c *metadataCore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch r.Method + " " + r.URL.Path {
	case "GET /apiversion":
		latchkey.WriteJSON(w, 200, map[string]any{"versions": []string{latchkey.CDIVersion}})
	case "POST /recipe/user/metadata/bulk":
		if c.noBulk {
			c.refused++
			http.Error(w, "Not Found", http.StatusNotFound)
			return
		}
		var b struct {
			UserIDs []string `json:"userIds"`
		}
		_ = json.NewDecoder(r.Body).Decode(&b)
		if len(b.UserIDs) > usermetadata.MaxBulkUsers {
			http.Error(w, "too many", http.StatusBadRequest)
			return
		}
		c.batches = append(c.batches, len(b.UserIDs))
		md := map[string]any{}
		for _, id := range b.UserIDs {
			md[id] = map[string]string{"first_name": id}
		}
		latchkey.WriteJSON(w, 200, map[string]any{"status": "OK", "metadata": md})
	case "GET /recipe/user/metadata":
		c.single++
		id := r.URL.Query().Get("userId")
		latchkey.WriteJSON(w, 200, map[string]any{"status": "OK", "metadata": map[string]string{"first_name": id}})
	default:
		http.Error(w, "not in the fake core", 404)
	}
}

func newRecipe(t *testing.T, core http.Handler) *usermetadata.Recipe {
	t.Helper()
	md := usermetadata.New(usermetadata.Config{})
	if _, err := latchkey.New(latchkey.Config{
		AppInfo: latchkey.AppInfo{AppName: "T", APIDomain: "http://api.example.test", WebsiteDomain: "http://app.example.test"},
		Core:    latchkey.CoreConfig{Handler: core},
		Recipes: []latchkey.Recipe{md},
	}); err != nil {
		t.Fatal(err)
	}
	return md
}

func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("u%d", i)
	}
	return out
}

func check(t *testing.T, got map[string]map[string]any, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d users answered, want %d", len(got), len(want))
	}
	for _, id := range want {
		if got[id]["first_name"] != id {
			t.Fatalf("metadata of %s = %v", id, got[id])
		}
	}
}

func TestBulkUserMetadata(t *testing.T) {
	core := &metadataCore{}
	md := newRecipe(t, core)
	// A duplicate costs nothing; 2500 ids take three calls.
	in := append(ids(2500), "u7")
	got, err := md.BulkUserMetadata(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	check(t, got, ids(2500))
	if fmt.Sprint(core.batches) != "[1000 1000 500]" || core.single != 0 {
		t.Fatalf("bulk calls %v, single reads %d", core.batches, core.single)
	}
	if got, err := md.BulkUserMetadata(t.Context(), nil); err != nil || len(got) != 0 || len(core.batches) != 3 {
		t.Fatalf("no ids: %v %v, %d calls", got, err, len(core.batches))
	}
}

// A core that answers 404 to the bulk read is read user by user, and not
// asked for the bulk read again.
func TestBulkUserMetadataFallback(t *testing.T) {
	core := &metadataCore{noBulk: true}
	md := newRecipe(t, core)
	for round := range 2 {
		got, err := md.BulkUserMetadata(t.Context(), ids(40))
		if err != nil {
			t.Fatal(err)
		}
		check(t, got, ids(40))
		if core.single != 40*(round+1) || core.refused != 1 {
			t.Fatalf("round %d: %d single reads, %d refused bulk reads", round, core.single, core.refused)
		}
	}
}
