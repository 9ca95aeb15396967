package emaildelivery

import (
	"bufio"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSMTP is a minimal SMTP server on loopback that records one message:
// enough of RFC 5321 for net/smtp, with STARTTLS and AUTH PLAIN.
type fakeSMTP struct {
	ln   net.Listener
	tls  *tls.Config
	mu   sync.Mutex
	auth string
	from string
	to   string
	data string
	tlsd bool
}

func startFakeSMTP(t *testing.T, implicitTLS bool) *fakeSMTP {
	t.Helper()
	cert := selfSigned(t)
	f := &fakeSMTP{tls: &tls.Config{Certificates: []tls.Certificate{cert}}}
	var err error
	if implicitTLS {
		f.ln, err = tls.Listen("tcp", "127.0.0.1:0", f.tls)
	} else {
		f.ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.ln.Close() })
	go func() {
		for {
			c, err := f.ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c, implicitTLS)
		}
	}()
	return f
}

func (f *fakeSMTP) serve(c net.Conn, secure bool) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(c)
	tp.PrintfLine("220 fake ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		switch cmd {
		case "EHLO", "HELO":
			if secure {
				tp.PrintfLine("250-fake\r\n250 AUTH PLAIN")
			} else {
				tp.PrintfLine("250-fake\r\n250 STARTTLS")
			}
		case "STARTTLS":
			tp.PrintfLine("220 go ahead")
			tc := tls.Server(c, f.tls)
			if tc.Handshake() != nil {
				return
			}
			c, secure = tc, true
			tp = textproto.NewConn(c)
			f.mu.Lock()
			f.tlsd = true
			f.mu.Unlock()
		case "AUTH":
			raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(line, "AUTH PLAIN "))
			f.mu.Lock()
			f.auth = strings.ReplaceAll(string(raw), "\x00", "|")
			f.mu.Unlock()
			tp.PrintfLine("235 ok")
		case "MAIL":
			f.mu.Lock()
			f.from = line
			f.mu.Unlock()
			tp.PrintfLine("250 ok")
		case "RCPT":
			f.mu.Lock()
			f.to = line
			f.mu.Unlock()
			tp.PrintfLine("250 ok")
		case "DATA":
			tp.PrintfLine("354 go")
			lines, _ := tp.ReadDotLines()
			f.mu.Lock()
			f.data = strings.Join(lines, "\n")
			f.mu.Unlock()
			tp.PrintfLine("250 queued")
		case "QUIT":
			tp.PrintfLine("221 bye")
			return
		default:
			tp.PrintfLine("250 ok")
		}
	}
}

func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: k}
}

func TestSMTP(t *testing.T) {
	for _, security := range []string{SecurityStartTLS, SecurityTLS} {
		t.Run(security, func(t *testing.T) {
			f := startFakeSMTP(t, security == SecurityTLS)
			port, _ := strconv.Atoi(strings.Split(f.ln.Addr().String(), ":")[1])
			s, err := NewSMTP(SMTPConfig{
				Host: "localhost", Port: port, Security: security, Username: "mailer", Password: "pw",
				From:      "Shop <no-reply@shop.example>",
				TLSConfig: &tls.Config{InsecureSkipVerify: true}, // the test's self-signed certificate
			})
			if err != nil {
				t.Fatal(err)
			}
			err = s.Send(t.Context(), Email{Kind: KindPasswordReset, To: "ann@example.com", AppName: "Shop", Link: "https://shop.example/auth/reset-password?token=abc&tenantId=public"})
			if err != nil {
				t.Fatal(err)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if security == SecurityStartTLS && !f.tlsd {
				t.Error("STARTTLS was not used")
			}
			if f.auth != "|mailer|pw" || !strings.Contains(f.from, "no-reply@shop.example") || !strings.Contains(f.to, "ann@example.com") {
				t.Errorf("auth %q from %q to %q", f.auth, f.from, f.to)
			}
			for _, want := range []string{"Subject: Password reset instructions", "multipart/alternative", "reset-password?token=3Dabc"} {
				if !strings.Contains(f.data, want) {
					t.Errorf("message lacks %q:\n%s", want, f.data)
				}
			}
		})
	}
}

func TestSMTPConfigErrors(t *testing.T) {
	_, err := NewSMTP(SMTPConfig{Security: "ssl", From: "nope"})
	if err == nil || !strings.Contains(err.Error(), "Host is required") || !strings.Contains(err.Error(), "Security") || !strings.Contains(err.Error(), "From") {
		t.Fatalf("got %v", err)
	}
}

func TestSMTPRefusesPlainWhenStartTLSMissing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		tp := textproto.NewConn(c)
		tp.PrintfLine("220 old")
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if strings.HasPrefix(strings.ToUpper(line), "EHLO") {
				tp.PrintfLine("250 old")
			} else {
				tp.PrintfLine("250 ok")
			}
		}
	}()
	port, _ := strconv.Atoi(strings.Split(ln.Addr().String(), ":")[1])
	s, _ := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: port, From: "a@b.co"})
	if err := s.Send(t.Context(), Email{To: "x@y.co"}); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("got %v", err)
	}
}
