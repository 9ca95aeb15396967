package accountlinking

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// linkAttempts bounds LinkOrCreatePrimary's retries: each one follows a
// concurrent write that changed who is primary, which the next attempt
// sees.
const linkAttempts = 10

// InfoOf returns the account info of one of u's login methods.
func InfoOf(u *latchkey.User, recipeUserID string) AccountInfo {
	m, _ := u.LoginMethod(recipeUserID)
	return AccountInfo{RecipeID: m.RecipeID, Email: m.Email, PhoneNumber: m.PhoneNumber, ThirdParty: m.ThirdParty,
		RecipeUserID: m.RecipeUserID, Verified: m.Verified}
}

// usersWith returns the users of tenantID with any of info's email, phone
// number or third-party identity, oldest first.
func (rc *Recipe) usersWith(ctx context.Context, tenantID string, info AccountInfo) ([]latchkey.User, error) {
	q := url.Values{"doUnionOfAccountInfo": {"true"}}
	if info.Email != "" {
		q.Set("email", info.Email)
	}
	if info.PhoneNumber != "" {
		q.Set("phoneNumber", info.PhoneNumber)
	}
	if info.ThirdParty != nil {
		q.Set("thirdPartyId", info.ThirdParty.ID)
		q.Set("thirdPartyUserId", info.ThirdParty.UserID)
	}
	if len(q) == 1 {
		return nil, nil
	}
	var resp struct {
		Users []latchkey.User `json:"users"`
	}
	err := rc.lk.Core().Do(ctx, latchkey.CoreRequest{Path: "/users/by-accountinfo", TenantID: latchkey.TenantOrDefault(tenantID), Query: q}, &resp)
	return resp.Users, err
}

func sameEmail(a, b string) bool {
	return a != "" && strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// verifiedIn reports whether some login method of u has info's email or
// phone number verified.
func verifiedIn(u *latchkey.User, info AccountInfo) bool {
	for _, m := range u.LoginMethods {
		if m.Verified && (sameEmail(m.Email, info.Email) || (m.PhoneNumber != "" && m.PhoneNumber == info.PhoneNumber)) {
			return true
		}
	}
	return false
}

func sessionUser(sess *session.Session) string {
	if sess == nil {
		return ""
	}
	return sess.UserID()
}

// IsSignUpAllowed reports whether a new login method with info may be
// created. It is refused, when linking with verification applies, if a
// primary user has the email or phone number and the new method is not
// verified, or has it but never verified it (the new method would join an
// account whose owner never proved the address); or if no primary user
// has it but another unverified user does (that user would join the new
// one once it is verified). Without this recipe every sign-up is allowed.
func (rc *Recipe) IsSignUpAllowed(ctx context.Context, tenantID string, info AccountInfo, sess *session.Session) (bool, error) {
	if rc == nil {
		return true, nil
	}
	return rc.allowed(ctx, tenantID, info, nil, sess)
}

// IsSignInAllowed reports whether user may sign in with its login method
// recipeUserID. A primary user, a verified login method and a sign-in
// that verifies the method itself (signInVerifies: a code sent to the
// address, a provider's verified email) always may; otherwise the rules of
// IsSignUpAllowed apply.
func (rc *Recipe) IsSignInAllowed(ctx context.Context, tenantID string, user *latchkey.User, recipeUserID string, signInVerifies bool, sess *session.Session) (bool, error) {
	if rc == nil || user == nil {
		return true, nil
	}
	info := InfoOf(user, recipeUserID)
	if user.IsPrimaryUser || info.Verified || signInVerifies {
		return true, nil
	}
	return rc.allowed(ctx, tenantID, info, user, sess)
}

// allowed is the rule both checks share (user is nil for a sign-up).
func (rc *Recipe) allowed(ctx context.Context, tenantID string, info AccountInfo, user *latchkey.User, sess *session.Session) (bool, error) {
	if rc.cfg.ShouldDoAutomaticAccountLinking == nil {
		return true, nil // nothing links automatically: nothing to protect
	}
	// Only the email or phone number decide: a third-party identity is the
	// method's own.
	lookup := info
	lookup.ThirdParty = nil
	users, err := rc.usersWith(ctx, tenantID, lookup)
	if err != nil || len(users) == 0 {
		return true, err
	}
	if user != nil && len(users) == 1 && users[0].ID == user.ID {
		return true, nil
	}
	var primary *latchkey.User
	for i := range users {
		if users[i].IsPrimaryUser {
			if primary != nil {
				return false, errors.New("accountlinking: two primary users share an email or phone number")
			}
			primary = &users[i]
		}
	}
	dec, err := rc.shouldLink(ctx, info, primary, sess, tenantID)
	if err != nil || !dec.ShouldAutomaticallyLink || !dec.ShouldRequireVerification {
		return true, err
	}
	if primary == nil {
		for i := range users {
			u := &users[i]
			if u.ID == sessionUser(sess) || (user != nil && u.ID == user.ID) {
				continue
			}
			if len(u.LoginMethods) == 0 || !verifiedIn(&latchkey.User{LoginMethods: u.LoginMethods[:1]}, info) {
				return false, nil
			}
		}
		return true, nil
	}
	if !info.Verified {
		return false, nil
	}
	if primary.ID == sessionUser(sess) {
		return true, nil
	}
	return verifiedIn(primary, info), nil
}

// LinkOrCreatePrimary links the login method recipeUserID of user (just
// signed up or in) as the configuration decides: to the primary user that
// has its email, phone number or identity; or, with none, by making the
// oldest user with them primary and linking to it; or by making the
// method itself primary. It returns the user the method belongs to
// afterwards (user itself when nothing was linked). Without this recipe it
// returns user.
func (rc *Recipe) LinkOrCreatePrimary(ctx context.Context, tenantID string, user *latchkey.User, recipeUserID string, sess *session.Session) (*latchkey.User, error) {
	if rc == nil || user == nil || rc.cfg.ShouldDoAutomaticAccountLinking == nil {
		return user, nil
	}
	for range linkAttempts {
		u, retry, err := rc.linkOnce(ctx, tenantID, user, recipeUserID, sess)
		if err != nil || !retry {
			return u, err
		}
		if fresh, err := rc.lk.User(ctx, recipeUserID); err != nil {
			return nil, err
		} else if fresh != nil {
			user = fresh
		}
	}
	return nil, errors.New("accountlinking: linking kept losing races; try again")
}

// linkOnce is one attempt of LinkOrCreatePrimary; retry reports a lost
// race.
func (rc *Recipe) linkOnce(ctx context.Context, tenantID string, user *latchkey.User, recipeUserID string, sess *session.Session) (*latchkey.User, bool, error) {
	info := InfoOf(user, recipeUserID)
	if user.IsPrimaryUser {
		return user, false, nil // already primary or linked: nothing to decide
	}
	users, err := rc.usersWith(ctx, tenantID, info)
	if err != nil {
		return nil, false, err
	}
	var primary, oldest *latchkey.User
	for i := range users {
		u := &users[i]
		if u.IsPrimaryUser {
			if primary != nil {
				return nil, false, errors.New("accountlinking: two primary users share an email or phone number")
			}
			primary = u
		}
		if oldest == nil || u.TimeJoined < oldest.TimeJoined {
			oldest = u
		}
	}
	if primary != nil {
		dec, err := rc.shouldLink(ctx, info, primary, sess, tenantID)
		if err != nil || !dec.ShouldAutomaticallyLink {
			return user, false, err
		}
		if dec.ShouldRequireVerification && (!info.Verified || !verifiedIn(primary, info)) {
			return user, false, nil
		}
		return rc.linkTo(ctx, recipeUserID, primary.ID)
	}
	if oldest != nil && oldest.ID != user.ID {
		if ok, err := rc.shouldBePrimary(ctx, tenantID, oldest, sess); err != nil || !ok {
			if err != nil {
				return nil, false, err
			}
			return rc.makePrimaryIfAllowed(ctx, tenantID, user, recipeUserID, sess)
		}
		p, _, err := rc.CreatePrimaryUser(ctx, oldest.LoginMethods[0].RecipeUserID)
		var le *LinkError
		if errors.As(err, &le) {
			return nil, true, nil
		}
		if err != nil {
			return nil, false, err
		}
		dec, err := rc.shouldLink(ctx, info, p, sess, tenantID)
		if err != nil || !dec.ShouldAutomaticallyLink || (dec.ShouldRequireVerification && !info.Verified) {
			return user, false, err
		}
		return rc.linkTo(ctx, recipeUserID, p.ID)
	}
	return rc.makePrimaryIfAllowed(ctx, tenantID, user, recipeUserID, sess)
}

// linkTo links and words a lost race as a retry.
func (rc *Recipe) linkTo(ctx context.Context, recipeUserID, primaryUserID string) (*latchkey.User, bool, error) {
	u, _, err := rc.LinkAccounts(ctx, recipeUserID, primaryUserID)
	var le *LinkError
	switch {
	case errors.As(err, &le) && le.Status == StatusLinkedElsewhere:
		fresh, err := rc.lk.User(ctx, recipeUserID)
		return fresh, false, err
	case errors.As(err, &le):
		return nil, true, nil
	}
	return u, false, err
}

// shouldBePrimary applies the configuration to a user that would become
// primary.
func (rc *Recipe) shouldBePrimary(ctx context.Context, tenantID string, u *latchkey.User, sess *session.Session) (bool, error) {
	if len(u.LoginMethods) == 0 {
		return false, nil
	}
	info := InfoOf(u, u.LoginMethods[0].RecipeUserID)
	dec, err := rc.shouldLink(ctx, info, nil, sess, tenantID)
	if err != nil || !dec.ShouldAutomaticallyLink {
		return false, err
	}
	return !dec.ShouldRequireVerification || info.Verified, nil
}

func (rc *Recipe) makePrimaryIfAllowed(ctx context.Context, tenantID string, user *latchkey.User, recipeUserID string, sess *session.Session) (*latchkey.User, bool, error) {
	ok, err := rc.shouldBePrimary(ctx, tenantID, user, sess)
	if err != nil || !ok {
		return user, false, err
	}
	p, _, err := rc.CreatePrimaryUser(ctx, recipeUserID)
	var le *LinkError
	if errors.As(err, &le) {
		return nil, true, nil
	}
	return p, false, err
}

// FDI statuses of a refused sign-up or sign-in.
const (
	StatusSignUpNotAllowed   = "SIGN_UP_NOT_ALLOWED"
	StatusSignInNotAllowed   = "SIGN_IN_NOT_ALLOWED"
	StatusSignInUpNotAllowed = "SIGN_IN_UP_NOT_ALLOWED"
)

// NotAllowedError is a sign-up or sign-in that account linking refuses:
// the FDI answers Status with Reason, which the frontend shows. Match it
// with errors.As.
type NotAllowedError struct {
	Status string // one of StatusSignUpNotAllowed, StatusSignInNotAllowed, StatusSignInUpNotAllowed
	Reason string // the reference's text, ending in its ERR_CODE_0xx
}

func (e *NotAllowedError) Error() string { return "accountlinking: " + e.Status + ": " + e.Reason }

// Reasons, word for word as supertokens-node 24 answers them.
const (
	ReasonEmailPasswordSignUp = "Cannot sign up due to security reasons. Please try logging in, use a different login method or contact support. (ERR_CODE_007)"
	ReasonEmailPasswordSignIn = "Cannot sign in due to security reasons. Please try resetting your password, use a different login method or contact support. (ERR_CODE_008)"
	ReasonPasswordlessSignUp  = "Cannot sign in / up due to security reasons. Please try a different login method or contact support. (ERR_CODE_002)"
	ReasonPasswordlessSignIn  = "Cannot sign in / up due to security reasons. Please try a different login method or contact support. (ERR_CODE_003)"
	ReasonThirdPartySignUp    = "Cannot sign in / up due to security reasons. Please try a different login method or contact support. (ERR_CODE_006)"
	ReasonThirdPartySignIn    = "Cannot sign in / up due to security reasons. Please try a different login method or contact support. (ERR_CODE_004)"
)
