// Package password hashes and verifies passwords for the core
// (reference/cdi-core.md §2.3.1): bcrypt or argon2id for new hashes, and
// verification by the stored hash's own algorithm and parameters. Hashing
// runs on bounded pools, so a burst of sign-ins queues instead of
// exhausting memory (argon2) or starving every other request (bcrypt).
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// Algorithm names, as the CDI spells them.
const (
	Bcrypt = "BCRYPT"
	Argon2 = "ARGON2"
)

// ErrInvalidHash means a password hash is not in a format this package
// verifies.
var ErrInvalidHash = errors.New("password: hash is in invalid format")

// Limits on argon2 parameters read from a stored or imported hash, so that
// one hash cannot make a verification take gigabytes or minutes.
const (
	maxArgon2MemoryKB   = 512 << 10 // 512 MiB
	maxArgon2Iterations = 16
	maxArgon2Threads    = 64
	maxBcryptCost       = 16 // about 6 s on one core; each step doubles
)

// bcryptMaxBytes is where bcrypt stops reading a password. Longer
// passwords are cut here, as jBCrypt (and the hashes it made) do, instead
// of being refused as golang.org/x/crypto/bcrypt would.
const bcryptMaxBytes = 72

// Config chooses how new passwords are hashed and how many hashes run at
// once.
type Config struct {
	Algorithm         string // Bcrypt or Argon2
	BcryptCost        int
	Argon2Iterations  uint32
	Argon2MemoryKB    uint32
	Argon2Parallelism uint8
	Argon2PoolSize    int // default 1
	BcryptPoolSize    int // default GOMAXPROCS
}

// Hasher hashes and verifies passwords. It is safe for concurrent use.
type Hasher struct {
	cfg        Config
	bcryptPool chan struct{}
	argon2Pool chan struct{}
	// dummy is a hash to verify against when there is no user, so that
	// timing does not tell (see dummyHash).
	dummy string
}

// New returns a Hasher for cfg.
func New(cfg Config) (*Hasher, error) {
	if cfg.Algorithm != Bcrypt && cfg.Algorithm != Argon2 {
		return nil, fmt.Errorf("password: unknown algorithm %q", cfg.Algorithm)
	}
	if cfg.BcryptPoolSize <= 0 {
		cfg.BcryptPoolSize = runtime.GOMAXPROCS(0)
	}
	if cfg.Argon2PoolSize <= 0 {
		cfg.Argon2PoolSize = 1
	}
	h := &Hasher{
		cfg:        cfg,
		bcryptPool: make(chan struct{}, cfg.BcryptPoolSize),
		argon2Pool: make(chan struct{}, cfg.Argon2PoolSize),
	}
	dummy, err := dummyHash(cfg)
	if err != nil {
		return nil, err
	}
	h.dummy = dummy
	return h, nil
}

// bcryptEncoding is bcrypt's base64 alphabet, unpadded.
var bcryptEncoding = base64.NewEncoding("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789").WithPadding(base64.NoPadding)

// dummyHash returns a well-formed hash with the configured algorithm and
// parameters whose digest is random bytes. Checking a password against
// it costs what checking one against a real hash of these parameters
// costs (the digest is compared only after the whole computation), and it
// matches no password. It is written, not computed: hashing a dummy
// password took a bcrypt run (about 100 ms at cost 11, most of the core's
// start) or an argon2 run (about 90 MB) on every start.
func dummyHash(cfg Config) (string, error) {
	salt, digest := make([]byte, 16), make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if _, err := rand.Read(digest); err != nil {
		return "", err
	}
	if cfg.Algorithm == Argon2 {
		return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, cfg.Argon2MemoryKB,
			cfg.Argon2Iterations, cfg.Argon2Parallelism, b64.EncodeToString(salt), b64.EncodeToString(digest)), nil
	}
	if cfg.BcryptCost < bcrypt.MinCost || cfg.BcryptCost > bcrypt.MaxCost {
		return "", fmt.Errorf("password: bcrypt cost %d is not from %d to %d", cfg.BcryptCost, bcrypt.MinCost, bcrypt.MaxCost)
	}
	// bcrypt's digest is 23 bytes, 31 characters.
	return fmt.Sprintf("$2a$%02d$%s%s", cfg.BcryptCost, bcryptEncoding.EncodeToString(salt), bcryptEncoding.EncodeToString(digest[:23])), nil
}

// acquire takes a slot in pool, or fails when ctx ends first.
func acquire(ctx context.Context, pool chan struct{}) error {
	select {
	case pool <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Hash hashes password with the configured algorithm.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if h.cfg.Algorithm == Argon2 {
		if err := acquire(ctx, h.argon2Pool); err != nil {
			return "", err
		}
		defer func() { <-h.argon2Pool }()
		return hashArgon2(password, h.cfg.Argon2Iterations, h.cfg.Argon2MemoryKB, h.cfg.Argon2Parallelism)
	}
	if err := acquire(ctx, h.bcryptPool); err != nil {
		return "", err
	}
	defer func() { <-h.bcryptPool }()
	b, err := bcrypt.GenerateFromPassword(truncate(password), h.cfg.BcryptCost)
	if err != nil {
		return "", fmt.Errorf("password: bcrypt: %w", err)
	}
	return string(b), nil
}

// Verify reports whether password matches hash, using the algorithm the
// hash names. A hash in an unknown format never matches.
func (h *Hasher) Verify(ctx context.Context, hash, password string) (bool, error) {
	switch detect(hash) {
	case Bcrypt:
		if err := acquire(ctx, h.bcryptPool); err != nil {
			return false, err
		}
		defer func() { <-h.bcryptPool }()
		if cost, err := bcrypt.Cost([]byte(hash)); err != nil || cost > maxBcryptCost {
			return false, nil
		}
		return bcrypt.CompareHashAndPassword([]byte(hash), truncate(password)) == nil, nil
	case Argon2:
		p, err := parseArgon2(hash)
		if err != nil {
			return false, nil
		}
		if err := acquire(ctx, h.argon2Pool); err != nil {
			return false, err
		}
		defer func() { <-h.argon2Pool }()
		return p.matches(password), nil
	}
	return false, nil
}

// VerifyNothing spends about the time of one Verify, for a sign-in with an
// unknown email, so that response times do not reveal which emails exist.
func (h *Hasher) VerifyNothing(ctx context.Context, password string) error {
	_, err := h.Verify(ctx, h.dummy, password)
	return err
}

// Validate checks an imported hash. algorithm is "BCRYPT", "ARGON2" or ""
// (detect from the hash). It returns the algorithm found, or an error
// whose text is the 400 message to answer with.
func Validate(hash, algorithm string) (string, error) {
	algorithm = strings.ToUpper(strings.TrimSpace(algorithm))
	found := detect(hash)
	switch algorithm {
	case "":
		if found == "" {
			//lint:ignore ST1005 the CDI's 400 message, sent verbatim
			return "", errors.New("Password hash is in invalid format")
		}
	case Bcrypt:
		if found != Bcrypt {
			//lint:ignore ST1005 the CDI's 400 message, sent verbatim
			return "", errors.New("Password hash is in invalid BCrypt format")
		}
	case Argon2:
		if found != Argon2 {
			//lint:ignore ST1005 the CDI's 400 message, sent verbatim
			return "", errors.New("Password hash is in invalid Argon2 format")
		}
	case "FIREBASE_SCRYPT":
		//lint:ignore ST1005 the CDI's 400 message, sent verbatim
		return "", errors.New("Firebase scrypt password hashes are not supported")
	default:
		return "", errors.New("Unsupported password hashing algorithm: " + algorithm)
	}
	switch found {
	case Bcrypt:
		if cost, err := bcrypt.Cost([]byte(hash)); err != nil || cost > maxBcryptCost || len(hash) != 60 {
			//lint:ignore ST1005 the CDI's 400 message, sent verbatim
			return "", errors.New("Password hash is in invalid BCrypt format")
		}
	case Argon2:
		if _, err := parseArgon2(hash); err != nil {
			//lint:ignore ST1005 the CDI's 400 message, sent verbatim
			return "", errors.New("Password hash is in invalid Argon2 format")
		}
	}
	return found, nil
}

// detect names the algorithm a hash's prefix announces, or "".
func detect(hash string) string {
	switch {
	case strings.HasPrefix(hash, "$2a$"), strings.HasPrefix(hash, "$2b$"),
		strings.HasPrefix(hash, "$2x$"), strings.HasPrefix(hash, "$2y$"):
		return Bcrypt
	case strings.HasPrefix(hash, "$argon2id$"), strings.HasPrefix(hash, "$argon2i$"):
		return Argon2
	}
	return ""
}

func truncate(password string) []byte {
	b := []byte(password)
	if len(b) > bcryptMaxBytes {
		b = b[:bcryptMaxBytes]
	}
	return b
}

// argon2Params is a parsed "$argon2id$v=19$m=..,t=..,p=..$salt$hash".
type argon2Params struct {
	variant    string // "argon2id" or "argon2i"
	memory     uint32
	iterations uint32
	threads    uint8
	salt, key  []byte
}

var b64 = base64.RawStdEncoding

func hashArgon2(password string, t, m uint32, p uint8) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, t, m, p, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, m, t, p, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

func parseArgon2(hash string) (argon2Params, error) {
	var p argon2Params
	parts := strings.Split(hash, "$")
	// "", variant, "v=19", "m=..,t=..,p=..", salt, key
	if len(parts) != 6 || parts[0] != "" {
		return p, ErrInvalidHash
	}
	p.variant = parts[1]
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, ErrInvalidHash
	}
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.iterations, &threads); err != nil {
		return p, ErrInvalidHash
	}
	if p.memory == 0 || p.memory > maxArgon2MemoryKB || p.iterations == 0 || p.iterations > maxArgon2Iterations ||
		threads == 0 || threads > maxArgon2Threads || p.memory < 8*threads {
		return p, ErrInvalidHash
	}
	p.threads = uint8(threads)
	var err error
	if p.salt, err = decodeB64(parts[4]); err != nil || len(p.salt) < 8 {
		return p, ErrInvalidHash
	}
	if p.key, err = decodeB64(parts[5]); err != nil || len(p.key) < 4 {
		return p, ErrInvalidHash
	}
	return p, nil
}

// decodeB64 accepts standard base64 with or without padding.
func decodeB64(s string) ([]byte, error) {
	return b64.DecodeString(strings.TrimRight(s, "="))
}

func (p argon2Params) matches(password string) bool {
	var key []byte
	n := uint32(len(p.key))
	if p.variant == "argon2id" {
		key = argon2.IDKey([]byte(password), p.salt, p.iterations, p.memory, p.threads, n)
	} else {
		key = argon2.Key([]byte(password), p.salt, p.iterations, p.memory, p.threads, n)
	}
	return subtle.ConstantTimeCompare(key, p.key) == 1
}
