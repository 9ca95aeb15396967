// Package emailpassword is the email-password recipe: sign-up with form
// fields, sign-in, email-exists, and password reset by email
// (reference/sdk-fdi.md §2.1, §3.3).
//
// Routes, below the API base path and an optional /{tenantId} segment:
//
//	POST /signup                          create a user and a session
//	POST /signin                          check a password, create a session
//	GET  /emailpassword/email/exists      is the email taken? (also /signup/email/exists)
//	POST /user/password/reset/token       email a reset link
//	POST /user/password/reset             set a new password with the link's token
//
// Responses follow the request's fdi-version header: the account-linking
// User object for FDI 3.0 and later (and 1.18, 1.19, or no header), the
// legacy flat user otherwise.
package emailpassword
