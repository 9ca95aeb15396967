package emaildelivery

import (
	"context"
	"fmt"
	"html"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Email kinds.
const (
	KindPasswordReset     = "PASSWORD_RESET"
	KindEmailVerification = "EMAIL_VERIFICATION"
	// KindPasswordlessLogin carries a one-time code (UserInputCode), a
	// magic link (Link), or both, valid for CodeLifetime.
	KindPasswordlessLogin = "PASSWORDLESS_LOGIN"
)

// Email is one email to send.
type Email struct {
	// Kind is KindPasswordReset, KindEmailVerification or
	// KindPasswordlessLogin.
	Kind string
	// To is the recipient's address.
	To string
	// UserID is the recipient's (recipe) user id.
	UserID string
	// TenantID is the tenant the flow runs in.
	TenantID string
	// AppName is the app's name, from latchkey.AppInfo.
	AppName string
	// Link is the page to open: the reset-password, verify-email or
	// passwordless magic link ("" for a passwordless email with a code
	// only). It carries a one-time token: never log it in production.
	Link string
	// UserInputCode is the one-time code of a passwordless email ("" when
	// the email has a link only). Never log it in production.
	UserInputCode string
	// CodeLifetime is how long a passwordless code or link works.
	CodeLifetime time.Duration
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
	case KindPasswordlessLogin:
		subject = "Login to your account"
		valid := lifetimeText(e.CodeLifetime)
		var text, body strings.Builder
		fmt.Fprintf(&text, "Sign in to your %s account (%s).\n\n", app, e.To)
		fmt.Fprintf(&body, `<p>Sign in to your %s account (%s).</p>`, html.EscapeString(app), html.EscapeString(e.To))
		if e.UserInputCode != "" {
			fmt.Fprintf(&text, "Your one-time code is: %s\n\n", e.UserInputCode)
			fmt.Fprintf(&body, `<p>Your one-time code is: <strong>%s</strong></p>`, html.EscapeString(e.UserInputCode))
		}
		if e.Link != "" {
			fmt.Fprintf(&text, "To sign in, open:\n%s\n\n", e.Link)
			fmt.Fprintf(&body, `<p><a href="%s">Sign in</a></p>`, html.EscapeString(e.Link))
		}
		fmt.Fprintf(&text, "It is valid for %s. If you did not ask for this, ignore this email.\n", valid)
		fmt.Fprintf(&body, `<p>It is valid for %s. If you did not ask for this, ignore this email.</p>`, html.EscapeString(valid))
		textBody, htmlBody = text.String(), body.String()
	default:
		subject = "Email verification instructions"
		textBody = fmt.Sprintf("Please verify the email address of your %s account (%s) by opening:\n%s\n", app, e.To, e.Link)
		htmlBody = fmt.Sprintf(`<p>Please verify the email address of your %s account (%s).</p><p><a href="%s">Verify my email</a></p>`,
			html.EscapeString(app), html.EscapeString(e.To), html.EscapeString(e.Link))
	}
	return subject, htmlBody, textBody
}

// lifetimeText writes a code lifetime for people: "15 minutes",
// "1 hour", "90 seconds".
func lifetimeText(d time.Duration) string {
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch {
	case d <= 0:
		return "a short time"
	case d%time.Hour == 0:
		return unit(int64(d/time.Hour), "hour")
	case d%time.Minute == 0:
		return unit(int64(d/time.Minute), "minute")
	}
	return unit(int64((d+time.Second-1)/time.Second), "second")
}

// Log is a development Sender that logs each email's link (and a
// passwordless email's code) instead of sending it. Both are one-time
// secrets, so never use Log in production.
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
	args := []any{"kind", e.Kind, "to", e.To, "link", e.Link}
	if e.UserInputCode != "" {
		args = append(args, "code", e.UserInputCode)
	}
	lg.InfoContext(ctx, "emaildelivery (development): email not sent", args...)
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
