package latchkey

import (
	"context"
	"net/url"
	"strconv"
	"time"
)

// AuditEvent is one entry of the core's audit log (a Latchkey extension).
type AuditEvent struct {
	// Time is in milliseconds since the epoch.
	Time      int64  `json:"time"`
	Actor     string `json:"actor"`
	Action    string `json:"action"`
	UserID    string `json:"userId"`
	Summary   string `json:"summary"`
	ClientIP  string `json:"clientIp"`
	UserAgent string `json:"userAgent"`
}

// AuditQuery selects audit events; empty fields do not filter.
type AuditQuery struct {
	UserID, Actor, Action string
	// Since (inclusive) and Until (exclusive) bound the time.
	Since, Until time.Time
	// Limit is 1 to 1000. Default: 100.
	Limit           int
	PaginationToken string
}

// AuditPage is one page of the audit log, newest first.
type AuditPage struct {
	Events []AuditEvent
	// NextPaginationToken fetches the next page; "" on the last.
	NextPaginationToken string
}

// AuditEvents reads a page of the audit log. Bad filters are a
// *CoreError with Code 400. CDI (Latchkey): GET /recipe/latchkey/audit.
func (lk *Latchkey) AuditEvents(ctx context.Context, q AuditQuery) (*AuditPage, error) {
	v := url.Values{}
	for k, s := range map[string]string{"userId": q.UserID, "actor": q.Actor, "action": q.Action, "paginationToken": q.PaginationToken} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if !q.Since.IsZero() {
		v.Set("since", strconv.FormatInt(q.Since.UnixMilli(), 10))
	}
	if !q.Until.IsZero() {
		v.Set("until", strconv.FormatInt(q.Until.UnixMilli(), 10))
	}
	if q.Limit != 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	var a struct {
		Events              []AuditEvent `json:"events"`
		NextPaginationToken string       `json:"nextPaginationToken"`
	}
	if err := lk.core.Do(ctx, CoreRequest{Path: "/recipe/latchkey/audit", Query: v}, &a); err != nil {
		return nil, err
	}
	if a.Events == nil {
		a.Events = []AuditEvent{}
	}
	return &AuditPage{Events: a.Events, NextPaginationToken: a.NextPaginationToken}, nil
}

// RecordAuditEvent appends an event to the core's audit log (its Time is
// set by the core). CDI (Latchkey): POST /recipe/latchkey/audit.
func (lk *Latchkey) RecordAuditEvent(ctx context.Context, e AuditEvent) error {
	return lk.core.Do(ctx, CoreRequest{Method: "POST", Path: "/recipe/latchkey/audit", Body: map[string]string{
		"actor": e.Actor, "action": e.Action, "userId": e.UserID, "summary": e.Summary,
		"clientIp": e.ClientIP, "userAgent": e.UserAgent,
	}}, nil)
}
