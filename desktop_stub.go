//go:build !(desktop || production || dev)

package main

import "context"

// runDesktop in the headless build: there is no window to open.
func runDesktop(context.Context, *runningHub) error { return errNoDesktop }
