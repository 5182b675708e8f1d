package hub

// Benchmarks for the hub's speed targets; the numbers and the commands that produced them
// are in docs/benchmarks.md ("Hub"). Nothing here asserts a time: the benchmarks report, people
// judge. Everything is real: SQLite files in b.TempDir(), a real hub on a loopback port, real
// WebSocket clients.
//
//	go test ./hub -run '^$' -bench . -benchtime 2s -count 5

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

const benchSide = 100 // a 100×100 map: 10,000 hexes

// stateFixture is a campaign on a fully painted 100×100 map with every hex revealed to
// somebody, loaded into a room state the way the hub loads it.
type stateFixture struct {
	st      *roomState
	players []string // member ids, joining order
}

// newStateFixture builds the campaign in a real SQLite file: the first shared hexes (row-major)
// are revealed to all, the next 8×perPlayer privately, perPlayer to each of the first 8
// players. Every 50th hex has a label and every 100th DM notes.
func newStateFixture(b *testing.B, members, shared, perPlayer int) *stateFixture {
	b.Helper()
	ctx := context.Background()
	store, err := storage.Open(ctx, b.TempDir()+"/hexcrawl.db")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = store.Close() })
	var campaignID string
	var players []string
	size := game.Size{Width: benchSide, Height: benchSide}
	err = store.Update(ctx, func(tx *storage.Tx) error {
		c, err := tx.CreateCampaign(ctx, "Bench")
		if err != nil {
			return err
		}
		campaignID = c.ID
		mp, err := tx.CreateMap(ctx, c.ID, "Bench", size, game.Flat)
		if err != nil {
			return err
		}
		hexes := make([]game.Hex, size.Cells())
		for i := range hexes {
			h := game.Hex{Key: size.KeyAt(i), Terrain: game.Terrains[i%len(game.Terrains)]}
			if i%50 == 0 {
				h.Label = fmt.Sprintf("Place %d", i)
			}
			if i%100 == 0 {
				h.Notes = fmt.Sprintf("Secret %d: the bandits hide here", i)
			}
			hexes[i] = h
		}
		if err := tx.PutHexes(ctx, mp.ID, hexes); err != nil {
			return err
		}
		for i := range members {
			m, err := tx.CreateMember(ctx, c.ID, fmt.Sprintf("Player %d", i), binary.AppendUvarint([]byte("secret"), uint64(i)))
			if err != nil {
				return err
			}
			players = append(players, m.ID)
		}
		all := make([]game.Key, shared)
		for i := range all {
			all[i] = size.KeyAt(i)
		}
		if err := tx.RevealToAll(ctx, mp.ID, all, game.LevelExplored); err != nil {
			return err
		}
		if perPlayer > 0 {
			for p := range min(8, members) {
				keys := make([]game.Key, perPlayer)
				for i := range keys {
					keys[i] = size.KeyAt(shared + p*perPlayer + i)
				}
				if err := tx.RevealToMember(ctx, mp.ID, players[p], keys, game.LevelExplored); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	st, err := loadRoomState(ctx, store.Queries, campaignID)
	if err != nil {
		b.Fatal(err)
	}
	return &stateFixture{st: st, players: players}
}

// BenchmarkSessionState is the session:state a socket gets on connect. Target: under 100 KB and
// built in under 3 ms for 10,000 revealed hexes.
func BenchmarkSessionState(b *testing.B) {
	// mix: 6,000 hexes revealed to all, 500 more privately to each of 8 players.
	cases := []struct {
		name                       string
		members, shared, perPlayer int
	}{
		{"reveal=all/members=8", 8, 10000, 0},
		{"reveal=mix/members=8", 8, 6000, 500},
		{"reveal=all/members=1000", 1000, 10000, 0},
	}
	for _, tc := range cases {
		f := newStateFixture(b, tc.members, tc.shared, tc.perPlayer)
		b.Run("player/"+tc.name, func(b *testing.B) {
			var n int
			b.ReportAllocs()
			for b.Loop() {
				n = len(f.st.playerState(f.players[0]))
			}
			b.ReportMetric(float64(n), "bytes/state")
		})
		b.Run("dm/"+tc.name, func(b *testing.B) {
			var n int
			b.ReportAllocs()
			for b.Loop() {
				n = len(f.st.dmState())
			}
			b.ReportMetric(float64(n), "bytes/state")
		})
	}
}

// BenchmarkEmitPlayerDiffs is the hub's own per-recipient work for one reveal: working out what
// each online player now sees and grouping players with the same difference onto one frame.
// The frames are not written (that is melody's part; tools/hexload measures the whole path).
// The clients are real client values with no socket: emitPlayerDiffs only queues frames.
func BenchmarkEmitPlayerDiffs(b *testing.B) {
	for _, tc := range []struct {
		name    string
		members int
		private bool // reveal to one player instead of all
	}{
		{"players=8/targets=all", 8, false},
		{"players=1000/targets=all", 1000, false},
		{"players=1000/targets=one", 1000, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			// Hexes 0–3,999 revealed to all, 4,000–7,999 privately; the rest to nobody.
			f := newStateFixture(b, tc.members, 4000, 500)
			r := &Room{st: f.st, clients: map[*client]struct{}{}}
			for _, id := range f.players {
				c := &client{role: game.RolePlayer, memberID: id}
				f.st.members[id].clients[c] = struct{}{}
				r.clients[c] = struct{}{}
			}
			mp := f.st.mp
			target := f.players[0]
			i := mp.size.Index(game.Key{Col: 0, Row: benchSide - 1}) // revealed to nobody
			var frames, recipients int
			for b.Loop() {
				ch := r.newChange()
				ch.touch(i)
				if tc.private {
					mp.private[target].set(i, game.LevelExplored)
				} else {
					mp.all.set(i, game.LevelExplored)
				}
				bt := &batch{r: r, reqSeq: 1}
				r.emitPlayerDiffs(bt, ch)
				mp.all.set(i, game.LevelUnknown)
				mp.private[target].set(i, game.LevelUnknown)
				frames, recipients = len(bt.out), 0
				for _, o := range bt.out {
					recipients += len(o.to)
				}
			}
			if recipients == 0 {
				b.Fatal("no recipients: the benchmark measures nothing")
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(recipients), "ns/delivered")
			b.ReportMetric(float64(frames), "frames/op")
		})
	}
}

// benchTable is a live session on a 100×100 map through the real hub: the DM and n players
// connected over loopback WebSockets, everyone's frames read and timestamped.
type benchTable struct {
	th      *testHub
	mapID   string
	dm      *benchConn
	players []*benchConn
}

// benchConn reads a socket and passes on the arrival time of each frame of a benchTypes type.
type benchConn struct {
	conn *websocket.Conn
	got  chan time.Time
}

func newBenchConn(b *testing.B, c *wsClient) *benchConn {
	bc := &benchConn{conn: c.conn, got: make(chan time.Time, 4096)}
	first := make(chan struct{})
	go func() {
		seenState := false
		for {
			_, data, err := bc.conn.ReadMessage()
			if err != nil {
				return
			}
			at := time.Now()
			if !seenState {
				seenState = true
				close(first)
				continue
			}
			for _, typ := range benchTypes {
				if bytes.HasPrefix(data, typ) {
					bc.got <- at
					break
				}
			}
		}
	}()
	select {
	case <-first:
	case <-time.After(10 * time.Second):
		b.Fatal("no session:state within 10 s")
	}
	return bc
}

// benchTypes are the frames the benchmarks wait for (marshalled structs start with their type).
var benchTypes = [][]byte{
	[]byte(`{"type":"hex:revealed"`), []byte(`{"type":"hex:hidden"`),
	[]byte(`{"type":"hex:updated"`), []byte(`{"type":"session:statusChanged"`), []byte(`{"type":"hex:pinged"`),
}

// await takes n frames' arrival times, failing after 10 s (a lost frame is a bug, not a number).
func (bc *benchConn) await(b *testing.B, n int, into []time.Time) []time.Time {
	for range n {
		select {
		case at := <-bc.got:
			into = append(into, at)
		case <-time.After(10 * time.Second):
			b.Fatalf("frame missing after 10 s")
		}
	}
	return into
}

func (bc *benchConn) send(b *testing.B, msg string) {
	if err := bc.conn.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		b.Fatal(err)
	}
}

func newBenchTable(b *testing.B, players int) *benchTable {
	b.Helper()
	th := newTestHub(b)
	var m struct{ ID string }
	th.api("POST", "/api/campaigns/"+th.campaignID+"/maps",
		fmt.Sprintf(`{"name":"Big","width":%d,"height":%d,"orientation":"flat"}`, benchSide, benchSide), 201, &m)
	th.api("PUT", "/api/campaigns/"+th.campaignID+"/active-map", `{"mapId":"`+m.ID+`"}`, 204, nil)
	var changes []string
	for i := range benchSide * benchSide {
		changes = append(changes, fmt.Sprintf(`{"key":"%d,%d","terrain":%q}`, i%benchSide, i/benchSide, game.Terrains[i%len(game.Terrains)]))
	}
	th.api("PATCH", "/api/maps/"+m.ID+"/hexes", `{"changes":[`+strings.Join(changes, ",")+`]}`, 200, nil)

	t := &benchTable{th: th, mapID: m.ID}
	dm, _, err := th.dial("dm", th.campaignID, dialOpts{subprotocols: []string{subprotocol, dmTokenProtocol + testToken}, noRead: true})
	if err != nil {
		b.Fatal(err)
	}
	t.dm = newBenchConn(b, dm)
	for i := range players {
		cookie, _ := th.join(fmt.Sprintf("P%d", i))
		c, _, err := th.dial("p", th.campaignID, dialOpts{header: http.Header{"Cookie": {cookie}}, noRead: true})
		if err != nil {
			b.Fatal(err)
		}
		t.players = append(t.players, newBenchConn(b, c))
	}
	t.dm.send(b, `{"type":"session:start"}`)
	t.all(b, 1, nil)
	// The first half of the map is already explored, as mid-campaign.
	keys := make([]string, benchSide*benchSide/2)
	for i := range keys {
		keys[i] = fmt.Sprintf(`"%d,%d"`, i%benchSide, i/benchSide)
	}
	t.dm.send(b, `{"type":"hex:reveal","targets":"all","hexKeys":[`+strings.Join(keys, ",")+`]}`)
	t.all(b, 1, nil)
	return t
}

// freshKey is the i-th hex of the unexplored half (wraps after 5,000).
func freshKey(i int) string {
	n := benchSide*benchSide/2 + i%(benchSide*benchSide/2)
	return fmt.Sprintf("%d,%d", n%benchSide, n/benchSide)
}

// all waits for n frames on the DM's socket and on every player's, returning the players'
// arrival times.
func (t *benchTable) all(b *testing.B, n int, into []time.Time) []time.Time {
	t.dm.await(b, n, nil)
	for _, p := range t.players {
		into = p.await(b, n, into)
	}
	return into
}

func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

func reportLatencies(b *testing.B, prefix string, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(percentile(lat, 0.50).Microseconds()), prefix+"-p50-µs")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds()), prefix+"-p99-µs")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), prefix+"-max-µs")
}

// BenchmarkRevealLatency is a DM's reveal reaching 8 players over loopback WebSockets through
// the real hub, the durable SQLite commit included: from the DM's write to each player's read.
// One op is a reveal and the hide that undoes it, each waited for. Target: p99 under 2 ms.
func BenchmarkRevealLatency(b *testing.B) {
	t := newBenchTable(b, 8)
	var perPlayer, slowest []time.Duration
	arrivals := make([]time.Time, 0, len(t.players))
	i := 0
	for b.Loop() {
		key := freshKey(i)
		i++
		sent := time.Now()
		t.dm.send(b, `{"type":"hex:reveal","targets":"all","hexKeys":["`+key+`"]}`)
		arrivals = t.all(b, 1, arrivals[:0])
		var worst time.Duration
		for _, at := range arrivals {
			d := at.Sub(sent)
			perPlayer = append(perPlayer, d)
			worst = max(worst, d)
		}
		slowest = append(slowest, worst)
		t.dm.send(b, `{"type":"hex:hide","targets":"all","hexKeys":["`+key+`"]}`)
		t.all(b, 1, nil)
	}
	reportLatencies(b, "player", perPlayer)
	reportLatencies(b, "all8", slowest)
}

// BenchmarkGroupCommit sends bursts of DM messages back to back through the real hub and counts
// the SQLite commits they cost (from the WAL file), against the same messages one at a time.
// One op is one burst of 64 messages; msgs/s is the throughput including every reply.
func BenchmarkGroupCommit(b *testing.B) {
	const burst = 64
	for _, tc := range []struct {
		name     string
		reveal   bool // reveal hexes to all (players get frames) instead of painting unseen ones
		waitEach bool // one at a time: send, wait for the reply, send the next
	}{
		{name: "paint/back-to-back"},
		{name: "paint/one-at-a-time", waitEach: true},
		{name: "reveal/back-to-back", reveal: true},
		{name: "reveal/one-at-a-time", reveal: true, waitEach: true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			t := newBenchTable(b, 8)
			wal := newWALCounter(b, t.th.store.Path())
			msgs := make([]string, burst)
			keys := make([]string, burst)
			var commits, sent int
			var busy time.Duration
			round := 0
			for b.Loop() {
				b.StopTimer()
				for i := range msgs {
					keys[i] = `"` + freshKey(round*burst+i) + `"`
					if tc.reveal {
						msgs[i] = `{"type":"hex:reveal","targets":"all","hexKeys":[` + keys[i] + `]}`
					} else {
						terrain := game.Terrains[round%len(game.Terrains)]
						msgs[i] = `{"type":"hex:update","changes":[{"key":` + keys[i] + `,"terrain":"` + string(terrain) + `"}]}`
					}
				}
				round++
				wal.reset(b)
				b.StartTimer()
				start := time.Now()
				for _, m := range msgs {
					t.dm.send(b, m)
					if tc.waitEach {
						t.dm.await(b, 1, nil)
					}
				}
				if !tc.waitEach {
					t.dm.await(b, burst, nil)
				}
				if tc.reveal {
					for _, p := range t.players {
						p.await(b, burst, nil)
					}
				}
				busy += time.Since(start)
				b.StopTimer()
				commits += wal.commits(b)
				sent += burst
				if tc.reveal { // hide them again, so every burst reveals fresh hexes
					t.dm.send(b, `{"type":"hex:hide","targets":"all","hexKeys":[`+strings.Join(keys, ",")+`]}`)
					t.all(b, 1, nil)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(commits)/float64(sent), "commits/msg")
			b.ReportMetric(float64(sent)/busy.Seconds(), "msgs/s")
		})
	}
}

// walCounter counts the transactions committed to a SQLite WAL file since its last reset: every
// commit ends with exactly one frame whose "database size after commit" field is non-zero.
type walCounter struct {
	db   *sql.DB
	path string
}

func newWALCounter(b *testing.B, dbPath string) *walCounter {
	// A second connection of our own (the driver is registered by storage) to checkpoint the
	// WAL down to nothing before each burst.
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(5000)")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	return &walCounter{db: db, path: dbPath + "-wal"}
}

func (w *walCounter) reset(b *testing.B) {
	var busy, logFrames, done int
	if err := w.db.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done); err != nil {
		b.Fatal(err)
	}
	if busy != 0 {
		b.Fatal("WAL checkpoint blocked: commit counts would be wrong")
	}
}

func (w *walCounter) commits(b *testing.B) int {
	raw, err := os.ReadFile(w.path)
	if err != nil {
		b.Fatal(err)
	}
	if len(raw) < 32 {
		return 0
	}
	pageSize := int(binary.BigEndian.Uint32(raw[8:12]))
	salt := raw[16:24]
	n := 0
	for off := 32; off+24+pageSize <= len(raw); off += 24 + pageSize {
		hdr := raw[off : off+24]
		if !bytes.Equal(hdr[8:16], salt) {
			break // left over from before a restart of the WAL
		}
		if binary.BigEndian.Uint32(hdr[4:8]) != 0 {
			n++
		}
	}
	return n
}
