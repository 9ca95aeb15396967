package session

import (
	"bytes"
	"encoding/json"
	"errors"
)

// member is one key and value of a JSON object.
type member struct {
	key   string
	value json.RawMessage
}

var errNotObject = errors.New("session: not a JSON object")

// objectMembers returns a JSON object's members in their order. Custom
// claims keep the order the SDK gave them, as the Java core's do.
func objectMembers(obj []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, errNotObject
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, errNotObject
		}
		key, ok := tok.(string)
		if !ok {
			return nil, errNotObject
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, errNotObject
		}
		var c bytes.Buffer
		if err := json.Compact(&c, v); err != nil {
			return nil, errNotObject
		}
		out = append(out, member{key: key, value: c.Bytes()})
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, errNotObject
	}
	if _, err := dec.Token(); err == nil {
		return nil, errNotObject // trailing data
	}
	return out, nil
}

// appendMembers writes obj's members to buf, each preceded by a comma, so
// they continue an object buf has open.
func appendMembers(buf *bytes.Buffer, obj json.RawMessage) error {
	if len(obj) == 0 {
		return nil
	}
	members, err := objectMembers(obj)
	if err != nil {
		return err
	}
	for _, m := range members {
		buf.WriteByte(',')
		writeString(buf, m.key)
		buf.WriteByte(':')
		buf.Write(m.value)
	}
	return nil
}

// writeString writes s as a JSON string.
func writeString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s) // a string always marshals
	buf.Write(b)
}

// writeNullable writes s as a JSON string, or null when it is empty.
func writeNullable(buf *bytes.Buffer, s string) {
	if s == "" {
		buf.WriteString("null")
		return
	}
	writeString(buf, s)
}

// orEmptyObject returns raw, or {} when nothing is stored.
func orEmptyObject(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || string(raw) == "null" {
		return json.RawMessage("{}")
	}
	return raw
}
