// Package frontend embeds the built web UI (player view and DM app) so the hub can serve it
// from the binary with nothing fetched from the internet.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built UI. Before `npm run build` it holds only a placeholder file, and the
// hub answers with a page saying how to build the UI.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the directory is embedded at compile time; this cannot fail at run time
	}
	return sub
}
