package dashboard

import (
	"fmt"
	"strings"
)

// Caps on a search, the core's own (GET /users answers 400 past them):
// at most maxSearchTerms ';'-separated terms per tag, each at most
// maxSearchTermBytes long. The UI sends one term per chip an operator
// typed, so no real search comes near them; checking here answers 400
// without a call to the core.
const (
	maxSearchTerms     = 100
	maxSearchTermBytes = 256
)

// checkSearchTerms refuses a search tag's value past the caps. Like the
// core, it counts the terms that are not blank after trimming.
func checkSearchTerms(tag, value string) error {
	n := 0
	for t := range strings.SplitSeq(value, ";") {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		if n++; n > maxSearchTerms {
			return badInput(fmt.Sprintf("Too many search terms in '%s': at most %d are allowed", tag, maxSearchTerms))
		}
		if len(t) > maxSearchTermBytes {
			return badInput(fmt.Sprintf("A search term in '%s' is too long: at most %d bytes are allowed", tag, maxSearchTermBytes))
		}
	}
	return nil
}
