package latchkey

// User is a user as the core returns it at CDI 5.4: the account-linking
// User object (reference/cdi-core.md §2.1). Its JSON is the wire shape the
// frontend gets at FDI 3.0 and later.
type User struct {
	ID            string        `json:"id"`
	IsPrimaryUser bool          `json:"isPrimaryUser"`
	TenantIDs     []string      `json:"tenantIds"`
	Emails        []string      `json:"emails"`
	PhoneNumbers  []string      `json:"phoneNumbers"`
	ThirdParty    []ThirdParty  `json:"thirdParty"`
	Webauthn      *Webauthn     `json:"webauthn,omitempty"`
	TimeJoined    int64         `json:"timeJoined"`
	LoginMethods  []LoginMethod `json:"loginMethods"`
}

// LoginMethod is one way a user signs in (an email and password, a
// third-party account).
type LoginMethod struct {
	RecipeID     string      `json:"recipeId"`
	RecipeUserID string      `json:"recipeUserId"`
	TenantIDs    []string    `json:"tenantIds"`
	Email        string      `json:"email,omitempty"`
	PhoneNumber  string      `json:"phoneNumber,omitempty"`
	ThirdParty   *ThirdParty `json:"thirdParty,omitempty"`
	Webauthn     *Webauthn   `json:"webauthn,omitempty"`
	TimeJoined   int64       `json:"timeJoined"`
	Verified     bool        `json:"verified"`
}

// ThirdParty is a third-party account.
type ThirdParty struct {
	ID     string `json:"id"`
	UserID string `json:"userId"`
}

// Webauthn lists a user's passkeys.
type Webauthn struct {
	CredentialIDs []string `json:"credentialIds"`
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
// below 3.0 (reference/sdk-fdi.md §3.4): {id, email, timeJoined, tenantIds},
// from the login method of recipeID.
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
