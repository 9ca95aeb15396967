// Package usermetadata serves the core's user-metadata recipe
// (reference/cdi-core.md §2.6):
//
//	GET  /recipe/user/metadata          a user's metadata object ({} when none)
//	PUT  /recipe/user/metadata          shallow-merge an update; null deletes a key
//	POST /recipe/user/metadata/remove   delete a user's metadata
//	POST /recipe/user/metadata/bulk     the metadata of up to MaxBulkUsers users (Latchkey only)
//
// The bulk read is an extension of ours, so that a dashboard page of users
// costs one metadata call instead of one per user. An official SuperTokens
// core answers 404 to it, and the SDK then reads user by user.
//
// The user id is any string; it need not belong to a user. The logic is in
// Service, usable without HTTP.
package usermetadata
