package dashboard

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/latchkey-dev/latchkey"
)

// maxConcurrentExports bounds the exports one SDK process streams at
// once: each reads every user it selects, so a few at a time is plenty for
// operators and keeps any account, read-only ones too, from tying up the
// core with many.
const maxConcurrentExports = 2

// exportPageDeadline is how long the writing of each exported page may
// take. The server's write timeout bounds whole responses (a minute), and
// a large export takes longer, so each page moves the deadline on instead.
const exportPageDeadline = 30 * time.Second

// exportUsers serves GET /dashboard/api/users/export?format=csv|json (a
// Latchkey extension): every user that the list's search (email, phone,
// provider), filters (listFilters) and order select, in the request's
// tenant, streamed as a
// download with latchkey.ExportUsers, a page at a time. An error after the
// first bytes cannot change the status, so it aborts the connection: the
// browser then reports a failed download instead of keeping a short file.
func (rc *Recipe) exportUsers(w http.ResponseWriter, r *http.Request) error {
	q, err := rc.searchQuery(r.URL.Query())
	if err != nil {
		return err
	}
	format, err := latchkey.ParseExportFormat(q.Get("format"))
	if err != nil {
		return badInput("Invalid value received for 'format': use csv or json")
	}
	list := latchkey.ListUsersOptions{Search: searchOf(q)}
	if _, err := listFilters(q, &list); err != nil {
		return err
	}
	order := q.Get("timeJoinedOrder")
	if order == "" {
		order = "DESC"
	}
	if order != "ASC" && order != "DESC" {
		return badInput("Invalid value received for 'timeJoinedOrder': use ASC or DESC")
	}
	select {
	case rc.exports <- struct{}{}:
		defer func() { <-rc.exports }()
	default:
		latchkey.WriteJSON(w, http.StatusTooManyRequests, map[string]string{"message": "Other exports are running; try again when they end"})
		return nil
	}
	tenant := latchkey.TenantID(r.Context())
	list.TenantID, list.Order = tenant, latchkey.UserOrder(order)
	rcw := http.NewResponseController(w)
	h := w.Header()
	if format == latchkey.ExportCSV {
		h.Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		h.Set("Content-Type", "application/json")
	}
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="users-%s-%s.%s"`, tenant, time.Now().UTC().Format("2006-01-02"), format))
	h.Set("X-Content-Type-Options", "nosniff")
	_ = rcw.SetWriteDeadline(time.Now().Add(exportPageDeadline))
	out := &countingWriter{w: w}
	n, err := rc.lk.ExportUsers(r.Context(), out, latchkey.ExportOptions{
		Format:           format,
		ListUsersOptions: list,
		AfterPage: func() error {
			if err := rcw.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
				return err
			}
			if err := rcw.SetWriteDeadline(time.Now().Add(exportPageDeadline)); err != nil && !errors.Is(err, http.ErrNotSupported) {
				return err
			}
			return nil
		},
	})
	switch {
	case err == nil:
		return nil
	case out.n == 0:
		// Nothing sent yet: the answer can still say what went wrong.
		h.Del("Content-Disposition")
		return err
	}
	rc.lk.Logger().Warn("dashboard: a user export stopped part way", "users", n, "err", err)
	panic(http.ErrAbortHandler)
}

// countingWriter counts the bytes that reached the response.
type countingWriter struct {
	w http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
