// Package usermetadata serves the core's user-metadata recipe
// (reference/cdi-core.md §2.6):
//
//	GET  /recipe/user/metadata          a user's metadata object ({} when none)
//	PUT  /recipe/user/metadata          shallow-merge an update; null deletes a key
//	POST /recipe/user/metadata/remove   delete a user's metadata
//
// The user id is any string; it need not belong to a user. The logic is in
// Service, usable without HTTP.
package usermetadata
