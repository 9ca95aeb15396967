package passwordless

import (
	"context"
	"errors"

	"github.com/latchkey-dev/latchkey/internal/phone"
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
	if !phone.Valid(region, phoneNumber) {
		return errPhoneInvalid
	}
	return nil
}
