package passwordless

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"
)

// Sizes of the random values, as the reference core makes them.
const (
	deviceIDBytes     = 32
	linkCodeSaltBytes = 32
	userInputCodeLen  = 6
)

// encode is how the core writes binary values: base64url without padding,
// so that they go into URLs (the magic link) unescaped.
func encode(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// decode reads a value that encode wrote. It also accepts standard base64
// and padding, which other cores hand out for device ids.
func decode(s string) ([]byte, bool) {
	s = strings.TrimRight(s, "=")
	if s == "" {
		return nil, false
	}
	enc := base64.RawURLEncoding
	if strings.ContainsAny(s, "+/") {
		enc = base64.RawStdEncoding
	}
	b, err := enc.DecodeString(s)
	return b, err == nil
}

func randomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("passwordless: reading random bytes: %w", err)
	}
	return b, nil
}

// newUserInputCode returns 6 random decimal digits.
func newUserInputCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("passwordless: making a user input code: %w", err)
	}
	return fmt.Sprintf("%0*d", userInputCodeLen, n.Int64()), nil
}

// preAuthSessionID is the pre-auth session id of a device id.
func preAuthSessionID(deviceID []byte) string {
	sum := sha256.Sum256(deviceID)
	return encode(sum[:])
}

// linkCode derives the link code of a user input code. The salt, known
// only to the core, keeps a client that holds its device id from deriving
// link codes for guessed user input codes, which would escape the limit on
// attempts.
func linkCode(deviceID, salt []byte, userInputCode string) []byte {
	key := make([]byte, 0, len(deviceID)+len(salt))
	key = append(append(key, deviceID...), salt...)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(userInputCode))
	return mac.Sum(nil)
}

// linkCodeHash is how a link code is stored.
func linkCodeHash(linkCode []byte) string {
	sum := sha256.Sum256(linkCode)
	return encode(sum[:])
}

// sameHash compares two stored hashes in constant time.
func sameHash(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
