package emaildelivery

import (
	"strings"
	"testing"
	"time"
)

func TestPasswordlessContent(t *testing.T) {
	for _, tc := range []struct {
		name       string
		code, link string
		lifetime   time.Duration
		want, not  []string
	}{
		{"code and link", "123456", "https://app.example/auth/verify?preAuthSessionId=p&tenantId=public#l", 15 * time.Minute,
			[]string{"123456", "https://app.example/auth/verify?preAuthSessionId=p&tenantId=public#l", "15 minutes"}, nil},
		{"code only", "654321", "", time.Hour, []string{"654321", "1 hour"}, []string{"open:", "href"}},
		{"link only", "", "https://x.example/verify#k", 90 * time.Second, []string{"https://x.example/verify#k", "90 seconds"}, []string{"one-time code"}},
	} {
		subject, htmlBody, textBody := Content(Email{Kind: KindPasswordlessLogin, To: "a@b.co", AppName: "Demo <App>",
			UserInputCode: tc.code, Link: tc.link, CodeLifetime: tc.lifetime})
		if subject != "Login to your account" {
			t.Errorf("%s: subject %q", tc.name, subject)
		}
		for _, w := range tc.want {
			if !strings.Contains(textBody, w) {
				t.Errorf("%s: text lacks %q:\n%s", tc.name, w, textBody)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(textBody, n) || strings.Contains(htmlBody, n) {
				t.Errorf("%s: body has %q", tc.name, n)
			}
		}
		if strings.Contains(htmlBody, "<App>") || !strings.Contains(htmlBody, "Demo &lt;App&gt;") {
			t.Errorf("%s: HTML not escaped: %s", tc.name, htmlBody)
		}
		if tc.link != "" && !strings.Contains(htmlBody, `href="`+strings.ReplaceAll(tc.link, "&", "&amp;")+`"`) {
			t.Errorf("%s: HTML lacks the link: %s", tc.name, htmlBody)
		}
	}
}
