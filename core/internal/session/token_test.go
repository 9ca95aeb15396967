package session

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/latchkey-dev/latchkey/core/internal/signing"
)

func testKey(t testing.TB) *signing.Key {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return &signing.Key{ID: "d-1700000000000", Algorithm: signing.RS256, Dynamic: true, Private: priv}
}

func TestRefreshTokenRoundTrip(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{7}, 32)
	parent := bytes.Repeat([]byte{0xab}, 32)
	for _, in := range []refreshToken{
		{Handle: "1b4e28ba-2fa1-41d2-883f-0016d3cca427"},
		{Handle: "1b4e28ba-2fa1-41d2-883f-0016d3cca427", ParentRTH1: parent},
		{Handle: "h_tenant", ParentRTH1: parent, AntiCSRF: "c5a6a1d1-6c8c-4f86-b1f6-1f1dcd1e8f3e"},
		{Handle: "h", AntiCSRF: "x"},
	} {
		tok, err := in.encode(key)
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(tok, "+/=.") {
			t.Errorf("token %q is not URL-safe base64", tok)
		}
		out, err := decodeRefreshToken(tok, key)
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		if out.Handle != in.Handle || !bytes.Equal(out.ParentRTH1, in.ParentRTH1) || out.AntiCSRF != in.AntiCSRF {
			t.Errorf("round trip: got %+v, want %+v", out, in)
		}
		again, _ := in.encode(key)
		if again == tok {
			t.Error("two tokens for one session are equal: the nonce is missing")
		}
	}
}

func TestRefreshTokenRejectsForgery(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{7}, 32)
	tok, err := refreshToken{Handle: "h", ParentRTH1: bytes.Repeat([]byte{1}, 32)}.encode(key)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	for i := range raw {
		b := bytes.Clone(raw)
		b[i] ^= 0x01
		if _, err := decodeRefreshToken(base64.RawURLEncoding.EncodeToString(b), key); err == nil {
			t.Fatalf("flipping byte %d was not detected", i)
		}
	}
	if _, err := decodeRefreshToken(tok, bytes.Repeat([]byte{8}, 32)); err == nil {
		t.Error("a token verified under another key")
	}
	for _, bad := range []string{"", "x", "a.b.V2", strings.Repeat("A", 2000), tok + "A", "!!!!"} {
		if _, err := decodeRefreshToken(bad, key); !errors.Is(err, errRefreshTokenInvalid) {
			t.Errorf("decode(%q) = %v, want errRefreshTokenInvalid", bad, err)
		}
	}
}

func TestAccessTokenFormat(t *testing.T) {
	t.Parallel()
	k := testKey(t)
	in := accessToken{
		UserID: "u1", RecipeUserID: "u1", TenantID: "public", SessionHandle: "h1",
		RTH1: "aa", ParentRTH1: "", AntiCSRF: "", IssuedAt: 1700000000, Expiry: 1700003600,
		Payload: json.RawMessage(`{"z":1, "a":{"b":[1,2]},"iss":"https://api"}`),
	}
	tok, err := in.mint(k)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	header, _ := base64.RawURLEncoding.DecodeString(parts[0])
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if want := `{"alg":"RS256","typ":"JWT","kid":"d-1700000000000","version":"5"}`; string(header) != want {
		t.Errorf("header = %s, want %s", header, want)
	}
	want := `{"sub":"u1","exp":1700003600,"iat":1700000000,"tId":"public","rsub":"u1","sessionHandle":"h1",` +
		`"refreshTokenHash1":"aa","parentRefreshTokenHash1":null,"antiCsrfToken":null,"z":1,"a":{"b":[1,2]},"iss":"https://api"}`
	if string(payload) != want {
		t.Errorf("payload =\n%s\nwant\n%s", payload, want)
	}
	out, p, kid, err := parseAccessToken(tok)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Verify(k, out.Algorithm); err != nil {
		t.Errorf("verify: %v", err)
	}
	if kid != k.ID || out.UserID != "u1" || out.Expiry != in.Expiry || out.ParentRTH1 != "" ||
		string(out.Payload) != `{"z":1,"a":{"b":[1,2]},"iss":"https://api"}` {
		t.Errorf("parsed %+v kid %s", out, kid)
	}
	// A changed payload no longer verifies.
	forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString(bytes.Replace(payload, []byte(`"u1"`), []byte(`"u2"`), 1)) + "." + parts[2]
	_, p, _, err = parseAccessToken(forged)
	if err != nil || p.Verify(k, signing.RS256) == nil {
		t.Errorf("forged token verified (parse err %v)", err)
	}
}

func TestParseAccessTokenRejects(t *testing.T) {
	t.Parallel()
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	good := `{"sub":"u","exp":2,"iat":1,"tId":"public","rsub":"u","sessionHandle":"h","refreshTokenHash1":"r","parentRefreshTokenHash1":null,"antiCsrfToken":null}`
	hdr := `{"alg":"RS256","typ":"JWT","kid":"d-1","version":"5"}`
	for name, tok := range map[string]string{
		"empty":          "",
		"two parts":      enc(hdr) + "." + enc(good),
		"four parts":     enc(hdr) + "." + enc(good) + ".c.d",
		"bad base64":     "%%%." + enc(good) + ".sig",
		"HS256":          enc(`{"alg":"HS256","typ":"JWT","kid":"d-1","version":"5"}`) + "." + enc(good) + ".c2ln",
		"no kid":         enc(`{"alg":"RS256","typ":"JWT","version":"5"}`) + "." + enc(good) + ".c2ln",
		"numeric kid":    enc(`{"alg":"RS256","typ":"JWT","kid":1,"version":"5"}`) + "." + enc(good) + ".c2ln",
		"version 2":      enc(`{"alg":"RS256","typ":"JWT","kid":"d-1","version":"2"}`) + "." + enc(good) + ".c2ln",
		"numeric vers.":  enc(`{"alg":"RS256","typ":"JWT","kid":"d-1","version":5}`) + "." + enc(good) + ".c2ln",
		"no sub":         enc(hdr) + "." + enc(strings.Replace(good, `"sub":"u",`, "", 1)) + ".c2ln",
		"no rsub":        enc(hdr) + "." + enc(strings.Replace(good, `"rsub":"u",`, "", 1)) + ".c2ln",
		"numeric handle": enc(hdr) + "." + enc(strings.Replace(good, `"sessionHandle":"h"`, `"sessionHandle":1`, 1)) + ".c2ln",
		"string exp":     enc(hdr) + "." + enc(strings.Replace(good, `"exp":2`, `"exp":"2"`, 1)) + ".c2ln",
		"oauth stt":      enc(hdr) + "." + enc(strings.Replace(good, `"sub"`, `"stt":1,"sub"`, 1)) + ".c2ln",
		"array payload":  enc(hdr) + "." + enc(`[1]`) + ".c2ln",
	} {
		if _, _, _, err := parseAccessToken(tok); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
	if _, _, _, err := parseAccessToken(enc(hdr) + "." + enc(good) + ".c2ln"); err != nil {
		t.Errorf("good token: %v", err)
	}
}

func TestCheckPayload(t *testing.T) {
	t.Parallel()
	for _, c := range []string{"sub", "exp", "iat", "sessionHandle", "refreshTokenHash1", "parentRefreshTokenHash1", "antiCsrfToken", "tId", "rsub"} {
		if err := checkPayload(json.RawMessage(`{"ok":1,"` + c + `":null}`)); !errors.Is(err, ErrProtectedClaim) {
			t.Errorf("%s: got %v", c, err)
		}
	}
	if err := checkPayload(json.RawMessage(`{"iss":"x","nested":{"sub":1}}`)); err != nil {
		t.Errorf("allowed claims refused: %v", err)
	}
}

func FuzzDecodeRefreshToken(f *testing.F) {
	key := bytes.Repeat([]byte{7}, 32)
	tok, _ := refreshToken{Handle: "h", AntiCSRF: "c"}.encode(key)
	f.Add(tok)
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = decodeRefreshToken(s, key)
	})
}

func FuzzParseAccessToken(f *testing.F) {
	f.Add("eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
	f.Fuzz(func(t *testing.T, s string) {
		_, _, _, _ = parseAccessToken(s)
	})
}
