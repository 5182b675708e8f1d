// Package discovery makes a Hexcrawl hub findable on the LAN over multicast DNS
// (RFC 6762) and DNS-SD (RFC 6763): it advertises a `_hexcrawl._tcp` service
// and a short `<host>.local` name, and browses for hubs advertised by others.
package discovery

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
)

// InterfaceInfo is what SelectInterfaces needs to know about a network
// interface. It is plain data so the choice can be table-tested.
type InterfaceInfo struct {
	Name  string
	Index int
	Flags net.Flags
	Addrs []netip.Addr
	// LinkLocal are the IPv6 link-local addresses of a chosen interface
	// (SelectInterfaces fills it; Addrs then holds the usable ones only).
	// They are answered for the host name on that interface alone, as RFC
	// 6762 §6.2 asks, but never put in a URL.
	LinkLocal []netip.Addr
}

// Skipped names an interface that will not be used, and says why in words a
// DM can act on.
type Skipped struct {
	Name   string
	Reason string
}

// skippedPrefixes are name prefixes of virtual interfaces that are almost
// never where the players are: container bridges and VPN tunnels. Advertising
// there leaks the hub into other networks and gives players addresses they
// cannot reach.
var skippedPrefixes = []struct{ prefix, what string }{
	{"docker", "container bridge"},
	{"br-", "container bridge"},
	{"veth", "container link"},
	{"virbr", "virtual machine bridge"},
	{"vmnet", "virtual machine network"},
	{"vboxnet", "virtual machine network"},
	{"cni", "container network"},
	{"flannel", "container network"},
	{"cali", "container network"},
	{"vxlan", "overlay network"},
	{"lxcbr", "container bridge"},
	{"lxdbr", "container bridge"},
	{"podman", "container bridge"},
	{"kube", "container network"},
	{"tun", "VPN tunnel"},
	{"tap", "VPN tunnel"},
	{"wg", "VPN tunnel (WireGuard)"},
	{"tailscale", "VPN tunnel (Tailscale)"},
	{"zt", "VPN tunnel (ZeroTier)"},
	{"utun", "VPN tunnel"},
	{"ppp", "point-to-point link"},
	{"ipsec", "VPN tunnel"},
	{"nordlynx", "VPN tunnel"},
	{"awdl", "Apple Wireless Direct Link"},
	{"llw", "Apple low-latency WLAN"},
}

// UsableAddr reports whether players could reach the hub at a: IPv4 (also
// 169.254/16) or a global or unique-local IPv6 address. IPv6 link-local
// addresses need a zone (`%wlan0`) that browsers do not accept in URLs.
func UsableAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsUnspecified() || a.IsMulticast() {
		return false
	}
	if a.Is4() {
		return true
	}
	return a.IsGlobalUnicast() // includes fc00::/7
}

// SelectInterfaces chooses the interfaces to advertise on or browse from.
//
// Without include: every interface that is up, has a link, can multicast, is
// not loopback, has a usable address and is not a container bridge or VPN
// tunnel by its name. With include (the --mdns-iface flag): exactly the named
// interfaces, even bridges and tunnels, as long as they are up, can multicast
// and have a usable address. Every interface not chosen comes back in the
// second result with the reason.
func SelectInterfaces(ifaces []InterfaceInfo, include []string) ([]InterfaceInfo, []Skipped) {
	var chosen []InterfaceInfo
	var skipped []Skipped
	named := make(map[string]bool, len(include))
	for _, n := range include {
		if n = strings.TrimSpace(n); n != "" {
			named[n] = false
		}
	}
	for _, ifc := range ifaces {
		forced := false
		if len(named) > 0 {
			if _, ok := named[ifc.Name]; !ok {
				skipped = append(skipped, Skipped{ifc.Name, "not listed in --mdns-iface"})
				continue
			}
			named[ifc.Name] = true
			forced = true
		}
		if reason := skipReason(ifc, forced); reason != "" {
			skipped = append(skipped, Skipped{ifc.Name, reason})
			continue
		}
		c := ifc
		c.Addrs = usableAddrs(ifc.Addrs)
		c.LinkLocal = linkLocalAddrs(ifc.Addrs)
		chosen = append(chosen, c)
	}
	var missing []string
	for n, seen := range named {
		if !seen {
			missing = append(missing, n)
		}
	}
	slices.Sort(missing)
	for _, n := range missing {
		skipped = append(skipped, Skipped{n, "no such interface (named in --mdns-iface)"})
	}
	return chosen, skipped
}

func skipReason(ifc InterfaceInfo, forced bool) string {
	switch {
	case ifc.Flags&net.FlagLoopback != 0:
		return "loopback: other devices cannot reach it"
	case ifc.Flags&net.FlagUp == 0:
		return "down"
	case ifc.Flags&net.FlagRunning == 0:
		return "no link (cable unplugged or Wi-Fi not connected)"
	case ifc.Flags&net.FlagMulticast == 0:
		return "cannot multicast"
	}
	if !forced {
		lower := strings.ToLower(ifc.Name)
		for _, p := range skippedPrefixes {
			if strings.HasPrefix(lower, p.prefix) {
				return p.what + "; name it in --mdns-iface to use it"
			}
		}
		if ifc.Flags&net.FlagPointToPoint != 0 {
			return "point-to-point link (usually a VPN); name it in --mdns-iface to use it"
		}
	}
	if len(usableAddrs(ifc.Addrs)) == 0 {
		if len(ifc.Addrs) > 0 {
			return "no usable address (only IPv6 link-local, which browsers cannot use)"
		}
		return "no IP address"
	}
	return ""
}

func linkLocalAddrs(addrs []netip.Addr) []netip.Addr {
	var out []netip.Addr
	for _, a := range addrs {
		if a.Is6() && !a.Is4In6() && a.IsLinkLocalUnicast() {
			out = append(out, a.WithZone(""))
		}
	}
	return out
}

func usableAddrs(addrs []netip.Addr) []netip.Addr {
	var out []netip.Addr
	for _, a := range addrs {
		if UsableAddr(a) {
			out = append(out, a.Unmap())
		}
	}
	return out
}

// SystemInterfaces lists this machine's interfaces with their addresses.
func SystemInterfaces() ([]InterfaceInfo, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, fmt.Errorf("list network interfaces: %w", err)
	}
	out := make([]InterfaceInfo, 0, len(ifs))
	for _, ifc := range ifs {
		info := InterfaceInfo{Name: ifc.Name, Index: ifc.Index, Flags: ifc.Flags}
		addrs, err := ifc.Addrs()
		if err != nil {
			// The interface can vanish between the two calls; treat it as
			// having no address rather than failing the whole listing.
			addrs = nil
		}
		for _, a := range addrs {
			if pn, ok := a.(*net.IPNet); ok {
				if ip, ok := netip.AddrFromSlice(pn.IP); ok {
					info.Addrs = append(info.Addrs, ip.Unmap())
				}
			}
		}
		out = append(out, info)
	}
	return out, nil
}

// chosenInterfaces lists the system's interfaces and selects among them.
func chosenInterfaces(include []string) ([]InterfaceInfo, []Skipped, error) {
	all, err := SystemInterfaces()
	if err != nil {
		return nil, nil, err
	}
	c, s := SelectInterfaces(all, include)
	return c, s, nil
}

func netInterfaces(infos []InterfaceInfo) []net.Interface {
	out := make([]net.Interface, 0, len(infos))
	for _, i := range infos {
		out = append(out, net.Interface{Index: i.Index, Name: i.Name, Flags: i.Flags})
	}
	return out
}
