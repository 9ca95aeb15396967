package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

func dynamicKey(created time.Time) store.SigningKey {
	return store.SigningKey{
		ID:        fmt.Sprintf("d-%d", created.UnixMilli()),
		Algorithm: "RS256",
		Value:     "pub|priv-" + newID(),
		CreatedAt: created,
	}
}

func keyIDs(keys []store.SigningKey) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.ID
	}
	return out
}

func testDynamicSigningKeys(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	keys, err := s.DynamicSigningKeys(ctx)
	ok(t, err, "DynamicSigningKeys")
	wantStrings(t, keyIDs(keys), []string{}, "no keys yet")

	k1 := dynamicKey(at(1000))
	keys, stored, err := s.AddDynamicSigningKey(ctx, k1, at(0))
	ok(t, err, "AddDynamicSigningKey k1")
	if !stored || len(keys) != 1 || keys[0] != k1 {
		t.Fatalf("AddDynamicSigningKey k1 = %v, %v", keys, stored)
	}
	// k1 was created after 500: a second key is not needed.
	k2 := dynamicKey(at(2000))
	keys, stored, err = s.AddDynamicSigningKey(ctx, k2, at(500))
	ok(t, err, "AddDynamicSigningKey k2")
	if stored {
		t.Fatal("AddDynamicSigningKey stored a key although a newer one exists")
	}
	wantStrings(t, keyIDs(keys), []string{k1.ID}, "keys after a refused add")
	// Created exactly at newerThan is not "after".
	keys, stored, err = s.AddDynamicSigningKey(ctx, k2, at(1000))
	ok(t, err, "AddDynamicSigningKey k2 again")
	if !stored {
		t.Fatal("AddDynamicSigningKey did not store k2")
	}
	wantStrings(t, keyIDs(keys), []string{k2.ID, k1.ID}, "newest first")
	k3 := dynamicKey(at(3000))
	_, _, err = s.AddDynamicSigningKey(ctx, k3, at(2500))
	ok(t, err, "AddDynamicSigningKey k3")
	keys, err = s.DynamicSigningKeys(ctx)
	ok(t, err, "DynamicSigningKeys")
	wantStrings(t, keyIDs(keys), []string{k3.ID, k2.ID, k1.ID}, "DynamicSigningKeys newest first")
	if keys[0] != k3 {
		t.Fatalf("stored key = %+v, want %+v", keys[0], k3)
	}

	n, err := s.DeleteDynamicSigningKeys(ctx, at(2000))
	ok(t, err, "DeleteDynamicSigningKeys")
	if n != 1 {
		t.Fatalf("DeleteDynamicSigningKeys = %d, want 1", n)
	}
	keys, err = s.DynamicSigningKeys(ctx)
	ok(t, err, "DynamicSigningKeys")
	wantStrings(t, keyIDs(keys), []string{k3.ID, k2.ID}, "after delete")

	// Each algorithm's keys rotate on their own: k3 does not stop an ES256
	// key, which then stops the next ES256 key but not an RS256 one.
	es := dynamicKey(at(3100))
	es.ID, es.Algorithm = es.ID+"-es256", "ES256"
	keys, stored, err = s.AddDynamicSigningKey(ctx, es, at(2500))
	ok(t, err, "AddDynamicSigningKey ES256")
	if !stored || keys[0] != es {
		t.Fatalf("AddDynamicSigningKey ES256 = %v, %v: an RS256 key kept it out", keyIDs(keys), stored)
	}
	es2 := dynamicKey(at(3200))
	es2.ID, es2.Algorithm = es2.ID+"-es256", "ES256"
	if _, stored, err = s.AddDynamicSigningKey(ctx, es2, at(3000)); err != nil || stored {
		t.Fatalf("AddDynamicSigningKey second ES256 = %v, %v; want refused", stored, err)
	}
	if _, stored, err = s.AddDynamicSigningKey(ctx, dynamicKey(at(3300)), at(3050)); err != nil || !stored {
		t.Fatalf("AddDynamicSigningKey RS256 after ES256 = %v, %v; want stored", stored, err)
	}
}

func testStaticSigningKey(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	k := store.SigningKey{ID: "s-" + newID(), Algorithm: "RS256", Value: "pub|priv", CreatedAt: base}
	got, err := s.StaticSigningKey(ctx, k)
	ok(t, err, "StaticSigningKey first")
	if got != k {
		t.Fatalf("StaticSigningKey first = %+v, want %+v", got, k)
	}
	other := store.SigningKey{ID: "s-" + newID(), Algorithm: "RS256", Value: "other", CreatedAt: at(5)}
	got, err = s.StaticSigningKey(ctx, other)
	ok(t, err, "StaticSigningKey second")
	if got != k {
		t.Fatalf("StaticSigningKey second = %+v, want the first key %+v", got, k)
	}
	es := store.SigningKey{ID: "s-" + newID(), Algorithm: "ES256", Value: "ec", CreatedAt: at(6)}
	got, err = s.StaticSigningKey(ctx, es)
	ok(t, err, "StaticSigningKey ES256")
	if got != es {
		t.Fatalf("StaticSigningKey ES256 = %+v, want %+v", got, es)
	}
}
