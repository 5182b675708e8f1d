package discovery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/grandcat/zeroconf"
)

// ErrNoInterface means no interface qualified for mDNS; the error text lists
// every interface that was skipped and why.
var ErrNoInterface = errors.New("no LAN interface to advertise on")

// AdvertiseOptions describes the hub to advertise.
type AdvertiseOptions struct {
	Instance        string   // DNS-SD instance name; usually the campaign name ("Hexcrawl" if empty)
	HostName        string   // short host name without .local (default "hexcrawl")
	Port            int      // the hub's HTTP port (required)
	Path            string   // where players start (default "/")
	Campaign        string   // campaign name for the TXT record
	ProtocolVersion int      // wire protocol version for the TXT record
	Interfaces      []string // only these interfaces (--mdns-iface); empty = choose automatically

	Logger *slog.Logger // default slog.Default()
	// PollInterval is how often interfaces and addresses are checked for
	// changes (default 15 s).
	PollInterval time.Duration
	// ProbeTimeout is how long to browse for other hubs before choosing a
	// name (default 1.5 s; negative: do not look, rely on conflict detection).
	ProbeTimeout time.Duration
}

// Advertisement is a running mDNS advertisement. It stays up until Shutdown
// is called or the context given to Advertise ends; both withdraw it.
type Advertisement struct {
	opts AdvertiseOptions
	log  *slog.Logger

	// mu guards the fields below it and a.opts.Campaign.
	mu           sync.Mutex
	host         string // label, e.g. "hexcrawl-2"
	instance     string // raw instance label, e.g. "Fenlands (2)"
	baseInstance string // the label asked for, e.g. "Fenlands"
	named        bool   // host and instance were checked against other hubs
	ifaces       []InterfaceInfo
	server       *zeroconf.Server
	resp         *responder
	lastDefend   time.Time
	// wantInstance and wantCampaign are the latest SetName, applied by watch.
	wantInstance, wantCampaign string

	conflicts chan conflict
	renamed   chan struct{} // SetName was called
	cancel    context.CancelFunc
	done      chan struct{}
	stopOnce  sync.Once
}

// Advertise registers the hub as a `_hexcrawl._tcp` service with TXT records
// (protocol, path, campaign) and answers for `<host>.local` with the chosen
// interfaces' addresses. It first browses briefly and takes `<host>-2`,
// `<host>-3`, … if another hub already has the name. It then watches the
// interfaces and re-registers when they or their addresses change.
func Advertise(ctx context.Context, opts AdvertiseOptions) (*Advertisement, error) {
	if opts.Port <= 0 || opts.Port > 65535 {
		return nil, fmt.Errorf("advertise: port %d out of range", opts.Port)
	}
	if opts.Path == "" {
		opts.Path = "/"
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 15 * time.Second
	}
	if opts.ProbeTimeout == 0 {
		opts.ProbeTimeout = 1500 * time.Millisecond
	}
	log := opts.Logger.With("component", "mdns")

	chosen, skipped, err := chosenInterfaces(opts.Interfaces)
	if err != nil {
		return nil, fmt.Errorf("advertise: %w", err)
	}
	logSkipped(log, skipped)

	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	a := &Advertisement{
		opts:         opts,
		log:          log,
		host:         hostLabel(opts.HostName),
		instance:     instanceLabel(opts.Instance),
		baseInstance: instanceLabel(opts.Instance),
		conflicts:    make(chan conflict, 1),
		renamed:      make(chan struct{}, 1),
		cancel:       cancel,
		done:         make(chan struct{}),
	}
	if len(chosen) == 0 {
		// Not an error: the laptop may join the Wi-Fi after the hub starts.
		log.Warn("mDNS: no LAN interface yet; will advertise as soon as one is up",
			"skipped", describeSkipped(skipped))
	} else {
		// The first probe ends early if the caller's context does: a hub
		// stopped within its first 1.5 s announces nothing.
		sctx, stop := context.WithCancel(wctx)
		defer stop()
		context.AfterFunc(ctx, stop)
		if err := a.start(wctx, sctx, chosen, "mDNS: advertising"); err != nil {
			cancel()
			return nil, fmt.Errorf("advertise: %w", err)
		}
	}
	go a.watch(ctx, wctx)
	return a, nil
}

// start chooses the names (the first time: browsing briefly for hubs that
// already use them) and registers on chosen. Only the watch goroutine and
// Advertise call it, so a.host and a.instance change only here, in
// resolveConflict and in applyName.
//
// ctx bounds the registration's lifetime; probe bounds the probe only.
func (a *Advertisement) start(ctx, probe context.Context, chosen []InterfaceInfo, msg string) error {
	if !a.named {
		a.mu.Lock()
		baseHost, baseInstance := a.host, a.baseInstance
		a.mu.Unlock()
		var takenHosts, takenInstances map[string]bool
		if a.opts.ProbeTimeout > 0 {
			var err error
			takenHosts, takenInstances, err = probeNames(probe, chosen, baseHost, a.opts.ProbeTimeout)
			if err != nil {
				// Not fatal: a name clash is still caught by the responder's
				// conflict check.
				a.log.Warn("mDNS: could not look for other hubs before choosing a name", "err", err)
			}
		}
		if err := probe.Err(); err != nil {
			return err // shut down while looking: announce nothing
		}
		host, instance := chooseNames(baseHost, baseInstance, takenHosts, takenInstances)
		if host != baseHost {
			a.log.Info("mDNS: another device already uses the host name; taking the next one",
				"wanted", baseHost+".local", "host", host+".local")
		}
		a.mu.Lock()
		a.host, a.instance, a.named = host, instance, true
		a.mu.Unlock()
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.registerLocked(ctx, chosen); err != nil {
		return err
	}
	a.log.Info(msg, "host", a.host+".local", "instance", a.instance,
		"service", ServiceType, "port", a.opts.Port, "interfaces", describeChosen(chosen))
	return nil
}

// HostName is the advertised host name, e.g. "hexcrawl.local".
func (a *Advertisement) HostName() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.host + ".local"
}

// Instance is the advertised DNS-SD instance name.
func (a *Advertisement) Instance() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.instance
}

// URLs are the addresses players can type: the .local URL first, then one
// per advertised IP address (IPv4 first; IPv6 in brackets; never loopback).
// Empty while advertising is paused because no LAN interface is up.
func (a *Advertisement) URLs() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.server == nil {
		return nil
	}
	return append([]string{hubURL(a.host+".local", a.opts.Port, a.opts.Path)},
		ipURLs(a.ifaces, a.opts.Port, a.opts.Path)...)
}

// LANURLs lists one URL per LAN address of this machine, chosen as
// Advertise would choose (include = --mdns-iface), IPv4 first. It is what to
// show players when mDNS is off (--no-mdns) or paused: never loopback.
func LANURLs(port int, path string, include []string) ([]string, error) {
	chosen, _, err := chosenInterfaces(include)
	if err != nil {
		return nil, err
	}
	return ipURLs(chosen, port, path), nil
}

func ipURLs(ifaces []InterfaceInfo, port int, path string) []string {
	var urls []string
	for _, ip := range sortedAddrs(ifaces) {
		urls = append(urls, hubURL(ip.String(), port, path))
	}
	return urls
}

// Shutdown withdraws the advertisement (zeroconf sends goodbye packets) and
// stops watching the interfaces. It is safe to call more than once.
func (a *Advertisement) Shutdown() {
	a.stopOnce.Do(func() {
		a.cancel()
		<-a.done
		a.mu.Lock()
		a.unregisterLocked()
		a.mu.Unlock()
		a.log.Info("mDNS: advertisement withdrawn")
	})
}

// registerLocked starts the zeroconf service and the host-name responder on
// ifaces. a.mu must be held.
func (a *Advertisement) registerLocked(ctx context.Context, ifaces []InterfaceInfo) error {
	addrs := sortedAddrs(ifaces)
	ips := make([]string, 0, len(addrs))
	for _, ip := range addrs {
		ips = append(ips, ip.String())
	}
	nifs := netInterfaces(ifaces)
	txt := txtRecords(a.opts.ProtocolVersion, a.opts.Path, a.opts.Campaign)
	// Domain "local" without the dot: zeroconf v1.0.0 appends the domain to
	// the host name unless the host already ends with it, comparing with
	// the dot trimmed from the host only.
	srv, err := zeroconf.RegisterProxy(presentLabel(a.instance), ServiceType, "local",
		a.opts.Port, a.host+".local.", ips, txt, nifs)
	if err != nil {
		return fmt.Errorf("register %s service: %w", ServiceType, err)
	}
	resp, err := startResponder(ctx, responderConfig{
		fqdn: a.host + ".local.", instance: instanceName(a.instance), port: a.opts.Port, txt: txt,
		ifaces: ifaces, conflicts: a.conflicts, log: a.log,
	})
	if err != nil {
		srv.Shutdown()
		return err
	}
	a.server, a.resp, a.ifaces = srv, resp, ifaces
	return nil
}

func (a *Advertisement) unregisterLocked() {
	if a.resp != nil {
		a.resp.stop()
		a.resp = nil
	}
	if a.server != nil {
		a.server.Shutdown() // sends the goodbye (TTL 0) records
		a.server = nil
	}
}

// watch polls the interfaces and handles name conflicts until ctx (the
// caller's) or wctx (Shutdown's) ends.
func (a *Advertisement) watch(ctx, wctx context.Context) {
	defer close(a.done)
	t := time.NewTicker(a.opts.PollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			// The caller's context ended: withdraw, as Shutdown would.
			go a.Shutdown()
			return
		case <-wctx.Done():
			return
		case <-t.C:
			a.refresh(wctx)
		case c := <-a.conflicts:
			a.resolveConflict(wctx, c)
		case <-a.renamed:
			a.applyName(wctx)
		}
	}
}

// refresh re-reads the interfaces and re-registers if the chosen set or its
// addresses changed.
func (a *Advertisement) refresh(ctx context.Context) {
	chosen, skipped, err := chosenInterfaces(a.opts.Interfaces)
	if err != nil {
		a.log.Warn("mDNS: cannot list interfaces; keeping the current advertisement", "err", err)
		return
	}
	a.mu.Lock()
	changes := diffInterfaces(a.ifaces, chosen)
	if len(changes) == 0 && (a.server != nil || len(chosen) == 0) {
		a.mu.Unlock()
		return
	}
	for _, c := range changes {
		a.log.Info("mDNS: "+c.what, c.attrs...)
	}
	a.unregisterLocked()
	a.ifaces = nil
	a.mu.Unlock()
	if len(chosen) == 0 {
		a.log.Warn("mDNS: no LAN interface left; advertising paused until one comes back",
			"skipped", describeSkipped(skipped))
		return
	}
	if err := a.start(ctx, ctx, chosen, "mDNS: re-advertised"); err != nil && ctx.Err() == nil {
		a.log.Warn("mDNS: registering failed; retrying at the next check", "err", err)
	}
}

// resolveConflict runs when another device claims our host name or our
// instance name (two hubs started at the same moment, so the probe saw
// neither; or one joined the link later). Like RFC 6762 §8.2's tie-break,
// only one side moves: the one whose lowest address sorts higher takes the
// next name(s); the other defends them.
func (a *Advertisement) resolveConflict(ctx context.Context, c conflict) {
	a.mu.Lock()
	defer a.mu.Unlock()
	ours := sortedAddrs(a.ifaces)
	if len(ours) == 0 || slices.Contains(ours, c.addr) {
		return
	}
	if !strings.EqualFold(c.host, a.host+".local.") || !strings.EqualFold(c.service, instanceName(a.instance)) {
		// Queued before we renamed: it claims a name we already gave up.
		return
	}
	what := "host name"
	switch {
	case c.hostUsed && c.instance:
		what = "host name and instance name"
	case c.instance:
		what = "instance name"
	}
	lowest := slices.MinFunc(ours, func(x, y netip.Addr) int { return x.Compare(y) })
	if lowest.Compare(c.addr) < 0 {
		// Defend (RFC 6762 §9): the other device may have missed our
		// announcements (it joined later, or skipped its probe) and learns
		// of us only from this answer. At most once a second, so two
		// devices that disagree cannot flood the link.
		if time.Since(a.lastDefend) < time.Second {
			return
		}
		a.lastDefend = time.Now()
		a.log.Info("mDNS: another device claims our "+what+"; keeping it (we win the tie-break) and answering for it",
			"host", a.host+".local", "instance", a.instance, "other", c.addr)
		if a.resp != nil {
			a.resp.announce()
		}
		return
	}
	oldHost, oldInstance := a.host, a.instance
	if c.hostUsed {
		base, n := splitNumbered(oldHost)
		a.host = fmt.Sprintf("%s-%d", base, n+1)
	}
	if c.instance {
		a.instance = nextInstance(oldInstance)
	}
	a.log.Warn("mDNS: "+what+" taken by another device; renaming",
		"old", oldHost+".local", "new", a.host+".local", "oldInstance", oldInstance, "instance", a.instance, "other", c.addr)
	ifaces := a.ifaces
	a.unregisterLocked()
	if err := a.registerLocked(ctx, ifaces); err != nil {
		a.log.Warn("mDNS: re-registering after rename failed; retrying at the next check", "err", err)
		a.ifaces = nil
	}
}

// SetName changes the advertised instance name and the campaign in the TXT
// record, for when the DM renames the campaign or plays another one. The
// host name stays, so the .local address players have keeps working. It
// returns at once; the change is applied in the background (taking
// "<name> (2)" if another hub already uses the name) and logged.
func (a *Advertisement) SetName(instance, campaign string) {
	a.mu.Lock()
	a.wantInstance, a.wantCampaign = instance, campaign
	a.mu.Unlock()
	select {
	case a.renamed <- struct{}{}:
	default: // a change is already pending; it reads the latest values
	}
}

// applyName applies the latest SetName. Only the watch goroutine calls it.
func (a *Advertisement) applyName(ctx context.Context) {
	a.mu.Lock()
	label, campaign := instanceLabel(a.wantInstance), a.wantCampaign
	if label == a.baseInstance && campaign == a.opts.Campaign {
		a.mu.Unlock()
		return
	}
	oldInstance, ifaces, live := a.instance, a.ifaces, a.server != nil
	a.baseInstance, a.opts.Campaign = label, campaign
	if !live {
		// Not advertising (no LAN yet, or paused): the next start uses it.
		a.instance = label
		a.mu.Unlock()
		a.log.Info("mDNS: campaign name changed; will advertise it once a LAN is up", "instance", label, "campaign", campaign)
		return
	}
	a.mu.Unlock()

	var taken map[string]bool
	if label != oldInstance && a.opts.ProbeTimeout > 0 {
		col, err := collect(ctx, ifaces, a.opts.ProbeTimeout, nil, nil, nil)
		if err != nil {
			a.log.Warn("mDNS: could not look for other hubs before renaming", "err", err)
		} else {
			_, taken = col.takenNames()
			delete(taken, strings.ToLower(oldInstance)) // that one is us
		}
	}
	if ctx.Err() != nil {
		return
	}
	_, instance := chooseNames(a.host, label, nil, taken)

	a.mu.Lock()
	defer a.mu.Unlock()
	a.instance = instance
	a.unregisterLocked() // goodbye for the old name
	if err := a.registerLocked(ctx, ifaces); err != nil {
		a.log.Warn("mDNS: re-registering under the new name failed; retrying at the next check", "err", err)
		a.ifaces = nil
		return
	}
	a.log.Info("mDNS: now advertising as", "instance", instance, "was", oldInstance, "campaign", campaign,
		"host", a.host+".local")
}

// nextInstance turns "Fenlands" into "Fenlands (2)" and "Fenlands (2)" into
// "Fenlands (3)".
func nextInstance(inst string) string {
	base, n := inst, 1
	if i := strings.LastIndex(inst, " ("); i > 0 && strings.HasSuffix(inst, ")") {
		if k, err := strconv.Atoi(inst[i+2 : len(inst)-1]); err == nil && k >= 2 {
			base, n = inst[:i], k
		}
	}
	suffix := fmt.Sprintf(" (%d)", n+1)
	return truncateUTF8(base, maxLabel-len(suffix)) + suffix
}

// splitNumbered splits "hexcrawl-3" into ("hexcrawl", 3); an unnumbered
// name returns 1.
func splitNumbered(host string) (string, int) {
	i := strings.LastIndexByte(host, '-')
	if i <= 0 {
		return host, 1
	}
	var n int
	if _, err := fmt.Sscanf(host[i+1:], "%d", &n); err != nil || n < 2 || fmt.Sprint(n) != host[i+1:] {
		return host, 1
	}
	return host[:i], n
}

type ifaceChange struct {
	what  string
	attrs []any
}

// diffInterfaces says in words what changed between two selections.
func diffInterfaces(old, cur []InterfaceInfo) []ifaceChange {
	byName := func(l []InterfaceInfo) map[string]InterfaceInfo {
		m := make(map[string]InterfaceInfo, len(l))
		for _, i := range l {
			m[i.Name] = i
		}
		return m
	}
	om, cm := byName(old), byName(cur)
	var out []ifaceChange
	for _, o := range old {
		if _, ok := cm[o.Name]; !ok {
			out = append(out, ifaceChange{"interface gone or no longer usable", []any{"iface", o.Name, "addrs", addrStrings(o.Addrs)}})
		}
	}
	for _, c := range cur {
		o, ok := om[c.Name]
		if !ok {
			out = append(out, ifaceChange{"interface added", []any{"iface", c.Name, "addrs", addrStrings(c.Addrs)}})
			continue
		}
		added, removed := addrDiff(o.Addrs, c.Addrs)
		if len(added) > 0 || len(removed) > 0 || o.Index != c.Index {
			out = append(out, ifaceChange{"addresses changed", []any{"iface", c.Name, "added", addrStrings(added), "removed", addrStrings(removed)}})
		}
	}
	return out
}

func addrDiff(old, cur []netip.Addr) (added, removed []netip.Addr) {
	for _, c := range cur {
		if !slices.Contains(old, c) {
			added = append(added, c)
		}
	}
	for _, o := range old {
		if !slices.Contains(cur, o) {
			removed = append(removed, o)
		}
	}
	return added, removed
}

func addrStrings(as []netip.Addr) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, a.String())
	}
	return out
}

// sortedAddrs lists the interfaces' addresses, IPv4 first, each once.
func sortedAddrs(ifaces []InterfaceInfo) []netip.Addr {
	var v4, v6 []netip.Addr
	for _, i := range ifaces {
		for _, a := range i.Addrs {
			if a.Is4() && !slices.Contains(v4, a) {
				v4 = append(v4, a)
			} else if a.Is6() && !slices.Contains(v6, a) {
				v6 = append(v6, a)
			}
		}
	}
	return append(v4, v6...)
}

func describeSkipped(s []Skipped) string {
	if len(s) == 0 {
		return "no interfaces at all"
	}
	parts := make([]string, 0, len(s))
	for _, x := range s {
		parts = append(parts, x.Name+": "+x.Reason)
	}
	return strings.Join(parts, "; ")
}

func describeChosen(c []InterfaceInfo) string {
	parts := make([]string, 0, len(c))
	for _, i := range c {
		parts = append(parts, i.Name+" "+strings.Join(addrStrings(i.Addrs), ","))
	}
	return strings.Join(parts, "; ")
}

func logSkipped(log *slog.Logger, skipped []Skipped) {
	for _, s := range skipped {
		if strings.HasPrefix(s.Reason, "loopback") {
			continue // always skipped; not news
		}
		log.Info("mDNS: not using interface", "iface", s.Name, "reason", s.Reason)
	}
}
