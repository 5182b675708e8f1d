package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/logger"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

// Window geometry: 1280×800 fits a 13" laptop with the map, the console and the players panel
// side by side; below 960×600 the panels would cover the map.
const (
	Title     = "Hexcrawl"
	width     = 1280
	height    = 800
	minWidth  = 960
	minHeight = 600
)

// WindowOptions are the parts of the window main decides.
type WindowOptions struct {
	Icon []byte // PNG shown by the window manager (build/appicon.png)
}

// Run opens the window and blocks until it is closed or ctx ends (Ctrl-C in the terminal); in
// both cases the hub is stopped through Options.OnShutdown before Run returns. Run must be
// called from the main goroutine: GTK owns the thread it starts on.
//
// If the window could not be created, the hub is left running and the error says why, so the
// caller can fall back to serving headless.
func Run(ctx context.Context, a *App, w WindowOptions) (err error) {
	if a.opts.Handler == nil {
		return errors.New("desktop: no hub handler to serve in the window")
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
		case <-done:
			return
		}
		select {
		case <-a.ready:
			a.log.Info("closing the window", "reason", context.Cause(ctx))
			wruntime.Quit(a.wails)
		case <-done:
		}
	}()

	// Wails panics when GTK cannot open the display; turn that into an error the caller can
	// act on instead of a crash with a stack trace.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrWindow, r)
		}
	}()

	err = wails.Run(&options.App{
		Title:            Title,
		Width:            width,
		Height:           height,
		MinWidth:         minWidth,
		MinHeight:        minHeight,
		BackgroundColour: options.NewRGB(0x1b, 0x1d, 0x23),
		AssetServer: &assetserver.Options{
			// No Assets file system: the hub serves the embedded UI; see WindowHandler.
			Handler: WindowHandler(a.opts.Handler),
		},
		OnStartup:  a.startup,
		OnShutdown: a.shutdown,
		Bind:       []any{a},
		Logger:     wailsLogger{a.log},
		// The hub logs through slog already; Wails' info lines (asset requests) are noise.
		LogLevel:           logger.WARNING,
		LogLevelProduction: logger.WARNING,
		Linux: &linux.Options{
			Icon:        w.Icon,
			ProgramName: "hexcrawl",
			// Wails' own default when Linux options are nil: GPU compositing under Xvfb, VMs
			// and older drivers gives blank windows.
			WebviewGpuPolicy: linux.WebviewGpuPolicyNever,
		},
	})
	if err != nil {
		return fmt.Errorf("%w: %w", ErrWindow, err)
	}
	select {
	case <-a.ready:
		// The window ran: Wails called shutdown when its main loop ended. Call it again (a no-op
		// then) in case Wails skipped it, so the hub never outlives the window.
		a.shutdown(context.Background())
		return a.shutdownErr
	default:
		return fmt.Errorf("%w: the window closed before it started", ErrWindow)
	}
}

// ErrWindow wraps every failure to create the window: the hub is still running then.
var ErrWindow = errors.New("desktop window failed")

// wailsLogger sends Wails' log lines to slog.
type wailsLogger struct{ l *slog.Logger }

func (w wailsLogger) Print(m string)   { w.l.Info(m, "source", "wails") }
func (w wailsLogger) Trace(m string)   { w.l.Debug(m, "source", "wails") }
func (w wailsLogger) Debug(m string)   { w.l.Debug(m, "source", "wails") }
func (w wailsLogger) Info(m string)    { w.l.Info(m, "source", "wails") }
func (w wailsLogger) Warning(m string) { w.l.Warn(m, "source", "wails") }
func (w wailsLogger) Error(m string)   { w.l.Error(m, "source", "wails") }
func (w wailsLogger) Fatal(m string)   { w.l.Error(m, "source", "wails", "fatal", true) }
