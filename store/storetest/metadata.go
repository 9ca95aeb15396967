package storetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

// mergeJSON is the CDI's shallow merge: each key of update replaces the
// old value, and a null value removes the key.
func mergeJSON(old, update json.RawMessage) (json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if old != nil {
		if err := json.Unmarshal(old, &m); err != nil {
			return nil, err
		}
	}
	var u map[string]json.RawMessage
	if err := json.Unmarshal(update, &u); err != nil {
		return nil, err
	}
	for k, v := range u {
		delete(m, k)
		if string(v) != "null" {
			m[k] = v
		}
	}
	return json.Marshal(m)
}

func metadataKeys(t *testing.T, raw json.RawMessage) map[string]json.RawMessage {
	t.Helper()
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("stored metadata %q is not a JSON object: %v", raw, err)
	}
	return m
}

func testMetadata(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	user := newID()
	md, err := s.Metadata(ctx, user)
	ok(t, err, "Metadata")
	if md != nil {
		t.Fatalf("Metadata with none stored = %s, want nil", md)
	}

	var seen json.RawMessage = json.RawMessage("unset")
	got, err := s.UpdateMetadata(ctx, user, func(old json.RawMessage) (json.RawMessage, error) {
		seen = old
		return mergeJSON(old, json.RawMessage(`{"a":1,"b":{"c":2}}`))
	})
	ok(t, err, "UpdateMetadata first")
	if seen != nil {
		t.Fatalf("first updater saw %q, want nil", seen)
	}
	if m := metadataKeys(t, got); len(m) != 2 || string(m["a"]) != "1" || string(m["b"]) != `{"c":2}` {
		t.Fatalf("first UpdateMetadata returned %s", got)
	}
	got, err = s.UpdateMetadata(ctx, user, func(old json.RawMessage) (json.RawMessage, error) {
		seen = old
		return mergeJSON(old, json.RawMessage(`{"a":null,"d":"x"}`))
	})
	ok(t, err, "UpdateMetadata second")
	if m := metadataKeys(t, seen); len(m) != 2 {
		t.Fatalf("second updater saw %s", seen)
	}
	m := metadataKeys(t, got)
	if len(m) != 2 || string(m["d"]) != `"x"` || string(m["b"]) != `{"c":2}` {
		t.Fatalf("UpdateMetadata returned %s", got)
	}
	md, err = s.Metadata(ctx, user)
	ok(t, err, "Metadata")
	if string(md) != string(got) {
		t.Fatalf("Metadata = %s, want what UpdateMetadata returned, %s", md, got)
	}

	_, err = s.UpdateMetadata(ctx, user, func(json.RawMessage) (json.RawMessage, error) {
		return json.RawMessage(`{}`), errUpdater
	})
	is(t, err, errUpdater, "updater error")
	md, err = s.Metadata(ctx, user)
	ok(t, err, "Metadata")
	if string(md) != string(got) {
		t.Fatalf("Metadata after a failed update = %s, want %s", md, got)
	}
	// A failed first update stores nothing, not even an empty row.
	fresh := newID()
	_, err = s.UpdateMetadata(ctx, fresh, func(json.RawMessage) (json.RawMessage, error) { return nil, errUpdater })
	is(t, err, errUpdater, "failed first update")
	if md, err := s.Metadata(ctx, fresh); err != nil || md != nil {
		t.Fatalf("Metadata after failed first update = %s, %v", md, err)
	}

	// An empty object is stored as such.
	got, err = s.UpdateMetadata(ctx, user, func(json.RawMessage) (json.RawMessage, error) { return json.RawMessage(`{}`), nil })
	ok(t, err, "UpdateMetadata to {}")
	if string(got) != "{}" {
		t.Fatalf("UpdateMetadata to {} returned %s", got)
	}
	if md, _ := s.Metadata(ctx, user); string(md) != "{}" {
		t.Fatalf("Metadata = %s, want {}", md)
	}

	ok(t, s.DeleteMetadata(ctx, user), "DeleteMetadata")
	if md, err := s.Metadata(ctx, user); err != nil || md != nil {
		t.Fatalf("Metadata after delete = %s, %v", md, err)
	}
	ok(t, s.DeleteMetadata(ctx, user), "DeleteMetadata of none")
}

func testMetadataForUsers(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	got, err := s.MetadataForUsers(ctx, nil)
	ok(t, err, "MetadataForUsers of none")
	if got == nil || len(got) != 0 {
		t.Fatalf("MetadataForUsers(nil) = %v, want an empty map", got)
	}

	// More users than one query takes, every third with metadata, and one
	// with an empty object.
	const n = 1203
	ids := make([]string, n)
	want := map[string]string{}
	for i := range ids {
		ids[i] = newID()
		if i%3 != 0 {
			continue
		}
		v := fmt.Sprintf(`{"i":%d}`, i)
		if i == 9 {
			v = `{}`
		}
		_, err := s.UpdateMetadata(ctx, ids[i], func(json.RawMessage) (json.RawMessage, error) { return json.RawMessage(v), nil })
		ok(t, err, "UpdateMetadata")
		want[ids[i]] = v
	}
	// Asked with a duplicate and an id nobody has.
	got, err = s.MetadataForUsers(ctx, append(append([]string{ids[0]}, ids...), "no-such-user"))
	ok(t, err, "MetadataForUsers")
	if len(got) != len(want) {
		t.Fatalf("MetadataForUsers returned %d users, want %d", len(got), len(want))
	}
	for id, v := range want {
		if g, found := got[id]; !found || !bytes.Equal(compactJSON(t, g), []byte(v)) {
			t.Fatalf("metadata of %s = %s (found %v), want %s", id, g, found, v)
		}
	}

	// A deleted user's metadata is gone from the answer.
	ok(t, s.DeleteMetadata(ctx, ids[3]), "DeleteMetadata")
	got, err = s.MetadataForUsers(ctx, ids[:6])
	ok(t, err, "MetadataForUsers after delete")
	if _, found := got[ids[3]]; found || len(got) != 1 {
		t.Fatalf("after a delete: %v", got)
	}
}

// compactJSON removes the spaces an engine may store JSON with.
func compactJSON(t *testing.T, raw json.RawMessage) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatalf("%q is not JSON: %v", raw, err)
	}
	return b.Bytes()
}
