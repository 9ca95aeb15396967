package jwt

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/core/internal/signing"
)

// Service signs JWTs and lists the keys that verify them.
type Service struct {
	Keys *signing.Manager
	// Now tells the time. Default: time.Now.
	Now func() time.Time
}

// Handler serves the endpoints over a Service.
type Handler struct {
	Service *Service
}

// New returns a Handler over s.
func New(s *Service) *Handler { return &Handler{Service: s} }

// JWKS returns every public key a verifier may need, and how long a client
// may cache the set.
func (s *Service) JWKS(ctx context.Context) ([]signing.JWK, time.Duration, error) {
	keys, maxAge, err := s.Keys.JWKS(ctx)
	if err != nil {
		return nil, 0, err
	}
	out := make([]signing.JWK, len(keys))
	for i, k := range keys {
		out[i] = k.JWK()
	}
	return out, maxAge, nil
}

// CreateJWT signs payload (a JSON object) with header {alg, typ, kid}. It
// adds iss = jwksDomain, iat and exp = iat + validity, each unless the
// payload already has it, as the Java core lets the payload win. The
// static key signs unless useStaticKey is false.
func (s *Service) CreateJWT(ctx context.Context, algorithm, jwksDomain string, payload json.RawMessage, validity time.Duration, useStaticKey bool) (string, error) {
	if strings.ToUpper(algorithm) != signing.RS256 {
		return "", cdi.ErrUnsupportedAlgorithm
	}
	var claims map[string]json.RawMessage
	if err := json.Unmarshal(payload, &claims); err != nil || claims == nil {
		return "", errPayload
	}
	key, err := s.Keys.SigningKey(ctx, signing.RS256, !useStaticKey)
	if err != nil {
		return "", err
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	iat := now().Unix()

	var p bytes.Buffer
	if err := json.Compact(&p, payload); err != nil {
		return "", errPayload
	}
	p.Truncate(p.Len() - 1) // drop '}', to append members
	add := func(name string, value []byte) {
		if _, ok := claims[name]; ok {
			return
		}
		if p.Len() > 1 {
			p.WriteByte(',')
		}
		quoted, _ := json.Marshal(name)
		p.Write(quoted)
		p.WriteByte(':')
		p.Write(value)
	}
	domain, _ := json.Marshal(jwksDomain)
	add("iss", domain)
	add("iat", []byte(strconv.FormatInt(iat, 10)))
	add("exp", []byte(strconv.FormatInt(iat+int64(validity/time.Second), 10)))
	p.WriteByte('}')

	var h bytes.Buffer
	h.WriteString(`{"alg":"RS256","typ":"JWT","kid":`)
	kid, _ := json.Marshal(key.ID)
	h.Write(kid)
	h.WriteByte('}')
	return signing.Sign(key, h.Bytes(), p.Bytes())
}

var errPayload = cdi.BadRequest("Field name 'payload' is invalid in JSON input")

func (h *Handler) wellKnownJWKS(w http.ResponseWriter, r *http.Request) error {
	keys, maxAge, err := h.Service.JWKS(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "max-age="+strconv.FormatInt(int64(maxAge/time.Second), 10)+", must-revalidate")
	cdi.WriteJSON(w, map[string]any{"keys": keys})
	return nil
}

func (h *Handler) jwks(w http.ResponseWriter, r *http.Request) error {
	keys, _, err := h.Service.JWKS(r.Context())
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"keys": keys})
	return nil
}

func (h *Handler) createJWT(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	algorithm := b.String("algorithm")
	domain := b.String("jwksDomain")
	payload := b.Object("payload")
	validity := b.Int64("validity")
	useStatic := true
	if v, ok := b.OptBool("useStaticSigningKey"); ok {
		useStatic = v
	}
	if err := b.Err(); err != nil {
		return err
	}
	// The Java core's message, wording and all.
	if validity <= 0 {
		return cdi.BadRequest("validity must be greater than or equal to 0")
	}
	if validity > maxValiditySeconds {
		return cdi.BadRequest("validity is too large")
	}
	token, err := h.Service.CreateJWT(r.Context(), algorithm, domain, payload, time.Duration(validity)*time.Second, useStatic)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"jwt": token})
	return nil
}

// maxValiditySeconds is the most a time.Duration holds (about 292 years).
const maxValiditySeconds = int64(math.MaxInt64 / time.Second)
