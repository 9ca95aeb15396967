package dashboard

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/latchkey-dev/latchkey"
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

// searchQuery returns the query of GET /dashboard/api/users (or its
// export) with its search terms put in the form the core matches them in,
// after checking the caps, so that an oversized search costs no
// normalising.
func (rc *Recipe) searchQuery(q url.Values) (url.Values, error) {
	for _, tag := range []string{"email", "phone", "provider"} {
		if v, ok := q[tag]; ok && len(v) > 0 {
			if err := checkSearchTerms(tag, v[0]); err != nil {
				return nil, err
			}
		}
	}
	if v, ok := q["phone"]; ok && len(v) > 0 {
		q.Set("phone", mapTerms(v[0], rc.phoneTerm))
	}
	if v, ok := q["email"]; ok && len(v) > 0 {
		q.Set("email", mapTerms(v[0], emailTerm))
	}
	return q, nil
}

// searchOf is the search of a query that searchQuery prepared: the core's
// tags, passed through; a tag that is absent does not search.
func searchOf(q url.Values) latchkey.UserSearch {
	var s latchkey.UserSearch
	for tag, field := range map[string]*[]string{"email": &s.Emails, "phone": &s.Phones, "provider": &s.Providers} {
		if v, ok := q[tag]; ok && len(v) > 0 {
			*field = []string{v[0]}
		}
	}
	return s
}

// emailTerm drops the '@' that starts a search for a domain: the core
// matches the start of an email or of its domain, so "@example.com"
// would match neither, while "example.com" finds every address there.
func emailTerm(t string) string {
	return strings.TrimPrefix(t, "@")
}

// mapTerms applies f to each ';'-separated term of a search value.
func mapTerms(v string, f func(string) string) string {
	terms := strings.Split(v, ";")
	for i, t := range terms {
		terms[i] = f(strings.TrimSpace(t))
	}
	return strings.Join(terms, ";")
}

// phoneTerm puts a phone search term (a whole number or its beginning) in
// E.164, as numbers are stored. A national number is read in the
// passwordless recipe's DefaultPhoneRegion, so that in the US 4155550123
// finds +14155550123. What does not parse so (no region, or too short a
// beginning) can only be the start of an international number: its digits
// get a '+'.
func (rc *Recipe) phoneTerm(t string) string {
	if t == "" {
		return t
	}
	if rc.pwless != nil {
		if n := rc.pwless.NormalisePhoneNumber(t); strings.HasPrefix(n, "+") {
			return n
		}
	}
	var b strings.Builder
	for i, c := range t {
		if c >= '0' && c <= '9' || c == '+' && i == 0 {
			b.WriteRune(c)
		}
	}
	digits := b.String()
	if digits == "" || strings.HasPrefix(digits, "+") {
		return digits
	}
	return "+" + digits
}

// isSearch reports whether any tag was given, even one without terms.
func isSearch(s latchkey.UserSearch) bool {
	return s.Emails != nil || s.Phones != nil || s.Providers != nil
}
