// Package session serves the core's session recipe (reference/cdi-core.md
// §2.4), at CDI 5.4, with the legacy (≤5.5) refresh and verify semantics:
//
//	POST /recipe/session              create a session: access, refresh and anti-CSRF tokens
//	POST /recipe/session/verify       check an access token; promote a refreshed session
//	POST /recipe/session/refresh      trade a refresh token for new tokens; detect token theft
//	POST /recipe/session/remove       revoke sessions by handle or by user
//	GET  /recipe/session/user         a user's live session handles
//	GET  /recipe/session              one session's row
//	PUT  /recipe/session/data         replace userDataInDatabase
//	GET  /recipe/session/data         read userDataInDatabase (deprecated)
//	PUT  /recipe/jwt/data             replace the stored access-token payload
//	GET  /recipe/jwt/data             read the stored access-token payload (deprecated)
//	POST /recipe/session/regenerate   re-sign an access token with a new payload
//
// The logic is in Service, usable without HTTP; handlers.go maps it to the
// wire.
//
// # Access tokens
//
// Access tokens are the reference's V5 JWTs (§2.4.2), signed by keys from
// core/internal/signing with the core's AccessTokenSigningAlgorithm (RS256
// by default, or ES256 or EdDSA), with the header and the claims written
// in the reference's order.
//
// # Refresh tokens
//
// A refresh token is our own opaque format, base64url (no padding) of
//
//	0x01 ‖ len(handle) ‖ handle ‖ flags ‖ [parent RTH1, 32 bytes] ‖ [len(csrf) ‖ csrf] ‖ nonce (32 random bytes) ‖ HMAC-SHA256
//
// flags bit 0 says a parent hash follows, bit 1 an anti-CSRF token. The
// parent is the refresh token this one was minted from (its RTH1 =
// sha256(token), raw), so a child can be promoted on its own (§2.4.4). The
// HMAC makes the token unforgeable: without it, anyone holding an access
// token (which carries RTH1 values) could build a "child" of the current
// refresh token, or move a token to another session. Its key is derived
// with HKDF-SHA256 from the static signing key's private half, which every
// core process on the database shares and which never rotates; only
// sha256hex(sha256hex(token)) (RTH2) is stored.
package session
