package signing

import (
	"encoding/base64"
	"errors"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// ErrMalformed means a token is not a JWS in compact form.
var ErrMalformed = errors.New("signing: malformed token")

// Sign returns the compact JWS of header and payload, both JSON objects
// the caller wrote (so claim order is the caller's), signed RS256 with k.
// The RSA work is golang-jwt's.
func Sign(k *Key, header, payload []byte) (string, error) {
	input := b64url(header) + "." + b64url(payload)
	sig, err := jwt.SigningMethodRS256.Sign(input, k.Private)
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
	return jwt.SigningMethodRS256.Verify(p.signingInput, p.signature, k.Public())
}
