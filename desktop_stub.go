//go:build !(desktop || production || dev)

package main

import "context"

// hasWindow: this build is the headless hub.
const hasWindow = false

// runDesktop in a build without the desktop tags: plain `go build` makes the headless server
// (no GTK or WebKit needed to build or run it), so there is no window to open.
func runDesktop(_ context.Context, _ *runningHub) error {
	return errNoDesktop
}
