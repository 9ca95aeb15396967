package localoidc

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// maxPending caps the auth requests and the access tokens held in memory,
// so that a client that keeps starting sign-ins cannot grow them without
// bound. Old entries are dropped first.
const maxPending = 10000

// pendingLifetime is how long a sign-in may sit at the login page.
const pendingLifetime = 10 * time.Minute

var errNotFound = errors.New("localoidc: not found")

// authRequest is one sign-in, from /authorize to the code exchange.
type authRequest struct {
	id           string
	created      time.Time
	clientID     string
	redirectURI  string
	state        string
	nonce        string
	scopes       []string
	responseType oidc.ResponseType
	responseMode oidc.ResponseMode
	challenge    *oidc.CodeChallenge

	done     bool
	subject  string
	authTime time.Time

	code       string
	codeIssued time.Time
}

var _ op.AuthRequest = (*authRequest)(nil)

func (a *authRequest) GetID() string                         { return a.id }
func (a *authRequest) GetACR() string                        { return "" }
func (a *authRequest) GetAMR() []string                      { return []string{"pwd"} }
func (a *authRequest) GetAudience() []string                 { return []string{a.clientID} }
func (a *authRequest) GetAuthTime() time.Time                { return a.authTime }
func (a *authRequest) GetClientID() string                   { return a.clientID }
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge { return a.challenge }
func (a *authRequest) GetNonce() string                      { return a.nonce }
func (a *authRequest) GetRedirectURI() string                { return a.redirectURI }
func (a *authRequest) GetResponseType() oidc.ResponseType    { return a.responseType }
func (a *authRequest) GetResponseMode() oidc.ResponseMode    { return a.responseMode }
func (a *authRequest) GetScopes() []string                   { return a.scopes }
func (a *authRequest) GetState() string                      { return a.state }
func (a *authRequest) GetSubject() string                    { return a.subject }
func (a *authRequest) Done() bool                            { return a.done }

// account is what the login page was told about a user.
type account struct {
	email    string
	verified bool
}

// accessToken is an issued access token, by id (the token itself is the
// id encrypted by the op package).
type accessToken struct {
	subject  string
	clientID string
	scopes   []string
	expiry   time.Time
}

// storage is the op.Storage of the provider, in memory.
type storage struct {
	now          func() time.Time
	codeLifetime time.Duration
	key          signingKey
	clients      map[string]*client

	mu       sync.Mutex
	requests map[string]*authRequest
	codes    map[string]string // code → request id
	accounts map[string]account
	tokens   map[string]accessToken
}

var _ op.Storage = (*storage)(nil)

func newStorage(cfg Config, key *rsa.PrivateKey) *storage {
	s := &storage{
		now:          cfg.Now,
		codeLifetime: cfg.CodeLifetime,
		key:          signingKey{id: randomID(), key: key},
		clients:      map[string]*client{},
		requests:     map[string]*authRequest{},
		codes:        map[string]string{},
		accounts:     map[string]account{},
		tokens:       map[string]accessToken{},
	}
	for _, c := range cfg.Clients {
		s.clients[c.ID] = &client{Client: c}
	}
	return s
}

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// pruneLocked drops auth requests past their lifetime and expired access
// tokens, then the oldest while over the cap.
func (s *storage) pruneLocked() {
	now := s.now()
	for id, r := range s.requests {
		if now.Sub(r.created) > pendingLifetime {
			s.deleteRequestLocked(id)
		}
	}
	for id, t := range s.tokens {
		if now.After(t.expiry) {
			delete(s.tokens, id)
		}
	}
	for len(s.requests) >= maxPending {
		var oldest *authRequest
		for _, r := range s.requests {
			if oldest == nil || r.created.Before(oldest.created) {
				oldest = r
			}
		}
		s.deleteRequestLocked(oldest.id)
	}
	for len(s.tokens) >= maxPending {
		var oldestID string
		var oldest time.Time
		for id, t := range s.tokens {
			if oldestID == "" || t.expiry.Before(oldest) {
				oldestID, oldest = id, t.expiry
			}
		}
		delete(s.tokens, oldestID)
	}
}

func (s *storage) deleteRequestLocked(id string) {
	if r, ok := s.requests[id]; ok && r.code != "" {
		delete(s.codes, r.code)
	}
	delete(s.requests, id)
}

// login completes a pending sign-in as the account with subject and email.
func (s *storage) login(id, subject, email string, verified bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.requests[id]
	if !ok || s.now().Sub(r.created) > pendingLifetime {
		return errNotFound
	}
	r.done, r.subject, r.authTime = true, subject, s.now()
	s.accounts[subject] = account{email: email, verified: verified}
	return nil
}

// pending reports whether id is a sign-in waiting at the login page.
func (s *storage) pending(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.requests[id]
	return ok && !r.done
}

func (s *storage) CreateAuthRequest(_ context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	if len(req.Prompt) == 1 && req.Prompt[0] == oidc.PromptNone {
		return nil, oidc.ErrLoginRequired()
	}
	r := &authRequest{
		id:           randomID(),
		created:      s.now(),
		clientID:     req.ClientID,
		redirectURI:  req.RedirectURI,
		state:        req.State,
		nonce:        req.Nonce,
		scopes:       req.Scopes,
		responseType: req.ResponseType,
		responseMode: req.ResponseMode,
	}
	if req.CodeChallenge != "" {
		r.challenge = &oidc.CodeChallenge{Challenge: req.CodeChallenge, Method: req.CodeChallengeMethod}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pruneLocked()
	s.requests[r.id] = r
	c := *r
	return &c, nil
}

func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.requests[id]
	if !ok {
		return nil, errNotFound
	}
	c := *r
	return &c, nil
}

func (s *storage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.codes[code]
	if !ok {
		return nil, errors.New("localoidc: the code is unknown or was used")
	}
	r := s.requests[id]
	if r == nil || s.now().Sub(r.codeIssued) > s.codeLifetime {
		s.deleteRequestLocked(id)
		return nil, errors.New("localoidc: the code expired")
	}
	c := *r
	return &c, nil
}

func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.requests[id]
	if !ok {
		return errNotFound
	}
	if r.code != "" {
		delete(s.codes, r.code)
	}
	r.code, r.codeIssued = code, s.now()
	s.codes[code] = id
	return nil
}

// DeleteAuthRequest is called once a code was exchanged: the code cannot
// be used again.
func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleteRequestLocked(id)
	return nil
}

func (s *storage) CreateAccessToken(_ context.Context, req op.TokenRequest) (string, time.Time, error) {
	clientID := ""
	if r, ok := req.(*authRequest); ok {
		clientID = r.clientID
	}
	id := randomID()
	t := accessToken{subject: req.GetSubject(), clientID: clientID, scopes: req.GetScopes(), expiry: s.now().Add(5 * time.Minute)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pruneLocked()
	s.tokens[id] = t
	return id, t.expiry, nil
}

func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, oidc.ErrUnsupportedGrantType().WithDescription("refresh tokens are not issued")
}

func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}

func (s *storage) TerminateSession(_ context.Context, userID, clientID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, t := range s.tokens {
		if t.subject == userID && t.clientID == clientID {
			delete(s.tokens, id)
		}
	}
	return nil
}

func (s *storage) RevokeToken(_ context.Context, tokenID, _, clientID string) *oidc.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tokens[tokenID]; ok && t.clientID != clientID {
		return oidc.ErrInvalidClient().WithDescription("the token was not issued to this client")
	}
	delete(s.tokens, tokenID)
	return nil
}

func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) { return &s.key, nil }

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{publicKey{&s.key}}, nil
}

func (s *storage) GetClientByClientID(_ context.Context, clientID string) (op.Client, error) {
	c, ok := s.clients[clientID]
	if !ok {
		return nil, fmt.Errorf("localoidc: unknown client %q", clientID)
	}
	return c, nil
}

func (s *storage) AuthorizeClientIDSecret(_ context.Context, clientID, secret string) error {
	c, ok := s.clients[clientID]
	if !ok || c.Secret == "" || !equalSecret(c.Secret, secret) {
		return errors.New("localoidc: wrong client id or secret")
	}
	return nil
}

func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the id token's claims.
func (s *storage) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	return s.setUserinfo(info, req.GetSubject(), scopes)
}

func (s *storage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	s.mu.Lock()
	t, ok := s.tokens[tokenID]
	s.mu.Unlock()
	if !ok || s.now().After(t.expiry) || t.subject != subject {
		return errors.New("localoidc: the access token is unknown or expired")
	}
	return s.setUserinfo(info, subject, t.scopes)
}

func (s *storage) setUserinfo(info *oidc.UserInfo, subject string, scopes []string) error {
	s.mu.Lock()
	a, ok := s.accounts[subject]
	s.mu.Unlock()
	if !ok {
		return errNotFound
	}
	for _, sc := range scopes {
		switch sc {
		case oidc.ScopeOpenID:
			info.Subject = subject
		case oidc.ScopeEmail:
			info.Email = a.email
			info.EmailVerified = oidc.Bool(a.verified)
		case oidc.ScopeProfile:
			info.PreferredUsername = a.email
		}
	}
	return nil
}

func (s *storage) SetIntrospectionFromToken(_ context.Context, resp *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	s.mu.Lock()
	t, ok := s.tokens[tokenID]
	s.mu.Unlock()
	if !ok || s.now().After(t.expiry) || t.clientID != clientID {
		return errors.New("localoidc: the token is not active for this client")
	}
	resp.Subject, resp.ClientID, resp.Scope = subject, t.clientID, t.scopes
	resp.Expiration = oidc.FromTime(t.expiry)
	return nil
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("localoidc: private_key_jwt is not supported")
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("localoidc: the JWT profile grant is not supported")
}

func (s *storage) Health(context.Context) error { return nil }

// signingKey is the provider's RS256 key.
type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k *signingKey) Key() any                                    { return k.key }
func (k *signingKey) ID() string                                  { return k.id }

// publicKey is the public half, served at /keys.
type publicKey struct{ k *signingKey }

func (p publicKey) ID() string                         { return p.k.id }
func (p publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (p publicKey) Use() string                        { return "sig" }
func (p publicKey) Key() any                           { return &p.k.key.PublicKey }
