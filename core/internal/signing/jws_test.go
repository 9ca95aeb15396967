package signing

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"strings"
	"testing"
)

// testKey is a fixed RSA-2048 key made for these tests only
// (testdata/rs256.pem), so that signatures can be pinned: RS256 (PKCS#1
// v1.5) is deterministic.
func testKey(tb testing.TB) *Key {
	tb.Helper()
	raw, err := os.ReadFile("testdata/rs256.pem")
	if err != nil {
		tb.Fatal(err)
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		tb.Fatal("testdata/rs256.pem: no PEM block")
	}
	priv, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	return &Key{ID: "d-1", Algorithm: RS256, Dynamic: true, Private: priv}
}

// The header and claims are the caller's bytes, in the caller's order.
const (
	testHeader  = `{"alg":"RS256","typ":"JWT","kid":"d-1","version":"5"}`
	testPayload = `{"sub":"u-9","exp":1700003600,"iat":1700000000,"tId":"public"}`
)

// goldenToken is Sign(testKey, testHeader, testPayload). It pins the wire
// bytes: whatever does the RSA work, the token must not change. The
// signature is also what `openssl dgst -sha256 -sign testdata/rs256.pem`
// gives for the signing input.
const goldenToken = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImQtMSIsInZlcnNpb24iOiI1In0." +
	"eyJzdWIiOiJ1LTkiLCJleHAiOjE3MDAwMDM2MDAsImlhdCI6MTcwMDAwMDAwMCwidElkIjoicHVibGljIn0." +
	"qW5nxNjen_EZ5elMCjXyWMymqFy8aA3RcXZ1o0bLFhq5_qU0xLjZIwukUkGglV_R3pcFJi7d2sGA60PCJIsRLi" +
	"NTK0j0HhQBxKxy3AX5dibkpxl_6jaAWTggh3s1MZCNu-VdOL_uaxYVLXkZIFxejJj4kklLh0gPHaYomitl9oYM" +
	"2A646dkGBQwfK2A3i9uCXoNrBOH2vV3cmqwwsN6DcbkxA2muUwgI-tJSYtXI6Ypn_FMKjtC3yQYNnjIRK-REGr" +
	"Vm0KFqGvGNA9XqkLDBue7Wj7a2qBfUQmNiO35eJ2sSE2IGUneE-UrrX28hr2dcAXOoPkkVj_qDziLcwDZUUw"

func TestSignGolden(t *testing.T) {
	t.Parallel()
	got, err := Sign(testKey(t), []byte(testHeader), []byte(testPayload))
	if err != nil {
		t.Fatal(err)
	}
	if got != goldenToken {
		t.Errorf("token\n%s\nwant\n%s", got, goldenToken)
	}
}

func TestSplitVerify(t *testing.T) {
	t.Parallel()
	k := testKey(t)
	p, err := Split(goldenToken)
	if err != nil {
		t.Fatal(err)
	}
	if string(p.Header) != testHeader || string(p.Payload) != testPayload {
		t.Errorf("split: %s %s", p.Header, p.Payload)
	}
	if err := p.Verify(k, RS256); err != nil {
		t.Errorf("verify golden: %v", err)
	}

	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if p.Verify(&Key{ID: "d-2", Algorithm: RS256, Private: other}, RS256) == nil {
		t.Error("verified with another key")
	}

	h, rest, _ := strings.Cut(goldenToken, ".")
	payload, sig, _ := strings.Cut(rest, ".")
	flip := func(s string) string { // change the first character, staying base64url
		if s[0] == 'A' {
			return "B" + s[1:]
		}
		return "A" + s[1:]
	}
	for name, token := range map[string]string{
		"header":    flip(h) + "." + payload + "." + sig,
		"payload":   h + "." + flip(payload) + "." + sig,
		"signature": h + "." + payload + "." + flip(sig),
		"truncated": h + "." + payload + "." + sig[:len(sig)-4],
		"empty":     h + "." + payload + ".",
	} {
		p, err := Split(token)
		if err != nil {
			continue // refused before verification is as good
		}
		if p.Verify(k, RS256) == nil {
			t.Errorf("%s: tampered token verified", name)
		}
	}
}

func TestSplitMalformed(t *testing.T) {
	t.Parallel()
	for _, token := range []string{"", "a", "a.b", "a.b.c.d", "a!.b.c", "a.b!.c", "a.b.c!", "a.b.c=="} {
		if _, err := Split(token); !errors.Is(err, ErrMalformed) {
			t.Errorf("Split(%q) = %v, want ErrMalformed", token, err)
		}
	}
}

// BenchmarkSign and BenchmarkVerify measure one access token's RSA work,
// the floor under every session create/refresh and every verification.
func BenchmarkSign(b *testing.B) {
	k := testKey(b)
	for b.Loop() {
		if _, err := Sign(k, []byte(testHeader), []byte(testPayload)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	k := testKey(b)
	for b.Loop() {
		p, err := Split(goldenToken)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Verify(k, RS256); err != nil {
			b.Fatal(err)
		}
	}
}
