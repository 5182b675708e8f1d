package hub

// Benchmarks for exploration's speed targets (docs/benchmarks.md, "Exploration"):
//
//	go test ./hub -run '^$' -bench 'PartyMove|MoveCompute|SessionStateStates' -benchtime 400x -count 5
//
// BenchmarkPartyMove measures the hub's CPU, not wall time: the hub runs in the benchmark's
// process and every client (the DM and 8 players on real loopback WebSockets) in a child
// process, so this process's CPU time (getrusage: user + system) over N moves, divided by N, is
// what one move costs the hub — computing sight, committing to SQLite (fsync included), and
// writing every frame — with no client's work mixed in.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/hexcrawl/hexcrawl/game"
)

const (
	moveSide    = 200 // a 200×200 map: 40,000 hexes
	moveSight   = 6   // every terrain sees 6 hexes around; taller terrain blocks the line
	movePlayers = 8
)

// moveTerrain paints the benchmark map: plains, with forest (height 1) on about one hex in six,
// hills on one in twenty and mountains (height 2) on one in fifty, scattered by a hash so lines
// of sight are blocked irregularly.
func moveTerrain(i int) game.Terrain {
	h := uint32(i) * 2654435761
	switch h >> 24 % 100 {
	case 0, 1:
		return game.Mountains
	case 2, 3, 4, 5, 6:
		return game.Hills
	}
	if h>>24%6 == 0 {
		return game.Forest
	}
	return game.Plains
}

// moveRules give every terrain sight 6 and keep the heights that block lines of sight.
func moveRules() game.SightRules {
	rules := game.SightRules{}
	for t, r := range game.DefaultSightRules() {
		r.Sight = moveSight
		rules[t] = r
	}
	return rules
}

// snake is the party's route: east along a row, six steps south, west along the next, … every
// step onto a hex next to the last, each revealing the edge of sight that is new. Once the map
// is walked (about 5,000 steps) it walks back the same way.
func snake(n int) []string {
	var route []string
	col, row, dir := moveSight, moveSight, 1
	for row < moveSide-moveSight {
		if col+dir < moveSight || col+dir >= moveSide-moveSight {
			dir = -dir
			for range moveSight {
				if row+1 >= moveSide-moveSight {
					break
				}
				row++
				route = append(route, mapKey(col, row))
			}
			if row+1 >= moveSide-moveSight {
				break
			}
			continue
		}
		col += dir
		route = append(route, mapKey(col, row))
	}
	pos := append([]string{mapKey(moveSight, moveSight)}, route...)
	back := slices.Clone(pos[:len(pos)-1])
	slices.Reverse(back)
	out := make([]string, 0, n)
	for leg := 0; len(out) < n; leg++ {
		steps := route // there: pos[1:]
		if leg%2 == 1 {
			steps = back // and back: pos[len-2] … pos[0]
		}
		out = append(out, steps[:min(len(steps), n-len(out))]...)
	}
	return out
}

// moveClientSpec is what the child process needs to play the table.
type moveClientSpec struct {
	WS       string   `json:"ws"`
	Token    string   `json:"token"`
	Cookies  []string `json:"cookies"`
	PartyID  string   `json:"partyId"`
	Path     []string `json:"path"`
	Prologue []string `json:"prologue"` // DM messages before the timed moves (not counted)
	Kind     string   `json:"kind"`     // the move's message type: party:move, or travel:move
}

const moveClientEnv = "HEXCRAWL_BENCH_MOVE_CLIENT"

// TestMoveBenchClient is the child process of BenchmarkPartyMove; run alone it does nothing.
func TestMoveBenchClient(t *testing.T) {
	raw := os.Getenv(moveClientEnv)
	if raw == "" {
		t.Skip("the client process of BenchmarkPartyMove")
	}
	var spec moveClientSpec
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		t.Fatal(err)
	}
	if err := runMoveClient(spec, os.Stdin, os.Stdout); err != nil {
		fmt.Println("error", err)
		t.Fatal(err)
	}
}

// moveReader reads one socket and reports the seq of each frame that ends a move for it: the
// DM's party:moved, a player's parties:changed (their own party's token moved).
func moveReader(conn *websocket.Conn, want string, seqs chan<- int64, errs chan<- error) {
	prefix := []byte(`{"type":"` + want + `","seq":`)
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			errs <- err
			return
		}
		if s, ok := strings.CutPrefix(string(data), string(prefix)); ok {
			var seq int64
			_, _ = fmt.Sscan(strings.SplitN(s, ",", 2)[0], &seq)
			seqs <- seq
		} else if strings.HasPrefix(string(data), `{"type":"error"`) {
			errs <- fmt.Errorf("%s", data)
			return
		}
	}
}

func runMoveClient(spec moveClientSpec, in io.Reader, out io.Writer) error {
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	dial := func(h http.Header, protocols []string) (*websocket.Conn, error) {
		d.Subprotocols = protocols
		c, _, err := d.Dial(spec.WS, h)
		if err != nil {
			return nil, err
		}
		_, _, err = c.ReadMessage() // session:state
		return c, err
	}
	dm, err := dial(nil, []string{subprotocol, dmTokenProtocol + spec.Token})
	if err != nil {
		return err
	}
	errs := make(chan error, 16)
	dmSeqs := make(chan int64, 64)
	go moveReader(dm, "party:moved", dmSeqs, errs)
	players := make([]chan int64, len(spec.Cookies))
	for n, cookie := range spec.Cookies {
		c, err := dial(http.Header{"Cookie": {cookie}}, nil)
		if err != nil {
			return err
		}
		players[n] = make(chan int64, 64)
		go moveReader(c, "parties:changed", players[n], errs)
	}
	send := func(msg string) error { return dm.WriteMessage(websocket.TextMessage, []byte(msg)) }
	// waitMove waits until the DM and every player have the frames of one move.
	waitMove := func() (time.Time, error) {
		var seq int64
		select {
		case seq = <-dmSeqs:
		case err := <-errs:
			return time.Time{}, err
		case <-time.After(10 * time.Second):
			return time.Time{}, fmt.Errorf("no party:moved within 10 s")
		}
		for _, p := range players {
			for {
				select {
				case s := <-p:
					if s < seq {
						continue
					}
				case err := <-errs:
					return time.Time{}, err
				case <-time.After(10 * time.Second):
					return time.Time{}, fmt.Errorf("a player missed move %d", seq)
				}
				break
			}
		}
		return time.Now(), nil
	}
	for _, msg := range spec.Prologue {
		if err := send(msg); err != nil {
			return err
		}
	}
	if err := send(`{"type":"party:place","partyId":"` + spec.PartyID + `","key":"` + mapKey(moveSight, moveSight) + `","reveal":true}`); err != nil {
		return err
	}
	if _, err := waitMove(); err != nil {
		return err
	}
	fmt.Fprintln(out, "ready")
	if _, err := bufio.NewReader(in).ReadString('\n'); err != nil {
		return err
	}
	lat := make([]time.Duration, 0, len(spec.Path))
	for _, key := range spec.Path {
		start := time.Now()
		if err := send(`{"type":"` + spec.Kind + `","partyId":"` + spec.PartyID + `","path":["` + key + `"]}`); err != nil {
			return err
		}
		end, err := waitMove()
		if err != nil {
			return err
		}
		lat = append(lat, end.Sub(start))
	}
	slices.Sort(lat)
	fmt.Fprintf(out, "done %d %d\n", percentile(lat, 0.5).Microseconds(), percentile(lat, 0.99).Microseconds())
	return nil
}

func cpuNow(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// moveTable sets up a 200×200 campaign with 8 players on the hub and returns the child's spec.
func moveTable(b *testing.B, th *testHub, n int) moveClientSpec {
	var m struct{ ID string }
	th.api("POST", "/api/campaigns/"+th.campaignID+"/maps",
		fmt.Sprintf(`{"name":"Wide","width":%d,"height":%d,"orientation":"flat"}`, moveSide, moveSide), 201, &m)
	th.api("PUT", "/api/campaigns/"+th.campaignID+"/active-map", `{"mapId":"`+m.ID+`"}`, 204, nil)
	changes := make([]string, 0, moveSide*moveSide)
	for i := range moveSide * moveSide {
		changes = append(changes, fmt.Sprintf(`{"key":"%d,%d","terrain":%q}`, i%moveSide, i/moveSide, moveTerrain(i)))
	}
	th.api("PATCH", "/api/maps/"+m.ID+"/hexes", `{"changes":[`+strings.Join(changes, ",")+`]}`, 200, nil)
	spec := moveClientSpec{WS: th.wsURL(th.campaignID), Token: testToken, Path: snake(n)}
	for i := range movePlayers {
		cookie, _ := th.join(fmt.Sprintf("P%d", i))
		spec.Cookies = append(spec.Cookies, cookie)
	}
	parties, err := th.store.ListParties(context.Background(), th.campaignID)
	if err != nil {
		b.Fatal(err)
	}
	spec.PartyID = parties[0].ID
	spec.Prologue = []string{`{"type":"session:start"}`, string(mustJSON(map[string]any{"type": "sight:rules", "rules": moveRules()}))}
	return spec
}

// BenchmarkPartyMove is one step of a party with sight 6 and line of sight on a 200×200 map:
// computed, committed and sent to the DM and 8 players, who wait for each move before the next.
// Target: under 1 ms of hub CPU per move (hub-cpu-µs/move).
func BenchmarkPartyMove(b *testing.B) { benchMoves(b, "party:move") }

// benchMoves is BenchmarkPartyMove with moves of the given type (travel_bench_test.go).
func benchMoves(b *testing.B, kind string, prologue ...string) {
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	n := b.N
	th := newTestHub(b)
	spec := moveTable(b, th, n)
	spec.Kind = kind
	spec.Prologue = append(spec.Prologue, prologue...)
	cmd := exec.Command(exe, "-test.run=^TestMoveBenchClient$", "-test.v")
	cmd.Env = append(os.Environ(), moveClientEnv+"="+string(mustJSON(spec)))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = cmd.Wait() }()
	lines := bufio.NewScanner(stdout)
	wait := func(prefix string) string {
		for lines.Scan() {
			if l := lines.Text(); strings.HasPrefix(l, prefix) || strings.HasPrefix(l, "error") {
				if strings.HasPrefix(l, "error") {
					b.Fatal(l)
				}
				return l
			}
		}
		b.Fatalf("the client process ended before %q", prefix)
		return ""
	}
	wait("ready")
	b.ResetTimer()
	cpu0 := cpuNow(b)
	if _, err := io.WriteString(stdin, "go\n"); err != nil {
		b.Fatal(err)
	}
	done := wait("done")
	cpu := cpuNow(b) - cpu0
	b.StopTimer()
	var p50, p99 int64
	_, _ = fmt.Sscanf(done, "done %d %d", &p50, &p99)
	b.ReportMetric(float64(cpu.Microseconds())/float64(n), "hub-cpu-µs/move")
	b.ReportMetric(float64(p50), "latency-p50-µs")
	b.ReportMetric(float64(p99), "latency-p99-µs")
}

// moveFixture is a room on the 200×200 map with 8 online players in one party and no sockets:
// the hub's own work for a move, without SQLite or the network.
func moveFixture(b *testing.B) (*Room, string, []int) {
	b.Helper()
	size := game.Size{Width: moveSide, Height: moveSide}
	mp := &mapState{info: game.MapInfo{ID: "m", Width: moveSide, Height: moveSide, Orientation: game.Flat}, size: size,
		terrain: make([]byte, size.Cells()), labels: map[int]string{}, notes: map[int]string{}, all: newKnowledge(size.Cells()),
		private: map[string]*knowledge{}, party: map[string]*knowledge{}, tokens: map[string]int{},
		moves: map[string][]*moveRecord{}, markerAt: map[int]int{}}
	for i := range mp.terrain {
		mp.terrain[i] = moveTerrain(i).Code()
	}
	party := &game.Party{ID: "p", Name: "P", Color: "#000000", Reveal: game.RevealSight, Default: true}
	st := &roomState{mp: mp, members: map[string]*member{}, parties: map[string]*game.Party{"p": party},
		partyOrder: []string{"p"}, sight: moveRules().MustCompile()}
	r := &Room{st: st, clients: map[*client]struct{}{}}
	for i := range movePlayers {
		m := newMember(game.Member{ID: fmt.Sprintf("m%d", i), PartyID: "p"})
		c := &client{role: game.RolePlayer, memberID: m.ID}
		m.clients[c] = struct{}{}
		r.clients[c] = struct{}{}
		st.members[m.ID] = m
		st.order = append(st.order, m.ID)
	}
	var cells []int
	for _, k := range snake(4000) {
		key, _ := game.ParseKey(k)
		cells = append(cells, size.Index(key))
	}
	mp.tokens["p"] = size.Index(game.Key{Col: moveSight, Row: moveSight})
	return r, "p", cells
}

// BenchmarkMoveCompute is the hub's computation for one step, alone: the sight from the new
// hex, the knowledge raised, the diff for 8 players and their frames (marshalled, not written).
func BenchmarkMoveCompute(b *testing.B) {
	r, partyID, cells := moveFixture(b)
	mp := r.st.mp
	n, raisedTotal := 0, 0
	for b.Loop() {
		if n%len(cells) == 0 && n > 0 {
			b.StopTimer() // the map is walked: forget it, so every step reveals a new edge
			mp.party[partyID] = nil
			mp.tokens[partyID] = cells[0]
			b.StartTimer()
		}
		cell := cells[n%len(cells)]
		n++
		raised := r.planSteps(r.st.parties[partyID], []int{cell}, nil)
		raisedTotal += len(raised)
		ch := r.newChange()
		ch.snapParties()
		for _, x := range raised {
			ch.touch(x.cell)
		}
		k := mp.scope(mp.party, partyID)
		for _, x := range raised {
			k.set(x.cell, x.after)
		}
		mp.tokens[partyID] = cell
		bt := &batch{r: r, reqSeq: int64(n)}
		r.emitPlayerDiffs(bt, ch)
		if len(bt.out) == 0 {
			b.Fatal("a move sent nothing")
		}
	}
	b.ReportMetric(float64(raisedTotal)/float64(n), "hexes-raised/move")
}

// BenchmarkSessionStateStates is a player's session:state on the 200×200 map with every kind of
// hex state (a third explored, a third glimpsed, a third fog), labels on explored hexes, two
// parties and markers. Target: about one byte per hex.
func BenchmarkSessionStateStates(b *testing.B) {
	r, partyID, _ := moveFixture(b)
	mp := r.st.mp
	k := mp.scope(mp.party, partyID)
	for i := range mp.terrain {
		switch i % 3 {
		case 0:
			k.set(i, game.LevelExplored)
		case 1:
			k.set(i, game.LevelGlimpsed)
		}
		if i%50 == 0 {
			mp.labels[i] = fmt.Sprintf("Place %d", i)
		}
	}
	r.st.parties["q"] = &game.Party{ID: "q", Name: "Scouts", Color: "#3070c0", Reveal: game.RevealSight}
	r.st.partyOrder = append(r.st.partyOrder, "q")
	mp.tokens["q"] = 300
	for i := range 20 {
		mp.addMarker(game.Marker{ID: fmt.Sprintf("mk%d", i), Key: mp.size.KeyAt(i * 999), Kind: game.MarkerCamp, Label: "Camp", Visibility: game.VisiblePlayers})
	}
	var n int
	b.ReportAllocs()
	for b.Loop() {
		n = len(r.st.playerState("m0"))
	}
	b.ReportMetric(float64(n), "bytes/state")
	b.ReportMetric(float64(n)/float64(moveSide*moveSide), "bytes/hex")
}

// The benchmark's route is a walk: every step onto a neighbour of the last, there and back.
func TestSnakeIsAWalk(t *testing.T) {
	prev, _ := game.ParseKey(mapKey(moveSight, moveSight))
	for i, s := range snake(12000) {
		k, _ := game.ParseKey(s)
		if !game.Adjacent(game.Flat, prev, k) {
			t.Fatalf("step %d: %v is not next to %v", i, k, prev)
		}
		prev = k
	}
}
