package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hexcrawl/hexcrawl/discovery/netnstest"
	hubpkg "github.com/hexcrawl/hexcrawl/hub"
)

// avahiScript runs in namespace B inside its own mount and PID namespaces (unshare -m -p -f
// --kill-child): a private D-Bus system bus and avahi-daemon, the same stack a Linux laptop
// at the table resolves .local names and browses DNS-SD services with. Nothing it starts
// outlives it, and nothing it mounts is seen outside.
const avahiScript = `set -eu
dir=$1
mount -t tmpfs tmpfs /run/dbus 2>/dev/null || { mkdir -p /run/dbus && mount -t tmpfs tmpfs /run/dbus; }
mkdir -p /run/avahi-daemon && mount -t tmpfs tmpfs /run/avahi-daemon
mount --bind "$dir/nsswitch.conf" /etc/nsswitch.conf
dbus-daemon --system --fork
avahi-daemon -f "$dir/avahi-daemon.conf" --no-drop-root --no-chroot -D
for i in $(seq 100); do [ -S /run/avahi-daemon/socket ] && break; sleep 0.1; done
avahi-browse -rp _hexcrawl._tcp | sed -u 's/^/BROWSE /' &
read -r _ # the test says when avahi has found the hub: avahi is up
# What a browser on this laptop does with http://hexcrawl.local:7777: getaddrinfo through
# nss-mdns and avahi, then HTTP. Failures are logged (shown if the test fails).
out=
for i in $(seq 20); do
	out=$(getent ahosts hexcrawl.local) && break
	echo "getent ahosts hexcrawl.local: exit $? at $(date +%T.%N)" >&2
	sleep 0.2
done
echo "$out" | sed 's/^/GETENT /'
echo "CURL $(curl -sS -m 10 http://hexcrawl.local:7777/api/hub)"
cat >/dev/null # until the test closes stdin
`

// TestAvahiFindsServe: a standard mDNS stack (avahi-daemon, avahi-browse, nss-mdns, as on a
// player's Linux laptop) finds `hexcrawl serve` with its TXT records, resolves hexcrawl.local
// through the C library, fetches a page from it, and sees the goodbye when the hub stops.
func TestAvahiFindsServe(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"avahi-daemon", "avahi-browse", "dbus-daemon", "getent", "curl", "unshare"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("skipping: %s not installed (scripts/install-deps.sh installs avahi-daemon avahi-utils libnss-mdns)", tool)
		}
	}
	if m, _ := filepath.Glob("/lib/*/libnss_mdns4_minimal.so.2"); len(m) == 0 {
		t.Skip("skipping: libnss-mdns not installed (scripts/install-deps.sh installs it)")
	}
	l := netnstest.NewLAN(t)
	dir := t.TempDir()
	files := map[string]string{
		"avahi-daemon.conf": "[server]\nuse-ipv4=yes\nuse-ipv6=yes\nallow-interfaces=lan0\nenable-dbus=yes\n" +
			"[publish]\ndisable-publishing=yes\n",
		"nsswitch.conf": "hosts: files mdns4_minimal [NOTFOUND=return] dns\n",
		"run.sh":        avahiScript,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	serve := runIn(t, l.A, "serve", "--addr", ":7777", "--data", filepath.Join(t.TempDir(), "hub.db"),
		"--dm-token", "avahi-dm-token-0123456789", "--no-qr")
	serve.Line("the .local address", func(s string) bool { return s == "Players open:   http://hexcrawl.local:7777" })

	laptop := netnstest.Start(t, l.B, nil, "unshare", "-m", "-p", "-f", "--kill-child", "--mount-proc",
		"bash", filepath.Join(dir, "run.sh"), dir)
	// avahi-browse -p: "=;iface;proto;instance;type;domain;host;address;port;txt..." once resolved;
	// instance names are escaped (\032 is a space).
	const instance = `The\032Fenlands\032\040demo\041`
	resolved := laptop.Line("avahi-browse resolving the hub over IPv4", func(s string) bool {
		return strings.HasPrefix(s, "BROWSE =;lan0;IPv4;"+instance+";_hexcrawl._tcp;local;")
	})
	f := strings.SplitN(strings.TrimPrefix(resolved, "BROWSE "), ";", 10)
	if len(f) < 10 || f[6] != "hexcrawl.local" || f[7] != "10.77.0.1" || f[8] != "7777" {
		t.Errorf("avahi-browse resolved %q; want hexcrawl.local, 10.77.0.1, 7777", resolved)
	} else {
		for _, kv := range []string{`"campaign=The Fenlands (demo)"`, `"path=/"`, `"protocol=` + strconv.Itoa(hubpkg.ProtocolVersion) + `"`} {
			if !strings.Contains(f[9], kv) {
				t.Errorf("avahi-browse TXT %s lacks %s", f[9], kv)
			}
		}
	}
	laptop.Send("resolve")
	if got := laptop.Line("getaddrinfo of hexcrawl.local", func(s string) bool { return strings.HasPrefix(s, "GETENT ") }); !strings.HasPrefix(got, "GETENT 10.77.0.1 ") {
		t.Errorf("getent ahosts hexcrawl.local: %q; want 10.77.0.1", got)
	}
	page := laptop.Line("the hub's answer at hexcrawl.local", func(s string) bool { return strings.HasPrefix(s, "CURL ") })
	var hub struct {
		Protocol int      `json:"protocol"`
		URLs     []string `json:"urls"`
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(page, "CURL ")), &hub); err != nil || hub.Protocol != hubpkg.ProtocolVersion ||
		len(hub.URLs) == 0 || hub.URLs[0] != "http://hexcrawl.local:7777" {
		t.Errorf("curl http://hexcrawl.local:7777/api/hub: %q (%v)", page, err)
	}

	serve.Terminate()
	laptop.Line("avahi-browse seeing the goodbye", func(s string) bool {
		return strings.HasPrefix(s, "BROWSE -;lan0;IPv4;"+instance+";_hexcrawl._tcp;local")
	})
	laptop.Stop()
}
