// Package wire holds the JSON shapes that the core writes and the SDK
// reads, defined once so that the two sides cannot drift: the CDI User
// object (reference/cdi-core.md §2.1) and the passwordless contact and
// code (§2.9), plus the passwordless contact-method and flow-type values
// of the SDK's configuration and FDI answers (reference/sdk-fdi.md).
//
// It holds types and their JSON only: no I/O, no validation, nothing from
// the core, the store or the SDK.
package wire
