// Package localoidc is a small OpenID provider for tests and for the demo:
// a real, certified OpenID Connect implementation
// (github.com/zitadel/oidc/v3/pkg/op) with an in-memory store and a login
// page where one types any email. Nothing is checked at the login: it is
// for development on one machine, never for production.
//
// Routes, below the issuer URL:
//
//	GET  /.well-known/openid-configuration   discovery
//	GET  /authorize                           the authorisation endpoint; sends the browser to /login
//	GET  /login?authRequestID=…               the login page: an email, and optionally an account id
//	POST /login                               signs in and sends the browser back to the client with a code
//	POST /oauth/token                         the token endpoint (client_secret_post, client_secret_basic, or none with PKCE)
//	GET  /userinfo                            the user info endpoint
//	GET  /keys                                the JWKS
//
// The login page loads only its own stylesheet and works under
// Content-Security-Policy: default-src 'self'.
//
// Each account's subject is derived from its email unless the login form
// gives one, so that the same email signs in as the same account, and a
// test can change an account's email by giving its id with a new email.
package localoidc
