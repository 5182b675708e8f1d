package app

import (
	"context"

	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

// The native parts behind the bound methods, kept apart from the logic the tests exercise.

var campaignFilters = []wruntime.FileFilter{
	{DisplayName: "Hexcrawl campaign (*.json)", Pattern: "*.json"},
	{DisplayName: "All files", Pattern: "*"},
}

func openBrowser(ctx context.Context, url string) {
	wruntime.BrowserOpenURL(ctx, url)
}

func saveDialog(ctx context.Context, defaultName string) (string, error) {
	return wruntime.SaveFileDialog(ctx, wruntime.SaveDialogOptions{
		Title:                "Export campaign",
		DefaultFilename:      defaultName,
		Filters:              campaignFilters,
		CanCreateDirectories: true,
	})
}

func openDialog(ctx context.Context) (string, error) {
	return wruntime.OpenFileDialog(ctx, wruntime.OpenDialogOptions{
		Title:   "Import campaign",
		Filters: campaignFilters,
	})
}
