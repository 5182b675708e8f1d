// Package netnstest builds throw-away network namespaces joined by veth
// pairs, so tests can run real multicast DNS (and real HTTP) between
// "machines" without a packet reaching any other network. It needs root and
// iproute2; without them the tests that use it skip, saying why.
package netnstest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// HangGuard bounds every wait so a broken program fails the test instead of
// hanging it; it is not a speed assertion.
const HangGuard = 30 * time.Second

var seq atomic.Int32

// Run runs a command and fails the test if it fails.
func Run(t testing.TB, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// New creates an empty namespace with lo up and IPv6 duplicate address
// detection off (addresses usable at once), deleted when the test ends. It
// skips the test if namespaces cannot be created here.
func New(t testing.TB, suffix string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipping: network namespaces need root (CI runs as root)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("skipping: iproute2's `ip` is not installed (apt-get install iproute2)")
	}
	name := fmt.Sprintf("hx-%d-%d%s", os.Getpid(), seq.Add(1), suffix)
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Skipf("skipping: cannot create a network namespace: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", name, err, out)
		}
	})
	Run(t, "ip", "netns", "exec", name, "sysctl", "-qw",
		"net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0")
	Run(t, "ip", "-n", name, "link", "set", "lo", "up")
	return name
}

// Link joins namespaces a and b with a veth pair named ifname on both sides,
// with the given addresses (CIDR; any may be empty), multicast on and up.
func Link(t testing.TB, a, b, ifname, v4a, v4b, v6a, v6b string) {
	t.Helper()
	Run(t, "ip", "-n", a, "link", "add", ifname, "type", "veth", "peer", "name", ifname, "netns", b)
	for _, x := range []struct{ ns, v4, v6 string }{{a, v4a, v6a}, {b, v4b, v6b}} {
		if x.v4 != "" {
			Run(t, "ip", "-n", x.ns, "addr", "add", x.v4, "dev", ifname)
		}
		if x.v6 != "" {
			Run(t, "ip", "-n", x.ns, "addr", "add", x.v6, "dev", ifname, "nodad")
		}
		Run(t, "ip", "-n", x.ns, "link", "set", ifname, "multicast", "on", "up")
	}
	WaitUp(t, a, ifname)
	WaitUp(t, b, ifname)
}

// WaitUp waits until ifname in ns is operationally up. The kernel reports
// the carrier of a new link with a delay of up to a second (linkwatch);
// until then the interface is up but not RUNNING, and hubs rightly skip it.
func WaitUp(t testing.TB, ns, ifname string) {
	t.Helper()
	deadline := time.Now().Add(HangGuard)
	for {
		out, err := exec.Command("ip", "-n", ns, "-o", "link", "show", "dev", ifname).CombinedOutput()
		if err == nil && strings.Contains(string(out), " state UP ") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s in %s not up within %s: %s %v", ifname, ns, HangGuard, out, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// LinkLocal returns the IPv6 link-local address of ifname in ns (the kernel
// makes it from the random MAC address of the veth), without a zone.
func LinkLocal(t testing.TB, ns, ifname string) netip.Addr {
	t.Helper()
	out, err := exec.Command("ip", "-n", ns, "-6", "-o", "addr", "show", "dev", ifname, "scope", "link").CombinedOutput()
	if err != nil {
		t.Fatalf("ip -n %s addr show dev %s: %v: %s", ns, ifname, err, out)
	}
	f := strings.Fields(string(out))
	for i := 0; i+1 < len(f); i++ {
		if f[i] == "inet6" {
			if p, err := netip.ParsePrefix(f[i+1]); err == nil {
				return p.Addr()
			}
		}
	}
	t.Fatalf("%s in %s has no link-local address: %s", ifname, ns, out)
	return netip.Addr{}
}

// LAN is two namespaces joined by lan0: 10.77.0.1/24 + fd77::1/64 in A,
// 10.77.0.2/24 + fd77::2/64 in B.
type LAN struct{ A, B string }

// NewLAN builds a LAN.
func NewLAN(t testing.TB) LAN {
	t.Helper()
	l := LAN{A: New(t, "a"), B: New(t, "b")}
	Link(t, l.A, l.B, "lan0", "10.77.0.1/24", "10.77.0.2/24", "fd77::1/64", "fd77::2/64")
	return l
}

// Proc is a program running inside a namespace. Its stdout is read line by
// line; stderr is kept whole.
type Proc struct {
	t      testing.TB
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	stderr *lockedBuf
	exited chan error
	name   string
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

// Start runs `ip netns exec ns argv...` with extra environment variables.
// `ip netns exec` execs the program, so signals reach it directly. The
// process is killed when the test ends, and its stderr logged if it failed.
func Start(t testing.TB, ns string, env []string, argv ...string) *Proc {
	t.Helper()
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns}, argv...)...)
	cmd.Env = append(os.Environ(), env...)
	p := &Proc{t: t, cmd: cmd, lines: make(chan string, 10000), stderr: &lockedBuf{}, exited: make(chan error, 1),
		name: fmt.Sprintf("%s in %s", strings.Join(argv, " "), ns)}
	cmd.Stderr = p.stderr
	var err error
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
			t.Logf("%s, stderr:\n%s", p.name, p.stderr.String())
		}
	})
	return p
}

// StartSelf re-runs the current test binary inside ns with env (which should
// select a role for its TestMain).
func StartSelf(t testing.TB, ns string, env ...string) *Proc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Start(t, ns, env, exe)
}

// The child's side: helpers for a role the test binary plays inside a namespace.

// UntilStdinCloses returns a context that ends when this process's stdin closes: how the test
// (Proc.Stop) tells a long-running role to finish.
func UntilStdinCloses(ctx context.Context) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	return ctx
}

// Reporter returns a function that prints "KIND <v as JSON>" lines for the test to read with
// Proc.Line; it may be called from several goroutines.
func Reporter() func(kind string, v any) {
	var mu sync.Mutex
	return func(kind string, v any) {
		b, _ := json.Marshal(v)
		mu.Lock()
		defer mu.Unlock()
		fmt.Println(kind, string(b))
	}
}

// Stderr is everything the program wrote to stderr so far.
func (p *Proc) Stderr() string { return p.stderr.String() }

// Line waits for the next stdout line that match accepts (skipping others)
// and returns it.
func (p *Proc) Line(what string, match func(string) bool) string {
	p.t.Helper()
	deadline := time.After(HangGuard)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("%s exited before printing %s; stderr:\n%s", p.name, what, p.stderr.String())
			}
			if strings.HasPrefix(l, "ERROR") {
				p.t.Fatalf("%s: %s; stderr:\n%s", p.name, l, p.stderr.String())
			}
			if match(l) {
				return l
			}
		case <-deadline:
			p.t.Fatalf("%s printed no %s within %s; stderr:\n%s", p.name, what, HangGuard, p.stderr.String())
		}
	}
}

// Expect waits for the next stdout line "PREFIX <json>" and decodes the JSON
// into v (if v is not nil).
func (p *Proc) Expect(prefix string, v any) {
	p.t.Helper()
	l := p.Line(prefix+" line", func(l string) bool { return strings.HasPrefix(l, prefix+" ") })
	if v != nil {
		if err := json.Unmarshal([]byte(strings.TrimPrefix(l, prefix+" ")), v); err != nil {
			p.t.Fatalf("decode %q: %v", l, err)
		}
	}
}

// Send writes a line to the program's stdin.
func (p *Proc) Send(line string) {
	p.t.Helper()
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		p.t.Fatalf("write to %s: %v", p.name, err)
	}
}

// Stop closes stdin (the roles' signal to shut down) and waits for exit 0.
func (p *Proc) Stop() {
	p.t.Helper()
	p.stdin.Close()
	p.Wait()
}

// Terminate sends SIGTERM and waits for exit 0.
func (p *Proc) Terminate() {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatalf("signal %s: %v", p.name, err)
	}
	p.Wait()
}

// Wait waits for the program to exit and fails the test unless it exited 0.
func (p *Proc) Wait() {
	p.t.Helper()
	if err := p.Exit(); err != nil {
		p.t.Fatalf("%s failed: %v; stderr:\n%s", p.name, err, p.stderr.String())
	}
}

// Exit waits for the program to exit and returns how. Unread stdout lines
// stay available to Line, Expect and Lines.
func (p *Proc) Exit() error {
	p.t.Helper()
	select {
	case err := <-p.exited:
		return err
	case <-time.After(HangGuard):
		p.t.Fatalf("%s did not exit within %s", p.name, HangGuard)
		return nil
	}
}

// ExitCode is the exit code after Exit returned.
func (p *Proc) ExitCode() int { return p.cmd.ProcessState.ExitCode() }

// Lines returns the stdout lines not consumed yet; call it after Exit.
func (p *Proc) Lines() []string {
	var out []string
	for l := range p.lines {
		out = append(out, l)
	}
	return out
}

// WaitStderr waits until the program has logged something containing s.
func (p *Proc) WaitStderr(s string) {
	p.t.Helper()
	p.WaitStderrN(s, 1)
}

// WaitStderrN waits until the program has logged s at least n times.
func (p *Proc) WaitStderrN(s string, n int) {
	p.t.Helper()
	deadline := time.Now().Add(HangGuard)
	for strings.Count(p.stderr.String(), s) < n {
		if time.Now().After(deadline) {
			p.t.Fatalf("%s logged %q fewer than %d times; stderr:\n%s", p.name, s, n, p.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
