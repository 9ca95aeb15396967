package emailpassword

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/emaildelivery"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// RecipeID is the recipe's id.
const RecipeID = "emailpassword"

// Config configures the recipe. The zero value works, but sends no email:
// set EmailDelivery.
type Config struct {
	// SignUpFields are the sign-up form's fields. email and password are
	// always there; list them to replace their validators.
	SignUpFields []Field
	// EmailDelivery sends password-reset emails. Default: none (a
	// warning is logged for each email).
	EmailDelivery emaildelivery.Sender
	// KeepSessionsOnPasswordReset leaves the user's sessions alive when a
	// password is reset with a token. Default: false: a reset revokes every
	// session of the user in every tenant except the one the reset request
	// itself carries, so a thief who knew the old password is signed out.
	KeepSessionsOnPasswordReset bool
	// Override wraps or replaces the recipe's functions.
	Override func(Service) Service
	// APIOverride wraps or replaces the recipe's HTTP APIs.
	APIOverride func(APIs) APIs
}

// Recipe is the email-password recipe. Build it with [New] and pass it in
// latchkey.Config.Recipes, together with the session recipe.
type Recipe struct {
	cfg    Config
	lk     *latchkey.Latchkey
	sess   *session.Recipe
	svc    Service
	apis   APIs
	fields []Field
	mail   emaildelivery.Sender
}

var (
	_ latchkey.Recipe        = (*Recipe)(nil)
	_ latchkey.RouteProvider = (*Recipe)(nil)
)

// New returns the recipe for cfg. Problems in cfg are reported by
// latchkey.New.
func New(cfg Config) *Recipe { return &Recipe{cfg: cfg} }

// ID implements latchkey.Recipe.
func (rc *Recipe) ID() string { return RecipeID }

// Init implements latchkey.Recipe.
func (rc *Recipe) Init(lk *latchkey.Latchkey) error {
	var errs []error
	rc.lk = lk
	sess, ok := latchkey.FindRecipe[*session.Recipe](lk)
	if !ok {
		errs = append(errs, errors.New("emailpassword: add session.New(...) to latchkey.Config.Recipes: sign-in creates sessions"))
	}
	rc.sess = sess
	seen := map[string]bool{}
	for i, f := range rc.cfg.SignUpFields {
		if strings.TrimSpace(f.ID) == "" {
			errs = append(errs, errors.New("emailpassword: SignUpFields["+strconv.Itoa(i)+"] has no ID"))
		}
		if seen[f.ID] {
			errs = append(errs, errors.New("emailpassword: SignUpFields has "+f.ID+" twice"))
		}
		seen[f.ID] = true
	}
	rc.fields = signUpFields(rc.cfg.SignUpFields)
	rc.mail = rc.cfg.EmailDelivery
	if rc.mail == nil {
		rc.mail = emaildelivery.Nop(lk.Logger())
	}
	svc, errSvc := latchkey.Override[Service]("emailpassword: Config.Override", coreService{lk: lk}, rc.cfg.Override)
	apis, errAPIs := latchkey.Override[APIs]("emailpassword: Config.APIOverride", defaultAPIs{rc: rc}, rc.cfg.APIOverride)
	rc.svc, rc.apis = svc, apis
	return errors.Join(append(errs, errSvc, errAPIs)...)
}

var errNotInitialised = errors.New("emailpassword: the recipe is not initialised: pass it in latchkey.Config.Recipes and call latchkey.New first")

// Service returns the recipe's functions, with Config.Override applied.
func (rc *Recipe) Service() (Service, error) {
	if rc.svc == nil {
		return nil, errNotInitialised
	}
	return rc.svc, nil
}

// SignUp creates a user without a request (no session is created).
func (rc *Recipe) SignUp(ctx context.Context, tenantID, email, password string) (*SignInUp, error) {
	svc, err := rc.Service()
	if err != nil {
		return nil, err
	}
	return svc.SignUp(ctx, latchkey.TenantOrDefault(tenantID), strings.TrimSpace(email), password)
}

// SignIn checks a password without a request (no session is created).
func (rc *Recipe) SignIn(ctx context.Context, tenantID, email, password string) (*SignInUp, error) {
	svc, err := rc.Service()
	if err != nil {
		return nil, err
	}
	return svc.SignIn(ctx, latchkey.TenantOrDefault(tenantID), strings.TrimSpace(email), password)
}

// CreateResetPasswordLink returns a password-reset link for the user's
// email: {origin}{websiteBasePath}/reset-password?token=…&tenantId=….
func (rc *Recipe) CreateResetPasswordLink(ctx context.Context, tenantID, userID, email string) (string, error) {
	svc, err := rc.Service()
	if err != nil {
		return "", err
	}
	tenantID = latchkey.TenantOrDefault(tenantID)
	token, err := svc.CreateResetPasswordToken(ctx, tenantID, userID, email)
	if err != nil {
		return "", err
	}
	origin, err := rc.lk.App().Origin(latchkey.RequestFromContext(ctx))
	if err != nil {
		return "", err
	}
	// The token is URL-safe; like the reference, it is not escaped.
	return origin + rc.lk.App().WebsiteBasePath + "/reset-password?token=" + token + "&tenantId=" + url.QueryEscape(tenantID), nil
}

// SendResetPasswordEmail creates a reset link and emails it.
func (rc *Recipe) SendResetPasswordEmail(ctx context.Context, tenantID, userID, email string) error {
	link, err := rc.CreateResetPasswordLink(ctx, tenantID, userID, email)
	if err != nil {
		return err
	}
	return rc.mail.Send(ctx, emaildelivery.Email{Kind: emaildelivery.KindPasswordReset, To: email, UserID: userID, TenantID: latchkey.TenantOrDefault(tenantID), AppName: rc.lk.App().Name, Link: link})
}

// ResetPasswordUsingToken sets a new password with a reset token, after
// checking it against the password policy. It returns field errors when
// the password fails the policy, and ErrInvalidResetToken for a bad token.
// Unless Config.KeepSessionsOnPasswordReset is set, it then revokes the
// user's sessions, all but the one of the request being served (if any).
func (rc *Recipe) ResetPasswordUsingToken(ctx context.Context, tenantID, token, newPassword string) ([]FieldError, error) {
	svc, err := rc.Service()
	if err != nil {
		return nil, err
	}
	tenantID = latchkey.TenantOrDefault(tenantID)
	pw := fieldByID(rc.fields, "password")
	if err := pw.Validate(ctx, newPassword, tenantID); err != nil {
		return []FieldError{{ID: "password", Error: err.Error()}}, nil
	}
	userID, _, err := svc.ConsumeResetPasswordToken(ctx, tenantID, token)
	if err != nil {
		return nil, err
	}
	if err := svc.UpdateEmailOrPassword(ctx, userID, "", newPassword); err != nil {
		return nil, err
	}
	if rc.cfg.KeepSessionsOnPasswordReset {
		return nil, nil
	}
	return nil, rc.revokeOtherSessions(ctx, userID)
}

// revokeOtherSessions ends the sessions of userID in every tenant (with
// those of its linked accounts), except the session that the request in
// ctx carries, when that session is the same user's.
func (rc *Recipe) revokeOtherSessions(ctx context.Context, userID string) error {
	keep := ""
	if r := latchkey.RequestFromContext(ctx); r != nil {
		noCSRF := false
		s, err := rc.sess.GetSession(nil, r.WithContext(ctx), &session.VerifyOptions{
			SessionOptional: true,
			AntiCSRFCheck:   &noCSRF, // only read to be kept, never trusted to act
			OverrideGlobalClaimValidators: func(context.Context, *session.Session, []session.Validator) ([]session.Validator, error) {
				return nil, nil
			},
		})
		if err == nil && s != nil && (s.UserID() == userID || s.RecipeUserID() == userID) {
			keep = s.Handle()
		}
	}
	if keep == "" {
		if _, err := rc.sess.RevokeAllSessionsForUser(ctx, userID, ""); err != nil {
			return fmt.Errorf("emailpassword: the password was reset but the user's sessions were not revoked: %w", err)
		}
		return nil
	}
	handles, err := rc.sess.SessionHandlesForUser(ctx, userID, "")
	if err != nil {
		return fmt.Errorf("emailpassword: the password was reset but the user's sessions were not listed: %w", err)
	}
	others := slices.DeleteFunc(handles, func(h string) bool { return h == keep })
	if len(others) == 0 {
		return nil
	}
	if _, err := rc.sess.Service().RevokeMultipleSessions(ctx, others); err != nil {
		return fmt.Errorf("emailpassword: the password was reset but the user's other sessions were not revoked: %w", err)
	}
	return nil
}

// UpdateEmailOrPassword changes a user's email and/or password ("" leaves
// one unchanged). With applyPolicy the password must pass the sign-up
// password validator of each tenant the user's email-password login method
// belongs to (it is read from the core first); field errors are returned
// when it does not. ErrUnknownUserID when recipeUserID has no
// email-password login method.
func (rc *Recipe) UpdateEmailOrPassword(ctx context.Context, recipeUserID, email, password string, applyPolicy bool) ([]FieldError, error) {
	svc, err := rc.Service()
	if err != nil {
		return nil, err
	}
	if password != "" && applyPolicy {
		tenants, err := rc.loginMethodTenants(ctx, recipeUserID)
		if err != nil {
			return nil, err
		}
		pw := fieldByID(rc.fields, "password")
		for _, t := range tenants {
			if err := pw.Validate(ctx, password, t); err != nil {
				return []FieldError{{ID: "password", Error: err.Error()}}, nil
			}
		}
	}
	return nil, svc.UpdateEmailOrPassword(ctx, recipeUserID, strings.TrimSpace(email), password)
}

// loginMethodTenants returns the tenants of the email-password login
// method recipeUserID, whose password policies a new password must pass.
func (rc *Recipe) loginMethodTenants(ctx context.Context, recipeUserID string) ([]string, error) {
	u, err := rc.lk.User(ctx, recipeUserID)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, ErrUnknownUserID
	}
	m, ok := u.LoginMethod(recipeUserID)
	if !ok || m.RecipeID != RecipeID {
		return nil, ErrUnknownUserID
	}
	if len(m.TenantIDs) == 0 {
		// In no tenant any more: the default tenant's policy still holds.
		return []string{latchkey.DefaultTenantID}, nil
	}
	return m.TenantIDs, nil
}

// emailPasswordUser returns the user of tenantID with an email-password
// login method for email, and that method's recipe user id.
func (rc *Recipe) emailPasswordUser(ctx context.Context, tenantID, email string) (*latchkey.User, string, error) {
	users, err := rc.lk.UsersByEmail(ctx, tenantID, email)
	if err != nil {
		return nil, "", err
	}
	want := strings.ToLower(strings.TrimSpace(email))
	for i := range users {
		for _, m := range users[i].LoginMethods {
			if m.RecipeID == RecipeID && strings.EqualFold(m.Email, want) {
				return &users[i], m.RecipeUserID, nil
			}
		}
	}
	return nil, "", nil
}
