package usermetadata

import (
	"encoding/json"
	"testing"
)

func TestMerge(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ old, update, want string }{
		{`{}`, `{}`, `{}`},
		{`{}`, `{"a":1}`, `{"a":1}`},
		{`{"a":1,"b":2,"c":3}`, `{"a":10}`, `{"b":2,"c":3,"a":10}`},
		{`{"a":1,"b":2}`, `{"a":null}`, `{"b":2}`},
		{`{"a":{"x":1,"y":2}}`, `{"a":{"z":3}}`, `{"a":{"z":3}}`},
		{`{"a":1}`, `{"missing":null}`, `{"a":1}`},
		{`{"a":[1, 2]}`, `{"b" : "s"}`, `{"a":[1,2],"b":"s"}`},
	} {
		old, err := members(json.RawMessage(c.old))
		if err != nil {
			t.Fatal(err)
		}
		upd, err := members(json.RawMessage(c.update))
		if err != nil {
			t.Fatal(err)
		}
		if got := string(merge(old, upd)); got != c.want {
			t.Errorf("merge(%s, %s) = %s, want %s", c.old, c.update, got, c.want)
		}
	}
}
