package discovery

import (
	"context"
	"log/slog"
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
// which is exactly what typing http://hexcrawl.local does.
type responder struct {
	fqdn      string
	byIf      map[int][]netip.Addr
	all       []netip.Addr
	conn      *mconn
	instance  string // our instance fqdn, for spotting a twin service
	conflicts chan<- conflict
	log       *slog.Logger
	cancel    context.CancelFunc
	done      chan struct{}
}

// conflict is another device answering for our host name.
type conflict struct {
	host     string     // the name it answered for (ours when it was seen)
	addr     netip.Addr // one of its addresses, for the tie-break
	instance bool       // it also uses our instance name
}

func startResponder(ctx context.Context, fqdn, instance string, ifaces []InterfaceInfo, conflicts chan<- conflict, log *slog.Logger) (*responder, error) {
	conn, err := openMconn(netInterfaces(ifaces))
	if err != nil {
		return nil, err
	}
	rctx, cancel := context.WithCancel(ctx)
	r := &responder{
		fqdn:      fqdn,
		instance:  instance,
		byIf:      make(map[int][]netip.Addr, len(ifaces)),
		all:       sortedAddrs(ifaces),
		conn:      conn,
		conflicts: conflicts,
		log:       log,
		cancel:    cancel,
		done:      make(chan struct{}),
	}
	for _, i := range ifaces {
		r.byIf[i.Index] = i.Addrs
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
		r.checkConflict(p.msg)
		return
	}
	if p.msg.Opcode != dns.OpcodeQuery || p.from == nil {
		return
	}
	legacy := p.from.Port != mdnsPort
	var answers, extra []dns.RR
	unicast := legacy
	for _, q := range p.msg.Question {
		if !strings.EqualFold(q.Name, r.fqdn) {
			continue
		}
		if q.Qclass&classCacheFlsh != 0 {
			unicast = true // QU: the querier asked for a unicast reply
		}
		a4, a6 := r.records(p.ifIndex, legacy)
		switch q.Qtype {
		case dns.TypeA:
			answers, extra = append(answers, a4...), append(extra, a6...)
		case dns.TypeAAAA:
			answers, extra = append(answers, a6...), append(extra, a4...)
		case dns.TypeANY:
			answers = append(answers, a4...)
			answers = append(answers, a6...)
		}
	}
	answers = suppressKnown(answers, p.msg.Answer)
	if len(answers) == 0 {
		return
	}
	resp := new(dns.Msg)
	if legacy {
		resp.SetReply(p.msg) // same ID and question, as a unicast DNS client expects
	} else {
		resp.Response = true
	}
	resp.Authoritative = true
	resp.Answer = answers
	resp.Extra = extra
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

func (r *responder) records(ifIndex int, legacy bool) (a4, a6 []dns.RR) {
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
	return a4, a6
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
// address that is not ours.
func (r *responder) checkConflict(m *dns.Msg) {
	rrs := slices.Concat(m.Answer, m.Extra)
	c := conflict{host: r.fqdn}
	for _, rr := range rrs {
		if rr.Header().Ttl == 0 || !strings.EqualFold(rr.Header().Name, r.fqdn) {
			continue
		}
		if ip, ok := rrAddr(rr); ok && !slices.Contains(r.all, ip) {
			c.addr = ip
			break
		}
	}
	if !c.addr.IsValid() {
		return
	}
	for _, rr := range rrs {
		if srv, ok := rr.(*dns.SRV); ok && srv.Hdr.Ttl > 0 && strings.EqualFold(srv.Hdr.Name, r.instance) {
			c.instance = true
		}
	}
	select {
	case r.conflicts <- c:
	default: // one pending conflict is enough
	}
}
