package discovery

// Real mDNS between two network namespaces joined by a veth pair. The test
// binary re-executes itself inside a namespace (`ip netns exec NS <self>`)
// with HEXCRAWL_DISCOVERY_ROLE naming what to do there; see TestMain. No
// packet leaves the namespaces the test creates.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/net/ipv4"
)

const roleEnv = "HEXCRAWL_DISCOVERY_ROLE"

func TestMain(m *testing.M) {
	if role := os.Getenv(roleEnv); role != "" {
		os.Exit(runRole(role))
	}
	os.Exit(m.Run())
}

// ready is what the advertise role prints once it is advertising.
type ready struct {
	Host     string   `json:"host"`
	Instance string   `json:"instance"`
	URLs     []string `json:"urls"`
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func envList(name string) []string {
	if v := os.Getenv(name); v != "" {
		return strings.Split(v, ",")
	}
	return nil
}

// runRole is the child side: it runs inside a namespace and talks to the
// test over stdout (one line per event) and stdin (commands; EOF = stop).
func runRole(role string) int {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx := context.Background()
	out := json.NewEncoder(os.Stdout)
	switch role {
	case "advertise":
		ad, err := Advertise(ctx, AdvertiseOptions{
			Instance:        os.Getenv("HX_INSTANCE"),
			HostName:        os.Getenv("HX_HOST"),
			Port:            envInt("HX_PORT", 7777),
			Campaign:        os.Getenv("HX_CAMPAIGN"),
			ProtocolVersion: 1,
			Interfaces:      envList("HX_IFACES"),
			Logger:          log,
			PollInterval:    time.Duration(envInt("HX_POLL_MS", 0)) * time.Millisecond,
		})
		if err != nil {
			fmt.Println("ERROR", err)
			return 3
		}
		fmt.Print("READY ")
		_ = out.Encode(ready{ad.HostName(), ad.Instance(), ad.URLs()})
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			if sc.Text() == "urls" {
				fmt.Print("URLS ")
				_ = out.Encode(ad.URLs())
			}
		}
		ad.Shutdown()
		fmt.Println("DONE")
		return 0
	case "browse":
		hubs, err := Browse(ctx, BrowseOptions{Timeout: time.Duration(envInt("HX_TIMEOUT_MS", 3000)) * time.Millisecond, Logger: log})
		if err != nil {
			fmt.Println("ERROR", err)
			return 3
		}
		fmt.Print("HUBS ")
		_ = out.Encode(hubs)
		return 0
	case "watch":
		// Browse until stdin closes, reporting hubs as they come and go.
		wctx, cancel := context.WithCancel(ctx)
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			cancel()
		}()
		var mu sync.Mutex
		line := func(kind string, h Hub) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Print(kind, " ")
			_ = out.Encode(h)
		}
		hubs, err := Browse(wctx, BrowseOptions{
			Timeout: time.Hour,
			Found:   func(h Hub) { line("FOUND", h) },
			Lost:    func(h Hub) { line("LOST", h) },
		})
		if err != nil {
			fmt.Println("ERROR", err)
			return 3
		}
		fmt.Print("HUBS ")
		_ = out.Encode(hubs)
		return 0
	case "lookup":
		addrs, err := LookupHost(ctx, os.Getenv("HX_HOST"), BrowseOptions{Timeout: 5 * time.Second})
		if err != nil {
			fmt.Println("ERROR", err)
			return 3
		}
		fmt.Print("ADDRS ")
		_ = out.Encode(addrs)
		return 0
	case "legacy":
		addrs, err := legacyQuery(os.Getenv("HX_HOST"), os.Getenv("HX_IFACE"))
		if err != nil {
			fmt.Println("ERROR", err)
			return 3
		}
		fmt.Print("ADDRS ")
		_ = out.Encode(addrs)
		return 0
	}
	fmt.Fprintln(os.Stderr, "unknown role", role)
	return 2
}

// legacyQuery asks like `dig @224.0.0.251 -p 5353 host.local` does: from an
// ephemeral port, expecting a unicast DNS answer (RFC 6762 §6.7).
func legacyQuery(host, iface string) ([]netip.Addr, error) {
	ifc, err := net.InterfaceByName(iface)
	if err != nil {
		return nil, err
	}
	uc, err := net.ListenUDP("udp4", &net.UDPAddr{})
	if err != nil {
		return nil, err
	}
	defer uc.Close()
	pc := ipv4.NewPacketConn(uc)
	if err := pc.SetMulticastInterface(ifc); err != nil {
		return nil, err
	}
	q := new(dns.Msg)
	q.SetQuestion(dns.Fqdn(host), dns.TypeA)
	buf, _ := q.Pack()
	for try := 0; try < 3; try++ {
		if _, err := uc.WriteTo(buf, mdnsAddr4); err != nil {
			return nil, err
		}
		_ = uc.SetReadDeadline(time.Now().Add(2 * time.Second))
		rb := make([]byte, 9000)
		n, _, err := uc.ReadFrom(rb)
		if err != nil {
			continue
		}
		var m dns.Msg
		if err := m.Unpack(rb[:n]); err != nil {
			return nil, err
		}
		if m.Id != q.Id || len(m.Question) != 1 {
			return nil, fmt.Errorf("legacy answer has id %d and %d questions; want id %d and the question", m.Id, len(m.Question), q.Id)
		}
		var out []netip.Addr
		for _, rr := range m.Answer {
			if ip, ok := rrAddr(rr); ok {
				out = append(out, ip)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("no unicast answer for %s", host)
}

// --- the parent side ---

var nsSeq atomic.Int32

// lan is a pair of network namespaces, a and b, joined by the veth pair
// lan0 (10.77.0.1/24 + fd77::1/64 in a, 10.77.0.2/24 + fd77::2/64 in b).
type lan struct {
	a, b string
}

func run(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// newNS creates an empty namespace with lo up, or skips the test if this
// machine cannot (not root, no iproute2).
func newNS(t *testing.T, suffix string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipping: network namespaces need root (CI runs as root)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("skipping: iproute2's `ip` is not installed (apt-get install iproute2)")
	}
	name := fmt.Sprintf("hxdisc-%d-%d%s", os.Getpid(), nsSeq.Add(1), suffix)
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Skipf("skipping: cannot create a network namespace: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", name, err, out)
		}
	})
	// No duplicate address detection: the addresses are usable at once.
	run(t, "ip", "netns", "exec", name, "sysctl", "-qw",
		"net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0")
	run(t, "ip", "-n", name, "link", "set", "lo", "up")
	return name
}

// link joins namespaces a and b with a veth pair named ifname on both sides.
func link(t *testing.T, a, b, ifname string, v4a, v4b, v6a, v6b string) {
	t.Helper()
	run(t, "ip", "-n", a, "link", "add", ifname, "type", "veth", "peer", "name", ifname, "netns", b)
	for _, x := range []struct{ ns, v4, v6 string }{{a, v4a, v6a}, {b, v4b, v6b}} {
		run(t, "ip", "-n", x.ns, "addr", "add", x.v4, "dev", ifname)
		if x.v6 != "" {
			run(t, "ip", "-n", x.ns, "addr", "add", x.v6, "dev", ifname, "nodad")
		}
		run(t, "ip", "-n", x.ns, "link", "set", ifname, "multicast", "on", "up")
	}
}

func newLAN(t *testing.T) lan {
	l := lan{a: newNS(t, "a"), b: newNS(t, "b")}
	link(t, l.a, l.b, "lan0", "10.77.0.1/24", "10.77.0.2/24", "fd77::1/64", "fd77::2/64")
	return l
}

// proc is a child running a role inside a namespace.
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	stderr *lockedBuf
	exited chan error
}

type lockedBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func start(t *testing.T, ns, role string, env ...string) *proc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("ip", "netns", "exec", ns, exe)
	cmd.Env = append(os.Environ(), append([]string{roleEnv + "=" + role}, env...)...)
	p := &proc{t: t, cmd: cmd, lines: make(chan string, 100), stderr: &lockedBuf{}, exited: make(chan error, 1)}
	cmd.Stderr = p.stderr
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
		p.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			t.Logf("%s in %s, stderr:\n%s", role, ns, p.stderr.String())
		}
	})
	return p
}

// hangGuard bounds every wait so a broken hub fails the test instead of
// hanging it; it is not a speed assertion.
const hangGuard = 30 * time.Second

// expect waits for the next stdout line starting with prefix (skipping
// others) and decodes the JSON after it into v.
func (p *proc) expect(prefix string, v any) {
	p.t.Helper()
	deadline := time.After(hangGuard)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("child exited before printing %s; stderr:\n%s", prefix, p.stderr.String())
			}
			if strings.HasPrefix(l, "ERROR") {
				p.t.Fatalf("child: %s; stderr:\n%s", l, p.stderr.String())
			}
			if !strings.HasPrefix(l, prefix+" ") {
				continue
			}
			if v != nil {
				if err := json.Unmarshal([]byte(strings.TrimPrefix(l, prefix+" ")), v); err != nil {
					p.t.Fatalf("decode %q: %v", l, err)
				}
			}
			return
		case <-deadline:
			p.t.Fatalf("no %s line within %s; stderr:\n%s", prefix, hangGuard, p.stderr.String())
		}
	}
}

// stop closes stdin (the child's signal to shut down) and waits for exit 0.
func (p *proc) stop() {
	p.t.Helper()
	p.stdin.Close()
	p.wait()
}

func (p *proc) wait() {
	p.t.Helper()
	for range p.lines {
	}
	select {
	case err := <-p.exited:
		if err != nil {
			p.t.Fatalf("child failed: %v; stderr:\n%s", err, p.stderr.String())
		}
	case <-time.After(hangGuard):
		p.t.Fatalf("child did not exit within %s", hangGuard)
	}
}

// waitStderr waits until the child has logged something containing s.
func (p *proc) waitStderr(s string) {
	p.t.Helper()
	deadline := time.Now().Add(hangGuard)
	for !strings.Contains(p.stderr.String(), s) {
		if time.Now().After(deadline) {
			p.t.Fatalf("child never logged %q; stderr:\n%s", s, p.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func browseIn(t *testing.T, ns string, env ...string) []Hub {
	t.Helper()
	p := start(t, ns, "browse", env...)
	var hubs []Hub
	p.expect("HUBS", &hubs)
	p.wait()
	return hubs
}

func lookupIn(t *testing.T, ns, role, host string, env ...string) []netip.Addr {
	t.Helper()
	p := start(t, ns, role, append([]string{"HX_HOST=" + host}, env...)...)
	var addrs []netip.Addr
	p.expect("ADDRS", &addrs)
	p.wait()
	return addrs
}
