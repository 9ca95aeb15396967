package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/emailpassword"
	"github.com/latchkey-dev/latchkey/recipe/emailverification"
	"github.com/latchkey-dev/latchkey/recipe/passwordless"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// verificationEmail returns the email that email verification checks for
// a recipe user; a *latchkey.BadInputError when it has none.
func (rc *Recipe) verificationEmail(ctx context.Context, recipeUserID string) (string, error) {
	email, ok, err := rc.ev.EmailForUserID(ctx, recipeUserID)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", badInput("Failed to get email for recipe user id")
	}
	return email, nil
}

// isEmailVerified serves GET /dashboard/api/user/email/verify.
// CDI: GET /recipe/user/email/verify.
func (rc *Recipe) isEmailVerified(w http.ResponseWriter, r *http.Request) error {
	id, err := query(r, "recipeUserId")
	if err != nil {
		return err
	}
	if rc.ev == nil {
		featureNotEnabled(w)
		return nil
	}
	email, err := rc.verificationEmail(r.Context(), id)
	if err != nil {
		return err
	}
	svc, err := rc.ev.Service()
	if err != nil {
		return err
	}
	ok, err := svc.IsEmailVerified(r.Context(), id, email)
	if err != nil {
		return err
	}
	writeStatus(w, "OK", map[string]any{"isVerified": ok})
	return nil
}

// setEmailVerified serves PUT /dashboard/api/user/email/verify: verify
// with a token made and spent at once in the request's tenant, or
// unverify. Without the email-verification recipe it answers
// FEATURE_NOT_ENABLED_ERROR, which the UI shows, rather than node's error.
func (rc *Recipe) setEmailVerified(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	id, err := b.nonEmpty("recipeUserId")
	if err != nil {
		return err
	}
	verified, err := b.bool("verified")
	if err != nil {
		return err
	}
	if rc.ev == nil {
		featureNotEnabled(w)
		return nil
	}
	email, err := rc.verificationEmail(r.Context(), id)
	if err != nil {
		return err
	}
	svc, err := rc.ev.Service()
	if err != nil {
		return err
	}
	if !verified {
		if err := svc.UnverifyEmail(r.Context(), id, email); err != nil {
			return err
		}
		writeStatus(w, "OK", nil)
		return nil
	}
	tenant := latchkey.TenantID(r.Context())
	token, err := svc.CreateEmailVerificationToken(r.Context(), tenant, id, email)
	if errors.Is(err, emailverification.ErrEmailAlreadyVerified) {
		writeStatus(w, "OK", nil)
		return nil
	}
	if err != nil {
		return err
	}
	if _, _, err := svc.VerifyEmailUsingToken(r.Context(), tenant, token); err != nil {
		return err
	}
	writeStatus(w, "OK", nil)
	return nil
}

// sendVerificationEmail serves POST /dashboard/api/user/email/verify/token:
// it emails a verification link, built for the request's tenant.
func (rc *Recipe) sendVerificationEmail(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	id, err := b.nonEmpty("recipeUserId")
	if err != nil {
		return err
	}
	if rc.ev == nil {
		featureNotEnabled(w)
		return nil
	}
	email, err := rc.verificationEmail(r.Context(), id)
	if err != nil {
		return err
	}
	err = rc.ev.SendEmailVerificationEmail(r.Context(), latchkey.TenantID(r.Context()), id, email)
	if errors.Is(err, emailverification.ErrEmailAlreadyVerified) {
		writeStatus(w, "EMAIL_ALREADY_VERIFIED_ERROR", nil)
		return nil
	}
	if err != nil {
		return err
	}
	writeStatus(w, "OK", nil)
	return nil
}

// changePassword serves PUT /dashboard/api/user/password: the new password
// must pass the sign-up password validator for the request's tenant.
// Latchkey extension: the optional boolean signOutEverywhere (default
// true) then revokes the user's sessions in every tenant, so that whoever
// knew the old password is signed out; false keeps them.
// CDI: PUT /recipe/user, then POST /recipe/session/remove.
func (rc *Recipe) changePassword(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	id, err := b.nonEmpty("recipeUserId")
	if err != nil {
		return err
	}
	pw, err := b.string("newPassword")
	if err != nil {
		return err
	}
	signOut := true
	if b.has("signOutEverywhere") {
		if signOut, err = b.bool("signOutEverywhere"); err != nil {
			return err
		}
	}
	if rc.ep == nil {
		featureNotEnabled(w)
		return nil
	}
	if err := rc.ep.ValidateSignUpField(r.Context(), latchkey.TenantID(r.Context()), "password", pw); err != nil {
		writeStatus(w, "INVALID_PASSWORD_ERROR", map[string]any{"error": err.Error()})
		return nil
	}
	_, err = rc.ep.UpdateEmailOrPassword(r.Context(), id, "", pw, false)
	if errors.Is(err, emailpassword.ErrUnknownUserID) {
		return badInput("Unknown User ID provided")
	}
	if err != nil {
		return err
	}
	if signOut {
		if _, err := rc.sess.RevokeAllSessionsForUser(r.Context(), id, ""); err != nil {
			return err
		}
	}
	writeStatus(w, "OK", nil)
	return nil
}

// metadata serves GET /dashboard/api/user/metadata.
func (rc *Recipe) metadata(w http.ResponseWriter, r *http.Request) error {
	id, err := query(r, "userId")
	if err != nil {
		return err
	}
	if rc.md == nil {
		featureNotEnabled(w)
		return nil
	}
	md, err := rc.md.UserMetadata(r.Context(), id)
	if err != nil {
		return err
	}
	writeStatus(w, "OK", map[string]any{"data": md})
	return nil
}

// setMetadata serves PUT /dashboard/api/user/metadata: data is a string
// holding a JSON object, which replaces the user's metadata.
func (rc *Recipe) setMetadata(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	id, err := b.nonEmpty("userId")
	if err != nil {
		return err
	}
	raw, err := b.string("data")
	if err != nil {
		return badInput("'data' must be a valid JSON body")
	}
	var data map[string]any
	if json.Unmarshal([]byte(raw), &data) != nil || data == nil {
		return badInput("'data' must be a valid JSON body")
	}
	if rc.md == nil {
		featureNotEnabled(w)
		return nil
	}
	// Metadata may be kept for any id, so without this check a save for a
	// user deleted meanwhile (in another tab) would succeed and leave
	// metadata that no user owns. (A deletion between the check and the
	// write can still do so; the core keeps no link to check against.)
	if u, err := rc.lk.User(r.Context(), id); err != nil {
		return err
	} else if u == nil {
		return badInput("Unknown User ID provided")
	}
	// Clear, then set: the editor's object replaces the old one.
	if err := rc.md.ClearUserMetadata(r.Context(), id); err != nil {
		return err
	}
	if _, err := rc.md.UpdateUserMetadata(r.Context(), id, data); err != nil {
		return err
	}
	writeStatus(w, "OK", nil)
	return nil
}

// sessionJSON is a session as the UI lists it (reference/dashboard.md §6.4).
type sessionJSON struct {
	SessionHandle         string         `json:"sessionHandle"`
	UserID                string         `json:"userId"`
	RecipeUserID          string         `json:"recipeUserId"`
	TenantID              string         `json:"tenantId"`
	TimeCreated           int64          `json:"timeCreated"`
	Expiry                int64          `json:"expiry"`
	SessionDataInDatabase map[string]any `json:"sessionDataInDatabase"`
	AccessTokenPayload    map[string]any `json:"accessTokenPayload"`
	// Latchkey fields: where the session was created from, its user agent
	// read as browser and OS, and its last recorded refresh (ms; 0 never).
	ClientIP      string `json:"clientIp,omitempty"`
	Browser       string `json:"browser,omitempty"`
	OS            string `json:"os,omitempty"`
	LastRefreshed int64  `json:"lastRefreshed,omitempty"`
}

// sessions serves GET /dashboard/api/user/sessions: the user's sessions in
// every tenant, each looked up a few at a time.
// CDI: GET /recipe/session/user, GET /recipe/session.
func (rc *Recipe) sessions(w http.ResponseWriter, r *http.Request) error {
	id, err := query(r, "userId")
	if err != nil {
		return err
	}
	handles, err := rc.sess.SessionHandlesForUser(r.Context(), id, "")
	if err != nil {
		return err
	}
	infos := make([]*session.Information, len(handles))
	errs := make([]error, len(handles))
	var wg sync.WaitGroup
	sem := make(chan struct{}, sessionsConcurrency)
	for i, h := range handles {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			infos[i], errs[i] = rc.sess.SessionInformation(r.Context(), h)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	origins, err := rc.sessionOrigins(r.Context(), id)
	if err != nil {
		return err
	}
	out := make([]sessionJSON, 0, len(infos))
	for _, s := range infos {
		if s == nil {
			continue // ended between the two calls
		}
		sj := sessionJSON{
			SessionHandle: s.SessionHandle, UserID: s.UserID, RecipeUserID: s.RecipeUserID, TenantID: s.TenantID,
			TimeCreated: s.TimeCreated.UnixMilli(), Expiry: s.Expiry.UnixMilli(),
			SessionDataInDatabase: orEmpty(s.SessionDataInDatabase), AccessTokenPayload: orEmpty(s.AccessTokenPayload),
		}
		if o, ok := origins[s.SessionHandle]; ok {
			sj.ClientIP, sj.LastRefreshed = o.ClientIP, o.LastRefreshed
			sj.Browser, sj.OS = browserAndOS(o.UserAgent)
		}
		out = append(out, sj)
	}
	writeStatus(w, "OK", map[string]any{"sessions": out})
	return nil
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// revokeSessions serves POST /dashboard/api/user/sessions.
// CDI: POST /recipe/session/remove.
func (rc *Recipe) revokeSessions(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	handles, err := b.strings("sessionHandles")
	if err != nil {
		return err
	}
	if len(handles) > 0 {
		if _, err := rc.sess.Service().RevokeMultipleSessions(r.Context(), handles); err != nil {
			return err
		}
	}
	writeStatus(w, "OK", nil)
	return nil
}

// createEmailPasswordUser serves POST /dashboard/api/user/emailpassword:
// a sign-up in the request's tenant, checked by the sign-up validators.
// Function overrides of the email-password recipe run; its API overrides
// do not.
func (rc *Recipe) createEmailPasswordUser(w http.ResponseWriter, r *http.Request) error {
	if rc.ep == nil {
		featureNotEnabled(w)
		return nil
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	email, err := b.string("email")
	if err != nil {
		return err
	}
	pw, err := b.string("password")
	if err != nil {
		return err
	}
	email = strings.TrimSpace(email)
	tenant := latchkey.TenantID(r.Context())
	if err := rc.ep.ValidateSignUpField(r.Context(), tenant, "email", email); err != nil {
		writeStatus(w, "EMAIL_VALIDATION_ERROR", map[string]any{"message": err.Error()})
		return nil
	}
	if err := rc.ep.ValidateSignUpField(r.Context(), tenant, "password", pw); err != nil {
		writeStatus(w, "PASSWORD_VALIDATION_ERROR", map[string]any{"message": err.Error()})
		return nil
	}
	res, err := rc.ep.SignUp(r.Context(), tenant, email, pw)
	if errors.Is(err, emailpassword.ErrEmailAlreadyExists) {
		writeStatus(w, "EMAIL_ALREADY_EXISTS_ERROR", nil)
		return nil
	}
	if err != nil {
		return err
	}
	writeStatus(w, "OK", map[string]any{"user": res.User, "recipeUserId": res.RecipeUserID})
	return nil
}

// createPasswordlessUser serves POST /dashboard/api/user/passwordless: with
// exactly one of email and phoneNumber (validated by the passwordless
// recipe's validators for the tenant), it finds or creates the user
// without sending a code; FEATURE_NOT_ENABLED_ERROR without that recipe.
func (rc *Recipe) createPasswordlessUser(w http.ResponseWriter, r *http.Request) error {
	if rc.pwless == nil {
		featureNotEnabled(w)
		return nil
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	var email, phone string
	if b.has("email") {
		if email, err = b.nonEmpty("email"); err != nil {
			return err
		}
	}
	if b.has("phoneNumber") {
		if phone, err = b.nonEmpty("phoneNumber"); err != nil {
			return err
		}
	}
	if (email == "") == (phone == "") {
		return badInput("Please provide exactly one of email or phoneNumber")
	}
	tenant := latchkey.TenantID(r.Context())
	if email != "" {
		if err := rc.pwless.ValidateEmail(r.Context(), tenant, email); err != nil {
			writeError(w, "EMAIL_VALIDATION_ERROR", "message", err.Error())
			return nil
		}
	} else if err := rc.pwless.ValidatePhoneNumber(r.Context(), tenant, phone); err != nil {
		writeError(w, "PHONE_VALIDATION_ERROR", "message", err.Error())
		return nil
	}
	res, err := rc.pwless.SignInUp(r.Context(), tenant, passwordless.Contact{Email: email, PhoneNumber: phone})
	if err != nil {
		return err
	}
	writeStatus(w, "OK", map[string]any{"createdNewRecipeUser": res.CreatedNewUser, "user": res.User, "recipeUserId": res.RecipeUserID})
	return nil
}

// signInLock serves GET /dashboard/api/user/signin-lock?email= (a Latchkey
// extension): whether the email-password account with that email in the
// request's tenant is locked after failed sign-ins.
// Latchkey core: GET /recipe/throttle/signin.
func (rc *Recipe) signInLock(w http.ResponseWriter, r *http.Request) error {
	email, err := query(r, "email")
	if err != nil {
		return err
	}
	l, err := rc.lk.SignInLock(r.Context(), latchkey.TenantID(r.Context()), email)
	if err != nil {
		return err
	}
	until := int64(0)
	if l.Locked {
		until = l.LockedUntil.UnixMilli()
	}
	writeStatus(w, "OK", map[string]any{"locked": l.Locked, "lockedUntil": until, "failures": l.Failures})
	return nil
}

// unlockSignIn serves POST /dashboard/api/user/signin-lock/remove {email}
// (a Latchkey extension): the account may sign in again at once.
// Latchkey core: POST /recipe/throttle/signin/remove.
func (rc *Recipe) unlockSignIn(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	email, err := b.nonEmpty("email")
	if err != nil {
		return err
	}
	if err := rc.lk.UnlockSignIn(r.Context(), latchkey.TenantID(r.Context()), email); err != nil {
		return err
	}
	writeStatus(w, "OK", nil)
	return nil
}

// sendPasswordResetEmail serves POST /dashboard/api/user/password/reset
// (a Latchkey extension): {recipeUserId} emails the user's email-password
// login a reset link for the request's tenant, as the reset-password form
// would. Statuses: OK, FEATURE_NOT_ENABLED_ERROR without the
// email-password recipe; a login method that is not email-password is a
// 400.
// CDI: POST /{tenantId}/recipe/user/password/reset/token.
func (rc *Recipe) sendPasswordResetEmail(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	id, err := b.nonEmpty("recipeUserId")
	if err != nil {
		return err
	}
	if rc.ep == nil {
		featureNotEnabled(w)
		return nil
	}
	_, m, err := rc.loginMethod(r.Context(), id)
	if err != nil {
		return err
	}
	if m.RecipeID != emailpassword.RecipeID || m.Email == "" {
		return badInput("A password-reset email needs an email-password login method")
	}
	err = rc.ep.SendResetPasswordEmail(r.Context(), latchkey.TenantID(r.Context()), id, m.Email)
	if errors.Is(err, emailpassword.ErrUnknownUserID) {
		return badInput("Unknown User ID provided")
	}
	if err != nil {
		return err
	}
	writeStatus(w, "OK", nil)
	return nil
}
