package discovery

import (
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

const lanFlags = net.FlagUp | net.FlagRunning | net.FlagMulticast | net.FlagBroadcast

func TestSelectInterfaces(t *testing.T) {
	all := []InterfaceInfo{
		{Name: "lo", Index: 1, Flags: net.FlagUp | net.FlagRunning | net.FlagLoopback | net.FlagMulticast, Addrs: addrs("127.0.0.1", "::1")},
		{Name: "eth0", Index: 2, Flags: lanFlags, Addrs: addrs("192.168.1.20", "fe80::1", "2001:db8::20")},
		{Name: "wlan0", Index: 3, Flags: lanFlags, Addrs: addrs("10.0.0.5")},
		{Name: "docker0", Index: 4, Flags: lanFlags, Addrs: addrs("172.17.0.1")},
		{Name: "br-3f2a", Index: 5, Flags: lanFlags, Addrs: addrs("172.18.0.1")},
		{Name: "veth12ab", Index: 6, Flags: lanFlags, Addrs: addrs("fe80::2")},
		{Name: "tailscale0", Index: 7, Flags: net.FlagUp | net.FlagRunning | net.FlagMulticast | net.FlagPointToPoint, Addrs: addrs("100.64.0.3")},
		{Name: "wg0", Index: 8, Flags: net.FlagUp | net.FlagRunning | net.FlagMulticast, Addrs: addrs("10.9.0.2")},
		{Name: "eth1", Index: 9, Flags: net.FlagMulticast | net.FlagBroadcast, Addrs: addrs("192.168.2.1")},
		{Name: "eth2", Index: 10, Flags: net.FlagUp | net.FlagMulticast | net.FlagBroadcast, Addrs: addrs("192.168.3.1")},
		{Name: "eth3", Index: 11, Flags: net.FlagUp | net.FlagRunning | net.FlagBroadcast, Addrs: addrs("192.168.4.1")},
		{Name: "eth4", Index: 12, Flags: lanFlags, Addrs: addrs("fe80::4")},
		{Name: "eth5", Index: 13, Flags: lanFlags},
		{Name: "ppp0", Index: 14, Flags: net.FlagUp | net.FlagRunning | net.FlagMulticast | net.FlagPointToPoint, Addrs: addrs("10.64.0.9")},
		{Name: "enp0s31f6", Index: 15, Flags: lanFlags, Addrs: addrs("::ffff:192.168.5.5")},
		{Name: "uplink", Index: 16, Flags: net.FlagUp | net.FlagRunning | net.FlagMulticast | net.FlagPointToPoint, Addrs: addrs("10.65.0.1")},
	}
	tests := []struct {
		name        string
		include     []string
		wantChosen  []string
		wantAddrs   map[string][]netip.Addr
		wantSkipped map[string]string // name -> substring of the reason
	}{
		{
			name:       "defaults pick physical LAN interfaces only",
			wantChosen: []string{"eth0", "wlan0", "enp0s31f6"},
			wantAddrs: map[string][]netip.Addr{
				"eth0":      addrs("192.168.1.20", "2001:db8::20"), // link-local dropped
				"enp0s31f6": addrs("192.168.5.5"),                  // v4-mapped unmapped
			},
			wantSkipped: map[string]string{
				"lo":         "loopback",
				"docker0":    "container bridge",
				"br-3f2a":    "container bridge",
				"veth12ab":   "container link",
				"tailscale0": "Tailscale",
				"wg0":        "WireGuard",
				"eth1":       "down",
				"eth2":       "no link",
				"eth3":       "cannot multicast",
				"eth4":       "only IPv6 link-local",
				"eth5":       "no IP address",
				"ppp0":       "point-to-point",
				"uplink":     "point-to-point link (usually a VPN)",
			},
		},
		{
			name:       "include forces a bridge and a tunnel and excludes the rest",
			include:    []string{"docker0", "wg0", " "},
			wantChosen: []string{"docker0", "wg0"},
			wantSkipped: map[string]string{
				"eth0":  "not listed in --mdns-iface",
				"wlan0": "not listed in --mdns-iface",
				"lo":    "not listed",
			},
		},
		{
			name:       "include cannot force what cannot work",
			include:    []string{"lo", "eth1", "eth3", "eth4", "eth0", "wlan9"},
			wantChosen: []string{"eth0"},
			wantSkipped: map[string]string{
				"lo":    "loopback",
				"eth1":  "down",
				"eth3":  "cannot multicast",
				"eth4":  "link-local",
				"wlan9": "no such interface",
			},
		},
		{
			name:       "include of an unknown name only",
			include:    []string{"wlan9"},
			wantChosen: nil,
			wantSkipped: map[string]string{
				"wlan9": "no such interface (named in --mdns-iface)",
				"eth0":  "not listed",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chosen, skipped := SelectInterfaces(all, tt.include)
			var names []string
			for _, c := range chosen {
				names = append(names, c.Name)
				if want, ok := tt.wantAddrs[c.Name]; ok && !slices.Equal(c.Addrs, want) {
					t.Errorf("%s addrs = %v; want %v", c.Name, c.Addrs, want)
				}
			}
			if !slices.Equal(names, tt.wantChosen) {
				t.Errorf("chosen = %q; want %q", names, tt.wantChosen)
			}
			reasons := map[string]string{}
			for _, s := range skipped {
				if _, dup := reasons[s.Name]; dup {
					t.Errorf("%s skipped twice", s.Name)
				}
				reasons[s.Name] = s.Reason
			}
			for n, want := range tt.wantSkipped {
				if !strings.Contains(reasons[n], want) {
					t.Errorf("%s skipped for %q; want a reason containing %q", n, reasons[n], want)
				}
			}
			if len(chosen)+len(skipped) < len(all) {
				t.Errorf("%d chosen + %d skipped < %d interfaces: some vanished from the log", len(chosen), len(skipped), len(all))
			}
		})
	}
}

func TestUsableAddr(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"192.168.1.2", true},
		{"169.254.3.4", true},
		{"127.0.0.1", false},
		{"0.0.0.0", false},
		{"224.0.0.251", false},
		{"2001:db8::1", true},
		{"fd12::1", true},
		{"fe80::1", false},
		{"::1", false},
		{"::", false},
		{"::ffff:10.0.0.1", true},
	}
	for _, tt := range tests {
		if got := UsableAddr(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("UsableAddr(%s) = %v; want %v", tt.addr, got, tt.want)
		}
	}
}

func TestNames(t *testing.T) {
	t.Run("hostLabel", func(t *testing.T) {
		for in, want := range map[string]string{
			"":                      "hexcrawl",
			"Hexcrawl":              "hexcrawl",
			"hexcrawl.local.":       "hexcrawl",
			"Dungeon Night!":        "dungeon-night",
			"---":                   "hexcrawl",
			"gm_table.local":        "gm-table",
			strings.Repeat("a", 80): strings.Repeat("a", 59),
		} {
			if got := hostLabel(in); got != want {
				t.Errorf("hostLabel(%q) = %q; want %q", in, got, want)
			}
		}
	})
	t.Run("instanceLabel", func(t *testing.T) {
		long := strings.Repeat("é", 40) // 80 bytes
		for in, want := range map[string]string{
			"":                 "Hexcrawl",
			"  The\tFenlands ": "The Fenlands",
			"a\x00b":           "a b",
			long:               strings.Repeat("é", 31), // 62 bytes: the 32nd would split at 63
		} {
			if got := instanceLabel(in); got != want {
				t.Errorf("instanceLabel(%q) = %q; want %q", in, got, want)
			}
		}
	})
	t.Run("chooseNames", func(t *testing.T) {
		tests := []struct {
			hosts, insts       []string
			wantHost, wantInst string
		}{
			{nil, nil, "hexcrawl", "Fenlands"},
			{[]string{"hexcrawl"}, []string{"fenlands"}, "hexcrawl-2", "Fenlands (2)"},
			{[]string{"hexcrawl", "hexcrawl-2", "hexcrawl-3"}, []string{"fenlands", "fenlands (2)"}, "hexcrawl-4", "Fenlands (3)"},
			{[]string{"hexcrawl-2"}, []string{"other"}, "hexcrawl", "Fenlands"},
		}
		for _, tt := range tests {
			set := func(l []string) map[string]bool {
				m := map[string]bool{}
				for _, s := range l {
					m[s] = true
				}
				return m
			}
			h, i := chooseNames("hexcrawl", "Fenlands", set(tt.hosts), set(tt.insts))
			if h != tt.wantHost || i != tt.wantInst {
				t.Errorf("chooseNames(taken %v, %v) = %q, %q; want %q, %q", tt.hosts, tt.insts, h, i, tt.wantHost, tt.wantInst)
			}
		}
	})
	t.Run("nextInstance", func(t *testing.T) {
		for in, want := range map[string]string{
			"Fenlands": "Fenlands (2)", "Fenlands (2)": "Fenlands (3)", "Fenlands (9)": "Fenlands (10)",
			"Act (1)": "Act (1) (2)", "(2)": "(2) (2)", strings.Repeat("x", 63): strings.Repeat("x", 59) + " (2)",
		} {
			if got := nextInstance(in); got != want {
				t.Errorf("nextInstance(%q) = %q; want %q", in, got, want)
			}
		}
	})
	t.Run("splitNumbered", func(t *testing.T) {
		for in, want := range map[string]struct {
			base string
			n    int
		}{
			"hexcrawl": {"hexcrawl", 1}, "hexcrawl-2": {"hexcrawl", 2}, "hexcrawl-12": {"hexcrawl", 12},
			"my-hub": {"my-hub", 1}, "hub-1": {"hub-1", 1}, "hub-02": {"hub-02", 1},
		} {
			if b, n := splitNumbered(in); b != want.base || n != want.n {
				t.Errorf("splitNumbered(%q) = %q, %d; want %q, %d", in, b, n, want.base, want.n)
			}
		}
	})
}

// TestWireRoundTrip packs names and TXT the way zeroconf does and reads them
// back the way Browse does: dots, spaces, quotes, backslashes and UTF-8 in
// a campaign name must survive.
func TestWireRoundTrip(t *testing.T) {
	for _, label := range []string{"The Fenlands", "St. Mary's \"Keep\"", `back\slash`, "Müllerhöhle ☠", "a.b.c"} {
		name := instanceName(label)
		msg := new(dns.Msg)
		msg.Response = true
		msg.Answer = []dns.RR{
			&dns.PTR{Hdr: dns.RR_Header{Name: serviceName, Rrtype: dns.TypePTR, Class: dns.ClassINET, Ttl: 120}, Ptr: name},
			&dns.SRV{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeSRV, Class: dns.ClassINET, Ttl: 120}, Port: 7777, Target: "hexcrawl.local."},
			&dns.TXT{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 120}, Txt: txtRecords(1, "/", label)},
			&dns.A{Hdr: dns.RR_Header{Name: "hexcrawl.local.", Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 120}, A: net.IPv4(10, 0, 0, 1)},
		}
		buf, err := msg.Pack()
		if err != nil {
			t.Fatalf("%q: pack: %v", label, err)
		}
		var in dns.Msg
		if err := in.Unpack(buf); err != nil {
			t.Fatalf("%q: unpack: %v", label, err)
		}
		// zeroconf answers a question only if its name equals the name it
		// was given: the unpacked form must equal what we give it.
		if got := in.Answer[1].Header().Name; got != name {
			t.Errorf("%q: unpacked instance name %q != registered %q", label, got, name)
		}
		c := newCollector(nil, nil)
		c.add(&in, netip.Addr{}, "")
		hubs := c.hubs()
		if len(hubs) != 1 {
			t.Fatalf("%q: %d hubs", label, len(hubs))
		}
		h := hubs[0]
		if h.Instance != label || h.Campaign != label || h.ProtocolVersion != 1 || h.Path != "/" || h.HostName != "hexcrawl.local" {
			t.Errorf("%q: read back %+v", label, h)
		}
	}
}

func TestTXTLimits(t *testing.T) {
	txt := txtRecords(1, "/", strings.Repeat("ü", 200)) // 400 bytes
	for _, s := range txt {
		if n := len(unescapeTXT(s)); n > maxTXT {
			t.Errorf("TXT string of %d bytes", n)
		}
	}
	kv := parseTXT([]string{"Protocol=2", "protocol=3", "path=/x", "flag", "=novalue"})
	if kv["protocol"] != "2" || kv["path"] != "/x" || kv["flag"] != "" || len(kv) != 3 {
		t.Errorf("parseTXT = %v", kv)
	}
}

func TestCollectorGoodbyeAndLateAddresses(t *testing.T) {
	name := instanceName("Fenlands")
	var found, lost []string
	c := newCollector(func(h Hub) { found = append(found, h.Instance) }, func(h Hub) { lost = append(lost, h.Instance) })
	resp := func(rrs ...dns.RR) *dns.Msg { return &dns.Msg{MsgHdr: dns.MsgHdr{Response: true}, Answer: rrs} }
	ptr := func(ttl uint32) dns.RR {
		return &dns.PTR{Hdr: dns.RR_Header{Name: serviceName, Rrtype: dns.TypePTR, Class: dns.ClassINET, Ttl: ttl}, Ptr: name}
	}
	srv := &dns.SRV{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeSRV, Class: dns.ClassINET, Ttl: 120}, Port: 7777, Target: "hexcrawl.local."}
	a := func(ip string, ttl uint32) dns.RR {
		return &dns.A{Hdr: dns.RR_Header{Name: "HEXCRAWL.local.", Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: ttl}, A: net.ParseIP(ip)}
	}

	c.add(resp(ptr(4500), srv), netip.Addr{}, "")
	if len(found) != 0 {
		t.Fatalf("found %v before any address", found)
	}
	if q := c.missing(); len(q) != 2 || q[0].Name != "hexcrawl.local." || q[0].Qtype != dns.TypeA {
		t.Fatalf("missing() = %v; want A/AAAA for hexcrawl.local.", q)
	}
	c.add(resp(a("10.0.0.1", 120), a("10.0.0.2", 120)), netip.Addr{}, "")
	if !slices.Equal(found, []string{"Fenlands"}) {
		t.Fatalf("found = %v", found)
	}
	c.add(resp(a("10.0.0.2", 0)), netip.Addr{}, "")
	if h := c.hubs(); len(h) != 1 || !slices.Equal(h[0].Addrs, addrs("10.0.0.1")) {
		t.Fatalf("after address goodbye: %+v", h)
	}
	c.add(resp(ptr(0)), netip.Addr{}, "")
	if len(c.hubs()) != 0 || !slices.Equal(lost, []string{"Fenlands"}) {
		t.Fatalf("after goodbye: hubs %+v, lost %v", c.hubs(), lost)
	}
	hosts, _ := c.takenNames()
	if !hosts["hexcrawl"] {
		t.Errorf("takenNames lost the host that still answers: %v", hosts)
	}
}

// TestCollectorPrefersAnsweringAddress: a hub on two networks lists both
// addresses; the one its answer came from is the one this side can reach.
func TestCollectorPrefersAnsweringAddress(t *testing.T) {
	name := instanceName("Fenlands")
	msg := &dns.Msg{MsgHdr: dns.MsgHdr{Response: true}, Answer: []dns.RR{
		&dns.SRV{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeSRV, Class: dns.ClassINET, Ttl: 120}, Port: 7777, Target: "hexcrawl.local."},
		&dns.A{Hdr: dns.RR_Header{Name: "hexcrawl.local.", Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 120}, A: net.ParseIP("10.0.0.5")},
		&dns.A{Hdr: dns.RR_Header{Name: "hexcrawl.local.", Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 120}, A: net.ParseIP("192.168.1.20")},
		&dns.AAAA{Hdr: dns.RR_Header{Name: "hexcrawl.local.", Rrtype: dns.TypeAAAA, Class: dns.ClassINET, Ttl: 120}, AAAA: net.ParseIP("fd00::1")},
	}}
	for _, tt := range []struct {
		src  string
		want string
	}{
		{"", "http://10.0.0.5:7777/"},
		{"192.168.1.20", "http://192.168.1.20:7777/"},
		{"fe80::1", "http://10.0.0.5:7777/"},
	} {
		c := newCollector(nil, nil)
		var src netip.Addr
		if tt.src != "" {
			src = netip.MustParseAddr(tt.src)
		}
		c.add(msg, src, "")
		if h := c.hubs(); len(h) != 1 || h[0].URL() != tt.want || len(h[0].Addrs) != 3 {
			t.Errorf("answer from %q: %+v; want URL %s", tt.src, h, tt.want)
		}
	}
}

func TestHubURLs(t *testing.T) {
	h := Hub{HostName: "hexcrawl-2.local", Port: 7777, Path: "/", Addrs: addrs("fd77::1", "fe80::1", "10.0.0.1")}
	if got := h.URL(); got != "http://10.0.0.1:7777/" {
		t.Errorf("URL() = %q", got)
	}
	want := []string{"http://hexcrawl-2.local:7777/", "http://[fd77::1]:7777/", "http://10.0.0.1:7777/"}
	if got := h.URLs(); !slices.Equal(got, want) {
		t.Errorf("URLs() = %q; want %q", got, want)
	}
	h.Addrs = addrs("fe80::1", "2001:db8::5")
	if got := h.URL(); got != "http://[2001:db8::5]:7777/" {
		t.Errorf("IPv6-only URL() = %q", got)
	}
	h.Addrs = nil
	h.Port, h.Path = 80, "play"
	if got := h.URL(); got != "http://hexcrawl-2.local/play" {
		t.Errorf("no-address URL() = %q", got)
	}
}

func TestIPURLs(t *testing.T) {
	ifaces := []InterfaceInfo{
		{Name: "eth0", Addrs: addrs("2001:db8::20", "192.168.1.20")},
		{Name: "wlan0", Addrs: addrs("10.0.0.5", "192.168.1.20")},
	}
	want := []string{"http://192.168.1.20:7777/", "http://10.0.0.5:7777/", "http://[2001:db8::20]:7777/"}
	if got := ipURLs(ifaces, 7777, "/"); !slices.Equal(got, want) {
		t.Errorf("ipURLs = %q; want %q", got, want)
	}
	if got := ipURLs(nil, 7777, "/"); got != nil {
		t.Errorf("no interfaces: %q", got)
	}
}

func TestDiffInterfaces(t *testing.T) {
	old := []InterfaceInfo{{Name: "eth0", Index: 2, Addrs: addrs("10.0.0.1")}, {Name: "wlan0", Index: 3, Addrs: addrs("10.1.0.1")}}
	cur := []InterfaceInfo{{Name: "eth0", Index: 2, Addrs: addrs("10.0.0.1", "10.0.0.9")}, {Name: "usb0", Index: 4, Addrs: addrs("10.2.0.1")}}
	var got []string
	for _, c := range diffInterfaces(old, cur) {
		got = append(got, c.what+" "+c.attrs[1].(string))
	}
	want := []string{"interface gone or no longer usable wlan0", "addresses changed eth0", "interface added usb0"}
	if !slices.Equal(got, want) {
		t.Errorf("diff = %q; want %q", got, want)
	}
	if d := diffInterfaces(old, old); len(d) != 0 {
		t.Errorf("no change reported as %v", d)
	}
}
