package passwordless

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/emaildelivery"
	"github.com/latchkey-dev/latchkey/internal/phone"
	"github.com/latchkey-dev/latchkey/internal/wire"
	"github.com/latchkey-dev/latchkey/recipe/session"
	"github.com/latchkey-dev/latchkey/smsdelivery"
)

// RecipeID is the recipe's id.
const RecipeID = "passwordless"

// ContactMethod is what users sign in with.
type ContactMethod string

// Contact methods.
const (
	ContactEmail        ContactMethod = wire.ContactEmail
	ContactPhone        ContactMethod = wire.ContactPhone
	ContactEmailOrPhone ContactMethod = wire.ContactEmailOrPhone
)

// FlowType is what users are sent: a code to type, a magic link, or both.
// The frontend gets it in the create-code answer.
type FlowType string

// Flow types.
const (
	FlowUserInputCode             FlowType = wire.FlowUserInputCode
	FlowMagicLink                 FlowType = wire.FlowMagicLink
	FlowUserInputCodeAndMagicLink FlowType = wire.FlowUserInputCodeAndMagicLink
)

// Config configures the recipe.
type Config struct {
	// ContactMethod is ContactEmail, ContactPhone or ContactEmailOrPhone.
	// Required.
	ContactMethod ContactMethod
	// FlowType is FlowUserInputCode, FlowMagicLink or
	// FlowUserInputCodeAndMagicLink. Required.
	FlowType FlowType
	// ValidateEmail checks an email before a code is sent; its error's text
	// is shown to the user. Default: ValidateEmail.
	ValidateEmail func(ctx context.Context, email, tenantID string) error
	// ValidatePhoneNumber checks a phone number before a code is sent; its
	// error's text is shown to the user. Default: the number must be valid
	// for libphonenumber, in international form or, with
	// DefaultPhoneRegion, in that region's national form.
	ValidatePhoneNumber func(ctx context.Context, phoneNumber, tenantID string) error
	// DefaultPhoneRegion is the ISO 3166-1 region, such as "US", that phone
	// numbers written without a country code are read in. Default: none;
	// numbers must then start with + and the country code.
	DefaultPhoneRegion string
	// GetCustomUserInputCode, when set, chooses the user input codes
	// instead of the core's 6 random digits.
	GetCustomUserInputCode func(ctx context.Context, tenantID string) (string, error)
	// EmailDelivery sends codes and links by email. Default: none (a
	// warning is logged for each email).
	EmailDelivery emaildelivery.Sender
	// SMSDelivery sends codes and links by SMS. Default: none (a warning
	// is logged for each message); smsdelivery.Log shows them in the log
	// during development.
	SMSDelivery smsdelivery.Sender
	// ResendInterval is how long a sign-in attempt must wait after a code
	// before it may ask for another (POST /signinup/code/resend answers
	// GENERAL_ERROR with the wait until then). Default (0):
	// DefaultResendInterval; negative: no wait.
	ResendInterval time.Duration
	// Override wraps or replaces the recipe's functions.
	Override func(Service) Service
	// APIOverride wraps or replaces the recipe's HTTP APIs.
	APIOverride func(APIs) APIs
}

// Recipe is the passwordless recipe. Build it with [New] and pass it in
// latchkey.Config.Recipes, together with the session recipe.
type Recipe struct {
	cfg  Config
	lk   *latchkey.Latchkey
	sess *session.Recipe
	svc  Service
	apis APIs
	mail emaildelivery.Sender
	sms  smsdelivery.Sender
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
	switch rc.cfg.ContactMethod {
	case ContactEmail, ContactPhone, ContactEmailOrPhone:
	default:
		errs = append(errs, fmt.Errorf("passwordless: Config.ContactMethod must be %q, %q or %q, not %q",
			ContactEmail, ContactPhone, ContactEmailOrPhone, rc.cfg.ContactMethod))
	}
	switch rc.cfg.FlowType {
	case FlowUserInputCode, FlowMagicLink, FlowUserInputCodeAndMagicLink:
	default:
		errs = append(errs, fmt.Errorf("passwordless: Config.FlowType must be %q, %q or %q, not %q",
			FlowUserInputCode, FlowMagicLink, FlowUserInputCodeAndMagicLink, rc.cfg.FlowType))
	}
	if r := strings.TrimSpace(rc.cfg.DefaultPhoneRegion); r != "" && !phone.ValidRegion(r) {
		errs = append(errs, fmt.Errorf("passwordless: Config.DefaultPhoneRegion %q is not a region code such as US or GB", r))
	}
	sess, ok := latchkey.FindRecipe[*session.Recipe](lk)
	if !ok {
		errs = append(errs, errors.New("passwordless: add session.New(...) to latchkey.Config.Recipes: sign-in creates sessions"))
	}
	rc.sess = sess
	rc.mail = rc.cfg.EmailDelivery
	if rc.mail == nil {
		rc.mail = emaildelivery.Nop(lk.Logger())
	}
	rc.sms = rc.cfg.SMSDelivery
	if rc.sms == nil {
		rc.sms = smsdelivery.Nop(lk.Logger())
	}
	svc, errSvc := latchkey.Override[Service]("passwordless: Config.Override", coreService{lk: lk}, rc.cfg.Override)
	apis, errAPIs := latchkey.Override[APIs]("passwordless: Config.APIOverride", defaultAPIs{rc: rc}, rc.cfg.APIOverride)
	rc.svc, rc.apis = svc, apis
	return errors.Join(append(errs, errSvc, errAPIs)...)
}

var errNotInitialised = errors.New("passwordless: the recipe is not initialised: pass it in latchkey.Config.Recipes and call latchkey.New first")

// Service returns the recipe's functions, with Config.Override applied.
func (rc *Recipe) Service() (Service, error) {
	if rc.svc == nil {
		return nil, errNotInitialised
	}
	return rc.svc, nil
}

// ContactMethod returns Config.ContactMethod.
func (rc *Recipe) ContactMethod() ContactMethod { return rc.cfg.ContactMethod }

// FlowType returns Config.FlowType.
func (rc *Recipe) FlowType() FlowType { return rc.cfg.FlowType }

// ValidateEmail runs the configured email validator and returns the error
// whose text the user should see, or nil. Flows that take an email
// elsewhere (the dashboard) use it so that one policy applies everywhere.
func (rc *Recipe) ValidateEmail(ctx context.Context, tenantID, email string) error {
	if rc.cfg.ValidateEmail != nil {
		return rc.cfg.ValidateEmail(ctx, email, latchkey.TenantOrDefault(tenantID))
	}
	return ValidateEmail(ctx, email, latchkey.TenantOrDefault(tenantID))
}

// ValidatePhoneNumber runs the configured phone number validator and
// returns the error whose text the user should see, or nil.
func (rc *Recipe) ValidatePhoneNumber(ctx context.Context, tenantID, phoneNumber string) error {
	if rc.cfg.ValidatePhoneNumber != nil {
		return rc.cfg.ValidatePhoneNumber(ctx, phoneNumber, latchkey.TenantOrDefault(tenantID))
	}
	return validatePhone(rc.cfg.DefaultPhoneRegion, phoneNumber)
}

// NormalisePhoneNumber returns a phone number in E.164 (+12015550123),
// reading national forms in Config.DefaultPhoneRegion, or trimmed when it
// does not parse or when its E.164 form would read back as another
// number. It is the core's own normalisation, so a number normalised here
// is stored as it is.
func (rc *Recipe) NormalisePhoneNumber(phoneNumber string) string {
	return phone.Normaliser{Region: rc.cfg.DefaultPhoneRegion}.Normalise(phoneNumber)
}

// normaliseContact trims an email (the core lower-cases it) and puts a
// phone number in E.164.
func (rc *Recipe) normaliseContact(c Contact) Contact {
	if c.Email != "" {
		return Contact{Email: strings.TrimSpace(c.Email)}
	}
	return Contact{PhoneNumber: rc.NormalisePhoneNumber(c.PhoneNumber)}
}

// userInputCode returns a code from Config.GetCustomUserInputCode, or ""
// to let the core choose.
func (rc *Recipe) userInputCode(ctx context.Context, tenantID string) (string, error) {
	if rc.cfg.GetCustomUserInputCode == nil {
		return "", nil
	}
	return rc.cfg.GetCustomUserInputCode(ctx, tenantID)
}

// CreateCode starts a sign-in for a contact without sending anything: the
// caller delivers the code or link itself. The contact is normalised, not
// validated (see ValidateEmail, ValidatePhoneNumber).
func (rc *Recipe) CreateCode(ctx context.Context, tenantID string, contact Contact) (*Code, error) {
	svc, err := rc.Service()
	if err != nil {
		return nil, err
	}
	tenantID = latchkey.TenantOrDefault(tenantID)
	code, err := rc.userInputCode(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	return svc.CreateCode(ctx, tenantID, rc.normaliseContact(contact), code)
}

// MagicLink returns the magic link of a code:
// {origin}{websiteBasePath}/verify?preAuthSessionId=…&tenantId=…#<linkCode>.
// The origin is that of the request in ctx, when the app has one per
// request.
func (rc *Recipe) MagicLink(ctx context.Context, tenantID string, code *Code) (string, error) {
	origin, err := rc.lk.App().Origin(latchkey.RequestFromContext(ctx))
	if err != nil {
		return "", err
	}
	// The pre-auth session id and link code are base64url: they need no
	// escaping, as in the reference.
	return origin + rc.lk.App().WebsiteBasePath + "/verify?preAuthSessionId=" + code.PreAuthSessionID +
		"&tenantId=" + url.QueryEscape(latchkey.TenantOrDefault(tenantID)) + "#" + code.LinkCode, nil
}

// CreateMagicLink starts a sign-in for a contact and returns its magic
// link, without sending it.
func (rc *Recipe) CreateMagicLink(ctx context.Context, tenantID string, contact Contact) (string, error) {
	code, err := rc.CreateCode(ctx, tenantID, contact)
	if err != nil {
		return "", err
	}
	return rc.MagicLink(ctx, tenantID, code)
}

// SignInUp signs a contact in without a code exchange (and without a
// session): it finds the passwordless user with the email or phone number,
// or creates one. A dashboard creating a passwordless user uses it.
func (rc *Recipe) SignInUp(ctx context.Context, tenantID string, contact Contact) (*ConsumeResult, error) {
	svc, err := rc.Service()
	if err != nil {
		return nil, err
	}
	code, err := rc.CreateCode(ctx, tenantID, contact)
	if err != nil {
		return nil, err
	}
	return svc.ConsumeCode(ctx, latchkey.TenantOrDefault(tenantID), Credentials{PreAuthSessionID: code.PreAuthSessionID, LinkCode: code.LinkCode})
}

// ConsumeCode signs in with a code without a request (no session is
// created). ErrRestartFlow, or a *CodeError for a wrong or expired user
// input code.
func (rc *Recipe) ConsumeCode(ctx context.Context, tenantID string, cred Credentials) (*ConsumeResult, error) {
	svc, err := rc.Service()
	if err != nil {
		return nil, err
	}
	return svc.ConsumeCode(ctx, latchkey.TenantOrDefault(tenantID), cred)
}

// UpdateUser changes a passwordless user's email or phone number (nil: no
// change; pointer to "": remove). A new phone number is put in E.164; the
// caller validates. ErrUnknownUserID, ErrEmailAlreadyExists,
// ErrPhoneNumberAlreadyExists, ErrContactRequired.
func (rc *Recipe) UpdateUser(ctx context.Context, recipeUserID string, update UserUpdate) error {
	svc, err := rc.Service()
	if err != nil {
		return err
	}
	if update.PhoneNumber != nil && strings.TrimSpace(*update.PhoneNumber) != "" {
		p := rc.NormalisePhoneNumber(*update.PhoneNumber)
		update.PhoneNumber = &p
	}
	if update.Email != nil {
		e := strings.TrimSpace(*update.Email)
		update.Email = &e
	}
	return svc.UpdateUser(ctx, recipeUserID, update)
}

// RevokeAllCodes revokes every pending code of a contact.
func (rc *Recipe) RevokeAllCodes(ctx context.Context, tenantID string, contact Contact) error {
	svc, err := rc.Service()
	if err != nil {
		return err
	}
	return svc.RevokeAllCodes(ctx, latchkey.TenantOrDefault(tenantID), rc.normaliseContact(contact))
}

// UserByEmail returns the user of tenantID with a passwordless login
// method for email, and that method's recipe user id, or nil.
func (rc *Recipe) UserByEmail(ctx context.Context, tenantID, email string) (*latchkey.User, string, error) {
	return rc.userBy(ctx, tenantID, latchkey.AccountInfo{Email: strings.TrimSpace(email)}, func(m latchkey.LoginMethod) bool {
		return strings.EqualFold(m.Email, strings.TrimSpace(email))
	})
}

// UserByPhoneNumber returns the user of tenantID with a passwordless login
// method for the phone number (in any form the recipe reads), and that
// method's recipe user id, or nil.
func (rc *Recipe) UserByPhoneNumber(ctx context.Context, tenantID, phoneNumber string) (*latchkey.User, string, error) {
	p := rc.NormalisePhoneNumber(phoneNumber)
	return rc.userBy(ctx, tenantID, latchkey.AccountInfo{PhoneNumber: p}, func(m latchkey.LoginMethod) bool { return m.PhoneNumber == p })
}

func (rc *Recipe) userBy(ctx context.Context, tenantID string, info latchkey.AccountInfo, match func(latchkey.LoginMethod) bool) (*latchkey.User, string, error) {
	if rc.lk == nil {
		return nil, "", errNotInitialised
	}
	users, err := rc.lk.UsersByAccountInfo(ctx, tenantID, info)
	if err != nil {
		return nil, "", err
	}
	for i := range users {
		for _, m := range users[i].LoginMethods {
			if m.RecipeID == RecipeID && match(m) {
				return &users[i], m.RecipeUserID, nil
			}
		}
	}
	return nil, "", nil
}

// allowSend asks the core whether a code may be sent to the contact now.
func (rc *Recipe) allowSend(ctx context.Context, tenantID string, contact Contact) error {
	to := strings.ToLower(strings.TrimSpace(contact.Email))
	if to == "" {
		to = strings.TrimSpace(contact.PhoneNumber)
	}
	return rc.lk.AllowSend(ctx, tenantID, to) // *latchkey.TooManyAttemptsError: GENERAL_ERROR
}

// resendWait is how long a resend for d must still wait: Config.ResendInterval
// after its newest code, or 0.
func (rc *Recipe) resendWait(d Device) time.Duration {
	if rc.cfg.ResendInterval < 0 {
		return 0
	}
	interval := rc.cfg.ResendInterval
	if interval == 0 {
		interval = DefaultResendInterval
	}
	var newest time.Time
	for _, c := range d.Codes {
		if c.TimeCreated.After(newest) {
			newest = c.TimeCreated
		}
	}
	return max(0, newest.Add(interval).Sub(rc.lk.Now()))
}

// DefaultResendInterval is how long a device waits between codes unless
// Config.ResendInterval says otherwise.
const DefaultResendInterval = 10 * time.Second

// send delivers a code by email or SMS, with what the flow type says.
func (rc *Recipe) send(ctx context.Context, tenantID string, contact Contact, code *Code) error {
	var link, userInputCode string
	if rc.cfg.FlowType == FlowMagicLink || rc.cfg.FlowType == FlowUserInputCodeAndMagicLink {
		var err error
		if link, err = rc.MagicLink(ctx, tenantID, code); err != nil {
			return err
		}
	}
	if rc.cfg.FlowType == FlowUserInputCode || rc.cfg.FlowType == FlowUserInputCodeAndMagicLink {
		userInputCode = code.UserInputCode
	}
	if contact.PhoneNumber != "" {
		return rc.sms.Send(ctx, smsdelivery.SMS{Kind: smsdelivery.KindPasswordlessLogin, To: contact.PhoneNumber, TenantID: tenantID,
			AppName: rc.lk.App().Name, UserInputCode: userInputCode, Link: link, CodeLifetime: code.CodeLifetime})
	}
	return rc.mail.Send(ctx, emaildelivery.Email{Kind: emaildelivery.KindPasswordlessLogin, To: contact.Email, TenantID: tenantID,
		AppName: rc.lk.App().Name, UserInputCode: userInputCode, Link: link, CodeLifetime: code.CodeLifetime})
}
