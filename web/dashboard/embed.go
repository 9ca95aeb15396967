//go:build !no_ui

package dashboard

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// FS returns the built dashboard: index.html at its root and the hashed files under assets/.
// It is read-only and safe for concurrent use.
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// fs.Sub fails only for an invalid path name, and "dist" is valid.
		panic("dashboard: " + err.Error())
	}
	return sub
}

// Enabled reports whether the UI is compiled into this binary (false with the no_ui build tag).
const Enabled = true
