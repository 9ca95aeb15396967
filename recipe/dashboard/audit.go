package dashboard

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey"
)

// The audit log is a Latchkey extension of the dashboard API:
//
//	GET /dashboard/api/audit?userId&actor&action&since&until&limit&paginationToken
//	GET /dashboard/api/audit/export?format=csv|json&…the same filters
//
// and every successful dashboard write is sent to the core's log with the
// signed-in account as the actor ("API key" in API-key mode), the route,
// the user it was about and the client's address. A write whose event the
// core refuses is logged here, not failed: the change is already made.

// maxExport caps the events one export reads (ten core pages).
const maxExport = 10000

// maxAuditCapture caps the request body read to find the target user.
const maxAuditCapture = 64 << 10

// audited records a successful write in the core's audit log.
func (rc *Recipe) audited(h apiFunc) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var body []byte
		if r.Body != nil {
			body, _ = io.ReadAll(io.LimitReader(r.Body, maxAuditCapture))
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
		}
		cw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		if err := h(cw, r); err != nil {
			return err
		}
		if cw.code != http.StatusOK || cw.status != "OK" {
			return nil
		}
		route := strings.TrimPrefix(r.URL.Path, rc.lk.App().APIBasePath)
		if i := strings.Index(route, "/dashboard/api/"); i >= 0 {
			route = route[i+len("/dashboard/api"):]
		}
		e := latchkey.AuditEvent{Actor: actor(r.Context()), Action: "dashboard." + strings.ToLower(r.Method) + " " + route,
			UserID: targetUser(r, body), Summary: r.Method + " " + route, ClientIP: peerIP(r), UserAgent: r.UserAgent()}
		if t := targetTenant(r, route, body); t != "" {
			e.Summary += " (tenant " + t + ")"
		}
		if err := rc.lk.RecordAuditEvent(r.Context(), e); err != nil {
			var ce *latchkey.CoreError
			if !errors.As(err, &ce) || ce.Code != http.StatusNotFound {
				rc.lk.Logger().ErrorContext(r.Context(), "dashboard: audit event not recorded", "err", err,
					"action", e.Action, "actor", e.Actor, "userId", e.UserID)
			}
		}
		return nil
	}
}

// targetUser finds the user a write is about: userId or recipeUserId in
// the query or the JSON body.
func targetUser(r *http.Request, body []byte) string {
	q := r.URL.Query()
	for _, k := range []string{"userId", "recipeUserId"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			return v
		}
	}
	var b map[string]any
	if json.Unmarshal(body, &b) == nil {
		for _, k := range []string{"userId", "recipeUserId"} {
			if v, ok := b[k].(string); ok && strings.TrimSpace(v) != "" {
				return strings.TrimSpace(v)
			}
		}
	}
	return ""
}

// targetTenant names the tenant of a tenant write (the path's, or for
// POST /tenant the one created), and of any other write below a tenant
// other than the public one; "" otherwise.
func targetTenant(r *http.Request, route string, body []byte) string {
	if r.Method == http.MethodPost && route == "/tenant" {
		var b struct {
			TenantID string `json:"tenantId"`
		}
		_ = json.Unmarshal(body, &b)
		return strings.ToLower(strings.TrimSpace(b.TenantID))
	}
	t := latchkey.TenantID(r.Context())
	if t != latchkey.DefaultTenantID || strings.HasPrefix(route, "/tenant") || strings.HasPrefix(route, "/thirdparty") {
		return t
	}
	return ""
}

// peerIP is the connection's peer.
func peerIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return ""
	}
	return host
}

// statusWriter notes the answer's code and its JSON "status".
type statusWriter struct {
	http.ResponseWriter
	code   int
	status string
	seen   bool
}

func (s *statusWriter) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(p []byte) (int, error) {
	if !s.seen {
		s.seen = true
		var v struct {
			Status string `json:"status"`
		}
		if json.Unmarshal(p, &v) == nil {
			s.status = v.Status
		}
	}
	return s.ResponseWriter.Write(p)
}

// auditQuery reads the filters of the audit APIs.
func auditQuery(r *http.Request) (latchkey.AuditQuery, error) {
	q := r.URL.Query()
	aq := latchkey.AuditQuery{UserID: strings.TrimSpace(q.Get("userId")), Actor: strings.TrimSpace(q.Get("actor")),
		Action: strings.TrimSpace(q.Get("action")), PaginationToken: q.Get("paginationToken")}
	for name, t := range map[string]*time.Time{"since": &aq.Since, "until": &aq.Until} {
		if v := strings.TrimSpace(q.Get(name)); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return aq, badInput("'" + name + "' must be a time in milliseconds since the epoch")
			}
			*t = time.UnixMilli(n)
		}
	}
	if v := strings.TrimSpace(q.Get("limit")); v != "" {
		n, err := positiveInt("limit", v)
		if err != nil {
			return aq, err
		}
		aq.Limit = min(n, 1000)
	}
	return aq, nil
}

func (rc *Recipe) readAudit(r *http.Request, aq latchkey.AuditQuery) (*latchkey.AuditPage, bool, error) {
	page, err := rc.lk.AuditEvents(r.Context(), aq)
	var ce *latchkey.CoreError
	switch {
	case errors.As(err, &ce) && ce.Code == http.StatusNotFound:
		return nil, false, nil
	case errors.As(err, &ce) && ce.Code == http.StatusBadRequest:
		return nil, true, badInput(ce.Body)
	}
	return page, true, err
}

// audit serves GET /dashboard/api/audit: a page of events, newest first.
func (rc *Recipe) audit(w http.ResponseWriter, r *http.Request) error {
	aq, err := auditQuery(r)
	if err != nil {
		return err
	}
	page, ok, err := rc.readAudit(r, aq)
	if err != nil {
		return err
	}
	if !ok {
		featureNotEnabled(w)
		return nil
	}
	out := map[string]any{"events": page.Events}
	if page.NextPaginationToken != "" {
		out["nextPaginationToken"] = page.NextPaginationToken
	}
	writeStatus(w, "OK", out)
	return nil
}

// auditExport serves GET /dashboard/api/audit/export?format=csv|json: the
// filtered events, newest first, at most maxExport, as a download.
func (rc *Recipe) auditExport(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format != "csv" && format != "json" {
		return badInput("'format' must be csv or json")
	}
	aq, err := auditQuery(r)
	if err != nil {
		return err
	}
	aq.Limit = 1000
	var all []latchkey.AuditEvent
	for len(all) < maxExport {
		page, ok, err := rc.readAudit(r, aq)
		if err != nil {
			return err
		}
		if !ok {
			featureNotEnabled(w)
			return nil
		}
		all = append(all, page.Events...)
		if page.NextPaginationToken == "" {
			break
		}
		aq.PaginationToken = page.NextPaginationToken
	}
	all = all[:min(len(all), maxExport)]
	name := "latchkey-audit-" + time.Now().UTC().Format("20060102-150405") + "." + format
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if format == "json" {
		if all == nil {
			all = []latchkey.AuditEvent{}
		}
		latchkey.WriteJSON(w, http.StatusOK, all)
		return nil
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"time", "actor", "action", "userId", "summary", "clientIp", "userAgent"})
	for _, e := range all {
		_ = cw.Write([]string{time.UnixMilli(e.Time).UTC().Format(time.RFC3339Nano), csvSafe(e.Actor), csvSafe(e.Action),
			csvSafe(e.UserID), csvSafe(e.Summary), csvSafe(e.ClientIP), csvSafe(e.UserAgent)})
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula (CSV
// injection): a leading =, +, - or @ gets a quote in front.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
