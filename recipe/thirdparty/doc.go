// Package thirdparty is the third-party sign-in recipe: "Continue with
// Google", GitHub, Apple, Microsoft Entra ID, an enterprise's own OpenID
// provider, and any other OAuth 2 or OpenID Connect provider
// (reference/sdk-fdi.md §2.8, reference/fdi-api-spec.yaml).
//
// Routes, below the API base path and an optional /{tenantId} segment:
//
//	GET  /authorisationurl   the provider's authorisation URL and the flow's secret (pkceCodeVerifier)
//	POST /signinup           exchange the code (or take the tokens), sign the user in or up, create a session
//	POST /callback/apple     Apple's form post: 303 to the frontend's redirect URI with the form's fields
//
// Providers are configured as supertokens-node configures them: a
// ProviderConfig with a ThirdPartyID, clients (clientType, clientId,
// clientSecret, scope, forcePKCE, additionalConfig), endpoints or an OpenID
// discovery endpoint, a user info map and RequireEmail. The ThirdPartyID's
// prefix chooses a built-in provider, which fills in what is left empty:
//
//	active-directory   Microsoft Entra ID (additionalConfig directoryId)
//	apple              Sign in with Apple (form post; a client secret signed from additionalConfig keyId, teamId, privateKey)
//	bitbucket, discord, facebook, github, linkedin, twitter (X)
//	gitlab             (additionalConfig gitlabBaseUrl for a self-hosted GitLab)
//	google, google-workspaces (additionalConfig hd)
//	okta               (additionalConfig oktaDomain)
//
// Any other id is a custom provider: give its OIDCDiscoveryEndpoint, or
// its authorization, token and user info endpoints.
//
// # Security
//
// The frontend (supertokens-web-js) adds its own state to the
// authorisation URL and checks it when the browser comes back, as in
// SuperTokens; POST /signinup refuses a redirect without one. The backend
// keeps no state between the two calls: /authorisationurl returns a fresh
// secret as pkceCodeVerifier, which the frontend sends back with the code.
// The PKCE challenge (for public clients, ForcePKCE, or providers whose
// discovery lists S256) and the OpenID nonce are derived from it, so that
// a code or id token from another sign-in does not verify. Id tokens are
// checked against the provider's JWKS with go-oidc: signature, issuer (from
// discovery), audience (the client id), expiry and nonce. Tokens that the
// frontend sends itself (oAuthTokens) are checked the same way, without a
// nonce. Every call to a provider has a timeout and reads at most 1 MiB.
//
// Outcomes: a provider that is down, answers garbage, refuses the code
// (replayed, expired, wrong PKCE verifier) or signs a bad id token gives
// GENERAL_ERROR naming the provider, with the details in the log; a
// provider that gives no email gives NO_EMAIL_GIVEN_BY_PROVIDER (unless
// RequireEmail is false); an unknown thirdPartyId or clientType, or a
// request without code, state or pkceCodeVerifier, is a 400. Nothing is
// written to the core before the provider has said who the user is.
//
// Responses follow the request's fdi-version header: the account-linking
// User object and createdNewRecipeUser for FDI 3.0 and later, the legacy
// user (with thirdParty {id, userId}) and createdNewUser otherwise.
package thirdparty
