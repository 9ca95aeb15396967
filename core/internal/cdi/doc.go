// Package cdi holds what every core recipe shares to speak the Core Driver
// Interface (reference/cdi-core.md §1): the table of business outcomes and
// the errors that become HTTP codes, request parsing with the reference's
// exact 400 messages, the route table, and the adapter that turns a
// handler's error into the one response the reference prescribes.
//
// Handlers are func(http.ResponseWriter, *http.Request) error. A handler
// that returns a *StatusError answers 200 {"status": ...}; an *HTTPError
// answers its code with a plain-text message; anything else is logged with
// the request id and answers 500 with a generic body.
package cdi
