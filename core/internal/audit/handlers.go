package audit

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/store"
)

// Read and write caps.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
	maxField     = 200  // actor, action, user id, IP
	maxSummary   = 2000 // a summary of a change
	maxUserAgent = 512
)

// Handler serves the audit endpoints.
type Handler struct {
	Store  store.Audit
	Writer *Writer
	// Now tells the time. Default: time.Now.
	Now func() time.Time
}

// Mount registers the audit endpoints, Latchkey extensions both.
func (h *Handler) Mount(rt *cdi.Router) {
	rt.HandleFunc("GET /recipe/latchkey/audit", h.list)
	rt.HandleFunc("POST /recipe/latchkey/audit", h.append)
}

type eventJSON struct {
	Time      int64  `json:"time"`
	Actor     string `json:"actor"`
	Action    string `json:"action"`
	UserID    string `json:"userId"`
	Summary   string `json:"summary"`
	ClientIP  string `json:"clientIp"`
	UserAgent string `json:"userAgent"`
}

var errBadToken = cdi.BadRequest("invalid pagination token")

func encodeToken(e store.AuditEvent) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(e.Time.UnixMilli(), 10) + ";" + strconv.FormatInt(e.ID, 10)))
}

func decodeToken(s string) (*store.AuditCursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, errBadToken
	}
	t, id, ok := strings.Cut(string(raw), ";")
	ms, err1 := strconv.ParseInt(t, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || ms < 0 || n < 0 {
		return nil, errBadToken
	}
	return &store.AuditCursor{Time: time.UnixMilli(ms), ID: n}, nil
}

// msParam reads an optional time in milliseconds since the epoch.
func msParam(q *cdi.Query, name string) (time.Time, error) {
	v, ok := q.OptString(name)
	if !ok || v == "" {
		return time.Time{}, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return time.Time{}, cdi.BadRequestf("%s must be a time in milliseconds since the epoch", name)
	}
	return time.UnixMilli(n), nil
}

// list serves GET /recipe/latchkey/audit?userId&actor&action&since&until
// &limit&paginationToken: {status: "OK", events: [...],
// nextPaginationToken?}, newest first. since is inclusive, until
// exclusive; limit is 1 to MaxLimit (default DefaultLimit).
func (h *Handler) list(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	query := store.AuditQuery{Limit: q.Int("limit", DefaultLimit)}
	query.UserID, _ = q.OptString("userId")
	query.Actor, _ = q.OptString("actor")
	query.Action, _ = q.OptString("action")
	token, _ := q.OptString("paginationToken")
	if err := q.Err(); err != nil {
		return err
	}
	var err error
	if query.Since, err = msParam(q, "since"); err != nil {
		return err
	}
	if query.Until, err = msParam(q, "until"); err != nil {
		return err
	}
	switch {
	case query.Limit < 1 || query.Limit > MaxLimit:
		return cdi.BadRequestf("limit must be an integer from 1 to %d", MaxLimit)
	case len(query.UserID) > maxField || len(query.Actor) > maxField || len(query.Action) > maxField:
		return cdi.BadRequestf("userId, actor and action must be at most %d bytes", maxField)
	case !query.Since.IsZero() && !query.Until.IsZero() && !query.Until.After(query.Since):
		return cdi.BadRequest("until must be after since")
	}
	if token != "" {
		if query.Before, err = decodeToken(token); err != nil {
			return err
		}
	}
	want := query.Limit
	query.Limit++
	events, err := h.Store.AuditEvents(r.Context(), query)
	if err != nil {
		return err
	}
	out := map[string]any{}
	if len(events) > want {
		events = events[:want]
		out["nextPaginationToken"] = encodeToken(events[want-1])
	}
	list := make([]eventJSON, len(events))
	for i, e := range events {
		list[i] = eventJSON{Time: e.Time.UnixMilli(), Actor: e.Actor, Action: e.Action, UserID: e.UserID,
			Summary: e.Summary, ClientIP: e.ClientIP, UserAgent: e.UserAgent}
	}
	out["events"] = list
	cdi.OK(w, out)
	return nil
}

// append serves POST /recipe/latchkey/audit: {actor, action, userId?,
// summary?, clientIp?, userAgent?} queues one event, timed by the core.
// The dashboard sends one for each of its writes.
func (h *Handler) append(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	e := store.AuditEvent{Actor: b.String("actor"), Action: b.String("action")}
	e.UserID, _ = b.OptString("userId")
	e.Summary, _ = b.OptString("summary")
	e.ClientIP, _ = b.OptString("clientIp")
	e.UserAgent, _ = b.OptString("userAgent")
	if err := b.Err(); err != nil {
		return err
	}
	e.Actor, e.Action = strings.TrimSpace(e.Actor), strings.TrimSpace(e.Action)
	switch {
	case e.Actor == "" || e.Action == "":
		return cdi.BadRequest("actor and action must be non-empty strings")
	case len(e.Actor) > maxField || len(e.Action) > maxField || len(e.UserID) > maxField || len(e.ClientIP) > maxField:
		return cdi.BadRequestf("actor, action, userId and clientIp must be at most %d bytes", maxField)
	}
	e.Summary = cut(e.Summary, maxSummary)
	e.UserAgent = cut(e.UserAgent, maxUserAgent)
	e.Time = time.Now()
	if h.Now != nil {
		e.Time = h.Now()
	}
	h.Writer.Record(r.Context(), e)
	cdi.OK(w, nil)
	return nil
}

// cut shortens s to at most n bytes, on a character boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
