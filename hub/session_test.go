package hub

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hexcrawl/hexcrawl/game"
)

type hexesMsg struct {
	Seq     int64
	Hexes   []hexView
	Keys    []string
	Targets json.RawMessage
}

type stateMsg struct {
	Role          string
	Session       *sessionView
	BroadcastMode string
	Preparing     bool
	Grid          string
	Labels        map[string]string
	Notes         map[string]string
	RevealedAll   string
	RevealedTo    map[string]map[string]uint8
	PartyKnown    map[string]string
	Parties       []dmPartyView
	Markers       []markerView
	You           *youView
	Players       []playerView
	Staged        []game.StagedChange
	Map           *mapView
}

func keysOfHexes(hs []hexView) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.Key
	}
	slices.Sort(out)
	return out
}

func visibleKeys(grid string, width int) []string {
	var out []string
	for i := range grid {
		if grid[i] != '?' {
			out = append(out, keyAt(i, width))
		}
	}
	slices.Sort(out)
	return out
}

func keyAt(i, width int) string {
	return mapKey(i%width, i/width)
}

func mapKey(col, row int) string {
	return strconv.Itoa(col) + "," + strconv.Itoa(row)
}

// TestWholeSession plays an evening: a DM and three players through immediate and staged
// reveals, private reveals, terrain updates, undo, publish, pause, resume, a reconnect with
// full resync, hiding, the party token and the end — then checks the fog over every frame each
// player received.
func TestWholeSession(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	anaCookie, ana := th.join("Ana")
	boCookie, bo := th.join("Bo")
	cyCookie, cy := th.join("Cy")

	dm := th.dm("dm")
	// Before the session: paint the map, with labels and notes players must never see unless revealed.
	dm.send(map[string]any{"type": "hex:update", "changes": []map[string]any{
		{"key": "0,0", "terrain": "forest", "label": "Start"},
		{"key": "1,0", "terrain": "hills"},
		{"key": "2,0", "terrain": "swamp", "label": "Ana's secret bog"},
		{"key": "5,5", "terrain": "ruins", "label": "HIDDEN-LABEL-55", "notes": "SECRET-NOTE-55"},
		{"key": "2,2", "notes": "SECRET-NOTE-22"},
	}})
	upd := decode[hexesMsg](t, dm.expectNonPresence("hex:updated"))
	if len(upd.Hexes) != 5 || upd.Hexes[3].Notes != "SECRET-NOTE-55" {
		t.Fatalf("DM update echo: %+v", upd)
	}

	pa, pb, pc := th.player("Ana", anaCookie), th.player("Bo", boCookie), th.player("Cy", cyCookie)
	players := []*wsClient{pa, pb, pc}

	dm.send(`{"type":"session:start"}`)
	for _, c := range append([]*wsClient{dm}, players...) {
		st := decode[struct{ Status string }](t, c.expectNonPresence("session:statusChanged"))
		if st.Status != "active" {
			t.Fatalf("%s: status %s", c.name, st.Status)
		}
	}

	// Immediate reveal to all.
	dm.send(`{"type":"hex:reveal","hexKeys":["0,0","1,0"],"targets":"all"}`)
	if got := decode[hexesMsg](t, dm.expectNonPresence("hex:revealed")); string(got.Targets) != `"all"` {
		t.Fatalf("DM reveal targets %s", got.Targets)
	}
	for _, c := range players {
		got := decode[hexesMsg](t, c.expectNonPresence("hex:revealed"))
		if k := keysOfHexes(got.Hexes); !slices.Equal(k, []string{"0,0", "1,0"}) || got.Hexes[0].Terrain != "forest" || got.Hexes[0].Label != "Start" {
			t.Fatalf("%s revealed %+v", c.name, got.Hexes)
		}
	}

	// Private reveal to Ana only.
	dm.send(map[string]any{"type": "hex:reveal", "hexKeys": []string{"2,0"}, "targets": map[string]any{"playerIds": []string{ana}}})
	dm.expectNonPresence("hex:revealed")
	if got := decode[hexesMsg](t, pa.expectNonPresence("hex:revealed")); got.Hexes[0].Label != "Ana's secret bog" {
		t.Fatalf("Ana's private reveal: %+v", got)
	}

	// Terrain update of a visible hex reaches every player; of a fogged hex, none.
	dm.send(`{"type":"hex:update","changes":[{"key":"3,3","terrain":"desert"}]}`)
	dm.expectNonPresence("hex:updated")
	dm.send(`{"type":"hex:update","changes":[{"key":"0,0","terrain":"settlement"}]}`)
	dm.expectNonPresence("hex:updated")
	for _, c := range players {
		// The first thing each player hears is the visible update: nothing about 2,0 (Bo, Cy)
		// nor 3,3 came before it.
		got := decode[hexesMsg](t, c.expectNonPresence("hex:updated"))
		if len(got.Hexes) != 1 || got.Hexes[0].Key != "0,0" || got.Hexes[0].Terrain != "settlement" {
			t.Fatalf("%s update: %+v", c.name, got)
		}
	}
	// A notes-only edit of a visible hex is DM business: players hear nothing.
	dm.send(`{"type":"hex:update","changes":[{"key":"0,0","notes":"SECRET-NOTE-00"}]}`)
	dm.expectNonPresence("hex:updated")

	// Staged mode: queue, undo one, publish.
	dm.send(`{"type":"broadcast:mode","mode":"staged"}`)
	dm.expectNonPresence("broadcast:modeChanged")
	dm.send(`{"type":"hex:reveal","hexKeys":["3,0"],"targets":"all"}`)
	if got := decode[struct{ Staged []game.StagedChange }](t, dm.expectNonPresence("staged:changed")); len(got.Staged) != 1 {
		t.Fatalf("staged %+v", got)
	}
	for _, c := range players {
		if got := decode[struct{ Preparing bool }](t, c.expectNonPresence("dm:preparing")); !got.Preparing {
			t.Fatalf("%s: preparing false", c.name)
		}
	}
	dm.send(map[string]any{"type": "hex:reveal", "hexKeys": []string{"4,0"}, "targets": map[string]any{"playerIds": []string{bo}}})
	dm.expectNonPresence("staged:changed")
	dm.send(`{"type":"hex:update","changes":[{"key":"1,0","terrain":"mountains","notes":"SECRET-NOTE-10"}]}`)
	// Notes apply at once (DM only); the visible part is staged.
	if got := decode[hexesMsg](t, dm.expectNonPresence("hex:updated")); got.Hexes[0].Terrain != "hills" || got.Hexes[0].Notes != "SECRET-NOTE-10" {
		t.Fatalf("notes-now echo %+v", got)
	}
	if got := decode[struct{ Staged []game.StagedChange }](t, dm.expectNonPresence("staged:changed")); len(got.Staged) != 3 {
		t.Fatalf("staged %+v", got)
	}
	dm.send(`{"type":"staged:undo","index":0}`)
	if got := decode[struct{ Staged []game.StagedChange }](t, dm.expectNonPresence("staged:changed")); len(got.Staged) != 2 || got.Staged[0].HexKeys[0] != "4,0" {
		t.Fatalf("after undo %+v", got)
	}
	dm.send(`{"type":"broadcast:publish"}`)
	dm.expectNonPresence("hex:revealed") // Bo's 4,0
	dm.expectNonPresence("hex:updated")  // 1,0 mountains
	dm.expectNonPresence("staged:changed")
	for _, c := range players {
		if got := decode[struct{ Preparing bool }](t, c.expectNonPresence("dm:preparing")); got.Preparing {
			t.Fatalf("%s: still preparing after publish", c.name)
		}
	}
	if got := decode[hexesMsg](t, pb.expectNonPresence("hex:revealed")); !slices.Equal(keysOfHexes(got.Hexes), []string{"4,0"}) {
		t.Fatalf("Bo's published reveal %+v", got)
	}
	for _, c := range players {
		if got := decode[hexesMsg](t, c.expectNonPresence("hex:updated")); got.Hexes[0].Key != "1,0" || got.Hexes[0].Terrain != "mountains" {
			t.Fatalf("%s published update %+v", c.name, got)
		}
	}

	// Pause and resume.
	dm.send(`{"type":"session:pause"}`)
	dm.send(`{"type":"session:resume"}`)
	for _, c := range append([]*wsClient{dm}, players...) {
		if st := decode[struct{ Status string }](t, c.expectNonPresence("session:statusChanged")); st.Status != "paused" {
			t.Fatalf("%s: %s", c.name, st.Status)
		}
		if st := decode[struct{ Status string }](t, c.expectNonPresence("session:statusChanged")); st.Status != "active" {
			t.Fatalf("%s: %s", c.name, st.Status)
		}
	}

	// Cy's phone drops and reconnects: the full state for Cy replaces everything.
	_ = pc.conn.Close()
	pc2 := th.player("Cy", cyCookie)
	st := decode[stateMsg](t, pc2.received0())
	if got := visibleKeys(st.Grid, 8); !slices.Equal(got, []string{"0,0", "1,0"}) {
		t.Fatalf("Cy's resync sees %v", got)
	}
	if st.Session == nil || st.Session.Status != "active" || st.Role != "player" {
		t.Fatalf("Cy's resync state %+v", st)
	}
	players = []*wsClient{pa, pb, pc2}

	// Back to immediate: hide 1,0 from everyone, then the party token.
	dm.send(`{"type":"broadcast:mode","mode":"immediate"}`)
	dm.expectNonPresence("broadcast:modeChanged")
	dm.send(`{"type":"hex:hide","hexKeys":["1,0"],"targets":"all"}`)
	dm.expectNonPresence("hex:hidden")
	for _, c := range players {
		if got := decode[hexesMsg](t, c.expectNonPresence("hex:hidden")); !slices.Equal(got.Keys, []string{"1,0"}) {
			t.Fatalf("%s hidden %+v", c.name, got)
		}
	}
	// The party (everyone is in the default party): placed where all can see it, its reveal
	// mode narrowed to its own hex, one step onto 1,0, then taken back.
	party := decode[stateMsg](t, frame{raw: dm.received()[0]}).Parties[0]
	dm.send(map[string]any{"type": "party:place", "partyId": party.ID, "key": "0,0", "reveal": false})
	if got := decode[partyMovedMsg](t, dm.expectNonPresence("party:moved")); got.Key == nil || *got.Key != "0,0" || got.Undo != 1 {
		t.Fatalf("DM party placed %+v", got)
	}
	for _, c := range players {
		got := decode[partiesChangedMsg](t, c.expectNonPresence("parties:changed"))
		if len(got.Parties) != 1 || got.Parties[0].Key == nil || *got.Parties[0].Key != "0,0" || len(got.Parties[0].MemberIDs) != 3 {
			t.Fatalf("%s parties %+v", c.name, got)
		}
	}
	dm.send(map[string]any{"type": "party:update", "partyId": party.ID, "reveal": "hex"})
	dm.expectNonPresence("parties:changed")
	dm.send(map[string]any{"type": "party:move", "partyId": party.ID, "path": []string{"1,0"}})
	if got := decode[partyMovedMsg](t, dm.expectNonPresence("party:moved")); !slices.Equal(got.Explored, []string{"1,0"}) || len(got.Glimpsed) != 0 {
		t.Fatalf("DM party moved %+v", got)
	}
	for _, c := range players {
		got := decode[hexesMsg](t, c.expectNonPresence("hex:revealed"))
		if len(got.Hexes) != 1 || got.Hexes[0].Key != "1,0" || got.Hexes[0].Terrain != "mountains" {
			t.Fatalf("%s after the step %+v", c.name, got)
		}
		c.expectNonPresence("parties:changed")
	}
	dm.send(map[string]any{"type": "party:undo", "partyId": party.ID})
	dm.expectNonPresence("parties:changed")
	if got := decode[partyKnownMsg](t, dm.expectNonPresence("party:known")); got.Known != strings.Repeat("0", 48) {
		t.Fatalf("party knowledge after the undo %q", got.Known)
	}
	for _, c := range players {
		if got := decode[hexesMsg](t, c.expectNonPresence("hex:hidden")); !slices.Equal(got.Keys, []string{"1,0"}) {
			t.Fatalf("%s after the undo %+v", c.name, got)
		}
		got := decode[partiesChangedMsg](t, c.expectNonPresence("parties:changed"))
		if *got.Parties[0].Key != "0,0" {
			t.Fatalf("%s token after the undo %+v", c.name, got)
		}
	}
	dm.send(`{"type":"session:end"}`)
	for _, c := range append([]*wsClient{dm}, players...) {
		if st := decode[struct{ Status string }](t, c.expectNonPresence("session:statusChanged")); st.Status != "ended" {
			t.Fatalf("%s: %s", c.name, st.Status)
		}
	}
	// A new session can start after one ended.
	dm.send(`{"type":"session:start"}`)
	if st := decode[struct{ Status string }](t, dm.expectNonPresence("session:statusChanged")); st.Status != "active" {
		t.Fatalf("restart: %s", st.Status)
	}

	// The fog: every frame each player ever received, checked against what they were shown.
	everSeen := map[string][]string{
		"Ana": {"0,0", "1,0", "2,0"},
		"Bo":  {"0,0", "1,0", "4,0"},
		"Cy":  {"0,0", "1,0"},
	}
	for _, c := range []*wsClient{pa, pb, pc, pc2} {
		assertFog(t, c.name, c.received(), everSeen[c.name], 8)
	}

	// Every change is in the log, and the DM's view matches storage.
	if seq, _ := th.store.LastSeq(ctx, th.campaignID); seq < 20 {
		t.Fatalf("event log has %d events", seq)
	}
	_ = cy
}

// received0 returns the first frame the client got (its session:state).
func (c *wsClient) received0() frame {
	all := c.received()
	if len(all) == 0 {
		c.t.Fatalf("%s: nothing received", c.name)
	}
	var f frame
	_ = json.Unmarshal(all[0], &f)
	f.raw = all[0]
	return f
}

var keyPattern = regexp.MustCompile(`"(\d+,\d+)"`)

// assertFog fails if any frame sent to a player names a hex that player was never shown, or
// carries DM notes, staged changes or reveal bookkeeping.
func assertFog(t *testing.T, name string, frames [][]byte, allowed []string, width int) {
	t.Helper()
	for _, raw := range frames {
		s := string(raw)
		for _, banned := range []string{"SECRET-NOTE", "HIDDEN-LABEL", `"notes":`, `"staged":`, `"revealedTo":`, `"revealedAll":`, `"targets":`} {
			if strings.Contains(s, banned) {
				t.Fatalf("%s received %q in %s", name, banned, s)
			}
		}
		for _, m := range keyPattern.FindAllStringSubmatch(s, -1) {
			if !slices.Contains(allowed, m[1]) {
				t.Fatalf("%s received hex %s, never revealed to them: %s", name, m[1], s)
			}
		}
		var st struct {
			Type string
			Grid string
		}
		_ = json.Unmarshal(raw, &st)
		if st.Type == "session:state" {
			for i := range st.Grid {
				if st.Grid[i] != '?' && !slices.Contains(allowed, keyAt(i, width)) {
					t.Fatalf("%s's grid shows %s", name, keyAt(i, width))
				}
			}
		}
	}
}
