// Package userjson renders store users as the CDI 4.0+ User object
// (reference/cdi-core.md §2.1, the shape in [wire.User]), the one shape
// every user-returning core endpoint answers with.
package userjson

import (
	"slices"
	"sort"

	"github.com/latchkey-dev/latchkey/internal/wire"
	"github.com/latchkey-dev/latchkey/store"
)

// User is the CDI User object.
type User = wire.User

// From renders u. Lists are never null, as the SDKs index into them.
func From(u store.User) User {
	out := User{
		ID:           u.ID,
		TenantIDs:    nonNil(u.TenantIDs),
		TimeJoined:   u.TimeJoined.UnixMilli(),
		Emails:       []string{},
		PhoneNumbers: []string{},
		ThirdParty:   []wire.ThirdParty{},
		WebAuthn:     wire.WebAuthn{CredentialIDs: []string{}},
		LoginMethods: make([]wire.LoginMethod, 0, len(u.LoginMethods)),
	}
	methods := slices.Clone(u.LoginMethods)
	sort.SliceStable(methods, func(i, j int) bool { return methods[i].TimeJoined.Before(methods[j].TimeJoined) })
	for _, m := range methods {
		lm := wire.LoginMethod{
			RecipeID:     m.RecipeID,
			RecipeUserID: m.RecipeUserID,
			TenantIDs:    nonNil(m.TenantIDs),
			TimeJoined:   m.TimeJoined.UnixMilli(),
			Verified:     m.Verified,
			Email:        m.Email,
			PhoneNumber:  m.PhoneNumber,
		}
		if m.Email != "" && !slices.Contains(out.Emails, m.Email) {
			out.Emails = append(out.Emails, m.Email)
		}
		if m.PhoneNumber != "" && !slices.Contains(out.PhoneNumbers, m.PhoneNumber) {
			out.PhoneNumbers = append(out.PhoneNumbers, m.PhoneNumber)
		}
		if m.ThirdParty != nil {
			tp := wire.ThirdParty{ID: m.ThirdParty.ID, UserID: m.ThirdParty.UserID}
			lm.ThirdParty = &tp
			if !slices.Contains(out.ThirdParty, tp) {
				out.ThirdParty = append(out.ThirdParty, tp)
			}
		}
		out.LoginMethods = append(out.LoginMethods, lm)
	}
	out.IsPrimaryUser = u.IsPrimary
	return out
}

// FromAll renders a list of users.
func FromAll(us []store.User) []User {
	out := make([]User, len(us))
	for i, u := range us {
		out[i] = From(u)
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
