package core

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/latchkey-dev/latchkey/internal/phone"
	"github.com/latchkey-dev/latchkey/store"
)

// Config configures a Core. The zero value of every field but Store works;
// each comment gives the default and the reference config key it mirrors
// (reference/cdi-core.md §3.5).
type Config struct {
	// Store keeps everything. Required.
	Store store.Store

	// APIKeys are the keys a client may send in the api-key header. Each is
	// at least 20 characters of [A-Za-z0-9=-]. Default: none, and then no
	// key is required. (api_keys)
	APIKeys []string

	// AllowedHosts are the Host names (without a port) that a request may
	// name when no API key is set, besides the loopback ones (localhost,
	// *.localhost, 127.0.0.0/8, ::1), which always pass. Any other Host is
	// refused with 403, so that a web page cannot read a keyless core
	// through DNS rebinding. With API keys every Host passes: the key is
	// what a rebinding page cannot send. /, /hello and the JWKS, which need
	// no key, pass with any Host. Default: none. (allowed_hosts, a Latchkey
	// key)
	AllowedHosts []string
	// AllowedOrigins are the browser origins ("https://admin.example.com")
	// whose requests the core serves. The core is for servers: a request
	// with any other Origin header, or marked by the browser as cross-site
	// or same-site (Sec-Fetch-Site), is refused with 403. Default: none.
	// (allowed_origins, a Latchkey key)
	AllowedOrigins []string
	// BasePath is a path prefix every route sits under, such as "/core".
	// Default: "". (base_path)
	BasePath string

	// Logger receives structured logs. Default: slog.Default().
	Logger *slog.Logger
	// Now tells the time. Default: time.Now.
	Now func() time.Time
	// Metrics, when set, is where the core registers its Prometheus
	// collectors. Default: a registry of its own, served at /metrics.
	Metrics prometheus.Registerer

	// AccessTokenValidity is how long an access token lives. Default: 1h;
	// from 1s to 1000 days. (access_token_validity)
	AccessTokenValidity time.Duration
	// AccessTokenValidityJitter shortens each fresh access token by a
	// random fraction of its validity, up to this much, so that a crowd of
	// clients does not refresh at once. Default (nil): 0.05; from 0 to
	// 0.25. (access_token_validity_jitter)
	AccessTokenValidityJitter *float64
	// RefreshTokenValidity is how long a refresh token (and so a session)
	// lives without being used. Default: 100 days; must exceed
	// AccessTokenValidity. (refresh_token_validity, in minutes there)
	RefreshTokenValidity time.Duration
	// SigningKeyUpdateInterval is how often a new dynamic signing key is
	// made. Default: 168h; at least 1h.
	// (access_token_dynamic_signing_key_update_interval, in hours there)
	SigningKeyUpdateInterval time.Duration
	// AccessTokenSigningAlgorithm is what access tokens are signed with:
	// "RS256" (RSA 2048, the reference's), "ES256" (ECDSA P-256) or
	// "EdDSA" (Ed25519). The other two sign far faster, so sessions are
	// created and refreshed faster; verifiers need the key type (the
	// SuperTokens SDKs' JWKS verification handles all three). Changing it
	// makes a key of the new algorithm at once; tokens signed before
	// still verify. POST /recipe/jwt stays RS256. Default: RS256.
	// (Latchkey only: access_token_signing_algorithm)
	AccessTokenSigningAlgorithm string

	// PasswordResetTokenLifetime is how long a password-reset token works.
	// Default: 1h. (password_reset_token_lifetime, in ms there)
	PasswordResetTokenLifetime time.Duration
	// EmailVerificationTokenLifetime is how long an email-verification
	// token works. Default: 24h. (email_verification_token_lifetime)
	EmailVerificationTokenLifetime time.Duration

	// PasswordlessCodeLifetime is how long a passwordless code (and its
	// magic link) works. Default: 15m. (passwordless_code_lifetime, in ms
	// there)
	PasswordlessCodeLifetime time.Duration
	// PasswordlessMaxCodeInputAttempts is how many wrong user input codes a
	// passwordless sign-in may get; the last one ends it and the user must
	// ask for a new code. Default: 5. (passwordless_max_code_input_attempts)
	PasswordlessMaxCodeInputAttempts int
	// PasswordlessMaxCodesPerDevice caps the live codes of one sign-in
	// attempt: a resend beyond it drops the oldest code, so that a guess is
	// checked against a few codes only. Default: 5. (a Latchkey setting)
	PasswordlessMaxCodesPerDevice int
	// PasswordlessDefaultPhoneRegion is the ISO 3166-1 region, such as
	// "US", that phone numbers written without a country code are read in
	// before they are stored in E.164. Default: none, and then such numbers
	// are kept as given, as the reference core does; international forms
	// (+1 201-555-0123) work either way. (passwordless_default_phone_region,
	// a Latchkey key)
	PasswordlessDefaultPhoneRegion string

	// PasswordHashing chooses how new passwords are hashed.
	PasswordHashing PasswordHashing

	// CleanupInterval is how often expired sessions, tokens and keys are
	// deleted. Default: 1h. Negative turns the cleanup off.
	CleanupInterval time.Duration
	// MaxBodyBytes caps a request body; a larger one gets 413. Default:
	// 1 MiB.
	MaxBodyBytes int64
	// Throttling limits failed password sign-ins (POST /recipe/signin and
	// POST /recipe/dashboard/signin), wrong passwordless codes (per client
	// IP) and the messages an SDK sends (POST /recipe/throttle/send), per
	// account or address and per client IP,
	// with counters in the store shared by every core on the database.
	Throttling Throttling

	// AuditLogOff turns the audit log (a Latchkey extension) off: no
	// events are recorded; the read API answers what is stored.
	AuditLogOff bool
	// AuditRetention is how long audit events are kept; the cleanup job
	// prunes older ones. Default: 90 days. Negative keeps them forever.
	AuditRetention time.Duration
	// ActivityOff turns activity (a Latchkey extension) off: no last
	// sign-in, sign-in count, last refresh or last-active time is
	// recorded. Sessions still keep the client IP and user agent they were
	// created from.
	ActivityOff bool
}

// Throttling configures brute-force protection. After a number of
// failures an account (or a client IP) is locked for LockBase, doubled for
// every further failure up to LockMax; ResetAfter quiet time restarts the
// count, and a right password clears the account's. A locked sign-in is
// answered without checking the password, with the CDI's usual
// WRONG_CREDENTIALS_ERROR (INVALID_CREDENTIALS_ERROR for the dashboard)
// and the Latchkey field latchkeyRetryAfterMs. The client IP is the one
// the Latchkey SDK names in the latchkey-client-ip header (official SDKs
// send none: then only the account limit applies). The defaults follow
// Keycloak's brute-force detection and OWASP ASVS 4 §2.2.1 (well under
// 100 failures an hour).
type Throttling struct {
	// Disabled turns throttling off. Default: false (on).
	Disabled bool
	// AccountFailures is how many failures lock an account. Default: 5.
	AccountFailures int
	// IPFailures is how many failures lock a client IP (over every
	// account); wrong passwordless user input codes are counted per
	// client IP against the same limit, over every device. Default: 50.
	IPFailures int
	// SendsPerAddress is how many messages (password-reset and
	// verification emails, passwordless codes) one address may be sent
	// before sends to it are locked like a sign-in; the Latchkey SDK asks
	// POST /recipe/throttle/send before each. Default: 5.
	SendsPerAddress int
	// SendsPerIP is the same over every address, per client IP.
	// Default: 50.
	SendsPerIP int
	// LockBase is the first lock. Default: 1m.
	LockBase time.Duration
	// LockMax is the longest lock. Default: 15m.
	LockMax time.Duration
	// ResetAfter is the quiet time after which the count restarts.
	// Default: 1h.
	ResetAfter time.Duration
}

// PasswordHashing configures password hashing. Verification always follows
// the stored hash's own algorithm and parameters; these settings apply to
// passwords hashed from now on.
type PasswordHashing struct {
	// Algorithm is "BCRYPT" or "ARGON2" (argon2id). Default: "BCRYPT".
	// (password_hashing_alg)
	Algorithm string
	// BcryptCost is bcrypt's log2 rounds. Default: 11; from 4 to 31.
	// (bcrypt_log_rounds)
	BcryptCost int
	// Argon2Iterations, Argon2MemoryKB and Argon2Parallelism are argon2id's
	// parameters. Defaults: 1, 87795, 2. (argon2_iterations,
	// argon2_memory_kb, argon2_parallelism)
	Argon2Iterations  uint32
	Argon2MemoryKB    uint32
	Argon2Parallelism uint8
	// Argon2PoolSize caps how many argon2 hashes run at once, since each
	// holds Argon2MemoryKB of memory. Default: 1. (argon2_hashing_pool_size)
	Argon2PoolSize int
	// BcryptPoolSize caps how many bcrypt hashes run at once. Default: the
	// number of CPUs the process may use.
	BcryptPoolSize int
}

// apiKeyPattern is the reference's rule for one key (§1.2).
var apiKeyPattern = regexp.MustCompile(`^[A-Za-z0-9=-]{20,}$`)

// withDefaults returns cfg with every unset field at its default.
func (cfg Config) withDefaults() Config {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.AccessTokenValidity == 0 {
		cfg.AccessTokenValidity = time.Hour
	}
	if cfg.AccessTokenValidityJitter == nil {
		j := 0.05
		cfg.AccessTokenValidityJitter = &j
	}
	if cfg.RefreshTokenValidity == 0 {
		cfg.RefreshTokenValidity = 144000 * time.Minute
	}
	if cfg.SigningKeyUpdateInterval == 0 {
		cfg.SigningKeyUpdateInterval = 168 * time.Hour
	}
	if cfg.AccessTokenSigningAlgorithm == "" {
		cfg.AccessTokenSigningAlgorithm = "RS256"
	}
	if cfg.PasswordResetTokenLifetime == 0 {
		cfg.PasswordResetTokenLifetime = time.Hour
	}
	if cfg.EmailVerificationTokenLifetime == 0 {
		cfg.EmailVerificationTokenLifetime = 24 * time.Hour
	}
	if cfg.PasswordlessCodeLifetime == 0 {
		cfg.PasswordlessCodeLifetime = 15 * time.Minute
	}
	if cfg.PasswordlessMaxCodeInputAttempts == 0 {
		cfg.PasswordlessMaxCodeInputAttempts = 5
	}
	if cfg.PasswordlessMaxCodesPerDevice == 0 {
		cfg.PasswordlessMaxCodesPerDevice = 5
	}
	cfg.PasswordlessDefaultPhoneRegion = strings.ToUpper(strings.TrimSpace(cfg.PasswordlessDefaultPhoneRegion))
	if cfg.CleanupInterval == 0 {
		cfg.CleanupInterval = time.Hour
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.AuditRetention == 0 {
		cfg.AuditRetention = 90 * 24 * time.Hour
	}
	cfg.BasePath = "/" + strings.Trim(strings.TrimSpace(cfg.BasePath), "/")
	if cfg.BasePath == "/" {
		cfg.BasePath = ""
	}
	keys := make([]string, 0, len(cfg.APIKeys))
	for _, k := range cfg.APIKeys {
		if k = strings.TrimSpace(k); k != "" {
			keys = append(keys, k)
		}
	}
	cfg.APIKeys = keys
	t := &cfg.Throttling
	if t.AccountFailures == 0 {
		t.AccountFailures = 5
	}
	if t.IPFailures == 0 {
		t.IPFailures = 50
	}
	if t.SendsPerAddress == 0 {
		t.SendsPerAddress = 5
	}
	if t.SendsPerIP == 0 {
		t.SendsPerIP = 50
	}
	if t.LockBase == 0 {
		t.LockBase = time.Minute
	}
	if t.LockMax == 0 {
		t.LockMax = 15 * time.Minute
	}
	if t.ResetAfter == 0 {
		t.ResetAfter = time.Hour
	}
	cfg.AllowedHosts = trimmedLower(cfg.AllowedHosts)
	cfg.AllowedOrigins = trimmedLower(cfg.AllowedOrigins)
	for i, o := range cfg.AllowedOrigins {
		cfg.AllowedOrigins[i] = strings.TrimSuffix(o, "/")
	}
	h := &cfg.PasswordHashing
	h.Algorithm = strings.ToUpper(strings.TrimSpace(h.Algorithm))
	if h.Algorithm == "" {
		h.Algorithm = "BCRYPT"
	}
	if h.BcryptCost == 0 {
		h.BcryptCost = 11
	}
	if h.Argon2Iterations == 0 {
		h.Argon2Iterations = 1
	}
	if h.Argon2MemoryKB == 0 {
		h.Argon2MemoryKB = 87795
	}
	if h.Argon2Parallelism == 0 {
		h.Argon2Parallelism = 2
	}
	if h.Argon2PoolSize == 0 {
		h.Argon2PoolSize = 1
	}
	return cfg
}

// trimmedLower returns the non-empty values of vs, trimmed and in lower
// case, in a new slice.
func trimmedLower(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v = strings.ToLower(strings.TrimSpace(v)); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// validate reports every problem with cfg (after withDefaults) at once.
func (cfg Config) validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if cfg.Store == nil {
		add("core: Store is required")
	}
	if t := cfg.Throttling; t.AccountFailures < 1 || t.IPFailures < 1 || t.SendsPerAddress < 1 || t.SendsPerIP < 1 || t.LockBase <= 0 || t.LockMax < t.LockBase || t.ResetAfter <= 0 {
		add("core: Throttling needs failures of at least 1, a positive LockBase and ResetAfter, and LockMax at least LockBase")
	}
	for _, h := range cfg.AllowedHosts {
		if strings.ContainsAny(h, ":/ ") && net.ParseIP(h) == nil {
			add("core: allowed host %q must be a host name or an IP address, without a scheme or port", h)
		}
	}
	for _, o := range cfg.AllowedOrigins {
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			add("core: allowed origin %q must be a scheme and host, such as https://admin.example.com", o)
		}
	}
	for i, k := range cfg.APIKeys {
		if !apiKeyPattern.MatchString(k) {
			add("core: API key %d is invalid: use at least 20 characters from A-Z, a-z, 0-9, '=' and '-'", i+1)
		}
	}
	if cfg.AccessTokenValidity < time.Second || cfg.AccessTokenValidity > 86400000*time.Second {
		add("core: AccessTokenValidity must be between 1s and 86400000s, not %s", cfg.AccessTokenValidity)
	}
	if j := *cfg.AccessTokenValidityJitter; j < 0 || j > 0.25 {
		add("core: AccessTokenValidityJitter must be between 0 and 0.25, not %g", j)
	}
	if cfg.RefreshTokenValidity <= cfg.AccessTokenValidity {
		add("core: RefreshTokenValidity (%s) must be longer than AccessTokenValidity (%s)", cfg.RefreshTokenValidity, cfg.AccessTokenValidity)
	}
	if cfg.SigningKeyUpdateInterval < time.Hour {
		add("core: SigningKeyUpdateInterval must be at least 1h, not %s", cfg.SigningKeyUpdateInterval)
	}
	if a := cfg.AccessTokenSigningAlgorithm; a != "RS256" && a != "ES256" && a != "EdDSA" {
		add("core: AccessTokenSigningAlgorithm must be RS256, ES256 or EdDSA, not %q", a)
	}
	if cfg.PasswordResetTokenLifetime < 0 || cfg.EmailVerificationTokenLifetime < 0 {
		add("core: token lifetimes must be positive")
	}
	if cfg.PasswordlessCodeLifetime < time.Millisecond {
		add("core: PasswordlessCodeLifetime must be positive, not %s", cfg.PasswordlessCodeLifetime)
	}
	if cfg.PasswordlessMaxCodeInputAttempts < 1 {
		add("core: PasswordlessMaxCodeInputAttempts must be at least 1, not %d", cfg.PasswordlessMaxCodeInputAttempts)
	}
	if r := cfg.PasswordlessDefaultPhoneRegion; r != "" && !phone.ValidRegion(r) {
		add("core: PasswordlessDefaultPhoneRegion %q is not a region code such as US or GB", r)
	}
	h := cfg.PasswordHashing
	if h.Algorithm != "BCRYPT" && h.Algorithm != "ARGON2" {
		add("core: PasswordHashing.Algorithm must be BCRYPT or ARGON2, not %q", h.Algorithm)
	}
	if h.BcryptCost < 4 || h.BcryptCost > 31 {
		add("core: PasswordHashing.BcryptCost must be between 4 and 31, not %d", h.BcryptCost)
	}
	if h.Argon2MemoryKB < 8*uint32(h.Argon2Parallelism) {
		add("core: PasswordHashing.Argon2MemoryKB must be at least 8 × Argon2Parallelism")
	}
	if h.Argon2PoolSize < 0 || h.BcryptPoolSize < 0 {
		add("core: hashing pool sizes must be positive")
	}
	if cfg.MaxBodyBytes < 0 {
		add("core: MaxBodyBytes must be positive")
	}
	return errors.Join(errs...)
}
