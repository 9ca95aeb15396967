package demo

import (
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed all:website/dist
var websiteFiles embed.FS

// NewWebsite returns the website's handler: the built single-page app
// (index.html for every page path, so a reload anywhere works), and
// /config.json telling it where the backend is.
func NewWebsite(cfg Config) http.Handler {
	dist, err := fs.Sub(websiteFiles, "website/dist")
	if err != nil {
		panic(err) // the embed pattern above guarantees the directory
	}
	files := http.FileServerFS(dist)
	conf, _ := json.Marshal(map[string]string{
		"appName":         appName,
		"apiDomain":       cfg.APIDomain,
		"apiBasePath":     "/auth",
		"websiteBasePath": "/auth",
	})
	csp := "default-src 'self'; connect-src 'self' " + cfg.APIDomain + "; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		switch {
		case r.URL.Path == "/config.json":
			h.Set("Content-Type", "application/json")
			h.Set("Cache-Control", "no-cache")
			_, _ = w.Write(conf)
		case strings.HasPrefix(r.URL.Path, "/assets/"):
			if _, err := fs.Stat(dist, path.Clean(strings.TrimPrefix(r.URL.Path, "/"))); err != nil {
				http.NotFound(w, r)
				return
			}
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
			files.ServeHTTP(w, r)
		default:
			h.Set("Cache-Control", "no-cache")
			http.ServeFileFS(w, r, dist, "index.html")
		}
	})
}
