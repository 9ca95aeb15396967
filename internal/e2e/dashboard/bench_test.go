package dashboard

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// BenchmarkBrowserFirstPage measures, in headless Chromium over loopback
// against an in-process core, the time from navigation to the first page
// of users rendered (100 users, 10 shown): ms/op is the page's own clock
// (performance.now() when the first row appears), with the assets cached
// and with the cache disabled.
//
//	go test -run '^$' -bench BrowserFirstPage ./internal/e2e/dashboard
func BenchmarkBrowserFirstPage(b *testing.B) {
	requireChromium(b)
	for _, c := range []struct {
		name    string
		noCache bool
	}{{"cached", false}, {"no-cache", true}} {
		b.Run(c.name, func(b *testing.B) {
			e := start(b, options{localhost: true})
			for i := range 100 {
				id := e.signUp(fmt.Sprintf("user%03d@example.com", i), "pass-word-1")
				if i%2 == 0 {
					if _, err := e.md.UpdateUserMetadata(b.Context(), id, map[string]any{"first_name": "First", "last_name": fmt.Sprint(i)}); err != nil {
						b.Fatal(err)
					}
				}
			}
			w := newWalker(b, e, "")
			w.navigate(e.URL + "/auth/dashboard")
			w.signIn(adminEmail)
			w.waitFor("the first page", `document.querySelector('tbody .user-link')`)
			w.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: c.noCache})
				return err
			}))
			var total float64
			n := 0
			for b.Loop() {
				w.navigate(e.URL + "/auth/dashboard")
				w.waitFor("the first page", `window.__firstUsers`)
				var ms float64
				if err := w.eval(`window.__firstUsers`, &ms); err != nil {
					b.Fatal(err)
				}
				total += ms
				n++
			}
			b.ReportMetric(total/float64(n), "ms/op")
		})
	}
}
