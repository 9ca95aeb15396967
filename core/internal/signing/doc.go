// Package signing manages the keys that sign access tokens and JWTs
// (reference/cdi-core.md §2.4.3), shared through the store by every core
// process on one database, and signs and verifies compact JWS with them.
//
// Keys are RS256 (RSA 2048, the reference's and the default), ES256 (ECDSA
// P-256) or EdDSA (Ed25519), all from the standard library. Access tokens
// use the algorithm of Config.Algorithm; POST /recipe/jwt and the
// refresh-token HMAC root stay on RS256 keys. Each algorithm's dynamic keys
// rotate on their own, by the rule below, so a core switched to another
// algorithm makes a key of it at once and its old keys verify until they
// expire; the JWKS lists every live key of every algorithm, with the JWK
// fields of its kind (RFC 7518 §6, RFC 8037 §2).
//
//	Manager.SigningKey(ctx, alg, dynamic)   the key of alg to sign with now
//	Manager.VerifyingKey(ctx, kid)          a key by id, for verification
//	Manager.JWKS(ctx)                       every key a verifier may need, and how long that set holds
//
// Dynamic keys ("d-<created ms>"; "d-<created ms>-es256" and "-eddsa" for
// the others) rotate every update interval U: a new key is made 60 s
// before the newest key's signing period ends, so it is listed in the JWKS
// before anything is signed with it, and each key verifies for U + 2·V
// after it was made (V: the access-token validity). The static key of each
// algorithm ("s-<uuid>") is made on first use and never rotates.
//
// Keys are cached in memory. The cache is reloaded from the store when it is
// older than a short interval, when a key is due, and when asked for a key
// id it does not know; creation is serialised in the process by a mutex and
// across processes by the store (store.Keys.AddDynamicSigningKey), so
// processes starting together end up with one key set.
package signing
