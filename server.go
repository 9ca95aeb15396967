package latchkey

import (
	"net/http"
	"time"
)

// Timeouts of [NewServer]: long enough for any sign-in, dashboard page or
// slow mobile client, short enough that a client cannot hold a connection
// open by sending slowly or not at all.
const (
	// ServerReadHeaderTimeout bounds reading a request's headers.
	ServerReadHeaderTimeout = 10 * time.Second
	// ServerReadTimeout bounds reading a whole request, body included.
	ServerReadTimeout = 30 * time.Second
	// ServerWriteTimeout bounds a request from the end of its headers to
	// the end of the response.
	ServerWriteTimeout = 60 * time.Second
	// ServerIdleTimeout bounds how long a kept-alive connection waits for
	// its next request.
	ServerIdleTimeout = 120 * time.Second
)

// NewServer returns an http.Server for addr and h with read-header, read,
// write and idle timeouts set. http.ListenAndServe and a zero http.Server
// have none, so one client can hold connections open for as long as it
// likes by sending a body slowly or keeping connections idle:
//
//	srv := latchkey.NewServer("localhost:8080", lk.Middleware(mux))
//	log.Fatal(srv.ListenAndServe())
func NewServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: ServerReadHeaderTimeout,
		ReadTimeout:       ServerReadTimeout,
		WriteTimeout:      ServerWriteTimeout,
		IdleTimeout:       ServerIdleTimeout,
	}
}
