package dashboard

import (
	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/internal/validate"
)

// checkEmail answers INVALID_EMAIL_ERROR for an email the SDKs would
// refuse.
func checkEmail(email string) error {
	if !validate.Email(email) {
		return cdi.ErrInvalidEmail
	}
	return nil
}

// checkPassword applies the SDKs' default password policy and answers
// PASSWORD_WEAK_ERROR with the first failing rule's message.
func checkPassword(pw string) error {
	if err := validate.Password(pw); err != nil {
		return cdi.ErrPasswordWeak.With("message", err.Error())
	}
	return nil
}
