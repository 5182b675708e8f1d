package discovery

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/miekg/dns"
)

const (
	// ServiceType is the DNS-SD service type of a Hexcrawl hub.
	ServiceType = "_hexcrawl._tcp"
	// DefaultHostName is the short name a hub asks for: hexcrawl.local.
	DefaultHostName = "hexcrawl"
	domain          = "local."
	serviceName     = ServiceType + "." + domain // _hexcrawl._tcp.local.

	txtProtocol = "protocol"
	txtPath     = "path"
	txtCampaign = "campaign"

	maxLabel = 63  // bytes in one DNS label
	maxTXT   = 255 // bytes in one TXT string
)

// instanceLabel turns a campaign name into a DNS-SD instance name: any UTF-8
// is allowed (RFC 6763 §4.1.1) but not control characters, and at most 63
// bytes, cut at a character boundary.
func instanceLabel(campaign string) string {
	s := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, campaign)
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		s = "Hexcrawl"
	}
	return truncateUTF8(s, maxLabel)
}

func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return strings.TrimSpace(s)
}

// hostLabel makes a host name label: lower-case letters, digits and hyphens
// (RFC 952/1123), short enough to take a "-NN" suffix.
func hostLabel(s string) string {
	s = strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), "."), ".local")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > maxLabel-4 {
		out = strings.TrimRight(out[:maxLabel-4], "-")
	}
	if out == "" {
		return DefaultHostName
	}
	return out
}

// presentLabel renders one raw label in miekg/dns presentation format (spaces
// and dots escaped, bytes outside ASCII as \DDD). zeroconf compares incoming
// question names, which miekg/dns unpacks into that format, with the names it
// was given as plain strings: giving it the escaped form makes both match.
func presentLabel(raw string) string {
	wire := make([]byte, 0, len(raw)+2)
	wire = append(wire, byte(len(raw)))
	wire = append(wire, raw...)
	wire = append(wire, 0)
	name, _, err := dns.UnpackDomainName(wire, 0)
	if err != nil {
		return raw
	}
	return strings.TrimSuffix(name, ".")
}

// firstLabel returns the raw bytes of the first label of a presentation-format
// name, undoing escapes.
func firstLabel(name string) (string, bool) {
	buf := make([]byte, 256)
	n, err := dns.PackDomainName(dns.Fqdn(name), buf, 0, nil, false)
	if err != nil || n == 0 || buf[0] == 0 || int(buf[0])+1 > n {
		return "", false
	}
	return string(buf[1 : 1+int(buf[0])]), true
}

// instanceName is the full DNS-SD instance name for a raw instance label.
func instanceName(label string) string {
	return presentLabel(label) + "." + serviceName
}

// escapeTXT prepares a TXT string for miekg/dns, which reads backslash
// escapes when packing.
func escapeTXT(s string) string {
	return strings.ReplaceAll(s, `\`, `\\`)
}

// unescapeTXT undoes miekg/dns's presentation escapes (\X and \DDD) of an
// unpacked TXT string.
func unescapeTXT(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b = append(b, c)
			continue
		}
		if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			v, _ := strconv.Atoi(s[i+1 : i+4])
			if v <= 255 {
				b = append(b, byte(v))
				i += 3
				continue
			}
		}
		b = append(b, s[i+1])
		i++
	}
	return string(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// txtRecords encodes the hub's facts as DNS-SD key=value strings.
func txtRecords(protocol int, path, campaign string) []string {
	kv := func(k, v string) string {
		return escapeTXT(truncateUTF8(k+"="+v, maxTXT))
	}
	return []string{
		kv(txtProtocol, strconv.Itoa(protocol)),
		kv(txtPath, path),
		kv(txtCampaign, campaign),
	}
}

// parseTXT reads key=value strings (keys are case-insensitive, RFC 6763 §6.4).
func parseTXT(txt []string) map[string]string {
	out := make(map[string]string, len(txt))
	for _, t := range txt {
		t = unescapeTXT(t)
		k, v, _ := strings.Cut(t, "=")
		k = strings.ToLower(k)
		if _, dup := out[k]; !dup && k != "" {
			out[k] = v // the first occurrence wins (§6.4)
		}
	}
	return out
}

// chooseNames picks the first host label (base, base-2, base-3, ...) and
// instance label (inst, "inst (2)", ...) that no other hub uses. taken* hold
// lower-cased labels.
func chooseNames(baseHost, inst string, takenHosts, takenInstances map[string]bool) (string, string) {
	host := baseHost
	for n := 2; takenHosts[strings.ToLower(host)]; n++ {
		host = fmt.Sprintf("%s-%d", baseHost, n)
	}
	name := inst
	for n := 2; takenInstances[strings.ToLower(name)]; n++ {
		suffix := fmt.Sprintf(" (%d)", n)
		name = truncateUTF8(inst, maxLabel-len(suffix)) + suffix
	}
	return host, name
}

// hubURL builds http://host:port/path; IPv6 addresses get brackets.
func hubURL(host string, port int, path string) string {
	if a, err := netip.ParseAddr(host); err == nil && a.Is6() {
		host = "[" + a.String() + "]"
	}
	if path == "" || path[0] != '/' {
		path = "/" + path
	}
	if port == 80 {
		return "http://" + host + path
	}
	return "http://" + host + ":" + strconv.Itoa(port) + path
}
