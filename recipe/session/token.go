package session

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/latchkey-dev/latchkey"
)

// accessToken is a parsed access token (reference/cdi-core.md §2.4.2).
// The payload is decoded into the fields the SDK needs; the full payload
// map is decoded only when asked for, which keeps verification cheap.
type accessToken struct {
	raw     string
	alg     string // RS256, ES256 or EdDSA
	kid     string
	version int
	payload []byte // the decoded JSON payload
	claims  tokenClaims

	once sync.Once
	full map[string]any
}

// tokenClaims are the claims the SDK reads, by exact name (see decode).
type tokenClaims struct {
	Sub                     string  `json:"sub"`
	Exp                     int64   `json:"exp"`
	Iat                     int64   `json:"iat"`
	SessionHandle           string  `json:"sessionHandle"`
	RefreshTokenHash1       string  `json:"refreshTokenHash1"`
	ParentRefreshTokenHash1 *string `json:"parentRefreshTokenHash1"`
	AntiCSRFToken           *string `json:"antiCsrfToken"`
	TenantID                string  `json:"tId"`
	RecipeUserID            string  `json:"rsub"`
	Stt                     *int    `json:"stt"`
}

// decode reads the claims from a payload by their exact names. Decoding
// into the struct alone would match names case-insensitively, and the last
// of "sub" and a custom "SUB" would win: custom claims follow the core's,
// so user data could set the session's user, tenant or handle. The struct
// is used only when the payload's text shows that no other key folds to a
// claim's name; otherwise the claims are picked from the keys one by one.
func (c *tokenClaims) decode(payload []byte) error {
	if !foldedClaimNames(payload) {
		return json.Unmarshal(payload, c)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(payload, &m); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		dst  any
	}{
		{"sub", &c.Sub}, {"exp", &c.Exp}, {"iat", &c.Iat}, {"sessionHandle", &c.SessionHandle},
		{"refreshTokenHash1", &c.RefreshTokenHash1}, {"parentRefreshTokenHash1", &c.ParentRefreshTokenHash1},
		{"antiCsrfToken", &c.AntiCSRFToken}, {"tId", &c.TenantID}, {"rsub", &c.RecipeUserID}, {"stt", &c.Stt},
	} {
		if raw, ok := m[f.name]; ok {
			if err := json.Unmarshal(raw, f.dst); err != nil {
				return err
			}
		}
	}
	return nil
}

// claimNames are the JSON keys of tokenClaims.
var claimNames = func() (out [][]byte) {
	for _, n := range []string{"sub", "exp", "iat", "sessionHandle", "refreshTokenHash1",
		"parentRefreshTokenHash1", "antiCsrfToken", "tId", "rsub", "stt"} {
		out = append(out, []byte(n))
	}
	return out
}()

// maxClaimNameLen is the length of the longest of claimNames.
const maxClaimNameLen = len("parentRefreshTokenHash1")

// foldedClaimNames reports whether payload may hold a key that differs
// from a claim's name but folds to it. Without escapes or non-ASCII bytes
// (encoding/json also folds "ſ" to "s" and the Kelvin sign to "k"), that
// shows in the text: a quoted string (a key, or a value, which only costs
// the slower path) equals a claim's name but for ASCII case.
func foldedClaimNames(payload []byte) bool {
	for _, b := range payload {
		if b >= utf8.RuneSelf || b == '\\' {
			return true
		}
	}
	// Without escapes, quotes pair up as the strings' delimiters: look at
	// each quoted string once, with no copy.
	for i := 0; i < len(payload); {
		start := bytes.IndexByte(payload[i:], '"')
		if start < 0 {
			return false
		}
		start += i + 1
		end := bytes.IndexByte(payload[start:], '"')
		if end < 0 {
			return false
		}
		s := payload[start : start+end]
		i = start + end + 1
		if len(s) > maxClaimNameLen {
			continue
		}
		for _, name := range claimNames {
			if len(name) == len(s) && !bytes.Equal(name, s) && bytes.EqualFold(name, s) {
				return true
			}
		}
	}
	return false
}

type tokenHeader struct {
	Alg     string `json:"alg"`
	Typ     string `json:"typ"`
	Kid     string `json:"kid"`
	Version string `json:"version"`
}

var errNotAccessToken = errors.New("session: not an access token")

// parseAccessToken decodes a token without checking its signature. It
// fails for anything that is not a v3+ Latchkey/SuperTokens access token,
// so that an unrelated Bearer token is ignored.
func parseAccessToken(raw string) (*accessToken, error) { return parseAccessTokenCached(raw, nil) }

type parsedTokenKey struct{}

// withParsedToken returns ctx carrying t, so that the verification of the
// same token string does not parse it again.
func withParsedToken(ctx context.Context, t *accessToken) context.Context {
	return context.WithValue(ctx, parsedTokenKey{}, t)
}

// parsedToken returns the token withParsedToken put in ctx, if it is raw's.
func parsedToken(ctx context.Context, raw string) (*accessToken, bool) {
	t, ok := ctx.Value(parsedTokenKey{}).(*accessToken)
	return t, ok && t.raw == raw
}

// headerCache remembers the few header segments of tokens that verified:
// every token signed with one key has the same header, so decoding it
// again is wasted work on the hot path.
type headerCache struct {
	mu sync.RWMutex
	m  map[string]parsedHeader
}

type parsedHeader struct {
	alg     string
	kid     string
	version int
}

// maxCachedHeaders bounds the cache; only verified tokens enter it, so it
// holds about one entry per signing key.
const maxCachedHeaders = 32

func (c *headerCache) get(seg string) (parsedHeader, bool) {
	if c == nil {
		return parsedHeader{}, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	h, ok := c.m[seg]
	return h, ok
}

func (c *headerCache) put(seg string, h parsedHeader) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedHeaders {
		c.m = map[string]parsedHeader{}
	}
	c.m[seg] = h
}

func parseAccessTokenCached(raw string, cache *headerCache) (*accessToken, error) {
	h, rest, ok := strings.Cut(raw, ".")
	if !ok {
		return nil, errNotAccessToken
	}
	p, _, ok := strings.Cut(rest, ".")
	if !ok {
		return nil, errNotAccessToken
	}
	ph, cached := cache.get(h)
	if !cached {
		var hdr tokenHeader
		if err := decodeSegment(h, &hdr); err != nil {
			return nil, errNotAccessToken
		}
		v, err := strconv.Atoi(hdr.Version)
		if err != nil || !knownAlgorithm(hdr.Alg) || hdr.Typ != "JWT" || hdr.Kid == "" || v < 3 {
			return nil, errNotAccessToken
		}
		ph = parsedHeader{alg: hdr.Alg, kid: hdr.Kid, version: v}
	}
	v := ph.version
	payload, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return nil, errNotAccessToken
	}
	t := &accessToken{raw: raw, alg: ph.alg, kid: ph.kid, version: v, payload: payload}
	if err := t.claims.decode(payload); err != nil {
		return nil, errNotAccessToken
	}
	c := t.claims
	if c.Sub == "" || c.Exp == 0 || c.Iat == 0 || c.SessionHandle == "" || c.RefreshTokenHash1 == "" {
		return nil, errNotAccessToken
	}
	if v >= 5 && c.RecipeUserID == "" {
		return nil, errNotAccessToken
	}
	if c.Stt != nil && *c.Stt != 0 {
		return nil, errNotAccessToken // an OAuth token, not a session's
	}
	if v < 4 && t.claims.TenantID == "" {
		t.claims.TenantID = latchkey.DefaultTenantID
	}
	if t.claims.RecipeUserID == "" {
		t.claims.RecipeUserID = c.Sub
	}
	return t, nil
}

func decodeSegment(s string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

// Payload returns the whole payload, decoded once.
func (t *accessToken) Payload() map[string]any {
	t.once.Do(func() {
		if err := json.Unmarshal(t.payload, &t.full); err != nil || t.full == nil {
			t.full = map[string]any{}
		}
	})
	return t.full
}

// expired reports whether the token expired at now.
func (t *accessToken) expired(now time.Time) bool {
	return t.claims.Exp*1000 < now.UnixMilli()
}

// The algorithms a core signs access tokens with: RS256 (the reference's),
// and ES256 and EdDSA (a Latchkey core's access_token_signing_algorithm).
const (
	algRS256 = "RS256"
	algES256 = "ES256"
	algEdDSA = "EdDSA"
)

func knownAlgorithm(alg string) bool { return alg == algRS256 || alg == algES256 || alg == algEdDSA }

// publicKey is one JWKS key and the algorithm it verifies.
type publicKey struct {
	alg string
	key crypto.PublicKey // *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey
}

// errAlgorithm means a token's header names another algorithm than its
// key's: the token never chooses how a key is used.
var errAlgorithm = errors.New("session: the access token's algorithm is not its key's")

// verifySignature checks the token's signature with key, with the
// standard library's crypto/rsa, crypto/ecdsa or crypto/ed25519.
func (t *accessToken) verifySignature(k publicKey) error {
	if k.alg != t.alg {
		return errAlgorithm
	}
	i := strings.LastIndexByte(t.raw, '.')
	seg := t.raw[i+1:]
	// A 4096-bit signature is 512 bytes; decode on the stack.
	var buf [512]byte
	if base64.RawURLEncoding.DecodedLen(len(seg)) > len(buf) {
		return errors.New("session: the signature is too long")
	}
	n, err := base64.RawURLEncoding.Decode(buf[:], []byte(seg))
	if err != nil {
		return err
	}
	sig := buf[:n]
	if pub, ok := k.key.(ed25519.PublicKey); ok {
		if !ed25519.Verify(pub, []byte(t.raw[:i]), sig) {
			return errors.New("session: EdDSA verification failed")
		}
		return nil
	}
	h := sha256.New()
	_, _ = io.WriteString(h, t.raw[:i])
	var sum [sha256.Size]byte
	digest := h.Sum(sum[:0])
	switch pub := k.key.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest, sig)
	case *ecdsa.PublicKey:
		// r and s, 32 bytes each (RFC 7518 §3.4).
		if len(sig) != 64 || !ecdsa.Verify(pub, digest, new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
			return errors.New("session: ES256 verification failed")
		}
		return nil
	}
	return errors.New("session: unsupported key type")
}

// errUnknownKey means no key in the JWKS has the token's kid.
var errUnknownKey = errors.New("session: the access token's signing key is unknown")

// jwks caches the core's public signing keys, refetched when they are older
// than the refresh interval or when a token names an unknown kid, at most
// once per cooldown (reference/cdi-core.md §1.6).
type jwks struct {
	fetch    func(ctx context.Context) ([]byte, error)
	now      func() time.Time
	interval time.Duration
	cooldown time.Duration

	// gen counts the fetches that dropped or changed a key, so that what
	// was verified with the old set is not trusted from a cache.
	gen atomic.Uint64

	mu        sync.RWMutex
	keys      map[string]publicKey
	fetchedAt time.Time

	fetchMu     sync.Mutex
	lastAttempt time.Time
}

// key returns the key named kid.
func (j *jwks) key(ctx context.Context, kid string) (publicKey, error) {
	now := j.now()
	j.mu.RLock()
	k, ok := j.keys[kid]
	fresh := j.keys != nil && now.Sub(j.fetchedAt) < j.interval
	j.mu.RUnlock()
	if ok && fresh {
		return k, nil
	}
	j.fetchMu.Lock()
	defer j.fetchMu.Unlock()
	j.mu.RLock()
	k, ok = j.keys[kid]
	fresh = j.keys != nil && now.Sub(j.fetchedAt) < j.interval
	j.mu.RUnlock()
	if ok && fresh {
		return k, nil
	}
	if !j.lastAttempt.IsZero() && now.Sub(j.lastAttempt) >= 0 && now.Sub(j.lastAttempt) < j.cooldown {
		if ok {
			return k, nil // stale but known; refetch after the cooldown
		}
		return publicKey{}, errUnknownKey
	}
	j.lastAttempt = now
	raw, err := j.fetch(ctx)
	if err != nil {
		if ok {
			return k, nil
		}
		return publicKey{}, err
	}
	keys, err := parseJWKS(raw)
	if err != nil {
		return publicKey{}, err
	}
	j.mu.Lock()
	old := j.keys
	j.keys, j.fetchedAt = keys, now
	j.mu.Unlock()
	if keysDropped(old, keys) {
		j.gen.Add(1)
	}
	if k, ok := keys[kid]; ok {
		return k, nil
	}
	return publicKey{}, errUnknownKey
}

// generation returns the count of fetches that dropped or changed a key.
func (j *jwks) generation() uint64 { return j.gen.Load() }

// keysDropped reports whether a key of old is missing from now, or is
// another key under the same kid.
func keysDropped(old, now map[string]publicKey) bool {
	for kid, k := range old {
		n, ok := now[kid]
		if !ok || n.alg != k.alg || !n.key.(interface{ Equal(crypto.PublicKey) bool }).Equal(k.key) {
			return true
		}
	}
	return false
}

// verifiedCache remembers access tokens whose signature checked out, by
// their exact text (never by a part of it), so that a client sending its
// token again (every request until it refreshes) costs a map lookup
// instead of a signature check, which is most of a protected route's work.
// Only the signature step is skipped: expiry, the refresh confirmation and
// CheckDatabase are checked on every request, and the JWKS is refetched on
// its schedule; an entry made before a fetch dropped or changed a key is
// not used, so a key the core withdraws stops verifying as soon as the SDK
// sees it gone. The cache is emptied when full.
type verifiedCache struct {
	mu sync.RWMutex
	m  map[string]verifiedToken
}

type verifiedToken struct {
	t   *accessToken
	gen uint64 // the key set's generation when it was checked
}

// maxVerifiedTokens bounds the cache: about a thousand clients' tokens,
// a megabyte or two.
const maxVerifiedTokens = 1024

func (c *verifiedCache) get(raw string) (*accessToken, uint64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e := c.m[raw]
	return e.t, e.gen
}

func (c *verifiedCache) put(raw string, t *accessToken, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxVerifiedTokens {
		c.m = make(map[string]verifiedToken, 64)
	}
	c.m[raw] = verifiedToken{t: t, gen: gen}
}

// parseJWKS reads the keys of a JWKS document the SDK can verify with:
// kty RSA (RS256), EC on P-256 (ES256) and OKP Ed25519 (EdDSA). A key
// whose alg names another algorithm, or that does not parse, is skipped.
func parseJWKS(raw []byte) (map[string]publicKey, error) {
	var doc struct {
		Keys []struct {
			Kty string `json:"kty"`
			Kid string `json:"kid"`
			Alg string `json:"alg"`
			Crv string `json:"crv"`
			N   string `json:"n"`
			E   string `json:"e"`
			X   string `json:"x"`
			Y   string `json:"y"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, errors.New("session: the core's JWKS is not valid JSON")
	}
	b64 := base64.RawURLEncoding.DecodeString
	keys := make(map[string]publicKey, len(doc.Keys))
	for _, k := range doc.Keys {
		if k.Kid == "" {
			continue
		}
		switch {
		case k.Kty == "RSA" && (k.Alg == "" || k.Alg == algRS256):
			n, err1 := b64(k.N)
			e, err2 := b64(k.E)
			if err1 != nil || err2 != nil || len(e) == 0 || len(e) > 4 {
				continue
			}
			var exp int
			for _, b := range e {
				exp = exp<<8 | int(b)
			}
			keys[k.Kid] = publicKey{alg: algRS256, key: &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp}}
		case k.Kty == "EC" && k.Crv == "P-256" && (k.Alg == "" || k.Alg == algES256):
			x, err1 := b64(k.X)
			y, err2 := b64(k.Y)
			if err1 != nil || err2 != nil || len(x) != 32 || len(y) != 32 {
				continue
			}
			pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
			if err != nil {
				continue
			}
			keys[k.Kid] = publicKey{alg: algES256, key: pub}
		case k.Kty == "OKP" && k.Crv == "Ed25519" && (k.Alg == "" || k.Alg == algEdDSA):
			x, err := b64(k.X)
			if err != nil || len(x) != ed25519.PublicKeySize {
				continue
			}
			keys[k.Kid] = publicKey{alg: algEdDSA, key: ed25519.PublicKey(x)}
		}
	}
	return keys, nil
}
