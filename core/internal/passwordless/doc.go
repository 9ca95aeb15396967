// Package passwordless serves the core's passwordless recipe: sign-in with
// a one-time code or a magic link sent to an email address or a phone
// number (reference/cdi-core.md §2.9):
//
//	POST /recipe/signinup/code                           a new device and code, or a new code for a device
//	POST /recipe/signinup/code/consume                   sign in with a user input code or a link code
//	POST /recipe/signinup/code/check                     check a code without using it up
//	GET  /recipe/signinup/codes                          devices and codes of an email, phone, device or pre-auth session
//	POST /recipe/signinup/code/remove                    revoke one code
//	POST /recipe/signinup/codes/remove                   revoke every code of an email or phone number
//	GET  /recipe/user                (rid passwordless)  one user by id, email or phone number
//	PUT  /recipe/user                (rid passwordless)  change or clear a user's email or phone number
//
// A device is one sign-in attempt. Its id (32 random bytes, base64url) is
// given to the client and never stored; the pre-auth session id is its
// SHA-256. Each code has a user input code (6 digits) and a link code,
// HMAC-SHA256 over the user input code keyed with the device id and a
// per-device salt, so the store holds only the SHA-256 of link codes and
// checks a user input code by deriving its link code (codes.go).
//
// The logic is in Service, usable without HTTP; handlers.go maps it to the
// wire.
package passwordless
