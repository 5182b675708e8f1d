package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
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

// TestDefaultCommandHeadless runs `hexcrawl` with no subcommand from the headless build (the test
// binary is one): it must say there is no window, serve as `serve` would, and exit 0 only when
// stopped — never exit 0 having done nothing.
func TestDefaultCommandHeadless(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(t.TempDir(), "hexcrawl.db")
	args, _ := json.Marshal([]string{"--addr", "127.0.0.1:0", "--data", data, "--dm-token", restartToken, "--no-qr"})
	cmd := exec.Command(exe, "-test.run=^TestNamespaceChildRole$")
	cmd.Env = append(os.Environ(), childRoleEnv+"=run", "HX_ARGS="+string(args))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	var base string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "DM console:"); ok {
			base, _, _ = strings.Cut(strings.TrimSpace(rest), "/dm#")
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	if base == "" {
		t.Fatalf("no DM console address printed; stderr: %s", stderr.String())
	}
	resp, err := http.Get(base + "/api/hub")
	if err != nil {
		t.Fatalf("the hub does not answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /api/hub: %d", resp.StatusCode)
	}
	// Still serving a moment later: it did not return after printing.
	time.Sleep(300 * time.Millisecond)
	if resp, err := http.Get(base + "/api/hub"); err != nil {
		t.Fatalf("stopped serving on its own: %v", err)
	} else {
		resp.Body.Close()
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v; stderr: %s", err, stderr.String())
	}
	for _, want := range []string{"built without the desktop window", "Running the hub without a window"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr.String())
		}
	}
}
