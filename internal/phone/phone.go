// Package phone normalises phone numbers to E.164, the form the core stores
// and compares them in (reference/cdi-core.md §2.1), with
// github.com/nyaruka/phonenumbers, a Go port of Google's libphonenumber,
// the library the reference core uses.
//
// Both sides use it: the SDK normalises a number before it asks the core
// about it, and the core again before it stores or looks one up. One
// reading on both sides means a number the SDK checked is the number the
// core stores.
package phone

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Normaliser turns phone numbers into E.164.
type Normaliser struct {
	// Region is the ISO 3166-1 region (such as "US") that numbers written
	// without a country code are read in. Default: none, and then only
	// international forms (+1 201-555-0123) are understood.
	Region string
}

// Normalise returns number in E.164 ("+12015550123"). It reads number as an
// international number first (region "ZZ", as the reference core does),
// then, if that fails and a Region is set, as a number of that region
// (national forms such as "(201) 555-0123", and the region's international
// call prefix, such as "00" in most of Europe). If neither works, it
// returns the trimmed input, as the reference does, so that lookups of an
// odd value still find what was stored under it.
//
// Normalise(Normalise(x)) == Normalise(x), so that a stored number is found
// by its own value: for a few invalid numbers the library's E.164 form
// reads back as another number, and those are kept as typed instead.
func (n Normaliser) Normalise(number string) string {
	number = strings.TrimSpace(number)
	if number == "" {
		return ""
	}
	if e, ok := e164(number, "ZZ"); ok {
		return e
	}
	if n.Region != "" {
		if e, ok := e164(number, strings.ToUpper(n.Region)); ok {
			return e
		}
	}
	return number
}

// e164 parses number in region and formats it as E.164, if that form
// reads back as itself.
func e164(number, region string) (string, bool) {
	p, err := phonenumbers.Parse(number, region)
	if err != nil {
		return "", false
	}
	e := phonenumbers.Format(p, phonenumbers.E164)
	back, err := phonenumbers.Parse(e, "ZZ")
	if err != nil || phonenumbers.Format(back, phonenumbers.E164) != e {
		return "", false
	}
	return e, true
}

// Valid reports whether number is a number libphonenumber knows to be
// valid, read in international form or, when region is set and the
// international reading fails, as a number of region. It is the SDK's
// default phone number check.
func Valid(region, number string) bool {
	number = strings.TrimSpace(number)
	p, err := phonenumbers.Parse(number, "ZZ")
	if err != nil && region != "" {
		p, err = phonenumbers.Parse(number, strings.ToUpper(region))
	}
	return err == nil && phonenumbers.IsValidNumber(p)
}

// ValidRegion reports whether region (in either case) is a region the
// library knows, such as "US" or "gb".
func ValidRegion(region string) bool {
	_, ok := phonenumbers.GetSupportedRegions()[strings.ToUpper(region)]
	return ok
}
