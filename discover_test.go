package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/hexcrawl/hexcrawl/discovery"
	"github.com/hexcrawl/hexcrawl/discovery/netnstest"
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
		if err := playerJoins(ctx, os.Getenv("HX_JOIN")); err != nil {
			fmt.Println("ERROR", err)
			os.Exit(3)
		}
		os.Exit(0)
	case "api":
		status, body, err := dmCall(ctx, os.Getenv("HX_URL"), os.Getenv("HX_TOKEN"), os.Getenv("HX_METHOD"), os.Getenv("HX_PATH"), os.Getenv("HX_BODY"))
		if err != nil {
			fmt.Println("ERROR", err)
			os.Exit(3)
		}
		fmt.Printf("API %d %s\n", status, body)
		os.Exit(0)
	case "dm-start-session":
		if err := dmStartSession(ctx, os.Getenv("HX_URL"), os.Getenv("HX_TOKEN"), os.Getenv("HX_CAMPAIGN")); err != nil {
			fmt.Println("ERROR", err)
			os.Exit(3)
		}
		fmt.Println("STARTED")
		os.Exit(0)
	case "watch":
		// Browse until stdin closes, one line per hub found or withdrawn.
		report := netnstest.Reporter()
		_, err := discovery.Browse(netnstest.UntilStdinCloses(ctx), discovery.BrowseOptions{
			Timeout: time.Hour,
			Found:   func(h discovery.Hub) { report("FOUND", h) },
			Lost:    func(h discovery.Hub) { report("LOST", h) },
		})
		if err != nil {
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
	t.Parallel()
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
		{[]string{"--bogus"}, 2, "discover: flag provided but not defined: -bogus\n"},
		{[]string{"--timeout", "0s"}, 2, "--timeout must be positive"},
		{[]string{"extra"}, 2, `unexpected argument "extra"`},
		{[]string{"--iface", "no-such-iface0", "--timeout", "1s"}, 2, "discover: --iface no-such-iface0: no such interface (this computer has: lo"},
		{[]string{"--iface", "lo", "--timeout", "1s"}, 1, "discover: --iface lo: loopback: other devices cannot reach it\n"},
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
			// Its own flag, not serve's; said once; nothing on stdout.
			if strings.Contains(stderr.String(), "mdns-iface") {
				t.Errorf("discover names serve's flag: %q", stderr.String())
			}
			if n := strings.Count(stderr.String(), tt.inStderr); n != 1 {
				t.Errorf("the error is printed %d times: %q", n, stderr.String())
			}
			if stdout.Len() > 0 {
				t.Errorf("an error printed to stdout: %q", stdout.String())
			}
		})
	}
}

// playerJoins is a player's phone on the LAN that scanned the QR code: it opens the join link
// (the app's page), joins with the code in it, and opens the live session twice: at the
// link's (IP) address, and at the .local name resolved over mDNS, as a browser would after
// typing it. It also reaches the hub at its link-local IPv6 address, with the zone the
// lookup gave it. It prints one line per success.
func playerJoins(ctx context.Context, joinURL string) error {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	u, err := url.Parse(joinURL)
	if err != nil {
		return err
	}
	code, ok := strings.CutPrefix(u.Path, "/join/")
	if !ok || code == "" {
		return fmt.Errorf("%s is not a join link", joinURL)
	}
	base := u.Scheme + "://" + u.Host
	page, err := client.Get(joinURL)
	if err != nil {
		return err
	}
	page.Body.Close()
	if page.StatusCode != http.StatusOK || !strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") {
		return fmt.Errorf("GET %s: %s, %s", joinURL, page.Status, page.Header.Get("Content-Type"))
	}
	body, _ := json.Marshal(map[string]string{"code": code, "name": "Ana"})
	resp, err := client.Post(base+"/api/join", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("POST /api/join: %s: %s", resp.Status, b)
	}
	var joined struct {
		CampaignID string `json:"campaignId"`
	}
	if err := json.Unmarshal(b, &joined); err != nil || joined.CampaignID == "" {
		return fmt.Errorf("join answered %s (%v)", b, err)
	}
	cookies := jar.Cookies(u)
	fmt.Println("JOINED", joined.CampaignID)

	// The same cookie works at any name of the hub (its Path is / and it
	// carries no Domain), so a browser that switches to the .local name
	// stays joined.
	ips, err := discovery.LookupHost(ctx, "hexcrawl.local", discovery.BrowseOptions{Timeout: 5 * time.Second})
	if err != nil {
		return err
	}
	var v4, linkLocal netip.Addr
	for _, ip := range ips {
		switch {
		case ip.Is4() && !v4.IsValid():
			v4 = ip
		case ip.Is6() && ip.IsLinkLocalUnicast() && ip.Zone() != "":
			linkLocal = ip
		}
	}
	if !v4.IsValid() || !linkLocal.IsValid() {
		return fmt.Errorf("hexcrawl.local resolved to %v; want an IPv4 and a zoned link-local address", ips)
	}
	for _, host := range []string{u.Host, "hexcrawl.local:" + u.Port()} {
		dialer := websocket.Dialer{
			HandshakeTimeout: 10 * time.Second,
			Subprotocols:     []string{"hexcrawl.v1"},
			NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				if h, port, _ := net.SplitHostPort(addr); h == "hexcrawl.local" {
					addr = net.JoinHostPort(v4.String(), port)
				}
				return (&net.Dialer{}).DialContext(ctx, network, addr)
			},
		}
		// What a browser sends on the page it loaded from that address.
		hdr := http.Header{"Origin": {"http://" + host}}
		for _, c := range cookies {
			hdr.Add("Cookie", c.Name+"="+c.Value)
		}
		conn, resp, err := dialer.DialContext(ctx, "ws://"+host+"/ws?campaignId="+url.QueryEscape(joined.CampaignID), hdr)
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
		if state.Type != "session:state" || state.Role != "player" || state.You == nil || state.You.Name != "Ana" || state.Campaign.ID != joined.CampaignID {
			return fmt.Errorf("first frame at %s: %+v", host, state)
		}
		fmt.Printf("JOINED %s %s\n", host, state.Type)
	}

	// Browsers cannot put a zone in a URL, but the OS resolver of a phone that asks for
	// hexcrawl.local gets the link-local address with it, and that address must answer.
	// url.URL writes the zone as RFC 6874 wants it: [fe80::…%25lan0].
	ll := (&url.URL{Scheme: "http", Host: net.JoinHostPort(linkLocal.String(), u.Port()), Path: "/api/hub"}).String()
	r, err := client.Get(ll)
	if err != nil {
		return err
	}
	r.Body.Close()
	if r.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", ll, r.Status)
	}
	fmt.Println("REACHED link-local")
	return nil
}

// dmCall is one DM API request; it returns the status and body.
func dmCall(ctx context.Context, base, token, method, path, body string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(base, "/")+path, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// dmStartSession opens the DM's socket on a campaign and starts a session there.
func dmStartSession(ctx context.Context, base, token, campaignID string) error {
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second, Subprotocols: []string{"hexcrawl.v1", "hexcrawl.dm." + token}}
	ws := strings.Replace(strings.TrimSuffix(base, "/"), "http://", "ws://", 1) + "/ws?campaignId=" + url.QueryEscape(campaignID)
	conn, _, err := d.DialContext(ctx, ws, nil)
	if err != nil {
		return fmt.Errorf("dm websocket: %w", err)
	}
	defer conn.Close()
	if err := conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"session:start"}`)); err != nil {
		return err
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, raw, err := conn.ReadMessage()
		if err != nil {
			return fmt.Errorf("waiting for the session to start: %w", err)
		}
		var m struct {
			Type   string `json:"type"`
			Status string `json:"status"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			return err
		}
		if m.Type == "session:statusChanged" && m.Status == "active" {
			return nil
		}
		if m.Type == "error" {
			return fmt.Errorf("session:start refused: %s", raw)
		}
	}
}

// decodeTerminalQR reads the half-block QR code printServe writes (two modules per character:
// space = both dark, █ = both light, ▀ = light above dark, ▄ = dark above light; ANSI colour
// codes ignored) and returns the text it encodes.
func decodeTerminalQR(lines []string) (string, error) {
	const scale = 4
	ansi := regexp.MustCompile("\x1b\\[[0-9;]*m")
	var rows [][]bool // true = dark
	for _, l := range lines {
		l = ansi.ReplaceAllString(l, "")
		top, bottom := []bool{}, []bool{}
		for _, r := range l {
			top = append(top, r == ' ' || r == '▄')
			bottom = append(bottom, r == ' ' || r == '▀')
		}
		rows = append(rows, top, bottom)
	}
	w := 0
	for _, r := range rows {
		w = max(w, len(r))
	}
	// A light margin around the code, as on a screen.
	const margin = 4
	img := image.NewGray(image.Rect(0, 0, (w+2*margin)*scale, (len(rows)+2*margin)*scale))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y, r := range rows {
		for x, dark := range r {
			if !dark {
				continue
			}
			for dy := 0; dy < scale; dy++ {
				for dx := 0; dx < scale; dx++ {
					img.SetGray((x+margin)*scale+dx, (y+margin)*scale+dy, color.Gray{})
				}
			}
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

// TestPrintQR: the terminal QR code decodes to the URL, plain and with colours.
func TestPrintQR(t *testing.T) {
	const want = "http://192.168.1.20:7777/join/ABCDE12345"
	var b strings.Builder
	printQR(&b, want)
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if got, err := decodeTerminalQR(lines); err != nil || got != want {
		t.Fatalf("plain QR decodes to %q, %v; want %q", got, err, want)
	}
	var coloured []string
	for _, l := range lines {
		coloured = append(coloured, "\x1b[97;40m"+l+"\x1b[0m")
	}
	if got, err := decodeTerminalQR(coloured); err != nil || got != want {
		t.Fatalf("coloured QR decodes to %q, %v; want %q", got, err, want)
	}
}

// hubEvents reads a watcher's FOUND and LOST lines.
type hubEvents struct{ p *netnstest.Proc }

// next waits for the next FOUND or LOST line and checks it names the instance.
func (e hubEvents) next(t *testing.T, kind, instance string) discovery.Hub {
	t.Helper()
	l := e.p.Line(kind+" "+instance, func(s string) bool { return strings.HasPrefix(s, "FOUND ") || strings.HasPrefix(s, "LOST ") })
	k, js, _ := strings.Cut(l, " ")
	var h discovery.Hub
	if err := json.Unmarshal([]byte(js), &h); err != nil {
		t.Fatalf("decode %q: %v", l, err)
	}
	if k != kind || h.Instance != instance {
		t.Fatalf("watcher saw %s %q; want %s %q", k, h.Instance, kind, instance)
	}
	return h
}

// TestServeDiscoverJoin, end to end: `hexcrawl serve` advertises in namespace A and
// prints its addresses and a QR code; `hexcrawl discover` in namespace B finds it; a player in
// B scans the QR code and joins through it (and through hexcrawl.local). The advertised name
// follows the DM: renaming the campaign, adding a second one, playing that one. After the hub
// stops, a watcher sees it withdrawn and discover no longer finds it.
func TestServeDiscoverJoin(t *testing.T) {
	t.Parallel()
	l := netnstest.NewLAN(t)
	const token = "e2e-dm-token-0123456789"
	const hubURL = "http://10.77.0.1:7777"
	serve := runIn(t, l.A, "serve", "--addr", ":7777", "--data", filepath.Join(t.TempDir(), "hub.db"),
		"--dm-token", token)
	// The welcome waits until mDNS has checked that nobody else on the LAN uses the short name,
	// then lists it first with the IP addresses, before the join codes and without a warning.
	players := serve.Line("the player URLs", func(s string) bool { return strings.HasPrefix(s, "Players open:") })
	if want := "Players open:   http://hexcrawl.local:7777"; players != want {
		t.Errorf("serve prints %q; want %q", players, want)
	}
	var more []string
	joinLine := serve.Line("the join link", func(s string) bool {
		more = append(more, s)
		return strings.HasPrefix(s, "Join code for ")
	})
	if want := "            or: " + hubURL; len(more) < 2 || more[0] != want {
		t.Errorf("after the .local address serve prints %q; want %q first", more, want)
	}
	for _, l := range more {
		if strings.HasPrefix(l, "Warning:") {
			t.Errorf("a hub on every interface warns: %q", l)
		}
	}
	joinURL := joinLine[strings.LastIndex(joinLine, "(")+1 : len(joinLine)-1]
	if !strings.HasPrefix(joinURL, hubURL+"/join/") {
		t.Errorf("join link %q; want one at %s, the address phones that cannot resolve .local can open", joinURL, hubURL)
	}
	serve.Line("the QR code", func(s string) bool { return strings.HasPrefix(s, "Scan to join") })
	var qr []string
	for {
		l := serve.Line("a QR line", func(string) bool { return true })
		if l == "" { // every QR line starts with its light quiet zone
			break
		}
		qr = append(qr, l)
	}
	scanned, err := decodeTerminalQR(qr)
	if err != nil || scanned != joinURL {
		t.Fatalf("the QR code decodes to %q (%v); want the join link %q", scanned, err, joinURL)
	}

	watch := hubEvents{startChild(t, l.B, "watch")}
	if h := watch.next(t, "FOUND", "The Fenlands (demo)"); h.Campaign != "The Fenlands (demo)" || h.HostName != "hexcrawl.local" {
		t.Errorf("watcher found %+v", h)
	}

	out, code := discoverIn(t, l.B, "--json")
	var hubs []struct {
		URL      string `json:"url"`
		HostName string `json:"hostName"`
		Path     string `json:"path"`
	}
	if err := json.Unmarshal([]byte(out), &hubs); err != nil || code != 0 || len(hubs) != 1 {
		t.Fatalf("discover --json exited %d (%v):\n%s", code, err, out)
	}
	if hubs[0].URL != hubURL+"/" || hubs[0].HostName != "hexcrawl.local" {
		t.Fatalf("discovered %+v", hubs[0])
	}

	player := startChild(t, l.B, "player", "HX_JOIN="+scanned)
	cid := strings.TrimPrefix(player.Line("the join", func(s string) bool { return strings.HasPrefix(s, "JOINED ") }), "JOINED ")
	player.Line("a session:state at the IP", func(s string) bool { return s == "JOINED 10.77.0.1:7777 session:state" })
	player.Line("a session:state at hexcrawl.local", func(s string) bool { return s == "JOINED hexcrawl.local:7777 session:state" })
	player.Line("the hub at its link-local address", func(s string) bool { return s == "REACHED link-local" })
	player.Wait()

	api := func(method, path, body string) string {
		t.Helper()
		p := startChild(t, l.B, "api", "HX_URL="+hubURL, "HX_TOKEN="+token, "HX_METHOD="+method, "HX_PATH="+path, "HX_BODY="+body)
		line := p.Line("the API answer", func(s string) bool { return strings.HasPrefix(s, "API ") })
		p.Wait()
		status, rest, _ := strings.Cut(strings.TrimPrefix(line, "API "), " ")
		if status[0] != '2' {
			t.Fatalf("%s %s: %s %s", method, path, status, rest)
		}
		return rest
	}
	// The DM renames the campaign: the hub is listed under the new name, same host.
	api("PATCH", "/api/campaigns/"+cid, `{"name":"Fenmarch"}`)
	watch.next(t, "LOST", "The Fenlands (demo)")
	if h := watch.next(t, "FOUND", "Fenmarch"); h.Campaign != "Fenmarch" || h.HostName != "hexcrawl.local" || h.Port != 7777 {
		t.Errorf("after the rename: %+v", h)
	}
	// A second campaign: the hub is no longer any one of them.
	var second struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(api("POST", "/api/campaigns", `{"name":"Sunken Vale"}`)), &second); err != nil || second.ID == "" {
		t.Fatalf("create campaign: %v", err)
	}
	watch.next(t, "LOST", "Fenmarch")
	if h := watch.next(t, "FOUND", "Hexcrawl"); h.Campaign != "" {
		t.Errorf("with two campaigns: %+v; want no campaign in TXT", h)
	}
	// The DM plays the second one.
	api("POST", "/api/campaigns/"+second.ID+"/maps", `{"name":"Vale","width":8,"height":8,"orientation":"flat"}`)
	dm := startChild(t, l.B, "dm-start-session", "HX_URL="+hubURL, "HX_TOKEN="+token, "HX_CAMPAIGN="+second.ID)
	dm.Line("the session started", func(s string) bool { return s == "STARTED" })
	dm.Wait()
	watch.next(t, "LOST", "Hexcrawl")
	if h := watch.next(t, "FOUND", "Sunken Vale"); h.Campaign != "Sunken Vale" {
		t.Errorf("while playing Sunken Vale: %+v", h)
	}

	serve.Terminate()
	watch.next(t, "LOST", "Sunken Vale") // the goodbye, sent on SIGTERM
	watch.p.Stop()
	out, code = discoverIn(t, l.B, "--timeout", "2s")
	if code != 0 || !strings.HasPrefix(out, "No hubs found") {
		t.Fatalf("after the hub stopped, discover exited %d:\n%s", code, out)
	}
}
