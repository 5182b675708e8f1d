package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/hexcrawl/hexcrawl/hub/discovery"
	"github.com/hexcrawl/hexcrawl/hub/discovery/netnstest"
)

// childRoleEnv selects what TestNamespaceChildRole does when the test binary
// is re-run inside a network namespace.
const childRoleEnv = "HEXCRAWL_TEST_CHILD_ROLE"

// TestNamespaceChildRole is not a test: other tests re-run the test binary
// with -test.run=^TestNamespaceChildRole$ inside a namespace to play a part.
func TestNamespaceChildRole(t *testing.T) {
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
	case "serve", "run":
		// The whole command line, as `hexcrawl ARGS...` runs it.
		var args []string
		if err := json.Unmarshal([]byte(os.Getenv("HX_ARGS")), &args); err != nil {
			fmt.Println("ERROR", err)
			os.Exit(3)
		}
		os.Exit(run(ctx, args, os.Stdout, os.Stderr))
	case "player":
		if err := playerJoins(ctx, os.Getenv("HX_URL"), os.Getenv("HX_TOKEN")); err != nil {
			fmt.Println("ERROR", err)
			os.Exit(3)
		}
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
	return netnstest.Start(t, ns, env, exe, "-test.run=^TestNamespaceChildRole$")
}

// runIn runs `hexcrawl args...` (through run, as main does) in ns.
func runIn(t *testing.T, ns string, args ...string) *netnstest.Proc {
	t.Helper()
	a, _ := json.Marshal(args)
	return startChild(t, ns, "run", "HX_ARGS="+string(a))
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

// playerJoins is a player's device on the LAN: with the DM's token it makes
// an invite through the DM API, joins with the code, and opens the live
// session twice: at the discovered (IP) URL, and at the .local name resolved
// over mDNS, as a browser would after typing it. It prints one JOINED line
// per session:state.
func playerJoins(ctx context.Context, base, token string) error {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	call := func(method, path, auth string, body any, out any) error {
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(base, "/")+path, rd)
		if err != nil {
			return err
		}
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, b)
		}
		return json.Unmarshal(b, out)
	}
	var campaigns []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	if err := call("GET", "/api/campaigns", token, nil, &campaigns); err != nil {
		return err
	}
	if len(campaigns) == 0 {
		return errors.New("the hub has no campaign")
	}
	cid := campaigns[0].ID
	var invite struct {
		Code string `json:"code"`
	}
	if err := call("POST", "/api/campaigns/"+cid+"/invites", token, map[string]any{}, &invite); err != nil {
		return err
	}
	var joined struct {
		PlayerID   string `json:"playerId"`
		CampaignID string `json:"campaignId"`
	}
	if err := call("POST", "/api/join", "", map[string]string{"code": invite.Code, "name": "Ana"}, &joined); err != nil {
		return err
	}
	if joined.CampaignID != cid {
		return fmt.Errorf("joined campaign %q; want %q", joined.CampaignID, cid)
	}
	u, _ := url.Parse(base)
	cookies := jar.Cookies(u)

	// The same cookie works at any name of the hub (its Path is / and it
	// carries no Domain), so a browser that switches to the .local name
	// stays joined.
	ips, err := discovery.LookupHost(ctx, "hexcrawl.local", discovery.BrowseOptions{Timeout: 5 * time.Second})
	if err != nil {
		return err
	}
	for _, host := range []string{u.Host, "hexcrawl.local:" + u.Port()} {
		dialer := websocket.Dialer{
			HandshakeTimeout: 10 * time.Second,
			Subprotocols:     []string{"hexcrawl.v1"},
			NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				if h, port, _ := net.SplitHostPort(addr); h == "hexcrawl.local" {
					addr = net.JoinHostPort(ips[0].String(), port)
				}
				return (&net.Dialer{}).DialContext(ctx, network, addr)
			},
		}
		hdr := http.Header{"Origin": {"http://" + host}}
		for _, c := range cookies {
			hdr.Add("Cookie", c.Name+"="+c.Value)
		}
		conn, resp, err := dialer.DialContext(ctx, "ws://"+host+"/ws?campaignId="+url.QueryEscape(cid), hdr)
		if err != nil {
			if resp != nil {
				return fmt.Errorf("websocket at %s: %w (%s)", host, err, resp.Status)
			}
			return fmt.Errorf("websocket at %s: %w", host, err)
		}
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		var state struct {
			Type string `json:"type"`
			Role string `json:"role"`
			You  *struct {
				Name string `json:"name"`
			} `json:"you"`
			Campaign struct {
				ID string `json:"id"`
			} `json:"campaign"`
		}
		err = conn.ReadJSON(&state)
		conn.Close()
		if err != nil {
			return fmt.Errorf("read at %s: %w", host, err)
		}
		if state.Type != "session:state" || state.Role != "player" || state.You == nil || state.You.Name != "Ana" || state.Campaign.ID != cid {
			return fmt.Errorf("first frame at %s: %+v", host, state)
		}
		fmt.Printf("JOINED %s %s\n", host, state.Type)
	}
	return nil
}

// TestServeDiscoverJoin is issue 6 end to end: `hexcrawl serve` advertises
// in namespace A; `hexcrawl discover` in namespace B finds it; a player in B
// joins through the discovered address (and through hexcrawl.local); after
// the hub stops, discover no longer finds it.
func TestServeDiscoverJoin(t *testing.T) {
	l := netnstest.NewLAN(t)
	const token = "e2e-dm-token-0123456789"
	serve := runIn(t, l.A, "serve", "--addr", ":7777", "--data", filepath.Join(t.TempDir(), "hub.db"),
		"--dm-token", token, "--no-qr")
	// The hub serves and prints its IP address at once; the short name follows once mDNS has
	// checked that nobody else on the LAN uses it.
	players := serve.Line("the player URLs", func(s string) bool { return strings.HasPrefix(s, "Players open:") })
	if want := "Players open:   http://10.77.0.1:7777"; players != want {
		t.Errorf("serve prints %q; want %q", players, want)
	}
	serve.Line("the .local address", func(s string) bool {
		return strings.HasPrefix(s, "Short address:  http://hexcrawl.local:7777")
	})

	out, code := discoverIn(t, l.B, "--json")
	var hubs []struct {
		URL      string `json:"url"`
		HostName string `json:"hostName"`
		Path     string `json:"path"`
	}
	if err := json.Unmarshal([]byte(out), &hubs); err != nil || code != 0 || len(hubs) != 1 {
		t.Fatalf("discover --json exited %d (%v):\n%s", code, err, out)
	}
	if hubs[0].URL != "http://10.77.0.1:7777/" || hubs[0].HostName != "hexcrawl.local" {
		t.Fatalf("discovered %+v", hubs[0])
	}

	player := startChild(t, l.B, "player", "HX_URL="+hubs[0].URL, "HX_TOKEN="+token)
	player.Line("a session:state at the IP", func(s string) bool { return s == "JOINED 10.77.0.1:7777 session:state" })
	player.Line("a session:state at hexcrawl.local", func(s string) bool { return s == "JOINED hexcrawl.local:7777 session:state" })
	player.Wait()

	serve.Terminate()
	out, code = discoverIn(t, l.B, "--timeout", "2s")
	if code != 0 || !strings.HasPrefix(out, "No hubs found") {
		t.Fatalf("after the hub stopped, discover exited %d:\n%s", code, out)
	}
}
