package discovery

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/hexcrawl/hexcrawl/hub/discovery/netnstest"
)

func addrs(ss ...string) []netip.Addr {
	out := make([]netip.Addr, 0, len(ss))
	for _, s := range ss {
		out = append(out, netip.MustParseAddr(s))
	}
	return out
}

// TestAdvertiseBrowseShutdown: a hub advertised in namespace a is found from
// namespace b with the right TXT, host and addresses; its .local name
// resolves (mDNS and one-shot unicast); after Shutdown a watcher sees the
// goodbye and a fresh browse finds nothing.
func TestAdvertiseBrowseShutdown(t *testing.T) {
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

	if got := lookupIn(t, l.B, "lookup", "hexcrawl.local"); !slices.Contains(got, netip.MustParseAddr("10.77.0.1")) {
		t.Errorf("mDNS lookup of hexcrawl.local = %v; want 10.77.0.1 among them", got)
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
	if got := lookupIn(t, l.B, "lookup", "hexcrawl-2.local"); !slices.Equal(got, addrs("10.77.0.2", "fd77::2")) {
		t.Errorf("hexcrawl-2.local = %v; want 10.77.0.2 fd77::2", got)
	}
	second.Stop()
	first.Stop()
}

// TestSimultaneousStartConflict: two hubs that skip the probe (as if both
// started at the same moment) both take hexcrawl.local and the same
// instance; the tie-break moves the one with the higher address.
func TestSimultaneousStartConflict(t *testing.T) {
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
	a.Stop()
	b.Stop()
}

// TestIPv6OnlyLAN: on a link without IPv4 the hub is advertised and found
// over IPv6 alone, and its URLs bracket the address.
func TestIPv6OnlyLAN(t *testing.T) {
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
	if got := lookupIn(t, b, "lookup", "hexcrawl.local"); !slices.Equal(got, addrs("fd77::1")) {
		t.Errorf("hexcrawl.local = %v; want [fd77::1]", got)
	}
	ad.Stop()
}

// TestInterfaceChanges: an address that appears is advertised, an interface
// that disappears is dropped and said plainly in the log, and the hub keeps
// running and withdraws cleanly.
func TestInterfaceChanges(t *testing.T) {
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

	netnstest.Run(t, "ip", "-n", l.A, "link", "del", "lan1")
	ad.WaitStderr("interface gone or no longer usable")
	if !strings.Contains(ad.Stderr(), "iface=lan1") {
		t.Errorf("log does not name lan1:\n%s", ad.Stderr())
	}
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
	a, b := netnstest.New(t, "a"), netnstest.New(t, "b")
	ad := start(t, a, "advertise", "HX_INSTANCE=Fenlands", "HX_POLL_MS=200")
	var r ready
	ad.Expect("READY", &r)
	if r.Host != "hexcrawl.local" || len(r.URLs) != 0 {
		t.Fatalf("with no LAN: %+v; want host hexcrawl.local and no URLs yet", r)
	}
	if !strings.Contains(ad.Stderr(), "no LAN interface yet") || !strings.Contains(ad.Stderr(), "lo: loopback") {
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
