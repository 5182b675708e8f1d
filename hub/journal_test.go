package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/history"
)

// journalRow is one journal entry as the comparison sees it.
type journalRow struct {
	Seq     int64
	Session string
	MapID   string
	Key     string
	What    string
	State   game.HexState
	Terrain game.Terrain
	Label   string
}

func (r journalRow) String() string {
	return fmt.Sprintf("%d %s %s %s/%s %s %q", r.Seq, r.Key, r.What, r.State, r.Terrain, r.MapID[:4], r.Label)
}

// journalFromFrames is what a player learned, read from every frame their socket received, by
// the journal's rule (history/journal.go): a hex shown at a higher state than ever before is
// discovered, with the terrain and (explored) the label it was shown with; a label shown on an
// explored hex that differs from the last one shown there is learned. sessionOf files a seq
// under its session.
func journalFromFrames(t *testing.T, frames [][]byte, sessionOf func(int64) string) []journalRow {
	t.Helper()
	type shownMap struct {
		w, h   int
		level  map[string]uint8
		labels map[string]string
	}
	maps := map[string]*shownMap{}
	var cur *shownMap
	mapID := ""
	var out []journalRow
	see := func(seq int64, key string, l uint8, terrain game.Terrain, label string) {
		row := journalRow{Seq: seq, Session: sessionOf(seq), MapID: mapID, Key: key, Terrain: terrain}
		discovered := l > cur.level[key]
		if discovered {
			cur.level[key] = l
			row.What, row.State = history.Discovered, game.StateOfLevel(l)
		}
		if l == game.LevelExplored {
			if old, ok := cur.labels[key]; (!ok || old != label) && label != "" && !discovered {
				row.What = history.Learned
			}
			cur.labels[key] = label
			row.Label = label
		}
		if row.What != "" {
			if row.What == history.Learned {
				row.State = ""
			}
			out = append(out, row)
		}
	}
	for _, raw := range frames {
		var m struct {
			Type   string
			Seq    int64
			Map    *mapView
			Grid   string
			Labels map[string]string
			Hexes  []playerHexView
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		switch m.Type {
		case msgSessionState:
			if m.Map == nil {
				cur = nil
				continue
			}
			mapID = m.Map.ID
			cur = maps[mapID]
			if cur == nil {
				cur = &shownMap{w: m.Map.Width, h: m.Map.Height, level: map[string]uint8{}, labels: map[string]string{}}
				maps[mapID] = cur
			}
			for i := 0; i < len(m.Grid); i++ {
				code := m.Grid[i]
				if code == game.FogCode {
					continue
				}
				key := game.Key{Col: i % m.Map.Width, Row: i / m.Map.Width}.String()
				l := game.LevelExplored
				lower := code
				if code == game.GlimpsedUnpaintedCode {
					l, lower = game.LevelGlimpsed, '.'
				} else if code >= 'A' && code <= 'Z' {
					l, lower = game.LevelGlimpsed, code-'A'+'a'
				}
				terrain, _ := game.TerrainFromCode(lower)
				see(m.Seq, key, l, terrain, m.Labels[key])
			}
		case msgHexRevealed, msgHexUpdated:
			for _, h := range m.Hexes {
				see(m.Seq, h.Key, h.State.Level(), h.Terrain, h.Label)
			}
		}
	}
	return out
}

func journalRows(j history.Journal) []journalRow {
	var out []journalRow
	for _, s := range j.Sessions {
		for _, e := range s.Entries {
			if e.SessionID != s.ID {
				panic("an entry filed under another session")
			}
			out = append(out, journalRow{Seq: e.Seq, Session: e.SessionID, MapID: e.MapID, Key: e.Key, What: e.What,
				State: e.State, Terrain: e.Terrain, Label: e.Label})
		}
	}
	return out
}

// TestJournalIsWhatPlayersWereSent scripts a session with splits, moves, reveals to all, to a
// party and to one player, glimpses, relabels after discovery, hides, a hidden hex relabelled
// and shown again, a publish that reveals and relabels at once, an undo, a player joining
// midway, a merge, edits between sessions and a second session; records every frame each
// player's socket received; and checks that each player's journal (GET /api/me/journal, their
// cookie) is exactly what those frames showed them, entry for entry.
func TestJournalIsWhatPlayersWereSent(t *testing.T) {
	tb := newTable(t, "Ana", "Bo", "Cy")
	tb.do(`{"type":"hex:update","changes":[{"key":"1,1","terrain":"forest","label":"Elderwood","notes":"owlbears"},` +
		`{"key":"2,1","terrain":"hills","label":"Watch Hill"},{"key":"3,3","terrain":"settlement","label":"Millbrook"},` +
		`{"key":"4,4","terrain":"ruins","label":"Old Tower"},{"key":"5,2","terrain":"mountains","label":"Greyfang"},` +
		`{"key":"4,3","terrain":"plains"},{"key":"3,2","terrain":"plains","label":"Crossing"}]}`)
	tb.do(`{"type":"session:start"}`)
	tb.do(`{"type":"party:place","partyId":"$P0","key":"3,3","reveal":true}`)
	tb.do(`{"type":"hex:reveal","hexKeys":["1,1"],"targets":"all"}`)
	tb.do(`{"type":"hex:reveal","hexKeys":["2,1"],"targets":{"playerIds":["$ANA"]},"state":"glimpsed"}`)
	tb.do(`{"type":"hex:update","changes":[{"key":"1,1","label":"Elderwood (burnt)"}]}`)
	tb.do(`{"type":"party:create","name":"Scouts","color":"#3070c0","playerIds":["$BO"]}`)
	tb.do(`{"type":"party:move","partyId":"$P1","path":["4,3","4,4"]}`)
	tb.do(`{"type":"hex:hide","hexKeys":["4,4"],"targets":{"playerIds":["$BO"]}}`)
	tb.do(`{"type":"hex:update","changes":[{"key":"4,4","label":"Haunted Tower"}]}`)
	tb.do(`{"type":"hex:reveal","hexKeys":["4,4"],"targets":{"partyIds":["$P1"]}}`)
	tb.do(`{"type":"broadcast:mode","mode":"staged"}`)
	tb.do(`{"type":"hex:reveal","hexKeys":["5,2"],"targets":"all","state":"explored"}`)
	tb.do(`{"type":"hex:update","changes":[{"key":"5,2","label":"Greyfang Peak"}]}`)
	tb.do(`{"type":"broadcast:publish"}`)
	tb.do(`{"type":"broadcast:mode","mode":"immediate"}`)
	tb.do(`{"type":"hex:reveal","hexKeys":["2,1"],"targets":{"playerIds":["$ANA"]}}`)
	tb.do(`{"type":"party:undo","partyId":"$P1"}`)
	cookie, id := tb.th.join("Dee")
	tb.ids["Dee"], tb.cookies["Dee"] = id, cookie
	tb.players["Dee"] = tb.th.player("Dee", cookie)
	tb.do(`{"type":"party:merge","partyId":"$P1","intoId":"$P0"}`)
	tb.do(`{"type":"session:end"}`)
	tb.do(`{"type":"hex:update","changes":[{"key":"3,3","label":"Millbrook (ruined)"},{"key":"2,1","terrain":"forest"}]}`)
	tb.do(`{"type":"session:start"}`)
	tb.do(`{"type":"party:move","partyId":"$P0","path":["3,2","2,2","2,1"]}`)
	tb.do(`{"type":"hex:hide","hexKeys":["1,1"],"targets":"all"}`)
	tb.do(`{"type":"hex:update","changes":[{"key":"1,1","label":"Ashwood"}]}`)
	tb.do(`{"type":"session:end"}`)
	tb.check("the script")

	events, err := tb.th.store.ListEvents(context.Background(), tb.th.campaignID, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	session := map[int64]string{}
	for _, e := range events {
		session[e.Seq] = e.SessionID
	}
	sessionOf := func(seq int64) string { return session[seq] }

	for name, c := range tb.players {
		want := journalFromFrames(t, c.received(), sessionOf)
		status, raw := tb.th.request("GET", "/api/me/journal", "", map[string]string{"Cookie": tb.cookies[name]})
		if status != 200 {
			t.Fatalf("%s's journal: %d %s", name, status, raw)
		}
		var j history.Journal
		if err := json.Unmarshal(raw, &j); err != nil {
			t.Fatal(err)
		}
		got := journalRows(j)
		// Within one change the order of hexes means nothing: sort both the same way.
		sortRows(got)
		sortRows(want)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s's journal:\n%s\nbut their frames showed:\n%s", name, rowsText(got), rowsText(want))
		}
		if len(got) == 0 {
			t.Errorf("%s's journal is empty", name)
		}
	}

	// What the script is there to show, said plainly on top of the comparison.
	rows := func(name string) []journalRow {
		_, raw := tb.th.request("GET", "/api/me/journal", "", map[string]string{"Cookie": tb.cookies[name]})
		var j history.Journal
		_ = json.Unmarshal(raw, &j)
		return journalRows(j)
	}
	has := func(name, key, what, label string) bool {
		for _, r := range rows(name) {
			if r.Key == key && r.What == what && r.Label == label {
				return true
			}
		}
		return false
	}
	for _, c := range []struct {
		name, key, what, label string
		want                   bool
		why                    string
	}{
		{"Ana", "1,1", history.Discovered, "Elderwood", true, "discovered with the label it had then"},
		{"Ana", "1,1", history.Learned, "Elderwood (burnt)", true, "the relabel after discovery"},
		{"Ana", "1,1", history.Learned, "Ashwood", false, "relabelled after it was hidden from everyone"},
		{"Bo", "4,4", history.Discovered, "Old Tower", true, "what Bo saw before it was hidden from him"},
		{"Bo", "4,4", history.Learned, "Haunted Tower", true, "relabelled while hidden, learned when shown again"},
		{"Ana", "4,4", history.Discovered, "Old Tower", false, "Ana only glimpsed it (no label) until the parties merged"},
		{"Ana", "4,4", history.Discovered, "Haunted Tower", true, "the merge shows her what Bo's party explored"},
		{"Cy", "5,2", history.Discovered, "Greyfang Peak", true, "a publish shows its changes at once"},
		{"Cy", "5,2", history.Discovered, "Greyfang", false, "the label before the publish was never shown"},
		{"Cy", "2,1", history.Discovered, "", false, "revealed to Ana alone"},
		{"Dee", "3,3", history.Discovered, "Millbrook", true, "the party's map, on joining it"},
		{"Dee", "3,3", history.Learned, "Millbrook (ruined)", true, "relabelled between sessions"},
	} {
		if has(c.name, c.key, c.what, c.label) != c.want {
			t.Errorf("%s's journal: %s %s %q present = %v, want %v (%s)", c.name, c.key, c.what, c.label, !c.want, c.want, c.why)
		}
	}
	// Nobody's journal holds a DM note.
	for name := range tb.players {
		_, raw := tb.th.request("GET", "/api/me/journal", "", map[string]string{"Cookie": tb.cookies[name]})
		if strings.Contains(string(raw), "owlbears") {
			t.Errorf("%s's journal holds the DM's notes: %s", name, raw)
		}
	}
}

func sortRows(rows []journalRow) {
	sort.SliceStable(rows, func(a, b int) bool {
		ra, rb := rows[a], rows[b]
		if ra.Seq != rb.Seq {
			return ra.Seq < rb.Seq
		}
		ka, _ := game.ParseKey(ra.Key)
		kb, _ := game.ParseKey(rb.Key)
		if ka != kb {
			return ka.Row < kb.Row || (ka.Row == kb.Row && ka.Col < kb.Col)
		}
		return ra.What < rb.What
	})
}

func rowsText(rows []journalRow) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("  " + r.String() + "\n")
	}
	return b.String()
}

// TestJournalNeedsThePlayersCookie: the journal is the cookie's player's, and nobody else's.
func TestJournalNeedsThePlayersCookie(t *testing.T) {
	th := newTestHub(t)
	for _, c := range []struct {
		name    string
		headers map[string]string
		status  int
	}{
		{"no cookie", nil, 401},
		{"a made-up cookie", map[string]string{"Cookie": playerCookieName + "=nope"}, 401},
		{"the DM's token is not a player", map[string]string{"Authorization": "Bearer " + testToken}, 401},
	} {
		if status, raw := th.request("GET", "/api/me/journal", "", c.headers); status != c.status || !strings.Contains(string(raw), `"unauthorized"`) {
			t.Errorf("%s: %d %s, want %d unauthorized", c.name, status, raw, c.status)
		}
	}
}
