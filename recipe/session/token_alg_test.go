package session

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"testing"
)

// testSigner signs a token's input as the core does for alg.
type testSigner struct {
	alg  string
	sign func(input []byte) []byte
	jwk  map[string]string
}

func newTestSigner(t *testing.T, alg, kid string) testSigner {
	t.Helper()
	b64 := base64.RawURLEncoding.EncodeToString
	switch alg {
	case algRS256:
		k, _ := rsa.GenerateKey(rand.Reader, 2048)
		return testSigner{alg, func(in []byte) []byte {
			d := sha256.Sum256(in)
			sig, _ := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, d[:])
			return sig
		}, map[string]string{"kty": "RSA", "kid": kid, "alg": alg, "n": b64(k.N.Bytes()), "e": b64(big.NewInt(int64(k.E)).Bytes())}}
	case algES256:
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		pt, _ := k.PublicKey.Bytes()
		return testSigner{alg, func(in []byte) []byte {
			d := sha256.Sum256(in)
			r, s, _ := ecdsa.Sign(rand.Reader, k, d[:])
			sig := make([]byte, 64)
			r.FillBytes(sig[:32])
			s.FillBytes(sig[32:])
			return sig
		}, map[string]string{"kty": "EC", "kid": kid, "alg": alg, "crv": "P-256", "x": b64(pt[1:33]), "y": b64(pt[33:])}}
	default:
		pub, k, _ := ed25519.GenerateKey(rand.Reader)
		return testSigner{alg, func(in []byte) []byte { return ed25519.Sign(k, in) },
			map[string]string{"kty": "OKP", "kid": kid, "alg": alg, "crv": "Ed25519", "x": b64(pub)}}
	}
}

// token returns an access token signed by s whose header says alg.
func (s testSigner) token(alg, kid string) string {
	b64 := base64.RawURLEncoding.EncodeToString
	h := `{"alg":"` + alg + `","typ":"JWT","kid":"` + kid + `","version":"5"}`
	p := `{"sub":"u","exp":9999999999,"iat":1,"tId":"public","rsub":"u","sessionHandle":"h","refreshTokenHash1":"r","parentRefreshTokenHash1":null,"antiCsrfToken":null}`
	input := b64([]byte(h)) + "." + b64([]byte(p))
	return input + "." + b64(s.sign([]byte(input)))
}

// TestVerifyAlgorithms: the SDK verifies RS256, ES256 and EdDSA tokens
// against the JWK of their kid, and refuses a token whose header names
// another algorithm than its key's, or that another key signed.
func TestVerifyAlgorithms(t *testing.T) {
	t.Parallel()
	signers := map[string]testSigner{}
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	for _, alg := range []string{algRS256, algES256, algEdDSA} {
		signers[alg] = newTestSigner(t, alg, "k-"+alg)
		set.Keys = append(set.Keys, signers[alg].jwk)
	}
	// Keys the SDK must skip: an EC key claiming RS256, a short EdDSA key,
	// a P-384 key, a key without a kid.
	set.Keys = append(set.Keys,
		map[string]string{"kty": "EC", "kid": "bad-1", "alg": "RS256", "crv": "P-256", "x": signers[algES256].jwk["x"], "y": signers[algES256].jwk["y"]},
		map[string]string{"kty": "OKP", "kid": "bad-2", "alg": "EdDSA", "crv": "Ed25519", "x": "AAAA"},
		map[string]string{"kty": "EC", "kid": "bad-3", "alg": "ES384", "crv": "P-384", "x": "AAAA", "y": "AAAA"},
		map[string]string{"kty": "OKP", "alg": "EdDSA", "crv": "Ed25519", "x": signers[algEdDSA].jwk["x"]},
	)
	raw, _ := json.Marshal(set)
	keys, err := parseJWKS(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 {
		t.Fatalf("parsed %d keys, want 3: %v", len(keys), keys)
	}
	for _, alg := range []string{algRS256, algES256, algEdDSA} {
		for _, other := range []string{algRS256, algES256, algEdDSA} {
			// A token signed by alg's key, naming kid k-other in a header
			// that says headerAlg.
			for _, headerAlg := range []string{alg, other} {
				tok, err := parseAccessToken(signers[alg].token(headerAlg, "k-"+other))
				if err != nil {
					t.Fatalf("%s token parses: %v", alg, err)
				}
				err = tok.verifySignature(keys["k-"+other])
				if want := alg == other && headerAlg == alg; (err == nil) != want {
					t.Errorf("signed %s, header alg %s, kid k-%s: verify = %v, want ok=%v", alg, headerAlg, other, err, want)
				}
			}
		}
	}
	if _, err := parseAccessToken(signers[algRS256].token("HS256", "k-RS256")); err == nil {
		t.Error("an HS256 header parsed as an access token")
	}
}
