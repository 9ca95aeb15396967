// Package signing manages the RSA keys that sign access tokens and JWTs
// (reference/cdi-core.md §2.4.3), shared through the store by every core
// process on one database.
//
//	Manager.SigningKey(ctx, dynamic)   the key to sign with now
//	Manager.VerifyingKey(ctx, kid)     a key by id, for verification
//	Manager.JWKS(ctx)                  every key a verifier may need, and how long that set holds
//
// Dynamic keys ("d-<created ms>") rotate every update interval U: a new key
// is made 60 s before the newest key's signing period ends, so it is listed
// in the JWKS before anything is signed with it, and each key verifies for
// U + 2·V after it was made (V: the access-token validity). The static key
// ("s-<uuid>") is made on first use and never rotates.
//
// Keys are cached in memory. The cache is reloaded from the store when it is
// older than a short interval, when a key is due, and when asked for a key
// id it does not know; creation is serialised in the process by a mutex and
// across processes by the store (store.Keys.AddDynamicSigningKey), so
// processes starting together end up with one key set.
package signing
