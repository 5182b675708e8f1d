package discovery

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hexcrawl/hexcrawl/discovery/netnstest"
)

func addrs(ss ...string) []netip.Addr {
	out := make([]netip.Addr, 0, len(ss))
	for _, s := range ss {
		out = append(out, netip.MustParseAddr(s))
	}
	return out
}

// sameAddrs compares address sets, whatever their order.
func sameAddrs(got, want []netip.Addr) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	cmp := func(a, b netip.Addr) int { return a.Compare(b) }
	slices.SortFunc(g, cmp)
	slices.SortFunc(w, cmp)
	return slices.Equal(g, w)
}

// zoned is ns's link-local address on lan0 as seen from the other side of
// the link, whose interface is also lan0.
func zoned(t *testing.T, ns string) netip.Addr {
	return netnstest.LinkLocal(t, ns, "lan0").WithZone("lan0")
}

// TestAdvertiseBrowseShutdown: a hub advertised in namespace a is found from
// namespace b with the right TXT, host and addresses; its .local name
// resolves (mDNS and one-shot unicast); after Shutdown a watcher sees the
// goodbye and a fresh browse finds nothing.
func TestAdvertiseBrowseShutdown(t *testing.T) {
	t.Parallel()
	l := netnstest.NewLAN(t)
	ad := start(t, l.A, "advertise", "HX_INSTANCE=The Fenlands. Act I", "HX_CAMPAIGN=The Fenlands. Act I \\ \"ü\"", "HX_PORT=7777")
	var r ready
	ad.Expect("READY", &r)
	if r.Host != "hexcrawl.local" || r.Instance != "The Fenlands. Act I" {
		t.Fatalf("advertised %+v; want host hexcrawl.local, instance %q", r, "The Fenlands. Act I")
	}
	wantURLs := []string{"http://hexcrawl.local:7777/", "http://10.77.0.1:7777/", "http://[fd77::1]:7777/"}
	if !slices.Equal(r.URLs, wantURLs) {
		t.Fatalf("URLs = %q; want %q", r.URLs, wantURLs)
	}

	watch := start(t, l.B, "watch")
	var found Hub
	watch.Expect("FOUND", &found)

	hubs := browseIn(t, l.B)
	want := Hub{
		Instance:        "The Fenlands. Act I",
		HostName:        "hexcrawl.local",
		Port:            7777,
		Addrs:           addrs("10.77.0.1", "fd77::1"),
		Path:            "/",
		Campaign:        "The Fenlands. Act I \\ \"ü\"",
		ProtocolVersion: 1,
	}
	if len(hubs) != 1 || !sameHub(hubs[0], want) {
		t.Fatalf("browse found %+v; want exactly %+v", hubs, want)
	}
	if !sameHub(found, want) {
		t.Fatalf("watcher found %+v; want %+v", found, want)
	}
	if got := hubs[0].URL(); got != "http://10.77.0.1:7777/" {
		t.Errorf("Hub.URL() = %q; want the IPv4 URL", got)
	}

	// The host name resolves to every address of the link it is asked
	// on, the link-local one too (RFC 6762 §6.2), with the zone of the
	// asker's interface: fe80::… is reachable only as fe80::…%lan0.
	wantHost := []netip.Addr{netip.MustParseAddr("10.77.0.1"), netip.MustParseAddr("fd77::1"), zoned(t, l.A)}
	if got := lookupIn(t, l.B, "lookup", "hexcrawl.local"); !sameAddrs(got, wantHost) {
		t.Errorf("mDNS lookup of hexcrawl.local = %v; want %v", got, wantHost)
	}
	if got := lookupIn(t, l.B, "legacy", "hexcrawl.local", "HX_IFACE=lan0"); !slices.Equal(got, addrs("10.77.0.1")) {
		t.Errorf("one-shot unicast lookup of hexcrawl.local = %v; want [10.77.0.1]", got)
	}

	ad.Stop()
	var lost Hub
	watch.Expect("LOST", &lost)
	if lost.Instance != want.Instance {
		t.Errorf("goodbye for %q; want %q", lost.Instance, want.Instance)
	}
	watch.Stop()
	if hubs := browseIn(t, l.B); len(hubs) != 0 {
		t.Fatalf("after Shutdown browse still finds %+v", hubs)
	}
}

func sameHub(a, b Hub) bool {
	return a.Instance == b.Instance && a.HostName == b.HostName && a.Port == b.Port &&
		slices.Equal(a.Addrs, b.Addrs) && a.Path == b.Path && a.Campaign == b.Campaign &&
		a.ProtocolVersion == b.ProtocolVersion
}

// TestSecondHubTakesNumberedName: a second hub with the same campaign name
// takes hexcrawl-2.local and "<name> (2)"; a browser sees both.
func TestSecondHubTakesNumberedName(t *testing.T) {
	t.Parallel()
	l := netnstest.NewLAN(t)
	first := start(t, l.A, "advertise", "HX_INSTANCE=Fenlands", "HX_PORT=7777")
	var r1 ready
	first.Expect("READY", &r1)
	second := start(t, l.B, "advertise", "HX_INSTANCE=Fenlands", "HX_PORT=8888")
	var r2 ready
	second.Expect("READY", &r2)
	if r1.Host != "hexcrawl.local" || r2.Host != "hexcrawl-2.local" {
		t.Fatalf("hosts = %q, %q; want hexcrawl.local, hexcrawl-2.local", r1.Host, r2.Host)
	}
	if r2.Instance != "Fenlands (2)" {
		t.Errorf("second instance = %q; want %q", r2.Instance, "Fenlands (2)")
	}
	if r2.URLs[0] != "http://hexcrawl-2.local:8888/" {
		t.Errorf("second URLs = %q", r2.URLs)
	}
	hubs := browseIn(t, l.B)
	var got []string
	for _, h := range hubs {
		got = append(got, h.Instance+"@"+h.HostName+"="+h.URL())
	}
	want := []string{"Fenlands (2)@hexcrawl-2.local=http://10.77.0.2:8888/", "Fenlands@hexcrawl.local=http://10.77.0.1:7777/"}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("browse = %q; want %q", got, want)
	}
	// Each name resolves to its own hub only, from either side.
	wantFirst := append(addrs("10.77.0.1", "fd77::1"), zoned(t, l.A))
	wantSecond := append(addrs("10.77.0.2", "fd77::2"), zoned(t, l.B))
	if got := lookupIn(t, l.B, "lookup", "hexcrawl-2.local"); !sameAddrs(got, wantSecond) {
		t.Errorf("hexcrawl-2.local = %v; want %v", got, wantSecond)
	}
	if got := lookupIn(t, l.B, "lookup", "hexcrawl.local"); !sameAddrs(got, wantFirst) {
		t.Errorf("hexcrawl.local = %v; want %v", got, wantFirst)
	}
	second.Stop()
	first.Stop()
}

// TestSimultaneousStartConflict: two hubs that skip the probe (as if both
// started at the same moment) both take hexcrawl.local and the same
// instance; the tie-break moves the one with the higher address.
func TestSimultaneousStartConflict(t *testing.T) {
	t.Parallel()
	l := netnstest.NewLAN(t)
	a := start(t, l.A, "advertise", "HX_INSTANCE=Fenlands", "HX_PROBE_MS=-1")
	b := start(t, l.B, "advertise", "HX_INSTANCE=Fenlands", "HX_PROBE_MS=-1", "HX_PORT=8888")
	var ra, rb ready
	a.Expect("READY", &ra)
	b.Expect("READY", &rb)
	if ra.Host != "hexcrawl.local" || rb.Host != "hexcrawl.local" {
		t.Fatalf("without a probe both should start as hexcrawl.local; got %q, %q", ra.Host, rb.Host)
	}
	b.WaitStderr("renaming")
	b.Send("urls")
	var urls []string
	b.Expect("URLS", &urls)
	if urls[0] != "http://hexcrawl-2.local:8888/" {
		t.Errorf("after the conflict b's URLs = %q; want hexcrawl-2.local first", urls)
	}
	hubs := browseIn(t, l.A)
	var got []string
	for _, h := range hubs {
		got = append(got, h.Instance+"@"+h.HostName+"="+h.URL())
	}
	slices.Sort(got)
	want := []string{"Fenlands (2)@hexcrawl-2.local=http://10.77.0.2:8888/", "Fenlands@hexcrawl.local=http://10.77.0.1:7777/"}
	if !slices.Equal(got, want) {
		t.Fatalf("browse = %q; want %q", got, want)
	}
	if strings.Contains(a.Stderr(), "renaming") {
		t.Errorf("both hubs renamed:\n%s", a.Stderr())
	}
	if got, want := lookupIn(t, l.A, "lookup", "hexcrawl.local"), append(addrs("10.77.0.1", "fd77::1"), zoned(t, l.A)); !sameAddrs(got, want) {
		t.Errorf("after the conflict hexcrawl.local = %v; want only a's %v", got, want)
	}
	a.Stop()
	b.Stop()
}

// TestLateJoinerConflict: a hub already named hexcrawl.local, and a second
// one that comes onto the link later without probing (as after a laptop
// moves to the table's Wi-Fi, or when its probe was lost) and announces the
// same name. The first one has long finished announcing; it defends the
// name, so the newcomer hears of it and renames.
func TestLateJoinerConflict(t *testing.T) {
	t.Parallel()
	a, b := netnstest.New(t, "a"), netnstest.New(t, "b")
	// b's side of the link has no usable address yet: b cannot advertise.
	netnstest.Link(t, a, b, "lan0", "10.77.0.1/24", "", "", "")
	first := start(t, a, "advertise", "HX_INSTANCE=Fenlands")
	var r1 ready
	first.Expect("READY", &r1)
	late := start(t, b, "advertise", "HX_INSTANCE=Marsh", "HX_PROBE_MS=-1", "HX_POLL_MS=200", "HX_PORT=8888")
	late.Expect("READY", nil)
	late.WaitStderr("no LAN interface yet")
	// Not an assertion: zeroconf's announcements end 3.5 s after it
	// registers at the latest (two probes up to 250 ms apart, then
	// announcements 1 s and 2 s apart). Only after that does the newcomer
	// depend on the first hub defending its name; earlier it would hear an
	// announcement and rename anyway, and the test would pass on that.
	time.Sleep(4 * time.Second)
	netnstest.Run(t, "ip", "-n", b, "addr", "add", "10.77.0.2/24", "dev", "lan0")
	late.WaitStderr("renaming")
	late.Send("urls")
	var urls []string
	late.Expect("URLS", &urls)
	if len(urls) == 0 || urls[0] != "http://hexcrawl-2.local:8888/" {
		t.Errorf("late hub's URLs = %q; want hexcrawl-2.local first", urls)
	}
	if got, want := lookupIn(t, b, "lookup", "hexcrawl.local"), append(addrs("10.77.0.1"), zoned(t, a)); !sameAddrs(got, want) {
		t.Errorf("hexcrawl.local = %v; want only the first hub's %v", got, want)
	}
	if got, want := lookupIn(t, a, "lookup", "hexcrawl-2.local"), append(addrs("10.77.0.2"), zoned(t, b)); !sameAddrs(got, want) {
		t.Errorf("hexcrawl-2.local = %v; want the late hub's %v", got, want)
	}
	if strings.Contains(first.Stderr(), "renaming") {
		t.Errorf("the first hub renamed too:\n%s", first.Stderr())
	}
	late.Stop()
	first.Stop()
}

// TestSetName: the DM renames the campaign (or plays another): the hub
// withdraws the old instance name and advertises the new one under the
// same host name; a name another hub has gets "(2)".
func TestSetName(t *testing.T) {
	t.Parallel()
	l := netnstest.NewLAN(t)
	other := start(t, l.B, "advertise", "HX_INSTANCE=Marsh", "HX_PORT=8888")
	other.Expect("READY", nil)
	ad := start(t, l.A, "advertise", "HX_INSTANCE=Fenlands", "HX_CAMPAIGN=Fenlands")
	var r ready
	ad.Expect("READY", &r)
	if r.Host != "hexcrawl-2.local" || r.Instance != "Fenlands" {
		t.Fatalf("advertised %+v; want hexcrawl-2.local as Fenlands", r)
	}
	watch := start(t, l.B, "watch")
	seen := map[string]bool{}
	for len(seen) < 2 {
		var h Hub
		watch.Expect("FOUND", &h)
		seen[h.Instance] = true
	}

	ad.Send("name Marsh|The Marsh")
	var lost, found Hub
	watch.Expect("LOST", &lost)
	watch.Expect("FOUND", &found)
	if lost.Instance != "Fenlands" {
		t.Errorf("withdrawn %q; want Fenlands", lost.Instance)
	}
	if found.Instance != "Marsh (2)" || found.Campaign != "The Marsh" || found.HostName != "hexcrawl-2.local" || found.Port != 7777 {
		t.Errorf("renamed hub = %+v; want Marsh (2), campaign The Marsh, on hexcrawl-2.local:7777", found)
	}
	ad.WaitStderr("mDNS: now advertising as")
	var got []string
	for _, h := range browseIn(t, l.B) {
		got = append(got, h.Instance+"="+h.Campaign)
	}
	if want := []string{"Marsh=", "Marsh (2)=The Marsh"}; !slices.Equal(got, want) {
		t.Errorf("browse after rename = %q; want %q", got, want)
	}
	watch.Stop()
	ad.Stop()
	other.Stop()
}

// TestIPv6OnlyLAN: on a link without IPv4 the hub is advertised and found
// over IPv6 alone, and its URLs bracket the address.
func TestIPv6OnlyLAN(t *testing.T) {
	t.Parallel()
	a, b := netnstest.New(t, "a"), netnstest.New(t, "b")
	netnstest.Link(t, a, b, "lan0", "", "", "fd77::1/64", "fd77::2/64")
	ad := start(t, a, "advertise", "HX_INSTANCE=Fenlands")
	var r ready
	ad.Expect("READY", &r)
	if want := []string{"http://hexcrawl.local:7777/", "http://[fd77::1]:7777/"}; !slices.Equal(r.URLs, want) {
		t.Fatalf("URLs = %q; want %q", r.URLs, want)
	}
	hubs := browseIn(t, b)
	if len(hubs) != 1 || hubs[0].URL() != "http://[fd77::1]:7777/" || !slices.Equal(hubs[0].Addrs, addrs("fd77::1")) {
		t.Fatalf("browse = %+v", hubs)
	}
	if got, want := lookupIn(t, b, "lookup", "hexcrawl.local"), append(addrs("fd77::1"), zoned(t, a)); !sameAddrs(got, want) {
		t.Errorf("hexcrawl.local = %v; want %v", got, want)
	}
	// Asked for an IPv4 address it does not have, the hub says so at
	// once (NSEC: only AAAA exists) instead of leaving the asker to wait.
	p := start(t, b, "negative", "HX_HOST=hexcrawl.local", "HX_QTYPE=1")
	var types []string
	p.Expect("NSEC", &types)
	p.Wait()
	if !slices.Equal(types, []string{"AAAA"}) {
		t.Errorf("NSEC for hexcrawl.local lists %q; want [AAAA]", types)
	}
	ad.Stop()
}

// TestInterfaceChanges: an address that appears is advertised, an interface
// that disappears is dropped and said plainly in the log, and the hub keeps
// running and withdraws cleanly.
func TestInterfaceChanges(t *testing.T) {
	t.Parallel()
	l := netnstest.NewLAN(t)
	netnstest.Link(t, l.A, l.B, "lan1", "10.78.0.1/24", "10.78.0.2/24", "", "")
	ad := start(t, l.A, "advertise", "HX_INSTANCE=Fenlands", "HX_POLL_MS=200")
	var r ready
	ad.Expect("READY", &r)
	for _, u := range []string{"http://10.77.0.1:7777/", "http://10.78.0.1:7777/"} {
		if !slices.Contains(r.URLs, u) {
			t.Fatalf("URLs %q lack %s", r.URLs, u)
		}
	}

	netnstest.Run(t, "ip", "-n", l.A, "addr", "add", "10.77.0.11/24", "dev", "lan0")
	ad.WaitStderr("re-advertised")
	if !strings.Contains(ad.Stderr(), `msg="mDNS: addresses changed" component=mdns iface=lan0 added=[10.77.0.11]`) {
		t.Errorf("log does not say which address was added:\n%s", ad.Stderr())
	}
	if got := lookupIn(t, l.B, "lookup", "hexcrawl.local"); !slices.Contains(got, netip.MustParseAddr("10.77.0.11")) {
		t.Errorf("after adding 10.77.0.11, hexcrawl.local = %v", got)
	}

	// Wi-Fi dropping: the link goes down, then comes back.
	netnstest.Run(t, "ip", "-n", l.A, "link", "set", "lan1", "down")
	ad.WaitStderr(`msg="mDNS: interface gone or no longer usable" component=mdns iface=lan1`)
	if got := lookupIn(t, l.B, "lookup", "hexcrawl.local"); slices.Contains(got, netip.MustParseAddr("10.78.0.1")) {
		t.Errorf("with lan1 down, hexcrawl.local = %v still has 10.78.0.1", got)
	}
	netnstest.Run(t, "ip", "-n", l.A, "link", "set", "lan1", "up")
	ad.WaitStderr(`msg="mDNS: interface added" component=mdns iface=lan1`)
	ad.Send("urls")
	var back []string
	ad.Expect("URLS", &back)
	if !slices.Contains(back, "http://10.78.0.1:7777/") {
		t.Errorf("after lan1 came back, URLs = %q", back)
	}

	// A USB adapter unplugged: the interface goes away.
	netnstest.Run(t, "ip", "-n", l.A, "link", "del", "lan1")
	ad.WaitStderrN(`msg="mDNS: interface gone or no longer usable" component=mdns iface=lan1`, 2)
	ad.Send("urls")
	var urls []string
	ad.Expect("URLS", &urls)
	want := []string{"http://hexcrawl.local:7777/", "http://10.77.0.1:7777/", "http://10.77.0.11:7777/", "http://[fd77::1]:7777/"}
	if !slices.Equal(urls, want) {
		t.Errorf("URLs after lan1 went away = %q; want %q", urls, want)
	}
	hubs := browseIn(t, l.B)
	if len(hubs) != 1 || slices.Contains(hubs[0].Addrs, netip.MustParseAddr("10.78.0.1")) {
		t.Errorf("browse after lan1 went away = %+v", hubs)
	}
	ad.Stop()
}

// TestAdvertiseBeforeLANIsUp: started with only loopback, the hub says so,
// keeps running, and advertises as soon as a LAN interface comes up.
func TestAdvertiseBeforeLANIsUp(t *testing.T) {
	t.Parallel()
	a, b := netnstest.New(t, "a"), netnstest.New(t, "b")
	ad := start(t, a, "advertise", "HX_INSTANCE=Fenlands", "HX_POLL_MS=200")
	var r ready
	ad.Expect("READY", &r)
	if r.Host != "hexcrawl.local" || len(r.URLs) != 0 {
		t.Fatalf("with no LAN: %+v; want host hexcrawl.local and no URLs yet", r)
	}
	// stderr and stdout are separate pipes: READY may be read first.
	ad.WaitStderr("no LAN interface yet")
	if !strings.Contains(ad.Stderr(), "lo: loopback") {
		t.Errorf("log does not say why nothing is advertised:\n%s", ad.Stderr())
	}
	netnstest.Link(t, a, b, "lan0", "10.77.0.1/24", "10.77.0.2/24", "", "")
	ad.WaitStderr("mDNS: re-advertised")
	hubs := browseIn(t, b)
	if len(hubs) != 1 || hubs[0].URL() != "http://10.77.0.1:7777/" || hubs[0].HostName != "hexcrawl.local" {
		t.Fatalf("browse after the LAN came up = %+v", hubs)
	}
	ad.Send("urls")
	var urls []string
	ad.Expect("URLS", &urls)
	if !slices.Equal(urls, []string{"http://hexcrawl.local:7777/", "http://10.77.0.1:7777/"}) {
		t.Errorf("URLs = %q", urls)
	}
	ad.Stop()
}

// TestInterfaceFlag: an interface named like a container bridge is skipped
// by default, with the reason in the log; naming it (--mdns-iface) makes the
// hub advertise there and only there.
func TestInterfaceFlag(t *testing.T) {
	t.Parallel()
	l := netnstest.NewLAN(t)
	// One link that A calls br-lan (a bridge's name) and B calls lan1.
	netnstest.Run(t, "ip", "-n", l.A, "link", "add", "br-lan", "type", "veth", "peer", "name", "lan1", "netns", l.B)
	netnstest.Run(t, "ip", "-n", l.A, "addr", "add", "10.78.0.1/24", "dev", "br-lan")
	netnstest.Run(t, "ip", "-n", l.B, "addr", "add", "10.78.0.2/24", "dev", "lan1")
	netnstest.Run(t, "ip", "-n", l.A, "link", "set", "br-lan", "multicast", "on", "up")
	netnstest.Run(t, "ip", "-n", l.B, "link", "set", "lan1", "multicast", "on", "up")
	netnstest.WaitUp(t, l.A, "br-lan")
	netnstest.WaitUp(t, l.B, "lan1")

	def := start(t, l.A, "advertise", "HX_INSTANCE=Fenlands")
	var r ready
	def.Expect("READY", &r)
	if want := []string{"http://hexcrawl.local:7777/", "http://10.77.0.1:7777/", "http://[fd77::1]:7777/"}; !slices.Equal(r.URLs, want) {
		t.Errorf("by default URLs = %q; want %q", r.URLs, want)
	}
	def.WaitStderr(`msg="mDNS: not using interface" component=mdns iface=br-lan reason="container bridge; name it in --mdns-iface to use it"`)
	def.Stop()

	forced := start(t, l.A, "advertise", "HX_INSTANCE=Fenlands", "HX_IFACES=br-lan")
	forced.Expect("READY", &r)
	if want := []string{"http://hexcrawl.local:7777/", "http://10.78.0.1:7777/"}; !slices.Equal(r.URLs, want) {
		t.Errorf("with br-lan named, URLs = %q; want %q", r.URLs, want)
	}
	hubs := browseIn(t, l.B)
	if len(hubs) != 1 || !slices.Equal(hubs[0].Addrs, addrs("10.78.0.1")) {
		t.Errorf("browse = %+v; want the hub at 10.78.0.1 only", hubs)
	}
	want := append(addrs("10.78.0.1"), netnstest.LinkLocal(t, l.A, "br-lan").WithZone("lan1"))
	if got := lookupIn(t, l.B, "lookup", "hexcrawl.local"); !sameAddrs(got, want) {
		t.Errorf("hexcrawl.local = %v; want %v (answered on that link only)", got, want)
	}
	forced.Stop()
}
