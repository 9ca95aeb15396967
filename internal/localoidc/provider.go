package localoidc

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// Config configures a Provider.
type Config struct {
	// Issuer is the provider's URL, such as "http://127.0.0.1:3002": the
	// iss of its id tokens and the base of its endpoints. Serve the
	// Provider at that URL's root path (strip the issuer's path first when
	// it has one). Required.
	Issuer string
	// Name is shown on the login page. Default: "Local OpenID provider".
	Name string
	// Clients may sign users in. Required.
	Clients []Client
	// SigningKey signs the id tokens (RS256). Default: a new 2048-bit key.
	SigningKey *rsa.PrivateKey
	// CodeLifetime is how long an authorisation code can be exchanged.
	// Default: one minute.
	CodeLifetime time.Duration
	// Now tells the time, for code and token expiry (the id tokens'
	// timestamps use the system clock). Default: time.Now.
	Now func() time.Time
}

// Provider is the OpenID provider: an http.Handler.
type Provider struct {
	op      *op.Provider
	storage *storage
	name    string
	login   http.Handler
}

//go:embed assets
var assets embed.FS

var loginPage = template.Must(template.ParseFS(assets, "assets/login.html"))

// New returns a provider for cfg, or an error that says what to fix.
func New(cfg Config) (*Provider, error) {
	var errs []error
	u, err := url.Parse(cfg.Issuer)
	if cfg.Issuer == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("localoidc: Config.Issuer must be an http(s) URL such as http://127.0.0.1:3002, not %q", cfg.Issuer))
	}
	if len(cfg.Clients) == 0 {
		errs = append(errs, errors.New("localoidc: Config.Clients is empty"))
	}
	for i, c := range cfg.Clients {
		if c.ID == "" {
			errs = append(errs, fmt.Errorf("localoidc: Config.Clients[%d].ID is required", i))
		}
		if len(c.RedirectURIs) == 0 {
			errs = append(errs, fmt.Errorf("localoidc: Config.Clients[%d].RedirectURIs is empty", i))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if cfg.Name == "" {
		cfg.Name = "Local OpenID provider"
	}
	if cfg.CodeLifetime <= 0 {
		cfg.CodeLifetime = time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	key := cfg.SigningKey
	if key == nil {
		if key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, err
		}
	}
	st := newStorage(cfg, key)
	var cryptoKey [32]byte
	_, _ = rand.Read(cryptoKey[:])
	opCfg := &op.Config{
		CryptoKey:          cryptoKey,
		CodeMethodS256:     true,
		AuthMethodPost:     true,
		SupportedUILocales: []language.Tag{language.English},
	}
	opts := []op.Option{}
	if u.Scheme == "http" {
		opts = append(opts, op.WithAllowInsecure())
	}
	o, err := op.NewProvider(opCfg, st, op.StaticIssuer(strings.TrimRight(cfg.Issuer, "/")), opts...)
	if err != nil {
		return nil, fmt.Errorf("localoidc: %w", err)
	}
	p := &Provider{op: o, storage: st, name: cfg.Name}
	p.login = op.NewIssuerInterceptor(o.IssuerFromRequest).Handler(http.HandlerFunc(p.serveLogin))
	return p, nil
}

// maxForm caps the login form's body.
const maxForm = 16 << 10

// ServeHTTP serves the login page and the OpenID endpoints.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/login":
		p.login.ServeHTTP(w, r)
	case "/login.css", "/favicon.svg":
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, assets, "assets"+r.URL.Path)
	default:
		p.op.ServeHTTP(w, r)
	}
}

type loginData struct {
	Name, ID, Email, Subject, Error string
}

func (p *Provider) serveLogin(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	switch r.Method {
	case http.MethodGet:
		id := r.URL.Query().Get("authRequestID")
		if !p.storage.pending(id) {
			http.Error(w, "This sign-in is unknown or over: start again from the application.", http.StatusBadRequest)
			return
		}
		p.render(w, http.StatusOK, loginData{ID: id})
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "The form could not be read.", http.StatusBadRequest)
			return
		}
		d := loginData{ID: r.PostForm.Get("authRequestID"), Email: strings.TrimSpace(r.PostForm.Get("email")), Subject: strings.TrimSpace(r.PostForm.Get("sub"))}
		if !p.storage.pending(d.ID) {
			http.Error(w, "This sign-in is unknown or over: start again from the application.", http.StatusBadRequest)
			return
		}
		if a, err := mail.ParseAddress(d.Email); err != nil || a.Address != d.Email || len(d.Email) > 254 {
			d.Error = "Type an email address, such as ada@example.com."
			p.render(w, http.StatusBadRequest, d)
			return
		}
		if len(d.Subject) > 128 {
			d.Error = "The account id is too long."
			p.render(w, http.StatusBadRequest, d)
			return
		}
		sub := d.Subject
		if sub == "" {
			sub = SubjectOf(d.Email)
		}
		if err := p.storage.login(d.ID, sub, d.Email, r.PostForm.Get("verified") == "true"); err != nil {
			http.Error(w, "This sign-in is unknown or over: start again from the application.", http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, op.AuthCallbackURL(p.op)(r.Context(), d.ID), http.StatusFound)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (p *Provider) render(w http.ResponseWriter, code int, d loginData) {
	d.Name = p.name
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_ = loginPage.Execute(w, d)
}

// SubjectOf is the account id that the login page gives an email when the
// form names none: stable, so the same email is the same account.
func SubjectOf(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return "local-" + hex.EncodeToString(sum[:10])
}
