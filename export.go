package latchkey

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// ExportFormat is the file format of ExportUsers.
type ExportFormat string

// Export formats.
const (
	// ExportCSV is one row per user, with a header row; multi-valued
	// fields are joined with ";".
	ExportCSV ExportFormat = "csv"
	// ExportJSON is a JSON array of the CDI's user objects.
	ExportJSON ExportFormat = "json"
)

// ParseExportFormat reads "csv" or "json" (any case).
func ParseExportFormat(s string) (ExportFormat, error) {
	switch f := ExportFormat(strings.ToLower(strings.TrimSpace(s))); f {
	case ExportCSV, ExportJSON:
		return f, nil
	}
	return "", fmt.Errorf("latchkey: unknown export format %q: use csv or json", s)
}

// ExportOptions select the users ExportUsers writes: the list's tenant,
// order, recipe filter and search (Limit and PaginationToken are ignored).
type ExportOptions struct {
	ListUsersOptions
	Format ExportFormat
	// AfterPage, when set, is called after each page is written, such as
	// to flush an HTTP response.
	AfterPage func() error
}

// exportColumns is the CSV header.
var exportColumns = []string{"user_id", "time_joined", "is_primary_user", "tenant_ids", "login_methods", "emails", "verified_emails", "phone_numbers", "third_party"}

// ExportUsers writes every user that opts select to w, a page of
// MaxUsersPerPage at a time, so that its memory does not grow with the
// number of users. A search is paged too (PagedSearch), so from a Latchkey
// core it reaches every match; a SuperTokens core answers a search with
// at most MaxSearchResults users. It returns how many users it wrote; on
// an error, w holds the users before it (a JSON export is then not
// closed, so it cannot be mistaken for a whole one).
//
// The next page is fetched while one is written, so that the core reads
// while the SDK writes: at most three pages are held at once. A JSON
// export writes the core's user objects as they came, without decoding
// them.
func (lk *Latchkey) ExportUsers(ctx context.Context, w io.Writer, opts ExportOptions) (int, error) {
	if _, err := ParseExportFormat(string(opts.Format)); err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	out := newExportWriter(bw, opts.Format)
	list := opts.ListUsersOptions
	list.Limit, list.PaginationToken, list.PagedSearch = MaxUsersPerPage, "", true
	pages, stop := lk.exportPages(ctx, list, opts.Format == ExportJSON)
	defer stop()
	for page := range pages {
		if page.err != nil {
			return out.n, page.err
		}
		if err := out.page(&page); err != nil {
			return out.n, err
		}
		if err := bw.Flush(); err != nil {
			return out.n, err
		}
		if opts.AfterPage != nil {
			if err := opts.AfterPage(); err != nil {
				return out.n, err
			}
		}
	}
	if err := out.end(); err != nil {
		return out.n, err
	}
	return out.n, bw.Flush()
}

// exportPage is one page of an export: decoded users (CSV), or the core's
// user objects as they came (JSON), or the error that ends the export.
type exportPage struct {
	users []User
	raws  []json.RawMessage
	next  string
	err   error
}

// exportPage fetches one page of list: its users decoded, or, with raw,
// as the core wrote them, which spares decoding and encoding them again
// (the exporter's time goes to JSON).
func (lk *Latchkey) exportPage(ctx context.Context, list ListUsersOptions, raw bool) exportPage {
	if raw {
		raws, next, err := listPage[json.RawMessage](ctx, lk, list)
		return exportPage{raws: raws, next: next, err: err}
	}
	users, next, err := listPage[User](ctx, lk, list)
	return exportPage{users: users, next: next, err: err}
}

// exportPages fetches the pages of list in order, one ahead of the reader
// of the returned channel, and closes it after the last page or an error
// (sent as a page). stop cancels the fetching and waits until it ended, so
// that no request outlives the export.
func (lk *Latchkey) exportPages(ctx context.Context, list ListUsersOptions, raw bool) (<-chan exportPage, func()) {
	ctx, cancel := context.WithCancel(ctx)
	pages := make(chan exportPage, 1)
	go func() {
		defer close(pages)
		for {
			p := lk.exportPage(ctx, list, raw)
			select {
			case pages <- p:
			case <-ctx.Done():
				return
			}
			if p.err != nil || p.next == "" {
				return
			}
			list.PaginationToken = p.next
		}
	}()
	return pages, func() {
		cancel()
		for range pages { // until the fetcher has returned
		}
	}
}

// exportWriter writes users in one format.
type exportWriter struct {
	w      *bufio.Writer
	format ExportFormat
	csv    *csv.Writer
	enc    *json.Encoder
	n      int
}

func newExportWriter(w *bufio.Writer, f ExportFormat) *exportWriter {
	e := &exportWriter{w: w, format: f}
	if f == ExportCSV {
		e.csv = csv.NewWriter(w)
	} else {
		e.enc = json.NewEncoder(w)
	}
	return e
}

// page writes the users of one page, counting them in e.n, and flushes
// the CSV writer into e.w.
func (e *exportWriter) page(p *exportPage) error {
	for i := range p.users {
		if err := e.user(&p.users[i]); err != nil {
			return err
		}
		e.n++
	}
	for _, raw := range p.raws {
		if err := e.rawUser(raw); err != nil {
			return err
		}
		e.n++
	}
	return e.flush()
}

func (e *exportWriter) user(u *User) error {
	if e.format == ExportCSV {
		if e.n == 0 {
			if err := e.csv.Write(exportColumns); err != nil {
				return err
			}
		}
		return e.csv.Write(csvRow(u))
	}
	sep := ",\n"
	if e.n == 0 {
		sep = "[\n"
	}
	if _, err := e.w.WriteString(sep); err != nil {
		return err
	}
	return e.enc.Encode(u) // Encode ends the object with a newline
}

// rawUser writes one of the core's user objects to the JSON array as it
// came, on its own line as user writes them.
func (e *exportWriter) rawUser(u json.RawMessage) error {
	sep := ",\n"
	if e.n == 0 {
		sep = "[\n"
	}
	if _, err := e.w.WriteString(sep); err != nil {
		return err
	}
	if _, err := e.w.Write(u); err != nil {
		return err
	}
	return e.w.WriteByte('\n')
}

func (e *exportWriter) flush() error {
	if e.csv != nil {
		e.csv.Flush()
		return e.csv.Error()
	}
	return nil
}

// end closes the file: the CSV header when there was no user, the JSON
// array.
func (e *exportWriter) end() error {
	if e.format == ExportCSV {
		if e.n == 0 {
			if err := e.csv.Write(exportColumns); err != nil {
				return err
			}
		}
		return e.flush()
	}
	closing := "]\n"
	if e.n == 0 {
		closing = "[]\n"
	}
	_, err := e.w.WriteString(closing)
	return err
}

func csvRow(u *User) []string {
	var methods, verified []string
	for _, m := range u.LoginMethods {
		methods = append(methods, m.RecipeID)
		if m.Verified && m.Email != "" {
			verified = append(verified, m.Email)
		}
	}
	tp := make([]string, len(u.ThirdParty))
	for i, t := range u.ThirdParty {
		tp[i] = t.ID + ":" + t.UserID
	}
	return []string{
		cell(u.ID),
		time.UnixMilli(u.TimeJoined).UTC().Format("2006-01-02T15:04:05.000Z"),
		fmt.Sprint(u.IsPrimaryUser),
		cells(u.TenantIDs),
		cells(methods),
		cells(u.Emails),
		cells(verified),
		cells(u.PhoneNumbers),
		cells(tp),
	}
}

func cells(vs []string) string { return cell(strings.Join(vs, ";")) }

// cell defuses a value that a spreadsheet would run as a formula (OWASP's
// CSV injection): an email may well start with "=", "+", "-" or "@", and
// whoever signs up chooses it. A leading apostrophe makes it text. An
// E.164 phone number ("+" and digits), or a ";" list of them, is left as
// it is: it is no formula.
func cell(v string) string {
	if v == "" || !strings.ContainsRune("=+-@\t\r", rune(v[0])) || phones(v) {
		return v
	}
	return "'" + v
}

// phones reports whether v is one or more E.164 numbers joined by ";".
func phones(v string) bool {
	for p := range strings.SplitSeq(v, ";") {
		if len(p) < 2 || p[0] != '+' || strings.Trim(p[1:], "0123456789") != "" {
			return false
		}
	}
	return true
}
