package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hexcrawlCmd is `hexcrawl args...` as a child process (the test binary re-run as main), with
// its own XDG folders under dir so the default data file is the test's.
func hexcrawlCmd(t *testing.T, dir string, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(args)
	cmd := exec.Command(exe, "-test.run=^TestNamespaceChildRole$")
	cmd.Env = append(os.Environ(), childRoleEnv+"=run", "HX_ARGS="+string(a),
		"XDG_DATA_HOME="+filepath.Join(dir, "xdg-data"), "XDG_CONFIG_HOME="+filepath.Join(dir, "xdg-config"),
		"HEXCRAWL_DM_TOKEN=")
	return cmd
}

// runHexcrawl runs a command that must end by itself and returns what it printed.
func runHexcrawl(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := hexcrawlCmd(t, dir, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("hexcrawl %q did not end; stdout %q stderr %q", args, out.String(), errb.String())
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

// entries lists what is under dir, relative to it, so a test can say what a command created.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestVersion(t *testing.T) {
	want := "hexcrawl " + version + " (" + runtime.GOOS + "/" + runtime.GOARCH + ", hub only, no window, " + runtime.Version() + ")\n"
	for _, args := range [][]string{{"--version"}, {"-version"}, {"version"}} {
		var stdout, stderr strings.Builder
		if code := run(t.Context(), args, &stdout, &stderr); code != 0 || stdout.String() != want || stderr.Len() > 0 {
			t.Errorf("hexcrawl %s: exit %d, stdout %q, stderr %q; want %q", args, code, stdout.String(), stderr.String(), want)
		}
	}
}

// TestHelpAndBadFlags: help goes to stdout and creates nothing (not even the data folder); a
// bad flag or argument is said once, on stderr, with where to look, and creates nothing.
func TestHelpAndBadFlags(t *testing.T) {
	t.Parallel()
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	busy := free.Addr().String() // held open: the port is in use
	t.Cleanup(func() { free.Close() })
	tests := []struct {
		name     string
		args     []string
		code     int
		inStdout string
		inStderr string
	}{
		{"help", []string{"help"}, 0, "Usage:\n  hexcrawl [flags]", ""},
		{"--help", []string{"--help"}, 0, "Flags (for the window and for serve):", ""},
		{"-h", []string{"-h"}, 0, "Flags (for the window and for serve):", ""},
		{"serve --help", []string{"serve", "--help"}, 0, "Usage: hexcrawl serve [flags]", ""},
		{"discover --help", []string{"discover", "--help"}, 0, "Usage: hexcrawl discover", ""},
		{"unknown flag", []string{"--bogus"}, 2, "", "hexcrawl: flag provided but not defined: -bogus\nRun \"hexcrawl --help\" for the flags.\n"},
		{"serve unknown flag", []string{"serve", "--bogus"}, 2, "", "serve: flag provided but not defined: -bogus\nRun \"hexcrawl serve --help\" for the flags.\n"},
		{"extra argument", []string{"serve", "now"}, 2, "", "serve: unexpected argument \"now\"\n"},
		{"bad --addr", []string{"serve", "--addr", "7777"}, 2, "", "serve: --addr \"7777\": want host:port"},
		{"bad port", []string{"serve", "--addr", ":77777"}, 2, "", "serve: --addr \":77777\": want host:port, e.g. :7777 (every interface) or 192.168.1.20:7777: port \"77777\" is not a number from 0 to 65535\n"},
		{"short token", []string{"serve", "--addr", "127.0.0.1:0", "--dm-token", "short"}, 2, "", "at least 16 characters"},
		{"port in use", []string{"serve", "--addr", busy, "--no-mdns"}, 1, "", "hexcrawl: listen on " + busy + ": "},
		{"unknown command", []string{"sevre"}, 2, "", "hexcrawl: unknown command \"sevre\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			stdout, stderr, code := runHexcrawl(t, dir, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stdout %q stderr %q", code, tt.code, stdout, stderr)
			}
			if tt.inStdout != "" && !strings.Contains(stdout, tt.inStdout) {
				t.Errorf("stdout %q lacks %q", stdout, tt.inStdout)
			}
			if tt.inStderr == "" && stderr != "" {
				t.Errorf("stderr %q, want nothing", stderr)
			}
			if tt.inStderr != "" {
				if n := strings.Count(stderr, tt.inStderr); n != 1 {
					t.Errorf("stderr says %q %d times, want once:\n%s", tt.inStderr, n, stderr)
				}
				if strings.TrimSpace(stdout) != "" {
					t.Errorf("an error printed to stdout: %q", stdout)
				}
			}
			if got := entries(t, dir); len(got) > 0 {
				t.Errorf("hexcrawl %q created %q", tt.args, got)
			}
		})
	}
}

// TestDataFolder: the default data file's folder is made on the first start; a --data in a
// folder that does not exist is refused and makes no folder; one in an existing folder works.
func TestDataFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "campaigns", "2026", "hexcrawl.db")
	_, stderr, code := runHexcrawl(t, dir, "serve", "--addr", "127.0.0.1:0", "--data", missing)
	want := "serve: --data " + missing + ": the folder " + filepath.Dir(missing) + " does not exist; create it first, or choose another file\n"
	if code != 2 || !strings.HasPrefix(stderr, want) {
		t.Errorf("--data under a missing folder: exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
	if got := entries(t, dir); len(got) > 0 {
		t.Errorf("created %q", got)
	}

	for _, tt := range []struct {
		name string
		args []string
		file string
	}{
		{"default", nil, filepath.Join(dir, "xdg-data", "hexcrawl", "hexcrawl.db")},
		{"existing folder", []string{"--data", filepath.Join(dir, "here.db")}, filepath.Join(dir, "here.db")},
	} {
		cmd := hexcrawlCmd(t, dir, append([]string{"serve", "--addr", "127.0.0.1:0", "--no-qr"}, tt.args...)...)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		var data string
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "Hexcrawl "); ok {
				_, data, _ = strings.Cut(rest, "Data: ")
				break
			}
		}
		go func() { _, _ = io.Copy(io.Discard, out) }()
		_ = cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Errorf("%s: %v; stderr %s", tt.name, err, errb.String())
		}
		if data != tt.file {
			t.Errorf("%s: serves %q, want %q", tt.name, data, tt.file)
		}
		if _, err := os.Stat(tt.file); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

// TestLoopbackWarning: a hub only this computer can reach says so where it prints the address.
func TestLoopbackWarning(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cmd := hexcrawlCmd(t, dir, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "hub.db"), "--no-qr")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	var lines []string
	sc := bufio.NewScanner(out)
	for sc.Scan() && !strings.HasPrefix(sc.Text(), "Join code for") {
		lines = append(lines, sc.Text())
	}
	text := strings.Join(lines, "\n")
	if !strings.Contains(text, "\nWarning: --addr 127.0.0.1:0 listens on this computer only: phones and other computers cannot\n") ||
		!strings.Contains(text, "To let players join, start with --addr :") {
		t.Errorf("no warning that phones cannot reach a loopback hub:\n%s", text)
	}
}

func TestWindowUnavailable(t *testing.T) {
	env := map[string]string{"DISPLAY": ":1999"}
	cause := errors.New("desktop window failed: WebView2 runtime not installed")
	win := windowUnavailable("windows", func(k string) string { return env[k] }, cause)
	if !errors.Is(win, errNoWindow) || !errors.Is(win, cause) || strings.Contains(win.Error(), "DISPLAY") || !strings.Contains(win.Error(), "Microsoft Edge WebView2") {
		t.Errorf("on Windows: %v", win)
	}
	lin := windowUnavailable("linux", func(k string) string { return env[k] }, cause)
	if !errors.Is(lin, errNoDisplay) || !strings.Contains(lin.Error(), `DISPLAY=":1999"`) {
		t.Errorf("on Linux: %v", lin)
	}
}
