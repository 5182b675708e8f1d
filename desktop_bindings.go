//go:build bindings

package main

import (
	"fmt"
	"os"

	"github.com/hexcrawl/hexcrawl/app"
)

// `wails build` first builds this package with only the "bindings" tag and runs it to write the
// window's TypeScript bindings. Do that here, before main can open a database or a port, and
// exit: otherwise main would start a hub and `wails build` would wait on it forever.
func init() {
	if err := app.GenerateBindings(); err != nil {
		fmt.Fprintln(os.Stderr, "generating the window's bindings:", err)
		os.Exit(1)
	}
	os.Exit(0)
}
