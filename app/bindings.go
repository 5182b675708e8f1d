//go:build bindings

package app

import (
	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
)

// GenerateBindings writes the TypeScript bindings of *App (wailsjsdir in wails.json). Only the
// "bindings" build that `wails build` runs has it; there wails.Run generates and returns.
func GenerateBindings() error {
	return wails.Run(&options.App{
		Title: Title,
		Bind:  []any{New(Options{})},
	})
}
