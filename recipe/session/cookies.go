package session

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Cookie and header names (reference/sdk-fdi.md §2.2).
const (
	accessTokenCookie   = "sAccessToken"
	refreshTokenCookie  = "sRefreshToken"
	legacyIDRefreshName = "sIdRefreshToken"
	accessTokenHeader   = "st-access-token"
	refreshTokenHeader  = "st-refresh-token"
	frontTokenHeader    = "front-token"
	antiCSRFHeader      = "anti-csrf"
	authModeHeader      = "st-auth-mode"
)

// transferMethod returns how tokens travel for r.
func (rc *Recipe) transferMethod(r *http.Request, forCreate bool) TokenTransferMethod {
	if rc.cfg.GetTokenTransferMethod != nil {
		switch m := rc.cfg.GetTokenTransferMethod(r, forCreate); m {
		case TransferCookie, TransferHeader, TransferAny:
			return m
		}
		return TransferAny
	}
	if forCreate {
		switch strings.ToLower(strings.TrimSpace(r.Header.Get(authModeHeader))) {
		case "cookie":
			return TransferCookie
		case "header":
			return TransferHeader
		}
	}
	return TransferAny
}

// sameSite returns the SameSite attribute for r's cookies.
func (rc *Recipe) sameSite(r *http.Request) SameSite {
	if rc.cfg.CookieSameSite != "" {
		return rc.cfg.CookieSameSite
	}
	app := rc.lk.App()
	origin, err := app.Origin(r)
	if err != nil {
		return SameSiteNone
	}
	apiScheme, _, _ := strings.Cut(app.APIDomain, "://")
	webScheme, _, _ := strings.Cut(origin, "://")
	web, _ := app.TopLevelWebsiteDomain(r)
	if apiScheme != webScheme || app.TopLevelAPIDomain() != web {
		return SameSiteNone
	}
	return SameSiteLax
}

// antiCSRF returns the anti-CSRF mode for r.
func (rc *Recipe) antiCSRF(r *http.Request) AntiCSRF {
	if rc.cfg.AntiCSRF != "" {
		return rc.cfg.AntiCSRF
	}
	if rc.sameSite(r) == SameSiteNone {
		return AntiCSRFViaCustomHeader
	}
	return AntiCSRFNone
}

// secure reports whether cookies get the Secure attribute.
func (rc *Recipe) secure() bool {
	if rc.cfg.CookieSecure != nil {
		return *rc.cfg.CookieSecure
	}
	return strings.HasPrefix(rc.lk.App().APIDomain, "https://")
}

func (rc *Recipe) refreshPath() string { return rc.lk.App().APIBasePath + "/session/refresh" }

func (rc *Recipe) setCookie(w http.ResponseWriter, r *http.Request, name, value, path, domain string, expires time.Time) {
	c := &http.Cookie{
		Name:     name,
		Value:    url.QueryEscape(value),
		Path:     path,
		Domain:   domain,
		Expires:  expires,
		HttpOnly: true,
		Secure:   rc.secure(),
	}
	switch rc.sameSite(r) {
	case SameSiteStrict:
		c.SameSite = http.SameSiteStrictMode
	case SameSiteNone:
		c.SameSite = http.SameSiteNoneMode
	default:
		c.SameSite = http.SameSiteLaxMode
	}
	if s := c.String(); s != "" {
		w.Header().Add("Set-Cookie", s)
	}
}

// exposeHeader adds name to Access-Control-Expose-Headers once.
func exposeHeader(w http.ResponseWriter, name string) {
	for _, v := range w.Header().Values("Access-Control-Expose-Headers") {
		for _, e := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(e), name) {
				return
			}
		}
	}
	w.Header().Add("Access-Control-Expose-Headers", name)
}

// frontToken is base64 of {"uid","ate","up"}, which the frontend decodes
// to read the payload and expiry.
func frontToken(userID string, expiry time.Time, payload []byte) string {
	raw, _ := json.Marshal(struct {
		UID string          `json:"uid"`
		ATE int64           `json:"ate"`
		UP  json.RawMessage `json:"up"`
	}{userID, expiry.UnixMilli(), payload})
	return base64.StdEncoding.EncodeToString(raw)
}

// setAccessToken sends a (new) access token and its front token.
func (rc *Recipe) setAccessToken(w http.ResponseWriter, r *http.Request, t *accessToken, expiry time.Time, m TokenTransferMethod) {
	w.Header().Set(frontTokenHeader, frontToken(t.claims.Sub, expiry, t.payload))
	exposeHeader(w, frontTokenHeader)
	if m == TransferCookie {
		// The cookie outlives the token so that an expired token still
		// reaches the backend and gets a try-refresh answer.
		rc.setCookie(w, r, accessTokenCookie, t.raw, "/", rc.cfg.CookieDomain, rc.lk.Now().Add(365*24*time.Hour))
		if !rc.cfg.ExposeAccessTokenToFrontendInCookieBasedAuth {
			return
		}
	}
	w.Header().Set(accessTokenHeader, t.raw)
	exposeHeader(w, accessTokenHeader)
}

// setTokens sends every token of a created or refreshed session.
func (rc *Recipe) setTokens(w http.ResponseWriter, r *http.Request, t *accessToken, tk Tokens, m TokenTransferMethod) {
	rc.setAccessToken(w, r, t, tk.AccessTokenExpiry, m)
	if tk.RefreshToken != "" {
		if m == TransferCookie {
			rc.setCookie(w, r, refreshTokenCookie, tk.RefreshToken, rc.refreshPath(), rc.cfg.CookieDomain, tk.RefreshTokenExpiry)
		} else {
			w.Header().Set(refreshTokenHeader, tk.RefreshToken)
			exposeHeader(w, refreshTokenHeader)
		}
	}
	if tk.AntiCSRFToken != "" {
		w.Header().Set(antiCSRFHeader, tk.AntiCSRFToken)
		exposeHeader(w, antiCSRFHeader)
	}
}

// clearMode clears the tokens of one transfer method.
func (rc *Recipe) clearMode(w http.ResponseWriter, r *http.Request, m TokenTransferMethod) {
	w.Header().Set(frontTokenHeader, "remove")
	exposeHeader(w, frontTokenHeader)
	if m == TransferCookie {
		rc.setCookie(w, r, accessTokenCookie, "", "/", rc.cfg.CookieDomain, time.Unix(0, 0))
		rc.setCookie(w, r, refreshTokenCookie, "", rc.refreshPath(), rc.cfg.CookieDomain, time.Unix(0, 0))
		return
	}
	w.Header().Set(accessTokenHeader, "")
	w.Header().Set(refreshTokenHeader, "")
	exposeHeader(w, accessTokenHeader)
	exposeHeader(w, refreshTokenHeader)
}

// clearTokens clears the tokens of every transfer method the request may
// use, as the reference does on errors and sign-out.
func (rc *Recipe) clearTokens(w http.ResponseWriter, r *http.Request) {
	switch rc.transferMethod(r, false) {
	case TransferCookie:
		rc.clearMode(w, r, TransferCookie)
	case TransferHeader:
		rc.clearMode(w, r, TransferHeader)
	default:
		rc.clearMode(w, r, TransferCookie)
		rc.clearMode(w, r, TransferHeader)
	}
}

// cookieValues returns every value of the named cookie, unescaped. It
// reads the Cookie header directly, because http.Request.Cookie hides
// duplicates.
func cookieValues(r *http.Request, name string) []string {
	var out []string
	for _, line := range r.Header.Values("Cookie") {
		for part := range strings.SplitSeq(line, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || k != name {
				continue
			}
			if u, err := url.QueryUnescape(v); err == nil {
				v = u
			}
			out = append(out, v)
		}
	}
	return out
}

// bearer returns the Authorization: Bearer value, or "".
func bearer(r *http.Request) string {
	a := r.Header.Get("Authorization")
	if len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		return strings.TrimSpace(a[7:])
	}
	return ""
}
