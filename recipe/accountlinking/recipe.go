package accountlinking

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/session"
)

// RecipeID is the recipe's id.
const RecipeID = "accountlinking"

// AccountInfo is a login method that is being signed up, signed in, or
// linked: what ShouldDoAutomaticAccountLinking decides on.
type AccountInfo struct {
	// RecipeID is the login method's recipe: emailpassword, passwordless
	// or thirdparty.
	RecipeID    string
	Email       string
	PhoneNumber string
	ThirdParty  *latchkey.ThirdParty
	// RecipeUserID is the login method's id; "" for a sign-up that has not
	// created it yet.
	RecipeUserID string
	// Verified reports whether its email or phone number is verified.
	Verified bool
}

// ShouldLink is what ShouldDoAutomaticAccountLinking answers.
type ShouldLink struct {
	// ShouldAutomaticallyLink links the login method without being asked.
	ShouldAutomaticallyLink bool
	// ShouldRequireVerification links it only once its email or phone
	// number is verified, and refuses the sign-ups and sign-ins that could
	// otherwise lead to an account takeover.
	ShouldRequireVerification bool
}

// Config configures the recipe.
type Config struct {
	// ShouldDoAutomaticAccountLinking decides whether newAccount is linked
	// automatically. user is the primary user it would join, or nil when it
	// would become (or make another user) primary; sess is the request's
	// session, nil when there is none. Default: never link.
	ShouldDoAutomaticAccountLinking func(ctx context.Context, newAccount AccountInfo, user *latchkey.User, sess *session.Session, tenantID string) (ShouldLink, error)
}

// Recipe is the account-linking recipe. Build it with [New] and pass it in
// latchkey.Config.Recipes.
type Recipe struct {
	cfg Config
	lk  *latchkey.Latchkey
}

var _ latchkey.Recipe = (*Recipe)(nil)

// New returns the recipe for cfg.
func New(cfg Config) *Recipe { return &Recipe{cfg: cfg} }

// ID implements latchkey.Recipe.
func (rc *Recipe) ID() string { return RecipeID }

// Init implements latchkey.Recipe.
func (rc *Recipe) Init(lk *latchkey.Latchkey) error {
	rc.lk = lk
	return nil
}

// Find returns the account-linking recipe of lk, or nil when the app did
// not add one (then nothing is linked automatically). The sign-in recipes
// call it.
func Find(lk *latchkey.Latchkey) *Recipe {
	rc, _ := latchkey.FindRecipe[*Recipe](lk)
	return rc
}

var errNotInitialised = errors.New("accountlinking: the recipe is not initialised: pass it in latchkey.Config.Recipes")

func (rc *Recipe) shouldLink(ctx context.Context, info AccountInfo, user *latchkey.User, sess *session.Session, tenantID string) (ShouldLink, error) {
	if rc.cfg.ShouldDoAutomaticAccountLinking == nil {
		return ShouldLink{}, nil
	}
	return rc.cfg.ShouldDoAutomaticAccountLinking(ctx, info, user, sess, tenantID)
}

// Statuses of a refused linking write (the CDI's).
const (
	StatusAccountInfoConflict = "ACCOUNT_INFO_ALREADY_ASSOCIATED_WITH_ANOTHER_PRIMARY_USER_ID_ERROR"
	StatusAlreadyPrimary      = "RECIPE_USER_ID_ALREADY_LINKED_WITH_PRIMARY_USER_ID_ERROR"
	StatusLinkedElsewhere     = "RECIPE_USER_ID_ALREADY_LINKED_WITH_ANOTHER_PRIMARY_USER_ID_ERROR"
	StatusNotAPrimaryUser     = "INPUT_USER_IS_NOT_A_PRIMARY_USER"
)

// LinkError is a linking write the core refused; nothing changed. Match
// it with errors.As.
type LinkError struct {
	// Status is one of the Status* constants.
	Status string
	// PrimaryUserID is the primary user in the way ("" for
	// StatusNotAPrimaryUser).
	PrimaryUserID string
	// Description is the core's explanation.
	Description string
}

func (e *LinkError) Error() string {
	return fmt.Sprintf("accountlinking: %s (primary user %q)", e.Status, e.PrimaryUserID)
}

// linkAnswer is every account-linking answer of the core.
type linkAnswer struct {
	Status                 string         `json:"status"`
	User                   *latchkey.User `json:"user"`
	WasAlreadyAPrimaryUser bool           `json:"wasAlreadyAPrimaryUser"`
	AccountsAlreadyLinked  bool           `json:"accountsAlreadyLinked"`
	PrimaryUserID          string         `json:"primaryUserId"`
	Description            string         `json:"description"`
	WasRecipeUserDeleted   bool           `json:"wasRecipeUserDeleted"`
	WasLinked              bool           `json:"wasLinked"`
}

func (rc *Recipe) call(ctx context.Context, method, path string, q url.Values, body any) (*linkAnswer, error) {
	if rc.lk == nil {
		return nil, errNotInitialised
	}
	var a linkAnswer
	if err := rc.lk.Core().Do(ctx, latchkey.CoreRequest{Method: method, Path: path, Query: q, Body: body, RecipeID: RecipeID}, &a); err != nil {
		return nil, err
	}
	if a.Status != "OK" {
		return nil, &LinkError{Status: a.Status, PrimaryUserID: a.PrimaryUserID, Description: a.Description}
	}
	return &a, nil
}

// CanCreatePrimaryUser reports whether the recipe user could become a
// primary user, and whether it already is one. A refusal is a *LinkError.
// CDI: GET /recipe/accountlinking/user/primary/check.
func (rc *Recipe) CanCreatePrimaryUser(ctx context.Context, recipeUserID string) (wasAlreadyPrimary bool, err error) {
	a, err := rc.call(ctx, "GET", "/recipe/accountlinking/user/primary/check", url.Values{"recipeUserId": {recipeUserID}}, nil)
	if err != nil {
		return false, err
	}
	return a.WasAlreadyAPrimaryUser, nil
}

// CreatePrimaryUser makes the recipe user a primary user and returns it. A
// refusal is a *LinkError. CDI: POST /recipe/accountlinking/user/primary.
func (rc *Recipe) CreatePrimaryUser(ctx context.Context, recipeUserID string) (user *latchkey.User, wasAlreadyPrimary bool, err error) {
	a, err := rc.call(ctx, "POST", "/recipe/accountlinking/user/primary", nil, map[string]string{"recipeUserId": recipeUserID})
	if err != nil {
		return nil, false, err
	}
	return a.User, a.WasAlreadyAPrimaryUser, nil
}

// CanLinkAccounts reports whether the recipe user could join the primary
// user, and whether it already has. A refusal is a *LinkError. CDI: GET
// /recipe/accountlinking/user/link/check.
func (rc *Recipe) CanLinkAccounts(ctx context.Context, recipeUserID, primaryUserID string) (alreadyLinked bool, err error) {
	a, err := rc.call(ctx, "GET", "/recipe/accountlinking/user/link/check",
		url.Values{"recipeUserId": {recipeUserID}, "primaryUserId": {primaryUserID}}, nil)
	if err != nil {
		return false, err
	}
	return a.AccountsAlreadyLinked, nil
}

// LinkAccounts links the recipe user to the primary user and returns the
// primary user. When the primary user has the recipe user's email
// verified, the recipe user's email is marked verified too; the recipe
// user's sessions are revoked, since their user id changed. A refusal is a
// *LinkError. CDI: POST /recipe/accountlinking/user/link.
func (rc *Recipe) LinkAccounts(ctx context.Context, recipeUserID, primaryUserID string) (user *latchkey.User, alreadyLinked bool, err error) {
	a, err := rc.call(ctx, "POST", "/recipe/accountlinking/user/link", nil,
		map[string]string{"recipeUserId": recipeUserID, "primaryUserId": primaryUserID})
	if err != nil {
		return nil, false, err
	}
	if a.AccountsAlreadyLinked {
		return a.User, true, nil
	}
	if err := rc.revokeSessions(ctx, recipeUserID); err != nil {
		return nil, false, err
	}
	u, err := rc.verifyIfLinkedVerified(ctx, a.User, recipeUserID)
	if err != nil {
		return nil, false, err
	}
	return u, false, nil
}

// UnlinkAccount takes the recipe user out of its primary user. The primary
// user's own login method, while others remain, is deleted instead (the
// person keeps the others). An unlinked login method's sessions are
// revoked. CDI: POST /recipe/accountlinking/user/unlink.
func (rc *Recipe) UnlinkAccount(ctx context.Context, recipeUserID string) (wasLinked, wasRecipeUserDeleted bool, err error) {
	a, err := rc.call(ctx, "POST", "/recipe/accountlinking/user/unlink", nil, map[string]string{"recipeUserId": recipeUserID})
	if err != nil {
		return false, false, err
	}
	if a.WasLinked && !a.WasRecipeUserDeleted {
		if err := rc.revokeSessions(ctx, recipeUserID); err != nil {
			return false, false, err
		}
	}
	return a.WasLinked, a.WasRecipeUserDeleted, nil
}

// revokeSessions revokes the sessions made for one login method.
func (rc *Recipe) revokeSessions(ctx context.Context, recipeUserID string) error {
	return rc.lk.Core().Do(ctx, latchkey.CoreRequest{Method: "POST", Path: "/recipe/session/remove",
		Body: map[string]any{"userId": recipeUserID, "revokeAcrossAllTenants": true, "revokeSessionsForLinkedAccounts": false}}, nil)
}

// verifyIfLinkedVerified marks the new login method's email verified when
// another login method of the person has it verified: the person already
// proved it owns the address. It returns the user as it is afterwards.
func (rc *Recipe) verifyIfLinkedVerified(ctx context.Context, u *latchkey.User, recipeUserID string) (*latchkey.User, error) {
	if u == nil {
		return u, nil
	}
	m, ok := u.LoginMethod(recipeUserID)
	if !ok || m.Email == "" || m.Verified {
		return u, nil
	}
	verified := false
	for _, o := range u.LoginMethods {
		if o.Email == m.Email && o.Verified {
			verified = true
		}
	}
	if !verified {
		return u, nil
	}
	tenant := latchkey.TenantOrDefault("")
	if len(m.TenantIDs) > 0 {
		tenant = m.TenantIDs[0]
	}
	var tok struct {
		Status string `json:"status"`
		Token  string `json:"token"`
	}
	if err := rc.lk.Core().Do(ctx, latchkey.CoreRequest{Method: "POST", Path: "/recipe/user/email/verify/token", TenantID: tenant,
		Body: map[string]string{"userId": recipeUserID, "email": m.Email}, RecipeID: "emailverification"}, &tok); err != nil {
		return nil, err
	}
	if tok.Status == "OK" {
		if err := rc.lk.Core().Do(ctx, latchkey.CoreRequest{Method: "POST", Path: "/recipe/user/email/verify", TenantID: tenant,
			Body: map[string]string{"method": "token", "token": tok.Token}, RecipeID: "emailverification"}, nil); err != nil {
			return nil, err
		}
	}
	fresh, err := rc.lk.User(ctx, u.ID)
	if err != nil || fresh == nil {
		return u, err
	}
	return fresh, nil
}
