package passwordless

import (
	"context"
	"errors"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/latchkey-dev/latchkey/recipe/emailpassword"
)

// ValidateEmail is the default email validator: the reference's regular
// expression, the one email-password sign-up uses, with its message
// ("Email is invalid").
func ValidateEmail(ctx context.Context, email, tenantID string) error {
	return emailpassword.ValidateEmail(ctx, email, tenantID)
}

//lint:ignore ST1005 the FDI's message, shown to users verbatim
var errPhoneInvalid = errors.New("Phone number is invalid")

// ValidatePhoneNumber is the default phone number validator for numbers in
// international form (+1 201-555-0123): the number must be one that
// libphonenumber knows to be valid. The message is the reference's
// ("Phone number is invalid"). Config.DefaultPhoneRegion makes the recipe
// accept national forms too.
func ValidatePhoneNumber(ctx context.Context, phoneNumber, tenantID string) error {
	return validatePhone("", phoneNumber)
}

func validatePhone(region, phoneNumber string) error {
	if p, ok := parsePhone(region, phoneNumber); !ok || !phonenumbers.IsValidNumber(p) {
		return errPhoneInvalid
	}
	return nil
}

// parsePhone reads a number in international form, then as a number of
// region when one is set.
func parsePhone(region, phoneNumber string) (*phonenumbers.PhoneNumber, bool) {
	phoneNumber = strings.TrimSpace(phoneNumber)
	if p, err := phonenumbers.Parse(phoneNumber, "ZZ"); err == nil {
		return p, true
	}
	if region != "" {
		if p, err := phonenumbers.Parse(phoneNumber, strings.ToUpper(region)); err == nil {
			return p, true
		}
	}
	return nil, false
}

// normalisePhone returns the number in E.164, or trimmed when it does not
// parse (a custom validator may accept what libphonenumber does not); the
// core normalises again in the same way.
func normalisePhone(region, phoneNumber string) string {
	if p, ok := parsePhone(region, phoneNumber); ok {
		return phonenumbers.Format(p, phonenumbers.E164)
	}
	return strings.TrimSpace(phoneNumber)
}

func validRegion(region string) bool {
	_, ok := phonenumbers.GetSupportedRegions()[strings.ToUpper(region)]
	return ok
}
