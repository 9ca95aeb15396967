package session_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

func decodeSegment(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

const protectedMsg = "The user payload contains protected field"

func TestCreateSessionInput(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		ok := map[string]any{"userId": "u", "enableAntiCsrf": false, "userDataInJWT": map[string]any{}, "userDataInDatabase": map[string]any{}}
		with := func(k string, v any) map[string]any {
			m := map[string]any{}
			for key, val := range ok {
				m[key] = val
			}
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
			return m
		}
		steps := []step{
			{Name: "not JSON", Method: "POST", Path: "/recipe/session", Body: "{", WantCode: 400, WantText: "Invalid Json Input"},
			{Name: "array body", Method: "POST", Path: "/recipe/session", Body: "[]", WantCode: 400, WantText: "Invalid Json Input"},
			{Name: "no userId", Method: "POST", Path: "/recipe/session", Body: with("userId", nil), WantCode: 400, WantText: "Field name 'userId' is invalid in JSON input"},
			{Name: "numeric userId", Method: "POST", Path: "/recipe/session", Body: with("userId", 1), WantCode: 400, WantText: "Field name 'userId' is invalid in JSON input"},
			{Name: "no enableAntiCsrf", Method: "POST", Path: "/recipe/session", Body: with("enableAntiCsrf", nil), WantCode: 400, WantText: "Field name 'enableAntiCsrf' is invalid in JSON input"},
			{Name: "string enableAntiCsrf", Method: "POST", Path: "/recipe/session", Body: with("enableAntiCsrf", "true"), WantCode: 400, WantText: "Field name 'enableAntiCsrf' is invalid in JSON input"},
			{Name: "no userDataInJWT", Method: "POST", Path: "/recipe/session", Body: with("userDataInJWT", nil), WantCode: 400, WantText: "Field name 'userDataInJWT' is invalid in JSON input"},
			{Name: "array userDataInJWT", Method: "POST", Path: "/recipe/session", Body: with("userDataInJWT", []int{1}), WantCode: 400, WantText: "Field name 'userDataInJWT' is invalid in JSON input"},
			{Name: "no userDataInDatabase", Method: "POST", Path: "/recipe/session", Body: with("userDataInDatabase", nil), WantCode: 400, WantText: "Field name 'userDataInDatabase' is invalid in JSON input"},
			{Name: "string useDynamicSigningKey", Method: "POST", Path: "/recipe/session", Body: with("useDynamicSigningKey", "no"), WantCode: 400, WantText: "Field name 'useDynamicSigningKey' is invalid in JSON input"},
			{Name: "ok", Method: "POST", Path: "/recipe/session", Body: ok, WantStatus: "OK"},
			{Name: "public tenant prefix", Method: "POST", Path: "/public/recipe/session", Body: ok, WantStatus: "OK"},
		}
		for _, claim := range []string{"sub", "exp", "iat", "tId", "rsub", "sessionHandle", "refreshTokenHash1", "parentRefreshTokenHash1", "antiCsrfToken",
			// in any case: a loose reader would take them for the claims
			"SUB", "Sub", "ſub", "tid", "TID", "sessionhandle", "SESSIONHANDLE", "RSUB", "EXP", "Iat", "refreshtokenhash1", "ParentRefreshTokenHash1", "ANTICSRFTOKEN"} {
			steps = append(steps, step{Name: "protected " + claim, Method: "POST", Path: "/recipe/session",
				Body: with("userDataInJWT", map[string]any{"fine": 1, claim: "x"}), WantCode: 400, WantText: protectedMsg})
		}
		run(t, c, steps)
	})
}

func TestCreateSessionResponse(t *testing.T) {
	runWithClock(t, func(t *testing.T, c *coretest.Client, clk *clock) {
		s := createSession(t, c, map[string]any{"userId": "user-1", "userDataInJWT": map[string]any{"iss": "https://api.example.com/auth", "role": "admin"}, "userDataInDatabase": map[string]any{"device": "phone"}})
		m := s.Body
		if m["status"] != "OK" || len(m) != 4 {
			t.Errorf("keys: %v (want status, session, accessToken, refreshToken; no antiCsrfToken)", m)
		}
		sess := obj(t, m, "session")
		want := map[string]any{"handle": s.Handle, "userId": "user-1", "recipeUserId": "user-1", "tenantId": "public",
			"userDataInJWT": map[string]any{"iss": "https://api.example.com/auth", "role": "admin"}}
		if fmt.Sprint(sess) != fmt.Sprint(want) {
			t.Errorf("session = %v, want %v", sess, want)
		}
		if !isUUIDv4(s.Handle) {
			t.Errorf("handle %q is not a UUIDv4", s.Handle)
		}
		now := clk.Now().UnixMilli()
		at := obj(t, m, "accessToken")
		if at["createdTime"] != float64(now/1000*1000) || at["expiry"] != float64((now+3600_000)/1000*1000) {
			t.Errorf("accessToken times = %v, %v; now %d", at["createdTime"], at["expiry"], now)
		}
		rt := obj(t, m, "refreshToken")
		if rt["createdTime"] != float64(now) || rt["expiry"] != float64(now+100*24*3600_000) {
			t.Errorf("refreshToken times = %v, %v; now %d", rt["createdTime"], rt["expiry"], now)
		}
		if len(s.RefreshToken) < 43 || strings.ContainsAny(s.RefreshToken, "+/=") {
			t.Errorf("refresh token %q is not long URL-safe base64", s.RefreshToken)
		}
		cl := claims(t, s.AccessToken)
		if cl["parentRefreshTokenHash1"] != nil || cl["antiCsrfToken"] != nil || cl["refreshTokenHash1"] != sha256Hex(s.RefreshToken) {
			t.Errorf("claims = %v", cl)
		}
		row, err := c.Store.Session(t.Context(), s.Handle)
		if err != nil {
			t.Fatal(err)
		}
		if row.RefreshTokenHash2 != sha256Hex(sha256Hex(s.RefreshToken)) {
			t.Error("the store does not hold sha256hex(sha256hex(refresh token))")
		}

		// Anti-CSRF: a UUIDv4 in the response and both tokens.
		s = createSession(t, c, map[string]any{"enableAntiCsrf": true})
		if !isUUIDv4(s.AntiCSRF) || claims(t, s.AccessToken)["antiCsrfToken"] != s.AntiCSRF {
			t.Errorf("anti-CSRF token %q, claims %v", s.AntiCSRF, claims(t, s.AccessToken))
		}
	})
}

func TestAccessTokenJitter(t *testing.T) {
	clk := newClock()
	c := coretest.New(t, func(cfg *core.Config) {
		cfg.Now = clk.Now
		j := 0.25
		cfg.AccessTokenValidityJitter = &j
	})
	now := clk.Now().UnixMilli()
	lo, hi := (now+3600_000*3/4)/1000*1000, (now+3600_000)/1000*1000
	shorter := false
	for range 20 {
		s := createSession(t, c, nil)
		exp := int64(obj(t, s.Body, "accessToken")["expiry"].(float64))
		if exp < lo || exp > hi || exp%1000 != 0 {
			t.Fatalf("expiry %d outside [%d, %d]", exp, lo, hi)
		}
		shorter = shorter || exp < hi-1000
		m := refresh(t, c, s.RefreshToken, nil)
		if exp := int64(obj(t, m, "accessToken")["expiry"].(float64)); exp < lo || exp > hi {
			t.Fatalf("refreshed expiry %d outside [%d, %d]", exp, lo, hi)
		}
	}
	if !shorter {
		t.Error("20 tokens and none shortened by jitter")
	}
}

// TestTokenVerifiesWithJOSE checks a token against the core's JWKS with an
// independent library (go-jose; the core signs with crypto/rsa), and pins
// the V5 header and claims.
func TestTokenVerifiesWithJOSE(t *testing.T) {
	runWithClock(t, func(t *testing.T, c *coretest.Client, clk *clock) {
		c.Header.Set("api-key", "")
		for _, dynamic := range []bool{true, false} {
			s := createSession(t, c, map[string]any{"userId": "u-9", "enableAntiCsrf": true, "useDynamicSigningKey": dynamic,
				"userDataInJWT": map[string]any{"iss": "https://api.example.com", "n": 1}})
			jwks := c.Get(t, "/.well-known/jwks.json")
			if jwks.Code != 200 {
				t.Fatalf("jwks: %d %s", jwks.Code, jwks.Body)
			}
			var set jose.JSONWebKeySet
			if err := json.Unmarshal(jwks.Body, &set); err != nil {
				t.Fatal(err)
			}
			sig, err := jose.ParseSignedCompact(s.AccessToken, []jose.SignatureAlgorithm{jose.RS256})
			if err != nil {
				t.Fatal(err)
			}
			h := sig.Signatures[0].Header
			keys := set.Key(h.KeyID)
			if len(keys) != 1 {
				t.Fatalf("kid %q: %d keys in %s", h.KeyID, len(keys), jwks.Body)
			}
			payload, err := sig.Verify(keys[0])
			if err != nil {
				t.Fatalf("go-jose: %v", err)
			}
			if dynamic != strings.HasPrefix(h.KeyID, "d-") || !dynamic && !strings.HasPrefix(h.KeyID, "s-") {
				t.Errorf("kid %q for dynamic=%v", h.KeyID, dynamic)
			}
			rawHeader, _ := decodeSegment(strings.Split(s.AccessToken, ".")[0])
			if want := `{"alg":"RS256","typ":"JWT","kid":"` + h.KeyID + `","version":"5"}`; string(rawHeader) != want {
				t.Errorf("header %s, want %s", rawHeader, want)
			}
			now := clk.Now().Unix()
			want := fmt.Sprintf(`{"sub":"u-9","exp":%d,"iat":%d,"tId":"public","rsub":"u-9","sessionHandle":%q,`+
				`"refreshTokenHash1":%q,"parentRefreshTokenHash1":null,"antiCsrfToken":%q,"iss":"https://api.example.com","n":1}`,
				now+3600, now, s.Handle, sha256Hex(s.RefreshToken), s.AntiCSRF)
			if string(payload) != want {
				t.Errorf("payload\n%s\nwant\n%s", payload, want)
			}
		}
	})
}

// TestTheft is the reference's legacy scenario: a refresh token that was
// replaced by its promoted child is theft when used again.
func TestTheft(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		s1 := createSession(t, c, map[string]any{"userDataInJWT": map[string]any{"k": "v"}})
		// A fresh token has no parent: verify needs no database and mints
		// nothing.
		m := verify(t, c, s1.AccessToken, nil)
		if m["status"] != "OK" || m["accessToken"] != nil {
			t.Fatalf("verify fresh: %v", m)
		}

		m = refresh(t, c, s1.RefreshToken, nil)
		if m["status"] != "OK" {
			t.Fatalf("refresh RT1: %v", m)
		}
		s2 := parseTokens(t, m)
		cl := claims(t, s2.AccessToken)
		if cl["parentRefreshTokenHash1"] != sha256Hex(s1.RefreshToken) || cl["refreshTokenHash1"] != sha256Hex(s2.RefreshToken) || cl["k"] != "v" {
			t.Fatalf("refreshed claims %v", cl)
		}
		// The parent may refresh again until the child is used.
		if m := refresh(t, c, s1.RefreshToken, nil); m["status"] != "OK" {
			t.Fatalf("refresh RT1 again before promotion: %v", m)
		}

		// Verifying the child's access token promotes RT2 and returns a
		// token without a parent.
		m = verify(t, c, s2.AccessToken, nil)
		if m["status"] != "OK" || m["accessToken"] == nil {
			t.Fatalf("verify refreshed: %v", m)
		}
		promoted := str(t, obj(t, m, "accessToken"), "token")
		if cl := claims(t, promoted); cl["parentRefreshTokenHash1"] != nil || cl["refreshTokenHash1"] != sha256Hex(s2.RefreshToken) {
			t.Fatalf("promoted claims %v", cl)
		}
		row, _ := c.Store.Session(t.Context(), s1.Handle)
		if row.RefreshTokenHash2 != sha256Hex(sha256Hex(s2.RefreshToken)) {
			t.Error("verify did not promote RT2 in the store")
		}
		if m := verify(t, c, promoted, nil); m["status"] != "OK" || m["accessToken"] != nil {
			t.Errorf("verify promoted token: %v", m)
		}

		m = refresh(t, c, s1.RefreshToken, nil)
		want := fmt.Sprintf(`map[session:map[handle:%s recipeUserId:user-1 userId:user-1] status:TOKEN_THEFT_DETECTED]`, s1.Handle)
		if fmt.Sprint(m) != want {
			t.Errorf("reusing RT1: %v, want %s", m, want)
		}
		// The legacy path leaves revoking to the SDK.
		if m := refresh(t, c, s2.RefreshToken, nil); m["status"] != "OK" {
			t.Errorf("RT2 after theft report: %v", m)
		}
	})
}

// TestRefreshPromotesChild: refreshing with a child promotes it, so its
// parent becomes theft.
func TestRefreshPromotesChild(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		s1 := createSession(t, c, nil)
		s2 := parseTokens(t, refresh(t, c, s1.RefreshToken, nil))
		s3 := parseTokens(t, refresh(t, c, s2.RefreshToken, nil))
		if cl := claims(t, s3.AccessToken); cl["parentRefreshTokenHash1"] != sha256Hex(s2.RefreshToken) {
			t.Errorf("claims %v", cl)
		}
		if m := refresh(t, c, s1.RefreshToken, nil); m["status"] != "TOKEN_THEFT_DETECTED" {
			t.Errorf("RT1 after RT2 was promoted: %v", m)
		}
	})
}

func TestAntiCSRF(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		s := createSession(t, c, map[string]any{"enableAntiCsrf": true})
		for name, extra := range map[string]map[string]any{
			"missing":  {"enableAntiCsrf": true},
			"mismatch": {"enableAntiCsrf": true, "antiCsrfToken": "0c9d9b9e-62c6-4b1f-9c2b-0e7f0b1c2d3e"},
		} {
			m := refresh(t, c, s.RefreshToken, extra)
			if fmt.Sprint(m) != "map[message:Anti CSRF token missing, or not matching status:UNAUTHORISED]" {
				t.Errorf("refresh, %s token: %v", name, m)
			}
			m = verify(t, c, s.AccessToken, map[string]any{"enableAntiCsrf": true, "doAntiCsrfCheck": true, "antiCsrfToken": extra["antiCsrfToken"]})
			if m["status"] != "TRY_REFRESH_TOKEN" || m["message"] != "anti-csrf check failed" {
				t.Errorf("verify, %s token: %v", name, m)
			}
		}
		// Without the check the token verifies.
		if m := verify(t, c, s.AccessToken, map[string]any{"enableAntiCsrf": true}); m["status"] != "OK" {
			t.Errorf("verify without check: %v", m)
		}
		if m := verify(t, c, s.AccessToken, map[string]any{"enableAntiCsrf": true, "doAntiCsrfCheck": true, "antiCsrfToken": s.AntiCSRF}); m["status"] != "OK" {
			t.Errorf("verify with the right token: %v", m)
		}
		m := refresh(t, c, s.RefreshToken, map[string]any{"enableAntiCsrf": true, "antiCsrfToken": s.AntiCSRF})
		s2 := parseTokens(t, m)
		if m["status"] != "OK" || !isUUIDv4(s2.AntiCSRF) || s2.AntiCSRF == s.AntiCSRF || claims(t, s2.AccessToken)["antiCsrfToken"] != s2.AntiCSRF {
			t.Errorf("refresh with the right token: %v", m)
		}
		// anti-CSRF off at refresh: the token's value is not checked.
		if m := refresh(t, c, s2.RefreshToken, nil); m["status"] != "OK" || m["antiCsrfToken"] != nil {
			t.Errorf("refresh with anti-CSRF off: %v", m)
		}
	})
}

func TestVerifyAndRefreshFailures(t *testing.T) {
	runWithClock(t, func(t *testing.T, c *coretest.Client, clk *clock) {
		s := createSession(t, c, nil)
		parts := strings.Split(s.AccessToken, ".")
		other := createSession(t, c, map[string]any{"userId": "someone-else"})
		otherParts := strings.Split(other.AccessToken, ".")
		for name, tok := range map[string]string{
			"garbage":          "abc",
			"swapped payload":  parts[0] + "." + otherParts[1] + "." + parts[2],
			"bad signature":    parts[0] + "." + parts[1] + "." + otherParts[2],
			"unknown key":      base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT","kid":"d-1","version":"5"}`)) + "." + parts[1] + "." + parts[2],
			"unknown static":   base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT","kid":"s-00000000-0000-4000-8000-000000000000","version":"5"}`)) + "." + parts[1] + "." + parts[2],
			"none algorithm":   base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT","kid":"d-1","version":"5"}`)) + "." + parts[1] + ".",
			"refresh as token": s.RefreshToken,
		} {
			if m := verify(t, c, tok, nil); m["status"] != "TRY_REFRESH_TOKEN" || m["message"] == nil {
				t.Errorf("verify %s: %v", name, m)
			}
		}
		for name, tok := range map[string]string{
			"garbage":          "abc",
			"empty":            "",
			"access as RT":     s.AccessToken,
			"truncated":        s.RefreshToken[:len(s.RefreshToken)-2],
			"java-style":       "YWJj.ZGVm.V2",
			"other session RT": other.RefreshToken[:10] + s.RefreshToken[10:],
		} {
			if m := refresh(t, c, tok, nil); m["status"] != "UNAUTHORISED" {
				t.Errorf("refresh %s: %v", name, m)
			}
		}
		run(t, c, []step{
			{Name: "verify no accessToken", Method: "POST", Path: "/recipe/session/verify", Body: map[string]any{"doAntiCsrfCheck": false, "enableAntiCsrf": false, "checkDatabase": false}, WantCode: 400, WantText: "Field name 'accessToken' is invalid in JSON input"},
			{Name: "verify no checkDatabase", Method: "POST", Path: "/recipe/session/verify", Body: map[string]any{"accessToken": s.AccessToken, "doAntiCsrfCheck": false, "enableAntiCsrf": false}, WantCode: 400, WantText: "Field name 'checkDatabase' is invalid in JSON input"},
			{Name: "verify no doAntiCsrfCheck", Method: "POST", Path: "/recipe/session/verify", Body: map[string]any{"accessToken": s.AccessToken, "enableAntiCsrf": false, "checkDatabase": false}, WantCode: 400, WantText: "Field name 'doAntiCsrfCheck' is invalid in JSON input"},
			{Name: "verify numeric antiCsrfToken", Method: "POST", Path: "/recipe/session/verify", Body: map[string]any{"accessToken": s.AccessToken, "doAntiCsrfCheck": false, "enableAntiCsrf": false, "checkDatabase": false, "antiCsrfToken": 1}, WantCode: 400, WantText: "Field name 'antiCsrfToken' is invalid in JSON input"},
			{Name: "refresh no useDynamicSigningKey", Method: "POST", Path: "/recipe/session/refresh", Body: map[string]any{"refreshToken": s.RefreshToken, "enableAntiCsrf": false}, WantCode: 400, WantText: "Field name 'useDynamicSigningKey' is invalid in JSON input"},
			{Name: "refresh no refreshToken", Method: "POST", Path: "/recipe/session/refresh", Body: map[string]any{"enableAntiCsrf": false, "useDynamicSigningKey": true}, WantCode: 400, WantText: "Field name 'refreshToken' is invalid in JSON input"},
			{Name: "refresh no enableAntiCsrf", Method: "POST", Path: "/recipe/session/refresh", Body: map[string]any{"refreshToken": s.RefreshToken, "useDynamicSigningKey": true}, WantCode: 400, WantText: "Field name 'enableAntiCsrf' is invalid in JSON input"},
			{Name: "verify GET", Method: "GET", Path: "/recipe/session/verify", WantCode: 405, WantText: "Method not supported"},
		})

		// checkDatabase sees a revoked session at once.
		c.Post(t, "/recipe/session/remove", map[string]any{"sessionHandles": []string{other.Handle}})
		if m := verify(t, c, other.AccessToken, nil); m["status"] != "OK" {
			t.Errorf("verify revoked without checkDatabase: %v", m)
		}
		if m := verify(t, c, other.AccessToken, map[string]any{"checkDatabase": true}); fmt.Sprint(m) != "map[message:Either the session has ended or has been blacklisted status:UNAUTHORISED]" {
			t.Errorf("verify revoked with checkDatabase: %v", m)
		}
		if m := refresh(t, c, other.RefreshToken, nil); fmt.Sprint(m) != "map[message:Session missing in db or has expired status:UNAUTHORISED]" {
			t.Errorf("refresh revoked: %v", m)
		}
		// A refreshed token of a revoked session cannot be promoted.
		s2 := parseTokens(t, refresh(t, c, s.RefreshToken, nil))
		c.Post(t, "/recipe/session/remove", map[string]any{"sessionHandles": []string{s.Handle}})
		if m := verify(t, c, s2.AccessToken, nil); fmt.Sprint(m) != "map[message:Session missing in db status:UNAUTHORISED]" {
			t.Errorf("verify refreshed token of a revoked session: %v", m)
		}

		// Expiry: an access token after its validity; a session after the
		// refresh validity.
		s3 := createSession(t, c, nil)
		clk.Advance(time.Hour + time.Second)
		if m := verify(t, c, s3.AccessToken, nil); fmt.Sprint(m) != "map[message:Access token expired status:TRY_REFRESH_TOKEN]" {
			t.Errorf("verify expired: %v", m)
		}
		if m := refresh(t, c, s3.RefreshToken, nil); m["status"] != "OK" {
			t.Errorf("refresh after the access token expired: %v", m)
		}
		clk.Advance(100 * 24 * time.Hour)
		if m := refresh(t, c, s3.RefreshToken, nil); fmt.Sprint(m) != "map[message:Session missing in db or has expired status:UNAUTHORISED]" {
			t.Errorf("refresh expired session: %v", m)
		}
	})
}

// TestVerifyPayloadUpdate: with checkDatabase, a token whose payload
// differs from the stored one is replaced by one with the stored payload.
func TestVerifyPayloadUpdate(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		s := createSession(t, c, map[string]any{"userDataInJWT": map[string]any{"v": 1}})
		run(t, c, []step{{Name: "put jwt data", Method: "PUT", Path: "/recipe/jwt/data",
			Body: map[string]any{"sessionHandle": s.Handle, "userDataInJWT": map[string]any{"v": 2}}, WantJSON: `{"status":"OK"}`}})
		m := verify(t, c, s.AccessToken, nil)
		if m["accessToken"] != nil || obj(t, obj(t, m, "session"), "userDataInJWT")["v"] != float64(1) {
			t.Errorf("without checkDatabase: %v", m)
		}
		m = verify(t, c, s.AccessToken, map[string]any{"checkDatabase": true})
		if m["accessToken"] == nil || obj(t, obj(t, m, "session"), "userDataInJWT")["v"] != float64(2) {
			t.Fatalf("with checkDatabase: %v", m)
		}
		if cl := claims(t, str(t, obj(t, m, "accessToken"), "token")); cl["v"] != float64(2) {
			t.Errorf("new token claims %v", cl)
		}
	})
}

func TestSessionData(t *testing.T) {
	runWithClock(t, func(t *testing.T, c *coretest.Client, clk *clock) {
		s := createSession(t, c, map[string]any{"userDataInJWT": map[string]any{"a": 1}, "userDataInDatabase": map[string]any{"b": 2}})
		now := clk.Now().UnixMilli()
		h := s.Handle
		missing := "00000000-0000-4000-8000-000000000000"
		notExist := `{"status":"UNAUTHORISED","message":"Session does not exist."}`
		run(t, c, []step{
			{Name: "get", Method: "GET", Path: "/recipe/session?sessionHandle=" + h, WantJSON: fmt.Sprintf(
				`{"status":"OK","sessionHandle":%q,"userId":"user-1","recipeUserId":"user-1","userDataInDatabase":{"b":2},"expiry":%d,"userDataInJWT":{"a":1},"timeCreated":%d,"tenantId":"public"}`,
				h, now+100*24*3600_000, now)},
			{Name: "get no handle", Method: "GET", Path: "/recipe/session", WantCode: 400, WantText: "Field name 'sessionHandle' is missing in GET request"},
			{Name: "get unknown", Method: "GET", Path: "/recipe/session?sessionHandle=" + missing, WantJSON: notExist},
			{Name: "get data", Method: "GET", Path: "/recipe/session/data?sessionHandle=" + h, WantJSON: `{"status":"OK","userDataInDatabase":{"b":2}}`},
			{Name: "get data unknown", Method: "GET", Path: "/recipe/session/data?sessionHandle=" + missing, WantJSON: notExist},
			{Name: "put data", Method: "PUT", Path: "/recipe/session/data", Body: map[string]any{"sessionHandle": h, "userDataInDatabase": map[string]any{"c": 3}}, WantJSON: `{"status":"OK"}`},
			{Name: "data replaced, not merged", Method: "GET", Path: "/recipe/session/data?sessionHandle=" + h, WantJSON: `{"status":"OK","userDataInDatabase":{"c":3}}`},
			{Name: "put data unknown", Method: "PUT", Path: "/recipe/session/data", Body: map[string]any{"sessionHandle": missing, "userDataInDatabase": map[string]any{}}, WantJSON: notExist},
			{Name: "put data not object", Method: "PUT", Path: "/recipe/session/data", Body: map[string]any{"sessionHandle": h, "userDataInDatabase": "x"}, WantCode: 400, WantText: "Field name 'userDataInDatabase' is invalid in JSON input"},
			{Name: "put data no handle", Method: "PUT", Path: "/recipe/session/data", Body: map[string]any{"userDataInDatabase": map[string]any{}}, WantCode: 400, WantText: "Field name 'sessionHandle' is invalid in JSON input"},
			{Name: "get jwt data", Method: "GET", Path: "/recipe/jwt/data?sessionHandle=" + h, WantJSON: `{"status":"OK","userDataInJWT":{"a":1}}`},
			{Name: "put jwt data", Method: "PUT", Path: "/recipe/jwt/data", Body: map[string]any{"sessionHandle": h, "userDataInJWT": map[string]any{"z": true}}, WantJSON: `{"status":"OK"}`},
			{Name: "jwt data replaced", Method: "GET", Path: "/recipe/jwt/data?sessionHandle=" + h, WantJSON: `{"status":"OK","userDataInJWT":{"z":true}}`},
			{Name: "put jwt data protected", Method: "PUT", Path: "/recipe/jwt/data", Body: map[string]any{"sessionHandle": h, "userDataInJWT": map[string]any{"sub": "x"}}, WantCode: 400, WantText: protectedMsg},
			{Name: "put jwt data unknown", Method: "PUT", Path: "/recipe/jwt/data", Body: map[string]any{"sessionHandle": missing, "userDataInJWT": map[string]any{}}, WantJSON: notExist},
			{Name: "get jwt data unknown", Method: "GET", Path: "/recipe/jwt/data?sessionHandle=" + missing, WantJSON: notExist},
			{Name: "put jwt data missing", Method: "PUT", Path: "/recipe/jwt/data", Body: map[string]any{"sessionHandle": h}, WantCode: 400, WantText: "Field name 'userDataInJWT' is invalid in JSON input"},
		})
		// New tokens carry the new payload; the old one keeps its own.
		if m := refresh(t, c, s.RefreshToken, nil); claims(t, str(t, obj(t, m, "accessToken"), "token"))["z"] != true {
			t.Errorf("refresh after PUT /recipe/jwt/data: %v", m)
		}
		if cl := claims(t, s.AccessToken); cl["a"] != float64(1) {
			t.Errorf("old token changed: %v", cl)
		}

		clk.Advance(100*24*time.Hour + time.Millisecond)
		run(t, c, []step{
			{Name: "get expired", Method: "GET", Path: "/recipe/session?sessionHandle=" + h, WantJSON: notExist},
			{Name: "put data expired", Method: "PUT", Path: "/recipe/session/data", Body: map[string]any{"sessionHandle": h, "userDataInDatabase": map[string]any{}}, WantJSON: notExist},
			{Name: "user handles skip expired", Method: "GET", Path: "/recipe/session/user?userId=user-1", WantJSON: `{"status":"OK","sessionHandles":[]}`},
		})
	})
}

func TestRemoveAndUserSessions(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		a1 := createSession(t, c, map[string]any{"userId": "alice"})
		a2 := createSession(t, c, map[string]any{"userId": "alice"})
		b := createSession(t, c, map[string]any{"userId": "bob"})
		m := c.Get(t, "/recipe/session/user?userId=alice").JSON(t)
		if got := fmt.Sprint(m["sessionHandles"]); !strings.Contains(got, a1.Handle) || !strings.Contains(got, a2.Handle) || strings.Contains(got, b.Handle) {
			t.Errorf("alice's sessions: %v", m)
		}
		run(t, c, []step{
			{Name: "user handles no userId", Method: "GET", Path: "/recipe/session/user", WantCode: 400, WantText: "Field name 'userId' is missing in GET request"},
			{Name: "user handles this tenant", Method: "GET", Path: "/public/recipe/session/user?userId=bob&fetchAcrossAllTenants=false", WantJSON: fmt.Sprintf(`{"status":"OK","sessionHandles":[%q]}`, b.Handle)},
			{Name: "unknown user", Method: "GET", Path: "/recipe/session/user?userId=nobody", WantJSON: `{"status":"OK","sessionHandles":[]}`},
			{Name: "neither", Method: "POST", Path: "/recipe/session/remove", Body: map[string]any{}, WantCode: 400, WantText: "Invalid JSON input - use one of userId or sessionHandles array"},
			{Name: "both", Method: "POST", Path: "/recipe/session/remove", Body: map[string]any{"userId": "alice", "sessionHandles": []string{}}, WantCode: 400, WantText: "Invalid JSON input - use one of userId or sessionHandles array"},
			{Name: "flag without userId", Method: "POST", Path: "/recipe/session/remove", Body: map[string]any{"sessionHandles": []string{}, "revokeAcrossAllTenants": true}, WantCode: 400, WantText: "Invalid JSON input - revokeAcrossAllTenants can only be set if userId is set"},
			{Name: "linked flag without userId", Method: "POST", Path: "/recipe/session/remove", Body: map[string]any{"sessionHandles": []string{}, "revokeSessionsForLinkedAccounts": true}, WantCode: 400, WantText: "Invalid JSON input - revokeSessionsForLinkedAccounts can only be set if userId is set"},
			{Name: "handles not strings", Method: "POST", Path: "/recipe/session/remove", Body: map[string]any{"sessionHandles": []int{1}}, WantCode: 400, WantText: "Field name 'sessionHandles' is invalid in JSON input"},
			{Name: "numeric userId", Method: "POST", Path: "/recipe/session/remove", Body: map[string]any{"userId": 5}, WantCode: 400, WantText: "Field name 'userId' is invalid in JSON input"},
			{Name: "by handle", Method: "POST", Path: "/recipe/session/remove", Body: map[string]any{"sessionHandles": []string{b.Handle, "00000000-0000-4000-8000-000000000000"}}, WantJSON: fmt.Sprintf(`{"status":"OK","sessionHandlesRevoked":[%q]}`, b.Handle)},
			{Name: "by handle again", Method: "POST", Path: "/recipe/session/remove", Body: map[string]any{"sessionHandles": []string{b.Handle}}, WantJSON: `{"status":"OK","sessionHandlesRevoked":[]}`},
			{Name: "empty handles", Method: "POST", Path: "/recipe/session/remove", Body: map[string]any{"sessionHandles": []string{}}, WantJSON: `{"status":"OK","sessionHandlesRevoked":[]}`},
			{Name: "by user, this tenant", Method: "POST", Path: "/recipe/session/remove", Body: map[string]any{"userId": "nobody", "revokeAcrossAllTenants": false}, WantJSON: `{"status":"OK","sessionHandlesRevoked":[]}`},
		})
		m = c.Post(t, "/recipe/session/remove", map[string]any{"userId": "alice", "revokeSessionsForLinkedAccounts": true}).JSON(t)
		if got := fmt.Sprint(m["sessionHandlesRevoked"]); m["status"] != "OK" || !strings.Contains(got, a1.Handle) || !strings.Contains(got, a2.Handle) {
			t.Errorf("revoke alice: %v", m)
		}
		run(t, c, []step{{Name: "alice has none", Method: "GET", Path: "/recipe/session/user?userId=alice", WantJSON: `{"status":"OK","sessionHandles":[]}`}})
	})
}

func TestRegenerate(t *testing.T) {
	runWithClock(t, func(t *testing.T, c *coretest.Client, clk *clock) {
		s := createSession(t, c, map[string]any{"userDataInJWT": map[string]any{"a": 1}, "enableAntiCsrf": true})
		old := claims(t, s.AccessToken)
		clk.Advance(10 * time.Second)
		m := c.Post(t, "/recipe/session/regenerate", map[string]any{"accessToken": s.AccessToken, "userDataInJWT": map[string]any{"b": 2}}).JSON(t)
		if m["status"] != "OK" || m["refreshToken"] != nil {
			t.Fatalf("regenerate: %v", m)
		}
		at := obj(t, m, "accessToken")
		cl := claims(t, str(t, at, "token"))
		if cl["exp"] != old["exp"] || cl["iat"] != old["iat"].(float64)+10 || cl["refreshTokenHash1"] != old["refreshTokenHash1"] ||
			cl["antiCsrfToken"] != s.AntiCSRF || cl["b"] != float64(2) || cl["a"] != nil {
			t.Errorf("regenerated claims %v, old %v", cl, old)
		}
		if at["expiry"] != old["exp"].(float64)*1000 {
			t.Errorf("expiry %v", at["expiry"])
		}
		if fmt.Sprint(obj(t, m, "session")["userDataInJWT"]) != "map[b:2]" {
			t.Errorf("session %v", m["session"])
		}
		if m := verify(t, c, str(t, at, "token"), nil); m["status"] != "OK" {
			t.Errorf("verify regenerated: %v", m)
		}
		// Without a payload the stored one is used.
		m = c.Post(t, "/recipe/session/regenerate", map[string]any{"accessToken": s.AccessToken}).JSON(t)
		if cl := claims(t, str(t, obj(t, m, "accessToken"), "token")); cl["b"] != float64(2) {
			t.Errorf("regenerate without payload: %v", cl)
		}
		run(t, c, []step{
			{Name: "protected", Method: "POST", Path: "/recipe/session/regenerate", Body: map[string]any{"accessToken": s.AccessToken, "userDataInJWT": map[string]any{"rsub": 1}}, WantCode: 400, WantText: protectedMsg},
			{Name: "malformed token", Method: "POST", Path: "/recipe/session/regenerate", Body: map[string]any{"accessToken": "x.y.z"}, WantCode: 400, WantText: "Invalid access token"},
			{Name: "no token", Method: "POST", Path: "/recipe/session/regenerate", Body: map[string]any{}, WantCode: 400, WantText: "Field name 'accessToken' is invalid in JSON input"},
			{Name: "payload not object", Method: "POST", Path: "/recipe/session/regenerate", Body: map[string]any{"accessToken": s.AccessToken, "userDataInJWT": 1}, WantCode: 400, WantText: "Field name 'userDataInJWT' is invalid in JSON input"},
		})
		// An expired token: the payload is saved, no token is minted.
		clk.Advance(time.Hour)
		m = c.Post(t, "/recipe/session/regenerate", map[string]any{"accessToken": s.AccessToken, "userDataInJWT": map[string]any{"c": 3}}).JSON(t)
		if m["status"] != "OK" || m["accessToken"] != nil || fmt.Sprint(obj(t, m, "session")["userDataInJWT"]) != "map[c:3]" {
			t.Errorf("regenerate expired token: %v", m)
		}
		c.Post(t, "/recipe/session/remove", map[string]any{"sessionHandles": []string{s.Handle}})
		m = c.Post(t, "/recipe/session/regenerate", map[string]any{"accessToken": s.AccessToken}).JSON(t)
		if fmt.Sprint(m) != "map[message:Session does not exist. status:UNAUTHORISED]" {
			t.Errorf("regenerate revoked: %v", m)
		}
	})
}

// TestStaticKeySessions: useDynamicSigningKey picks the key, and refresh
// may switch it for the rest of the session.
func TestStaticKeySessions(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		s := createSession(t, c, map[string]any{"useDynamicSigningKey": false})
		if kid := header(t, s.AccessToken)["kid"]; !strings.HasPrefix(kid, "s-") {
			t.Fatalf("static session kid %q", kid)
		}
		s2 := parseTokens(t, refresh(t, c, s.RefreshToken, map[string]any{"useDynamicSigningKey": true}))
		if kid := header(t, s2.AccessToken)["kid"]; !strings.HasPrefix(kid, "d-") {
			t.Errorf("refreshed with dynamic key: kid %q", kid)
		}
		m := verify(t, c, s2.AccessToken, nil) // promotes, signs with the stored choice
		if kid := header(t, str(t, obj(t, m, "accessToken"), "token"))["kid"]; !strings.HasPrefix(kid, "d-") {
			t.Errorf("promoted token kid %q", kid)
		}
		if m := verify(t, c, s.AccessToken, nil); m["status"] != "OK" {
			t.Errorf("static token: %v", m)
		}
	})
}

func header(t testing.TB, token string) map[string]string {
	t.Helper()
	raw, err := decodeSegment(strings.Split(token, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var h map[string]string
	if err := json.Unmarshal(raw, &h); err != nil {
		t.Fatal(err)
	}
	return h
}

// TestConcurrentRefresh: clients racing to refresh with one child token
// all succeed; the promotion happens once and no one sees theft.
func TestConcurrentRefresh(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		s := createSession(t, c, nil)
		child := parseTokens(t, refresh(t, c, s.RefreshToken, nil))
		var wg sync.WaitGroup
		statuses := make([]string, 8)
		for i := range statuses {
			wg.Go(func() {
				r := c.Post(t, "/recipe/session/refresh", map[string]any{"refreshToken": child.RefreshToken, "enableAntiCsrf": false, "useDynamicSigningKey": true})
				if r.Code == http.StatusOK {
					statuses[i], _ = r.JSON(t)["status"].(string)
				}
			})
		}
		wg.Wait()
		for i, s := range statuses {
			if s != "OK" {
				t.Errorf("refresh %d: %q", i, s)
			}
		}
	})
}

// isUUIDv4 reports whether s is a lower-case UUID of version 4.
func isUUIDv4(s string) bool {
	if len(s) != 36 || s[14] != '4' || !strings.ContainsRune("89ab", rune(s[19])) {
		return false
	}
	for i, r := range s {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if r != '-' {
				return false
			}
		} else if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return true
}
