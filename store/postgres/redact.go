package postgres

import (
	"net/url"
	"regexp"
	"strings"
)

// mask replaces a password in Redact's output.
const mask = "xxxxx"

var (
	// brokenUserinfo is the user info of a URL that does not parse, up to
	// its last '@' (a password may hold '@' or '/'; over-masking is safe).
	brokenUserinfo = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*://[^:@/]*:).*@`)
	// quotedPassword and plainPassword are key=value password settings.
	quotedPassword = regexp.MustCompile(`(?i)\b((?:ssl)?password\s*=\s*)'(?:[^'\\]|\\.)*'?`)
	plainPassword  = regexp.MustCompile(`(?i)\b((?:ssl)?password\s*=\s*)[^\s'&]+`)
)

// Redact returns a connection URL or key=value connection string with
// every password masked, for log lines and error messages: the URL's user
// info, password and sslpassword query values (however their keys are
// spelled or escaped), and password settings in a string that does not
// parse as a URL.
func Redact(conn string) string {
	if u, err := url.Parse(conn); err == nil && u.Opaque == "" && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), mask)
		}
		u.RawQuery = redactQuery(u.RawQuery)
		return u.String()
	}
	s := brokenUserinfo.ReplaceAllString(conn, "${1}"+mask+"@")
	if i := strings.IndexByte(s, '?'); i >= 0 && strings.Contains(s[:i], "://") {
		s = s[:i+1] + redactQuery(s[i+1:])
	}
	s = quotedPassword.ReplaceAllString(s, "${1}"+mask)
	return plainPassword.ReplaceAllString(s, "${1}"+mask)
}

// redactQuery masks the password and sslpassword values of a raw query.
func redactQuery(raw string) string {
	if raw == "" {
		return raw
	}
	pairs := strings.Split(raw, "&")
	for i, p := range pairs {
		k, _, _ := strings.Cut(p, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		if strings.EqualFold(key, "password") || strings.EqualFold(key, "sslpassword") {
			pairs[i] = k + "=" + mask
		}
	}
	return strings.Join(pairs, "&")
}
