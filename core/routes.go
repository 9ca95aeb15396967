package core

import (
	"context"
	"net/http"
	"strings"

	"github.com/latchkey-dev/latchkey/core/internal/accountlinking"
	"github.com/latchkey-dev/latchkey/core/internal/audit"
	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/core/internal/claims"
	"github.com/latchkey-dev/latchkey/core/internal/dashboard"
	"github.com/latchkey-dev/latchkey/core/internal/emailpassword"
	"github.com/latchkey-dev/latchkey/core/internal/emailverification"
	"github.com/latchkey-dev/latchkey/core/internal/jwt"
	"github.com/latchkey-dev/latchkey/core/internal/multitenancy"
	"github.com/latchkey-dev/latchkey/core/internal/password"
	"github.com/latchkey-dev/latchkey/core/internal/passwordless"
	"github.com/latchkey-dev/latchkey/core/internal/session"
	"github.com/latchkey-dev/latchkey/core/internal/signing"
	"github.com/latchkey-dev/latchkey/core/internal/suspension"
	"github.com/latchkey-dev/latchkey/core/internal/thirdparty"
	"github.com/latchkey-dev/latchkey/core/internal/throttle"
	"github.com/latchkey-dev/latchkey/core/internal/usermetadata"
	"github.com/latchkey-dev/latchkey/core/internal/userroles"
	"github.com/latchkey-dev/latchkey/core/internal/users"
	"github.com/latchkey-dev/latchkey/internal/phone"
)

// mounter is a recipe's HTTP side. Every core recipe package has the same
// shape: a Service struct holding its dependencies (or NewService(Config)
// when they must be checked), New(*Service) *Handler, and a Mount that
// registers the recipe's CDI paths.
type mounter interface{ Mount(rt *cdi.Router) }

// mount builds every recipe's service from the core's config and
// registers its routes, and the core's own, on c.router.
func (c *Core) mount(hasher *password.Hasher) error {
	rt := c.router
	rt.HandleFunc("GET /apiversion", c.serveAPIVersion)
	for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
		rt.HandleFunc(m+" /hello", c.serveHello)
	}
	rt.Handle("GET /metrics", c.metrics.handler)

	// One reading of phone numbers for storing and for finding them.
	phones := phone.Normaliser{Region: c.cfg.PasswordlessDefaultPhoneRegion}
	// One key manager for every recipe that signs (sessions, JWTs, JWKS).
	keys, err := signing.New(signing.Config{Store: c.store, Now: c.now,
		UpdateInterval: c.cfg.SigningKeyUpdateInterval, AccessTokenValidity: c.cfg.AccessTokenValidity,
		Algorithm: c.cfg.AccessTokenSigningAlgorithm})
	if err != nil {
		return err
	}
	// Suspensions (a Latchkey extension) are checked by every way in.
	suspensions := &suspension.Service{Store: c.store, Now: c.now}
	sessions, err := session.NewService(session.Config{Store: c.store, Keys: keys, Now: c.now,
		Suspended: suspensions.Suspended,
		Standing: func(ctx context.Context, id string) (string, bool, error) {
			return c.store.UserStanding(ctx, id, c.now())
		},
		AccessTokenValidity: c.cfg.AccessTokenValidity, AccessTokenValidityJitter: *c.cfg.AccessTokenValidityJitter,
		RefreshTokenValidity: c.cfg.RefreshTokenValidity, ActivityOff: c.cfg.ActivityOff,
		PrimaryUserID: c.store.PrimaryUserID, LinkedUserIDs: c.store.LinkedUserIDs})
	if err != nil {
		return err
	}

	var limiter *throttle.Limiter // nil: throttling off
	if !c.cfg.Throttling.Disabled {
		limiter = &throttle.Limiter{Store: c.store, Now: c.now}
	}
	tc := c.cfg.Throttling
	signInRule := throttle.Rule{
		Account: throttle.Policy{MaxFailures: tc.AccountFailures, LockBase: tc.LockBase, LockMax: tc.LockMax, ResetAfter: tc.ResetAfter},
		IP:      throttle.Policy{MaxFailures: tc.IPFailures, LockBase: tc.LockBase, LockMax: tc.LockMax, ResetAfter: tc.ResetAfter},
	}
	ep := emailpassword.New(&emailpassword.Service{Store: c.store, Hasher: hasher, Now: c.now,
		ResetTokenLifetime: c.cfg.PasswordResetTokenLifetime, Limiter: limiter, SignInRule: signInRule})
	c.dashboard = &dashboard.Service{Store: c.store, Hasher: hasher, Now: c.now, Limiter: limiter, SignInRule: signInRule, TenantSettings: []dashboard.TenantSetting{
		{Key: "email_verification_token_lifetime", Description: "Time in milliseconds for how long an email verification token / link is valid for.",
			Default: c.cfg.EmailVerificationTokenLifetime.Milliseconds()},
		{Key: "password_reset_token_lifetime", Description: "Time in milliseconds for how long a password reset token / link is valid for.",
			Default: c.cfg.PasswordResetTokenLifetime.Milliseconds()},
		{Key: "passwordless_code_lifetime", Description: "Time in milliseconds for how long a passwordless code is valid for.",
			Default: c.cfg.PasswordlessCodeLifetime.Milliseconds()},
		{Key: "passwordless_max_code_input_attempts", Description: "The maximum number of code input attempts per login before the user needs to restart.",
			Default: int64(c.cfg.PasswordlessMaxCodeInputAttempts)},
	}}
	pl := passwordless.New(&passwordless.Service{Store: c.store, Now: c.now, CodeLifetime: c.cfg.PasswordlessCodeLifetime,
		MaxAttempts: c.cfg.PasswordlessMaxCodeInputAttempts, MaxCodesPerDevice: c.cfg.PasswordlessMaxCodesPerDevice,
		NormalisePhone: phones.Normalise, Limiter: limiter, GuessesPerIP: signInRule.IP})
	tp := thirdparty.New(&thirdparty.Service{Store: c.store, Now: c.now})
	ep.CheckSignIn, pl.CheckSignIn, tp.CheckSignIn = suspensions.Check, suspensions.Check, suspensions.Check
	for _, h := range []mounter{
		users.New(&users.Service{Store: c.store, Stats: c.store, Activity: c.store, Now: c.now, NormalisePhone: phones.Normalise}),
		accountlinking.New(&accountlinking.Service{Store: c.store}),
		multitenancy.New(&multitenancy.Service{Store: c.store, Tenants: c.tenants, Forget: c.forgetTenant, Now: c.now}),
		dashboard.New(c.dashboard),
		ep,
		pl,
		tp,
		session.New(sessions),
		jwt.New(&jwt.Service{Keys: keys, Now: c.now}),
		emailverification.New(&emailverification.Service{Store: c.store, Now: c.now,
			TokenLifetime: c.cfg.EmailVerificationTokenLifetime}),
		usermetadata.New(&usermetadata.Service{Store: c.store}),
		userroles.New(&userroles.Service{Store: c.store}),
		&throttle.Handler{Limiter: limiter, SignInRule: signInRule, Rule: throttle.Rule{
			Account: throttle.Policy{MaxFailures: tc.SendsPerAddress, LockBase: tc.LockBase, LockMax: tc.LockMax, ResetAfter: tc.ResetAfter},
			IP:      throttle.Policy{MaxFailures: tc.SendsPerIP, LockBase: tc.LockBase, LockMax: tc.LockMax, ResetAfter: tc.ResetAfter},
		}},
		suspension.New(suspensions),
		claims.New(&claims.Service{Store: c.store}),
	} {
		h.Mount(rt)
	}

	// GET and PUT /recipe/user are shared by recipes and chosen by the rid
	// header; email-password is also the default (reference §1.1).
	rt.Handle("GET /recipe/user", byRID{"emailpassword": cdi.Handle(ep.GetUser), "passwordless": cdi.Handle(pl.GetUser),
		"thirdparty": cdi.Handle(tp.GetUser)})
	rt.Handle("PUT /recipe/user", byRID{"emailpassword": cdi.Handle(ep.UpdateUser), "passwordless": cdi.Handle(pl.UpdateUser)})

	// The audit log (a Latchkey extension) watches the auth endpoints'
	// answers from outside them, so that no recipe carries code for it.
	if !c.cfg.AuditLogOff {
		c.audit = audit.NewWriter(c.store, c.logger, c.metrics.auditFailures)
		rec := &audit.Recorder{Writer: c.audit, Now: c.now}
		rt.Wrap(rec.Wrap)
	}
	(&audit.Handler{Store: c.store, Writer: c.audit, Now: c.now}).Mount(rt)
	return nil
}

// byRID dispatches a shared path on the rid header, defaulting to
// emailpassword for a missing or unknown rid.
type byRID map[string]http.Handler

func (b byRID) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, ok := b[strings.ToLower(strings.TrimSpace(r.Header.Get("rid")))]
	if !ok {
		h = b["emailpassword"]
	}
	h.ServeHTTP(w, r)
}
