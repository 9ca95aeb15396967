package session

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/latchkey-dev/latchkey/core/internal/signing"
	"github.com/latchkey-dev/latchkey/internal/tenantid"
)

// protectedClaims are the V5 claims a custom payload may not set
// (reference §2.4.2).
var protectedClaims = map[string]bool{
	"sub": true, "exp": true, "iat": true, "sessionHandle": true, "refreshTokenHash1": true,
	"parentRefreshTokenHash1": true, "antiCsrfToken": true, "tId": true, "rsub": true,
}

// accessToken is the content of a V5 access token.
type accessToken struct {
	UserID        string // sub
	RecipeUserID  string // rsub
	TenantID      string // tId
	SessionHandle string
	RTH1          string // refreshTokenHash1
	ParentRTH1    string // parentRefreshTokenHash1; "" is null
	AntiCSRF      string // antiCsrfToken; "" is null
	IssuedAt      int64  // iat, seconds
	Expiry        int64  // exp, seconds
	// Payload is the custom claims, a JSON object.
	Payload json.RawMessage
	// StaticKey reports whether the static key signed the token (read
	// from its kid by verifyAccessToken; not a claim).
	StaticKey bool
	// Algorithm is the header's alg (read by parseAccessToken; not a
	// claim).
	Algorithm string
}

// mint signs t with k as the reference's V5 token: header {alg, typ, kid,
// version:"5"}, then the claims in the core's order, custom claims last.
func (t *accessToken) mint(k *signing.Key) (string, error) {
	var h bytes.Buffer
	h.WriteString(`{"alg":`)
	writeString(&h, k.Algorithm)
	h.WriteString(`,"typ":"JWT","kid":`)
	writeString(&h, k.ID)
	h.WriteString(`,"version":"5"}`)

	var p bytes.Buffer
	p.Grow(384 + len(t.Payload))
	p.WriteString(`{"sub":`)
	writeString(&p, t.UserID)
	p.WriteString(`,"exp":`)
	p.WriteString(strconv.FormatInt(t.Expiry, 10))
	p.WriteString(`,"iat":`)
	p.WriteString(strconv.FormatInt(t.IssuedAt, 10))
	p.WriteString(`,"tId":`)
	writeString(&p, t.TenantID)
	p.WriteString(`,"rsub":`)
	writeString(&p, t.RecipeUserID)
	p.WriteString(`,"sessionHandle":`)
	writeString(&p, t.SessionHandle)
	p.WriteString(`,"refreshTokenHash1":`)
	writeString(&p, t.RTH1)
	p.WriteString(`,"parentRefreshTokenHash1":`)
	writeNullable(&p, t.ParentRTH1)
	p.WriteString(`,"antiCsrfToken":`)
	writeNullable(&p, t.AntiCSRF)
	if err := appendMembers(&p, t.Payload); err != nil {
		return "", err
	}
	p.WriteByte('}')
	return signing.Sign(k, h.Bytes(), p.Bytes())
}

// errTokenMalformed means a string is not an access token this core can
// read: not a JWS, a foreign header, or a missing or mistyped claim.
var errTokenMalformed = errors.New("session: malformed access token")

// tokenHeader is what the core reads from a JWS header.
type tokenHeader struct {
	Alg     string `json:"alg"`
	Typ     string `json:"typ"`
	Kid     any    `json:"kid"`
	Version any    `json:"version"`
}

// parseAccessToken decodes token without checking its signature. It checks
// the header and the claims the reference requires (§2.4.2).
func parseAccessToken(token string) (accessToken, signing.Parts, string, error) {
	parts, err := signing.Split(token)
	if err != nil {
		return accessToken{}, parts, "", errTokenMalformed
	}
	var h tokenHeader
	if json.Unmarshal(parts.Header, &h) != nil || signing.CheckAlgorithm(h.Alg) != nil || h.Typ != "JWT" {
		return accessToken{}, parts, "", errTokenMalformed
	}
	kid, ok := h.Kid.(string)
	if !ok || kid == "" {
		return accessToken{}, parts, "", errTokenMalformed
	}
	// The reference lets a missing version mean the latest; this core
	// requires one. Its session tokens always carry it, and the JWTs it
	// signs for POST /recipe/jwt never do, although their payload, chosen
	// by the caller, may copy every claim of a session's token: without
	// this a JWT would verify as a session of any user.
	v, ok := h.Version.(string)
	version, err := strconv.Atoi(v)
	if !ok || err != nil || version < 3 {
		return accessToken{}, parts, "", errTokenMalformed
	}
	t, err := parseClaims(parts.Payload, version)
	t.Algorithm = h.Alg
	return t, parts, kid, err
}

// parseClaims splits a payload into the V5 claims and the custom ones,
// keeping the custom claims' order.
func parseClaims(payload []byte, version int) (accessToken, error) {
	members, err := objectMembers(payload)
	if err != nil {
		return accessToken{}, errTokenMalformed
	}
	var t accessToken
	var custom bytes.Buffer
	custom.WriteByte('{')
	seen := map[string]bool{}
	bad := false
	str := func(raw json.RawMessage, dst *string) {
		if json.Unmarshal(raw, dst) != nil || raw[0] != '"' {
			bad = true
		}
	}
	nullableStr := func(raw json.RawMessage, dst *string) {
		if string(raw) != "null" {
			str(raw, dst)
		}
	}
	seconds := func(raw json.RawMessage, dst *int64) {
		var f float64
		if json.Unmarshal(raw, &f) != nil || f < 0 || f > 1<<53 {
			bad = true
		}
		*dst = int64(f)
	}
	for _, m := range members {
		seen[m.key] = true
		switch m.key {
		case "sub":
			str(m.value, &t.UserID)
		case "rsub":
			str(m.value, &t.RecipeUserID)
		case "tId":
			str(m.value, &t.TenantID)
		case "sessionHandle":
			str(m.value, &t.SessionHandle)
		case "refreshTokenHash1":
			str(m.value, &t.RTH1)
		case "parentRefreshTokenHash1":
			nullableStr(m.value, &t.ParentRTH1)
		case "antiCsrfToken":
			nullableStr(m.value, &t.AntiCSRF)
		case "exp":
			seconds(m.value, &t.Expiry)
		case "iat":
			seconds(m.value, &t.IssuedAt)
		case "stt":
			// OAuth tokens carry a non-zero stt; session tokens none or 0.
			if string(m.value) != "0" {
				bad = true
			}
		default:
			if custom.Len() > 1 {
				custom.WriteByte(',')
			}
			writeString(&custom, m.key)
			custom.WriteByte(':')
			custom.Write(m.value)
		}
	}
	custom.WriteByte('}')
	for _, c := range []string{"sub", "exp", "iat", "sessionHandle", "refreshTokenHash1"} {
		bad = bad || !seen[c]
	}
	if version >= 5 && !seen["rsub"] {
		bad = true
	}
	if bad {
		return accessToken{}, errTokenMalformed
	}
	if t.RecipeUserID == "" {
		t.RecipeUserID = t.UserID
	}
	if t.TenantID == "" {
		t.TenantID = tenantid.Default
	}
	t.Payload = custom.Bytes()
	return t, nil
}

// checkPayload refuses a custom payload that sets a protected claim, in
// any case: "SUB" or "tid" beside the token's "sub" and "tId" would let a
// reader that matches names loosely (Go's encoding/json does) take the
// custom value for the session's.
func checkPayload(payload json.RawMessage) error {
	members, err := objectMembers(payload)
	if err != nil {
		return errInvalidPayload
	}
	for _, m := range members {
		for name := range protectedClaims {
			if strings.EqualFold(m.key, name) {
				return ErrProtectedClaim
			}
		}
	}
	return nil
}
