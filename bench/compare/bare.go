package main

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/latchkey-dev/latchkey/bench/internal/procs"
)

// Paths of the bare handler: the token in the sAccessToken cookie, or in
// "Authorization: Bearer".
const (
	bareCookiePath = "/cookie"
	bareHeaderPath = "/header"
)

// serveBare is the floor of a protected route: a plain net/http server
// whose handler verifies one RS256 access token per request against keys
// fetched once from the cores' JWKS, and nothing else. It runs in its own
// process, as the backend does, and takes the same client.
func serveBare(args []string) error {
	fs := flag.NewFlagSet("compare serve-bare", flag.ContinueOnError)
	jwksURLs := fs.String("jwks", "", "comma-separated JWKS URLs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	v := &verifier{keys: map[string]*rsa.PublicKey{}}
	client := &http.Client{Timeout: 10 * time.Second}
	for _, u := range splitList(*jwksURLs) {
		resp, err := client.Get(u)
		if err != nil {
			return err
		}
		raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if err != nil {
			return err
		}
		keys, err := parseJWKS(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", u, err)
		}
		for kid, k := range keys {
			v.keys[kid] = k
		}
	}
	if len(v.keys) == 0 {
		return errors.New("no RS256 keys in the JWKS")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+bareCookiePath, func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("sAccessToken")
		if err != nil {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		v.answer(w, c.Value)
	})
	mux.HandleFunc("GET "+bareHeaderPath, func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		v.answer(w, tok)
	})
	mux.HandleFunc("GET "+pingPath, ping)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	return procs.ServeUntilSignal(ln, mux, time.Minute)
}

// parseJWKS returns the RSA public keys of a JWKS document by kid.
func parseJWKS(raw []byte) (map[string]*rsa.PublicKey, error) {
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(raw, &set); err != nil {
		return nil, fmt.Errorf("reading the JWKS: %w", err)
	}
	out := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if pub, ok := k.Key.(*rsa.PublicKey); ok && k.KeyID != "" {
			out[k.KeyID] = pub
		}
	}
	return out, nil
}

// verifier checks RS256 signatures. The key for a token is found by its
// header segment, whose kid is decoded once and remembered (the SDK
// caches headers the same way).
type verifier struct {
	keys     map[string]*rsa.PublicKey // by kid; read-only once serving
	byHeader sync.Map                  // header segment → *rsa.PublicKey
}

func (v *verifier) answer(w http.ResponseWriter, tok string) {
	if err := v.verify(tok); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	_, _ = io.WriteString(w, "ok")
}

// verify checks tok's signature.
func (v *verifier) verify(tok string) error {
	dot := strings.IndexByte(tok, '.')
	last := strings.LastIndexByte(tok, '.')
	if dot < 0 || last == dot {
		return errors.New("not a JWT")
	}
	key, err := v.key(tok[:dot])
	if err != nil {
		return err
	}
	sig, err := base64.RawURLEncoding.DecodeString(tok[last+1:])
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(tok[:last]))
	return rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig)
}

func (v *verifier) key(header string) (*rsa.PublicKey, error) {
	if k, ok := v.byHeader.Load(header); ok {
		return k.(*rsa.PublicKey), nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(header)
	if err != nil {
		return nil, err
	}
	var h struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, err
	}
	k, ok := v.keys[h.Kid]
	if !ok || h.Alg != "RS256" {
		return nil, fmt.Errorf("unknown key %q (%s)", h.Kid, h.Alg)
	}
	v.byHeader.Store(header, k)
	return k, nil
}
