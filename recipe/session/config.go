package session

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// TokenTransferMethod says how tokens travel: in cookies or in headers.
type TokenTransferMethod string

// Token transfer methods (the st-auth-mode request header).
const (
	TransferCookie TokenTransferMethod = "cookie"
	TransferHeader TokenTransferMethod = "header"
	TransferAny    TokenTransferMethod = "any"
)

// AntiCSRF is how requests that carry session cookies are protected from
// cross-site request forgery (reference/sdk-fdi.md §2.2).
type AntiCSRF string

// AntiCSRF modes.
const (
	// AntiCSRFNone relies on SameSite cookies alone.
	AntiCSRFNone AntiCSRF = "NONE"
	// AntiCSRFViaToken puts a token in the access token that requests
	// must echo in the anti-csrf header.
	AntiCSRFViaToken AntiCSRF = "VIA_TOKEN"
	// AntiCSRFViaCustomHeader requires the rid header, which a cross-site
	// form cannot send.
	AntiCSRFViaCustomHeader AntiCSRF = "VIA_CUSTOM_HEADER"
)

// SameSite is the SameSite attribute of the session cookies.
type SameSite string

// SameSite values.
const (
	SameSiteStrict SameSite = "strict"
	SameSiteLax    SameSite = "lax"
	SameSiteNone   SameSite = "none"
)

// Config configures the session recipe. The zero value works.
type Config struct {
	// TrustedProxies are the addresses or prefixes ("10.0.0.0/8") of the
	// proxies in front of the app. A session records its client's IP (a
	// Latchkey extension shown in the dashboard): the connection's peer,
	// or, when the peer is one of these, the first address in
	// X-Forwarded-For, read from the right, that is not. Default: none, so
	// X-Forwarded-For is never trusted.
	TrustedProxies []string
	// CookieSecure sets the Secure attribute. Default: true when the API
	// domain is https.
	CookieSecure *bool
	// CookieSameSite is SameSiteStrict, SameSiteLax or SameSiteNone
	// (case does not matter). Default, per request: SameSiteNone when the
	// website and API differ in scheme or in registrable domain, else
	// SameSiteLax.
	CookieSameSite SameSite
	// CookieDomain sets the cookies' Domain, such as ".example.com".
	// Default: none, so cookies are host-only.
	CookieDomain string
	// OlderCookieDomain is a Domain that earlier cookies were set with;
	// refresh clears duplicates left there. Default: none.
	OlderCookieDomain string
	// AntiCSRF is AntiCSRFNone, AntiCSRFViaToken or
	// AntiCSRFViaCustomHeader (case does not matter). Default, per request:
	// AntiCSRFViaCustomHeader when SameSite is none, else AntiCSRFNone.
	AntiCSRF AntiCSRF
	// SessionExpiredStatusCode answers try-refresh and unauthorised.
	// Default: 401.
	SessionExpiredStatusCode int
	// InvalidClaimStatusCode answers failed claims. Default: 403.
	InvalidClaimStatusCode int
	// GetTokenTransferMethod chooses how tokens travel for a request.
	// forCreate is true when a session is being created. Default: the
	// st-auth-mode header when creating, else any.
	GetTokenTransferMethod func(r *http.Request, forCreate bool) TokenTransferMethod
	// ExposeAccessTokenToFrontendInCookieBasedAuth also sends the access
	// token in the st-access-token header in cookie mode. Default: false.
	ExposeAccessTokenToFrontendInCookieBasedAuth bool
	// UseStaticSigningKey signs access tokens with the core's static key
	// instead of its rotating dynamic keys. Default: false.
	UseStaticSigningKey bool
	// JWKSRefreshInterval is how long the core's public keys are cached.
	// Default: 4h.
	JWKSRefreshInterval time.Duration
	// OnTokenTheftDetected is called when a refresh token is used a second
	// time, so that two parties hold the session, after the refresh path
	// has revoked the session: to alert, or to revoke the user's other
	// sessions too. r is the refresh request. Default: none.
	OnTokenTheftDetected func(r *http.Request, theft *TokenTheftDetectedError)
	// Override wraps or replaces the recipe's functions.
	Override func(Service) Service
	// APIOverride wraps or replaces the recipe's HTTP APIs.
	APIOverride func(APIs) APIs
}

func (c *Config) setDefaults() error {
	var errs []error
	c.CookieSameSite = SameSite(strings.ToLower(strings.TrimSpace(string(c.CookieSameSite))))
	switch c.CookieSameSite {
	case "", SameSiteStrict, SameSiteLax, SameSiteNone:
	default:
		errs = append(errs, fmt.Errorf("session: CookieSameSite must be strict, lax or none, not %q", c.CookieSameSite))
	}
	c.AntiCSRF = AntiCSRF(strings.ToUpper(strings.TrimSpace(string(c.AntiCSRF))))
	switch c.AntiCSRF {
	case "", AntiCSRFNone, AntiCSRFViaToken, AntiCSRFViaCustomHeader:
	default:
		errs = append(errs, fmt.Errorf("session: AntiCSRF must be NONE, VIA_TOKEN or VIA_CUSTOM_HEADER, not %q", c.AntiCSRF))
	}
	if c.SessionExpiredStatusCode == 0 {
		c.SessionExpiredStatusCode = http.StatusUnauthorized
	}
	if c.InvalidClaimStatusCode == 0 {
		c.InvalidClaimStatusCode = http.StatusForbidden
	}
	if c.SessionExpiredStatusCode < 400 || c.SessionExpiredStatusCode > 599 || c.InvalidClaimStatusCode < 400 || c.InvalidClaimStatusCode > 599 {
		errs = append(errs, errors.New("session: SessionExpiredStatusCode and InvalidClaimStatusCode must be 4xx or 5xx codes"))
	}
	if c.SessionExpiredStatusCode == c.InvalidClaimStatusCode {
		errs = append(errs, errors.New("session: SessionExpiredStatusCode and InvalidClaimStatusCode must differ"))
	}
	if c.JWKSRefreshInterval == 0 {
		c.JWKSRefreshInterval = 4 * time.Hour
	}
	if c.JWKSRefreshInterval < 0 {
		errs = append(errs, errors.New("session: JWKSRefreshInterval must be positive"))
	}
	c.CookieDomain = normaliseCookieDomain(c.CookieDomain)
	c.OlderCookieDomain = normaliseCookieDomain(c.OlderCookieDomain)
	return errors.Join(errs...)
}

// normaliseCookieDomain keeps a hostname and its leading dot.
func normaliseCookieDomain(d string) string {
	d = strings.ToLower(strings.TrimSpace(d))
	if d == "" {
		return ""
	}
	dot := strings.HasPrefix(d, ".")
	if i := strings.Index(d, "://"); i >= 0 {
		d = d[i+3:]
	}
	if i := strings.IndexAny(d, "/:?#"); i >= 0 {
		d = d[:i]
	}
	d = strings.TrimPrefix(d, ".")
	if dot {
		d = "." + d
	}
	return d
}
