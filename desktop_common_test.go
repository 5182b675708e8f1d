package main

import (
	"errors"
	"runtime"
	"testing"
)

func TestCheckDisplay(t *testing.T) {
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		t.Skip("always a display on", runtime.GOOS)
	}
	tests := []struct {
		name string
		env  map[string]string
		want error
	}{
		{"X11", map[string]string{"DISPLAY": ":0"}, nil},
		{"Wayland", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, nil},
		{"both", map[string]string{"DISPLAY": ":1", "WAYLAND_DISPLAY": "wayland-0"}, nil},
		{"none (SSH, server)", map[string]string{}, errNoDisplay},
		{"empty values", map[string]string{"DISPLAY": "", "WAYLAND_DISPLAY": ""}, errNoDisplay},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkDisplay(func(k string) string { return tt.env[k] })
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("checkDisplay(%v) = %v, want %v", tt.env, err, tt.want)
			}
		})
	}
}

func TestStubHasNoWindow(t *testing.T) {
	// The untagged build (go test, go build) is the headless server: its runDesktop must say so,
	// so main falls back to serve instead of exiting having done nothing.
	if err := runDesktop(t.Context(), &runningHub{}); !errors.Is(err, errNoDesktop) {
		t.Fatalf("runDesktop in the untagged build = %v, want errNoDesktop", err)
	}
}
