package session

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
)

// Refresh-token layout (see the package doc).
const (
	rtVersion   = 1
	rtNonceSize = 32
	rtMACSize   = sha256.Size
	flagParent  = 1 << 0
	flagCSRF    = 1 << 1
)

var errRefreshTokenInvalid = errors.New("session: invalid refresh token")

// refreshToken is what a refresh token carries.
type refreshToken struct {
	Handle string
	// ParentRTH1 is sha256(parent token), raw, or nil for a session's
	// first token.
	ParentRTH1 []byte
	AntiCSRF   string // "" when anti-CSRF is off
}

// encode returns a new token for t, authenticated with key.
func (t refreshToken) encode(key []byte) (string, error) {
	if len(t.Handle) > 255 || len(t.AntiCSRF) > 255 {
		return "", errors.New("session: refresh token field too long")
	}
	b := make([]byte, 0, 3+len(t.Handle)+sha256.Size+1+len(t.AntiCSRF)+rtNonceSize+rtMACSize)
	b = append(b, rtVersion, byte(len(t.Handle)))
	b = append(b, t.Handle...)
	var flags byte
	if t.ParentRTH1 != nil {
		flags |= flagParent
	}
	if t.AntiCSRF != "" {
		flags |= flagCSRF
	}
	b = append(b, flags)
	if t.ParentRTH1 != nil {
		if len(t.ParentRTH1) != sha256.Size {
			return "", errors.New("session: parent hash has the wrong size")
		}
		b = append(b, t.ParentRTH1...)
	}
	if t.AntiCSRF != "" {
		b = append(b, byte(len(t.AntiCSRF)))
		b = append(b, t.AntiCSRF...)
	}
	nonce := make([]byte, rtNonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	b = append(b, nonce...)
	mac := hmac.New(sha256.New, key)
	mac.Write(b)
	b = mac.Sum(b)
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// decodeRefreshToken checks token's MAC with key and returns its content.
func decodeRefreshToken(token string, key []byte) (refreshToken, error) {
	if len(token) > 1024 {
		return refreshToken{}, errRefreshTokenInvalid
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(b) < 3+rtNonceSize+rtMACSize {
		return refreshToken{}, errRefreshTokenInvalid
	}
	body, tag := b[:len(b)-rtMACSize], b[len(b)-rtMACSize:]
	mac := hmac.New(sha256.New, key)
	mac.Write(body)
	if !hmac.Equal(mac.Sum(nil), tag) {
		return refreshToken{}, errRefreshTokenInvalid
	}
	// The MAC is good, so the body is one this core wrote; the bounds
	// checks below guard against a bug, not an attacker.
	r := reader{b: body[:len(body)-rtNonceSize]}
	if r.byte() != rtVersion {
		return refreshToken{}, errRefreshTokenInvalid
	}
	var t refreshToken
	t.Handle = string(r.bytes(int(r.byte())))
	flags := r.byte()
	if flags&flagParent != 0 {
		t.ParentRTH1 = r.bytes(sha256.Size)
	}
	if flags&flagCSRF != 0 {
		t.AntiCSRF = string(r.bytes(int(r.byte())))
	}
	if r.bad || len(r.b) != 0 || t.Handle == "" {
		return refreshToken{}, errRefreshTokenInvalid
	}
	return t, nil
}

// reader consumes a byte slice, remembering whether it ran short.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) byte() byte {
	if len(r.b) < 1 {
		r.bad = true
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) bytes(n int) []byte {
	if len(r.b) < n {
		r.bad = true
		r.b = nil
		return nil
	}
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out
}

// sha256Hex is the reference's token hash: lower-case hex of SHA-256.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// rth1 returns sha256(token), raw and as hex.
func rth1(token string) ([]byte, string) {
	sum := sha256.Sum256([]byte(token))
	return sum[:], hex.EncodeToString(sum[:])
}
