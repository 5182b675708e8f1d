package hub

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkPingLatency is a player's ping reaching the DM and the 7 other players of their party
// over loopback WebSockets through the real hub: from the pinger's write to each other socket's
// read (the pinger's own echo is awaited, not counted). Nothing is written for a ping, so this is
// the room's queue, the fog check per receiver and the sockets. The ping bucket (a few a second
// per player) is emptied before each op: it is there for people, not for the benchmark.
//
//	go test ./hub -run '^$' -bench PingLatency -benchtime 1000x -count 3
func BenchmarkPingLatency(b *testing.B) {
	t := newBenchTable(b, 8)
	pinger, others := t.players[0], t.players[1:]
	var perClient, slowest []time.Duration
	arrivals := make([]time.Time, 0, len(others)+1)
	i := 0
	for b.Loop() {
		n := i % (benchSide * benchSide / 2) // a hex of the explored half
		key := fmt.Sprintf("%d,%d", n%benchSide, n/benchSide)
		i++
		// Paced under the player's message budget (50 a second): past it the socket's reader
		// waits, by design, and that wait would be all this measured.
		time.Sleep(25 * time.Millisecond)
		t.th.hub.pingMu.Lock()
		clear(t.th.hub.pingBuckets)
		t.th.hub.pingMu.Unlock()
		sent := time.Now()
		pinger.send(b, `{"type":"hex:ping","key":"`+key+`"}`)
		arrivals = t.dm.await(b, 1, arrivals[:0])
		for _, p := range others {
			arrivals = p.await(b, 1, arrivals)
		}
		pinger.await(b, 1, nil)
		var worst time.Duration
		for _, at := range arrivals {
			d := at.Sub(sent)
			perClient = append(perClient, d)
			worst = max(worst, d)
		}
		slowest = append(slowest, worst)
	}
	reportLatencies(b, "client", perClient)
	reportLatencies(b, "all8", slowest)
}
