package discovery

import (
	"context"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/miekg/dns"
)

const (
	hostTTL        = 120 // RFC 6762 §10: host records use 120 s
	legacyTTL      = 10  // §6.7: answers to one-shot queries
	classCacheFlsh = 1 << 15
)

// responder answers A/AAAA questions for the hub's `<host>.local` name.
// zeroconf v1.0.0 sends the host's addresses along with its service answers
// but does not answer when a phone or laptop asks for the host name itself,
// which is exactly what typing http://hexcrawl.local does. It also watches
// for other devices claiming our host or instance name, and defends them.
type responder struct {
	responderConfig
	byIf   map[int][]netip.Addr
	all    []netip.Addr
	conn   *mconn
	cancel context.CancelFunc
	done   chan struct{}
}

// responderConfig is what the responder answers for.
type responderConfig struct {
	fqdn      string // our host name, e.g. "hexcrawl.local."
	instance  string // our instance fqdn, for spotting a twin service
	port      int
	txt       []string
	ifaces    []InterfaceInfo
	conflicts chan<- conflict
	log       *slog.Logger
}

// conflict is another device claiming our host name or our instance name.
type conflict struct {
	host     string     // our host name when it was seen
	service  string     // our instance fqdn when it was seen
	hostUsed bool       // it answers for our host name
	instance bool       // it uses our instance name
	addr     netip.Addr // its lowest address, for the tie-break
}

func startResponder(ctx context.Context, cfg responderConfig) (*responder, error) {
	conn, err := openMconn(netInterfaces(cfg.ifaces))
	if err != nil {
		return nil, err
	}
	rctx, cancel := context.WithCancel(ctx)
	r := &responder{
		responderConfig: cfg,
		byIf:            make(map[int][]netip.Addr, len(cfg.ifaces)),
		all:             sortedAddrs(cfg.ifaces),
		conn:            conn,
		cancel:          cancel,
		done:            make(chan struct{}),
	}
	for _, i := range cfg.ifaces {
		r.byIf[i.Index] = slices.Concat(i.Addrs, i.LinkLocal)
		r.all = append(r.all, i.LinkLocal...)
	}
	go func() {
		defer close(r.done)
		for p := range conn.receive(rctx) {
			r.handle(p)
		}
	}()
	return r, nil
}

func (r *responder) stop() {
	r.cancel()
	r.conn.close()
	<-r.done
}

// addrsFor answers with the addresses of the interface the question came in
// on (RFC 6762 §6.2), or all of them when that is unknown.
func (r *responder) addrsFor(ifIndex int) []netip.Addr {
	if a, ok := r.byIf[ifIndex]; ok && len(a) > 0 {
		return a
	}
	return r.all
}

func (r *responder) handle(p packet) {
	if p.msg.Response {
		r.checkConflict(p.msg, p.from)
		return
	}
	if p.msg.Opcode != dns.OpcodeQuery || p.from == nil {
		return
	}
	legacy := p.from.Port != mdnsPort
	var answers, extra []dns.RR
	unicast := legacy
	var a4, a6 []dns.RR
	var nsec dns.RR
	for _, q := range p.msg.Question {
		if !strings.EqualFold(q.Name, r.fqdn) {
			continue
		}
		if nsec == nil { // built only for questions about us: most LAN traffic is not
			a4, a6, nsec = r.records(p.ifIndex, legacy)
		}
		if q.Qclass&classCacheFlsh != 0 {
			unicast = true // QU: the querier asked for a unicast reply
		}
		// A type we have no record of gets an NSEC saying so (RFC 6762
		// §6.1): without it a phone asking for A and AAAA waits for the
		// missing one to time out before it opens the page.
		switch q.Qtype {
		case dns.TypeA:
			answers, extra = appendOr(answers, a4, nsec), append(extra, a6...)
		case dns.TypeAAAA:
			answers, extra = appendOr(answers, a6, nsec), append(extra, a4...)
		case dns.TypeANY:
			answers = append(answers, a4...)
			answers = append(answers, a6...)
		}
	}
	answers = suppressKnown(answers, p.msg.Answer)
	if len(answers) == 0 {
		return
	}
	if !slices.Contains(answers, nsec) {
		extra = append(extra, nsec)
	}
	resp := new(dns.Msg)
	if legacy {
		resp.SetReply(p.msg) // same ID and question, as a unicast DNS client expects
	} else {
		resp.Response = true
	}
	resp.Authoritative = true
	resp.Answer = dedupe(nil, answers)
	resp.Extra = dedupe(resp.Answer, extra)
	var err error
	if unicast {
		err = r.conn.unicast(resp, p.ifIndex, p.from)
	} else {
		err = r.conn.multicast(resp, p.ifIndex)
	}
	if err != nil {
		r.log.Debug("mDNS: answering for host name failed", "err", err)
	}
}

// appendOr appends rrs, or the negative answer if there are none.
func appendOr(list, rrs []dns.RR, negative dns.RR) []dns.RR {
	if len(rrs) == 0 {
		return append(list, negative)
	}
	return append(list, rrs...)
}

// dedupe returns rrs without repeats and without the records already in
// sent (a query asking for A and AAAA puts each in the other's extras).
func dedupe(sent, rrs []dns.RR) []dns.RR {
	var out []dns.RR
	for _, rr := range rrs {
		dup := func(o dns.RR) bool { return dns.IsDuplicate(o, rr) }
		if !slices.ContainsFunc(sent, dup) && !slices.ContainsFunc(out, dup) {
			out = append(out, rr)
		}
	}
	return out
}

// announce multicasts the service and host records on every interface,
// each with its own addresses: how a responder defends its names (RFC 6762
// §9) against a device that missed zeroconf's announcements.
func (r *responder) announce() {
	flush := uint16(dns.ClassINET | classCacheFlsh)
	srv := &dns.SRV{Hdr: dns.RR_Header{Name: r.instance, Rrtype: dns.TypeSRV, Class: flush, Ttl: hostTTL},
		Port: uint16(r.port), Target: r.fqdn}
	txt := &dns.TXT{Hdr: dns.RR_Header{Name: r.instance, Rrtype: dns.TypeTXT, Class: flush, Ttl: 4500}, Txt: r.txt}
	ptr := &dns.PTR{Hdr: dns.RR_Header{Name: serviceName, Rrtype: dns.TypePTR, Class: dns.ClassINET, Ttl: 4500}, Ptr: r.instance}
	for idx := range r.byIf {
		a4, a6, nsec := r.records(idx, false)
		m := &dns.Msg{MsgHdr: dns.MsgHdr{Response: true, Authoritative: true}}
		m.Answer = slices.Concat([]dns.RR{ptr, srv, txt}, a4, a6, []dns.RR{nsec})
		if err := r.conn.multicast(m, idx); err != nil {
			r.log.Debug("mDNS: announcing our names failed", "err", err)
		}
	}
}

// records are the host's A and AAAA records for one interface, and the
// NSEC record that says which of the two types exist.
func (r *responder) records(ifIndex int, legacy bool) (a4, a6 []dns.RR, nsec dns.RR) {
	ttl, class := uint32(hostTTL), uint16(dns.ClassINET|classCacheFlsh)
	if legacy {
		ttl, class = legacyTTL, dns.ClassINET
	}
	for _, ip := range r.addrsFor(ifIndex) {
		hdr := dns.RR_Header{Name: r.fqdn, Class: class, Ttl: ttl}
		if ip.Is4() {
			hdr.Rrtype = dns.TypeA
			a4 = append(a4, &dns.A{Hdr: hdr, A: ip.AsSlice()})
		} else {
			hdr.Rrtype = dns.TypeAAAA
			a6 = append(a6, &dns.AAAA{Hdr: hdr, AAAA: ip.AsSlice()})
		}
	}
	var types []uint16
	if len(a4) > 0 {
		types = append(types, dns.TypeA)
	}
	if len(a6) > 0 {
		types = append(types, dns.TypeAAAA)
	}
	nsec = &dns.NSEC{Hdr: dns.RR_Header{Name: r.fqdn, Rrtype: dns.TypeNSEC, Class: class, Ttl: ttl},
		NextDomain: r.fqdn, TypeBitMap: types}
	return a4, a6, nsec
}

// suppressKnown drops answers the querier listed as already known with at
// least half their TTL left (RFC 6762 §7.1).
func suppressKnown(answers, known []dns.RR) []dns.RR {
	if len(known) == 0 {
		return answers
	}
	return slices.DeleteFunc(answers, func(a dns.RR) bool {
		for _, k := range known {
			if k.Header().Ttl >= a.Header().Ttl/2 && sameRData(a, k) {
				return true
			}
		}
		return false
	})
}

func sameRData(a, b dns.RR) bool {
	if !strings.EqualFold(a.Header().Name, b.Header().Name) {
		return false
	}
	switch x := a.(type) {
	case *dns.A:
		y, ok := b.(*dns.A)
		return ok && x.A.Equal(y.A)
	case *dns.AAAA:
		y, ok := b.(*dns.AAAA)
		return ok && x.AAAA.Equal(y.AAAA)
	}
	return false
}

// checkConflict reports another device answering for our host name with an
// address that is not ours, or announcing a service under our instance name
// that is not ours (another host or port, or from a device that also took
// our host name). For the tie-break it reports the lowest of that device's
// usable addresses in the message (else where the message came from), so
// both sides compare the same kind of value.
func (r *responder) checkConflict(m *dns.Msg, from *net.UDPAddr) {
	rrs := slices.Concat(m.Answer, m.Extra)
	var c conflict
	var theirs []netip.Addr
	for _, rr := range rrs {
		if rr.Header().Ttl == 0 || !strings.EqualFold(rr.Header().Name, r.fqdn) {
			continue
		}
		if ip, ok := rrAddr(rr); ok && !slices.Contains(r.all, ip) {
			theirs = append(theirs, ip)
			c.hostUsed = true
		}
	}
	for _, rr := range rrs {
		srv, ok := rr.(*dns.SRV)
		if !ok || srv.Hdr.Ttl == 0 || !strings.EqualFold(srv.Hdr.Name, r.instance) {
			continue
		}
		if c.hostUsed || !strings.EqualFold(srv.Target, r.fqdn) || int(srv.Port) != r.port {
			c.instance = true
			for _, rr := range rrs {
				if ip, ok := rrAddr(rr); ok && rr.Header().Ttl > 0 && strings.EqualFold(rr.Header().Name, srv.Target) && !slices.Contains(theirs, ip) {
					theirs = append(theirs, ip)
				}
			}
		}
	}
	if !c.hostUsed && !c.instance {
		return
	}
	if len(theirs) == 0 && from != nil {
		if ip, ok := addrFromIP(from.IP); ok {
			theirs = append(theirs, ip)
		}
	}
	if len(theirs) == 0 {
		return
	}
	c.host, c.service, c.addr = r.fqdn, r.instance, lowestAddr(theirs)
	select {
	case r.conflicts <- c:
	default: // one pending conflict is enough
	}
}

// lowestAddr is the lowest usable address, or the lowest address if none is
// usable (a device with only a link-local IPv6 address).
func lowestAddr(as []netip.Addr) netip.Addr {
	usable := slices.DeleteFunc(slices.Clone(as), func(a netip.Addr) bool { return !UsableAddr(a) })
	if len(usable) > 0 {
		as = usable
	}
	return slices.MinFunc(as, func(x, y netip.Addr) int { return x.Compare(y) })
}
