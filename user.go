package latchkey

import (
	"context"
	"net/url"

	"github.com/latchkey-dev/latchkey/internal/wire"
)

// User is a user as the core returns it at CDI 5.4: the account-linking
// User object (reference/cdi-core.md §2.1). Its JSON is the wire shape the
// frontend gets at FDI 3.0 and later. The core and the SDK share this one
// definition, so they cannot disagree about it. User.LoginMethod finds a
// login method by recipe user id; User.Legacy gives the pre-FDI-3.0 shape.
type User = wire.User

// LoginMethod is one way a user signs in (an email and password, a
// third-party account).
type LoginMethod = wire.LoginMethod

// ThirdParty is a third-party account.
type ThirdParty = wire.ThirdParty

// Webauthn lists a user's passkeys.
type Webauthn = wire.WebAuthn

// User returns the user with userID (a primary or recipe user id), or nil
// when there is none. CDI: GET /user/id.
func (lk *Latchkey) User(ctx context.Context, userID string) (*User, error) {
	var resp struct {
		Status string `json:"status"`
		User   *User  `json:"user"`
	}
	if err := lk.core.Do(ctx, CoreRequest{Path: "/user/id", Query: url.Values{"userId": {userID}}}, &resp); err != nil {
		return nil, err
	}
	if resp.Status != "OK" {
		return nil, nil
	}
	return resp.User, nil
}

// UsersByEmail returns the users of tenantID with a login method for
// email. CDI: GET /{tenantId}/users/by-accountinfo.
func (lk *Latchkey) UsersByEmail(ctx context.Context, tenantID, email string) ([]User, error) {
	var resp struct {
		Users []User `json:"users"`
	}
	q := url.Values{"email": {email}, "doUnionOfAccountInfo": {"false"}}
	if err := lk.core.Do(ctx, CoreRequest{Path: "/users/by-accountinfo", TenantID: tenantOrPublic(tenantID), Query: q}, &resp); err != nil {
		return nil, err
	}
	return resp.Users, nil
}

// DeleteUser removes a user and everything the core holds about them.
// CDI: POST /user/remove.
func (lk *Latchkey) DeleteUser(ctx context.Context, userID string) error {
	return lk.core.Do(ctx, CoreRequest{Method: "POST", Path: "/user/remove", Body: map[string]any{"userId": userID}}, nil)
}

func tenantOrPublic(t string) string {
	if t == "" {
		return "public"
	}
	return t
}
