package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSettingsPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "latchkey.yaml")
	yaml := `
addr: 127.0.0.1:1111
db: sqlite:/from/file.db
api_keys:
  - file-key-aaaaaaaaaaaaaaaaaaaa
  - file-key-bbbbbbbbbbbbbbbbbbbb
access_token_validity: 900
refresh_token_validity: 60
access_token_signing_key_update_interval: 2
access_token_signing_algorithm: ES256
password_hashing_alg: ARGON2
bcrypt_log_rounds: 12
email_verification_token_lifetime: 5000
`
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		args  []string
		env   map[string]string
		check func(t *testing.T, s coreSettings)
	}{
		{"defaults", nil, nil, func(t *testing.T, s coreSettings) {
			if s.Addr != "127.0.0.1:3567" || s.DB != "sqlite:latchkey.db" || len(s.Core.APIKeys) != 0 {
				t.Errorf("defaults = %+v", s)
			}
		}},
		{"file", []string{"--config", file}, nil, func(t *testing.T, s coreSettings) {
			if s.Addr != "127.0.0.1:1111" || s.DB != "sqlite:/from/file.db" || len(s.Core.APIKeys) != 2 ||
				s.Core.AccessTokenValidity != 900*time.Second || s.Core.RefreshTokenValidity != time.Hour ||
				s.Core.SigningKeyUpdateInterval != 2*time.Hour || s.Core.PasswordHashing.Algorithm != "ARGON2" ||
				s.Core.PasswordHashing.BcryptCost != 12 || s.Core.EmailVerificationTokenLifetime != 5*time.Second ||
				s.Core.AccessTokenSigningAlgorithm != "ES256" {
				t.Errorf("from file = %+v", s)
			}
		}},
		{"env beats file", []string{"--config", file}, map[string]string{"LATCHKEY_ADDR": "127.0.0.1:2222", "LATCHKEY_API_KEYS": "env-key-cccccccccccccccccccc"},
			func(t *testing.T, s coreSettings) {
				if s.Addr != "127.0.0.1:2222" || strings.Join(s.Core.APIKeys, ",") != "env-key-cccccccccccccccccccc" || s.DB != "sqlite:/from/file.db" {
					t.Errorf("env over file = %+v", s)
				}
			}},
		{"flag beats env", []string{"--addr", "127.0.0.1:3333", "--db", "postgres://x@h/db"}, map[string]string{"LATCHKEY_ADDR": "127.0.0.1:2222", "LATCHKEY_CONFIG": file},
			func(t *testing.T, s coreSettings) {
				if s.Addr != "127.0.0.1:3333" || s.DB != "postgres://x@h/db" || s.Core.AccessTokenValidity != 900*time.Second {
					t.Errorf("flag over env = %+v", s)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := loadCoreSettings(tc.args, func(k string) string { return tc.env[k] }, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, s)
		})
	}
}

func TestSettingsErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bad.yaml")
	os.WriteFile(file, []byte("addr: x\ncolour: blue\naccess_token_validity: soon\n"), 0o600)
	_, err := loadCoreSettings([]string{"--config", file, "--log-level", "LOUD"}, func(string) string { return "" }, io.Discard)
	if err == nil {
		t.Fatal("bad settings accepted")
	}
	for _, want := range []string{`unknown key "colour"`, "access_token_validity", "--log-level"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if _, err := loadCoreSettings([]string{"--nope"}, func(string) string { return "" }, io.Discard); err != errUsage {
		t.Errorf("unknown flag: %v", err)
	}
}

// TestSettingsErrorsHidePasswords checks that a database URL in a wrong
// place is not printed with its password.
func TestSettingsErrorsHidePasswords(t *testing.T) {
	for _, args := range [][]string{
		{"postgres://latchkey:s3cret@db.internal/latchkey"},
		{"--addr", "127.0.0.1:1", "postgres://latchkey@db.internal/latchkey?password=s3cret"},
		{"postgres://latchkey:s3%cret@db.internal/latchkey"},
	} {
		_, err := loadCoreSettings(args, func(string) string { return "" }, io.Discard)
		if err == nil || strings.Contains(err.Error(), "s3") || !strings.Contains(err.Error(), "db.internal") {
			t.Errorf("%q: error %v", args, err)
		}
	}
}

func TestPasswordlessSettings(t *testing.T) {
	file := filepath.Join(t.TempDir(), "latchkey.yaml")
	os.WriteFile(file, []byte("passwordless_code_lifetime: 60000\npasswordless_max_code_input_attempts: 3\n"), 0o600)
	s, err := loadCoreSettings([]string{"--config", file}, func(k string) string {
		return map[string]string{"LATCHKEY_PASSWORDLESS_DEFAULT_PHONE_REGION": "gb"}[k]
	}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if s.Core.PasswordlessCodeLifetime != time.Minute || s.Core.PasswordlessMaxCodeInputAttempts != 3 || s.Core.PasswordlessDefaultPhoneRegion != "gb" {
		t.Errorf("passwordless settings = %v, %d, %q", s.Core.PasswordlessCodeLifetime, s.Core.PasswordlessMaxCodeInputAttempts, s.Core.PasswordlessDefaultPhoneRegion)
	}
	s, err = loadCoreSettings([]string{"--passwordless-max-code-input-attempts", "0", "--passwordless-code-lifetime", "soon"}, func(string) string { return "" }, io.Discard)
	if err == nil {
		t.Fatal("bad passwordless settings accepted")
	}
	for _, want := range []string{"--passwordless-max-code-input-attempts", "--passwordless-code-lifetime"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

// TestSecuritySettings: the settings of issue 11 (browser and Host rules,
// keyless start, brute-force limits) read from flags and the environment.
func TestSecuritySettings(t *testing.T) {
	s, err := loadCoreSettings([]string{
		"--allowed-hosts", "core.internal, auth.internal", "--allowed-origins", "https://admin.example.com",
		"--allow-keyless-remote=true", "--throttle-account-failures", "3", "--throttle-lock-base", "30s",
		"--throttle-lock-max", "1h", "--passwordless-max-codes-per-device", "2",
	}, func(k string) string {
		return map[string]string{"LATCHKEY_THROTTLE_IP_FAILURES": "20", "LATCHKEY_THROTTLE_SENDS_PER_ADDRESS": "4",
			"LATCHKEY_THROTTLE_SENDS_PER_IP": "40", "LATCHKEY_THROTTLE_RESET_AFTER": "2h", "LATCHKEY_THROTTLE_DISABLED": "false"}[k]
	}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	th := s.Core.Throttling
	if strings.Join(s.Core.AllowedHosts, ",") != "core.internal,auth.internal" || strings.Join(s.Core.AllowedOrigins, ",") != "https://admin.example.com" ||
		!s.AllowKeylessRemote || th.AccountFailures != 3 || th.IPFailures != 20 || th.SendsPerAddress != 4 || th.SendsPerIP != 40 ||
		th.LockBase != 30*time.Second || th.LockMax != time.Hour || th.ResetAfter != 2*time.Hour || th.Disabled || s.Core.PasswordlessMaxCodesPerDevice != 2 {
		t.Errorf("settings = %+v", s)
	}
	for _, args := range [][]string{{"--throttle-account-failures", "0"}, {"--throttle-lock-base", "soon"}, {"--allow-keyless-remote", "maybe"}} {
		if _, err := loadCoreSettings(args, func(string) string { return "" }, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
