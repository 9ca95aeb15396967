// Package accountlinking is the SDK's account-linking recipe: one person,
// several login methods. Add New(Config) to latchkey.Config.Recipes and
// the email-password, passwordless and third-party recipes link on sign-up
// and sign-in by the rules of supertokens-node 24's account linking:
//
//   - Config.ShouldDoAutomaticAccountLinking decides, per new or signing-in
//     login method, whether to link it automatically and whether its email
//     or phone number must be verified first (ShouldRequireVerification).
//     Without it nothing is linked automatically.
//   - A login method with the email of an existing primary user joins that
//     user; with none, the oldest user with the email becomes primary and
//     the method joins it; otherwise the method itself becomes primary.
//   - A sign-up or sign-in that, with verification required, could let an
//     unverified account take over a verified one is refused:
//     SIGN_UP_NOT_ALLOWED, SIGN_IN_NOT_ALLOWED or SIGN_IN_UP_NOT_ALLOWED,
//     with the reference's reason texts (ERR_CODE_0xx).
//   - Verifying an email links the login method the same way.
//
// Sessions carry the primary user id as the user id and the login method
// as the recipe user id. CreatePrimaryUser, LinkAccounts and UnlinkAccount
// (with their Can* checks) are for back-office code; the core's rules (no
// two primary users share an email, phone number or third-party identity
// in a tenant) hold whatever the SDK asks.
package accountlinking
