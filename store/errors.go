package store

import "errors"

// Errors returned by every engine. Engines wrap them with %w; test with
// errors.Is.
var (
	// ErrNotFound means the row asked for does not exist (or has expired,
	// where a method says so).
	ErrNotFound = errors.New("store: not found")
	// ErrAlreadyExists means a unique key (an email in a tenant, a role a
	// user already has, ...) is taken.
	ErrAlreadyExists = errors.New("store: already exists")
	// ErrConflict means a write lost a race it cannot be retried through,
	// such as a foreign row deleted under it.
	ErrConflict = errors.New("store: conflict")
)
