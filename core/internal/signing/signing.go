package signing

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/latchkey-dev/latchkey/store"
)

// Constants the reference fixes (§2.4.3, §3.5).
const (
	// overlap is how long before a key's signing period ends its
	// successor is made, and how long a new key waits before it signs.
	overlap = 60 * time.Second
	keyBits = 2048
	// defaultCacheTTL bounds how stale this process's view of the shared
	// key set may be. A key made by another process is listed here within
	// this time, well before it signs anything (overlap is longer).
	defaultCacheTTL = 30 * time.Second
)

// ErrKeyNotFound means no usable key has the asked-for id: unknown, or
// past its verify lifetime.
var ErrKeyNotFound = errors.New("signing: key not found")

// Config configures a Manager.
type Config struct {
	// Store keeps the keys. Required.
	Store store.Keys
	// Now tells the time. Default: time.Now.
	Now func() time.Time
	// UpdateInterval is U, how long a dynamic key signs. Required, at least
	// 2 minutes (the core enforces 1 h).
	UpdateInterval time.Duration
	// AccessTokenValidity is V; a dynamic key verifies for U + 2·V.
	// Required.
	AccessTokenValidity time.Duration
	// CacheTTL is how long a key set read from the store is used before it
	// is read again. Default: 30 s.
	CacheTTL time.Duration
	// Algorithm is what access tokens are signed with: RS256, ES256 or
	// EdDSA. Each algorithm's dynamic keys rotate on their own, so that
	// changing it makes a key of the new algorithm at once while the old
	// ones verify until they expire. Default: RS256.
	Algorithm string
}

// Key is one signing key.
type Key struct {
	// ID is the JWS "kid": "d-<created ms>" or "s-<uuid>" for RS256 keys,
	// "d-<created ms>-<algorithm>" for dynamic keys of the others.
	ID string
	// Algorithm is the key's JWS "alg": RS256, ES256 or EdDSA.
	Algorithm string
	Dynamic   bool
	CreatedAt time.Time
	// Private is an *rsa.PrivateKey, *ecdsa.PrivateKey (P-256) or
	// ed25519.PrivateKey.
	Private crypto.Signer
}

// Public returns the key's public half: an *rsa.PublicKey,
// *ecdsa.PublicKey or ed25519.PublicKey.
func (k *Key) Public() crypto.PublicKey { return k.Private.Public() }

// Manager hands out signing keys. It is safe for concurrent use; create one
// per core and share it between the recipes that sign.
type Manager struct {
	store    store.Keys
	now      func() time.Time
	interval time.Duration
	lifetime time.Duration // U + 2V
	cacheTTL time.Duration
	alg      string

	snap atomic.Pointer[snapshot]
	// static holds each algorithm's static key once made; the map itself
	// is never written after New.
	static map[string]*atomic.Pointer[Key]

	// mu serialises store reads and key creation, so that a crowd of
	// requests meeting a stale cache causes one read, and a due key is
	// made once per process.
	mu     sync.Mutex
	parsed map[string]*Key // by id, so reloads do not re-parse; under mu
	// staticMu serialises making the static key.
	staticMu sync.Mutex
}

// snapshot is one view of the dynamic keys.
type snapshot struct {
	keys     []*Key // newest first
	loadedAt time.Time
	gen      uint64 // bumped on every load, so waiters can tell a load happened
}

// New returns a Manager for cfg.
func New(cfg Config) (*Manager, error) {
	var errs []error
	if cfg.Store == nil {
		errs = append(errs, errors.New("signing: Store is required"))
	}
	if cfg.UpdateInterval < 2*overlap {
		errs = append(errs, fmt.Errorf("signing: UpdateInterval must be at least %s, not %s", 2*overlap, cfg.UpdateInterval))
	}
	if cfg.AccessTokenValidity <= 0 {
		errs = append(errs, errors.New("signing: AccessTokenValidity must be positive"))
	}
	if cfg.Algorithm == "" {
		cfg.Algorithm = RS256
	}
	if err := CheckAlgorithm(cfg.Algorithm); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = defaultCacheTTL
	}
	static := make(map[string]*atomic.Pointer[Key], len(Algorithms))
	for _, a := range Algorithms {
		static[a] = new(atomic.Pointer[Key])
	}
	return &Manager{
		store:    cfg.Store,
		now:      cfg.Now,
		interval: cfg.UpdateInterval,
		lifetime: cfg.UpdateInterval + 2*cfg.AccessTokenValidity,
		cacheTTL: cfg.CacheTTL,
		alg:      cfg.Algorithm,
		static:   static,
		parsed:   map[string]*Key{},
	}, nil
}

// Algorithm returns the algorithm access tokens are signed with
// (Config.Algorithm).
func (m *Manager) Algorithm() string { return m.alg }

// SigningKey returns the key of algorithm alg to sign with now: the static
// key, or the dynamic key the reference's rule picks (the newest, unless
// it is under 60 s old and its predecessor still signs). It makes a
// dynamic key when one is due.
func (m *Manager) SigningKey(ctx context.Context, alg string, dynamic bool) (*Key, error) {
	if !dynamic {
		return m.StaticKey(ctx, alg)
	}
	now := m.now()
	s, err := m.current(ctx, now, alg)
	if err != nil {
		return nil, err
	}
	newest, previous := s.newest(alg)
	if now.Sub(newest.CreatedAt) < overlap && previous != nil && previous.CreatedAt.Add(m.interval).After(now) {
		return previous, nil
	}
	return newest, nil
}

// VerifyingKey returns the key with this id, if it may still verify. An id
// this process has not seen makes it read the store once more, since
// another process may have made the key.
func (m *Manager) VerifyingKey(ctx context.Context, kid string) (*Key, error) {
	if strings.HasPrefix(kid, "s-") {
		for _, alg := range m.staticAlgorithms() {
			k, err := m.StaticKey(ctx, alg)
			if err != nil {
				return nil, err
			}
			if k.ID == kid {
				return k, nil
			}
		}
		return nil, ErrKeyNotFound
	}
	ms, ok := dynamicKeyMillis(kid)
	if !ok {
		return nil, ErrKeyNotFound
	}
	now := m.now()
	s := m.snap.Load()
	if s == nil || now.Sub(s.loadedAt) >= m.cacheTTL {
		var err error
		if s, err = m.reload(ctx, s); err != nil {
			return nil, err
		}
	}
	if k := m.find(s, kid, now); k != nil {
		return k, nil
	}
	// A key created after our last read cannot be older than the read.
	// Without this check any token with a made-up kid would cost a query.
	if s.loadedAt.UnixMilli() > ms+overlap.Milliseconds() && now.Sub(s.loadedAt) < m.cacheTTL {
		return nil, ErrKeyNotFound
	}
	s, err := m.reload(ctx, s)
	if err != nil {
		return nil, err
	}
	if k := m.find(s, kid, now); k != nil {
		return k, nil
	}
	return nil, ErrKeyNotFound
}

func (m *Manager) find(s *snapshot, kid string, now time.Time) *Key {
	for _, k := range s.keys {
		if k.ID == kid {
			if k.CreatedAt.Add(m.lifetime).After(now) {
				return k
			}
			return nil
		}
	}
	return nil
}

// JWKS returns every key a verifier may meet, newest dynamic key first and
// the static keys last (RS256's, and the access tokens' algorithm's), and
// how long this set stays complete: until the next dynamic key of an
// algorithm still rotating is due (at least one second).
func (m *Manager) JWKS(ctx context.Context) ([]*Key, time.Duration, error) {
	now := m.now()
	s, err := m.current(ctx, now, m.alg)
	if err != nil {
		return nil, 0, err
	}
	keys := make([]*Key, 0, len(s.keys)+2)
	for _, k := range s.keys {
		if k.CreatedAt.Add(m.lifetime).After(now) {
			keys = append(keys, k)
		}
	}
	for _, alg := range m.staticAlgorithms() {
		static, err := m.StaticKey(ctx, alg)
		if err != nil {
			return nil, 0, err
		}
		keys = append(keys, static)
	}
	newest, _ := s.newest(m.alg)
	next := newest.CreatedAt.Add(m.interval - overlap)
	// Another algorithm's keys (RS256 for POST /recipe/jwt, or the one
	// signing before a change) may rotate too, while they sign.
	for _, alg := range Algorithms {
		if n, _ := s.newest(alg); n != nil && !m.due(s, now, alg) && n.CreatedAt.Add(m.interval-overlap).Before(next) {
			next = n.CreatedAt.Add(m.interval - overlap)
		}
	}
	maxAge := next.Sub(now)
	if maxAge < time.Second {
		maxAge = time.Second
	}
	return keys, maxAge, nil
}

// staticAlgorithms are the algorithms whose static keys are listed and
// looked up: RS256 (the JWT recipe's, and the refresh-token HMAC's
// root) and the access tokens'.
func (m *Manager) staticAlgorithms() []string {
	if m.alg == RS256 {
		return []string{RS256}
	}
	return []string{RS256, m.alg}
}

// StaticKey returns the static key of algorithm alg, making it on first
// use.
func (m *Manager) StaticKey(ctx context.Context, alg string) (*Key, error) {
	slot := m.static[alg]
	if slot == nil {
		return nil, CheckAlgorithm(alg)
	}
	if k := slot.Load(); k != nil {
		return k, nil
	}
	m.staticMu.Lock()
	defer m.staticMu.Unlock()
	if k := slot.Load(); k != nil {
		return k, nil
	}
	// The store has no read-only lookup, so a candidate is offered every
	// time; the store keeps the first one stored by any process.
	priv, err := generate(alg)
	if err != nil {
		return nil, err
	}
	value, err := encodeValue(priv)
	if err != nil {
		return nil, err
	}
	now := m.now()
	stored, err := m.store.StaticSigningKey(context.WithoutCancel(ctx), store.SigningKey{
		ID:        "s-" + uuid.NewString(),
		Algorithm: alg,
		Value:     value,
		CreatedAt: now.Truncate(time.Millisecond),
	})
	if err != nil {
		return nil, fmt.Errorf("signing: static key: %w", err)
	}
	k, err := parseKey(stored, false)
	if err != nil {
		return nil, err
	}
	slot.Store(k)
	return k, nil
}

// current returns a fresh view of the dynamic keys in which no key of alg
// is due, making one if needed.
func (m *Manager) current(ctx context.Context, now time.Time, alg string) (*snapshot, error) {
	if err := CheckAlgorithm(alg); err != nil {
		return nil, err
	}
	if s := m.snap.Load(); s != nil && m.usable(s, now, alg) {
		return s, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if s := m.snap.Load(); s != nil && m.usable(s, now, alg) {
		return s, nil
	}
	s, err := m.load(ctx, now)
	if err != nil {
		return nil, err
	}
	if !m.due(s, now, alg) {
		return s, nil
	}
	// Keygen takes long enough that the client may give up; finish anyway,
	// so the work is not redone by the next request.
	ctx = context.WithoutCancel(ctx)
	priv, err := generate(alg)
	if err != nil {
		return nil, err
	}
	value, err := encodeValue(priv)
	if err != nil {
		return nil, err
	}
	created := now.Truncate(time.Millisecond)
	rows, _, err := m.store.AddDynamicSigningKey(ctx, store.SigningKey{
		ID:        dynamicKeyID(created, alg),
		Algorithm: alg,
		Value:     value,
		CreatedAt: created,
	}, now.Add(-m.interval+overlap))
	if err != nil {
		return nil, fmt.Errorf("signing: add dynamic key: %w", err)
	}
	s, err = m.install(rows, now)
	if err != nil {
		return nil, err
	}
	if n, _ := s.newest(alg); n == nil {
		return nil, fmt.Errorf("signing: store returned no dynamic %s keys after adding one", alg)
	}
	return s, nil
}

// dynamicKeyID is a new dynamic key's kid: "d-<ms>" as the reference has
// it for RS256, "d-<ms>-<algorithm>" for the others, so that keys of two
// algorithms made in one millisecond do not collide.
func dynamicKeyID(created time.Time, alg string) string {
	id := "d-" + strconv.FormatInt(created.UnixMilli(), 10)
	if alg != RS256 {
		id += "-" + strings.ToLower(alg)
	}
	return id
}

// usable reports whether s may be used for alg without reading the store.
func (m *Manager) usable(s *snapshot, now time.Time, alg string) bool {
	return now.Sub(s.loadedAt) < m.cacheTTL && !m.due(s, now, alg)
}

// due reports whether a new dynamic key of alg should be made: no key of
// alg was made after now − U + 60 s.
func (m *Manager) due(s *snapshot, now time.Time, alg string) bool {
	newest, _ := s.newest(alg)
	return newest == nil || !newest.CreatedAt.After(now.Add(-m.interval+overlap))
}

// newest returns the newest dynamic key of alg and the one before it; nil
// when there are none.
func (s *snapshot) newest(alg string) (newest, previous *Key) {
	for _, k := range s.keys {
		if k.Algorithm != alg {
			continue
		}
		if newest == nil {
			newest = k
		} else {
			return newest, k
		}
	}
	return newest, nil
}

// reload reads the store unless another goroutine did since old was
// current.
func (m *Manager) reload(ctx context.Context, old *snapshot) (*snapshot, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s := m.snap.Load(); s != nil && (old == nil || s.gen != old.gen) {
		return s, nil
	}
	return m.load(ctx, m.now())
}

// load reads the dynamic keys from the store. Callers hold mu.
func (m *Manager) load(ctx context.Context, now time.Time) (*snapshot, error) {
	rows, err := m.store.DynamicSigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("signing: load keys: %w", err)
	}
	return m.install(rows, now)
}

// install parses rows into a new snapshot and publishes it. Callers hold
// mu.
func (m *Manager) install(rows []store.SigningKey, now time.Time) (*snapshot, error) {
	keys := make([]*Key, 0, len(rows))
	seen := make(map[string]*Key, len(rows))
	for _, r := range rows {
		k := m.parsed[r.ID]
		if k == nil {
			var err error
			if k, err = parseKey(r, true); err != nil {
				return nil, err
			}
		}
		seen[r.ID] = k
		keys = append(keys, k)
	}
	m.parsed = seen
	var gen uint64
	if old := m.snap.Load(); old != nil {
		gen = old.gen + 1
	}
	s := &snapshot{keys: keys, loadedAt: now, gen: gen}
	m.snap.Store(s)
	return s, nil
}

// dynamicKeyMillis returns the creation time in a "d-<ms>" or
// "d-<ms>-<algorithm>" kid.
func dynamicKeyMillis(kid string) (int64, bool) {
	rest, ok := strings.CutPrefix(kid, "d-")
	if i := strings.IndexByte(rest, '-'); i >= 0 {
		switch rest[i+1:] {
		case "es256", "eddsa":
			rest = rest[:i]
		default:
			return 0, false
		}
	}
	if !ok || rest == "" || len(rest) > 19 {
		return 0, false
	}
	ms, err := strconv.ParseInt(rest, 10, 64)
	return ms, err == nil && ms >= 0
}

// JWK is a public key in the JSON form the JWKS endpoints list, with the
// fields in the reference's order: kty "RSA" with n and e (RFC 7518 §6.3),
// kty "EC" with crv "P-256", x and y (§6.2), or kty "OKP" with crv
// "Ed25519" and x (RFC 8037 §2).
type JWK struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
	Alg string `json:"alg"`
	Use string `json:"use"`
}

// JWK returns the key's public half as a JWK.
func (k *Key) JWK() JWK {
	j := JWK{Kid: k.ID, Alg: k.Algorithm, Use: "sig"}
	switch pub := k.Public().(type) {
	case *rsa.PublicKey:
		j.Kty, j.N, j.E = "RSA", b64url(pub.N.Bytes()), b64url(big.NewInt(int64(pub.E)).Bytes())
	case *ecdsa.PublicKey:
		// The uncompressed point: 0x04, then x and y, 32 bytes each.
		pt, err := pub.Bytes()
		if err == nil && len(pt) == 1+2*es256Size {
			j.Kty, j.Crv, j.X, j.Y = "EC", "P-256", b64url(pt[1:1+es256Size]), b64url(pt[1+es256Size:])
		}
	case ed25519.PublicKey:
		j.Kty, j.Crv, j.X = "OKP", "Ed25519", b64url(pub)
	}
	return j
}
