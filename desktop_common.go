package main

import (
	"errors"
	"fmt"
	"runtime"
)

// errNoDesktop: this binary has no window (built without the desktop tags); main serves
// headless instead.
var errNoDesktop = errors.New("this binary was built without the desktop window (build with `wails build`)")

// errNoDisplay: there is no display to put the window on (an SSH session, a server, a broken
// DISPLAY); main serves headless instead.
var errNoDisplay = errors.New("no display for the window")

// checkDisplay fails on X11/Wayland systems with neither display variable set: GTK would
// otherwise fail later with a less helpful message. macOS and Windows always have a display.
func checkDisplay(getenv func(string) string) error {
	switch runtime.GOOS {
	case "darwin", "windows":
		return nil
	}
	if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return fmt.Errorf("%w: neither DISPLAY nor WAYLAND_DISPLAY is set", errNoDisplay)
	}
	return nil
}

// errNoWindow: the window could not open on Windows (WebView2 missing or broken); main serves
// headless instead.
var errNoWindow = errors.New("the window could not open")

// windowUnavailable explains a failed window in the words of the system it runs on: only X11
// and Wayland systems have display variables worth naming.
func windowUnavailable(goos string, getenv func(string) string, err error) error {
	if goos == "windows" {
		return fmt.Errorf("%w: %w (it needs Microsoft Edge WebView2: the Hexcrawl installer sets it up, or get it from https://go.microsoft.com/fwlink/p/?LinkId=2124703)", errNoWindow, err)
	}
	return fmt.Errorf("%w (DISPLAY=%q WAYLAND_DISPLAY=%q): %w", errNoDisplay, getenv("DISPLAY"), getenv("WAYLAND_DISPLAY"), err)
}
