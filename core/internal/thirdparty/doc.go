// Package thirdparty serves the core's third-party recipe: users who sign
// in with an account at a provider, which the SDK has already verified
// (reference/cdi-core.md §2.9, reference/cdi-api-spec.yaml):
//
//	POST /recipe/signinup                         sign in the user of (thirdPartyId, thirdPartyUserId), or create it
//	GET  /recipe/user        (rid thirdparty)     one user by userId, or by thirdPartyId and thirdPartyUserId
//
// A sign-in of a known account gives the user the provider's latest
// email; a verified email is recorded in email verification. The store
// keeps (tenant, thirdPartyId, thirdPartyUserId) unique, so racing
// sign-ups of one account make one user. Listing, search by provider,
// counts and delete are the users package's, as for every recipe.
//
// The logic is in Service, usable without HTTP; handlers.go maps it to the
// wire.
package thirdparty
