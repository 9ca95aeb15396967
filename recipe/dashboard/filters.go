package dashboard

import (
	"net/url"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey"
)

// maxRoleFilterBytes caps the role filter, as the core does.
const maxRoleFilterBytes = 256

// listFilters reads the user list's filters, shared by GET /users, its
// count and its export (Latchkey extensions): recipeIds (login methods),
// emailVerified=true|false, role, and joinedFrom/joinedTo, UTC days as
// YYYY-MM-DD, both included. It fills those fields of opts and reports
// whether a filter other than recipeIds was given.
func listFilters(q url.Values, opts *latchkey.ListUsersOptions) (bool, error) {
	var err error
	if opts.RecipeIDs, err = recipeFilter(q); err != nil {
		return false, err
	}
	given := false
	switch v := strings.TrimSpace(q.Get("emailVerified")); v {
	case "":
	case "true", "false":
		b := v == "true"
		opts.EmailVerified, given = &b, true
	default:
		return false, badInput("Invalid value received for 'emailVerified': use true or false")
	}
	if v, ok := q["role"]; ok {
		role := strings.TrimSpace(v[0])
		switch {
		case role == "":
			return false, badInput("Invalid value received for 'role': it must not be empty")
		case len(role) > maxRoleFilterBytes:
			return false, badInput("Invalid value received for 'role': at most 256 bytes are allowed")
		}
		opts.Role, given = role, true
	}
	for _, d := range []struct {
		name string
		to   *time.Time
		next bool // the day after: joinedTo includes its day
	}{{"joinedFrom", &opts.JoinedFrom, false}, {"joinedTo", &opts.JoinedTo, true}} {
		v := strings.TrimSpace(q.Get(d.name))
		if v == "" {
			continue
		}
		day, err := time.Parse(time.DateOnly, v)
		if err != nil || day.Year() < 1970 || day.Year() > 9998 {
			return false, badInput("Invalid value received for '" + d.name + "': use a date as YYYY-MM-DD, from 1970")
		}
		if d.next {
			day = day.AddDate(0, 0, 1)
		}
		*d.to, given = day, true
	}
	if !opts.JoinedFrom.IsZero() && !opts.JoinedTo.IsZero() && !opts.JoinedFrom.Before(opts.JoinedTo) {
		return false, badInput("Invalid values received for 'joinedFrom' and 'joinedTo': the first day must not be after the last")
	}
	return given, nil
}

// Why a list option does not combine with others: the suspended list and
// the orders by activity read their own indexes, across the tenant.
const (
	errSuspendedFiltered = "The suspended users are listed on their own: remove the search and the filters to list them"
	errActivityFiltered  = "Sorting by last activity or last sign-in lists every user who signed in: remove the search and the filters to sort so"
)
