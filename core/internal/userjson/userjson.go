// Package userjson renders store users as the CDI 4.0+ User object
// (reference/cdi-core.md §2.1), the one shape every user-returning core
// endpoint answers with.
package userjson

import (
	"slices"
	"sort"

	"github.com/latchkey-dev/latchkey/store"
)

// User is the CDI User object.
type User struct {
	ID            string        `json:"id"`
	IsPrimaryUser bool          `json:"isPrimaryUser"`
	TenantIDs     []string      `json:"tenantIds"`
	TimeJoined    int64         `json:"timeJoined"`
	Emails        []string      `json:"emails"`
	PhoneNumbers  []string      `json:"phoneNumbers"`
	ThirdParty    []ThirdParty  `json:"thirdParty"`
	WebAuthn      WebAuthn      `json:"webauthn"`
	LoginMethods  []LoginMethod `json:"loginMethods"`
}

// LoginMethod is one entry of User.LoginMethods.
type LoginMethod struct {
	RecipeID     string      `json:"recipeId"`
	RecipeUserID string      `json:"recipeUserId"`
	TenantIDs    []string    `json:"tenantIds"`
	TimeJoined   int64       `json:"timeJoined"`
	Verified     bool        `json:"verified"`
	Email        string      `json:"email,omitempty"`
	PhoneNumber  string      `json:"phoneNumber,omitempty"`
	ThirdParty   *ThirdParty `json:"thirdParty,omitempty"`
}

// ThirdParty identifies a user at a provider.
type ThirdParty struct {
	ID     string `json:"id"`
	UserID string `json:"userId"`
}

// WebAuthn is present at the top level from CDI 5.3 on; we have no
// webauthn credentials, so it is always empty.
type WebAuthn struct {
	CredentialIDs []string `json:"credentialIds"`
}

// From renders u. Lists are never null, as the SDKs index into them.
func From(u store.User) User {
	out := User{
		ID:           u.ID,
		TenantIDs:    nonNil(u.TenantIDs),
		TimeJoined:   u.TimeJoined.UnixMilli(),
		Emails:       []string{},
		PhoneNumbers: []string{},
		ThirdParty:   []ThirdParty{},
		WebAuthn:     WebAuthn{CredentialIDs: []string{}},
		LoginMethods: make([]LoginMethod, 0, len(u.LoginMethods)),
	}
	methods := slices.Clone(u.LoginMethods)
	sort.SliceStable(methods, func(i, j int) bool { return methods[i].TimeJoined.Before(methods[j].TimeJoined) })
	for _, m := range methods {
		lm := LoginMethod{
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
			tp := ThirdParty{ID: m.ThirdParty.ID, UserID: m.ThirdParty.UserID}
			lm.ThirdParty = &tp
			if !slices.Contains(out.ThirdParty, tp) {
				out.ThirdParty = append(out.ThirdParty, tp)
			}
		}
		out.LoginMethods = append(out.LoginMethods, lm)
	}
	// A user is "primary" only through account linking, which Latchkey
	// does not do yet.
	out.IsPrimaryUser = false
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
