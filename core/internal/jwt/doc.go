// Package jwt serves the core's signing keys and its JWT recipe
// (reference/cdi-core.md §2.4.1, §2.4.3):
//
//	GET  /.well-known/jwks.json   public keys, no api key, with Cache-Control
//	GET  /recipe/jwt/jwks         the same keys with a status (deprecated)
//	POST /recipe/jwt              sign a payload as a JWT
//
// The keys are core/internal/signing's: every dynamic key still within its
// verify lifetime, then the static key.
package jwt
