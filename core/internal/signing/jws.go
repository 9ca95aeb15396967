package signing

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// ErrMalformed means a token is not a JWS in compact form.
var ErrMalformed = errors.New("signing: malformed token")

// Sign returns the compact JWS of header and payload, both JSON objects
// the caller wrote (so claim order is the caller's), signed RS256 with k.
// RS256 is RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3), which the
// standard library's crypto/rsa does; no JOSE library is needed, and one
// would not keep the caller's header order.
func Sign(k *Key, header, payload []byte) (string, error) {
	input := b64url(header) + "." + b64url(payload)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k.Private, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return input + "." + b64url(sig), nil
}

// Parts is a compact JWS split and decoded, not yet verified.
type Parts struct {
	Header, Payload []byte
	signingInput    string
	signature       []byte
}

// Split decodes a compact JWS without checking its signature.
func Split(token string) (Parts, error) {
	h, rest, ok := strings.Cut(token, ".")
	if !ok {
		return Parts{}, ErrMalformed
	}
	p, s, ok := strings.Cut(rest, ".")
	if !ok || strings.Contains(s, ".") {
		return Parts{}, ErrMalformed
	}
	var parts Parts
	var err error
	if parts.Header, err = base64.RawURLEncoding.DecodeString(h); err != nil {
		return Parts{}, ErrMalformed
	}
	if parts.Payload, err = base64.RawURLEncoding.DecodeString(p); err != nil {
		return Parts{}, ErrMalformed
	}
	if parts.signature, err = base64.RawURLEncoding.DecodeString(s); err != nil {
		return Parts{}, ErrMalformed
	}
	parts.signingInput = token[:len(h)+1+len(p)]
	return parts, nil
}

// Verify checks the parts' RS256 signature against k.
func (p Parts) Verify(k *Key) error {
	digest := sha256.Sum256([]byte(p.signingInput))
	return rsa.VerifyPKCS1v15(k.Public(), crypto.SHA256, digest[:], p.signature)
}
