package discovery

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
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
	l := newLAN(t)
	ad := start(t, l.a, "advertise", "HX_INSTANCE=The Fenlands. Act I", "HX_CAMPAIGN=The Fenlands. Act I \\ \"ü\"", "HX_PORT=7777")
	var r ready
	ad.expect("READY", &r)
	if r.Host != "hexcrawl.local" || r.Instance != "The Fenlands. Act I" {
		t.Fatalf("advertised %+v; want host hexcrawl.local, instance %q", r, "The Fenlands. Act I")
	}
	wantURLs := []string{"http://hexcrawl.local:7777/", "http://10.77.0.1:7777/", "http://[fd77::1]:7777/"}
	if !slices.Equal(r.URLs, wantURLs) {
		t.Fatalf("URLs = %q; want %q", r.URLs, wantURLs)
	}

	watch := start(t, l.b, "watch")
	var found Hub
	watch.expect("FOUND", &found)

	hubs := browseIn(t, l.b)
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

	if got := lookupIn(t, l.b, "lookup", "hexcrawl.local"); !slices.Contains(got, netip.MustParseAddr("10.77.0.1")) {
		t.Errorf("mDNS lookup of hexcrawl.local = %v; want 10.77.0.1 among them", got)
	}
	if got := lookupIn(t, l.b, "legacy", "hexcrawl.local", "HX_IFACE=lan0"); !slices.Equal(got, addrs("10.77.0.1")) {
		t.Errorf("one-shot unicast lookup of hexcrawl.local = %v; want [10.77.0.1]", got)
	}

	ad.stop()
	var lost Hub
	watch.expect("LOST", &lost)
	if lost.Instance != want.Instance {
		t.Errorf("goodbye for %q; want %q", lost.Instance, want.Instance)
	}
	watch.stop()
	if hubs := browseIn(t, l.b); len(hubs) != 0 {
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
	l := newLAN(t)
	first := start(t, l.a, "advertise", "HX_INSTANCE=Fenlands", "HX_PORT=7777")
	var r1 ready
	first.expect("READY", &r1)
	second := start(t, l.b, "advertise", "HX_INSTANCE=Fenlands", "HX_PORT=8888")
	var r2 ready
	second.expect("READY", &r2)
	if r1.Host != "hexcrawl.local" || r2.Host != "hexcrawl-2.local" {
		t.Fatalf("hosts = %q, %q; want hexcrawl.local, hexcrawl-2.local", r1.Host, r2.Host)
	}
	if r2.Instance != "Fenlands (2)" {
		t.Errorf("second instance = %q; want %q", r2.Instance, "Fenlands (2)")
	}
	if r2.URLs[0] != "http://hexcrawl-2.local:8888/" {
		t.Errorf("second URLs = %q", r2.URLs)
	}
	hubs := browseIn(t, l.b)
	var got []string
	for _, h := range hubs {
		got = append(got, h.Instance+"@"+h.HostName+"="+h.URL())
	}
	want := []string{"Fenlands (2)@hexcrawl-2.local=http://10.77.0.2:8888/", "Fenlands@hexcrawl.local=http://10.77.0.1:7777/"}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("browse = %q; want %q", got, want)
	}
	if got := lookupIn(t, l.b, "lookup", "hexcrawl-2.local"); !slices.Equal(got, addrs("10.77.0.2", "fd77::2")) {
		t.Errorf("hexcrawl-2.local = %v; want 10.77.0.2 fd77::2", got)
	}
	second.stop()
	first.stop()
}

// TestInterfaceChanges: an address that appears is advertised, an interface
// that disappears is dropped and said plainly in the log, and the hub keeps
// running and withdraws cleanly.
func TestInterfaceChanges(t *testing.T) {
	l := newLAN(t)
	link(t, l.a, l.b, "lan1", "10.78.0.1/24", "10.78.0.2/24", "", "")
	ad := start(t, l.a, "advertise", "HX_INSTANCE=Fenlands", "HX_POLL_MS=200")
	var r ready
	ad.expect("READY", &r)
	for _, u := range []string{"http://10.77.0.1:7777/", "http://10.78.0.1:7777/"} {
		if !slices.Contains(r.URLs, u) {
			t.Fatalf("URLs %q lack %s", r.URLs, u)
		}
	}

	run(t, "ip", "-n", l.a, "addr", "add", "10.77.0.11/24", "dev", "lan0")
	ad.waitStderr("re-advertised")
	if !strings.Contains(ad.stderr.String(), `msg="mDNS: addresses changed" component=mdns iface=lan0 added=[10.77.0.11]`) {
		t.Errorf("log does not say which address was added:\n%s", ad.stderr.String())
	}
	if got := lookupIn(t, l.b, "lookup", "hexcrawl.local"); !slices.Contains(got, netip.MustParseAddr("10.77.0.11")) {
		t.Errorf("after adding 10.77.0.11, hexcrawl.local = %v", got)
	}

	run(t, "ip", "-n", l.a, "link", "del", "lan1")
	ad.waitStderr("interface gone or no longer usable")
	if !strings.Contains(ad.stderr.String(), "iface=lan1") {
		t.Errorf("log does not name lan1:\n%s", ad.stderr.String())
	}
	if _, err := ad.stdin.Write([]byte("urls\n")); err != nil {
		t.Fatal(err)
	}
	var urls []string
	ad.expect("URLS", &urls)
	want := []string{"http://hexcrawl.local:7777/", "http://10.77.0.1:7777/", "http://10.77.0.11:7777/", "http://[fd77::1]:7777/"}
	if !slices.Equal(urls, want) {
		t.Errorf("URLs after lan1 went away = %q; want %q", urls, want)
	}
	hubs := browseIn(t, l.b)
	if len(hubs) != 1 || slices.Contains(hubs[0].Addrs, netip.MustParseAddr("10.78.0.1")) {
		t.Errorf("browse after lan1 went away = %+v", hubs)
	}
	ad.stop()
}

// TestAdvertiseWithoutLAN: with only loopback there is nothing to advertise
// on, and the error says why.
func TestAdvertiseWithoutLAN(t *testing.T) {
	ns := newNS(t, "lo")
	p := start(t, ns, "advertise")
	select {
	case l := <-p.lines:
		if !strings.HasPrefix(l, "ERROR") || !strings.Contains(l, "no LAN interface") || !strings.Contains(l, "lo: loopback") {
			t.Fatalf("got %q; want an error naming the skipped loopback", l)
		}
	case <-p.exited:
		t.Fatal("exited without output")
	}
}
