// Package accountlinking serves the core's account-linking recipe
// (reference/cdi-api-spec.yaml, "Account Linking Recipe"):
//
//	GET  /recipe/accountlinking/user/primary/check  can this recipe user become primary
//	POST /recipe/accountlinking/user/primary        make it primary
//	GET  /recipe/accountlinking/user/link/check     can this recipe user join that primary user
//	POST /recipe/accountlinking/user/link           link it
//	POST /recipe/accountlinking/user/unlink         take it out of its primary user
//
// The rules (no two primary users share an email, phone number or
// third-party identity in a tenant; a recipe user belongs to at most one
// primary user) are the store's, settled in one transaction by unique
// keys; the checks run the same transaction and roll it back. An unknown
// user id is the reference's 400 "Unknown user ID provided"; every refusal
// is a 200 with the reference's status and changes nothing.
package accountlinking
