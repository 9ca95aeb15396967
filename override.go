package latchkey

import "fmt"

// Override returns base as override wraps or replaces it: the wiring of
// every recipe's Config.Override (its Service) and Config.APIOverride (its
// APIs). A nil override leaves base as it is. An override that returns
// nil is a configuration error that names field, such as
// "emailpassword: Config.Override returned nil".
func Override[T any](field string, base T, override func(T) T) (T, error) {
	if override == nil {
		return base, nil
	}
	v := override(base)
	if any(v) == nil {
		var zero T
		return zero, fmt.Errorf("%s returned nil", field)
	}
	return v, nil
}
