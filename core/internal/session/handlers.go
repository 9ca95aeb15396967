package session

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
)

// Handler serves the session endpoints over a Service.
type Handler struct {
	Service *Service
}

// NewHandler returns a Handler over s.
func New(s *Service) *Handler { return &Handler{Service: s} }

// writeTokens writes create/refresh/verify/regenerate results: session,
// accessToken and refreshToken when minted, antiCsrfToken when enabled.
func writeTokens(w http.ResponseWriter, t Tokens) {
	out := map[string]any{"session": t.Session}
	if t.AccessToken != nil {
		out["accessToken"] = t.AccessToken
	}
	if t.RefreshToken != nil {
		out["refreshToken"] = t.RefreshToken
	}
	if t.AntiCSRFToken != "" {
		out["antiCsrfToken"] = t.AntiCSRFToken
	}
	cdi.OK(w, out)
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	in := NewSession{
		UserID:             b.String("userId"),
		EnableAntiCSRF:     b.Bool("enableAntiCsrf"),
		UserDataInJWT:      b.Object("userDataInJWT"),
		UserDataInDatabase: b.Object("userDataInDatabase"),
		UseDynamicKey:      true,
	}
	if v, ok := b.OptBool("useDynamicSigningKey"); ok {
		in.UseDynamicKey = v
	}
	client, hasClient := b.OptObject("latchkeyClient")
	// "latchkeySignIn": false (a Latchkey extension) marks a session made
	// by back-office code, which is no sign-in of its user. Absent, as
	// from the official SDKs, a session is a sign-in.
	if v, ok := b.OptBool("latchkeySignIn"); ok {
		in.NotSignIn = !v
	}
	if err := b.Err(); err != nil {
		return err
	}
	if hasClient {
		if in.ClientIP, in.UserAgent, err = readClient(client); err != nil {
			return err
		}
	}
	t, err := h.Service.Create(r.Context(), cdi.Tenant(r.Context()), in)
	if err != nil {
		return err
	}
	writeTokens(w, t)
	return nil
}

func (h *Handler) verify(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	in := VerifyInput{
		AccessToken:     b.String("accessToken"),
		DoAntiCSRFCheck: b.Bool("doAntiCsrfCheck"),
		EnableAntiCSRF:  b.Bool("enableAntiCsrf"),
		CheckDatabase:   b.Bool("checkDatabase"),
	}
	if v, ok := b.OptString("antiCsrfToken"); ok {
		in.AntiCSRFToken = &v
	}
	if err := b.Err(); err != nil {
		return err
	}
	t, err := h.Service.Verify(r.Context(), in)
	if err != nil {
		return err
	}
	writeTokens(w, t)
	return nil
}

func (h *Handler) refresh(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	in := RefreshInput{
		RefreshToken:   b.String("refreshToken"),
		EnableAntiCSRF: b.Bool("enableAntiCsrf"),
		// Required from CDI 5.0, and this core speaks only 5.x.
		UseDynamicKey: b.Bool("useDynamicSigningKey"),
	}
	if v, ok := b.OptString("antiCsrfToken"); ok {
		in.AntiCSRFToken = &v
	}
	if err := b.Err(); err != nil {
		return err
	}
	t, err := h.Service.Refresh(r.Context(), in)
	if err != nil {
		return err
	}
	writeTokens(w, t)
	return nil
}

func (h *Handler) remove(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	userID, hasUser := b.OptString("userId")
	handles, hasHandles := b.StringArray("sessionHandles")
	acrossTenants, hasAcross := b.OptBool("revokeAcrossAllTenants")
	linked, hasLinked := b.OptBool("revokeSessionsForLinkedAccounts")
	if err := b.Err(); err != nil {
		return err
	}
	switch {
	case !hasUser && hasAcross:
		return cdi.BadRequest("Invalid JSON input - revokeAcrossAllTenants can only be set if userId is set")
	case !hasUser && hasLinked:
		return cdi.BadRequest("Invalid JSON input - revokeSessionsForLinkedAccounts can only be set if userId is set")
	case hasUser == hasHandles:
		return cdi.BadRequest("Invalid JSON input - use one of userId or sessionHandles array")
	}
	var revoked []string
	if hasUser {
		// revokeSessionsForLinkedAccounts defaults to true, as in the
		// reference core.
		if !hasLinked {
			linked = true
		}
		tenant := ""
		if hasAcross && !acrossTenants {
			tenant = cdi.Tenant(r.Context())
		}
		revoked, err = h.Service.RevokeUser(r.Context(), userID, tenant, linked)
	} else {
		revoked, err = h.Service.RevokeHandles(r.Context(), handles)
	}
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"sessionHandlesRevoked": nonNil(revoked)})
	return nil
}

func (h *Handler) userHandles(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	userID := q.String("userId")
	across := q.Bool("fetchAcrossAllTenants", true)
	linked := q.Bool("fetchSessionsForAllLinkedAccounts", true)
	if err := q.Err(); err != nil {
		return err
	}
	tenant := ""
	if !across {
		tenant = cdi.Tenant(r.Context())
	}
	handles, err := h.Service.UserHandles(r.Context(), userID, tenant, linked)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"sessionHandles": nonNil(handles)})
	return nil
}

// sessionHandle reads the sessionHandle query parameter.
func sessionHandle(r *http.Request) (string, error) {
	q := cdi.ReadQuery(r)
	handle := q.String("sessionHandle")
	return handle, q.Err()
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request) error {
	handle, err := sessionHandle(r)
	if err != nil {
		return err
	}
	row, err := h.Service.Get(r.Context(), handle)
	if err != nil {
		return err
	}
	primary, err := h.Service.PrimaryUserID(r.Context(), row.UserID)
	if err != nil {
		return err
	}
	cdi.WriteJSON(w, struct {
		Status             string          `json:"status"`
		SessionHandle      string          `json:"sessionHandle"`
		UserID             string          `json:"userId"`
		RecipeUserID       string          `json:"recipeUserId"`
		UserDataInDatabase json.RawMessage `json:"userDataInDatabase"`
		Expiry             int64           `json:"expiry"`
		UserDataInJWT      json.RawMessage `json:"userDataInJWT"`
		TimeCreated        int64           `json:"timeCreated"`
		TenantID           string          `json:"tenantId"`
	}{
		"OK", row.Handle, primary, row.UserID, orEmptyObject(row.SessionData),
		row.ExpiresAt.UnixMilli(), orEmptyObject(row.JWTPayload), row.CreatedAt.UnixMilli(), row.TenantID,
	})
	return nil
}

func (h *Handler) getData(w http.ResponseWriter, r *http.Request) error {
	handle, err := sessionHandle(r)
	if err != nil {
		return err
	}
	row, err := h.Service.Get(r.Context(), handle)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"userDataInDatabase": orEmptyObject(row.SessionData)})
	return nil
}

func (h *Handler) getJWTData(w http.ResponseWriter, r *http.Request) error {
	handle, err := sessionHandle(r)
	if err != nil {
		return err
	}
	row, err := h.Service.Get(r.Context(), handle)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"userDataInJWT": orEmptyObject(row.JWTPayload)})
	return nil
}

func (h *Handler) putData(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	handle, data := b.String("sessionHandle"), b.Object("userDataInDatabase")
	if err := b.Err(); err != nil {
		return err
	}
	if err := h.Service.UpdateData(r.Context(), handle, data); err != nil {
		return err
	}
	cdi.OK(w, nil)
	return nil
}

func (h *Handler) putJWTData(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	handle, payload := b.String("sessionHandle"), b.Object("userDataInJWT")
	if err := b.Err(); err != nil {
		return err
	}
	if err := h.Service.UpdateJWTPayload(r.Context(), handle, payload); err != nil {
		return err
	}
	cdi.OK(w, nil)
	return nil
}

func (h *Handler) regenerate(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	token := b.String("accessToken")
	payload, _ := b.OptObject("userDataInJWT")
	if err := b.Err(); err != nil {
		return err
	}
	t, err := h.Service.Regenerate(r.Context(), token, payload)
	if err != nil {
		return err
	}
	writeTokens(w, t)
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Caps on what a caller may say about a session's client.
const (
	maxClientIP  = 64
	maxUserAgent = 512
)

// MaxUserSessions caps the sessions GET /recipe/latchkey/user/sessions
// answers: the newest ones.
const MaxUserSessions = 100

// userSessionJSON is one session of GET /recipe/latchkey/user/sessions:
// the CDI's session information plus where the session was created from
// and when it was last refreshed (0: never).
type userSessionJSON struct {
	SessionHandle string `json:"sessionHandle"`
	UserID        string `json:"userId"`
	TenantID      string `json:"tenantId"`
	TimeCreated   int64  `json:"timeCreated"`
	Expiry        int64  `json:"expiry"`
	ClientIP      string `json:"clientIp"`
	UserAgent     string `json:"userAgent"`
	LastRefreshed int64  `json:"lastRefreshed"`
}

// userSessions serves GET /recipe/latchkey/user/sessions?userId= (a
// Latchkey extension): the user's live sessions in every tenant, newest
// first, at most MaxUserSessions, with their origin and last refresh.
func (h *Handler) userSessions(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	userID := q.String("userId")
	if err := q.Err(); err != nil {
		return err
	}
	handles, err := h.Service.UserHandles(r.Context(), userID, "", true)
	if err != nil {
		return err
	}
	// Oldest first from the store: keep the newest.
	if len(handles) > MaxUserSessions {
		handles = handles[len(handles)-MaxUserSessions:]
	}
	out := make([]userSessionJSON, 0, len(handles))
	for i := len(handles) - 1; i >= 0; i-- {
		row, err := h.Service.Get(r.Context(), handles[i])
		if errors.Is(err, ErrUnauthorised) {
			continue // removed since the handles were read
		}
		if err != nil {
			return err
		}
		out = append(out, userSessionJSON{SessionHandle: row.Handle, UserID: row.UserID, TenantID: row.TenantID,
			TimeCreated: row.CreatedAt.UnixMilli(), Expiry: row.ExpiresAt.UnixMilli(), ClientIP: row.ClientIP,
			UserAgent: row.UserAgent, LastRefreshed: msOrZero(row.LastRefreshed)})
	}
	cdi.OK(w, map[string]any{"sessions": out})
	return nil
}

func msOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

var errBadClient = cdi.BadRequest("Field name 'latchkeyClient' is invalid in JSON input")

// readClient reads POST /recipe/session's Latchkey extension,
// "latchkeyClient": {"ip": "203.0.113.7", "userAgent": "…"}: the IP must
// be an address; a user agent longer than maxUserAgent bytes is cut.
func readClient(raw json.RawMessage) (ip, userAgent string, err error) {
	b, err := cdi.ParseBody(raw)
	if err != nil {
		return "", "", errBadClient
	}
	ip, _ = b.OptString("ip")
	userAgent, _ = b.OptString("userAgent")
	if b.Err() != nil {
		return "", "", errBadClient
	}
	if ip != "" {
		a, perr := netip.ParseAddr(ip)
		if perr != nil || len(ip) > maxClientIP {
			return "", "", errBadClient
		}
		ip = a.Unmap().String()
	}
	if len(userAgent) > maxUserAgent {
		userAgent = strings.ToValidUTF8(userAgent[:maxUserAgent], "")
	}
	return ip, userAgent, nil
}
