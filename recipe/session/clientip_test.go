package session

import (
	"net/http/httptest"
	"testing"
)

func TestClientIP(t *testing.T) {
	for _, c := range []struct {
		name    string
		proxies []string
		remote  string
		xff     []string
		want    string
	}{
		{"no proxies: the peer, whatever the header says", nil, "203.0.113.7:5000", []string{"1.2.3.4"}, "203.0.113.7"},
		{"an untrusted peer's header is ignored", []string{"10.0.0.0/8"}, "198.51.100.9:1", []string{"1.2.3.4"}, "198.51.100.9"},
		{"a trusted proxy: the client before it", []string{"10.0.0.0/8"}, "10.0.0.2:1", []string{"203.0.113.7"}, "203.0.113.7"},
		{"a forged left entry is not taken", []string{"10.0.0.0/8"}, "10.0.0.2:1", []string{"6.6.6.6, 203.0.113.7"}, "203.0.113.7"},
		{"two trusted hops", []string{"10.0.0.0/8", "192.0.2.1"}, "10.0.0.2:1", []string{"203.0.113.7, 192.0.2.1"}, "203.0.113.7"},
		{"several headers", []string{"10.0.0.0/8"}, "10.0.0.2:1", []string{"6.6.6.6", "203.0.113.7, 10.1.1.1"}, "203.0.113.7"},
		{"an unreadable hop stops the walk", []string{"10.0.0.0/8"}, "10.0.0.2:1", []string{"203.0.113.7, junk"}, "10.0.0.2"},
		{"every hop trusted: the leftmost", []string{"10.0.0.0/8"}, "10.0.0.2:1", []string{"10.9.9.9"}, "10.9.9.9"},
		{"no header behind a proxy: the proxy", []string{"10.0.0.0/8"}, "10.0.0.2:1", nil, "10.0.0.2"},
		{"IPv6 and mapped IPv4", []string{"::1"}, "[::1]:8080", []string{"::ffff:203.0.113.7"}, "203.0.113.7"},
		{"a peer that is no IP", nil, "pipe", nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			proxies, err := parseTrustedProxies(c.proxies)
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = c.remote
			for _, v := range c.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := clientIP(r, proxies); got != c.want {
				t.Errorf("clientIP = %q, want %q", got, c.want)
			}
		})
	}
	if _, err := parseTrustedProxies([]string{"10.0.0.0/8", "not-an-ip"}); err == nil {
		t.Error("a bad TrustedProxies entry was accepted")
	}
}
