//go:build !no_ui

package dashboard

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestIndexContract checks what the dashboard recipe relies on: the head placeholder comes
// before every script and link, assets are referenced relatively under assets/ and exist,
// and the page carries no inline script, inline style or off-site URL.
func TestIndexContract(t *testing.T) {
	t.Parallel()
	fsys := FS()
	b, err := fs.ReadFile(fsys, "index.html")
	if err != nil {
		t.Fatalf("read index.html: %v", err)
	}
	html := string(b)
	const placeholder = "<!--latchkey:head-->"
	head, _, ok := strings.Cut(html, "</head>")
	if !ok {
		t.Fatal("index.html has no </head>")
	}
	p := strings.Index(head, placeholder)
	if p < 0 {
		t.Fatalf("index.html <head> lacks %s", placeholder)
	}
	for _, tag := range []string{"<script", "<link"} {
		if i := strings.Index(html, tag); i >= 0 && i < p {
			t.Errorf("%s appears before the placeholder", tag)
		}
	}
	if strings.Contains(html, "<style") || strings.Contains(html, "style=") {
		t.Error("index.html has inline style")
	}
	for _, m := range regexp.MustCompile(`<script[^>]*>([^<]*)</script>`).FindAllStringSubmatch(html, -1) {
		if strings.TrimSpace(m[1]) != "" {
			t.Errorf("inline script: %q", m[0])
		}
	}
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(html, -1)
	if len(refs) == 0 {
		t.Fatal("index.html references no assets")
	}
	for _, m := range refs {
		ref := m[1]
		if !strings.HasPrefix(ref, "./assets/") {
			t.Errorf("reference %q is not relative under ./assets/", ref)
			continue
		}
		if _, err := fs.Stat(fsys, strings.TrimPrefix(ref, "./")); err != nil {
			t.Errorf("referenced asset missing: %v", err)
		}
	}
	if strings.Contains(html, "http://") || strings.Contains(html, "https://") {
		t.Error("index.html references another origin")
	}
}
