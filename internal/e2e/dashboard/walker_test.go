package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/latchkey-dev/latchkey/internal/browsertest"
)

// finders is evaluated before every expression the walker sends: L finds
// elements the way a person (or a screen reader) names them, by role and
// accessible name, by label, or by text, among the elements shown.
// DevTools evaluation is not subject to the page's CSP.
const finders = `const L = (() => {
  const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const shown = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const byIds = (ids) => ids.split(/\s+/).map((id) => { const n = document.getElementById(id); return n ? n.textContent : ''; }).join(' ');
  const labelOf = (el) => {
    if (el.hasAttribute('aria-label')) return el.getAttribute('aria-label');
    if (el.hasAttribute('aria-labelledby')) return byIds(el.getAttribute('aria-labelledby'));
    if (el.id) { const l = document.querySelector('label[for="' + CSS.escape(el.id) + '"]'); if (l) return l.textContent; }
    const w = el.closest('label');
    return w ? w.textContent : '';
  };
  const name = (el) => norm(labelOf(el)) || (/^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName) ? norm(el.placeholder) : norm(el.innerText)) || norm(el.title);
  const sel = {
    button: 'button, [role=button]', link: 'a[href]', heading: 'h1, h2, h3, h4, h5, h6',
    dialog: 'dialog:not([role=alertdialog]), [role=dialog]', alertdialog: '[role=alertdialog]',
    region: 'section[aria-labelledby], section[aria-label], [role=region]', article: 'article',
    list: 'ul, ol', row: 'tr', alert: '[role=alert]',
  };
  const test = (n, want) => want === undefined || (want instanceof RegExp ? want.test(n) : n === want);
  const all = (css, scope) => [...(scope || document).querySelectorAll(css)].filter(shown);
  return {
    role: (role, want, scope) => scope === null ? null : all(sel[role], scope).find((el) => test(name(el), want)) || null,
    roles: (role, want, scope) => scope === null ? [] : all(sel[role], scope).filter((el) => test(name(el), want)),
    label: (want, scope) => scope === null ? null : all('input, select, textarea', scope).find((el) => test(norm(labelOf(el)), want)) || null,
    text: (want, scope) => {
      if (scope === null) return null;
      const els = all('body *', scope).filter((el) => test(norm(el.innerText), want));
      return els.find((el) => ![...el.children].some((c) => test(norm(c.innerText), want))) || null;
    },
  };
})();
`

// pageScript runs in every document before the page's own scripts: it
// reports CSP violations as console errors (which fail the test), and
// records when the first row of users appears, for
// BenchmarkBrowserFirstPage.
const pageScript = `
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});
new MutationObserver((_, obs) => {
  if (document.querySelector('tbody .user-link')) {
    window.__firstUsers = performance.now();
    obs.disconnect();
  }
}).observe(document, { subtree: true, childList: true });
`

// walker drives the dashboard in Chromium and keeps a screenshot of each
// screen.
type walker struct {
	t     testing.TB
	b     *browsertest.Browser
	e     *env
	shots string
	n     int

	mu sync.Mutex
	// writes are the dashboard API calls other than GET the page made.
	writes []string
	// docCSP is the CSP header of the last document loaded.
	docCSP string
}

// newWalker starts Chromium with the project's flags (browsertest.New),
// at 1280×900, with pageScript in every document.
func newWalker(t testing.TB, e *env, shotDir string) *walker {
	t.Helper()
	w := &walker{t: t, b: browsertest.New(t), e: e, shots: shotDir}
	err := chromedp.Listen(w.b.Ctx, func(ev any) {
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			if strings.Contains(ev.Request.URL, "/dashboard/api/") && ev.Request.Method != "GET" {
				u, _ := url.Parse(ev.Request.URL)
				w.mu.Lock()
				w.writes = append(w.writes, ev.Request.Method+" "+u.Path)
				w.mu.Unlock()
			}
		case *network.EventResponseReceived:
			if ev.Type == network.ResourceTypeDocument {
				csp := ""
				for k, v := range ev.Response.Headers {
					if strings.EqualFold(k, "Content-Security-Policy") {
						csp, _ = v.(string)
					}
				}
				w.mu.Lock()
				w.docCSP = csp
				w.mu.Unlock()
			}
		}
	})
	if err != nil {
		t.Fatalf("listening to the page: %v", err)
	}
	w.run(chromedp.EmulateViewport(1280, 900), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: pageScript})
		return err
	}))
	return w
}

func (w *walker) run(actions ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	if err := chromedp.Do(w.b.Ctx, actions...); err != nil {
		w.fail("chromedp: %v", err)
	}
}

// fail stops the test with a screenshot of the page as it is.
func (w *walker) fail(format string, args ...any) {
	w.t.Helper()
	w.shot("FAILED")
	w.t.Fatalf(format, args...)
}

// js quotes s as a JavaScript string.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// eval evaluates expr (after the finders) into out, unless out is nil.
func (w *walker) eval(expr string, out any) error {
	raw, err := chromedp.Run(w.b.Ctx, chromedp.Evaluate[[]byte]("(() => {\n"+finders+"return ("+expr+");\n})()"))
	if err != nil || out == nil {
		return err
	}
	return json.Unmarshal(raw, out)
}

// waitFor polls until expr is truthy.
func (w *walker) waitFor(what, expr string) {
	w.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var ok bool
		err := w.eval("!!("+expr+")", &ok)
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			w.fail("waiting for %s (%s): %v", what, expr, err)
		}
		time.Sleep(40 * time.Millisecond)
	}
}

// gone polls until expr is falsy.
func (w *walker) gone(what, expr string) {
	w.t.Helper()
	w.waitFor(what+" to go", "!("+expr+")")
}

// click waits for the element of expr to be enabled and clicks its middle
// with the mouse, so that whatever covers it would take the click instead.
func (w *walker) click(what, expr string) {
	w.t.Helper()
	w.waitFor(what, "(() => { const el = "+expr+"; return el && !el.disabled; })()")
	// A toast may cover it for a while, as it would for a person.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var pt struct {
			X, Y float64
			Free bool
		}
		err := w.eval(`(() => { const el = `+expr+`; el.scrollIntoView({block: 'center'}); const r = el.getBoundingClientRect();
			const x = r.x + r.width / 2, y = r.y + r.height / 2; return {X: x, Y: y, Free: el.contains(document.elementFromPoint(x, y))}; })()`, &pt)
		if err != nil {
			w.fail("locating %s: %v", what, err)
		}
		if pt.Free {
			w.run(chromedp.MouseClickXY(pt.X, pt.Y))
			return
		}
		if time.Now().After(deadline) {
			w.fail("%s stays covered by another element", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// fill replaces the value of the field of expr, typing it.
func (w *walker) fill(what, expr, value string) {
	w.t.Helper()
	w.waitFor(what, expr)
	if err := w.eval(`(() => { const el = `+expr+`; el.focus(); el.select(); return true; })()`, nil); err != nil {
		w.fail("focusing %s: %v", what, err)
	}
	if value == "" {
		w.run(chromedp.KeyEvent("\b"))
		return
	}
	w.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, input.InsertText, input.InsertTextParams{Text: value})
		return err
	}))
}

// choose picks an option of a <select>, as a change by the user would.
func (w *walker) choose(what, expr, value string) {
	w.t.Helper()
	w.waitFor(what, expr)
	if err := w.eval(`(() => { const el = `+expr+`; el.value = `+js(value)+`; el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`, nil); err != nil {
		w.fail("choosing %s: %v", what, err)
	}
}

// navigate loads a page and waits for it.
func (w *walker) navigate(u string) {
	w.t.Helper()
	w.run(chromedp.Navigate(u))
}

// reload reloads the page.
func (w *walker) reload() {
	w.t.Helper()
	w.run(chromedp.Reload())
}

// shot keeps a screenshot of the viewport as NN-name.png.
func (w *walker) shot(name string) {
	w.t.Helper()
	if w.shots == "" {
		return
	}
	buf, err := chromedp.Run(w.b.Ctx, chromedp.CaptureScreenshot())
	if err != nil {
		w.t.Logf("screenshot %s: %v", name, err)
		return
	}
	w.n++
	p := filepath.Join(w.shots, fmt.Sprintf("%02d-%s.png", w.n, name))
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		w.t.Logf("screenshot %s: %v", name, err)
	}
}

// writesSince returns the write calls made after the first n.
func (w *walker) writesSince(n int) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.writes[n:]...)
}

func (w *walker) writeCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.writes)
}

// localStorage returns a localStorage value ("" for none).
func (w *walker) localStorage(key string) string {
	w.t.Helper()
	var v string
	if err := w.eval(`localStorage.getItem(`+js(key)+`) || ''`, &v); err != nil {
		w.fail("localStorage: %v", err)
	}
	return v
}

// shotDir returns test-output/<name> at the repository root, emptied.
func shotDir(t *testing.T, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	out := filepath.Join(dir, "test-output", name)
	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return out
}
