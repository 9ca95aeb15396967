// Package tenantid holds the tenant-id rules that the core and the SDK
// both apply (reference/cdi-core.md §1.1, reference/sdk-fdi.md §1.2): the
// default tenant and app, and what a tenant id in a path may look like.
package tenantid

// Default is the tenant of a request that names none, and the one tenant
// every deployment has: a path without a tenant segment and one with
// /public/ mean the same tenant.
const Default = "public"

// DefaultApp is the app of a request that names none (no /appid-<x>/
// prefix, or /appid-public/). Latchkey serves only this app.
const DefaultApp = "public"

// reserved are the words the core never reads as a tenant id, because
// they start API paths (reference/cdi-core.md §1.1).
var reserved = map[string]bool{"recipe": true, "config": true, "users": true, "hello": true}

// Valid reports whether id has a tenant id's syntax: one or more of a-z,
// 0-9 and '-'. Paths are lower-cased before they are matched, so an id
// read from a path is lower case by then. App ids follow the same rule.
func Valid(id string) bool {
	if id == "" {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Reserved reports whether id is a word that starts a core API path
// (recipe, config, users, hello) and so can never be a tenant id there.
func Reserved(id string) bool { return reserved[id] }

// Or returns id, or Default when id is empty.
func Or(id string) string {
	if id == "" {
		return Default
	}
	return id
}
