package redact_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/latchkey-dev/latchkey/internal/redact"
)

func TestURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"http://127.0.0.1:3567/recipe/dashboard/session?sessionId=0b9c-secret", "http://127.0.0.1:3567/recipe/dashboard/session?sessionId=REDACTED"},
		{"https://graph.example/me?fields=id&access_token=ya29.secret", "https://graph.example/me?fields=REDACTED&access_token=REDACTED"},
		{"http://u:pw@h/p?x", "http://u:REDACTED@h/p?x"},
		{"http://h/cb#code=secret", "http://h/cb#REDACTED"},
		{"http://h/plain", "http://h/plain"},
		{"::bad?token=secret", "::bad?REDACTED"},
	} {
		if got := redact.URL(tc.in); got != tc.want {
			t.Errorf("URL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestError: Go's client puts the URL, query and all, in its errors.
func TestError(t *testing.T) {
	req, _ := http.NewRequestWithContext(context.Background(), "DELETE", "http://127.0.0.1:1/recipe/dashboard/session?sessionId=the-secret-id", nil)
	_, err := http.DefaultClient.Do(req)
	if err == nil || !strings.Contains(err.Error(), "the-secret-id") {
		t.Fatalf("the client's error no longer carries the URL, so this test proves nothing: %v", err)
	}
	for _, e := range []error{err, fmt.Errorf("calling the core: %w", err)} {
		got := redact.Error(e)
		if strings.Contains(got.Error(), "the-secret-id") || !strings.Contains(got.Error(), "sessionId=REDACTED") {
			t.Errorf("redacted: %v", got)
		}
		var ue *url.Error
		if !errors.As(got, &ue) || ue.Op != "Delete" {
			t.Errorf("the *url.Error is lost: %#v", got)
		}
	}
	plain := errors.New("no URL here")
	if redact.Error(plain) != plain {
		t.Error("an error without a URL must come back as it is")
	}
}
