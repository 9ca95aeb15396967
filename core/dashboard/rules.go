package dashboard

import (
	"regexp"
	"unicode/utf8"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
)

// emailPattern is the SDKs' email check: a local part (or a quoted one),
// '@', then a bracketed IPv4 address or dotted labels ending in at least
// two letters.
var emailPattern = regexp.MustCompile(`^(([^<>()\[\]\\.,;:\s@"]+(\.[^<>()\[\]\\.,;:\s@"]+)*)|(".+"))@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))$`)

// checkEmail answers INVALID_EMAIL_ERROR for an email the SDKs would refuse.
func checkEmail(email string) error {
	if !emailPattern.MatchString(email) {
		return cdi.ErrInvalidEmail
	}
	return nil
}

// checkPassword applies the reference's password rules, in order, and
// answers PASSWORD_WEAK_ERROR with the first rule's message.
func checkPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	var msg string
	switch {
	case n < 8:
		msg = "Password must contain at least 8 characters, including a number"
	case n >= 100:
		msg = "Password's length must be lesser than 100 characters"
	case !hasLetter(pw):
		msg = "Password must contain at least one alphabet"
	case !hasDigit(pw):
		msg = "Password must contain at least one number"
	default:
		return nil
	}
	return cdi.ErrPasswordWeak.With("message", msg)
}

func hasLetter(s string) bool {
	for _, c := range s {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			return true
		}
	}
	return false
}

func hasDigit(s string) bool {
	for _, c := range s {
		if '0' <= c && c <= '9' {
			return true
		}
	}
	return false
}
