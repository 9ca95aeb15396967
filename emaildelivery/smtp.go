package emaildelivery

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"
)

// SMTP security modes.
const (
	// SecurityStartTLS connects in plain text and upgrades with STARTTLS,
	// failing if the server does not offer it (port 587).
	SecurityStartTLS = "starttls"
	// SecurityTLS connects with TLS from the start (port 465).
	SecurityTLS = "tls"
	// SecurityNone sends in plain text: only for a local test server.
	SecurityNone = "none"
)

// SMTPConfig configures an [SMTP] sender.
type SMTPConfig struct {
	// Host is the server's host name. Required.
	Host string
	// Port is the server's port. Default: 465 with SecurityTLS, else 587.
	Port int
	// Security is SecurityStartTLS, SecurityTLS or SecurityNone. Default:
	// SecurityStartTLS.
	Security string
	// Username and Password authenticate with AUTH PLAIN, which net/smtp
	// only does over TLS or to localhost. Default: no authentication.
	Username string
	Password string
	// From is the sender, such as "Shop <no-reply@shop.example>". Required.
	From string
	// TLSConfig is used for TLS and STARTTLS. Default: one that checks the
	// server's certificate for Host.
	TLSConfig *tls.Config
	// Timeout bounds one delivery. Default: 30s.
	Timeout time.Duration
	// Content builds the subject and bodies. Default: [Content].
	Content func(e Email) (subject, htmlBody, textBody string)
}

// SMTP sends emails through an SMTP server. It uses the standard library's
// net/smtp: it covers implicit TLS, STARTTLS and AUTH PLAIN, which is all
// the auth flows need, without another dependency.
type SMTP struct {
	cfg  SMTPConfig
	from *mail.Address
}

// NewSMTP returns an SMTP sender, or an error naming what to fix in cfg.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	var errs []error
	if strings.TrimSpace(cfg.Host) == "" {
		errs = append(errs, errors.New("emaildelivery: SMTPConfig.Host is required"))
	}
	cfg.Security = strings.ToLower(strings.TrimSpace(cfg.Security))
	switch cfg.Security {
	case "":
		cfg.Security = SecurityStartTLS
	case SecurityStartTLS, SecurityTLS, SecurityNone:
	default:
		errs = append(errs, fmt.Errorf("emaildelivery: SMTPConfig.Security must be starttls, tls or none, not %q", cfg.Security))
	}
	if cfg.Port == 0 {
		cfg.Port = 587
		if cfg.Security == SecurityTLS {
			cfg.Port = 465
		}
	}
	if cfg.Port < 0 || cfg.Port > 65535 {
		errs = append(errs, fmt.Errorf("emaildelivery: SMTPConfig.Port %d is not a port", cfg.Port))
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		errs = append(errs, fmt.Errorf("emaildelivery: SMTPConfig.From must be an address such as \"Shop <no-reply@shop.example>\": %v", err))
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Content == nil {
		cfg.Content = Content
	}
	if cfg.TLSConfig == nil {
		cfg.TLSConfig = &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &SMTP{cfg: cfg, from: from}, nil
}

// Send implements Sender.
func (s *SMTP) Send(ctx context.Context, e Email) error {
	to, err := mail.ParseAddress(e.To)
	if err != nil {
		return fmt.Errorf("emaildelivery: recipient: %w", err)
	}
	msg, err := s.message(to, e)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	d := &net.Dialer{}
	var conn net.Conn
	if s.cfg.Security == SecurityTLS {
		conn, err = (&tls.Dialer{NetDialer: d, Config: s.cfg.TLSConfig}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("emaildelivery: connecting to %s: %w", addr, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		return fmt.Errorf("emaildelivery: %w", err)
	}
	defer c.Close()
	if s.cfg.Security == SecurityStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fmt.Errorf("emaildelivery: %s does not offer STARTTLS; use Security %q or %q", addr, SecurityTLS, SecurityNone)
		}
		if err := c.StartTLS(s.cfg.TLSConfig); err != nil {
			return fmt.Errorf("emaildelivery: STARTTLS: %w", err)
		}
	}
	if s.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)); err != nil {
			return fmt.Errorf("emaildelivery: AUTH: %w", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("emaildelivery: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return fmt.Errorf("emaildelivery: RCPT TO: %w", err)
	}
	wc, err := c.Data()
	if err != nil {
		return fmt.Errorf("emaildelivery: DATA: %w", err)
	}
	if _, err := wc.Write(msg); err != nil {
		return fmt.Errorf("emaildelivery: writing the message: %w", err)
	}
	if err := wc.Close(); err != nil {
		return fmt.Errorf("emaildelivery: sending the message: %w", err)
	}
	return c.Quit()
}

// message builds a multipart/alternative message with text and HTML.
func (s *SMTP) message(to *mail.Address, e Email) ([]byte, error) {
	subject, htmlBody, textBody := s.cfg.Content(e)
	var rnd [12]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return nil, err
	}
	boundary := "lk-" + hex.EncodeToString(rnd[:])
	var b bytes.Buffer
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("From", s.from.String())
	hdr("To", to.String())
	hdr("Subject", mime.QEncoding.Encode("utf-8", subject))
	hdr("Date", time.Now().Format(time.RFC1123Z))
	hdr("Message-ID", "<"+boundary+"@"+s.cfg.Host+">")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", `multipart/alternative; boundary="`+boundary+`"`)
	b.WriteString("\r\n")
	for _, part := range []struct{ typ, body string }{{"text/plain", textBody}, {"text/html", htmlBody}} {
		fmt.Fprintf(&b, "--%s\r\nContent-Type: %s; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", boundary, part.typ)
		qp := quotedprintable.NewWriter(&b)
		if _, err := qp.Write([]byte(part.body)); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
		b.WriteString("\r\n")
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes(), nil
}
