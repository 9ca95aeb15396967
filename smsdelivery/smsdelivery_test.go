package smsdelivery

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestContent(t *testing.T) {
	for _, tc := range []struct {
		s    SMS
		want string
	}{
		{SMS{AppName: "Demo", UserInputCode: "123456", CodeLifetime: 15 * time.Minute},
			"123456 is your Demo sign-in code.\nIt is valid for 15 minutes."},
		{SMS{AppName: "Demo", Link: "https://a.example/auth/verify#x", CodeLifetime: time.Hour},
			"Sign in to Demo: https://a.example/auth/verify#x\nIt is valid for 1 hour."},
		{SMS{AppName: "Demo", UserInputCode: "1", Link: "https://l", CodeLifetime: 61 * time.Second},
			"1 is your Demo sign-in code. Or sign in with this link: https://l\nIt is valid for 61 seconds."},
	} {
		if got := Content(tc.s); got != tc.want {
			t.Errorf("Content = %q, want %q", got, tc.want)
		}
	}
}

func TestSenders(t *testing.T) {
	ctx := context.Background()
	var buf bytes.Buffer
	sms := SMS{Kind: KindPasswordlessLogin, To: "+12015550123", UserInputCode: "987654", Link: "https://l/verify#k"}
	if err := (Log{Logger: slog.New(slog.NewTextHandler(&buf, nil))}).Send(ctx, sms); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"987654", "https://l/verify#k", "+12015550123"} {
		if !strings.Contains(buf.String(), w) {
			t.Errorf("Log output lacks %q: %s", w, buf.String())
		}
	}

	buf.Reset()
	if err := Nop(slog.New(slog.NewTextHandler(&buf, nil))).Send(ctx, sms); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "987654") || strings.Contains(buf.String(), "verify#k") {
		t.Errorf("Nop logged a secret: %s", buf.String())
	}

	r := &Recorder{}
	r.Send(ctx, sms)
	r.Send(ctx, SMS{To: "+1"})
	if got, ok := r.Last("+12015550123"); !ok || got.UserInputCode != "987654" || len(r.Messages()) != 2 {
		t.Errorf("Recorder = %+v", r.Messages())
	}
	r.Err = errors.New("down")
	if err := r.Send(ctx, sms); err == nil {
		t.Error("Recorder.Err not returned")
	}

	var got SMS
	f := SenderFunc(func(_ context.Context, s SMS) error { got = s; return nil })
	f.Send(ctx, sms)
	if got.To != sms.To {
		t.Errorf("SenderFunc got %+v", got)
	}
}
