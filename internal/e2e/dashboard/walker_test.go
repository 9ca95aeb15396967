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
	"github.com/chromedp/cdproto/emulation"
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

// emulateScheme makes the page see prefers-color-scheme: scheme ("light"
// or "dark").
func (w *walker) emulateScheme(scheme string) {
	w.t.Helper()
	w.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	}))
}

// viewport sets the window's width (and a phone's or a laptop's height).
func (w *walker) viewport(width int) {
	w.t.Helper()
	height := 900
	if width < 600 {
		height = 844
	}
	w.run(chromedp.EmulateViewport(int64(width), int64(height)))
}

// key presses one key, as the keyboard would ("\r" is Enter, "\t" Tab).
func (w *walker) key(k string) {
	w.t.Helper()
	w.run(chromedp.KeyEvent(k))
}

// focused describes the element that has the focus: its tag, its
// accessible name and its id ("BODY" when the focus fell to the page).
func (w *walker) focused() string {
	w.t.Helper()
	var s string
	if err := w.eval(`(() => { const a = document.activeElement; if (!a || a === document.body) return 'BODY';
		const n = a.getAttribute('aria-label') || (a.id && document.querySelector('label[for="' + CSS.escape(a.id) + '"]')?.textContent) || a.innerText || '';
		return a.tagName + ' ' + n.replace(/\s+/g, ' ').trim() + (a.id ? ' #' + a.id : ''); })()`, &s); err != nil {
		w.fail("reading the focus: %v", err)
	}
	return s
}

// focusIs waits until the element of expr has the focus.
func (w *walker) focusIs(what, expr string) {
	w.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var ok bool
		if err := w.eval(`(() => { const el = `+expr+`; return !!el && el === document.activeElement; })()`, &ok); err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			w.fail("the focus should be on %s, it is on %s", what, w.focused())
		}
		time.Sleep(40 * time.Millisecond)
	}
}

// noOverflow checks that the element of expr shows all its content within
// its own box (no hidden or scrolled overflow sideways), that the box
// lies within the window, and that the page does not scroll sideways.
func (w *walker) noOverflow(what, expr string) {
	w.t.Helper()
	w.waitFor(what, expr)
	var r struct {
		ScrollW, ClientW, Left, Right, Page, Window float64
	}
	if err := w.eval(`(() => { const el = `+expr+`; const b = el.getBoundingClientRect();
		return {ScrollW: el.scrollWidth, ClientW: el.clientWidth, Left: b.left, Right: b.right,
			Page: document.documentElement.scrollWidth, Window: document.documentElement.clientWidth}; })()`, &r); err != nil {
		w.fail("measuring %s: %v", what, err)
	}
	if r.ScrollW > r.ClientW+1 || r.Left < -1 || r.Right > r.Window+1 || r.Page > r.Window+1 {
		w.fail("%s overflows: content %.0f px in a box of %.0f, box at %.0f..%.0f, page %.0f px wide in a window of %.0f",
			what, r.ScrollW, r.ClientW, r.Left, r.Right, r.Page, r.Window)
	}
}

// readable checks that the text of the element of expr has a contrast of
// at least 4.5:1 (WCAG AA) against the background it is drawn on.
func (w *walker) readable(what, expr string) {
	w.t.Helper()
	w.waitFor(what, expr)
	var ratio float64
	if err := w.eval(`(() => {
		const el = `+expr+`;
		const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
		const lum = ([r, g, b]) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
		let bg = null;
		for (let n = el; n; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor); if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) { bg = c; break; } }
		if (!bg) bg = matchMedia('(prefers-color-scheme: dark)').matches ? [0, 0, 0] : [255, 255, 255];
		const a = lum(rgb(getComputedStyle(el).color)), b = lum(bg);
		return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
	})()`, &ratio); err != nil {
		w.fail("measuring the contrast of %s: %v", what, err)
	}
	if ratio < 4.5 {
		w.fail("%s has a contrast of %.2f:1, want at least 4.5:1", what, ratio)
	}
}

// uncovered checks that nothing is drawn over the middle of the element of
// expr (a toast over the navigation, say).
func (w *walker) uncovered(what, expr string) {
	w.t.Helper()
	w.waitFor(what, expr)
	var free bool
	if err := w.eval(`(() => { const el = `+expr+`; const r = el.getBoundingClientRect();
		return el.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)); })()`, &free); err != nil {
		w.fail("locating %s: %v", what, err)
	}
	if !free {
		w.fail("%s is covered by another element", what)
	}
}
