package core

import (
	"net/http"
	"strings"

	"github.com/latchkey-dev/latchkey/core/dashboard"
	"github.com/latchkey-dev/latchkey/core/emailpassword"
	"github.com/latchkey-dev/latchkey/core/emailverification"
	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/core/internal/password"
	"github.com/latchkey-dev/latchkey/core/internal/phone"
	"github.com/latchkey-dev/latchkey/core/internal/signing"
	"github.com/latchkey-dev/latchkey/core/jwt"
	"github.com/latchkey-dev/latchkey/core/multitenancy"
	"github.com/latchkey-dev/latchkey/core/passwordless"
	"github.com/latchkey-dev/latchkey/core/session"
	"github.com/latchkey-dev/latchkey/core/thirdparty"
	"github.com/latchkey-dev/latchkey/core/usermetadata"
	"github.com/latchkey-dev/latchkey/core/userroles"
	"github.com/latchkey-dev/latchkey/core/users"
)

// mount registers every recipe's routes, and the core's own, on c.router.
func (c *Core) mount(hasher *password.Hasher) error {
	rt := c.router
	rt.HandleFunc("GET /apiversion", c.serveAPIVersion)
	for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
		rt.HandleFunc(m+" /hello", c.serveHello)
	}
	rt.Handle("GET /metrics", c.metrics.handler)

	// One reading of phone numbers for storing and for finding them.
	phones := phone.Normaliser{Region: c.cfg.PasswordlessDefaultPhoneRegion}
	uh := users.New(c.store)
	uh.NormalisePhone = phones.Normalise
	uh.Mount(rt)
	multitenancy.Handler{}.Mount(rt)
	(&dashboard.Handler{Store: c.store, Hasher: hasher, Now: c.now}).Mount(rt)

	ep := emailpassword.New(&emailpassword.Service{
		Store:              c.store,
		Hasher:             hasher,
		Now:                c.now,
		ResetTokenLifetime: c.cfg.PasswordResetTokenLifetime,
	})
	ep.Mount(rt)

	pl := passwordless.New(&passwordless.Service{
		Store:          c.store,
		Now:            c.now,
		CodeLifetime:   c.cfg.PasswordlessCodeLifetime,
		MaxAttempts:    c.cfg.PasswordlessMaxCodeInputAttempts,
		NormalisePhone: phones.Normalise,
	})
	pl.Mount(rt)

	tp := thirdparty.New(&thirdparty.Service{Store: c.store, Now: c.now})
	tp.Mount(rt)

	// One key manager for every recipe that signs (sessions, JWTs, JWKS).
	keys, err := signing.New(signing.Config{Store: c.store, Now: c.now,
		UpdateInterval: c.cfg.SigningKeyUpdateInterval, AccessTokenValidity: c.cfg.AccessTokenValidity})
	if err != nil {
		return err
	}
	sessions, err := session.New(session.Config{Store: c.store, Keys: keys, Now: c.now,
		AccessTokenValidity: c.cfg.AccessTokenValidity, AccessTokenValidityJitter: *c.cfg.AccessTokenValidityJitter,
		RefreshTokenValidity: c.cfg.RefreshTokenValidity})
	if err != nil {
		return err
	}
	session.NewHandler(sessions).Mount(rt)
	jwt.New(&jwt.Service{Keys: keys, Now: c.now}).Mount(rt)
	emailverification.New(&emailverification.Service{Store: c.store, Now: c.now,
		TokenLifetime: c.cfg.EmailVerificationTokenLifetime}).Mount(rt)
	usermetadata.New(&usermetadata.Service{Store: c.store}).Mount(rt)
	userroles.New(&userroles.Service{Store: c.store}).Mount(rt)

	// GET and PUT /recipe/user are shared by recipes and chosen by the rid
	// header; email-password is also the default (reference §1.1).
	rt.Handle("GET /recipe/user", byRID{"emailpassword": cdi.Handle(ep.GetUser), "passwordless": cdi.Handle(pl.GetUser),
		"thirdparty": cdi.Handle(tp.GetUser)})
	rt.Handle("PUT /recipe/user", byRID{"emailpassword": cdi.Handle(ep.UpdateUser), "passwordless": cdi.Handle(pl.UpdateUser)})
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
