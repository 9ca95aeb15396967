package accountlinking

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// Reasons a login method could not join the signed-in user: the keys of
// the reason maps below, and LinkingToSessionUserFailedError.Reason.
const (
	FailEmailVerificationRequired = "EMAIL_VERIFICATION_REQUIRED"
	FailLinkedElsewhere           = StatusLinkedElsewhere
	FailAccountInfoConflict       = StatusAccountInfoConflict
	FailSessionUserConflict       = "SESSION_USER_ACCOUNT_INFO_ALREADY_ASSOCIATED_WITH_ANOTHER_PRIMARY_USER_ID_ERROR"
)

// LinkingToSessionUserFailedError is a sign-in or sign-up, asked to join
// the signed-in user (the FDI's shouldTryLinkingWithSessionUser), that
// could not: Reason is one of the Fail* constants. The FDI answers the
// flow's NOT_ALLOWED status with that reason's text (ReasonsFor).
type LinkingToSessionUserFailedError struct{ Reason string }

func (e *LinkingToSessionUserFailedError) Error() string {
	return "accountlinking: linking to the session user failed: " + e.Reason
}

// The reference's texts per flow for LINKING_TO_SESSION_USER_FAILED.
var (
	ReasonsEmailPasswordSignIn = map[string]string{
		FailEmailVerificationRequired: "Cannot sign in / up due to security reasons. Please contact support. (ERR_CODE_009)",
		FailLinkedElsewhere:           "Cannot sign in / up due to security reasons. Please contact support. (ERR_CODE_010)",
		FailAccountInfoConflict:       "Cannot sign in / up due to security reasons. Please contact support. (ERR_CODE_011)",
		FailSessionUserConflict:       "Cannot sign in / up due to security reasons. Please contact support. (ERR_CODE_012)",
	}
	ReasonsEmailPasswordSignUp = map[string]string{
		FailEmailVerificationRequired: "Cannot sign in / up due to security reasons. Please contact support. (ERR_CODE_013)",
		FailLinkedElsewhere:           "Cannot sign in / up due to security reasons. Please contact support. (ERR_CODE_014)",
		FailAccountInfoConflict:       "Cannot sign in / up due to security reasons. Please contact support. (ERR_CODE_015)",
		FailSessionUserConflict:       "Cannot sign in / up due to security reasons. Please contact support. (ERR_CODE_016)",
	}
	// A passwordless code verifies its email or phone number, so it never
	// needs verification.
	ReasonsPasswordless = map[string]string{
		FailLinkedElsewhere:     "Cannot sign in / up due to security reasons. Please contact support. (ERR_CODE_017)",
		FailAccountInfoConflict: "Cannot sign in / up due to security reasons. Please contact support. (ERR_CODE_018)",
		FailSessionUserConflict: "Cannot sign in / up due to security reasons. Please contact support. (ERR_CODE_019)",
	}
	ReasonsThirdParty = map[string]string{
		FailEmailVerificationRequired: "Cannot sign in / up due to security reasons. Please contact support. (ERR_CODE_020)",
		FailLinkedElsewhere:           "Cannot sign in / up due to security reasons. Please contact support. (ERR_CODE_021)",
		FailAccountInfoConflict:       "Cannot sign in / up due to security reasons. Please contact support. (ERR_CODE_022)",
		FailSessionUserConflict:       "Cannot sign in / up due to security reasons. Please contact support. (ERR_CODE_023)",
	}
)

// AsNotAllowed turns a LinkingToSessionUserFailedError in err into the
// flow's *NotAllowedError (status, with the reasons' text); other errors
// are returned as they are.
func AsNotAllowed(err error, status string, reasons map[string]string) error {
	var lf *LinkingToSessionUserFailedError
	if !errors.As(err, &lf) {
		return err
	}
	reason, ok := reasons[lf.Reason]
	if !ok {
		reason = "Cannot sign in / up due to security reasons. Please contact support."
	}
	return &NotAllowedError{Status: status, Reason: reason}
}

type sessionLinkKey struct{}

// WantsSessionUserLinking records in r's context whether the request asks
// to link its login method to the signed-in user (the FDI body's
// shouldTryLinkingWithSessionUser).
func WantsSessionUserLinking(r *http.Request, want bool) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), sessionLinkKey{}, want))
}

// SessionUserLinkingWanted reports what WantsSessionUserLinking recorded.
func SessionUserLinkingWanted(ctx context.Context) bool {
	v, _ := ctx.Value(sessionLinkKey{}).(bool)
	return v
}

// LinkToSessionUser links the login method recipeUserID (of user, just
// signed up or in) to the session's user, making that user primary first
// when it is not. It returns the session's user afterwards; a refusal is a
// *LinkingToSessionUserFailedError. When the configuration links neither,
// it returns user unchanged.
func (rc *Recipe) LinkToSessionUser(ctx context.Context, tenantID string, sess *session.Session, user *latchkey.User, recipeUserID string) (*latchkey.User, error) {
	if rc == nil || sess == nil || user == nil {
		return user, nil
	}
	for range linkAttempts {
		su, err := rc.lk.User(ctx, sess.UserID())
		if err != nil {
			return nil, err
		}
		if su == nil {
			return nil, &session.UnauthorisedError{Message: "the session's user no longer exists"}
		}
		if su.ID == user.ID {
			return user, nil // the method is the session user's already
		}
		if !su.IsPrimaryUser {
			info := InfoOf(su, su.LoginMethods[0].RecipeUserID)
			dec, err := rc.shouldLink(ctx, info, nil, sess, tenantID)
			if err != nil {
				return nil, err
			}
			if !dec.ShouldAutomaticallyLink {
				return user, nil
			}
			if dec.ShouldRequireVerification && !info.Verified {
				return nil, &LinkingToSessionUserFailedError{Reason: FailEmailVerificationRequired}
			}
			p, _, err := rc.CreatePrimaryUser(ctx, info.RecipeUserID)
			var le *LinkError
			if errors.As(err, &le) && le.Status == StatusAccountInfoConflict {
				return nil, &LinkingToSessionUserFailedError{Reason: FailSessionUserConflict}
			}
			if errors.As(err, &le) {
				continue // it was linked meanwhile: read it again
			}
			if err != nil {
				return nil, err
			}
			su = p
		}
		info := InfoOf(user, recipeUserID)
		dec, err := rc.shouldLink(ctx, info, su, sess, tenantID)
		if err != nil {
			return nil, err
		}
		if !dec.ShouldAutomaticallyLink {
			return user, nil
		}
		if dec.ShouldRequireVerification && !info.Verified {
			return nil, &LinkingToSessionUserFailedError{Reason: FailEmailVerificationRequired}
		}
		u, _, err := rc.LinkAccounts(ctx, recipeUserID, su.ID)
		var le *LinkError
		switch {
		case errors.As(err, &le) && le.Status == StatusLinkedElsewhere && le.PrimaryUserID == su.ID:
			return rc.lk.User(ctx, su.ID)
		case errors.As(err, &le) && le.Status == StatusNotAPrimaryUser:
			continue
		case errors.As(err, &le):
			return nil, &LinkingToSessionUserFailedError{Reason: le.Status}
		}
		return u, err
	}
	return nil, errors.New("accountlinking: linking to the session user kept losing races; try again")
}

// SessionLinkingFlag reads the FDI body's shouldTryLinkingWithSessionUser
// (raw JSON; absent, null or anything but true is false).
func SessionLinkingFlag(raw json.RawMessage) bool { return string(raw) == "true" }

// SignedIn is what the sign-in recipes do once a login method signed
// up or in: with a session and shouldTryLinkingWithSessionUser, join the
// session's user (sess is then returned, and no new session is needed);
// otherwise link by account info. The refusal of the first is turned into
// the flow's *NotAllowedError. It returns the user and its session. rc
// may be nil (no account linking): then it only makes the session.
func (rc *Recipe) SignedIn(w http.ResponseWriter, r *http.Request, sr *session.Recipe, tenantID string, user *latchkey.User, recipeUserID, status string, reasons map[string]string) (*latchkey.User, *session.Session, error) {
	ctx := r.Context()
	if rc != nil && SessionUserLinkingWanted(ctx) {
		none := func(context.Context, *session.Session, []session.Validator) ([]session.Validator, error) {
			return nil, nil
		}
		sess, err := sr.GetSession(w, r, &session.VerifyOptions{SessionOptional: true, OverrideGlobalClaimValidators: none})
		if err != nil {
			return nil, nil, err
		}
		if sess != nil {
			u, err := rc.LinkToSessionUser(ctx, tenantID, sess, user, recipeUserID)
			if err != nil {
				return nil, nil, AsNotAllowed(err, status, reasons)
			}
			if u.ID == sess.UserID() {
				return u, sess, nil
			}
			// Not linked (the configuration said no): a session of its own.
			user = u
		}
	}
	u, err := rc.LinkOrCreatePrimary(ctx, tenantID, user, recipeUserID, nil)
	if err != nil {
		return nil, nil, err
	}
	userID := recipeUserID
	if u != nil {
		userID = u.ID
	}
	s, err := sr.CreateNewSessionForLoginMethod(w, r, tenantID, userID, recipeUserID, nil, nil)
	if err != nil {
		return nil, nil, err
	}
	return u, s, nil
}
