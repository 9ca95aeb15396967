package signing

import (
	"encoding/base64"
	"errors"
	"strings"
)

// ErrMalformed means a token is not a JWS in compact form.
var ErrMalformed = errors.New("signing: malformed token")

// Sign returns the compact JWS of header and payload, both JSON objects
// the caller wrote (so claim order is the caller's; its "alg" must be
// k.Algorithm), signed with k. Each algorithm is one call into the
// standard library (see algorithm.go); no JOSE library is needed, and one
// would not keep the caller's header order.
func Sign(k *Key, header, payload []byte) (string, error) {
	input := b64url(header) + "." + b64url(payload)
	sig, err := signInput(k, []byte(input))
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

// Verify checks the parts' signature against k. alg is the header's
// "alg", which must be k's: a verifier never lets the token choose how
// its key is used.
func (p Parts) Verify(k *Key, alg string) error {
	if alg != k.Algorithm {
		return errAlgorithm
	}
	return verifyInput(k, p.signingInput, p.signature)
}
