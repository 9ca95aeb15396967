// Package demo is the backend and website that `latchkey demo` runs beside
// a core: a Go backend built with the Latchkey SDK (email-password,
// sessions, email verification in OPTIONAL mode, passwordless codes,
// third-party sign-in with the providers in Config.ThirdParty, user
// metadata, user roles and the dashboard), and a website on the official
// SuperTokens frontend library, supertokens-web-js.
//
// Backend routes, besides the SDK's under /auth:
//
//	GET /sessioninfo  the session: handle, user id and access-token payload (401 without one)
//	GET /userinfo     the signed-in user: id, email, phone, whether the email is verified, time joined, third-party accounts
//
// The website's built files (website/dist, made by `npm run build` in
// website/) are committed and embedded.
package demo
