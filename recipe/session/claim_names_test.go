package session

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// signRaw signs a v5 access token whose payload is exactly payload, so
// that a test decides the order of its keys.
func (f *fakeCore) signRaw(t *testing.T, payload string) string {
	t.Helper()
	hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": f.kid, "version": "5"})
	input := base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString([]byte(payload))
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, f.key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// TestClaimsAreReadByExactName checks that custom claims whose names differ
// from protected ones only in case (user data a core once let into the
// token, after the claims it sets) do not change the session's user,
// tenant or handle.
func TestClaimsAreReadByExactName(t *testing.T) {
	f := newFakeCore(t)
	now := time.Now()
	lk, rc := newTestRecipe(t, f, Config{}, func() time.Time { return now })
	var got *Session
	h := lk.Middleware(rc.VerifySession(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = FromContext(r.Context())
	})))
	tok := f.signRaw(t, fmt.Sprintf(`{"sub":"alice","exp":%d,"iat":%d,"tId":"public","rsub":"alice",`+
		`"sessionHandle":"h-alice","refreshTokenHash1":"ab12","parentRefreshTokenHash1":null,"antiCsrfToken":null,`+
		`"SUB":"mallory","Sub":"mallory","tid":"other","TID":"other","RSUB":"mallory","sessionhandle":"h-mallory",`+
		`"EXP":1,"Iat":1,"refreshtokenhash1":"x","ParentRefreshTokenHash1":"x","STT":3,"ſub":"mallory","S\u0055B":"mallory"}`,
		now.Add(time.Hour).Unix(), now.Unix()))
	r := httptest.NewRequest("GET", "/api", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	if w := serve(h, r); w.Code != 200 || got == nil {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if got.UserID() != "alice" || got.RecipeUserID() != "alice" || got.TenantID() != "public" || got.Handle() != "h-alice" {
		t.Errorf("session = user %q, recipe user %q, tenant %q, handle %q; want alice, alice, public, h-alice",
			got.UserID(), got.RecipeUserID(), got.TenantID(), got.Handle())
	}
	if p := got.AccessTokenPayload(); p["SUB"] != "mallory" || p["sub"] != "alice" {
		t.Errorf("the payload keeps every claim under its own name: %v", p)
	}
}

// TestCreateNewSessionRefusesProtectedClaims checks that a custom claim
// named like a protected one, in any case, is refused with an error
// before the core is called.
func TestCreateNewSessionRefusesProtectedClaims(t *testing.T) {
	f := newFakeCore(t)
	_, rc := newTestRecipe(t, f, Config{}, nil)
	for _, name := range []string{"sub", "SUB", "Sub", "tid", "TID", "tId", "sessionhandle", "SessionHandle", "rsub", "RSub",
		"exp", "EXP", "iat", "IAT", "refreshtokenhash1", "PARENTREFRESHTOKENHASH1", "anticsrftoken", "stt", "STT"} {
		r := httptest.NewRequest("POST", "/auth/signin", nil)
		_, err := rc.CreateNewSession(httptest.NewRecorder(), r, "public", "u1", map[string]any{"role": "x", name: "mallory"}, nil)
		if !errors.Is(err, ErrProtectedClaim) {
			t.Errorf("payload with %q: err = %v, want ErrProtectedClaim", name, err)
		}
	}
	if n := f.calls.Load(); n != 0 {
		t.Errorf("the core was called %d times, want none", n)
	}
}

// TestFoldedClaimNames pins the check that sends a payload down the slow,
// exact-name path: any quoted string that equals a claim's name but for
// case, any escape, any non-ASCII byte.
func TestFoldedClaimNames(t *testing.T) {
	t.Parallel()
	for payload, want := range map[string]bool{
		`{"sub":"a","exp":1,"iat":1,"sessionHandle":"h","refreshTokenHash1":"r","parentRefreshTokenHash1":null}`: false,
		`{"sub":"a","role":"sub","subject":"SUB-1","n":[1,{"x":"y"}]}`:                                           false,
		`{"sub":"a","SUB":"b"}`:                     true,
		`{"sub":"a","x":{"Sub":"b"}}`:               true,
		`{"sub":"a","sessionhandle":"h"}`:           true,
		`{"sub":"a","PARENTREFRESHTOKENHASH1":"h"}`: true,
		`{"sub":"a","tid":"t"}`:                     true,
		`{"sub":"a","x":"STT"}`:                     true, // a value: only the slow path
		`{"sub":"a","x":"\u0053ub"}`:                true,
		`{"sub":"a","ſub":"b"}`:                     true,
		`{"sub":"a","x":"unterminated`:              false,
		`{}`:                                        false,
		``:                                          false,
	} {
		if got := foldedClaimNames([]byte(payload)); got != want {
			t.Errorf("foldedClaimNames(%s) = %v, want %v", payload, got, want)
		}
	}
}
