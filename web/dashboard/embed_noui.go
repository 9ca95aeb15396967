//go:build no_ui

package dashboard

import (
	"embed"
	"io/fs"
)

// FS returns an empty file system: this binary was built with the no_ui tag, without the UI.
func FS() fs.FS {
	return embed.FS{}
}

// Enabled reports whether the UI is compiled into this binary (false with the no_ui build tag).
const Enabled = false
