package dashboard

import "testing"

func TestBrowserAndOS(t *testing.T) {
	for _, c := range []struct{ ua, browser, os string }{
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36", "Chrome 118", "Windows"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", "Safari 17", "MacOS"},
		{"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox 128", "Linux"},
		{"", "", ""},
	} {
		b, os := browserAndOS(c.ua)
		if b != c.browser || os != c.os {
			t.Errorf("%q: got %q, %q; want %q, %q", c.ua, b, os, c.browser, c.os)
		}
	}
}
