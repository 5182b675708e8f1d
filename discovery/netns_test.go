package discovery

// Real mDNS between two network namespaces joined by a veth pair. The test
// binary re-executes itself inside a namespace (`ip netns exec NS <self>`)
// with HEXCRAWL_DISCOVERY_ROLE naming what to do there; see TestMain. No
// packet leaves the namespaces the test creates.

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hexcrawl/hexcrawl/discovery/netnstest"

	"github.com/miekg/dns"
	"golang.org/x/net/ipv4"
)

const roleEnv = "HEXCRAWL_DISCOVERY_ROLE"

func TestMain(m *testing.M) {
	if role := os.Getenv(roleEnv); role != "" {
		os.Exit(runRole(role))
	}
	// The namespace tests spend their time waiting on the network (browse
	// windows, the 1.5 s name probe), not on the CPU, and each has its own
	// namespaces: run them all at once rather than GOMAXPROCS at a time,
	// unless -test.parallel says otherwise.
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		_ = flag.Set("test.parallel", "8")
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
	fail := func(err error) int {
		fmt.Println("ERROR", err)
		return 3
	}
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
			ProbeTimeout:    time.Duration(envInt("HX_PROBE_MS", 0)) * time.Millisecond,
		})
		if err != nil {
			return fail(err)
		}
		fmt.Print("READY ")
		_ = out.Encode(ready{ad.HostName(), ad.Instance(), ad.URLs()})
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			switch cmd, arg, _ := strings.Cut(sc.Text(), " "); cmd {
			case "urls":
				fmt.Print("URLS ")
				_ = out.Encode(ad.URLs())
			case "name": // name INSTANCE|CAMPAIGN
				inst, campaign, _ := strings.Cut(arg, "|")
				ad.SetName(inst, campaign)
			}
		}
		ad.Shutdown()
		fmt.Println("DONE")
		return 0
	case "browse":
		hubs, err := Browse(ctx, BrowseOptions{Timeout: time.Duration(envInt("HX_TIMEOUT_MS", 3000)) * time.Millisecond, Logger: log})
		if err != nil {
			return fail(err)
		}
		fmt.Print("HUBS ")
		_ = out.Encode(hubs)
		return 0
	case "watch":
		// Browse until stdin closes, reporting hubs as they come and go.
		report := netnstest.Reporter()
		hubs, err := Browse(netnstest.UntilStdinCloses(ctx), BrowseOptions{
			Timeout: time.Hour,
			Found:   func(h Hub) { report("FOUND", h) },
			Lost:    func(h Hub) { report("LOST", h) },
		})
		if err != nil {
			return fail(err)
		}
		report("HUBS", hubs)
		return 0
	case "first":
		// Time from starting to browse until the first hub is complete.
		fctx, cancel := context.WithCancel(ctx)
		began := time.Now()
		var took time.Duration
		_, err := Browse(fctx, BrowseOptions{Timeout: 10 * time.Second, Found: func(Hub) {
			if took == 0 {
				took = time.Since(began)
				cancel()
			}
		}})
		if err != nil || took == 0 {
			fmt.Println("ERROR no hub", err)
			return 3
		}
		fmt.Printf("FIRST %d\n", took.Microseconds())
		return 0
	case "lookupTimed":
		began := time.Now()
		if _, err := LookupHost(ctx, os.Getenv("HX_HOST"), BrowseOptions{Timeout: 5 * time.Second}); err != nil {
			return fail(err)
		}
		fmt.Printf("TOOK %d\n", time.Since(began).Microseconds())
		return 0
	case "lookup":
		addrs, err := LookupHost(ctx, os.Getenv("HX_HOST"), BrowseOptions{Timeout: 5 * time.Second})
		if err != nil {
			return fail(err)
		}
		fmt.Print("ADDRS ")
		_ = out.Encode(addrs)
		return 0
	case "negative":
		types, err := negativeQuery(ctx, os.Getenv("HX_HOST"), uint16(envInt("HX_QTYPE", int(dns.TypeA))))
		if err != nil {
			return fail(err)
		}
		fmt.Print("NSEC ")
		_ = out.Encode(types)
		return 0
	case "legacy":
		addrs, err := legacyQuery(os.Getenv("HX_HOST"), os.Getenv("HX_IFACE"))
		if err != nil {
			return fail(err)
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

// negativeQuery asks over mDNS for one record type of host and returns the
// types listed in the NSEC record of the first answer that has one.
func negativeQuery(ctx context.Context, host string, qtype uint16) ([]string, error) {
	chosen, _, err := chosenInterfaces(nil)
	if err != nil {
		return nil, err
	}
	conn, err := openMconn(netInterfaces(chosen))
	if err != nil {
		return nil, err
	}
	defer conn.close()
	ctx, cancel := context.WithTimeout(ctx, netnstest.HangGuard)
	defer cancel()
	in := conn.receive(ctx)
	q := new(dns.Msg)
	q.Question = []dns.Question{{Name: dns.Fqdn(host), Qtype: qtype, Qclass: dns.ClassINET}}
	if err := conn.multicast(q, 0); err != nil {
		return nil, err
	}
	for p := range in {
		if !p.msg.Response {
			continue
		}
		for _, rr := range p.msg.Answer {
			if n, ok := rr.(*dns.NSEC); ok && strings.EqualFold(n.Hdr.Name, dns.Fqdn(host)) {
				var types []string
				for _, t := range n.TypeBitMap {
					types = append(types, dns.TypeToString[t])
				}
				return types, nil
			}
		}
	}
	return nil, fmt.Errorf("no NSEC answer for %s %s", host, dns.TypeToString[qtype])
}

// --- the parent side ---

func browseIn(t *testing.T, ns string, env ...string) []Hub {
	t.Helper()
	p := netnstest.StartSelf(t, ns, append([]string{roleEnv + "=browse"}, env...)...)
	var hubs []Hub
	p.Expect("HUBS", &hubs)
	p.Wait()
	return hubs
}

func lookupIn(t *testing.T, ns, role, host string, env ...string) []netip.Addr {
	t.Helper()
	p := netnstest.StartSelf(t, ns, append([]string{roleEnv + "=" + role, "HX_HOST=" + host}, env...)...)
	var addrs []netip.Addr
	p.Expect("ADDRS", &addrs)
	p.Wait()
	return addrs
}

func start(t *testing.T, ns, role string, env ...string) *netnstest.Proc {
	t.Helper()
	return netnstest.StartSelf(t, ns, append([]string{roleEnv + "=" + role}, env...)...)
}
