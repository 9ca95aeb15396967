package dashboard

import (
	"bytes"
	"context"
	"errors"
	"net/http"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/internal/dashcheck"
)

// maxViewBuffer caps the answer a view API holds back until its session
// is confirmed. Answers are capped lists far below it; a larger one is
// sent once the session is confirmed (with the explicit verify if no core
// answer confirmed it yet), then streamed.
const maxViewBuffer = 8 << 20

// errViewDenied stops a handler's writes once its session is refused.
var errViewDenied = errors.New("dashboard: the dashboard session was refused")

// serveView runs a view API (access view) without the session verify
// call of its own (issue 17): the core calls the handler makes carry the
// session (internal/dashcheck), and a Latchkey core verifies it in the
// same round trip. Nothing is cached, so a signed-out session or a removed
// account is refused on its very next request, by every SDK process.
//
// It fails closed: the answer is held back and sent only when a core
// answer confirmed the session and none refused it. When none confirmed
// it (a core that ignores the header, or a handler that made no GET to
// the core), the explicit verify decides, as for every other API. A
// refused session gets the 401 of an invalid token, and nothing the
// handler wrote.
func (rc *Recipe) serveView(w http.ResponseWriter, r *http.Request, h apiFunc) error {
	token := bearerToken(r)
	if token == "" {
		latchkey.WriteJSON(w, http.StatusUnauthorized, map[string]string{"message": msgUnauthorised})
		return nil
	}
	chk := &dashcheck.Check{SessionID: token}
	bw := &viewWriter{w: w, header: w.Header().Clone(), confirm: func() (bool, error) { return rc.confirmView(r, chk) }}
	// The caller has no email or role: view APIs read neither (those that
	// do are read APIs, with the explicit verify).
	ctx := context.WithValue(dashcheck.With(r.Context(), chk), callerKey{}, caller{token: token})
	herr := h(bw, r.WithContext(ctx))
	switch {
	case bw.passing:
		return herr // confirmed when the buffer filled, and sent
	case bw.denied:
		return bw.deny()
	}
	ok, err := rc.confirmView(r, chk)
	if err != nil {
		return err
	}
	if !ok {
		latchkey.WriteJSON(w, http.StatusUnauthorized, map[string]string{"message": msgUnauthorised})
		return nil
	}
	bw.flush()
	return herr
}

// confirmView decides whether a view API's answer may be sent: no core
// answer refused the session, and one confirmed it or, failing that, the
// explicit verify (POST /recipe/dashboard/session/verify, made with r's
// own context, so without the header) accepts it. An error means the core
// could not be asked.
func (rc *Recipe) confirmView(r *http.Request, chk *dashcheck.Check) (bool, error) {
	if chk.Refused() {
		return false, nil
	}
	if chk.Verified() {
		return true, nil
	}
	_, ok, err := rc.authenticate(r)
	return ok, err
}

// viewWriter holds a view API's answer back until serveView has decided;
// past maxViewBuffer it decides then, and sends or drops the rest.
type viewWriter struct {
	w       http.ResponseWriter
	header  http.Header
	code    int
	buf     bytes.Buffer
	confirm func() (bool, error)
	// passing: the session was confirmed when the buffer filled; what was
	// held back is sent and writes go straight to w.
	passing bool
	// denied: the session was refused (or could not be checked, err) when
	// the buffer filled; writes are dropped.
	denied bool
	err    error
}

func (v *viewWriter) Header() http.Header {
	if v.passing {
		return v.w.Header()
	}
	return v.header
}

func (v *viewWriter) WriteHeader(code int) {
	switch {
	case v.passing:
		v.w.WriteHeader(code)
	case v.code == 0:
		v.code = code
	}
}

func (v *viewWriter) Write(p []byte) (int, error) {
	switch {
	case v.passing:
		return v.w.Write(p)
	case v.denied:
		return 0, errViewDenied
	case v.buf.Len()+len(p) <= maxViewBuffer:
		return v.buf.Write(p)
	}
	ok, err := v.confirm()
	if err != nil || !ok {
		v.denied, v.err = true, err
		return 0, errViewDenied
	}
	v.flush()
	v.passing = true
	return v.w.Write(p)
}

// flush sends the held-back answer: headers, status and body.
func (v *viewWriter) flush() {
	h := v.w.Header()
	for k := range h {
		delete(h, k)
	}
	for k, vs := range v.header {
		h[k] = vs
	}
	if v.code != 0 {
		v.w.WriteHeader(v.code)
	}
	if v.buf.Len() > 0 {
		_, _ = v.w.Write(v.buf.Bytes())
	}
	v.buf = bytes.Buffer{}
}

// deny answers a session refused when the buffer filled: the 401 of an
// invalid token, or the error that kept the core from being asked.
func (v *viewWriter) deny() error {
	if v.err != nil {
		return v.err
	}
	latchkey.WriteJSON(v.w, http.StatusUnauthorized, map[string]string{"message": msgUnauthorised})
	return nil
}
