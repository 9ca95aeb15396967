package signing

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// The JWS algorithms the core signs access tokens with. Each is the
// standard library's: crypto/rsa, crypto/ecdsa, crypto/ed25519.
const (
	// RS256 is RSASSA-PKCS1-v1_5 with SHA-256 and 2048-bit keys
	// (RFC 7518 §3.3): the reference's algorithm and the default.
	RS256 = "RS256"
	// ES256 is ECDSA on P-256 with SHA-256 (RFC 7518 §3.4): signing is
	// about 20 times cheaper than RS256.
	ES256 = "ES256"
	// EdDSA is Ed25519 (RFC 8037 §3.1): cheaper still, and deterministic.
	EdDSA = "EdDSA"
)

// Algorithms lists the algorithms the core signs with, the default first.
var Algorithms = []string{RS256, ES256, EdDSA}

// errAlgorithm means a signature's header names another algorithm than
// its key's.
var errAlgorithm = errors.New("signing: the token's algorithm is not its key's")

// CheckAlgorithm returns an error naming the choices when alg is not one
// of Algorithms.
func CheckAlgorithm(alg string) error {
	for _, a := range Algorithms {
		if alg == a {
			return nil
		}
	}
	return fmt.Errorf("signing: algorithm %q is not one of %s", alg, strings.Join(Algorithms, ", "))
}

// generate makes a key pair for alg.
func generate(alg string) (crypto.Signer, error) {
	switch alg {
	case RS256:
		return rsa.GenerateKey(rand.Reader, keyBits)
	case ES256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case EdDSA:
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		return priv, err
	}
	return nil, CheckAlgorithm(alg)
}

// algorithmOf returns the algorithm a private key signs with.
func algorithmOf(priv any) (crypto.Signer, string, bool) {
	switch p := priv.(type) {
	case *rsa.PrivateKey:
		return p, RS256, true
	case *ecdsa.PrivateKey:
		return p, ES256, p.Curve == elliptic.P256()
	case ed25519.PrivateKey:
		return p, EdDSA, true
	}
	return nil, "", false
}

// es256Size is the size of each of r and s in an ES256 signature.
const es256Size = 32

// signInput signs a JWS signing input with k.
func signInput(k *Key, input []byte) ([]byte, error) {
	switch priv := k.Private.(type) {
	case *rsa.PrivateKey:
		digest := sha256.Sum256(input)
		return rsa.SignPKCS1v15(rand.Reader, priv, crypto.SHA256, digest[:])
	case *ecdsa.PrivateKey:
		digest := sha256.Sum256(input)
		r, s, err := ecdsa.Sign(rand.Reader, priv, digest[:])
		if err != nil {
			return nil, err
		}
		// A JWS carries r and s as fixed-size big-endian integers, not
		// in ASN.1 (RFC 7518 §3.4).
		sig := make([]byte, 2*es256Size)
		r.FillBytes(sig[:es256Size])
		s.FillBytes(sig[es256Size:])
		return sig, nil
	case ed25519.PrivateKey:
		return ed25519.Sign(priv, input), nil
	}
	return nil, fmt.Errorf("signing: key %s: unsupported key type %T", k.ID, k.Private)
}

// verifyInput checks sig over a JWS signing input with k's public half.
func verifyInput(k *Key, input string, sig []byte) error {
	switch pub := k.Public().(type) {
	case *rsa.PublicKey:
		digest := sha256.Sum256([]byte(input))
		return rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig)
	case *ecdsa.PublicKey:
		if len(sig) != 2*es256Size {
			return errors.New("signing: an ES256 signature is 64 bytes")
		}
		digest := sha256.Sum256([]byte(input))
		r := new(big.Int).SetBytes(sig[:es256Size])
		s := new(big.Int).SetBytes(sig[es256Size:])
		if !ecdsa.Verify(pub, digest[:], r, s) {
			return errors.New("signing: ES256 verification failed")
		}
		return nil
	case ed25519.PublicKey:
		if !ed25519.Verify(pub, []byte(input), sig) {
			return errors.New("signing: EdDSA verification failed")
		}
		return nil
	}
	return fmt.Errorf("signing: key %s: unsupported key type %T", k.ID, k.Public())
}
