package signing

import (
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/latchkey-dev/latchkey/store"
)

// encodeValue writes a key pair as the reference stores it:
// base64(X.509 SPKI DER) + "|" + base64(PKCS#8 DER). Both forms hold
// RSA, ECDSA and Ed25519 keys alike.
func encodeValue(priv crypto.Signer) (string, error) {
	pub, err := x509.MarshalPKIXPublicKey(priv.Public())
	if err != nil {
		return "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(pub) + "|" + base64.StdEncoding.EncodeToString(der), nil
}

// parseKey reads a stored key. Legacy values separate the halves with ';';
// a key stored without an algorithm is RS256.
func parseKey(k store.SigningKey, dynamic bool) (*Key, error) {
	alg := k.Algorithm
	if alg == "" {
		alg = RS256
	}
	if err := CheckAlgorithm(alg); err != nil {
		return nil, fmt.Errorf("signing: key %s: unsupported algorithm %q", k.ID, k.Algorithm)
	}
	pubText, privText, ok := strings.Cut(k.Value, "|")
	if !ok {
		pubText, privText, ok = strings.Cut(k.Value, ";")
	}
	if !ok {
		return nil, fmt.Errorf("signing: key %s: value is not <public>|<private>", k.ID)
	}
	pubDER, err := base64.StdEncoding.DecodeString(pubText)
	if err != nil {
		return nil, fmt.Errorf("signing: key %s: public half: %w", k.ID, err)
	}
	privDER, err := base64.StdEncoding.DecodeString(privText)
	if err != nil {
		return nil, fmt.Errorf("signing: key %s: private half: %w", k.ID, err)
	}
	pub, err := x509.ParsePKIXPublicKey(pubDER)
	if err != nil {
		return nil, fmt.Errorf("signing: key %s: %w", k.ID, err)
	}
	anyPriv, err := x509.ParsePKCS8PrivateKey(privDER)
	if err != nil {
		return nil, fmt.Errorf("signing: key %s: %w", k.ID, err)
	}
	priv, keyAlg, ok := algorithmOf(anyPriv)
	if !ok || keyAlg != alg {
		return nil, fmt.Errorf("signing: key %s: not an %s key", k.ID, alg)
	}
	if !priv.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(pub) {
		return nil, fmt.Errorf("signing: key %s: public and private halves do not match", k.ID)
	}
	return &Key{ID: k.ID, Algorithm: alg, Dynamic: dynamic, CreatedAt: k.CreatedAt, Private: priv}, nil
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
