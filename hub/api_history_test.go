package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hexcrawl/hexcrawl/history"
)

// historySession plays a short session: two players, a split, moves, reveals, a publish and a
// travel move, then an edit after it ended.
func historySession(t *testing.T) *table {
	tb := newTable(t, "Ana", "Bo")
	tb.do(`{"type":"hex:update","changes":[{"key":"3,3","terrain":"settlement","label":"Millbrook"},{"key":"4,4","terrain":"ruins","label":"Old Tower"}]}`)
	tb.do(`{"type":"session:start"}`)
	tb.do(`{"type":"party:place","partyId":"$P0","key":"3,3","reveal":true}`)
	tb.do(`{"type":"hex:reveal","hexKeys":["1,1","1,2"],"targets":"all","state":"glimpsed"}`)
	tb.do(`{"type":"party:create","name":"Scouts","color":"#3070c0","playerIds":["$BO"]}`)
	tb.do(`{"type":"party:move","partyId":"$P1","path":["4,3","4,4"]}`)
	tb.do(`{"type":"broadcast:mode","mode":"staged"}`)
	tb.do(`{"type":"hex:reveal","hexKeys":["0,0"],"targets":{"playerIds":["$ANA"]}}`)
	tb.do(`{"type":"hex:update","changes":[{"key":"0,0","label":"Shrine"}]}`)
	tb.do(`{"type":"broadcast:publish"}`)
	tb.do(`{"type":"broadcast:mode","mode":"immediate"}`)
	tb.do(`{"type":"travel:move","partyId":"$P0","path":["3,2"]}`)
	tb.do(`{"type":"session:end"}`)
	tb.do(`{"type":"hex:update","changes":[{"key":"3,3","label":"Millbrook (ruined)"}]}`)
	tb.check("the session")
	return tb
}

func (tb *table) historyAPI(path string, status int, out any) {
	tb.t.Helper()
	tb.th.api("GET", "/api/campaigns/"+tb.th.campaignID+"/history"+path, "", status, out)
}

func TestHistoryTimeline(t *testing.T) {
	tb := historySession(t)
	var tl timelineBody
	tb.historyAPI("", 200, &tl)
	last, _ := tb.th.store.LastSeq(context.Background(), tb.th.campaignID)
	if tl.Seq != last || len(tl.Sessions) != 3 {
		t.Fatalf("timeline at %d (log at %d), sessions %+v", tl.Seq, last, tl.Sessions)
	}
	before, session, after := tl.Sessions[0], tl.Sessions[1], tl.Sessions[2]
	if before.ID != "" || session.ID == "" || session.Number != 1 || after.ID != "" || before.Last+1 != session.First || session.Last+1 != after.First || after.Last != last {
		t.Fatalf("the spans do not follow the log: %+v", tl.Sessions)
	}
	// The travel move set the clock: the session's events after it are in day 1's watch.
	if n := len(session.Watches); n != 2 || session.Watches[0].Clock != nil || session.Watches[1].Clock == nil ||
		session.Watches[1].Clock.Day != 1 || session.Watches[1].Clock.WatchName == "" {
		t.Fatalf("watches %+v", session.Watches)
	}
	counted := 0
	for _, w := range session.Watches {
		for _, n := range w.Kinds {
			counted += n
		}
	}
	if counted != session.Events || session.Watches[0].Kinds[history.KindReveal] != 2 || session.Watches[0].Kinds[history.KindMove] != 2 {
		t.Fatalf("kinds %+v of %d events", session.Watches, session.Events)
	}
	if len(tl.Members) != 2 || len(tl.Parties) != 2 || len(tl.Maps) != 1 || len(tl.Kinds) != len(history.Kinds) {
		t.Fatalf("names: %+v %+v %+v", tl.Members, tl.Parties, tl.Maps)
	}

	var page entriesBody
	tb.historyAPI(fmt.Sprintf("/entries?after=%d&upTo=%d", session.First-1, session.Last), 200, &page)
	if len(page.Entries) != session.Events || page.More {
		t.Fatalf("%d entries for %d events", len(page.Entries), session.Events)
	}
	byType := map[string]history.Entry{} // the first of each type
	for _, e := range page.Entries {
		if _, ok := byType[e.Type]; !ok {
			byType[e.Type] = e
		}
	}
	ana, bo := tb.ids["Ana"], tb.ids["Bo"]
	for _, c := range []struct {
		typ, text string
		seen      []string
	}{
		{"hex:reveal", "Revealed 2 hexes to everyone (glimpsed)", []string{ana, bo}},
		{"party:move", "Scouts moved 2 hexes: 4,3 → 4,4", []string{bo}},
		{"broadcast:publish", "Published 2 staged changes", []string{}},
		{"session:end", "Session ended", []string{}},
	} {
		e := byType[c.typ]
		if !strings.HasPrefix(e.Text, c.text) || fmt.Sprint(e.Seen) != fmt.Sprint(c.seen) {
			t.Errorf("%s: %q seen by %v, want %q seen by %v", c.typ, e.Text, e.Seen, c.text, c.seen)
		}
	}
	// The staged reveal and label reached Ana alone, at the publish.
	for _, e := range page.Entries {
		if e.Type == "hex:reveal" && e.KeyCount == 1 && fmt.Sprint(e.Seen) != fmt.Sprint([]string{ana}) {
			t.Errorf("the reveal to Ana was seen by %v", e.Seen)
		}
	}
	var first entriesBody
	tb.historyAPI("/entries?upTo=3", 200, &first)
	if len(first.Entries) != 3 || first.Entries[0].Type != "campaign:create" || first.Entries[0].Seq != 1 {
		t.Fatalf("the first three entries: %+v", first.Entries)
	}
	var moves entriesBody
	tb.historyAPI(fmt.Sprintf("/entries?kinds=move&after=%d", session.First-1), 200, &moves)
	for _, e := range moves.Entries {
		if e.Kind != history.KindMove {
			t.Fatalf("kinds=move listed %+v", e)
		}
	}
	if len(moves.Entries) != 3 || moves.Entries[2].Clock == nil {
		t.Fatalf("moves: %+v", moves.Entries)
	}
}

func TestHistoryReplayViews(t *testing.T) {
	tb := historySession(t)
	var tl timelineBody
	tb.historyAPI("", 200, &tl)
	session := tl.Sessions[1]
	state := func(seq int64, as string) replayed {
		var st replayed
		tb.historyAPI(fmt.Sprintf("/state?seq=%d&as=%s", seq, url.QueryEscape(as)), 200, &st)
		return st
	}
	dm := state(session.Last, "dm")
	if dm.Role != "dm" || dm.Seq != session.Last || dm.Session == nil || dm.Session.Status != "ended" || len(dm.Parties) != 2 {
		t.Fatalf("DM replay at the session's end: %+v", dm)
	}
	if st := state(session.First-1, "dm"); st.Session != nil || len(st.Parties) != 1 {
		t.Fatalf("DM replay before the session: %+v", st.Session)
	}
	ana := state(session.Last, "player:"+tb.ids["Ana"])
	if ana.Role != "player" || ana.You == nil || ana.You.ID != tb.ids["Ana"] || ana.Labels["0,0"] != "Shrine" || ana.Grid[0] == '?' {
		t.Fatalf("Ana's replay: %+v", ana)
	}
	bo := state(session.Last, "player:"+tb.ids["Bo"])
	if bo.Grid[0] != '?' || bo.Labels["4,4"] != "Old Tower" {
		t.Fatalf("Bo's replay shows what Ana alone was shown, or not what he saw: %s %v", bo.Grid, bo.Labels)
	}
	scouts := state(session.Last, "party:"+tl.Parties[1].ID)
	if scouts.You != nil || scouts.Labels["4,4"] != "Old Tower" || scouts.Grid[0] != '?' {
		t.Fatalf("the Scouts' replay: %+v", scouts)
	}
	table := state(session.Last, "players")
	if table.Grid[0] == '?' || table.Labels["4,4"] != "Old Tower" || table.Labels["0,0"] != "Shrine" {
		t.Fatalf("the table's replay lacks what one player knows: %s %v", table.Grid, table.Labels)
	}
	// Inside the publish, a player sees the state before it; the DM sees each event.
	var publish int64
	for seq := session.First; seq <= session.Last; seq++ {
		if st := state(seq, "dm"); len(st.Staged) == 0 && state(seq-1, "dm").Staged != nil && len(state(seq-1, "dm").Staged) == 2 {
			publish = seq
		}
	}
	if publish == 0 {
		t.Fatal("no publish found")
	}
	inside := state(publish-1, "player:"+tb.ids["Ana"])
	before := state(publish-3, "player:"+tb.ids["Ana"])
	if inside.Seq != before.Seq || inside.Grid[0] != '?' {
		t.Fatalf("Ana's replay inside the publish (seq %d) shows seq %d, grid %q; before it: %d", publish-1, inside.Seq, inside.Grid[:1], before.Seq)
	}
	if st := state(publish-1, "dm"); st.Seq != publish-1 || st.RevealedTo[tb.ids["Ana"]] == nil {
		t.Fatalf("the DM's replay inside the publish: %+v", st.RevealedTo)
	}
	// A seq past the end is the end.
	if st := state(1<<40, "dm"); st.Seq != tl.Seq {
		t.Fatalf("replay past the end: seq %d, want %d", st.Seq, tl.Seq)
	}
}

// replayed is a replay's session:state as the tests read it.
type replayed struct {
	stateMsg
	Seq int64
}

func TestHistoryHexAndRecap(t *testing.T) {
	tb := historySession(t)
	var hex hexHistoryBody
	tb.historyAPI("/hex?mapId="+tb.th.mapID+"&key=4,4", 200, &hex)
	var whats []string
	for _, e := range hex.Entries {
		whats = append(whats, e.What)
	}
	if fmt.Sprint(whats) != "[painted labelled seen visited]" {
		t.Fatalf("4,4's history: %+v", hex.Entries)
	}
	tb.historyAPI("/hex?mapId="+tb.th.mapID+"&key=3,3", 200, &hex)
	if n := len(hex.Entries); n < 4 || hex.Entries[n-1].Text != `Labelled "Millbrook (ruined)"` {
		t.Fatalf("3,3's history: %+v", hex.Entries)
	}

	var recap history.Recap
	tb.historyAPI("/recap", 200, &recap)
	if !recap.Ended || recap.Number != 1 || len(recap.Parties) != 2 || len(recap.Hexes) == 0 {
		t.Fatalf("recap: %+v", recap)
	}
	found := map[string]history.RecapHex{}
	for _, h := range recap.Hexes {
		found[h.Key] = h
	}
	ana, bo := tb.ids["Ana"], tb.ids["Bo"]
	if h := found["0,0"]; h.Label != "Shrine" || fmt.Sprint(h.Players) != fmt.Sprint([]string{ana}) {
		t.Errorf("the shrine: %+v", h)
	}
	if h := found["1,1"]; h.State != "glimpsed" || fmt.Sprint(h.Players) != fmt.Sprint([]string{ana, bo}) {
		t.Errorf("1,1: %+v", h)
	}
	// Ana glimpsed the tower from Millbrook; Bo's party explored it.
	if h := found["4,4"]; h.Label != "Old Tower" || h.State != "explored" || fmt.Sprint(h.Players) != fmt.Sprint([]string{ana, bo}) {
		t.Errorf("the tower: %+v", h)
	}
	paths := map[string][]string{}
	for _, p := range recap.Parties {
		paths[p.Name] = p.Path
	}
	if fmt.Sprint(paths["The party"]) != "[3,3 3,2]" || fmt.Sprint(paths["Scouts"]) != "[3,3 4,3 4,4]" {
		t.Errorf("paths: %v", paths)
	}
	if strings.Contains(fmt.Sprint(recap), "notes") {
		t.Error("the recap holds notes")
	}
}

func TestHistoryAPIRefusals(t *testing.T) {
	tb := historySession(t)
	id := tb.th.campaignID
	other := struct{ ID string }{}
	tb.th.api("POST", "/api/campaigns", `{"name":"Other"}`, 201, &other)
	var otherMap struct{ ID string }
	tb.th.api("POST", "/api/campaigns/"+other.ID+"/maps", `{"name":"M","width":3,"height":3,"orientation":"flat"}`, 201, &otherMap)
	for _, c := range []struct {
		path   string
		status int
		code   string
	}{
		{"/history/state?as=wizard", 400, "invalid"},
		{"/history/state?as=player:", 400, "invalid"},
		{"/history/state?seq=-1", 400, "invalid"},
		{"/history/state?seq=x", 400, "invalid"},
		{"/history/state?as=player:nobody", 404, "not_found"},
		{"/history/state?as=party:nobody", 404, "not_found"},
		{"/history/state?seq=1&as=player:" + tb.ids["Ana"], 404, "not_found"}, // before she joined
		{"/history/entries?kinds=reveal,nonsense", 400, "invalid"},
		{"/history/entries?after=-4", 400, "invalid"},
		{"/history/hex?mapId=" + tb.th.mapID + "&key=99,99", 400, "invalid"},
		{"/history/hex?mapId=" + tb.th.mapID + "&key=03,3", 400, "invalid"},
		{"/history/hex?mapId=nope&key=1,1", 404, "not_found"},
		{"/history/hex?mapId=" + otherMap.ID + "&key=1,1", 404, "not_found"},
		{"/history/recap?sessionId=nope", 404, "not_found"},
	} {
		status, raw := tb.th.request("GET", "/api/campaigns/"+id+c.path, "", map[string]string{"Authorization": "Bearer " + testToken})
		if status != c.status || !strings.Contains(string(raw), `"`+c.code+`"`) {
			t.Errorf("%s: %d %s, want %d %s", c.path, status, raw, c.status, c.code)
		}
	}
	for _, path := range []string{"/history", "/history/entries", "/history/state", "/history/hex?mapId=" + tb.th.mapID + "&key=1,1", "/history/recap"} {
		status, _ := tb.th.request("GET", "/api/campaigns/"+id+path, "", map[string]string{"Cookie": tb.cookies["Ana"]})
		if status != 401 {
			t.Errorf("%s as a player: %d, want 401", path, status)
		}
	}
	status, _ := tb.th.request("GET", "/api/campaigns/nope/history", "", map[string]string{"Authorization": "Bearer " + testToken})
	if status != 404 {
		t.Errorf("an unknown campaign's history: %d", status)
	}
	// A recap of a campaign that never had a session.
	status, raw := tb.th.request("GET", "/api/campaigns/"+other.ID+"/history/recap", "", map[string]string{"Authorization": "Bearer " + testToken})
	if status != 404 {
		t.Errorf("recap without a session: %d %s", status, raw)
	}
}

// TestReplayReachesNobody: replays, timelines and journals read through their own connection:
// players hear nothing of them, the log does not grow, and the room goes on as before.
func TestReplayReachesNobody(t *testing.T) {
	tb := historySession(t)
	tb.syncPlayers()
	// Presence (other tests' fresh connections coming and going) is not the replay's doing.
	heard := func(c *wsClient) (n int) {
		for _, f := range c.received() {
			if !strings.Contains(string(f), `"type":"player:`) {
				n++
			}
		}
		return n
	}
	before := map[string]int{}
	for n, c := range tb.players {
		before[n] = heard(c)
	}
	seq, _ := tb.th.store.LastSeq(context.Background(), tb.th.campaignID)
	var tl timelineBody
	tb.historyAPI("", 200, &tl)
	for s := int64(0); s <= tl.Seq; s++ {
		tb.historyAPI(fmt.Sprintf("/state?seq=%d&as=players", s), 200, &json.RawMessage{})
		tb.historyAPI(fmt.Sprintf("/state?seq=%d", s), 200, &json.RawMessage{})
	}
	tb.historyAPI("/entries", 200, &entriesBody{})
	tb.historyAPI("/recap", 200, &history.Recap{})
	tb.th.request("GET", "/api/me/journal", "", map[string]string{"Cookie": tb.cookies["Ana"]})
	tb.syncPlayers()
	for n, c := range tb.players {
		// The sync marker is all they got.
		if got := heard(c); got != before[n]+1 {
			t.Errorf("%s received %d frames during the replays: %q", n, got-before[n]-1, c.received()[before[n]:])
		}
	}
	if after, _ := tb.th.store.LastSeq(context.Background(), tb.th.campaignID); after != seq {
		t.Errorf("the log grew from %d to %d during the replays", seq, after)
	}
	tb.do(`{"type":"session:start"}`)
	tb.check("a session after the replays")
}

// TestHistoryReaderCannotWrite: the history's connection is read-only whatever it is asked.
func TestHistoryReaderCannotWrite(t *testing.T) {
	th := newTestHub(t)
	r, err := th.store.OpenReader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.AppendEvent(context.Background(), th.campaignID, "", "hex:reveal", "dm", map[string]any{}); err == nil {
		t.Fatal("the reader appended an event")
	}
	if _, ok, err := r.EventAt(context.Background(), th.campaignID, 1); err != nil || !ok {
		t.Fatalf("the reader cannot read: %v %v", ok, err)
	}
}

// TestHistoryExamples keeps testdata/protocol/history (the history API's answers, which Vitest
// parses with the zod schemas) true to the hub: each example decodes strictly into the type that
// sends it and writes back field for field, and the hub's answer for the same question now has
// exactly the example's fields. HEXCRAWL_WRITE_HISTORY_EXAMPLES=1 writes the answers as the
// examples.
func TestHistoryExamples(t *testing.T) {
	tb := historySession(t)
	var tl timelineBody
	tb.historyAPI("", 200, &tl)
	session := tl.Sessions[1]
	get := func(path string, headers map[string]string) []byte {
		t.Helper()
		status, raw := tb.th.request("GET", path, "", headers)
		if status != 200 {
			t.Fatalf("%s: %d %s", path, status, raw)
		}
		return raw
	}
	dm := map[string]string{"Authorization": "Bearer " + testToken}
	base := "/api/campaigns/" + tb.th.campaignID + "/history"
	for _, c := range []struct {
		name  string
		proto any
		raw   []byte
	}{
		{"timeline.json", timelineBody{}, get(base, dm)},
		{"entries.json", entriesBody{}, get(fmt.Sprintf("%s/entries?after=%d&upTo=%d", base, session.First-1, session.Last), dm)},
		{"hex.json", hexHistoryBody{}, get(base+"/hex?mapId="+url.QueryEscape(tb.th.mapID)+"&key=3,3", dm)},
		{"recap.json", history.Recap{}, get(base+"/recap?sessionId="+session.ID, dm)},
		{"journal.json", history.Journal{}, get("/api/me/journal", map[string]string{"Cookie": tb.cookies["Ana"]})},
	} {
		t.Run(c.name, func(t *testing.T) {
			checkAPIExample(t, filepath.Join("..", "testdata", "protocol", "history", c.name), c.proto, c.raw)
		})
	}
}

// checkAPIExample keeps an HTTP answer's example true to the hub: the example decodes strictly
// into the Go type (unknown fields fail), writes back as it is, and has exactly the fields the
// hub's live answer raw has. HEXCRAWL_WRITE_HISTORY_EXAMPLES=1 rewrites it from raw.
func checkAPIExample(t *testing.T, file string, proto any, raw []byte) {
	t.Helper()
	if os.Getenv("HEXCRAWL_WRITE_HISTORY_EXAMPLES") != "" {
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, raw, "", "  "); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, append(pretty.Bytes(), '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	example, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	ptr := reflect.New(reflect.TypeOf(proto))
	dec := json.NewDecoder(bytes.NewReader(example))
	dec.DisallowUnknownFields()
	if err := dec.Decode(ptr.Interface()); err != nil {
		t.Fatalf("decode into %T: %v", proto, err)
	}
	back, err := json.Marshal(ptr.Interface())
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal(example, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(back, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("the example does not write back as it is:\n%s\n%s", example, back)
	}
	var live any
	if err := json.Unmarshal(raw, &live); err != nil {
		t.Fatal(err)
	}
	if got, want := jsonPaths(live), jsonPaths(a); !slices.Equal(got, want) {
		t.Fatalf("the hub answers with fields %v; the example has %v", got, want)
	}
}

// jsonPaths lists the field paths of a JSON value, array elements as [] and map keys that are
// ids or kinds as *, sorted and without repeats.
func jsonPaths(v any) []string {
	seen := map[string]bool{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				name := k
				if strings.HasSuffix(prefix, ".kinds") {
					name = "*"
				}
				p := prefix + "." + name
				seen[p] = true
				walk(p, e)
			}
		case []any:
			for _, e := range x {
				walk(prefix+"[]", e)
			}
		}
	}
	walk("", v)
	return slices.Sorted(maps.Keys(seen))
}
