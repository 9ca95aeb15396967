package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/internal/openstore"
)

// coreSettings is everything `latchkey core` is configured with.
type coreSettings struct {
	Addr string
	// AllowKeylessRemote lets the core start without API keys on an
	// address other machines can reach.
	AllowKeylessRemote bool
	DB                 string
	LogLevel           slog.Level
	LogFormat          string // "text" or "json"
	Core               core.Config
}

// setting is one configuration key. It is read, from lowest to highest
// precedence, from the YAML file (key), the environment (LATCHKEY_<KEY>)
// and the command line (--<key with dashes>). Every source yields a
// string, parsed by the one apply function, so the three agree.
type setting struct {
	key     string
	aliases []string // other YAML keys SuperTokens configs use for it
	help    string
	apply   func(s *coreSettings, v string) error
}

func (st setting) flagName() string { return strings.ReplaceAll(st.key, "_", "-") }
func (st setting) envName() string  { return "LATCHKEY_" + strings.ToUpper(st.key) }

// coreSettingsTable lists every setting. Names and units follow the
// SuperTokens core's config.yaml (reference/cdi-core.md §3.5) where a key
// exists there.
var coreSettingsTable = []setting{
	{key: "addr", help: "address to listen on (default 127.0.0.1:3567)", apply: func(s *coreSettings, v string) error {
		s.Addr = v
		return nil
	}},
	{key: "db", help: "database: sqlite:PATH or a postgres:// URL (default sqlite:latchkey.db)", apply: func(s *coreSettings, v string) error {
		s.DB = v
		return nil
	}},
	{key: "api_keys", help: "comma-separated API keys clients must send; none means no key is required", apply: func(s *coreSettings, v string) error {
		s.Core.APIKeys = nil
		for _, k := range strings.Split(v, ",") {
			if k = strings.TrimSpace(k); k != "" {
				s.Core.APIKeys = append(s.Core.APIKeys, k)
			}
		}
		return nil
	}},
	{key: "allowed_hosts", help: "comma-separated Host names served without an API key besides loopback ones (default none)", apply: func(s *coreSettings, v string) error {
		s.Core.AllowedHosts = splitList(v)
		return nil
	}},
	{key: "allowed_origins", help: "comma-separated browser origins, such as https://admin.example.com, whose requests are served; the core refuses every other browser request (default none)", apply: func(s *coreSettings, v string) error {
		s.Core.AllowedOrigins = splitList(v)
		return nil
	}},
	{key: "allow_keyless_remote", help: "true to start without api_keys on an address other machines can reach: anyone who reaches the core can then do anything (default false)", apply: func(s *coreSettings, v string) error {
		return parseBool(v, &s.AllowKeylessRemote)
	}},
	{key: "base_path", help: "path prefix for every route, such as /core", apply: func(s *coreSettings, v string) error {
		s.Core.BasePath = v
		return nil
	}},
	{key: "access_token_validity", help: "access-token lifetime in seconds (default 3600)", apply: func(s *coreSettings, v string) error {
		return parseUnit(v, time.Second, &s.Core.AccessTokenValidity)
	}},
	{key: "access_token_validity_jitter", help: "largest fraction an access token's lifetime is shortened by (default 0.05)", apply: func(s *coreSettings, v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("not a number: %q", v)
		}
		s.Core.AccessTokenValidityJitter = &f
		return nil
	}},
	{key: "refresh_token_validity", help: "refresh-token lifetime in minutes (default 144000)", apply: func(s *coreSettings, v string) error {
		return parseUnit(v, time.Minute, &s.Core.RefreshTokenValidity)
	}},
	{key: "access_token_dynamic_signing_key_update_interval", aliases: []string{"access_token_signing_key_update_interval"},
		help: "hours between new signing keys (default 168)", apply: func(s *coreSettings, v string) error {
			return parseUnit(v, time.Hour, &s.Core.SigningKeyUpdateInterval)
		}},
	{key: "access_token_signing_algorithm", help: "RS256, ES256 or EdDSA: what access tokens are signed with (default RS256)", apply: func(s *coreSettings, v string) error {
		s.Core.AccessTokenSigningAlgorithm = v
		return nil
	}},
	{key: "password_reset_token_lifetime", help: "password-reset token lifetime in ms (default 3600000)", apply: func(s *coreSettings, v string) error {
		return parseUnit(v, time.Millisecond, &s.Core.PasswordResetTokenLifetime)
	}},
	{key: "email_verification_token_lifetime", help: "email-verification token lifetime in ms (default 86400000)", apply: func(s *coreSettings, v string) error {
		return parseUnit(v, time.Millisecond, &s.Core.EmailVerificationTokenLifetime)
	}},
	{key: "passwordless_code_lifetime", help: "passwordless code and magic-link lifetime in ms (default 900000)", apply: func(s *coreSettings, v string) error {
		return parseUnit(v, time.Millisecond, &s.Core.PasswordlessCodeLifetime)
	}},
	{key: "passwordless_max_code_input_attempts", help: "wrong passwordless codes allowed before the sign-in must restart (default 5)", apply: func(s *coreSettings, v string) error {
		if err := parseInt(v, &s.Core.PasswordlessMaxCodeInputAttempts); err != nil {
			return err
		}
		if s.Core.PasswordlessMaxCodeInputAttempts < 1 {
			return fmt.Errorf("must be at least 1, not %q", v)
		}
		return nil
	}},
	{key: "passwordless_default_phone_region", help: "region such as US that phone numbers without a country code are read in (default none: such numbers are kept as given)", apply: func(s *coreSettings, v string) error {
		s.Core.PasswordlessDefaultPhoneRegion = v
		return nil
	}},
	{key: "passwordless_max_codes_per_device", help: "live codes one passwordless sign-in keeps; a resend beyond drops the oldest (default 5)", apply: func(s *coreSettings, v string) error {
		return parsePositive(v, &s.Core.PasswordlessMaxCodesPerDevice)
	}},
	{key: "throttle_disabled", help: "true turns brute-force protection off (default false)", apply: func(s *coreSettings, v string) error {
		return parseBool(v, &s.Core.Throttling.Disabled)
	}},
	{key: "audit_log_disabled", help: "true records no audit events (default false)", apply: func(s *coreSettings, v string) error {
		return parseBool(v, &s.Core.AuditLogOff)
	}},
	{key: "activity_disabled", help: "true records no last sign-in, sign-in count or last-active time (default false)", apply: func(s *coreSettings, v string) error {
		return parseBool(v, &s.Core.ActivityOff)
	}},
	{key: "throttle_account_failures", help: "failed sign-ins that lock an account (default 5)", apply: func(s *coreSettings, v string) error {
		return parsePositive(v, &s.Core.Throttling.AccountFailures)
	}},
	{key: "throttle_ip_failures", help: "failed sign-ins that lock a client IP (default 50)", apply: func(s *coreSettings, v string) error {
		return parsePositive(v, &s.Core.Throttling.IPFailures)
	}},
	{key: "throttle_sends_per_address", help: "emails or codes one address may be sent before sends to it are locked (default 5)", apply: func(s *coreSettings, v string) error {
		return parsePositive(v, &s.Core.Throttling.SendsPerAddress)
	}},
	{key: "throttle_sends_per_ip", help: "emails or codes one client IP may have sent before it is locked (default 50)", apply: func(s *coreSettings, v string) error {
		return parsePositive(v, &s.Core.Throttling.SendsPerIP)
	}},
	{key: "throttle_lock_base", help: "first lock, doubled for each further failure, such as 1m (default 1m)", apply: func(s *coreSettings, v string) error {
		return parseDuration(v, &s.Core.Throttling.LockBase)
	}},
	{key: "throttle_lock_max", help: "longest lock (default 15m)", apply: func(s *coreSettings, v string) error {
		return parseDuration(v, &s.Core.Throttling.LockMax)
	}},
	{key: "throttle_reset_after", help: "quiet time after which the failure count restarts (default 1h)", apply: func(s *coreSettings, v string) error {
		return parseDuration(v, &s.Core.Throttling.ResetAfter)
	}},
	{key: "password_hashing_alg", help: "BCRYPT or ARGON2 for new passwords (default BCRYPT)", apply: func(s *coreSettings, v string) error {
		s.Core.PasswordHashing.Algorithm = v
		return nil
	}},
	{key: "bcrypt_log_rounds", help: "bcrypt cost (default 11)", apply: func(s *coreSettings, v string) error {
		return parseInt(v, &s.Core.PasswordHashing.BcryptCost)
	}},
	{key: "argon2_iterations", help: "argon2id iterations (default 1)", apply: func(s *coreSettings, v string) error {
		return parseUint(v, 32, func(n uint64) { s.Core.PasswordHashing.Argon2Iterations = uint32(n) })
	}},
	{key: "argon2_memory_kb", help: "argon2id memory in KiB (default 87795)", apply: func(s *coreSettings, v string) error {
		return parseUint(v, 32, func(n uint64) { s.Core.PasswordHashing.Argon2MemoryKB = uint32(n) })
	}},
	{key: "argon2_parallelism", help: "argon2id parallelism (default 2)", apply: func(s *coreSettings, v string) error {
		return parseUint(v, 8, func(n uint64) { s.Core.PasswordHashing.Argon2Parallelism = uint8(n) })
	}},
	{key: "argon2_hashing_pool_size", help: "argon2 hashes run at once (default 1)", apply: func(s *coreSettings, v string) error {
		return parseInt(v, &s.Core.PasswordHashing.Argon2PoolSize)
	}},
	{key: "bcrypt_hashing_pool_size", help: "bcrypt hashes run at once (default: number of CPUs)", apply: func(s *coreSettings, v string) error {
		return parseInt(v, &s.Core.PasswordHashing.BcryptPoolSize)
	}},
	{key: "cleanup_interval", help: "time between deletions of expired rows, such as 1h (default 1h; negative: never)", apply: func(s *coreSettings, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("not a duration such as 30m or 1h: %q", v)
		}
		s.Core.CleanupInterval = d
		return nil
	}},
	{key: "log_level", help: "DEBUG, INFO, WARN or ERROR (default INFO)", apply: func(s *coreSettings, v string) error {
		return s.LogLevel.UnmarshalText([]byte(v))
	}},
	{key: "log_format", help: "text or json (default text)", apply: func(s *coreSettings, v string) error {
		if v != "text" && v != "json" {
			return fmt.Errorf("must be text or json, not %q", v)
		}
		s.LogFormat = v
		return nil
	}},
}

// splitList splits a comma-separated value, dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func parseUnit(v string, unit time.Duration, dst *time.Duration) error {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n <= 0 {
		return fmt.Errorf("must be a positive whole number, not %q", v)
	}
	*dst = time.Duration(n) * unit
	return nil
}

func parseBool(v string, dst *bool) error {
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return fmt.Errorf("must be true or false, not %q", v)
	}
	*dst = b
	return nil
}

func parsePositive(v string, dst *int) error {
	if err := parseInt(v, dst); err != nil {
		return err
	}
	if *dst < 1 {
		return fmt.Errorf("must be at least 1, not %q", v)
	}
	return nil
}

func parseDuration(v string, dst *time.Duration) error {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d <= 0 {
		return fmt.Errorf("must be a positive duration such as 30s or 15m, not %q", v)
	}
	*dst = d
	return nil
}

func parseInt(v string, dst *int) error {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return fmt.Errorf("not a whole number: %q", v)
	}
	*dst = n
	return nil
}

func parseUint(v string, bits int, set func(uint64)) error {
	n, err := strconv.ParseUint(strings.TrimSpace(v), 10, bits)
	if err != nil {
		return fmt.Errorf("not a whole number that fits %d bits: %q", bits, v)
	}
	set(n)
	return nil
}

// loadCoreSettings reads settings from the YAML file named by --config (or
// LATCHKEY_CONFIG), then the environment, then the flags in args. It
// collects every problem into one error.
func loadCoreSettings(args []string, getenv func(string) string, stderr io.Writer) (coreSettings, error) {
	s := coreSettings{Addr: "127.0.0.1:3567", DB: "sqlite:latchkey.db", LogLevel: slog.LevelInfo, LogFormat: "text"}
	fs := flag.NewFlagSet("latchkey core", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configFile := fs.String("config", "", "YAML config file (keys as in SuperTokens' config.yaml); env LATCHKEY_CONFIG")
	flagValues := map[string]*string{}
	for _, st := range coreSettingsTable {
		flagValues[st.key] = fs.String(st.flagName(), "", st.help+"; env "+st.envName())
	}
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: latchkey core [flags]\n\nStarts the Latchkey core. Each setting comes from its flag, else its environment\nvariable, else the --config YAML file, else its default.\n\nThe core is for servers: it refuses browser requests (Origin, Sec-Fetch-Site),\nbodies that are not application/json and, without api_keys, Host names that are\nnot loopback. Without api_keys it starts only on a loopback address, unless\n--allow-keyless-remote=true.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return s, err
		}
		return s, errUsage
	}
	if fs.NArg() > 0 {
		// A misplaced database URL lands here: never print its password.
		extra := make([]string, fs.NArg())
		for i, a := range fs.Args() {
			extra[i] = openstore.Describe(a)
		}
		return s, fmt.Errorf("unexpected arguments: %s", strings.Join(extra, " "))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	var errs []error
	apply := func(st setting, source, v string) {
		if err := st.apply(&s, strings.TrimSpace(v)); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", source, err))
		}
	}
	path := *configFile
	if path == "" {
		path = getenv("LATCHKEY_CONFIG")
	}
	if path != "" {
		values, err := readConfigFile(path)
		if err != nil {
			return s, err
		}
		for _, st := range coreSettingsTable {
			for _, k := range append([]string{st.key}, st.aliases...) {
				if v, ok := values[k]; ok {
					apply(st, path+": "+k, v)
					delete(values, k)
				}
			}
		}
		for k := range values {
			errs = append(errs, fmt.Errorf("%s: unknown key %q", path, k))
		}
	}
	for _, st := range coreSettingsTable {
		if v := getenv(st.envName()); v != "" {
			apply(st, st.envName(), v)
		}
	}
	for _, st := range coreSettingsTable {
		if set[st.flagName()] {
			apply(st, "--"+st.flagName(), *flagValues[st.key])
		}
	}
	return s, errors.Join(errs...)
}

// readConfigFile reads a flat YAML mapping into strings. A list (such as
// api_keys written as a sequence) is joined with commas.
func readConfigFile(path string) (map[string]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc map[string]yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make(map[string]string, len(doc))
	for k, n := range doc {
		switch n.Kind {
		case yaml.ScalarNode:
			if n.Tag != "!!null" {
				out[k] = n.Value
			}
		case yaml.SequenceNode:
			var items []string
			for _, c := range n.Content {
				items = append(items, c.Value)
			}
			out[k] = strings.Join(items, ",")
		default:
			return nil, fmt.Errorf("%s: %s must be a value or a list", path, k)
		}
	}
	return out, nil
}
