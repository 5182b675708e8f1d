package hub

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hexcrawl/hexcrawl/game"
)

// exploreMap paints the test hub's 8×6 flat map (row 0 first): plains with a hill, a forest, a
// swamp, a mountain range and a town, labels and DM notes on some of them.
var exploreMap = []string{
	"pppppppp",
	"ppppffpp",
	"pphpfmmp",
	"pppppmpp",
	"psspvppp",
	"pppppppp",
}

var exploreLabels = map[string]string{"2,2": "Barrow Hill", "1,1": "Well", "5,2": "Dragon Peak", "4,4": "Millbrook", "0,5": "Far Farm"}

func paintLine() string {
	var changes []map[string]any
	for row, line := range exploreMap {
		for col := range line {
			t, _ := game.TerrainFromCode(line[col])
			key := mapKey(col, row)
			c := map[string]any{"key": key, "terrain": t}
			if l, ok := exploreLabels[key]; ok {
				c["label"], c["notes"] = l, "SECRET-NOTE "+key
			}
			changes = append(changes, c)
		}
	}
	return string(mustJSON(map[string]any{"type": "hex:update", "changes": changes}))
}

func moved(t *testing.T, frames [][]byte) partyMovedMsg {
	t.Helper()
	for _, raw := range frames {
		if strings.Contains(string(raw), `"type":"party:moved"`) {
			return decode[partyMovedMsg](t, frame{raw: raw})
		}
	}
	t.Fatalf("no party:moved among %s", frames)
	return partyMovedMsg{}
}

// TestExplorationSession plays an evening of exploration: a party placed and moving with sight,
// a split, reveals to a party, a hide from one member that the others keep, undo, a merge
// mid-session, a player leaving every party, markers, staged moves published, other sight
// rules. After every step, each player's projection built from their deltas equals a fresh
// session:state and equals what the DM's state says they know, and no frame ever broke the fog.
func TestExplorationSession(t *testing.T) {
	tb := newTable(t, "Ana", "Bo", "Cy")
	tb.do(paintLine())
	tb.check("painting")
	if len(tb.parties) != 1 {
		t.Fatalf("a new campaign has parties %v", tb.parties)
	}
	tb.do(`{"type":"session:start"}`)

	// Placing the party with reveal: it explores its hex and glimpses what it sees from plains.
	m := moved(t, tb.do(`{"type":"party:place","partyId":"$P0","key":"1,2","reveal":true}`))
	// The six neighbours, and the mountains four hexes east: a range is seen from that far.
	if !slices.Equal(m.Explored, []string{"1,2"}) || len(m.Glimpsed) != 8 || !slices.Contains(m.Glimpsed, "5,2") || m.Undo != 1 {
		t.Fatalf("placing with sight: %+v", m)
	}
	tb.check("placing the party")
	if tb.codeAt("Ana", "1,2") != 'p' || tb.codeAt("Ana", "2,2") != 'H' || tb.codeAt("Ana", "3,3") != '?' {
		t.Fatalf("Ana's grid after placing: %s", tb.grid("Ana"))
	}

	// A move up the hill: from hills (sight 2) the party sees farther; the mountains beyond the
	// forest stand out (landmark).
	m = moved(t, tb.do(`{"type":"party:move","partyId":"$P0","path":["2,2"]}`))
	if !slices.Contains(m.Explored, "2,2") || !slices.Contains(m.Glimpsed, "4,2") || m.Undo != 2 {
		t.Fatalf("the hill: %+v", m)
	}
	tb.check("climbing the hill")

	// Bo splits off with the scouts; they remember the map made together and stand where the
	// party stood, then walk east on their own.
	frames := tb.do(`{"type":"party:create","name":"Scouts","color":"#3070c0","playerIds":["$BO"]}`)
	if len(tb.parties) != 2 {
		t.Fatalf("parties after the split: %v", tb.parties)
	}
	known := decode[partyKnownMsg](t, frame{raw: frames[1]})
	if known.PartyID != tb.parties[1] || !strings.Contains(known.Known, "2") {
		t.Fatalf("the split party's knowledge: %s", frames[1])
	}
	tb.check("the split")
	tb.do(`{"type":"party:update","partyId":"$P1","reveal":"hex"}`)
	tb.do(`{"type":"party:move","partyId":"$P1","path":["3,2","4,2"]}`)
	tb.check("the scouts walking east")
	// Ana's party has not explored 4,2: Bo's party is not on her map.
	if p, _ := replayPlayer(tb.players["Ana"].received()); strings.Contains(p.parties, tb.parties[1]) {
		t.Fatalf("Ana sees the scouts: %s", p.parties)
	}
	// The DM tells the scouts of a far hex, glimpsed: nobody else learns of it.
	tb.do(`{"type":"hex:reveal","hexKeys":["7,0"],"targets":{"partyIds":["$P1"]},"state":"glimpsed"}`)
	tb.check("a reveal to the scouts")
	if tb.codeAt("Bo", "7,0") != 'P' || tb.codeAt("Ana", "7,0") != '?' {
		t.Fatalf("the reveal to the scouts: Bo %q Ana %q", tb.codeAt("Bo", "7,0"), tb.codeAt("Ana", "7,0"))
	}

	// The scouts come back to 3,2, next to the hill, and the company steps to 2,3: each party
	// shows on the other's map only where that map is explored.
	tb.do(`{"type":"party:move","partyId":"$P1","path":["3,2"]}`)
	tb.do(`{"type":"party:move","partyId":"$P0","path":["2,3"]}`)
	tb.check("both parties moving")

	// Markers: DM-only first, then visible to whoever explored the hex.
	tb.do(`{"type":"marker:place","key":"2,2","kind":"camp","label":"Goblin camp","visibility":"dm"}`)
	tb.check("a DM-only marker")
	tb.do(`{"type":"marker:update","markerId":"$M0","visibility":"players"}`)
	tb.check("the marker made visible")
	tb.do(`{"type":"marker:place","key":"6,5","kind":"monster","label":"Wyrm","visibility":"players"}`)
	tb.check("a marker nobody has explored")

	// Hiding 2,2 from Ana alone: the company's knowledge of it moves to Cy, so exactly Ana
	// loses it (and the camp on it).
	frames = tb.do(`{"type":"hex:hide","hexKeys":["2,2"],"targets":{"playerIds":["$ANA"]}}`)
	if !strings.Contains(string(frames[len(frames)-1]), `"type":"player:known"`) {
		t.Fatalf("the DM was not told where the company's knowledge went: %s", frames)
	}
	tb.check("a hide from one member")
	if tb.codeAt("Ana", "2,2") != '?' || tb.codeAt("Cy", "2,2") != 'h' {
		t.Fatalf("after hiding 2,2 from Ana: Ana %q Cy %q", tb.codeAt("Ana", "2,2"), tb.codeAt("Cy", "2,2"))
	}

	// Undo the company's last move: back to the hill, with exactly the reveals it caused.
	before := tb.grid("Cy")
	tb.do(`{"type":"party:move","partyId":"$P0","path":["3,3","4,4"]}`)
	tb.check("walking into town")
	tb.do(`{"type":"party:undo","partyId":"$P0"}`)
	tb.check("taking the walk back")
	if after := tb.grid("Cy"); after != before {
		t.Fatalf("undo left Cy with\n%s\nnot\n%s", after, before)
	}

	// The scouts rejoin the company mid-session: one map, shared.
	tb.do(`{"type":"party:merge","partyId":"$P1","intoId":"$P0"}`)
	tb.check("the merge")
	if tb.codeAt("Ana", "4,2") == '?' || tb.codeAt("Ana", "7,0") != 'P' {
		t.Fatalf("Ana after the merge: %s", tb.grid("Ana"))
	}
	tb.refuse(`{"type":"party:undo","partyId":"$P0"}`, game.EConflict, "no move")

	// Cy leaves every party and keeps what the company knew.
	cy := tb.grid("Cy")
	tb.do(`{"type":"party:assign","partyId":null,"playerIds":["$CY"]}`)
	tb.check("Cy leaving")
	if tb.grid("Cy") != cy {
		t.Fatalf("Cy forgot what the company knew when leaving it:\n%s\n%s", tb.grid("Cy"), cy)
	}
	tb.do(`{"type":"party:move","partyId":"$P0","path":["3,2"]}`)
	tb.check("the company moving without Cy")
	if tb.grid("Cy") != cy {
		t.Fatalf("Cy, in no party, learned of the company's move")
	}

	// Staged mode: moves queue (the DM's preview), publish reveals their sight then.
	tb.do(`{"type":"broadcast:mode","mode":"staged"}`)
	tb.do(`{"type":"party:move","partyId":"$P0","path":["4,3"]}`)
	tb.do(`{"type":"party:move","partyId":"$P0","path":["4,4","3,4"]}`)
	tb.refuse(`{"type":"party:move","partyId":"$P0","path":["0,0"]}`, game.EInvalid, "path[0]: 0,0 is not next to 3,4")
	tb.check("staging moves")
	tb.do(`{"type":"sight:rules","rules":{"plains":{"sight":2,"height":0,"landmark":0}}}`)
	frames = tb.do(`{"type":"broadcast:publish"}`)
	if n := strings.Count(string(slices.Concat(frames...)), `"type":"party:moved"`); n != 2 {
		t.Fatalf("publishing two moves told the DM of %d", n)
	}
	tb.check("publishing the moves")

	// Bo, in the company again, is hidden from everything; the DM takes 4,4 back from all.
	tb.do(`{"type":"broadcast:mode","mode":"immediate"}`)
	tb.do(`{"type":"hex:hide","hexKeys":["4,4","5,5"],"targets":"all"}`)
	tb.check("a hide from all")
	tb.do(`{"type":"hex:reveal","hexKeys":["0,5","1,5"],"targets":{"playerIds":["$BO"]},"state":"glimpsed"}`)
	tb.do(`{"type":"hex:reveal","hexKeys":["0,5"],"targets":"all"}`)
	tb.check("reveals to one and to all")
	tb.do(`{"type":"hex:hide","hexKeys":["3,2","3,3"],"targets":{"partyIds":["$P0"]}}`)
	tb.check("a hide from a party")

	// Labels and terrain change under glimpsed and explored hexes alike.
	tb.do(`{"type":"hex:update","changes":[{"key":"1,1","label":"Dry well"},{"key":"1,5","terrain":"forest","label":"Ghost wood"}]}`)
	tb.check("editing known hexes")

	for name, c := range tb.players {
		assertNoSecrets(t, name, c.received())
	}
}

func assertNoSecrets(t *testing.T, name string, frames [][]byte) {
	t.Helper()
	for _, raw := range frames {
		if strings.Contains(string(raw), "SECRET-NOTE") {
			t.Fatalf("%s received a DM note: %s", name, raw)
		}
	}
}

// How each party reveal mode reveals, and which sight rules apply.
func TestMoveRevealModes(t *testing.T) {
	sight := game.DefaultSightRules().MustCompile()
	size := game.Size{Width: 8, Height: 6}
	terrain := []byte(strings.Join(exploreMap, ""))
	seenFrom := func(key string) []string {
		k, _ := game.ParseKey(key)
		var out []string
		sight.SeenFrom(size, game.Flat, terrain, k, 0, func(i int) { out = append(out, keyAt(i, 8)) })
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		mode         game.PartyReveal
		path         []string
		wantExplored []string
		wantGlimpsed []string
	}{
		{game.RevealSight, []string{"2,2"}, []string{"2,2"}, seenFrom("2,2")},
		{game.RevealSight, []string{"2,2", "3,2"}, []string{"2,2", "3,2"},
			without(union(seenFrom("2,2"), seenFrom("3,2")), "2,2", "3,2")},
		{game.RevealHex, []string{"2,2", "3,2"}, []string{"2,2", "3,2"}, nil},
		{game.RevealNone, []string{"2,2", "3,2"}, nil, nil},
	} {
		t.Run(string(tc.mode)+"/"+strings.Join(tc.path, "-"), func(t *testing.T) {
			tb := newTable(t, "Ana")
			tb.do(paintLine())
			tb.do(`{"type":"session:start"}`)
			tb.do(`{"type":"party:place","partyId":"$P0","key":"1,2","reveal":false}`)
			tb.do(`{"type":"party:update","partyId":"$P0","reveal":"` + string(tc.mode) + `"}`)
			m := moved(t, tb.do(string(mustJSON(map[string]any{"type": "party:move", "partyId": tb.parties[0], "path": tc.path}))))
			slices.Sort(m.Explored)
			slices.Sort(m.Glimpsed)
			if !slices.Equal(m.Explored, orEmpty(tc.wantExplored)) || !slices.Equal(m.Glimpsed, orEmpty(tc.wantGlimpsed)) {
				t.Fatalf("explored %v glimpsed %v, want %v %v", m.Explored, m.Glimpsed, tc.wantExplored, tc.wantGlimpsed)
			}
			tb.check(string(tc.mode))
			// The event carries all of it: a replay needs no sight rules.
			events, err := tb.th.store.ListEvents(t.Context(), tb.th.campaignID, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			last := events[len(events)-1]
			var ev struct {
				PartyID, MapID, From string
				Path, Explored       []string
				Glimpsed             []string
			}
			if err := json.Unmarshal(last.Payload, &ev); err != nil || last.Type != game.EventPartyMove {
				t.Fatalf("last event %s %s", last.Type, last.Payload)
			}
			slices.Sort(ev.Explored)
			slices.Sort(ev.Glimpsed)
			if ev.PartyID != tb.parties[0] || ev.MapID != tb.th.mapID || ev.From != "1,2" || !slices.Equal(ev.Path, tc.path) ||
				!slices.Equal(ev.Explored, orEmpty(tc.wantExplored)) || !slices.Equal(ev.Glimpsed, orEmpty(tc.wantGlimpsed)) {
				t.Fatalf("the move's event: %s", last.Payload)
			}
		})
	}
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return out
}

func without(list []string, drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(list), func(s string) bool { return slices.Contains(drop, s) })
}

// Undo takes back exactly the reveals a move caused, and leaves alone what changed since.
func TestUndoRules(t *testing.T) {
	for _, tc := range []struct {
		name   string
		after  []string // lines after the move to take back
		hex    string   // a hex the move explored
		want   byte     // Ana's code there after the undo
		wantAt string   // where the token stands after the undo
	}{
		{"plain", nil, "2,2", 'H', "1,2"},
		{"a later reveal to the party", []string{`{"type":"hex:reveal","hexKeys":["2,2"],"targets":{"partyIds":["$P0"]}}`}, "2,2", 'h', "1,2"},
		{"a later hide and reveal again", []string{`{"type":"hex:hide","hexKeys":["2,2"],"targets":{"partyIds":["$P0"]}}`,
			`{"type":"hex:reveal","hexKeys":["2,2"],"targets":{"partyIds":["$P0"]},"state":"explored"}`}, "2,2", 'h', "1,2"},
		{"a later hide from all", []string{`{"type":"hex:hide","hexKeys":["2,2"],"targets":"all"}`}, "2,2", '?', "1,2"},
		{"a reveal to all covers it", []string{`{"type":"hex:reveal","hexKeys":["2,2"],"targets":"all"}`}, "2,2", 'h', "1,2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := newTable(t, "Ana")
			tb.do(paintLine())
			tb.do(`{"type":"session:start"}`)
			tb.do(`{"type":"party:place","partyId":"$P0","key":"1,2","reveal":true}`)
			tb.do(`{"type":"party:move","partyId":"$P0","path":["2,2"]}`)
			for _, line := range tc.after {
				tb.do(line)
			}
			frames := tb.do(`{"type":"party:undo","partyId":"$P0"}`)
			parties := decode[partiesChangedDMMsg](t, frame{raw: frames[0]})
			if k := parties.Parties[0].Key; k == nil || *k != tc.wantAt || parties.Parties[0].Undo != 1 {
				t.Fatalf("after the undo: %s", frames[0])
			}
			tb.check("the undo")
			if got := tb.codeAt("Ana", tc.hex); got != tc.want {
				t.Fatalf("Ana's %s is %q after the undo, want %q", tc.hex, got, tc.want)
			}
		})
	}
	t.Run("the last 20 moves", func(t *testing.T) {
		tb := newTable(t, "Ana")
		tb.do(`{"type":"session:start"}`)
		tb.do(`{"type":"party:place","partyId":"$P0","key":"0,0","reveal":false}`)
		for i := range 21 {
			to := "1,0"
			if i%2 == 1 {
				to = "0,0"
			}
			tb.do(`{"type":"party:move","partyId":"$P0","path":["` + to + `"]}`)
		}
		for range game.MaxUndoMoves {
			tb.do(`{"type":"party:undo","partyId":"$P0"}`)
		}
		tb.refuse(`{"type":"party:undo","partyId":"$P0"}`, game.EConflict, "no move")
		tb.check("20 undos")
	})
	t.Run("a placement off the map", func(t *testing.T) {
		tb := newTable(t, "Ana")
		tb.do(`{"type":"session:start"}`)
		tb.do(`{"type":"party:place","partyId":"$P0","key":"3,3","reveal":true}`)
		tb.do(`{"type":"party:undo","partyId":"$P0"}`)
		tb.check("undoing the first placement")
		if strings.ContainsAny(tb.grid("Ana"), "pP.,") {
			t.Fatalf("Ana still knows something: %s", tb.grid("Ana"))
		}
		dm := decode[stateMsg](t, frame{raw: tb.dmState()})
		if dm.Parties[0].Key != nil {
			t.Fatalf("the token is at %v after undoing its only placement", *dm.Parties[0].Key)
		}
	})
}

// Bad input gets a clear error naming what is wrong, and changes nothing.
func TestBadExplorationInput(t *testing.T) {
	tb := newTable(t, "Ana", "Bo")
	tb.do(`{"type":"party:create","name":"Scouts","color":"#3070c0","playerIds":["$BO"]}`)
	tb.refuse(`{"type":"party:place","partyId":"$P0","key":"2,2","reveal":true}`, game.EConflict, "live session")
	tb.refuse(`{"type":"party:undo","partyId":"$P0"}`, game.EConflict, "live session")
	tb.do(`{"type":"party:place","partyId":"$P0","key":"2,2","reveal":false}`) // setting up: allowed
	tb.do(`{"type":"session:start"}`)
	for _, tc := range []struct {
		line string
		code game.ErrorCode
		want string
	}{
		{`{"type":"party:move","partyId":"$P0","path":["3,3","2,2"]}`, game.EInvalid, "path[0]: 3,3 is not next to 2,2"},
		{`{"type":"party:move","partyId":"$P0","path":["2,3","4,4"]}`, game.EInvalid, "path[1]: 4,4 is not next to 2,3"},
		{`{"type":"party:move","partyId":"$P0","path":["2,2"]}`, game.EInvalid, "path[0]: 2,2 is not next to 2,2"},
		{`{"type":"party:move","partyId":"$P0","path":["8,0"]}`, game.EInvalid, "path[0]"},
		{`{"type":"party:move","partyId":"$P1","path":["0,0"]}`, game.EConflict, "not on this map"},
		{`{"type":"party:move","partyId":"nope","path":["0,0"]}`, game.ENotFound, "partyId"},
		{`{"type":"party:update","partyId":"nope","name":"X"}`, game.ENotFound, "partyId"},
		{`{"type":"party:assign","partyId":"nope","playerIds":["$ANA"]}`, game.ENotFound, "partyId"},
		{`{"type":"party:assign","partyId":"$P1","playerIds":["$ANA","ghost"]}`, game.ENotFound, "playerIds[1]"},
		{`{"type":"party:assign","partyId":"$P1","playerIds":["$ANA","$ANA"]}`, game.EInvalid, "playerIds[1]"},
		{`{"type":"party:create","name":"X","color":"#000000","playerIds":["ghost"]}`, game.ENotFound, "playerIds[0]"},
		{`{"type":"party:create","name":"X","color":"#000000","playerIds":[],"key":"9,9"}`, game.EInvalid, "off the"},
		{`{"type":"party:merge","partyId":"$P1","intoId":"$P1"}`, game.EInvalid, "intoId"},
		{`{"type":"party:merge","partyId":"$P1","intoId":"nope"}`, game.ENotFound, "intoId"},
		{`{"type":"party:place","partyId":"$P0","key":"9,9","reveal":false}`, game.EInvalid, "off the"},
		{`{"type":"party:undo","partyId":"$P1"}`, game.EConflict, "no move"},
		{`{"type":"hex:reveal","hexKeys":["0,0"],"targets":{"partyIds":["nope"]}}`, game.ENotFound, "targets.partyIds[0]"},
		{`{"type":"hex:hide","hexKeys":["0,0"],"targets":{"partyIds":["$P0","nope"]}}`, game.ENotFound, "targets.partyIds[1]"},
		{`{"type":"marker:update","markerId":"nope","label":"x"}`, game.ENotFound, "markerId"},
		{`{"type":"marker:remove","markerId":"nope"}`, game.ENotFound, "markerId"},
		{`{"type":"marker:place","key":"8,0","kind":"camp","label":"","visibility":"dm"}`, game.EInvalid, "off the"},
		{`{"type":"sight:rules","rules":{"hills":{"sight":99,"height":1,"landmark":0}}}`, game.EInvalid, "hills: sight must be"},
		{`{"type":"party:create","name":"X","color":"#000000","playerIds":["$ANA","$ANA"]}`, game.EInvalid, "listed twice"},
	} {
		tb.refuse(tc.line, tc.code, tc.want)
	}
	// A staged move whose start was undone from the staged list cannot be published: the DM is
	// told which, and nothing of the list applies.
	tb.do(`{"type":"broadcast:mode","mode":"staged"}`)
	tb.do(`{"type":"party:move","partyId":"$P0","path":["3,2"]}`)
	tb.do(`{"type":"party:move","partyId":"$P0","path":["4,2"]}`)
	tb.do(`{"type":"staged:undo","index":0}`)
	tb.refuse(`{"type":"broadcast:publish"}`, game.EConflict, "staged change 0")
}

// Markers: at most 500 per map.
func TestMarkerLimit(t *testing.T) {
	tb := newTable(t, "Ana")
	room, err := tb.th.hub.room(t.Context(), tb.th.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	// 499 through the room directly (as fast as a loop can), the 500th and 501st on the wire.
	for i := range game.MaxMarkersPerMap - 1 {
		c, err := decodeCommand([]byte(fmt.Sprintf(`{"type":"marker:place","key":"%d,%d","kind":"poi","label":"","visibility":"dm"}`, i%8, i/8%6)))
		if err != nil {
			t.Fatal(err)
		}
		if err := room.do(t.Context(), func(b *batch) error { return room.command(b, c) }); err != nil {
			t.Fatal(err)
		}
	}
	tb.do(`{"type":"marker:place","key":"0,0","kind":"poi","label":"","visibility":"dm"}`)
	tb.refuse(`{"type":"marker:place","key":"0,0","kind":"poi","label":"","visibility":"dm"}`, game.EConflict, "500 markers")
}

// The DM's map editor reads where each party stands on a map over HTTP.
func TestMapDetailTokens(t *testing.T) {
	tb := newTable(t, "Ana")
	tb.do(`{"type":"party:place","partyId":"$P0","key":"3,4","reveal":false}`)
	var d MapDetail
	tb.th.api("GET", "/api/maps/"+tb.th.mapID, "", 200, &d)
	if len(d.Tokens) != 1 || d.Tokens[tb.parties[0]] != "3,4" {
		t.Fatalf("tokens %v", d.Tokens)
	}
}
