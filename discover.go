package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/hexcrawl/hexcrawl/discovery"
)

// ifaceList is a flag that may be repeated or given comma-separated.
type ifaceList []string

func (l *ifaceList) String() string { return strings.Join(*l, ",") }

func (l *ifaceList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// discoveredHub is one line of `hexcrawl discover --json`.
type discoveredHub struct {
	discovery.Hub
	URL  string   `json:"url"`
	URLs []string `json:"urls"`
}

// runDiscover implements `hexcrawl discover`: list the hubs on the LAN.
// Exit codes: 0 (also when none was found), 1 when browsing is impossible,
// 2 for bad flags.
func runDiscover(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("discover", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	timeout := fs.Duration("timeout", 3*time.Second, "how long to listen for hubs")
	var ifaces ifaceList
	fs.Var(&ifaces, "iface", "network interface to search on (repeat or comma-separate; default: the LAN interfaces)")
	asJSON := fs.Bool("json", false, "print the hubs as a JSON array")
	usageError := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "discover: "+format+"\nRun \"hexcrawl discover --help\" for the flags.\n", a...)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, "Usage: hexcrawl discover [--timeout 3s] [--iface NAME] [--json]")
			fmt.Fprintln(stdout, "Lists the Hexcrawl hubs advertised on the local network over mDNS.")
			fmt.Fprintln(stdout, "\nFlags:")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return 0
		}
		return usageError("%v", err)
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	if *timeout <= 0 {
		return usageError("--timeout must be positive")
	}
	if len(ifaces) > 0 {
		unknown, unusable, err := checkIfaces(ifaces)
		if err != nil {
			fmt.Fprintf(stderr, "discover: %v\n", err)
			return 1
		}
		if unknown != "" {
			return usageError("%s", unknown)
		}
		if unusable != "" {
			fmt.Fprintf(stderr, "discover: %s\n", unusable)
			return 1
		}
	}

	if !*asJSON {
		fmt.Fprintf(stderr, "Looking for Hexcrawl hubs for %s…\n", *timeout)
	}
	hubs, err := discovery.Browse(ctx, discovery.BrowseOptions{Timeout: *timeout, Interfaces: ifaces})
	if err != nil {
		fmt.Fprintf(stderr, "discover: %v\n", err)
		if errors.Is(err, discovery.ErrNoInterface) {
			fmt.Fprintln(stderr, "Connect to the table's network (Wi-Fi or Ethernet), or name an interface with --iface.")
		}
		return 1
	}

	if *asJSON {
		out := make([]discoveredHub, 0, len(hubs))
		for _, h := range hubs {
			if h.Addrs == nil {
				h.Addrs = []netip.Addr{}
			}
			out = append(out, discoveredHub{Hub: h, URL: h.URL(), URLs: h.URLs()})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(stderr, "discover: %v\n", err)
			return 1
		}
		return 0
	}

	if len(hubs) == 0 {
		fmt.Fprintf(stdout, "No hubs found on the LAN within %s.\n", *timeout)
		fmt.Fprintln(stdout, "Is the hub running (`hexcrawl serve`) and on the same network? See docs/discovery.md.")
		return 0
	}
	if len(hubs) == 1 {
		fmt.Fprintln(stdout, "Found 1 hub:")
	} else {
		fmt.Fprintf(stdout, "Found %d hubs:\n", len(hubs))
	}
	for _, h := range hubs {
		fmt.Fprintf(stdout, "\n  %s", h.Instance)
		var about []string
		if h.Campaign != "" && h.Campaign != h.Instance {
			about = append(about, fmt.Sprintf("campaign %q", h.Campaign))
		}
		if h.ProtocolVersion != 0 {
			about = append(about, fmt.Sprintf("protocol v%d", h.ProtocolVersion))
		}
		if len(about) > 0 {
			fmt.Fprintf(stdout, "  (%s)", strings.Join(about, ", "))
		}
		fmt.Fprintln(stdout)
		for _, u := range h.URLs() {
			fmt.Fprintf(stdout, "    %s\n", u)
		}
	}
	return 0
}

// checkIfaces explains, in terms of --iface, a named interface that does not exist (unknown)
// or why none of the named ones can be searched on (unusable); the discovery package's own
// reasons speak of serve's --mdns-iface.
func checkIfaces(names []string) (unknown, unusable string, err error) {
	all, err := discovery.SystemInterfaces()
	if err != nil {
		return "", "", err
	}
	known := make([]string, 0, len(all))
	for _, i := range all {
		known = append(known, i.Name)
	}
	for _, n := range names {
		if !slices.Contains(known, n) {
			return fmt.Sprintf("--iface %s: no such interface (this computer has: %s)", n, strings.Join(known, ", ")), "", nil
		}
	}
	chosen, skipped := discovery.SelectInterfaces(all, names)
	if len(chosen) > 0 {
		return "", "", nil
	}
	var why []string
	for _, s := range skipped {
		if slices.Contains(names, s.Name) {
			why = append(why, fmt.Sprintf("--iface %s: %s", s.Name, s.Reason))
		}
	}
	return "", strings.Join(why, "; "), nil
}
