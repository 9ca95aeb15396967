package wire

import "encoding/json"

// User is the CDI 4.0+ User object as the core emits it at CDI 5.3 and
// 5.4 (reference/cdi-core.md §2.1). It is also the user shape the FDI
// gives frontends from FDI 3.0 on. The core never writes a null list; a
// nil list marshals as null, so whoever builds a User fills every one.
type User struct {
	ID            string        `json:"id"`
	IsPrimaryUser bool          `json:"isPrimaryUser"`
	TenantIDs     []string      `json:"tenantIds"`
	TimeJoined    int64         `json:"timeJoined"` // Unix ms: the earliest login method's
	Emails        []string      `json:"emails"`
	PhoneNumbers  []string      `json:"phoneNumbers"`
	ThirdParty    []ThirdParty  `json:"thirdParty"`
	WebAuthn      WebAuthn      `json:"webauthn"` // always present from CDI 5.3 on
	LoginMethods  []LoginMethod `json:"loginMethods"`
}

// LoginMethod is one way a user signs in: one entry of User.LoginMethods,
// in timeJoined order.
type LoginMethod struct {
	RecipeID     string   `json:"recipeId"` // emailpassword, thirdparty, passwordless or webauthn
	RecipeUserID string   `json:"recipeUserId"`
	TenantIDs    []string `json:"tenantIds"`
	TimeJoined   int64    `json:"timeJoined"` // Unix ms
	Verified     bool     `json:"verified"`
	Email        string   `json:"email,omitempty"`
	PhoneNumber  string   `json:"phoneNumber,omitempty"` // E.164
	// ThirdParty is set for third-party login methods only.
	ThirdParty *ThirdParty `json:"thirdParty,omitempty"`
	// WebAuthn is set for webauthn login methods only.
	WebAuthn *WebAuthn `json:"webauthn,omitempty"`
}

// ThirdParty identifies a user at a third-party provider.
type ThirdParty struct {
	ID     string `json:"id"`     // the provider, such as "google"
	UserID string `json:"userId"` // the user's id there
}

// WebAuthn lists a user's passkey credentials. Latchkey has no webauthn
// recipe yet, so the core always sends an empty list.
type WebAuthn struct {
	CredentialIDs []string `json:"credentialIds"`
}

// noCredentials is the encoding of a WebAuthn without credentials.
const noCredentials = `{"credentialIds":[]}`

// MarshalJSON writes an empty list rather than null for no credentials,
// as the reference does: frontends index into it.
func (w WebAuthn) MarshalJSON() ([]byte, error) {
	ids := w.CredentialIDs
	if len(ids) == 0 {
		// Every user until there is a webauthn recipe: a constant, not a
		// json.Marshal per user, which was a third of the time to encode
		// a 1,000-user search answer.
		return []byte(noCredentials), nil
	}
	return json.Marshal(struct {
		CredentialIDs []string `json:"credentialIds"`
	}{ids})
}

// LoginMethod returns the user's login method of recipeUserID.
func (u *User) LoginMethod(recipeUserID string) (LoginMethod, bool) {
	for _, m := range u.LoginMethods {
		if m.RecipeUserID == recipeUserID {
			return m, true
		}
	}
	return LoginMethod{}, false
}

// Legacy returns the pre-account-linking user shape, for frontends on FDI
// below 3.0 (reference/sdk-fdi.md §3.4) and the CDI below 4.0
// (reference/cdi-core.md §2.1): {id, email, timeJoined, tenantIds}, from
// the login method of recipeID, plus phoneNumber or thirdParty where that
// method has one.
func (u *User) Legacy(recipeID string) map[string]any {
	out := map[string]any{"id": u.ID, "timeJoined": u.TimeJoined, "tenantIds": u.TenantIDs}
	for _, m := range u.LoginMethods {
		if m.RecipeID != recipeID {
			continue
		}
		out["id"], out["timeJoined"], out["tenantIds"] = m.RecipeUserID, m.TimeJoined, m.TenantIDs
		if m.Email != "" {
			out["email"] = m.Email
		}
		if m.PhoneNumber != "" {
			out["phoneNumber"] = m.PhoneNumber
		}
		if m.ThirdParty != nil {
			out["thirdParty"] = m.ThirdParty
		}
		break
	}
	return out
}
