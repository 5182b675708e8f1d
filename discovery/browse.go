package discovery

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// BrowseOptions controls Browse and LookupHost.
type BrowseOptions struct {
	Timeout    time.Duration // how long to listen (default 3 s)
	Interfaces []string      // only these interfaces; empty = choose automatically
	// Found, if set, is called once per hub as soon as its port and an
	// address are known, before Browse returns.
	Found func(Hub)
	// Lost, if set, is called when a hub reported to Found says goodbye.
	Lost   func(Hub)
	Logger *slog.Logger
}

// Hub is one hub found on the LAN.
type Hub struct {
	Instance        string       `json:"instance"`
	HostName        string       `json:"hostName"` // e.g. "hexcrawl.local"
	Port            int          `json:"port"`
	Addrs           []netip.Addr `json:"addrs"`
	Path            string       `json:"path"`
	Campaign        string       `json:"campaign"`
	ProtocolVersion int          `json:"protocolVersion"`
}

// URL is the address most likely to work from any device: the first IPv4
// address, else an IPv6 address, else the .local name.
func (h Hub) URL() string {
	for _, a := range h.Addrs {
		if a.Is4() {
			return hubURL(a.String(), h.Port, h.Path)
		}
	}
	for _, a := range h.Addrs {
		if UsableAddr(a) {
			return hubURL(a.String(), h.Port, h.Path)
		}
	}
	return hubURL(h.HostName, h.Port, h.Path)
}

// URLs lists the .local URL and one URL per usable address.
func (h Hub) URLs() []string {
	out := []string{hubURL(h.HostName, h.Port, h.Path)}
	for _, a := range h.Addrs {
		if UsableAddr(a) {
			out = append(out, hubURL(a.String(), h.Port, h.Path))
		}
	}
	return out
}

// Browse listens for `_hexcrawl._tcp` hubs for opts.Timeout and returns
// those that answered and have not said goodbye, sorted by instance name.
func Browse(ctx context.Context, opts BrowseOptions) ([]Hub, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = 3 * time.Second
	}
	chosen, skipped, err := chosenInterfaces(opts.Interfaces)
	if err != nil {
		return nil, fmt.Errorf("browse: %w", err)
	}
	if len(chosen) == 0 {
		return nil, fmt.Errorf("browse: %w (%s)", ErrNoInterface, describeSkipped(skipped))
	}
	col, err := collect(ctx, chosen, opts.Timeout, nil, opts.Found, opts.Lost)
	if err != nil {
		return nil, fmt.Errorf("browse: %w", err)
	}
	return col.hubs(), nil
}

// LookupHost asks for the A and AAAA records of an mDNS host name (as
// "hexcrawl.local" or "hexcrawl") and returns the addresses of the first
// answer, or an error if none came within opts.Timeout.
func LookupHost(ctx context.Context, host string, opts BrowseOptions) ([]netip.Addr, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = 3 * time.Second
	}
	fqdn := dns.Fqdn(strings.TrimSuffix(strings.TrimSuffix(host, "."), ".local") + ".local")
	chosen, skipped, err := chosenInterfaces(opts.Interfaces)
	if err != nil {
		return nil, fmt.Errorf("lookup %s: %w", fqdn, err)
	}
	if len(chosen) == 0 {
		return nil, fmt.Errorf("lookup %s: %w (%s)", fqdn, ErrNoInterface, describeSkipped(skipped))
	}
	conn, err := openMconn(netInterfaces(chosen))
	if err != nil {
		return nil, fmt.Errorf("lookup %s: %w", fqdn, err)
	}
	defer conn.close()
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	in := conn.receive(ctx)
	zones := zoneNames(chosen)
	q := new(dns.Msg)
	q.Question = []dns.Question{{Name: fqdn, Qtype: dns.TypeA, Qclass: dns.ClassINET}, {Name: fqdn, Qtype: dns.TypeAAAA, Qclass: dns.ClassINET}}
	if err := conn.multicast(q, 0); err != nil {
		return nil, fmt.Errorf("lookup %s: %w", fqdn, err)
	}
	resend := time.NewTicker(time.Second)
	defer resend.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("lookup %s: no answer within %s", fqdn, opts.Timeout)
		case <-resend.C:
			_ = conn.multicast(q, 0)
		case p, ok := <-in:
			if !ok {
				return nil, fmt.Errorf("lookup %s: no answer within %s", fqdn, opts.Timeout)
			}
			if !p.msg.Response {
				continue
			}
			var out []netip.Addr
			for _, rr := range slices.Concat(p.msg.Answer, p.msg.Extra) {
				if rr.Header().Ttl == 0 || !strings.EqualFold(rr.Header().Name, fqdn) {
					continue
				}
				if ip, ok := rrAddr(rr); ok {
					if ip = withZone(ip, zones[p.ifIndex]); !slices.Contains(out, ip) {
						out = append(out, ip)
					}
				}
			}
			if len(out) > 0 {
				return out, nil
			}
		}
	}
}

// zoneNames maps interface indexes to names, the zones of link-local
// addresses heard on them.
func zoneNames(ifaces []InterfaceInfo) map[int]string {
	m := make(map[int]string, len(ifaces))
	for _, i := range ifaces {
		m[i.Index] = i.Name
	}
	return m
}

// withZone gives an IPv6 link-local address the zone of the interface it
// was heard on: fe80::1 is only reachable as fe80::1%wlan0.
func withZone(ip netip.Addr, zone string) netip.Addr {
	if ip.Is6() && ip.IsLinkLocalUnicast() && zone != "" {
		return ip.WithZone(zone)
	}
	return ip
}

func rrAddr(rr dns.RR) (netip.Addr, bool) {
	switch x := rr.(type) {
	case *dns.A:
		return addrFromIP(x.A)
	case *dns.AAAA:
		return addrFromIP(x.AAAA)
	}
	return netip.Addr{}, false
}

// entry is what is known so far about one service instance.
type entry struct {
	name  string // instance fqdn as first heard (zeroconf matches names case-sensitively)
	label string // raw instance label
	host  string // SRV target, fqdn
	port  int
	txt   []string
	found bool
}

// collector gathers mDNS answers about hexcrawl services and host addresses.
type collector struct {
	entries     map[string]*entry                  // by lower-cased instance fqdn
	addrs       map[string]map[netip.Addr]struct{} // by lower-cased host fqdn
	sources     map[netip.Addr]bool                // addresses answers came from
	found, lost func(Hub)
}

func newCollector(found, lost func(Hub)) *collector {
	return &collector{entries: map[string]*entry{}, addrs: map[string]map[netip.Addr]struct{}{}, sources: map[netip.Addr]bool{}, found: found, lost: lost}
}

// collect queries for hubs (and for extra questions) on ifaces for d and
// returns what was heard.
func collect(ctx context.Context, ifaces []InterfaceInfo, d time.Duration, extra []dns.Question, found, lost func(Hub)) (*collector, error) {
	conn, err := openMconn(netInterfaces(ifaces))
	if err != nil {
		return nil, err
	}
	defer conn.close()
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	in := conn.receive(ctx)
	zones := zoneNames(ifaces)
	col := newCollector(found, lost)

	// Query at once, after 1 s, then every 2 s: one lost packet on Wi-Fi
	// must not hide a hub for the whole timeout.
	query := func() {
		q := new(dns.Msg)
		q.Question = append([]dns.Question{{Name: serviceName, Qtype: dns.TypePTR, Qclass: dns.ClassINET}}, extra...)
		q.Question = append(q.Question, col.missing()...)
		_ = conn.multicast(q, 0)
	}
	query()
	timer := time.NewTimer(time.Second)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return col, nil
		case <-timer.C:
			query()
			timer.Reset(2 * time.Second)
		case p, ok := <-in:
			if !ok {
				return col, nil
			}
			if p.msg.Response {
				var src netip.Addr
				if p.from != nil {
					src, _ = addrFromIP(p.from.IP)
				}
				col.add(p.msg, src, zones[p.ifIndex])
			}
		}
	}
}

// add records what one response, sent from src and heard on the interface
// named zone, says; TTL 0 (goodbye) removes.
func (c *collector) add(m *dns.Msg, src netip.Addr, zone string) {
	if src.IsValid() {
		c.sources[withZone(src, zone)] = true
	}
	rrs := slices.Concat(m.Answer, m.Ns, m.Extra)
	for _, rr := range rrs {
		h := rr.Header()
		switch x := rr.(type) {
		case *dns.PTR:
			if !strings.EqualFold(h.Name, serviceName) {
				continue
			}
			if h.Ttl == 0 {
				c.remove(x.Ptr)
				continue
			}
			c.entry(x.Ptr)
		case *dns.SRV:
			if !isOurInstance(h.Name) {
				continue
			}
			if h.Ttl == 0 {
				c.remove(h.Name)
				continue
			}
			e := c.entry(h.Name)
			e.host, e.port = x.Target, int(x.Port)
		case *dns.TXT:
			if !isOurInstance(h.Name) || h.Ttl == 0 {
				continue
			}
			c.entry(h.Name).txt = x.Txt
		}
	}
	for _, rr := range rrs {
		ip, ok := rrAddr(rr)
		if !ok {
			continue
		}
		ip = withZone(ip, zone)
		key := strings.ToLower(rr.Header().Name)
		if rr.Header().Ttl == 0 {
			delete(c.addrs[key], ip)
			continue
		}
		if c.addrs[key] == nil {
			c.addrs[key] = map[netip.Addr]struct{}{}
		}
		c.addrs[key][ip] = struct{}{}
	}
	c.report()
}

// remove forgets an instance that said goodbye.
func (c *collector) remove(name string) {
	key := strings.ToLower(name)
	e, ok := c.entries[key]
	if !ok {
		return
	}
	delete(c.entries, key)
	if e.found && c.lost != nil {
		c.lost(c.hub(e))
	}
}

func isOurInstance(name string) bool {
	return strings.HasSuffix(strings.ToLower(name), "."+serviceName)
}

func (c *collector) entry(name string) *entry {
	key := strings.ToLower(name)
	e, ok := c.entries[key]
	if !ok {
		label, _ := firstLabel(name)
		e = &entry{name: name, label: label}
		c.entries[key] = e
	}
	return e
}

// missing asks for what the answers so far left out: SRV and TXT of known
// instances, addresses of known hosts.
func (c *collector) missing() []dns.Question {
	var qs []dns.Question
	for _, e := range c.entries {
		if e.host == "" {
			qs = append(qs, dns.Question{Name: e.name, Qtype: dns.TypeSRV, Qclass: dns.ClassINET})
			qs = append(qs, dns.Question{Name: e.name, Qtype: dns.TypeTXT, Qclass: dns.ClassINET})
		} else if len(c.addrs[strings.ToLower(e.host)]) == 0 {
			qs = append(qs, dns.Question{Name: e.host, Qtype: dns.TypeA, Qclass: dns.ClassINET})
			qs = append(qs, dns.Question{Name: e.host, Qtype: dns.TypeAAAA, Qclass: dns.ClassINET})
		}
	}
	return qs
}

func (c *collector) hub(e *entry) Hub {
	h := Hub{
		Instance: e.label,
		HostName: strings.TrimSuffix(e.host, "."),
		Port:     e.port,
		Path:     "/",
	}
	for ip := range c.addrs[strings.ToLower(e.host)] {
		h.Addrs = append(h.Addrs, ip)
	}
	// IPv4 first; then the addresses the hub's answers came from (a hub
	// on two networks lists both, but only the one it answered from is
	// surely reachable from here); then by value, so output is stable.
	slices.SortFunc(h.Addrs, func(a, b netip.Addr) int {
		if a.Is4() != b.Is4() {
			if a.Is4() {
				return -1
			}
			return 1
		}
		if c.sources[a] != c.sources[b] {
			if c.sources[a] {
				return -1
			}
			return 1
		}
		return a.Compare(b)
	})
	kv := parseTXT(e.txt)
	if p := kv[txtPath]; p != "" {
		h.Path = p
	}
	h.Campaign = kv[txtCampaign]
	h.ProtocolVersion, _ = strconv.Atoi(kv[txtProtocol])
	return h
}

func (c *collector) hubs() []Hub {
	var out []Hub
	for _, e := range c.entries {
		if e.host == "" || e.port == 0 {
			continue
		}
		out = append(out, c.hub(e))
	}
	slices.SortFunc(out, func(a, b Hub) int {
		return cmp.Or(cmp.Compare(a.Instance, b.Instance), cmp.Compare(a.HostName, b.HostName))
	})
	return out
}

// report calls found for hubs that just became complete.
func (c *collector) report() {
	for _, e := range c.entries {
		if e.found || e.host == "" || e.port == 0 || len(c.addrs[strings.ToLower(e.host)]) == 0 {
			continue
		}
		e.found = true
		if c.found != nil {
			c.found(c.hub(e))
		}
	}
}

// takenNames lists the host and instance labels (lower-cased) that hubs and
// other devices already use.
func (c *collector) takenNames() (hosts, instances map[string]bool) {
	hosts, instances = map[string]bool{}, map[string]bool{}
	addHost := func(fqdn string) {
		if l, ok := firstLabel(fqdn); ok && strings.HasSuffix(strings.ToLower(fqdn), ".local.") {
			hosts[strings.ToLower(l)] = true
		}
	}
	for _, e := range c.entries {
		instances[strings.ToLower(e.label)] = true
		if e.host != "" {
			addHost(e.host)
		}
	}
	for h, set := range c.addrs {
		if len(set) > 0 {
			addHost(h)
		}
	}
	return hosts, instances
}

// probeNames browses briefly (and asks for the base host name) to learn
// which names are taken before advertising.
func probeNames(ctx context.Context, ifaces []InterfaceInfo, baseHost string, d time.Duration) (map[string]bool, map[string]bool, error) {
	fqdn := baseHost + ".local."
	col, err := collect(ctx, ifaces, d, []dns.Question{
		{Name: fqdn, Qtype: dns.TypeA, Qclass: dns.ClassINET},
		{Name: fqdn, Qtype: dns.TypeAAAA, Qclass: dns.ClassINET},
	}, nil, nil)
	if err != nil {
		return nil, nil, err
	}
	h, i := col.takenNames()
	return h, i, nil
}
