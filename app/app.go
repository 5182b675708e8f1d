// Package app is the desktop shell around the hub: the Wails window, its lifecycle, and the few
// features only a native program can offer (file dialogs, opening the system browser, handing
// the DM UI its credentials). Only main's desktop build imports it; the hub never does.
//
// Every exported method of *App is callable from JavaScript as window.go.app.App.<Method>, so
// *App exports nothing else: lifecycle hooks stay unexported and Run is a package function.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
)

// Credentials is what the DM UI in the window needs to reach the hub. The JSON names are the
// wire contract with frontend/src/dm (window.go.app.App.DMCredentials()).
type Credentials struct {
	HubURL string `json:"hubUrl"` // e.g. http://127.0.0.1:7777 (join links, debugging)
	WSURL  string `json:"wsUrl"`  // e.g. ws://127.0.0.1:7777/ws; the UI appends ?campaignId=
	Token  string `json:"token"`  // the DM token: Bearer for /api, subprotocol hexcrawl.dm.<token> for /ws
}

// Options configure the shell.
type Options struct {
	Credentials Credentials
	// Handler is the hub's whole HTTP handler; the window's asset server hands it every request
	// (see WindowHandler), so /api calls from the window are same-origin and in-process.
	Handler http.Handler
	// OnShutdown runs when the window closes (or Run's context ends): it stops the hub.
	OnShutdown func(ctx context.Context) error
	Logger     *slog.Logger
}

// App is bound into the window. Its exported methods are the whole JavaScript API.
type App struct {
	opts Options
	log  *slog.Logger

	mu    sync.Mutex
	wails context.Context // the Wails runtime context, set by startup; nil before
	ready chan struct{}   // closed by startup

	shutdownOnce sync.Once
	shutdownErr  error
}

// New returns the shell for one window.
func New(opts Options) *App {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	return &App{opts: opts, log: log.With("component", "desktop"), ready: make(chan struct{})}
}

// DMCredentials hands the DM UI the hub's WebSocket URL and the DM token. The WebSocket cannot go
// through the window's asset server, so the UI dials the hub directly with these.
func (a *App) DMCredentials() (Credentials, error) {
	c := a.opts.Credentials
	if c.WSURL == "" || c.Token == "" {
		return Credentials{}, errors.New("desktop: the hub's credentials were not set")
	}
	return c, nil
}

// OpenURL opens an http or https URL in the system browser (join links, docs). Other schemes
// are refused: a page must not be able to launch file:// or arbitrary handlers.
func (a *App) OpenURL(raw string) error {
	u, err := checkExternalURL(raw)
	if err != nil {
		return err
	}
	ctx, err := a.runtimeContext()
	if err != nil {
		return err
	}
	openBrowser(ctx, u)
	return nil
}

// SaveCampaignFile asks where to save an exported campaign and writes data there. It returns
// the path written, or "" when the DM cancelled the dialog.
func (a *App) SaveCampaignFile(defaultName string, data string) (string, error) {
	ctx, err := a.runtimeContext()
	if err != nil {
		return "", err
	}
	path, err := saveDialog(ctx, campaignFileName(defaultName))
	if err != nil {
		return "", fmt.Errorf("save dialog: %w", err)
	}
	if path == "" {
		return "", nil
	}
	if err := writeFileAtomic(path, []byte(data)); err != nil {
		return "", err
	}
	a.log.Info("campaign exported", "path", path, "bytes", len(data))
	return path, nil
}

// OpenCampaignFile asks for a campaign file and returns its contents for POST /api/import, or
// "" when the DM cancelled the dialog.
func (a *App) OpenCampaignFile() (string, error) {
	ctx, err := a.runtimeContext()
	if err != nil {
		return "", err
	}
	path, err := openDialog(ctx)
	if err != nil {
		return "", fmt.Errorf("open dialog: %w", err)
	}
	if path == "" {
		return "", nil
	}
	data, err := readCampaignFile(path)
	if err != nil {
		return "", err
	}
	return string(data), nil
}

// startup is Wails' OnStartup hook: it hands over the runtime context the dialogs need.
func (a *App) startup(ctx context.Context) {
	a.mu.Lock()
	a.wails = ctx
	a.mu.Unlock()
	close(a.ready)
}

// shutdown is Wails' OnShutdown hook: closing the window stops the hub. It runs once, however
// the window went away.
func (a *App) shutdown(ctx context.Context) {
	a.shutdownOnce.Do(func() {
		if a.opts.OnShutdown == nil {
			return
		}
		// Wails hands us a context that is never cancelled; bound the hub's shutdown so a stuck
		// client cannot keep the process alive after the window is gone.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
		defer cancel()
		if err := a.opts.OnShutdown(ctx); err != nil {
			a.shutdownErr = fmt.Errorf("stopping the hub: %w", err)
			a.log.Error("stopping the hub", "err", err)
		}
	})
}

func (a *App) runtimeContext() (context.Context, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.wails == nil {
		return nil, errors.New("desktop: the window is not running")
	}
	return a.wails, nil
}
