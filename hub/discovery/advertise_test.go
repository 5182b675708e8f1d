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

// TestAdvertiseWithoutLAN: with only loopback there is nothing to advertise
// on, and the error says why.
func TestAdvertiseWithoutLAN(t *testing.T) {
	ns := netnstest.New(t, "lo")
	p := start(t, ns, "advertise")
	if err := p.Exit(); err == nil {
		t.Fatal("advertise with only loopback exited 0")
	}
	out := strings.Join(p.Lines(), "\n")
	if !strings.HasPrefix(out, "ERROR") || !strings.Contains(out, "no LAN interface") || !strings.Contains(out, "lo: loopback") {
		t.Fatalf("got %q; want an error naming the skipped loopback", out)
	}
}
