package signing

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

// TestAlgorithms: a key of each algorithm survives the store's encoding,
// signs a token that verifies under its own algorithm only, refuses a
// tampered one, and is published as the JWK its RFC describes.
func TestAlgorithms(t *testing.T) {
	t.Parallel()
	for _, s := range []struct {
		alg, kty, crv string
		sigLen        int
	}{
		{RS256, "RSA", "", 256},
		{ES256, "EC", "P-256", 64},
		{EdDSA, "OKP", "Ed25519", 64},
	} {
		t.Run(s.alg, func(t *testing.T) {
			t.Parallel()
			priv, err := generate(s.alg)
			if err != nil {
				t.Fatal(err)
			}
			value, err := encodeValue(priv)
			if err != nil {
				t.Fatal(err)
			}
			k, err := parseKey(store.SigningKey{ID: "d-1", Algorithm: s.alg, Value: value, CreatedAt: time.UnixMilli(1)}, true)
			if err != nil {
				t.Fatal(err)
			}
			if k.Algorithm != s.alg {
				t.Fatalf("parsed algorithm %s", k.Algorithm)
			}
			for _, other := range Algorithms {
				if other == s.alg {
					continue
				}
				if _, err := parseKey(store.SigningKey{ID: "d-1", Algorithm: other, Value: value}, true); err == nil {
					t.Errorf("a %s key parsed as %s", s.alg, other)
				}
			}

			header := `{"alg":"` + s.alg + `","typ":"JWT","kid":"d-1","version":"5"}`
			tok, err := Sign(k, []byte(header), []byte(testPayload))
			if err != nil {
				t.Fatal(err)
			}
			p, err := Split(tok)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.signature) != s.sigLen {
				t.Errorf("signature is %d bytes, want %d", len(p.signature), s.sigLen)
			}
			if err := p.Verify(k, s.alg); err != nil {
				t.Errorf("verify: %v", err)
			}
			for _, other := range append(Algorithms, "none", "") {
				if other != s.alg && p.Verify(k, other) == nil {
					t.Errorf("verified with the header's alg %q", other)
				}
			}
			h, rest, _ := strings.Cut(tok, ".")
			_, sig, _ := strings.Cut(rest, ".")
			forged := h + "." + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(testPayload, "u-9", "u-8", 1))) + "." + sig
			if p, err := Split(forged); err != nil || p.Verify(k, s.alg) == nil {
				t.Errorf("forged payload verified (split: %v)", err)
			}
			another, _ := generate(s.alg)
			if p.Verify(&Key{ID: "d-2", Algorithm: s.alg, Private: another}, s.alg) == nil {
				t.Error("verified with another key")
			}

			j := k.JWK()
			if j.Kty != s.kty || j.Crv != s.crv || j.Alg != s.alg || j.Kid != "d-1" || j.Use != "sig" {
				t.Errorf("JWK = %+v", j)
			}
			// The published coordinates are the key's.
			switch pub := k.Public().(type) {
			case *ecdsa.PublicKey:
				x, _ := base64.RawURLEncoding.DecodeString(j.X)
				y, _ := base64.RawURLEncoding.DecodeString(j.Y)
				got, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
				if err != nil || !got.Equal(pub) || j.N != "" || j.E != "" {
					t.Errorf("JWK %+v is not the key (%v)", j, err)
				}
			case ed25519.PublicKey:
				x, _ := base64.RawURLEncoding.DecodeString(j.X)
				if !pub.Equal(ed25519.PublicKey(x)) || j.Y != "" || j.N != "" {
					t.Errorf("JWK %+v is not the key", j)
				}
			}
		})
	}
}

func TestCheckAlgorithm(t *testing.T) {
	t.Parallel()
	for alg, ok := range map[string]bool{"RS256": true, "ES256": true, "EdDSA": true, "rs256": false, "HS256": false, "none": false, "": false, "ES384": false} {
		if err := CheckAlgorithm(alg); (err == nil) != ok {
			t.Errorf("CheckAlgorithm(%q) = %v", alg, err)
		}
	}
}

// BenchmarkSignAlgorithms measures one access token's signature with each
// algorithm: what bounds session creation and refresh.
func BenchmarkSignAlgorithms(b *testing.B) {
	for _, alg := range Algorithms {
		b.Run(alg, func(b *testing.B) {
			priv, err := generate(alg)
			if err != nil {
				b.Fatal(err)
			}
			k := &Key{ID: "d-1", Algorithm: alg, Private: priv}
			header := []byte(`{"alg":"` + alg + `","typ":"JWT","kid":"d-1","version":"5"}`)
			for b.Loop() {
				if _, err := Sign(k, header, []byte(testPayload)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
