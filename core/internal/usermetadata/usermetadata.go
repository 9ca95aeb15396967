package usermetadata

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/store"
)

// Service is the user-metadata logic.
type Service struct {
	Store store.Metadata
}

// Get returns the user's metadata, {} when none is stored.
func (s *Service) Get(ctx context.Context, userID string) (json.RawMessage, error) {
	m, err := s.Store.Metadata(ctx, userID)
	if err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return json.RawMessage("{}"), nil
	}
	return m, nil
}

// Update merges update into the user's metadata and returns the result:
// each top-level key of update replaces the stored one, or removes it when
// the value is null. Nested objects are replaced whole. The result is
// stored even when it is {}.
func (s *Service) Update(ctx context.Context, userID string, update json.RawMessage) (json.RawMessage, error) {
	changes, err := members(update)
	if err != nil {
		return nil, errUpdateNotObject
	}
	return s.Store.UpdateMetadata(ctx, userID, func(old json.RawMessage) (json.RawMessage, error) {
		var stored []member
		if len(old) > 0 {
			if stored, err = members(old); err != nil {
				return nil, err
			}
		}
		return merge(stored, changes), nil
	})
}

// MaxBulkUsers caps the user ids of one bulk read: the most users one
// GET /users answers (a search).
const MaxBulkUsers = 1000

// GetMany returns the metadata of each of userIDs, {} for those without,
// by user id. At most MaxBulkUsers distinct ids.
func (s *Service) GetMany(ctx context.Context, userIDs []string) (map[string]json.RawMessage, error) {
	out := make(map[string]json.RawMessage, len(userIDs))
	for _, id := range userIDs {
		out[id] = json.RawMessage("{}")
	}
	if len(out) > MaxBulkUsers {
		return nil, errTooManyUsers
	}
	stored, err := s.Store.MetadataForUsers(ctx, userIDs)
	if err != nil {
		return nil, err
	}
	for id, m := range stored {
		if _, asked := out[id]; asked && len(m) > 0 {
			out[id] = m
		}
	}
	return out, nil
}

var errTooManyUsers = cdi.BadRequestf("Field name 'userIds' holds more than %d user ids", MaxBulkUsers)

// Remove deletes the user's metadata.
func (s *Service) Remove(ctx context.Context, userID string) error {
	return s.Store.DeleteMetadata(ctx, userID)
}

var errUpdateNotObject = cdi.BadRequest("Field name 'metadataUpdate' is invalid in JSON input")

// member is one top-level key of a metadata object.
type member struct {
	key   string
	value json.RawMessage
}

// members returns an object's members in order.
func members(obj json.RawMessage) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("usermetadata: not a JSON object")
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, member{key, v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return out, nil
}

// merge applies changes to stored the way the Java core's JsonObject does:
// a changed key is removed and, unless its new value is null, added again
// at the end; the rest keep their place.
func merge(stored, changes []member) json.RawMessage {
	for _, c := range changes {
		for i := 0; i < len(stored); i++ {
			if stored[i].key == c.key {
				stored = append(stored[:i], stored[i+1:]...)
				i--
			}
		}
		if string(bytes.TrimSpace(c.value)) != "null" {
			stored = append(stored, c)
		}
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range stored {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		b.Write(k)
		b.WriteByte(':')
		_ = json.Compact(&b, m.value)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// Handler serves the endpoints over a Service.
type Handler struct {
	Service *Service
}

// New returns a Handler over s.
func New(s *Service) *Handler { return &Handler{Service: s} }

func (h *Handler) get(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	userID := q.String("userId")
	if err := q.Err(); err != nil {
		return err
	}
	m, err := h.Service.Get(r.Context(), userID)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"metadata": m})
	return nil
}

func (h *Handler) update(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	userID, update := b.String("userId"), b.Object("metadataUpdate")
	if err := b.Err(); err != nil {
		return err
	}
	m, err := h.Service.Update(r.Context(), userID, update)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"metadata": m})
	return nil
}

// bulk serves POST /recipe/user/metadata/bulk: {userIds: [...]} answers
// {metadata: {<userId>: {...}}, status: "OK"}, with {} for a user without
// metadata.
func (h *Handler) bulk(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	ids, ok := b.StringArray("userIds")
	if !ok && b.Err() == nil {
		return cdi.BadRequest("Field name 'userIds' is invalid in JSON input")
	}
	if err := b.Err(); err != nil {
		return err
	}
	m, err := h.Service.GetMany(r.Context(), ids)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"metadata": m})
	return nil
}

func (h *Handler) remove(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	userID := b.String("userId")
	if err := b.Err(); err != nil {
		return err
	}
	if err := h.Service.Remove(r.Context(), userID); err != nil {
		return err
	}
	cdi.OK(w, nil)
	return nil
}
