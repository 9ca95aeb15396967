package signing

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/latchkey-dev/latchkey/store"
)

// encodeValue writes a key pair as the reference stores it:
// base64(X.509 SPKI DER) + "|" + base64(PKCS#8 DER).
func encodeValue(priv *rsa.PrivateKey) (string, error) {
	pub, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(pub) + "|" + base64.StdEncoding.EncodeToString(der), nil
}

// parseKey reads a stored key. Legacy values separate the halves with ';'.
func parseKey(k store.SigningKey, dynamic bool) (*Key, error) {
	if k.Algorithm != "" && k.Algorithm != Algorithm {
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
	priv, ok := anyPriv.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("signing: key %s: not an RSA key", k.ID)
	}
	if !priv.PublicKey.Equal(pub) {
		return nil, fmt.Errorf("signing: key %s: public and private halves do not match", k.ID)
	}
	return &Key{ID: k.ID, Dynamic: dynamic, CreatedAt: k.CreatedAt, Private: priv}, nil
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
