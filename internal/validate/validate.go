// Package validate holds the input rules that the core and the SDK both
// apply, so that a value one side accepts the other does too: the default
// password policy and the email syntax check, with the messages the
// reference SDKs show (reference/sdk-fdi.md §2.1, reference/cdi-core.md
// §2.8).
package validate

//lint:file-ignore ST1005 the messages are the reference SDKs' texts, shown to users verbatim

import (
	"errors"
	"regexp"
	"unicode/utf8"
)

// Password policy bounds, in characters (Unicode code points), not bytes:
// "ééééééé" is seven characters long, however many bytes UTF-8 needs.
const (
	MinPasswordLength = 8
	MaxPasswordLength = 99
)

// The policy's messages, each the reference's text.
var (
	ErrPasswordTooShort = errors.New("Password must contain at least 8 characters, including a number")
	ErrPasswordTooLong  = errors.New("Password's length must be lesser than 100 characters")
	ErrPasswordNoLetter = errors.New("Password must contain at least one alphabet")
	ErrPasswordNoDigit  = errors.New("Password must contain at least one number")
)

// Password applies the default password policy: 8 to 99 characters, with
// at least one ASCII letter and one digit. It returns the first rule that
// fails, in that order, or nil. The error's text is what the user sees.
func Password(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLength:
		return ErrPasswordTooShort
	case n > MaxPasswordLength:
		return ErrPasswordTooLong
	case !hasLetter(pw):
		return ErrPasswordNoLetter
	case !hasDigit(pw):
		return ErrPasswordNoDigit
	}
	return nil
}

func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			return true
		}
	}
	return false
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; '0' <= c && c <= '9' {
			return true
		}
	}
	return false
}

// emailPattern is the reference SDKs' email check: a local part (or a
// quoted one), '@', then a bracketed IPv4 address or dotted labels ending
// in at least two letters.
var emailPattern = regexp.MustCompile(`^(([^<>()\[\]\\.,;:\s@"]+(\.[^<>()\[\]\\.,;:\s@"]+)*)|(".+"))@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))$`)

// Email reports whether email has the syntax the reference SDKs accept.
// It does not trim or lower-case: callers normalise first.
func Email(email string) bool { return emailPattern.MatchString(email) }
