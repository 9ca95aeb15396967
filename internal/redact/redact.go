// Package redact removes secrets from URLs before they are logged or put in
// an error: query values carry tokens, session ids, codes and passwords
// (DELETE /recipe/dashboard/session?sessionId=…, a provider's
// ?access_token=…), and Go's HTTP client puts the whole URL in its errors.
package redact

import (
	"errors"
	"net/url"
	"strings"
)

// Mask replaces each redacted value.
const Mask = "REDACTED"

// URL returns raw with every query value, the fragment and any password in
// the user info replaced by Mask; the keys stay, so that the log still
// says what was sent. A value that does not parse as a URL is cut at its
// first '?' or '#'.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.IndexAny(raw, "?#"); i >= 0 {
			return raw[:i] + "?" + Mask
		}
		return raw
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), Mask)
		}
	}
	if u.RawQuery != "" {
		u.RawQuery = Query(u.RawQuery)
	}
	if u.Fragment != "" || u.RawFragment != "" {
		u.Fragment, u.RawFragment = Mask, ""
	}
	return u.String()
}

// Query returns a raw query with every value replaced by Mask.
func Query(raw string) string {
	pairs := strings.Split(raw, "&")
	for i, p := range pairs {
		if k, _, ok := strings.Cut(p, "="); ok {
			pairs[i] = k + "=" + Mask
		}
	}
	return strings.Join(pairs, "&")
}

// Error returns err with the URL of any *url.Error in it redacted (a copy;
// err itself is not changed). Other errors are returned as they are.
func Error(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	cp := *ue
	cp.URL = URL(ue.URL)
	if ue == err {
		return &cp
	}
	// The *url.Error is wrapped: rebuild the message around the copy.
	return &wrapped{msg: strings.ReplaceAll(err.Error(), ue.URL, cp.URL), inner: &cp}
}

// wrapped is an error whose text had a URL redacted, unwrapping to the
// redacted *url.Error so that errors.Is/As keep working on its cause.
type wrapped struct {
	msg   string
	inner error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.inner }
