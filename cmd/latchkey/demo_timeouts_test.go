package main

import (
	"io"
	"net"
	"net/url"
	"testing"
	"time"
)

// TestDemoClosesSlowConnections checks that the demo's backend and website
// close connections that hold them without completing a request: headers
// sent in part, a body sent in part, a kept-alive connection left idle.
// The demo runs with a short --read-timeout; the test checks that each
// connection is closed, allowing far longer than the timeout.
func TestDemoClosesSlowConnections(t *testing.T) {
	d := startDemo(t, "--read-timeout", "1s")
	for _, server := range []string{d.api, d.web} {
		u, err := url.Parse(server)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ name, send string }{
			{"half-sent headers", "GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: "},
			{"half-sent body", "POST /auth/signin HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"formFields\":"},
			{"idle after a request", "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"},
		} {
			t.Run(server+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				conn, err := net.Dial("tcp", u.Host)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				if _, err := io.WriteString(conn, tc.send); err != nil {
					t.Fatal(err)
				}
				// Whatever the server answers, it must then close: reading
				// ends with EOF, not with our own deadline.
				conn.SetReadDeadline(time.Now().Add(30 * time.Second))
				if _, err := io.Copy(io.Discard, conn); err != nil {
					t.Errorf("the connection is still open after 30 s: %v", err)
				}
			})
		}
	}
}
