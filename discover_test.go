package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hexcrawl/hexcrawl/hub/discovery"
	"github.com/hexcrawl/hexcrawl/hub/discovery/netnstest"
)

// childRoleEnv selects what TestDiscoverChildRole does when the test binary
// is re-run inside a network namespace.
const childRoleEnv = "HEXCRAWL_TEST_CHILD_ROLE"

// TestDiscoverChildRole is not a test: other tests re-run the test binary
// with -test.run=^TestDiscoverChildRole$ inside a namespace to play a part.
func TestDiscoverChildRole(t *testing.T) {
	role := os.Getenv(childRoleEnv)
	if role == "" {
		t.Skip("helper process for the namespace tests")
	}
	ctx := context.Background()
	switch role {
	case "advertise":
		ad, err := discovery.Advertise(ctx, discovery.AdvertiseOptions{
			Instance: "The Fenlands", Campaign: "The Fenlands", Port: 7777, ProtocolVersion: 1,
		})
		if err != nil {
			fmt.Println("ERROR", err)
			os.Exit(3)
		}
		fmt.Println("READY", ad.HostName())
		_, _ = io.Copy(io.Discard, os.Stdin)
		ad.Shutdown()
		fmt.Println("DONE")
		os.Exit(0)
	case "discover":
		var args []string
		if err := json.Unmarshal([]byte(os.Getenv("HX_ARGS")), &args); err != nil {
			fmt.Println("ERROR", err)
			os.Exit(3)
		}
		os.Exit(runDiscover(ctx, args, os.Stdout, os.Stderr))
	}
	t.Fatalf("unknown role %q", role)
}

func startChild(t *testing.T, ns, role string, env ...string) *netnstest.Proc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	env = append(env, childRoleEnv+"="+role)
	return netnstest.Start(t, ns, env, exe, "-test.run=^TestDiscoverChildRole$")
}

// discoverIn runs `hexcrawl discover args...` (through runDiscover) in ns
// and returns its stdout and exit code.
func discoverIn(t *testing.T, ns string, args ...string) (string, int) {
	t.Helper()
	a, _ := json.Marshal(args)
	p := startChild(t, ns, "discover", "HX_ARGS="+string(a))
	err := p.Exit()
	code := 0
	if err != nil {
		code = p.ExitCode()
	}
	return strings.Join(p.Lines(), "\n"), code
}

// TestDiscoverFindsHub: `discover` in namespace B lists a hub advertised in
// namespace A, as text and JSON, and says plainly when there is none.
func TestDiscoverFindsHub(t *testing.T) {
	l := netnstest.NewLAN(t)
	ad := startChild(t, l.A, "advertise")
	ad.Line("READY", func(s string) bool { return s == "READY hexcrawl.local" })

	out, code := discoverIn(t, l.B)
	if code != 0 {
		t.Fatalf("discover exited %d:\n%s", code, out)
	}
	for _, want := range []string{"Found 1 hub:", "  The Fenlands  (protocol v1)", "    http://hexcrawl.local:7777/", "    http://10.77.0.1:7777/", "    http://[fd77::1]:7777/"} {
		if !strings.Contains(out, want+"\n") && !strings.HasSuffix(out, want) {
			t.Errorf("discover output lacks line %q:\n%s", want, out)
		}
	}

	out, code = discoverIn(t, l.B, "--json", "--timeout", "2s", "--iface", "lan0")
	var hubs []struct {
		Instance        string   `json:"instance"`
		HostName        string   `json:"hostName"`
		Port            int      `json:"port"`
		Addrs           []string `json:"addrs"`
		Campaign        string   `json:"campaign"`
		ProtocolVersion int      `json:"protocolVersion"`
		URL             string   `json:"url"`
		URLs            []string `json:"urls"`
	}
	if err := json.Unmarshal([]byte(out), &hubs); err != nil || code != 0 {
		t.Fatalf("discover --json exited %d, %v:\n%s", code, err, out)
	}
	if len(hubs) != 1 || hubs[0].URL != "http://10.77.0.1:7777/" || hubs[0].HostName != "hexcrawl.local" ||
		hubs[0].Campaign != "The Fenlands" || hubs[0].ProtocolVersion != 1 || len(hubs[0].URLs) != 3 ||
		strings.Join(hubs[0].Addrs, " ") != "10.77.0.1 fd77::1" {
		t.Errorf("discover --json = %+v", hubs)
	}

	ad.Stop()
	out, code = discoverIn(t, l.B, "--timeout", "1500ms")
	if code != 0 || !strings.HasPrefix(out, "No hubs found on the LAN within 1.5s.") {
		t.Errorf("after shutdown discover exited %d:\n%s", code, out)
	}
	out, code = discoverIn(t, l.B, "--json", "--timeout", "1s")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("after shutdown discover --json exited %d:\n%s", code, out)
	}
}

// TestDiscoverUsage covers the answers that need no network: they fail
// before any socket is opened.
func TestDiscoverUsage(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		inStderr string
	}{
		{[]string{"--bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"--timeout", "0s"}, 2, "--timeout must be positive"},
		{[]string{"extra"}, 2, `unexpected argument "extra"`},
		{[]string{"--help"}, 0, "Usage: hexcrawl discover"},
		{[]string{"--iface", "no-such-iface0", "--timeout", "1s"}, 1, "no-such-iface0: no such interface"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr strings.Builder
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			code := runDiscover(ctx, tt.args, &stdout, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.inStderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr.String(), tt.code, tt.inStderr)
			}
		})
	}
}
