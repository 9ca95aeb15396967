package localoidc

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// start serves a provider on loopback with one confidential client whose
// redirect URI is a page that records the code.
func start(t *testing.T) (*httptest.Server, oauth2.Config) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	redirect := issuer + "/cb"
	p, err := New(Config{Issuer: issuer, Clients: []Client{{ID: "app", Secret: "s3cret", RedirectURIs: []string{redirect}}}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/cb", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.URL.RawQuery) })
	mux.Handle("/", p)
	srv.Config.Handler = mux
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, oauth2.Config{
		ClientID: "app", ClientSecret: "s3cret", RedirectURL: redirect, Scopes: []string{"openid", "email"},
		Endpoint: oauth2.Endpoint{AuthURL: issuer + "/authorize", TokenURL: issuer + "/oauth/token", AuthStyle: oauth2.AuthStyleInParams},
	}
}

// signIn walks the login page and returns the callback's query.
func signIn(t *testing.T, authURL, email, sub string) url.Values {
	t.Helper()
	resp, err := http.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Security-Policy") != "default-src 'self'" {
		t.Fatalf("login page: %d %q\n%s", resp.StatusCode, resp.Header.Get("Content-Security-Policy"), page)
	}
	if strings.Contains(string(page), "<script") || strings.Contains(string(page), "style=") {
		t.Fatalf("the login page has inline script or style:\n%s", page)
	}
	id := resp.Request.URL.Query().Get("authRequestID")
	form := url.Values{"authRequestID": {id}, "email": {email}, "verified": {"true"}, "sub": {sub}}
	resp, err = http.PostForm(resp.Request.URL.Scheme+"://"+resp.Request.URL.Host+"/login", form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	q, err := url.ParseQuery(string(body))
	if err != nil || q.Get("code") == "" {
		t.Fatalf("callback: %d %s", resp.StatusCode, body)
	}
	return q
}

func TestCodeFlow(t *testing.T) {
	srv, conf := start(t)
	ctx := context.Background()
	verifier := oauth2.GenerateVerifier()
	q := signIn(t, conf.AuthCodeURL("st4te", oauth2.S256ChallengeOption(verifier), oidc.Nonce("n0nce")), "Ada@Example.com", "")
	if q.Get("state") != "st4te" {
		t.Fatalf("state %q", q.Get("state"))
	}
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	prov, err := oidc.NewProvider(ctx, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := prov.Verifier(&oidc.Config{ClientID: "app"}).Verify(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Email    string `json:"email"`
		Verified bool   `json:"email_verified"`
		Nonce    string `json:"nonce"`
	}
	if err := idt.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if idt.Subject != SubjectOf("ada@example.com") || claims.Email != "Ada@Example.com" || !claims.Verified || claims.Nonce != "n0nce" {
		t.Fatalf("id token: sub %q %+v", idt.Subject, claims)
	}
	info, err := prov.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil || info.Email != "Ada@Example.com" {
		t.Fatalf("userinfo: %+v %v", info, err)
	}
	// The code is used up.
	if _, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier)); err == nil {
		t.Fatal("a code was exchanged twice")
	}
}

func TestWrongVerifierAndSecret(t *testing.T) {
	_, conf := start(t)
	ctx := context.Background()
	verifier := oauth2.GenerateVerifier()
	q := signIn(t, conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), "a@b.co", "acct-1")
	if _, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(oauth2.GenerateVerifier())); err == nil {
		t.Fatal("a code was exchanged with the wrong PKCE verifier")
	}
	q = signIn(t, conf.AuthCodeURL("s"), "a@b.co", "acct-1")
	bad := conf
	bad.ClientSecret = "wrong"
	if _, err := bad.Exchange(ctx, q.Get("code")); err == nil {
		t.Fatal("a code was exchanged with the wrong client secret")
	}
}

func TestConfigErrors(t *testing.T) {
	_, err := New(Config{Issuer: "ftp://x", Clients: []Client{{}}})
	for _, want := range []string{"Config.Issuer", "Clients[0].ID", "Clients[0].RedirectURIs"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
}
