package session

import (
	"encoding/json"
	"net/http"

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
	if err := b.Err(); err != nil {
		return err
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
