package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
)

// table is a live table for exploration tests: the DM and players on a real hub, DM messages
// sent one at a time with placeholders for ids ($ANA, $BO, $CY; $P0… parties and $M0… markers in
// the order the DM first hears of them), and the fog property checked on demand.
type table struct {
	t       testing.TB
	th      *testHub
	dm      *wsClient
	ids     map[string]string // name → player id
	players map[string]*wsClient
	cookies map[string]string
	parties []string
	markers []string
	syncs   int
	dmSeen  int             // DM frames already scanned for ids
	points  []recordedPoint // the room's projections at each check, for the history's replays
	// Table screens (docs/table.md): "tv" watches the default party, "wall" what everyone knows.
	screens      map[string]*wsClient
	screenTokens map[string]string
	screenParty  map[string]string // name → the party it watches ("" everyone), following merges
}

func newTable(t testing.TB, names ...string) *table {
	th := newTestHub(t)
	tb := &table{t: t, th: th, ids: map[string]string{}, players: map[string]*wsClient{}, cookies: map[string]string{}}
	for _, n := range names {
		tb.cookies[n], tb.ids[n] = th.join(n)
	}
	tb.dm = th.dm("dm")
	for _, n := range names {
		tb.players[n] = th.player(n, tb.cookies[n])
	}
	tb.learnIDs()
	tb.screens, tb.screenTokens, tb.screenParty = map[string]*wsClient{}, map[string]string{}, map[string]string{}
	for name, party := range map[string]string{"tv": tb.parties[0], "wall": ""} {
		tb.screenTokens[name] = th.makeDisplay(name, party)
		tb.screenParty[name] = party
		tb.screens[name] = th.display(name, tb.screenTokens[name])
	}
	return tb
}

// makeDisplay makes a table screen watching party ("" everyone) and returns its token.
func (th *testHub) makeDisplay(name, party string) string {
	th.t.Helper()
	body := map[string]any{"name": name, "partyId": nil}
	if party != "" {
		body["partyId"] = party
	}
	var d struct{ Token string }
	th.api("POST", "/api/campaigns/"+th.campaignID+"/displays", string(mustJSON(body)), 201, &d)
	return d.Token
}

// display connects a table screen.
func (th *testHub) display(name, token string) *wsClient {
	th.t.Helper()
	c, _, err := th.dial(name, th.campaignID, dialOpts{subprotocols: []string{subprotocol, displayProtocol + token}})
	if err != nil {
		th.t.Fatalf("dial screen %s: %v", name, err)
	}
	c.expect("session:state")
	return c
}

// playerLine is a line a player sends: "@ana {…}".
func playerLine(line string) (name, msg string, ok bool) {
	if !strings.HasPrefix(line, "@") {
		return "", "", false
	}
	name, msg, ok = strings.Cut(line[1:], " ")
	return name, msg, ok
}

// expand replaces the placeholders of a line.
func (tb *table) expand(line string) string {
	var pairs []string
	for n, id := range tb.ids {
		pairs = append(pairs, "$"+strings.ToUpper(n), id)
	}
	for i, id := range tb.parties {
		pairs = append(pairs, fmt.Sprintf("$P%d", i), id)
	}
	for i, id := range tb.markers {
		pairs = append(pairs, fmt.Sprintf("$M%d", i), id)
	}
	return strings.NewReplacer(pairs...).Replace(line)
}

// learnIDs reads the DM's frames so far for parties and markers it has not seen yet.
func (tb *table) learnIDs() {
	all := tb.dm.received()
	for _, raw := range all[tb.dmSeen:] {
		var m struct {
			Type    string
			Parties []struct{ ID string }
			Markers []struct{ ID string }
		}
		_ = json.Unmarshal(raw, &m)
		for _, p := range m.Parties {
			if !containsStr(tb.parties, p.ID) {
				tb.parties = append(tb.parties, p.ID)
			}
		}
		for _, mk := range m.Markers {
			if !containsStr(tb.markers, mk.ID) {
				tb.markers = append(tb.markers, mk.ID)
			}
		}
	}
	tb.dmSeen = len(all)
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// send sends one DM line and waits until the room has handled it, returning the error it
// caused, if any (its message), and the DM frames it caused.
func (tb *table) send(line string) (*errorMsg, [][]byte) {
	tb.t.Helper()
	if name, msg, ok := playerLine(line); ok {
		return tb.sendAs(name, msg)
	}
	tb.followMerge(line)
	tb.syncs++
	ref := fmt.Sprintf("sync-%d", tb.syncs)
	start := len(tb.dm.received())
	tb.dm.send(tb.expand(line))
	tb.dm.send(`{"type":"staged:undo","index":1000000,"ref":"` + ref + `"}`)
	var failed *errorMsg
	for {
		f := tb.dm.next()
		if f.Type != "error" {
			continue
		}
		e := decode[errorMsg](tb.t, f)
		if e.Message == "" || !knownErrorCode(e.Code) {
			tb.t.Fatalf("error without a known code and a message: %s", f.raw)
		}
		if e.Ref == ref {
			break
		}
		failed = &e
	}
	all := tb.dm.received()
	// Presence is coalesced over 50 ms and lands in whichever request's window it falls: it is
	// never a request's answer, so it is left out.
	var frames [][]byte
	for _, f := range all[start : len(all)-1] {
		if !bytes.Contains(f, []byte(`"type":"player:joined"`)) && !bytes.Contains(f, []byte(`"type":"player:left"`)) {
			frames = append(frames, f)
		}
	}
	tb.learnIDs()
	return failed, frames
}

// followMerge keeps track of which party a screen watches: a merged party's screens watch the
// party it merged into.
func (tb *table) followMerge(line string) {
	var m struct{ Type, PartyID, IntoID string }
	if json.Unmarshal([]byte(tb.expand(line)), &m) != nil || m.Type != cmdPartyMerge || m.PartyID == m.IntoID {
		return
	}
	if !containsStr(tb.parties, m.PartyID) || !containsStr(tb.parties, m.IntoID) {
		return
	}
	for name, p := range tb.screenParty {
		if p == m.PartyID {
			tb.screenParty[name] = m.IntoID
		}
	}
}

// sendAs sends one line from a player (a name in any case; an unknown name sends nothing) and
// waits until the room has handled it; it returns the player's error, if any, and the DM's
// frames up to then.
func (tb *table) sendAs(name, line string) (*errorMsg, [][]byte) {
	tb.t.Helper()
	var c *wsClient
	for n, pc := range tb.players {
		if strings.EqualFold(n, name) {
			c = pc
		}
	}
	if c == nil {
		return nil, nil
	}
	start := len(tb.dm.received())
	tb.syncs++
	ref := fmt.Sprintf("psync-%d", tb.syncs)
	start0 := len(c.received())
	c.send(tb.expand(line))
	// A note:remove off the map is refused by the room, after everything sent before it.
	c.send(`{"type":"note:remove","key":"999,999","ref":"` + ref + `"}`)
	var failed *errorMsg
	deadline := time.Now().Add(10 * time.Second)
	for seen := start0 - 1; ; {
		if time.Now().After(deadline) {
			tb.t.Fatalf("%s: no answer to %s within 10 s; frames since: %s", name, ref, bytes.Join(c.received()[start0:], []byte("\n")))
		}
		all := c.received()
		for ; seen+1 < len(all); seen++ {
			var e errorMsg
			if json.Unmarshal(all[seen+1], &e) != nil || e.Type != "error" {
				continue
			}
			if e.Message == "" || !knownErrorCode(e.Code) {
				tb.t.Fatalf("error without a known code and a message: %s", all[seen+1])
			}
			if e.Ref == ref {
				tb.send(`{"type":"staged:undo","index":1000000}`) // the DM's frames of it are in too
				all := tb.dm.received()
				return failed, all[start:]
			}
			failed = &e
		}
		select {
		case <-c.closed:
			tb.t.Fatalf("%s's socket closed (%d)", name, c.code)
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// do sends a line that must succeed and returns the DM frames it caused.
func (tb *table) do(line string) [][]byte {
	tb.t.Helper()
	e, frames := tb.send(line)
	if e != nil {
		tb.t.Fatalf("%s: %s %s", tb.expand(line), e.Code, e.Message)
	}
	return frames
}

// refuse sends a line that must fail with code, its message mentioning want, and change
// nothing: the DM's full state and the log are as they were.
func (tb *table) refuse(line string, code game.ErrorCode, want string) {
	tb.t.Helper()
	before := tb.dmState()
	seq, _ := tb.th.store.LastSeq(context.Background(), tb.th.campaignID)
	e, frames := tb.send(line)
	if e == nil || e.Code != code || !strings.Contains(e.Message, want) {
		tb.t.Fatalf("%s: got %+v, want %s mentioning %q", tb.expand(line), e, code, want)
	}
	for _, f := range frames {
		// Presence is batched over 50 ms and may land in any request's window.
		if !bytes.Contains(f, []byte(`"type":"error"`)) && !bytes.Contains(f, []byte(`"type":"player:`)) {
			tb.t.Fatalf("%s: refused, yet the DM heard %s", tb.expand(line), f)
		}
	}
	if after := tb.dmState(); !bytes.Equal(withoutPlayers(before), withoutPlayers(after)) {
		tb.t.Fatalf("%s: refused, yet the state changed:\n%s\n%s", tb.expand(line), before, after)
	}
	if after, _ := tb.th.store.LastSeq(context.Background(), tb.th.campaignID); after != seq {
		tb.t.Fatalf("%s: refused, yet logged (seq %d → %d)", tb.expand(line), seq, after)
	}
}

// withoutPlayers drops the presence list, which a fresh connection changes.
func withoutPlayers(state []byte) []byte {
	i := bytes.LastIndex(state, []byte(`"players":`))
	return state[:i]
}

// dmState is a fresh DM connection's session:state.
func (tb *table) dmState() []byte {
	tb.t.Helper()
	c := tb.th.dm("fresh-dm")
	defer c.conn.Close()
	return c.received()[0]
}

// msgTestSync is syncPlayers' marker frame: the harness's, never the hub's.
const msgTestSync = "test:sync"

// syncPlayers queues a marker frame behind everything sent to players so far and waits until
// every player has read it: after it, each has received all of their deltas.
func (tb *table) syncPlayers() {
	tb.t.Helper()
	ctx := context.Background()
	room, err := tb.th.hub.room(ctx, tb.th.campaignID)
	if err != nil {
		tb.t.Fatal(err)
	}
	tb.syncs++
	marker := fmt.Sprintf(`{"type":%q,"n":%d}`, msgTestSync, tb.syncs)
	if err := room.do(ctx, func(b *batch) error { b.toPlayers([]byte(marker)); return nil }); err != nil {
		tb.t.Fatal(err)
	}
	for _, c := range tb.players {
		for {
			if f := c.next(); string(f.raw) == marker {
				break
			}
		}
	}
	for _, c := range tb.screens {
		c.waitFor(marker)
	}
}

// waitFor waits until the client has received exactly raw (its frames are kept in received).
func (c *wsClient) waitFor(raw string) {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !slices.ContainsFunc(c.received(), func(f []byte) bool { return string(f) == raw }) {
		if time.Now().After(deadline) {
			c.t.Fatalf("%s: %s did not arrive within 10 s", c.name, raw)
		}
		time.Sleep(time.Millisecond)
	}
}

// check is the property: for every player, what they built from their deltas (every frame of
// which keeps the fog) equals a fresh session:state of theirs, which equals what the DM's state
// says they know; and the DM's state is what the database holds.
func (tb *table) check(step string) {
	tb.t.Helper()
	tb.syncPlayers()
	dm := tb.dmState()
	// Memory is what the database holds: a room rebuilt from it (as after a restart) shows the
	// DM exactly the same.
	st, err := loadRoomState(context.Background(), tb.th.store.Queries, tb.th.campaignID)
	if err != nil {
		tb.t.Fatal(err)
	}
	if stored := st.dmState(); !bytes.Equal(withoutPlayers(stored), withoutPlayers(dm)) {
		tb.t.Fatalf("after %s, the room's memory and the database differ:\nmemory   %s\ndatabase %s", step, dm, stored)
	}
	// The DM's console, built from its deltas, knows what a fresh state says.
	fresh, err := replayDM([][]byte{dm})
	if err != nil {
		tb.t.Fatal(err)
	}
	built, err := replayDM(tb.dm.received())
	if err != nil {
		tb.t.Fatal(err)
	}
	if b, f := built.summary(fresh.players), fresh.summary(fresh.players); b != f {
		tb.t.Fatalf("after %s, the DM built from deltas:\n%s\nbut a fresh state says:\n%s", step, b, f)
	}
	for name, c := range tb.players {
		built, err := replayPlayer(c.received())
		if err != nil {
			tb.t.Fatalf("after %s, %s's frames break the fog: %v", step, name, err)
		}
		again := tb.th.player(name+"-again", tb.cookies[name])
		fresh, err := replayPlayer(again.received()[:1])
		_ = again.conn.Close()
		if err != nil {
			tb.t.Fatalf("after %s, %s's fresh state breaks the fog: %v", step, name, err)
		}
		want := expectedFor(tb.t, dm, tb.ids[name])
		if built != fresh {
			tb.t.Fatalf("after %s, %s built from deltas:\n%v\nbut a fresh connection gets:\n%v", step, name, built, fresh)
		}
		if fresh != want {
			tb.t.Fatalf("after %s, %s's fresh state:\n%v\nbut the DM's state says:\n%v", step, name, fresh, want)
		}
	}
	tb.checkReplay(step)
	for name, c := range tb.screens {
		built, err := replayPlayer(c.received())
		if err != nil {
			tb.t.Fatalf("after %s, screen %s's frames break the fog: %v", step, name, err)
		}
		again := tb.th.display(name+"-again", tb.screenTokens[name])
		fresh, err := replayPlayer(again.received()[:1])
		_ = again.conn.Close()
		if err != nil {
			tb.t.Fatalf("after %s, screen %s's fresh state breaks the fog: %v", step, name, err)
		}
		want := expectedForDisplay(tb.t, dm, tb.screenParty[name])
		if built != fresh {
			tb.t.Fatalf("after %s, screen %s built from deltas:\n%v\nbut a fresh connection gets:\n%v", step, name, built, fresh)
		}
		if fresh != want {
			tb.t.Fatalf("after %s, screen %s's fresh state:\n%v\nbut the DM's state says:\n%v", step, name, fresh, want)
		}
	}
}

// grid is a player's current grid, from their frames.
func (tb *table) grid(name string) string {
	tb.t.Helper()
	p, err := replayPlayer(tb.players[name].received())
	if err != nil {
		tb.t.Fatal(err)
	}
	return p.grid
}

// codeAt is a player's grid code at key on the test map (8 wide).
func (tb *table) codeAt(name, key string) byte {
	k, _ := game.ParseKey(key)
	return tb.grid(name)[k.Row*8+k.Col]
}
