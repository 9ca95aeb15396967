package e2e

import (
	"testing"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
	"github.com/latchkey-dev/latchkey/recipe/passwordless"
)

// The rules the core and the SDK share (internal/validate, internal/phone)
// must give the same answer on both sides. These tests ask each side
// through its own API.

// TestPasswordPolicyCountsCharacters: a password of seven characters is
// too short however many bytes they take, on the SDK's sign-up form and on
// the core's dashboard accounts alike; eight such characters pass both.
func TestPasswordPolicyCountsCharacters(t *testing.T) {
	const (
		seven    = "a1€€€€€"  // 7 characters, 17 bytes
		eight    = "a1€€€€€€" // 8 characters, 20 bytes
		tooShort = "Password must contain at least 8 characters, including a number"
	)
	sqliteModes(t, func(t *testing.T, m coretest.Mode) {
		a := newApp(t, m, options{})
		b := a.browser(false)

		// SDK: POST /auth/signup.
		r := b.post("/auth/signup", fields("email", "seven@example.com", "password", seven))
		r.want(t, 200, "FIELD_ERROR")
		ff, _ := r.body["formFields"].([]any)
		if len(ff) != 1 || ff[0].(map[string]any)["id"] != "password" || ff[0].(map[string]any)["error"] != tooShort {
			t.Errorf("SDK sign-up with %q = %s, want the password refused with %q", seven, r.raw, tooShort)
		}
		b.post("/auth/signup", fields("email", "eight@example.com", "password", eight)).want(t, 200, "OK")

		// Core: POST /recipe/dashboard/user.
		c := a.core.Post(t, "/recipe/dashboard/user", map[string]any{"email": "ops7@example.com", "password": seven})
		if body := c.JSON(t); body["status"] != "PASSWORD_WEAK_ERROR" || body["message"] != tooShort {
			t.Errorf("core dashboard account with %q = %s, want PASSWORD_WEAK_ERROR %q", seven, c.Body, tooShort)
		}
		if s := a.core.Post(t, "/recipe/dashboard/user", map[string]any{"email": "ops8@example.com", "password": eight}).Status(t); s != "OK" {
			t.Errorf("core dashboard account with %q = %s, want OK", eight, s)
		}
	})
}

// TestPhoneNormalisationAgrees: the SDK normalises a phone number exactly
// as the core stores it, including a number whose E.164 form would read
// back as another number (in GB, "00000000000" reads as +440000000000,
// which reads back as +44000000000): both keep it as typed, so
// normalising twice changes nothing on either side.
func TestPhoneNormalisationAgrees(t *testing.T) {
	sqliteModes(t, func(t *testing.T, m coretest.Mode) {
		a := newPwlApp(t, m, passwordless.Config{ContactMethod: passwordless.ContactPhone, FlowType: passwordless.FlowUserInputCode,
			DefaultPhoneRegion: "GB"}, func(c *core.Config) { c.PasswordlessDefaultPhoneRegion = "GB" })
		for _, in := range []string{"00000000000", "020 7946 0958", "+1 201-555-0123", " 07700 900123 "} {
			sdk := a.pwl.NormalisePhoneNumber(in)
			if again := a.pwl.NormalisePhoneNumber(sdk); again != sdk {
				t.Errorf("SDK: NormalisePhoneNumber(%q) = %q, but NormalisePhoneNumber(%q) = %q", in, sdk, sdk, again)
			}

			// Core: the number as typed, straight to the CDI.
			code := a.core.Post(t, "/recipe/signinup/code", map[string]any{"phoneNumber": in}).JSON(t)
			consumed := a.core.Post(t, "/recipe/signinup/code/consume", map[string]any{
				"preAuthSessionId": code["preAuthSessionId"], "deviceId": code["deviceId"], "userInputCode": code["userInputCode"]}).JSON(t)
			user, _ := consumed["user"].(map[string]any)
			phones, _ := user["phoneNumbers"].([]any)
			if consumed["status"] != "OK" || len(phones) != 1 {
				t.Fatalf("core consume for %q = %v", in, consumed)
			}
			if stored := phones[0].(string); stored != sdk {
				t.Errorf("%q: the core stores %q, the SDK normalises it to %q", in, stored, sdk)
			}

			// Both: signing in through the SDK, with the number as typed or
			// as stored, finds that user.
			for _, form := range []string{in, sdk} {
				res, err := a.pwl.SignInUp(t.Context(), "", passwordless.Contact{PhoneNumber: form})
				if err != nil || res.CreatedNewUser || res.User.ID != user["id"] {
					t.Errorf("SDK SignInUp(%q) = %+v, %v; want the existing user %v", form, res, err, user["id"])
				}
			}
		}
	})
}
