package discovery

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"

	"github.com/miekg/dns"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

const mdnsPort = 5353

var (
	mdnsGroup4 = net.IPv4(224, 0, 0, 251)
	mdnsGroup6 = net.ParseIP("ff02::fb")
	mdnsAddr4  = &net.UDPAddr{IP: mdnsGroup4, Port: mdnsPort}
	mdnsAddr6  = &net.UDPAddr{IP: mdnsGroup6, Port: mdnsPort}
)

// packet is one received mDNS message with where it came from.
type packet struct {
	msg     *dns.Msg
	ifIndex int
	from    *net.UDPAddr
}

// mconn is a pair of mDNS sockets (IPv4 and IPv6) joined to the mDNS groups
// on chosen interfaces only. Binding the group address makes Go set
// SO_REUSEADDR, so it shares port 5353 with other responders on the machine
// (avahi, Bonjour, the zeroconf server of this process).
type mconn struct {
	ifaces []net.Interface
	c4     *ipv4.PacketConn
	c6     *ipv6.PacketConn

	closeOnce sync.Once
}

func openMconn(ifaces []net.Interface) (*mconn, error) {
	if len(ifaces) == 0 {
		return nil, errors.New("no interface to use for mDNS")
	}
	m := &mconn{ifaces: ifaces}
	var err4, err6 error
	m.c4, err4 = join4(ifaces)
	m.c6, err6 = join6(ifaces)
	if m.c4 == nil && m.c6 == nil {
		return nil, fmt.Errorf("join mDNS groups: %w", errors.Join(err4, err6))
	}
	return m, nil
}

func join4(ifaces []net.Interface) (*ipv4.PacketConn, error) {
	uc, err := net.ListenUDP("udp4", &net.UDPAddr{IP: mdnsGroup4, Port: mdnsPort})
	if err != nil {
		return nil, fmt.Errorf("listen udp4 :5353: %w", err)
	}
	pc := ipv4.NewPacketConn(uc)
	_ = pc.SetControlMessage(ipv4.FlagInterface, true)
	_ = pc.SetMulticastTTL(255) // RFC 6762 §11: receivers check TTL 255 is allowed
	if err := joinEach(ifaces, "224.0.0.251", func(ifc *net.Interface) error {
		return pc.JoinGroup(ifc, &net.UDPAddr{IP: mdnsGroup4})
	}); err != nil {
		pc.Close()
		return nil, err
	}
	return pc, nil
}

func join6(ifaces []net.Interface) (*ipv6.PacketConn, error) {
	uc, err := net.ListenUDP("udp6", &net.UDPAddr{IP: mdnsGroup6, Port: mdnsPort})
	if err != nil {
		return nil, fmt.Errorf("listen udp6 :5353: %w", err)
	}
	pc := ipv6.NewPacketConn(uc)
	_ = pc.SetControlMessage(ipv6.FlagInterface, true)
	_ = pc.SetMulticastHopLimit(255)
	if err := joinEach(ifaces, "ff02::fb", func(ifc *net.Interface) error {
		return pc.JoinGroup(ifc, &net.UDPAddr{IP: mdnsGroup6})
	}); err != nil {
		pc.Close()
		return nil, err
	}
	return pc, nil
}

// joinEach joins the mDNS group on every interface; it fails only when none joined.
func joinEach(ifaces []net.Interface, group string, join func(*net.Interface) error) error {
	var errs []error
	for i := range ifaces {
		if err := join(&ifaces[i]); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", ifaces[i].Name, err))
		}
	}
	if len(errs) == len(ifaces) {
		return fmt.Errorf("join %s: %w", group, errors.Join(errs...))
	}
	return nil
}

func (m *mconn) close() {
	m.closeOnce.Do(func() {
		if m.c4 != nil {
			m.c4.Close()
		}
		if m.c6 != nil {
			m.c6.Close()
		}
	})
}

// multicast sends msg to the mDNS group on one interface (ifIndex > 0) or on
// all of the connection's interfaces. It returns an error only when nothing
// could be sent at all.
func (m *mconn) multicast(msg *dns.Msg, ifIndex int) error {
	buf, err := msg.Pack()
	if err != nil {
		return fmt.Errorf("pack mDNS message: %w", err)
	}
	var sent int
	var errs []error
	for _, ifc := range m.ifaces {
		if ifIndex > 0 && ifc.Index != ifIndex {
			continue
		}
		if m.c4 != nil {
			if _, err := m.c4.WriteTo(buf, &ipv4.ControlMessage{IfIndex: ifc.Index}, mdnsAddr4); err != nil {
				errs = append(errs, fmt.Errorf("%s ipv4: %w", ifc.Name, err))
			} else {
				sent++
			}
		}
		if m.c6 != nil {
			if _, err := m.c6.WriteTo(buf, &ipv6.ControlMessage{IfIndex: ifc.Index}, mdnsAddr6); err != nil {
				errs = append(errs, fmt.Errorf("%s ipv6: %w", ifc.Name, err))
			} else {
				sent++
			}
		}
	}
	if sent == 0 && len(errs) > 0 {
		return fmt.Errorf("send mDNS: %w", errors.Join(errs...))
	}
	return nil
}

// unicast answers one querier directly (QU questions and one-shot queries).
func (m *mconn) unicast(msg *dns.Msg, ifIndex int, to *net.UDPAddr) error {
	buf, err := msg.Pack()
	if err != nil {
		return fmt.Errorf("pack mDNS message: %w", err)
	}
	if to.IP.To4() != nil {
		if m.c4 == nil {
			return errors.New("no IPv4 mDNS socket")
		}
		_, err = m.c4.WriteTo(buf, &ipv4.ControlMessage{IfIndex: ifIndex}, to)
	} else {
		if m.c6 == nil {
			return errors.New("no IPv6 mDNS socket")
		}
		_, err = m.c6.WriteTo(buf, &ipv6.ControlMessage{IfIndex: ifIndex}, to)
	}
	if err != nil {
		return fmt.Errorf("send mDNS unicast to %s: %w", to, err)
	}
	return nil
}

// receive reads packets from both sockets into the returned channel until ctx
// ends or the connection is closed. Packets from interfaces that were not
// chosen are dropped: the sockets are bound to the wildcard address and Linux
// delivers group traffic joined by anyone on the machine.
func (m *mconn) receive(ctx context.Context) <-chan packet {
	out := make(chan packet, 64)
	allowed := make(map[int]bool, len(m.ifaces))
	for _, ifc := range m.ifaces {
		allowed[ifc.Index] = true
	}
	var wg sync.WaitGroup
	deliver := func(buf []byte, ifIndex int, from net.Addr) bool {
		if ifIndex != 0 && !allowed[ifIndex] {
			return true
		}
		msg := new(dns.Msg)
		if err := msg.Unpack(buf); err != nil {
			return true // not ours to fix; ignore malformed packets
		}
		ua, _ := from.(*net.UDPAddr)
		select {
		case out <- packet{msg: msg, ifIndex: ifIndex, from: ua}:
			return true
		case <-ctx.Done():
			return false
		}
	}
	// read pumps one socket into deliver until it fails (closed) or deliver says stop.
	read := func(readFrom func(buf []byte) (n, ifIndex int, from net.Addr, err error)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 65536)
			for {
				n, idx, from, err := readFrom(buf)
				if err != nil || !deliver(buf[:n], idx, from) {
					return
				}
			}
		}()
	}
	if m.c4 != nil {
		read(func(buf []byte) (int, int, net.Addr, error) {
			n, cm, from, err := m.c4.ReadFrom(buf)
			if cm == nil {
				return n, 0, from, err
			}
			return n, cm.IfIndex, from, err
		})
	}
	if m.c6 != nil {
		read(func(buf []byte) (int, int, net.Addr, error) {
			n, cm, from, err := m.c6.ReadFrom(buf)
			if cm == nil {
				return n, 0, from, err
			}
			return n, cm.IfIndex, from, err
		})
	}
	go func() {
		<-ctx.Done()
		m.close() // unblocks the readers
	}()
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

func addrFromIP(ip net.IP) (netip.Addr, bool) {
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}
