package signing

import (
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

func TestKeyValueRoundTrip(t *testing.T) {
	t.Parallel()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	value, err := encodeValue(priv)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{value, strings.Replace(value, "|", ";", 1)} {
		k, err := parseKey(store.SigningKey{ID: "d-1", Algorithm: "RS256", Value: v, CreatedAt: time.UnixMilli(1)}, true)
		if err != nil {
			t.Fatalf("parse %q…: %v", v[:10], err)
		}
		if !priv.Equal(k.Private) || k.Algorithm != RS256 {
			t.Error("parsed key differs")
		}
	}
	for _, bad := range []string{"", "abc", "a|b", value[:strings.Index(value, "|")] + "|AAAA"} {
		if _, err := parseKey(store.SigningKey{ID: "d-1", Value: bad}, true); err == nil {
			t.Errorf("parsed %q", bad)
		}
	}
	jwk := (&Key{ID: "d-1", Algorithm: RS256, Private: priv}).JWK()
	if jwk.Kty != "RSA" || jwk.E != "AQAB" || jwk.Alg != "RS256" || jwk.Use != "sig" || len(jwk.N) != 342 {
		t.Errorf("JWK = %+v", jwk)
	}
}

func TestDynamicKeyMillis(t *testing.T) {
	t.Parallel()
	for kid, want := range map[string]bool{"d-1700000000000": true, "d-": false, "s-1": false, "d-x": false, "d--1": false, "d-99999999999999999999": false,
		"d-1700000000000-es256": true, "d-1700000000000-eddsa": true, "d-1700000000000-rs256": false, "d-1700000000000-": false, "d--es256": false} {
		if _, ok := dynamicKeyMillis(kid); ok != want {
			t.Errorf("dynamicKeyMillis(%q) ok = %v", kid, ok)
		}
	}
}
