package hub

// Benchmarks for the history's speed targets (docs/benchmarks.md, "History"):
//
//	go test ./hub -run '^$' -bench 'BenchmarkHistory' -benchtime 20x -count 1
//	(book-memory and seek-without-copies: -benchtime 3x)
//	go test ./hub -run '^$' -bench 'BenchmarkRevealBesideReplay' -benchtime 400x -count 1
//
// Both play a long campaign first (longCampaign: 100,000 events on a 100×100 map, six players,
// fifty sessions of moves, reveals, hides, edits, markers, travel, splits and merges, publishes)
// through the room itself, so every payload is the hub's own.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/hexcrawl/hexcrawl/history"
	"github.com/hexcrawl/hexcrawl/storage"
)

const (
	histSide    = 100
	histPlayers = 6
	histEvents  = 100_000
	histSession = 2_000 // events per session
)

// walker walks a party over the map in rows, one neighbouring hex per step: along a row, a hex
// down (or up, on the way back) at its end, and along the next.
type walker struct {
	col, row, dir, vdir int
}

func (w *walker) next() string {
	if w.col+w.dir < 1 || w.col+w.dir >= histSide-1 {
		w.dir = -w.dir
		if w.row+w.vdir < 1 || w.row+w.vdir >= histSide-1 {
			w.vdir = -w.vdir
		}
		w.row += w.vdir // the hex straight below (above) is a neighbour on either parity
		return mapKey(w.col, w.row)
	}
	w.col += w.dir
	return mapKey(w.col, w.row)
}

// longCampaign plays events events into th's campaign through its room (requests submitted
// without waiting, so they commit in batches as a busy table's would) and returns the players.
func longCampaign(tb testing.TB, th *testHub, events int) []string {
	ctx := context.Background()
	var m struct{ ID string }
	th.api("POST", "/api/campaigns/"+th.campaignID+"/maps",
		fmt.Sprintf(`{"name":"Long road","width":%d,"height":%d,"orientation":"flat"}`, histSide, histSide), 201, &m)
	th.api("PUT", "/api/campaigns/"+th.campaignID+"/active-map", `{"mapId":"`+m.ID+`"}`, 204, nil)
	changes := make([]string, 0, histSide*histSide)
	for i := range histSide * histSide {
		c := fmt.Sprintf(`{"key":"%d,%d","terrain":%q`, i%histSide, i/histSide, moveTerrain(i))
		if i%23 == 0 {
			c += fmt.Sprintf(`,"label":"Place %d"`, i)
		}
		changes = append(changes, c+"}")
	}
	th.api("PATCH", "/api/maps/"+m.ID+"/hexes", `{"changes":[`+strings.Join(changes, ",")+`]}`, 200, nil)
	var players []string
	for i := range histPlayers {
		_, id := th.join(fmt.Sprintf("P%d", i))
		players = append(players, id)
	}
	room, err := th.hub.room(ctx, th.campaignID)
	if err != nil {
		tb.Fatal(err)
	}
	submit := func(format string, args ...any) {
		cmd, err := decodeCommand(fmt.Appendf(nil, format, args...))
		if err != nil {
			tb.Fatalf("%s: %v", fmt.Sprintf(format, args...), err)
		}
		room.submit(&request{fn: func(b *batch) error { return room.command(b, cmd) }})
	}
	settle := func() int64 {
		if err := room.do(ctx, func(*batch) error { return nil }); err != nil {
			tb.Fatal(err)
		}
		seq, _ := th.store.LastSeq(ctx, th.campaignID)
		return seq
	}
	partyIDs := func() []string {
		ps, err := th.store.ListParties(ctx, th.campaignID)
		if err != nil {
			tb.Fatal(err)
		}
		var ids []string
		for _, p := range ps {
			ids = append(ids, p.ID)
		}
		return ids
	}
	rnd := rand.New(rand.NewPCG(12, 34))
	key := func() string { return mapKey(rnd.IntN(histSide), rnd.IntN(histSide)) }
	keys := func() string {
		k := []string{}
		for range 1 + rnd.IntN(7) {
			k = append(k, `"`+key()+`"`)
		}
		return strings.Join(k, ",")
	}
	main := partyIDs()[0]
	walkers := map[string]*walker{main: {col: 1, row: 1, dir: 1, vdir: 1}}
	submit(`{"type":"session:start"}`)
	submit(`{"type":"party:place","partyId":%q,"key":"1,1","reveal":true}`, main)
	scouts, sessionStart := "", int64(0)
	markers := 0
	for seq := settle(); seq < int64(events); seq = settle() {
		for range min(400, (int64(events)-seq)/2+1) {
			r := rnd.IntN(100)
			target := []string{`"all"`, fmt.Sprintf(`{"partyIds":[%q]}`, main), fmt.Sprintf(`{"playerIds":[%q]}`, players[rnd.IntN(histPlayers)])}[rnd.IntN(3)]
			state := []string{"glimpsed", "explored"}[rnd.IntN(2)]
			switch {
			case r < 45:
				submit(`{"type":"party:move","partyId":%q,"path":[%q]}`, main, walkers[main].next())
			case r < 55 && scouts != "":
				submit(`{"type":"party:move","partyId":%q,"path":[%q]}`, scouts, walkers[scouts].next())
			case r < 70:
				submit(`{"type":"hex:reveal","hexKeys":[%s],"targets":%s,"state":%q}`, keys(), target, state)
			case r < 73:
				submit(`{"type":"hex:hide","hexKeys":[%s],"targets":%s}`, keys(), target)
			case r < 85:
				submit(`{"type":"hex:update","changes":[{"key":%q,"terrain":%q}]}`, key(), moveTerrain(rnd.IntN(1000)))
			case r < 93:
				submit(`{"type":"hex:update","changes":[{"key":%q,"label":"Named %d"}]}`, key(), rnd.IntN(1000))
			case r < 97:
				markers++
				submit(`{"type":"marker:place","key":%q,"kind":"camp","label":"Camp %d","visibility":%q}`, key(), markers, []string{"dm", "players"}[rnd.IntN(2)])
			default:
				submit(`{"type":"travel:move","partyId":%q,"path":[%q]}`, main, walkers[main].next())
			}
		}
		seq = settle()
		switch {
		case seq-sessionStart >= histSession:
			submit(`{"type":"session:end"}`)
			submit(`{"type":"session:start"}`)
			sessionStart = seq
		case scouts == "" && rnd.IntN(4) == 0:
			submit(`{"type":"party:create","name":"Scouts","color":"#3070c0","playerIds":[%q,%q]}`, players[4], players[5])
			settle()
			ids := partyIDs()
			scouts = ids[len(ids)-1]
			w := *walkers[main]
			walkers[scouts] = &w
		case scouts != "" && rnd.IntN(4) == 0:
			submit(`{"type":"party:merge","partyId":%q,"intoId":%q}`, scouts, main)
			scouts = ""
		case rnd.IntN(3) == 0:
			submit(`{"type":"broadcast:mode","mode":"staged"}`)
			for range 3 {
				submit(`{"type":"hex:reveal","hexKeys":[%s],"targets":"all"}`, keys())
			}
			submit(`{"type":"hex:update","changes":[{"key":%q,"label":"Staged"}]}`, key())
			submit(`{"type":"broadcast:publish"}`)
			submit(`{"type":"broadcast:mode","mode":"immediate"}`)
		}
		if markers > 400 {
			markers = 0
			var ids []string
			if err := room.do(ctx, func(*batch) error {
				for _, mk := range room.st.mp.markers {
					ids = append(ids, mk.ID)
				}
				return nil
			}); err != nil {
				tb.Fatal(err)
			}
			for _, id := range ids {
				submit(`{"type":"marker:remove","markerId":%q}`, id)
			}
		}
	}
	return players
}

// TestLongCampaignReplays checks the benchmark's campaign itself, smaller: its replay ends
// where the room stands, for the DM and each player.
func TestLongCampaignReplays(t *testing.T) {
	if testing.Short() {
		t.Skip("plays 3,000 events")
	}
	th := newTestHub(t)
	players := longCampaign(t, th, 3000)
	tb := &table{t: t, th: th, ids: map[string]string{}}
	for n, id := range players {
		tb.ids[fmt.Sprint("P", n)] = id
	}
	live := tb.liveProjections("a long campaign")
	dm, views := tb.replayProjections(live.seq, true, live.players)
	if string(withoutPlayers(dm)) != string(withoutPlayers(live.dm)) {
		t.Fatalf("the DM's replay: %s", firstDiff(dm, live.dm))
	}
	for id, want := range live.players {
		if string(withoutPlayers(views[id])) != string(withoutPlayers(want)) {
			t.Fatalf("%s's replay: %s", id, firstDiff(views[id], want))
		}
	}
	// Part way, a replay from the book's copy and the events after it read back equals the
	// reducer run from the first event.
	ctx := context.Background()
	book, q, err := th.hub.history(ctx, th.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	at := int64(history.CheckpointEvery + 321)
	if book.Seq() <= at {
		t.Fatalf("only %d events: no copy to replay from", book.Seq())
	}
	fromCopy, err := book.StateAt(ctx, q, at)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := q.GetCampaign(ctx, th.campaignID)
	base, _ := bookBase(ctx, q, c)
	fromStart := history.New(base)
	if err := q.EachEvent(ctx, th.campaignID, 0, at, func(raw storage.Event) error {
		e, err := history.Decode(raw)
		fromStart.Apply(e)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	a, _ := replayRoom(th.campaignID, fromCopy)
	z, _ := replayRoom(th.campaignID, fromStart)
	if string(a.dmState()) != string(z.dmState()) {
		t.Fatalf("from the copy and from the start: %s", firstDiff(a.dmState(), z.dmState()))
	}
}

// BenchmarkHistory measures the history on a campaign of 100,000 events:
//   - cold: a book read from the log (what the first timeline of a hub run costs);
//   - timeline: the timeline's summary and its first page of entries, book warm;
//   - seek: a replay to a random seq projected for the DM, and for a player;
//   - hex: one hex's history; journal: one player's journal.
func BenchmarkHistory(b *testing.B) {
	th := newTestHub(b)
	start := time.Now()
	players := longCampaign(b, th, histEvents)
	ctx := context.Background()
	last, _ := th.store.LastSeq(ctx, th.campaignID)
	b.Logf("played %d events in %v", last, time.Since(start).Round(time.Millisecond))
	reader, err := th.store.OpenReader()
	if err != nil {
		b.Fatal(err)
	}
	defer reader.Close()
	q := reader.Queries
	c, _ := q.GetCampaign(ctx, th.campaignID)
	base, err := bookBase(ctx, q, c)
	if err != nil {
		b.Fatal(err)
	}
	get := func(path string) {
		b.Helper()
		status, raw := th.request("GET", "/api/campaigns/"+th.campaignID+path, "", map[string]string{"Authorization": "Bearer " + testToken})
		if status != 200 {
			b.Fatalf("%s: %d %.200s", path, status, raw)
		}
	}
	// Each also reports the process's CPU time per op (cpu-ms): on a machine shared with other
	// work, wall time says more about the neighbours than about the code.
	withCPU := func(b *testing.B, op func()) {
		start := cpuNow(b)
		for b.Loop() {
			op()
		}
		b.ReportMetric(float64((cpuNow(b)-start).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
	b.Run("cold", func(b *testing.B) {
		withCPU(b, func() {
			book := history.NewBook(th.campaignID, base)
			if err := book.Sync(ctx, q); err != nil {
				b.Fatal(err)
			}
		})
	})
	// What the book's copies cost in memory, and what a seek would cost without them: a replay
	// from the log's start to its middle (docs/history.md, "Copies").
	b.Run("book-memory", func(b *testing.B) {
		var m0, m1, m2 runtime.MemStats
		for b.Loop() {
			runtime.GC()
			runtime.ReadMemStats(&m0)
			book := history.NewBook(th.campaignID, base)
			if err := book.Sync(ctx, q); err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			runtime.ReadMemStats(&m1)
			st, err := book.StateAt(ctx, q, last) // a copy of the state at the end
			if err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			runtime.ReadMemStats(&m2)
			runtime.KeepAlive(book)
			runtime.KeepAlive(st)
		}
		b.ReportMetric(float64(m1.HeapAlloc-m0.HeapAlloc)/1e6, "MB-book")
		b.ReportMetric(float64(m2.HeapAlloc-m1.HeapAlloc)/1e6, "MB-state")
	})
	b.Run("seek-without-copies", func(b *testing.B) {
		for b.Loop() {
			st := history.New(base)
			if err := q.EachEvent(ctx, th.campaignID, 0, last/2, func(raw storage.Event) error {
				e, err := history.Decode(raw)
				if err != nil {
					return err
				}
				st.Apply(e)
				return nil
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
	get("/history") // warm the hub's book
	b.Run("timeline", func(b *testing.B) {
		withCPU(b, func() {
			get("/history")
			get("/history/entries?after=0&upTo=200")
		})
	})
	rnd := rand.New(rand.NewPCG(5, 6))
	b.Run("seek-dm", func(b *testing.B) {
		withCPU(b, func() { get(fmt.Sprintf("/history/state?seq=%d", 1+rnd.Int64N(last))) })
	})
	b.Run("seek-player", func(b *testing.B) {
		withCPU(b, func() {
			get(fmt.Sprintf("/history/state?seq=%d&as=player:%s", last/2+rnd.Int64N(last/2), players[rnd.IntN(len(players))]))
		})
	})
	b.Run("hex", func(b *testing.B) {
		for b.Loop() {
			get(fmt.Sprintf("/history/hex?mapId=%s&key=%s", url.QueryEscape(base.Maps[1].ID), mapKey(rnd.IntN(histSide), rnd.IntN(histSide))))
		}
	})
	b.Run("journal", func(b *testing.B) {
		cookie, _ := th.join("Late")
		for b.Loop() {
			if status, raw := th.request("GET", "/api/me/journal", "", map[string]string{"Cookie": cookie}); status != 200 {
				b.Fatalf("journal: %d %.200s", status, raw)
			}
		}
	})
}

// BenchmarkRevealBesideReplay is the DM's reveal as the DM's socket sees it (sent → hex:revealed
// back), on the 100,000-event campaign: alone, and while another client scrubs a replay as fast
// as it can (seeks to random seqs as the DM and as a player, and timeline pages). The room
// never waits for a replay: what difference there is comes from sharing the machine's CPU.
func BenchmarkRevealBesideReplay(b *testing.B) {
	th := newTestHub(b)
	players := longCampaign(b, th, histEvents)
	ctx := context.Background()
	last, _ := th.store.LastSeq(ctx, th.campaignID)
	d := websocket.Dialer{Subprotocols: []string{subprotocol, dmTokenProtocol + testToken}}
	conn, _, err := d.Dial(th.wsURL(th.campaignID), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	if _, _, err := conn.ReadMessage(); err != nil {
		b.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(7, 8))
	reveal := func() time.Duration {
		k := mapKey(rnd.IntN(histSide), rnd.IntN(histSide))
		start := time.Now()
		if err := conn.WriteMessage(websocket.TextMessage, fmt.Appendf(nil, `{"type":"hex:reveal","hexKeys":[%q],"targets":"all"}`, k)); err != nil {
			b.Fatal(err)
		}
		for {
			_, data, err := conn.ReadMessage()
			if err != nil {
				b.Fatal(err)
			}
			if strings.HasPrefix(string(data), `{"type":"hex:revealed"`) {
				return time.Since(start)
			}
			if strings.HasPrefix(string(data), `{"type":"error"`) {
				b.Fatalf("%s", data)
			}
		}
	}
	th.request("GET", "/api/campaigns/"+th.campaignID+"/history", "", map[string]string{"Authorization": "Bearer " + testToken})
	// every: the pause between two replays; 0 is as fast as one client can ask (a stress far
	// beyond a DM: the console keeps one replay request in flight, four a second when playing).
	run := func(b *testing.B, beside bool, every time.Duration) {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var replays atomic.Int64
		if beside {
			wg.Go(func() {
				r := rand.New(rand.NewPCG(9, 10))
				for n := 0; ; n++ {
					select {
					case <-stop:
						return
					default:
					}
					path := fmt.Sprintf("/history/state?seq=%d", 1+r.Int64N(last))
					switch n % 3 {
					case 1:
						path += "&as=player:" + players[r.IntN(len(players))]
					case 2:
						from := r.Int64N(last)
						path = fmt.Sprintf("/history/entries?after=%d&upTo=%d", from, from+200)
					}
					if status, raw := th.request("GET", "/api/campaigns/"+th.campaignID+path, "", map[string]string{"Authorization": "Bearer " + testToken}); status != 200 {
						b.Errorf("%s: %d %.200s", path, status, raw)
						return
					}
					replays.Add(1)
					if every > 0 {
						time.Sleep(every)
					}
				}
			})
		}
		lat := make([]time.Duration, 0, b.N)
		for b.Loop() {
			lat = append(lat, reveal())
		}
		close(stop)
		wg.Wait()
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(percentile(lat, 0.5).Microseconds()), "p50-µs")
		b.ReportMetric(float64(percentile(lat, 0.99).Microseconds()), "p99-µs")
		if beside {
			b.ReportMetric(float64(replays.Load())/b.Elapsed().Seconds(), "replays/s")
		}
	}
	// Interleaved, so the machine's other load falls on both alike.
	for round := range 3 {
		b.Run(fmt.Sprintf("alone-%d", round), func(b *testing.B) { run(b, false, 0) })
		b.Run(fmt.Sprintf("beside-replay-%d", round), func(b *testing.B) { run(b, true, 0) })
		b.Run(fmt.Sprintf("beside-scrub-%d", round), func(b *testing.B) { run(b, true, 100*time.Millisecond) })
	}
}
