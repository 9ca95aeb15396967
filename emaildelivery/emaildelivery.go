package emaildelivery

import (
	"context"
	"fmt"
	"html"
	"log/slog"
	"sync"
)

// Email kinds.
const (
	KindPasswordReset     = "PASSWORD_RESET"
	KindEmailVerification = "EMAIL_VERIFICATION"
)

// Email is one email to send.
type Email struct {
	// Kind is KindPasswordReset or KindEmailVerification.
	Kind string
	// To is the recipient's address.
	To string
	// UserID is the recipient's (recipe) user id.
	UserID string
	// TenantID is the tenant the flow runs in.
	TenantID string
	// AppName is the app's name, from latchkey.AppInfo.
	AppName string
	// Link is the page to open: the reset-password or verify-email link.
	// It carries a one-time token: never log it in production.
	Link string
}

// Sender delivers emails.
type Sender interface {
	Send(ctx context.Context, e Email) error
}

// Content returns the subject, an HTML body and a plain-text body for e.
func Content(e Email) (subject, htmlBody, textBody string) {
	app := e.AppName
	switch e.Kind {
	case KindPasswordReset:
		subject = "Password reset instructions"
		textBody = fmt.Sprintf("A password reset was requested for your %s account (%s).\n\nTo choose a new password, open:\n%s\n\nIf you did not ask for this, ignore this email.\n", app, e.To, e.Link)
		htmlBody = fmt.Sprintf(`<p>A password reset was requested for your %s account (%s).</p><p><a href="%s">Choose a new password</a></p><p>If you did not ask for this, ignore this email.</p>`,
			html.EscapeString(app), html.EscapeString(e.To), html.EscapeString(e.Link))
	default:
		subject = "Email verification instructions"
		textBody = fmt.Sprintf("Please verify the email address of your %s account (%s) by opening:\n%s\n", app, e.To, e.Link)
		htmlBody = fmt.Sprintf(`<p>Please verify the email address of your %s account (%s).</p><p><a href="%s">Verify my email</a></p>`,
			html.EscapeString(app), html.EscapeString(e.To), html.EscapeString(e.Link))
	}
	return subject, htmlBody, textBody
}

// Log is a development Sender that logs each email's link instead of
// sending it. The link carries a one-time token, so never use Log in
// production.
type Log struct {
	// Logger receives the links. Default: slog.Default().
	Logger *slog.Logger
}

// Send implements Sender.
func (l Log) Send(ctx context.Context, e Email) error {
	lg := l.Logger
	if lg == nil {
		lg = slog.Default()
	}
	lg.InfoContext(ctx, "emaildelivery (development): email not sent", "kind", e.Kind, "to", e.To, "link", e.Link)
	return nil
}

// Recorder is a Sender that keeps every email, for tests. The zero value is
// ready to use.
type Recorder struct {
	mu     sync.Mutex
	emails []Email
	// Err, when set, is returned by Send (after recording).
	Err error
}

// Send implements Sender.
func (r *Recorder) Send(_ context.Context, e Email) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.emails = append(r.emails, e)
	return r.Err
}

// Emails returns the emails sent so far.
func (r *Recorder) Emails() []Email {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Email(nil), r.emails...)
}

// Last returns the last email sent to address to.
func (r *Recorder) Last(to string) (Email, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.emails) - 1; i >= 0; i-- {
		if r.emails[i].To == to {
			return r.emails[i], true
		}
	}
	return Email{}, false
}

// nop is the Sender used when none is configured: it sends nothing and
// says so in the log, without the link.
type nop struct{ logger *slog.Logger }

// Nop returns a Sender that sends nothing and logs a warning (without the
// link) for each email: the default until an app configures one.
func Nop(logger *slog.Logger) Sender {
	if logger == nil {
		logger = slog.Default()
	}
	return nop{logger}
}

func (n nop) Send(ctx context.Context, e Email) error {
	n.logger.WarnContext(ctx, "emaildelivery: no Sender configured, email not sent; set EmailDelivery in the recipe's config", "kind", e.Kind)
	return nil
}
