package main

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

func TestVerifier(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "d-1", Algorithm: "RS256", Use: "sig"}}})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := parseJWKS(raw)
	if err != nil || keys["d-1"] == nil {
		t.Fatalf("parseJWKS = %v, %v", keys, err)
	}
	v := &verifier{keys: keys}
	sign := func(kid string) string {
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
			(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
		if err != nil {
			t.Fatal(err)
		}
		jws, err := signer.Sign([]byte(`{"sub":"u"}`))
		if err != nil {
			t.Fatal(err)
		}
		s, err := jws.CompactSerialize()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := sign("d-1")
	tampered := good[:strings.LastIndexByte(good, '.')-2] + "xx" + good[strings.LastIndexByte(good, '.'):]
	tests := []struct {
		name string
		tok  string
		ok   bool
	}{
		{"signed by the key", good, true},
		{"twice (the header is cached)", good, true},
		{"payload changed", tampered, false},
		{"unknown kid", sign("d-2"), false},
		{"not a JWT", "abc", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := v.verify(tt.tok); (err == nil) != tt.ok {
				t.Errorf("verify = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
