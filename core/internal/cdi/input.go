package cdi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Body is a parsed JSON request body. Its accessors record the first
// problem they meet, with the reference's message, and Err returns it, so a
// handler reads every field and checks once:
//
//	b, err := cdi.ReadBody(r)
//	if err != nil { return err }
//	email, password := b.String("email"), b.String("password")
//	if err := b.Err(); err != nil { return err }
type Body struct {
	fields map[string]json.RawMessage
	err    error
}

// ReadBody reads r's body as one JSON object. It answers 400 "Invalid Json
// Input" for anything else (including invalid UTF-8, which the JSON decoder
// would otherwise replace silently), and 413 when the body is over the
// transport's cap.
func ReadBody(r *http.Request) (*Body, error) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, ErrBodyTooLarge
		}
		return nil, ErrInvalidJSON
	}
	return ParseBody(raw)
}

// ParseBody parses raw as a request body (see ReadBody).
func ParseBody(raw []byte) (*Body, error) {
	if !utf8.Valid(raw) {
		return nil, ErrInvalidJSON
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, ErrInvalidJSON
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, ErrInvalidJSON
	}
	return &Body{fields: fields}, nil
}

// Err returns the first problem an accessor recorded, or nil.
func (b *Body) Err() error { return b.err }

// Fail records err unless an earlier problem was recorded.
func (b *Body) Fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

func (b *Body) invalid(name string) {
	b.Fail(BadRequestf("Field name '%s' is invalid in JSON input", name))
}

// raw returns the field's JSON text, or nil when it is absent or null.
func (b *Body) raw(name string) json.RawMessage {
	v, ok := b.fields[name]
	if !ok || string(v) == "null" {
		return nil
	}
	return v
}

// Has reports whether the field is present and not null.
func (b *Body) Has(name string) bool { return b.raw(name) != nil }

// IsNull reports whether the field is present with the value null.
func (b *Body) IsNull(name string) bool {
	v, ok := b.fields[name]
	return ok && string(v) == "null"
}

// String returns a required string field. A missing, null or non-string
// value is "Field name 'x' is invalid in JSON input".
func (b *Body) String(name string) string {
	s, ok := b.OptString(name)
	if !ok {
		b.invalid(name)
	}
	return s
}

// OptString returns an optional string field and whether it was given. A
// present value that is not a string is recorded as invalid.
func (b *Body) OptString(name string) (string, bool) {
	v := b.raw(name)
	if v == nil {
		return "", false
	}
	var s string
	if v[0] != '"' || json.Unmarshal(v, &s) != nil || strings.ContainsRune(s, 0) {
		// A NUL is refused here because PostgreSQL cannot store one in
		// text; no id, email or token contains one.
		b.invalid(name)
		return "", false
	}
	return s, true
}

// Bool returns a required boolean field.
func (b *Body) Bool(name string) bool {
	v, ok := b.OptBool(name)
	if !ok {
		b.invalid(name)
	}
	return v
}

// OptBool returns an optional boolean field and whether it was given.
func (b *Body) OptBool(name string) (bool, bool) {
	v := b.raw(name)
	switch string(v) {
	case "":
		return false, false
	case "true":
		return true, true
	case "false":
		return false, true
	}
	b.invalid(name)
	return false, false
}

// Int64 returns a required integer field.
func (b *Body) Int64(name string) int64 {
	n, ok := b.OptInt64(name)
	if !ok {
		b.invalid(name)
	}
	return n
}

// OptInt64 returns an optional integer field and whether it was given. A
// number with a fraction or out of range is invalid.
func (b *Body) OptInt64(name string) (int64, bool) {
	v := b.raw(name)
	if v == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		b.invalid(name)
		return 0, false
	}
	return n, true
}

// Object returns a required JSON-object field as raw JSON.
func (b *Body) Object(name string) json.RawMessage {
	v, ok := b.OptObject(name)
	if !ok {
		b.invalid(name)
	}
	return v
}

// OptObject returns an optional JSON-object field and whether it was given.
func (b *Body) OptObject(name string) (json.RawMessage, bool) {
	v := b.raw(name)
	if v == nil {
		return nil, false
	}
	if v[0] != '{' {
		b.invalid(name)
		return nil, false
	}
	return v, true
}

// StringArray returns an optional array-of-strings field and whether it
// was given.
func (b *Body) StringArray(name string) ([]string, bool) {
	v := b.raw(name)
	if v == nil {
		return nil, false
	}
	var out []string
	if v[0] != '[' || json.Unmarshal(v, &out) != nil || slices.ContainsFunc(out, func(s string) bool { return strings.ContainsRune(s, 0) }) {
		b.invalid(name)
		return nil, false
	}
	return out, true
}

// Query reads URL query parameters with the reference's GET messages.
type Query struct {
	values url.Values
	err    error
}

// ReadQuery parses r's query string. Invalid UTF-8 or a malformed escape
// is a 400. Unlike url.ParseQuery, a ';' is part of a value, not a
// separator: search tags are ';'-separated lists ("email=a;b").
func ReadQuery(r *http.Request) *Query {
	q := &Query{values: url.Values{}}
	for _, pair := range strings.Split(r.URL.RawQuery, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil || !validText(key) || !validText(value) {
			q.Fail(BadRequest("Invalid query string"))
			continue
		}
		q.values[key] = append(q.values[key], value)
	}
	return q
}

// validText reports whether s is valid UTF-8 without NUL, the text every
// engine can store.
func validText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// Err returns the first problem an accessor recorded, or nil.
func (q *Query) Err() error { return q.err }

// Fail records err unless an earlier problem was recorded.
func (q *Query) Fail(err error) {
	if q.err == nil {
		q.err = err
	}
}

// String returns a required parameter: missing is "Field name 'x' is
// missing in GET request".
func (q *Query) String(name string) string {
	v, ok := q.OptString(name)
	if !ok {
		q.Fail(BadRequestf("Field name '%s' is missing in GET request", name))
	}
	return v
}

// OptString returns an optional parameter and whether it was given.
func (q *Query) OptString(name string) (string, bool) {
	vs, ok := q.values[name]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// Int returns an optional integer parameter, or def when it is absent.
func (q *Query) Int(name string, def int) int {
	v, ok := q.OptString(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		q.Fail(BadRequestf("Field name '%s' must be an int in the GET request", name))
		return def
	}
	return n
}

// Bool returns an optional boolean parameter: "true" in any case is true,
// anything else false, def when absent.
func (q *Query) Bool(name string, def bool) bool {
	v, ok := q.OptString(name)
	if !ok {
		return def
	}
	return equalFoldASCII(v, "true")
}

// StrictBool returns a required parameter that must be exactly "true" or
// "false".
func (q *Query) StrictBool(name string) bool {
	v, ok := q.OptString(name)
	switch {
	case !ok:
		q.Fail(BadRequestf("Field name '%s' is missing in GET request", name))
	case v == "true":
		return true
	case v != "false":
		q.Fail(BadRequest(fmt.Sprintf("Field name '%s' must be a boolean in the GET request", name)))
	}
	return false
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		ca, cb := a[i], b[i]
		if 'A' <= ca && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if ca != cb {
			return false
		}
	}
	return true
}
