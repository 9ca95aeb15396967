package smsdelivery

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// KindPasswordlessLogin is a passwordless sign-in message: a one-time code
// (UserInputCode), a magic link (Link), or both, valid for CodeLifetime.
const KindPasswordlessLogin = "PASSWORDLESS_LOGIN"

// SMS is one text message to send.
type SMS struct {
	// Kind is KindPasswordlessLogin.
	Kind string
	// To is the recipient's phone number, in E.164 ("+12015550123").
	To string
	// TenantID is the tenant the flow runs in.
	TenantID string
	// AppName is the app's name, from latchkey.AppInfo.
	AppName string
	// UserInputCode is the one-time code, or "" when the message has a
	// link only. Never log it in production.
	UserInputCode string
	// Link is the magic link, or "" when the message has a code only. It
	// carries a one-time code: never log it in production.
	Link string
	// CodeLifetime is how long the code and link work.
	CodeLifetime time.Duration
}

// Sender delivers text messages.
type Sender interface {
	Send(ctx context.Context, s SMS) error
}

// SenderFunc is a function that is a Sender.
type SenderFunc func(ctx context.Context, s SMS) error

// Send implements Sender.
func (f SenderFunc) Send(ctx context.Context, s SMS) error { return f(ctx, s) }

// Content returns the text of s, short enough for one or two SMS parts.
func Content(s SMS) string {
	var b strings.Builder
	if s.UserInputCode != "" {
		fmt.Fprintf(&b, "%s is your %s sign-in code.", s.UserInputCode, s.AppName)
	}
	if s.Link != "" {
		if b.Len() > 0 {
			b.WriteString(" Or sign in with this link: ")
		} else {
			fmt.Fprintf(&b, "Sign in to %s: ", s.AppName)
		}
		b.WriteString(s.Link)
	}
	fmt.Fprintf(&b, "\nIt is valid for %s.", lifetimeText(s.CodeLifetime))
	return b.String()
}

// lifetimeText writes a code lifetime for people: "15 minutes".
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

// Log is a development Sender that logs each message's code and link
// instead of sending it, so that a developer can sign in by phone without
// an SMS provider. Both are one-time secrets, so never use Log in
// production.
type Log struct {
	// Logger receives the messages. Default: slog.Default().
	Logger *slog.Logger
}

// Send implements Sender.
func (l Log) Send(ctx context.Context, s SMS) error {
	lg := l.Logger
	if lg == nil {
		lg = slog.Default()
	}
	lg.InfoContext(ctx, "smsdelivery (development): SMS not sent", "kind", s.Kind, "to", s.To, "code", s.UserInputCode, "link", s.Link)
	return nil
}

// Recorder is a Sender that keeps every message, for tests. The zero value
// is ready to use.
type Recorder struct {
	mu   sync.Mutex
	sent []SMS
	// Err, when set, is returned by Send (after recording).
	Err error
}

// Send implements Sender.
func (r *Recorder) Send(_ context.Context, s SMS) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, s)
	return r.Err
}

// Messages returns the messages sent so far.
func (r *Recorder) Messages() []SMS {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]SMS(nil), r.sent...)
}

// Last returns the last message sent to the phone number to.
func (r *Recorder) Last(to string) (SMS, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.sent) - 1; i >= 0; i-- {
		if r.sent[i].To == to {
			return r.sent[i], true
		}
	}
	return SMS{}, false
}

// nop is the Sender used when none is configured.
type nop struct{ logger *slog.Logger }

// Nop returns a Sender that sends nothing and logs a warning (without the
// code or link) for each message: the default until an app configures one.
func Nop(logger *slog.Logger) Sender {
	if logger == nil {
		logger = slog.Default()
	}
	return nop{logger}
}

func (n nop) Send(ctx context.Context, s SMS) error {
	n.logger.WarnContext(ctx, "smsdelivery: no Sender configured, SMS not sent; set SMSDelivery in the recipe's config", "kind", s.Kind)
	return nil
}
