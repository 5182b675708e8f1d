//go:build desktop || production || dev

package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"

	"github.com/hexcrawl/hexcrawl/app"
)

//go:embed build/appicon.png
var appIcon []byte

// hasWindow: this build opens the desktop window (see desktop_stub.go).
const hasWindow = true

// runDesktop opens the DM's window on the running hub and blocks until the window is closed
// or ctx ends; either way the hub has been shut down (h.Shutdown) when it returns nil.
//
// It returns an error wrapping errNoDisplay, with the hub still running, when there is no
// display or GTK cannot open one: main then serves headless instead.
func runDesktop(ctx context.Context, h *runningHub) error {
	if err := checkDisplay(os.Getenv); err != nil {
		return err
	}
	creds, err := app.CredentialsFor(h.BaseURL, h.DMToken)
	if err != nil {
		return fmt.Errorf("desktop window: %w", err)
	}
	a := app.New(app.Options{
		Credentials: creds,
		Handler:     h.APIHandler,
		OnShutdown:  h.Shutdown,
		Logger:      slog.Default(),
	})
	slog.Info("opening the window", "hub", creds.HubURL, "data", h.DataPath)
	err = app.Run(ctx, a, app.WindowOptions{Icon: appIcon})
	if errors.Is(err, app.ErrWindow) {
		return windowUnavailable(runtime.GOOS, os.Getenv, err)
	}
	return err
}
