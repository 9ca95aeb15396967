package dashboard

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/latchkey-dev/latchkey"
)

// body is a request's JSON object, read field by field so that each wrong
// field gets the reference's 400 message.
type body map[string]json.RawMessage

// readBody reads the request's JSON object; an empty body is {}, as the UI
// sends for calls without a payload.
func readBody(r *http.Request) (body, error) {
	var b body
	if err := latchkey.ReadJSON(r, &b); err != nil {
		return nil, err // a *latchkey.BadInputError: 400
	}
	if b == nil {
		b = body{}
	}
	return b, nil
}

// has reports whether the field is present and not null.
func (b body) has(name string) bool {
	v, ok := b[name]
	return ok && string(v) != "null"
}

// string returns a required string field, which may be empty.
func (b body) string(name string) (string, error) {
	var s string
	if !b.has(name) || json.Unmarshal(b[name], &s) != nil {
		return "", badInput("Required parameter '" + name + "' is missing or has an invalid type")
	}
	if strings.ContainsRune(s, 0) {
		return "", badInput("'" + name + "' must not contain NUL characters")
	}
	return s, nil
}

// nonEmpty returns a required string field that is not blank, trimmed.
func (b body) nonEmpty(name string) (string, error) {
	s, err := b.string(name)
	if err != nil {
		return "", err
	}
	if s = strings.TrimSpace(s); s == "" {
		return "", badInput("Required parameter '" + name + "' is missing or has an invalid type")
	}
	return s, nil
}

// int64 returns a whole-number field and whether it is one.
func (b body) int64(name string) (int64, bool) {
	var n int64
	err := json.Unmarshal(b[name], &n)
	return n, err == nil
}

// bool returns a required boolean field.
func (b body) bool(name string) (bool, error) {
	var v bool
	if !b.has(name) || json.Unmarshal(b[name], &v) != nil {
		return false, badInput("Required parameter '" + name + "' is missing or has an invalid type")
	}
	return v, nil
}

// strings returns a required array of strings.
func (b body) strings(name string) ([]string, error) {
	var v []string
	if !b.has(name) || json.Unmarshal(b[name], &v) != nil {
		return nil, badInput("Required parameter '" + name + "' is missing or has an invalid type")
	}
	for _, s := range v {
		if strings.ContainsRune(s, 0) {
			return nil, badInput("'" + name + "' must not contain NUL characters")
		}
	}
	if v == nil {
		v = []string{}
	}
	return v, nil
}

// query returns a required, non-blank query parameter, trimmed.
func query(r *http.Request, name string) (string, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return "", badInput("Missing required parameter '" + name + "'")
	}
	if strings.ContainsRune(v, 0) {
		return "", badInput("'" + name + "' must not contain NUL characters")
	}
	return v, nil
}

// positiveInt parses a query value that must be a whole number of at least 1.
func positiveInt(name, v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 {
		return 0, badInput("'" + name + "' must be a whole number of at least 1")
	}
	return n, nil
}

// badInput is answered 400 {"message": msg} by the SDK.
func badInput(msg string) error { return &latchkey.BadInputError{Message: msg} }

// writeStatus answers 200 {"status": status} plus fields.
func writeStatus(w http.ResponseWriter, status string, fields map[string]any) {
	latchkey.WriteStatus(w, status, fields)
}

// featureNotEnabled is the answer of an API whose recipe is not configured.
func featureNotEnabled(w http.ResponseWriter) {
	writeStatus(w, "FEATURE_NOT_ENABLED_ERROR", nil)
}
