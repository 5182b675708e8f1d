package main

import "errors"

// errNoDesktop: this binary was built without the window (plain `go build`).
var errNoDesktop = errors.New("this binary was built without the desktop window (build it with `wails build`)")

// errNoDisplay: there is no display to open a window on.
var errNoDisplay = errors.New("no display to open the desktop window on (neither DISPLAY nor WAYLAND_DISPLAY is set)")
