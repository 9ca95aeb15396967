// Package claims serves a Latchkey extension to the CDI:
//
//	GET /recipe/user/claims   the values of the SDK's built-in session claims for one user (Latchkey only)
//
// A new session carries the email-verification claim (st-ev) and the
// user-roles claims (st-role, st-perm). Read through the CDI they cost
// one user read, one verification check, one roles read and one read per
// role; this endpoint answers all of them in one call, so that a sign-in
// costs three core calls. An official SuperTokens core answers 404 to it,
// and the SDK then reads claim by claim.
//
// The values mean what the SDK's CDI reads mean: emailVerified is whether
// the email of the user's login method is verified (true for a user
// without one, or an unknown user); roles are the user's roles in the
// request's tenant; permissions are the union of their permissions in the
// order of the roles. The logic is in Service, usable without HTTP.
package claims
