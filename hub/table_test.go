package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
)

// At the table (docs/table.md): pings, players' notes and table screens on a live table, with
// the fog property (table.check: every frame of every player and screen, fresh states, the DM's
// state and the database agree) after every step.

// marks remembers how many frames each player and screen has had, to look at what came after.
func (tb *table) marks() map[string]int {
	out := map[string]int{}
	for n, c := range tb.players {
		out[n] = len(c.received())
	}
	for n, c := range tb.screens {
		out[n] = len(c.received())
	}
	out["dm"] = len(tb.dm.received())
	return out
}

func (tb *table) client(name string) *wsClient {
	if name == "dm" {
		return tb.dm
	}
	if c := tb.players[name]; c != nil {
		return c
	}
	return tb.screens[name]
}

// since lists the frames of a type a client received after mark (everything is in once
// syncPlayers has run).
func (tb *table) since(mark map[string]int, name, typ string) [][]byte {
	var out [][]byte
	for _, raw := range tb.client(name).received()[mark[name]:] {
		if strings.Contains(string(raw), `"type":"`+typ+`"`) {
			out = append(out, raw)
		}
	}
	return out
}

// heard checks who heard a ping after mark: exactly want, each once.
func (tb *table) heard(mark map[string]int, step string, want ...string) {
	tb.t.Helper()
	tb.syncPlayers()
	for _, name := range append([]string{"dm", "tv", "wall"}, "Ana", "Bo", "Cy") {
		got := len(tb.since(mark, name, msgHexPinged))
		if w := slices.Contains(want, name); got != map[bool]int{true: 1, false: 0}[w] {
			tb.t.Fatalf("%s: %s heard %d pings, want it heard by %v", step, name, got, want)
		}
	}
}

// notesOf is a player's readable notes, as their frames built them: key=text by author.
func (tb *table) notesOf(name string) string {
	tb.t.Helper()
	tb.syncPlayers()
	r, err := replayPlayer(tb.players[name].received())
	if err != nil {
		tb.t.Fatal(err)
	}
	var notes []noteView
	if err := json.Unmarshal([]byte(r.notes), &notes); err != nil {
		tb.t.Fatal(err)
	}
	var out []string
	for _, n := range notes {
		out = append(out, fmt.Sprintf("%s=%s by %s", n.Key, n.Text, n.AuthorName))
	}
	slices.Sort(out)
	return strings.Join(out, "; ")
}

// refuseAs sends a player's line that must fail with code, its message mentioning want, and
// change nothing: the DM's state and the log are as they were.
func (tb *table) refuseAs(name, line string, code game.ErrorCode, want string) {
	tb.t.Helper()
	before := tb.dmState()
	seq, _ := tb.th.store.LastSeq(context.Background(), tb.th.campaignID)
	e, _ := tb.sendAs(name, line)
	if e == nil || e.Code != code || !strings.Contains(e.Message, want) {
		tb.t.Fatalf("%s: %s: got %+v, want %s mentioning %q", name, tb.expand(line), e, code, want)
	}
	if after := tb.dmState(); string(withoutPlayers(before)) != string(withoutPlayers(after)) {
		tb.t.Fatalf("%s: refused, yet the state changed", tb.expand(line))
	}
	if after, _ := tb.th.store.LastSeq(context.Background(), tb.th.campaignID); after != seq {
		tb.t.Fatalf("%s: refused, yet logged (seq %d → %d)", tb.expand(line), seq, after)
	}
}

func (tb *table) doAs(name, line string) {
	tb.t.Helper()
	if e, _ := tb.sendAs(name, line); e != nil {
		tb.t.Fatalf("%s: %s: %s %s", name, tb.expand(line), e.Code, e.Message)
	}
}

// TestTableSession plays pings, notes and table screens through an evening: two parties, a
// player who moves between them, a hide, a merge, a removed player.
func TestTableSession(t *testing.T) {
	tb := newTable(t, "Ana", "Bo", "Cy")
	tb.do(paintLine())
	tb.do(`{"type":"session:start"}`)
	tb.do(`{"type":"party:place","partyId":"$P0","key":"1,2","reveal":true}`)
	tb.do(`{"type":"party:create","name":"Scouts","color":"#3070c0","playerIds":["$BO"]}`)
	tb.do(`{"type":"party:place","partyId":"$P1","key":"6,4","reveal":true}`)
	tb.do(`{"type":"hex:reveal","hexKeys":["0,0"],"targets":{"playerIds":["$ANA"]},"state":"glimpsed"}`)
	tb.check("setting up")
	// Ana and Cy (the company) know 1,2 and its neighbours; Bo, split off before the scouts
	// walked, knows those too and 6,4 besides. Only Ana knows 0,0; nobody 4,0.
	if tb.codeAt("Bo", "6,4") == '?' || tb.codeAt("Ana", "6,4") != '?' || tb.codeAt("Ana", "0,0") == '?' || tb.codeAt("Cy", "0,0") != '?' {
		t.Fatalf("the knowledge this test starts from: Ana %s, Bo %s, Cy %s", tb.grid("Ana"), tb.grid("Bo"), tb.grid("Cy"))
	}

	// A player's ping: the DM, her party (Cy, who knows the hex) and the company's screen; not
	// Bo, who knows the hex too but is in another party, nor the screen of everyone.
	mark := tb.marks()
	tb.doAs("Ana", `{"type":"hex:ping","key":"1,2"}`)
	tb.heard(mark, "Ana pings 1,2", "dm", "tv", "Ana", "Cy")
	p := decode[hexPingedMsg](t, frame{raw: tb.since(mark, "Cy", msgHexPinged)[0]})
	if p.Key != "1,2" || p.From == nil || p.From.Name != "Ana" || p.ID == "" {
		t.Fatalf("the ping Cy got: %+v", p)
	}
	// Her private hex: Cy does not know it, so only the DM and Ana hear.
	mark = tb.marks()
	tb.doAs("Ana", `{"type":"hex:ping","key":"0,0"}`)
	tb.heard(mark, "Ana pings her private hex", "dm", "Ana")
	// Refused: a hex she has not seen, targets (the DM's), a screen's ping; nothing heard.
	mark = tb.marks()
	tb.refuseAs("Ana", `{"type":"hex:ping","key":"6,4"}`, game.EForbidden, "not seen")
	tb.refuseAs("Ana", `{"type":"hex:ping","key":"7,5"}`, game.EForbidden, "not seen")
	// (Refused pings count against the bucket too: Cy sends these.)
	tb.refuseAs("Cy", `{"type":"hex:ping","key":"1,2","targets":"all"}`, game.EForbidden, "only the DM")
	tb.refuseAs("Cy", `{"type":"hex:ping","key":"9,9"}`, game.EInvalid, "off the")
	tb.screens["tv"].send(`{"type":"hex:ping","key":"1,2","ref":"tv-ping"}`)
	if e := decode[errorMsg](t, tb.screens["tv"].skipUntil("error")); e.Code != game.EForbidden || e.Ref != "tv-ping" {
		t.Fatalf("a screen's ping: %+v", e)
	}
	tb.heard(mark, "refused pings")
	tb.check("pings")

	// The DM's pings: to everyone who knows the hex, a party, chosen players.
	mark = tb.marks()
	tb.do(`{"type":"hex:ping","key":"1,2"}`)
	tb.heard(mark, "the DM pings everyone", "dm", "tv", "Ana", "Bo", "Cy")
	if p := decode[hexPingedMsg](t, frame{raw: tb.since(mark, "Bo", msgHexPinged)[0]}); p.From != nil {
		t.Fatalf("the DM's ping says it is from %+v", p.From)
	}
	mark = tb.marks()
	tb.do(`{"type":"hex:ping","key":"1,2","targets":{"partyIds":["$P1"]}}`)
	tb.heard(mark, "the DM pings the scouts", "dm", "Bo")
	mark = tb.marks()
	tb.do(`{"type":"hex:ping","key":"1,2","targets":{"playerIds":["$CY"]}}`)
	tb.heard(mark, "the DM pings Cy", "dm", "Cy")
	mark = tb.marks()
	tb.do(`{"type":"hex:ping","key":"6,4","targets":"all"}`)
	tb.heard(mark, "the DM pings a hex only the scouts know", "dm", "Bo")
	mark = tb.marks()
	tb.do(`{"type":"hex:reveal","hexKeys":["7,0"],"targets":"all"}`)
	tb.do(`{"type":"hex:ping","key":"7,0"}`)
	tb.heard(mark, "the DM pings a hex revealed to all", "dm", "tv", "wall", "Ana", "Bo", "Cy")
	tb.refuse(`{"type":"hex:ping","key":"1,2","targets":{"playerIds":["ghost"]}}`, game.ENotFound, "targets.playerIds[0]")
	tb.check("the DM's pings")

	// Notes. A private one: Ana and the DM; a shared one: Cy too; never Bo.
	mark = tb.marks()
	tb.doAs("Ana", `{"type":"note:set","key":"0,0","text":"  Bo owes me 3 gold.  ","shared":false}`)
	tb.doAs("Ana", `{"type":"note:set","key":"1,2","text":"We buried the gold here","shared":true}`)
	tb.doAs("Cy", `{"type":"note:set","key":"1,2","text":"Cy was here","shared":false}`)
	if got := tb.notesOf("Ana"); got != "0,0=Bo owes me 3 gold. by Ana; 1,2=We buried the gold here by Ana" {
		t.Fatalf("Ana's notes: %s", got)
	}
	if got := tb.notesOf("Cy"); got != "1,2=Cy was here by Cy; 1,2=We buried the gold here by Ana" {
		t.Fatalf("Cy's notes: %s", got)
	}
	if got := tb.notesOf("Bo"); got != "" || len(tb.since(mark, "Bo", msgNotesChanged)) != 0 {
		t.Fatalf("Bo heard of notes: %s", got)
	}
	if dm := tb.since(mark, "dm", msgNotesChanged); len(dm) != 3 || !strings.Contains(string(dm[2]), "Bo owes me") {
		t.Fatalf("the DM's notes: %s", dm)
	}
	tb.check("notes")
	// Replacing keeps one note per player and hex.
	tb.doAs("Cy", `{"type":"note:set","key":"1,2","text":"Cy was here twice","shared":false}`)
	if got := tb.notesOf("Cy"); got != "1,2=Cy was here twice by Cy; 1,2=We buried the gold here by Ana" {
		t.Fatalf("Cy's notes after an edit: %s", got)
	}

	// Bad input: a clear error, nothing stored, nothing logged.
	tb.refuseAs("Ana", `{"type":"note:set","key":"6,4","text":"spy","shared":false}`, game.EForbidden, "not seen")
	tb.refuseAs("Ana", `{"type":"note:set","key":"1,2","text":"`+strings.Repeat("é", game.MaxPlayerNoteChars+1)+`","shared":false}`,
		game.EInvalid, "at most 1000 characters")
	tb.refuseAs("Ana", `{"type":"note:set","key":"1,2","text":" ","shared":false}`, game.EInvalid, "needs some text")
	tb.refuseAs("Ana", `{"type":"note:remove","key":"2,2"}`, game.ENotFound, "no note")
	tb.refuse(`{"type":"note:set","key":"1,2","text":"DM","shared":false}`, game.EForbidden, "player's own")
	tb.check("bad notes")

	// Notes come back on another device holding the seat.
	again := tb.th.player("Ana-phone", tb.cookies["Ana"])
	var st struct {
		PlayerNotes []noteView
	}
	_ = json.Unmarshal(again.received()[0], &st)
	if len(st.PlayerNotes) != 2 {
		t.Fatalf("Ana's notes on another device: %+v", st.PlayerNotes)
	}
	_ = again.conn.Close()

	// Ana moves to the scouts: her shared note stays with the company (Cy keeps it), she keeps
	// it as its author, and it does not follow her to Bo.
	tb.do(`{"type":"party:assign","partyId":"$P1","playerIds":["$ANA"]}`)
	tb.check("Ana joins the scouts")
	if got := tb.notesOf("Cy"); !strings.Contains(got, "We buried the gold here by Ana") {
		t.Fatalf("Cy lost the company's note when Ana left: %s", got)
	}
	if got := tb.notesOf("Bo"); got != "" {
		t.Fatalf("the company's note followed Ana to Bo: %s", got)
	}
	if got := tb.notesOf("Ana"); !strings.Contains(got, "We buried the gold here") {
		t.Fatalf("Ana lost her own note: %s", got)
	}
	// Saving it shared again shares it with her party as it is now: the scouts.
	tb.doAs("Ana", `{"type":"note:set","key":"1,2","text":"We buried the gold here","shared":true}`)
	tb.check("the note shared with the scouts")
	if got := tb.notesOf("Cy"); strings.Contains(got, "gold") {
		t.Fatalf("Cy still reads a note now shared with the scouts: %s", got)
	}
	if got := tb.notesOf("Bo"); got != "1,2=We buried the gold here by Ana" {
		t.Fatalf("Bo's notes: %s", got)
	}

	// Hiding the hex from Bo takes the note from his screen; revealing it brings it back.
	tb.do(`{"type":"hex:hide","hexKeys":["1,2"],"targets":{"playerIds":["$BO"]}}`)
	if got := tb.notesOf("Bo"); got != "" {
		t.Fatalf("Bo reads a note on a hex hidden from him: %s", got)
	}
	tb.check("the note's hex hidden from Bo")
	tb.do(`{"type":"hex:reveal","hexKeys":["1,2"],"targets":{"playerIds":["$BO"]},"state":"glimpsed"}`)
	if got := tb.notesOf("Bo"); got != "1,2=We buried the gold here by Ana" {
		t.Fatalf("Bo's notes after the reveal: %s", got)
	}

	// A screen watching the scouts; the scouts merge into the company: the note shared with the
	// scouts is the company's now (Cy reads it again), and the screen watches the company.
	tb.screenTokens["scouts-tv"] = tb.th.makeDisplay("scouts-tv", tb.parties[1])
	tb.screenParty["scouts-tv"] = tb.parties[1]
	tb.screens["scouts-tv"] = tb.th.display("scouts-tv", tb.screenTokens["scouts-tv"])
	tb.check("a screen for the scouts")
	tb.do(`{"type":"party:merge","partyId":"$P1","intoId":"$P0"}`)
	tb.check("the merge")
	if got := tb.notesOf("Cy"); !strings.Contains(got, "We buried the gold here by Ana") {
		t.Fatalf("Cy's notes after the merge: %s", got)
	}
	var list []displayInfo
	tb.th.api("GET", "/api/campaigns/"+tb.th.campaignID+"/displays", "", 200, &list)
	scouts := slices.IndexFunc(list, func(d displayInfo) bool { return d.Name == "scouts-tv" })
	if len(list) != 3 || list[scouts].PartyID != tb.parties[0] || !list[scouts].Online || list[scouts].Token != "" {
		t.Fatalf("the screens after the merge: %+v", list)
	}

	// Ana is removed: her shared note stays the company's, under her name; her private one
	// reaches nobody but the DM.
	tb.th.api("DELETE", "/api/campaigns/"+tb.th.campaignID+"/members/"+tb.ids["Ana"], "", 200, nil)
	delete(tb.players, "Ana")
	tb.check("Ana removed")
	if got := tb.notesOf("Cy"); !strings.Contains(got, "We buried the gold here by Ana") || strings.Contains(got, "owes") {
		t.Fatalf("Cy's notes after Ana left: %s", got)
	}
	dm := tb.dmState()
	if !strings.Contains(string(dm), "Bo owes me 3 gold.") {
		t.Fatalf("the DM no longer reads Ana's private note")
	}

	// Removing a note.
	tb.doAs("Cy", `{"type":"note:remove","key":"1,2"}`)
	if got := tb.notesOf("Cy"); strings.Contains(got, "Cy was here") {
		t.Fatalf("Cy's note after removing it: %s", got)
	}
	tb.check("a note removed")

	// The log keeps notes (they are state) and no pings.
	var events []struct{ Type, Actor string }
	tb.th.api("GET", "/api/campaigns/"+tb.th.campaignID+"/events?after=0&limit=1000", "", 200, &events)
	counts := map[string]int{}
	for _, e := range events {
		counts[e.Type]++
	}
	if counts["note:set"] != 5 || counts["note:remove"] != 1 || counts["hex:ping"] != 0 || counts["display:create"] != 3 {
		t.Fatalf("the log: %v", counts)
	}
}

// A flood of pings: a few at once, then a clear error each, and nobody hears the refused ones.
func TestPingFlood(t *testing.T) {
	tb := newTable(t, "Ana", "Cy")
	tb.do(`{"type":"session:start"}`)
	tb.do(`{"type":"hex:reveal","hexKeys":["1,1"],"targets":"all"}`)
	tb.syncPlayers()
	mark := tb.marks()
	ana := tb.players["Ana"]
	for i := range 40 {
		ana.send(fmt.Sprintf(`{"type":"hex:ping","key":"1,1","ref":"f%d"}`, i))
	}
	limited := 0
	for limited+game.PingBurst < 40 {
		f := ana.next()
		if f.Type != "error" {
			continue
		}
		e := decode[errorMsg](t, f)
		if e.Code != game.ERateLimited || !strings.Contains(e.Message, "too many pings") {
			t.Fatalf("a flooded ping: %+v", e)
		}
		limited++
	}
	tb.syncPlayers()
	// The burst, give or take one refilled while the 40 were read.
	if got := len(tb.since(mark, "Cy", msgHexPinged)); got < game.PingBurst || got > game.PingBurst+1 {
		t.Fatalf("Cy heard %d pings of a flood, want the burst of %d", got, game.PingBurst)
	}
	// The bucket refills: a ping a second later goes through.
	time.Sleep(time.Second)
	tb.doAs("Ana", `{"type":"hex:ping","key":"1,1"}`)
	tb.check("after a flood")
}

// A table screen can only watch, and its credential is the DM's to make and take back.
func TestTableScreenCredential(t *testing.T) {
	tb := newTable(t, "Ana")
	th := tb.th
	tv := tb.screens["tv"]
	// Every command but the heartbeat is refused, and changes nothing.
	before := tb.dmState()
	for _, line := range []string{`{"type":"session:start","ref":"a"}`, `{"type":"hex:reveal","hexKeys":["0,0"],"targets":"all","ref":"b"}`,
		`{"type":"note:set","key":"0,0","text":"x","shared":false,"ref":"c"}`, `{"type":"party:place","partyId":"$P0","key":"0,0","reveal":false,"ref":"d"}`} {
		tv.send(tb.expand(line))
		if e := decode[errorMsg](t, tv.skipUntil("error")); e.Code != game.EForbidden || !strings.Contains(e.Message, "only watch") {
			t.Fatalf("%s from a screen: %+v", line, e)
		}
	}
	tv.send(`{"type":"ping","ref":"hb"}`)
	if p := decode[pongMsg](t, tv.skipUntil("pong")); p.Ref != "hb" {
		t.Fatalf("pong %+v", p)
	}
	if after := tb.dmState(); string(withoutPlayers(before)) != string(withoutPlayers(after)) {
		t.Fatalf("a screen's commands changed the state")
	}

	// What it is, and the join code for its QR code.
	auth := map[string]string{"Authorization": "Bearer " + tb.screenTokens["tv"]}
	status, raw := th.request("GET", "/api/display", "", auth)
	var me displayMe
	_ = json.Unmarshal(raw, &me)
	if status != 200 || me.CampaignID != th.campaignID || me.PartyID == nil || *me.PartyID != tb.parties[0] || me.Name != "tv" {
		t.Fatalf("GET /api/display: %d %s", status, raw)
	}
	status, raw = th.request("GET", "/api/display/join", "", auth)
	if status != 200 || !strings.Contains(string(raw), th.code) || !strings.Contains(string(raw), "/join/"+th.code) {
		t.Fatalf("GET /api/display/join: %d %s", status, raw)
	}
	// The DM token is not a screen's, nor is a player's cookie; a screen's token opens no DM route.
	for _, h := range []map[string]string{{"Authorization": "Bearer " + testToken}, {"Authorization": "Bearer nope"}, {}} {
		if status, _ := th.request("GET", "/api/display", "", h); status != 401 {
			t.Fatalf("GET /api/display with %v: %d", h, status)
		}
	}
	if status, _ := th.request("GET", "/api/campaigns", "", auth); status != 401 {
		t.Fatalf("a screen's token on a DM route: %d", status)
	}

	// Bad requests to make one.
	for _, tc := range []struct {
		body   string
		status int
	}{
		{`{"partyId":"nope"}`, 404},
		{`{"name":"` + strings.Repeat("x", 41) + `"}`, 400},
		{`{"name":"tv","extra":1}`, 400},
	} {
		if status, raw := th.request("POST", "/api/campaigns/"+th.campaignID+"/displays", tc.body, map[string]string{"Authorization": "Bearer " + testToken}); status != tc.status {
			t.Fatalf("POST displays %s: %d %s", tc.body, status, raw)
		}
	}
	// A player cannot make one.
	if status, _ := th.request("POST", "/api/campaigns/"+th.campaignID+"/displays", `{}`, map[string]string{"Cookie": tb.cookies["Ana"]}); status != 401 {
		t.Fatalf("a player made a screen: %d", status)
	}

	// Revoked: its socket closes with 4004, its token opens nothing any more.
	var list []displayInfo
	th.api("GET", "/api/campaigns/"+th.campaignID+"/displays", "", 200, &list)
	tvAt := slices.IndexFunc(list, func(d displayInfo) bool { return d.Name == "tv" })
	th.api("DELETE", "/api/campaigns/"+th.campaignID+"/displays/"+list[tvAt].ID, "", 204, nil)
	if code := tv.waitClosed(); code != CloseRevoked {
		t.Fatalf("the revoked screen closed with %d", code)
	}
	if status, _ := th.request("GET", "/api/display", "", auth); status != 401 {
		t.Fatalf("GET /api/display after the revoke: %d", status)
	}
	c, _, err := th.dial("tv-again", th.campaignID, dialOpts{subprotocols: []string{subprotocol, displayProtocol + tb.screenTokens["tv"]}})
	if err != nil {
		t.Fatal(err)
	}
	if code := c.waitClosed(); code != CloseUnauthorized {
		t.Fatalf("a revoked token connected, closed with %d", code)
	}
	th.api("DELETE", "/api/campaigns/"+th.campaignID+"/displays/"+list[tvAt].ID, "", 404, nil)
	// A screen's token for another campaign's socket.
	var other struct{ ID string }
	th.api("POST", "/api/campaigns", `{"name":"Other"}`, 201, &other)
	c, _, err = th.dial("wall-elsewhere", other.ID, dialOpts{subprotocols: []string{subprotocol, displayProtocol + tb.screenTokens["wall"]}})
	if err != nil {
		t.Fatal(err)
	}
	if code := c.waitClosed(); code != CloseForbidden {
		t.Fatalf("a screen's token on another campaign closed with %d", code)
	}
	delete(tb.screens, "tv")
	tb.check("after a revoke")
	_ = http.StatusOK
}

// Notes: at most 500 per player and map.
func TestNoteLimit(t *testing.T) {
	tb := newTable(t, "Ana")
	tb.th.api("PATCH", "/api/maps/"+tb.th.mapID, `{"width":30,"height":20}`, 200, nil)
	tb.do(`{"type":"session:start"}`)
	var keys []string
	for i := range 600 {
		keys = append(keys, mapKey(i%30, i/30))
	}
	tb.do(string(mustJSON(map[string]any{"type": "hex:reveal", "hexKeys": keys, "targets": "all"})))
	room, err := tb.th.hub.room(t.Context(), tb.th.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	ana := &client{role: game.RolePlayer, memberID: tb.ids["Ana"]}
	for i := range game.MaxPlayerNotesPerMap - 1 {
		c, err := decodeCommand([]byte(fmt.Sprintf(`{"type":"note:set","key":"%s","text":"n%d","shared":false}`, keys[i], i)))
		if err != nil {
			t.Fatal(err)
		}
		c.from = ana
		if err := room.do(t.Context(), func(b *batch) error { return room.command(b, c) }); err != nil {
			t.Fatal(err)
		}
	}
	tb.doAs("Ana", `{"type":"note:set","key":"29,19","text":"the 500th","shared":false}`)
	tb.doAs("Ana", `{"type":"note:set","key":"29,19","text":"the 500th, edited","shared":false}`)
	tb.refuseAs("Ana", `{"type":"note:set","key":"28,19","text":"one too many","shared":false}`, game.EConflict, "500 notes")
	tb.check("500 notes")
}

// The table screen's HTTP answers match their examples in testdata/protocol/display (which the
// table screen's zod schemas parse too).
func TestDisplayExamples(t *testing.T) {
	th := newTestHub(t)
	token := th.makeDisplay("TV", "")
	get := func(path string) []byte {
		t.Helper()
		status, raw := th.request("GET", path, "", map[string]string{"Authorization": "Bearer " + token})
		if status != 200 {
			t.Fatalf("%s: %d %s", path, status, raw)
		}
		return raw
	}
	for _, c := range []struct {
		name  string
		proto any
		raw   []byte
	}{
		{"me.json", displayMe{}, get("/api/display")},
		{"join.json", displayJoin{}, get("/api/display/join")},
	} {
		t.Run(c.name, func(t *testing.T) {
			checkAPIExample(t, filepath.Join("..", "testdata", "protocol", "display", c.name), c.proto, c.raw)
		})
	}
}
