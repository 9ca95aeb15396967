package thirdparty

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/latchkey-dev/latchkey/internal/redact"
)

// maxResponse caps every answer read from a provider: discovery, JWKS,
// tokens and user info are a few kilobytes.
const maxResponse = 1 << 20

var errTooLarge = errors.New("the provider's answer is larger than 1 MiB")

// providerClient returns the client for calls to providers: base (or a
// new one) with a timeout and every response body capped.
func providerClient(base *http.Client) *http.Client {
	c := &http.Client{}
	if base != nil {
		*c = *base
	}
	if c.Timeout <= 0 {
		c.Timeout = defaultTimeout
	}
	rt := c.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	c.Transport = cappedTransport{base: rt}
	return c
}

// cappedTransport caps response bodies, so that go-oidc and x/oauth2,
// which read whole bodies, cannot be made to read without bound.
type cappedTransport struct{ base http.RoundTripper }

func (t cappedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = &cappedBody{rc: resp.Body, left: maxResponse}
	return resp, nil
}

type cappedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		if n, _ := b.rc.Read(one[:]); n > 0 {
			return 0, errTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }

// getJSON GETs a JSON object. An answer of 400 or more, or one that is
// not a JSON object, is an error that says so (with a short excerpt).
func getJSON(ctx context.Context, c *http.Client, endpoint string, query, headers map[string]string) (map[string]any, error) {
	var out map[string]any
	if err := getJSONInto(ctx, c, endpoint, query, headers, &out); err != nil {
		return nil, err
	}
	if out == nil {
		return nil, fmt.Errorf("GET %s answered null, not a JSON object", endpoint)
	}
	return out, nil
}

func getJSONInto(ctx context.Context, c *http.Client, endpoint string, query, headers map[string]string, out any) error {
	u, err := url.Parse(endpoint)
	if err != nil {
		return fmt.Errorf("%q is not a URL", endpoint)
	}
	if len(query) > 0 {
		q := u.Query()
		for k, v := range query {
			if v == "" {
				q.Del(k)
			} else {
				q.Set(k, v)
			}
		}
		u.RawQuery = q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	return doJSON(c, req, out)
}

// postJSON POSTs body as JSON and decodes the answer.
func postJSON(ctx context.Context, c *http.Client, endpoint string, body any, headers map[string]string, out any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return doJSON(c, req, out)
}

func doJSON(c *http.Client, req *http.Request, out any) error {
	resp, err := c.Do(req)
	if err != nil {
		return redact.Error(err) // the URL may carry an access token
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("reading %s: %w", redact.URL(req.URL.String()), err)
	}
	if resp.StatusCode >= 400 {
		return fmt.Errorf("%s %s answered %d: %s", req.Method, redact.URL(req.URL.String()), resp.StatusCode, excerpt(body))
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(out); err != nil {
		return fmt.Errorf("%s %s answered something that is not the JSON expected: %s", req.Method, redact.URL(req.URL.String()), excerpt(body))
	}
	return nil
}

// decodeObject decodes a JSON object, numbers kept exact.
func decodeObject(raw []byte) (map[string]any, error) {
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&m); err != nil || m == nil {
		return nil, errors.New("not a JSON object")
	}
	return m, nil
}

// excerpt is the start of a body for a log line, on one line.
func excerpt(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
