// Package emailverification is the email-verification recipe: it emails
// verification links, verifies tokens, and keeps the st-ev claim in the
// access token (reference/sdk-fdi.md §2.3). In REQUIRED mode every session
// check fails with 403 until the user's email is verified; in OPTIONAL
// mode the claim is only informative.
//
// Routes, below the API base path and an optional /{tenantId} segment:
//
//	POST /user/email/verify/token   email a link (session required)
//	POST /user/email/verify         verify with the link's token
//	GET  /user/email/verify         is the session's email verified?
package emailverification
