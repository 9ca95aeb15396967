package localoidc

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Login is what SignIn types into the login page.
type Login struct {
	Email string
	// Subject is the account id; "" derives it from the email.
	Subject string
	// Unverified unticks "the provider says this email is verified".
	Unverified bool
}

// SignIn walks the login page as a browser would, for tests and scripts:
// it opens authURL (an authorisation URL of this provider), submits l, and
// returns the query that the provider sent the browser back to
// redirectURI with (code and state, or error). It stops at redirectURI
// without requesting it.
func SignIn(authURL, redirectURI string, l Login) (url.Values, error) {
	c := &http.Client{CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(r.URL.String(), redirectURI) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := c.Get(authURL)
	if err != nil {
		return nil, err
	}
	page, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && strings.HasPrefix(loc, redirectURI) {
		return redirectQuery(loc) // the provider refused at once (an unknown client, say)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("localoidc: the login page answered %d: %s", resp.StatusCode, page)
	}
	id := resp.Request.URL.Query().Get("authRequestID")
	if id == "" {
		return nil, errors.New("localoidc: the authorisation URL did not lead to the login page")
	}
	form := url.Values{"authRequestID": {id}, "email": {l.Email}, "sub": {l.Subject}}
	if !l.Unverified {
		form.Set("verified", "true")
	}
	login := *resp.Request.URL
	login.RawQuery = ""
	resp, err = c.PostForm(login.String(), form)
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode/100 != 3 || !strings.HasPrefix(loc, redirectURI) {
		return nil, fmt.Errorf("localoidc: the login answered %d %q: %s", resp.StatusCode, loc, body)
	}
	return redirectQuery(loc)
}

func redirectQuery(loc string) (url.Values, error) {
	u, err := url.Parse(loc)
	if err != nil {
		return nil, err
	}
	return u.Query(), nil
}
