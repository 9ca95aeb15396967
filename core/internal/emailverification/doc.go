// Package emailverification serves the core's email-verification recipe
// (reference/cdi-core.md §2.5):
//
//	POST /recipe/user/email/verify/token          make a verification token
//	POST /recipe/user/email/verify                use a token: mark the email verified
//	GET  /recipe/user/email/verify                is (userId, email) verified?
//	POST /recipe/user/email/verify/remove         mark (userId, email) unverified
//	POST /recipe/user/email/verify/token/remove   delete (userId, email)'s tokens
//
// Emails are trimmed and lower-cased everywhere but in the GET, which uses
// the email verbatim, as the reference says. Tokens are 128 characters; the
// store keeps only their SHA-256. The User object's "verified" flags come
// from the same verified-email rows, so they follow these endpoints.
//
// The logic is in Service, usable without HTTP.
package emailverification
