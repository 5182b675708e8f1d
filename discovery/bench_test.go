package discovery

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hexcrawl/hexcrawl/discovery/netnstest"
)

// BenchmarkBrowseFindsHub measures, between two namespaces, how long a
// browse takes from its first query to a complete answer (port, TXT and an
// address) from an advertising hub. The child process times itself, so
// process start-up is not counted.
func BenchmarkBrowseFindsHub(b *testing.B) {
	l := netnstest.NewLAN(b)
	ad := netnstest.StartSelf(b, l.A, roleEnv+"=advertise", "HX_INSTANCE=Bench")
	ad.Expect("READY", nil)
	b.ResetTimer()
	b.ReportMetric(meanMillis(b, l.B, "FIRST", roleEnv+"=first"), "ms/find")
	ad.Stop()
}

// BenchmarkLookupHost measures resolving hexcrawl.local over mDNS from the
// other namespace (socket setup included, process start-up not).
func BenchmarkLookupHost(b *testing.B) {
	l := netnstest.NewLAN(b)
	ad := netnstest.StartSelf(b, l.A, roleEnv+"=advertise", "HX_INSTANCE=Bench")
	ad.Expect("READY", nil)
	b.ResetTimer()
	b.ReportMetric(meanMillis(b, l.B, "TOOK", roleEnv+"=lookupTimed", "HX_HOST=hexcrawl.local"), "ms/lookup")
	ad.Stop()
}

// BenchmarkAdvertiseReady measures how long Advertise takes to return (the
// name probe dominates: it browses for ProbeTimeout, 1.5 s by default).
func BenchmarkAdvertiseReady(b *testing.B) {
	l := netnstest.NewLAN(b)
	var total time.Duration
	for b.Loop() {
		began := time.Now()
		ad := netnstest.StartSelf(b, l.A, roleEnv+"=advertise", "HX_INSTANCE=Bench")
		ad.Expect("READY", nil)
		total += time.Since(began)
		ad.Stop()
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/ready")
}

// BenchmarkSetNameSeen measures how long a rename (SetName) takes to reach a
// browser that is watching: from the call until it reports the new name
// (the 1.5 s probe for a free instance name dominates).
func BenchmarkSetNameSeen(b *testing.B) {
	l := netnstest.NewLAN(b)
	ad := netnstest.StartSelf(b, l.A, roleEnv+"=advertise", "HX_INSTANCE=Bench")
	ad.Expect("READY", nil)
	watch := netnstest.StartSelf(b, l.B, roleEnv+"=watch")
	watch.Expect("FOUND", nil)
	var total time.Duration
	i := 0
	for b.Loop() {
		i++
		name := "Bench " + strconv.Itoa(i)
		began := time.Now()
		ad.Send("name " + name + "|" + name)
		watch.Line("FOUND "+name, func(s string) bool {
			return strings.HasPrefix(s, "FOUND ") && strings.Contains(s, `"instance":"`+name+`"`)
		})
		total += time.Since(began)
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/rename")
	watch.Stop()
	ad.Stop()
}

// meanMillis runs a child in ns once per iteration and averages the microseconds it prints
// after word ("FIRST 1234"): the child times itself, so process start-up is not counted.
func meanMillis(b *testing.B, ns, word string, env ...string) float64 {
	var total time.Duration
	for b.Loop() {
		p := netnstest.StartSelf(b, ns, env...)
		line := p.Line(word, func(s string) bool { return strings.HasPrefix(s, word+" ") })
		p.Wait()
		us, _ := strconv.Atoi(strings.TrimPrefix(line, word+" "))
		total += time.Duration(us) * time.Microsecond
	}
	return float64(total.Microseconds()) / float64(b.N) / 1000
}
