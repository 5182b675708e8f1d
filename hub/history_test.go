package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hexcrawl/hexcrawl/game"
)

// The history's replays against the live room: at every point a table test checks (table.check
// calls checkReplay), the replay of the log up to that seq, projected for the DM and for each
// player, is byte for byte what the room itself would send them now (presence aside: nobody is
// online in a replay). Every scripted exploration and travel test and every FuzzSession input
// is therefore a property test of the reducer; and each earlier point is checked again through
// the other way a replay is made (from a copy and the events read back), not the book's head.

// recordedPoint is the live projections at one seq.
type recordedPoint struct {
	step    string
	seq     int64
	dm      []byte
	players map[string][]byte // member id → their session:state
}

// liveProjections reads the room's own projections, on its goroutine.
func (tb *table) liveProjections(step string) recordedPoint {
	tb.t.Helper()
	ctx := context.Background()
	room, err := tb.th.hub.room(ctx, tb.th.campaignID)
	if err != nil {
		tb.t.Fatal(err)
	}
	p := recordedPoint{step: step, players: map[string][]byte{}}
	if err := room.do(ctx, func(b *batch) error {
		p.seq, p.dm = room.st.seq, room.st.dmState()
		for id := range room.st.members {
			p.players[id] = room.st.playerState(id)
		}
		return nil
	}); err != nil {
		tb.t.Fatal(err)
	}
	return p
}

// replayProjections is the history's replay at seq, projected for the DM and every player the
// live point has.
func (tb *table) replayProjections(seq int64, head bool, players map[string][]byte) (dm []byte, out map[string][]byte) {
	tb.t.Helper()
	ctx := context.Background()
	book, q, err := tb.th.hub.history(ctx, tb.th.campaignID)
	if err != nil {
		tb.t.Fatal(err)
	}
	if head && book.Seq() != seq {
		tb.t.Fatalf("the book ends at %d, the room at %d", book.Seq(), seq)
	}
	st, err := book.StateAt(ctx, q, seq)
	if err != nil {
		tb.t.Fatal(err)
	}
	room, err := replayRoom(tb.th.campaignID, st)
	if err != nil {
		tb.t.Fatal(err)
	}
	out = map[string][]byte{}
	for id := range players {
		f, err := room.project(replayView{role: "player", id: id})
		if err != nil {
			tb.t.Fatalf("replay at %d as %s: %v", seq, id, err)
		}
		out[id] = f
	}
	return room.dmState(), out
}

func (tb *table) checkReplay(step string) {
	tb.t.Helper()
	live := tb.liveProjections(step)
	compare := func(p recordedPoint, head bool, how string) {
		dm, players := tb.replayProjections(p.seq, head, p.players)
		if got, want := asReplayed(tb.t, dm), asReplayed(tb.t, p.dm); !bytes.Equal(got, want) {
			tb.t.Fatalf("after %s (seq %d), the DM's replay (%s) differs from the room: %s", p.step, p.seq, how, firstDiff(got, want))
		}
		for id, live := range p.players {
			if got, want := asReplayed(tb.t, players[id]), asReplayed(tb.t, live); !bytes.Equal(got, want) {
				tb.t.Fatalf("after %s (seq %d), %s's replay (%s) differs from the room: %s", p.step, p.seq, tb.nameOf(id), how, firstDiff(got, want))
			}
		}
	}
	compare(live, true, "the book's end")
	for _, p := range tb.points {
		compare(p, false, fmt.Sprintf("replayed to %d", p.seq))
	}
	tb.points = append(tb.points, live)
}

func (tb *table) nameOf(id string) string {
	for n, x := range tb.ids {
		if x == id {
			return n
		}
	}
	return id
}

// TestReplayCheckCatchesADifference checks the check: a replay one event short is caught.
func TestReplayCheckCatchesADifference(t *testing.T) {
	tb := newTable(t, "Ana")
	tb.do(`{"type":"session:start"}`)
	tb.do(`{"type":"hex:reveal","hexKeys":["1,1"],"targets":"all"}`)
	live := tb.liveProjections("reveal")
	dm, players := tb.replayProjections(live.seq-1, false, live.players)
	if bytes.Equal(withoutPlayers(dm), withoutPlayers(live.dm)) {
		t.Fatal("the replay one event short equals the room: the check could not fail")
	}
	for id, want := range live.players {
		if bytes.Equal(withoutPlayers(players[id]), withoutPlayers(want)) {
			t.Fatal("the player's replay one event short equals the room: the check could not fail")
		}
	}
}

// firstDiff shows where two frames part, with some context.
func firstDiff(got, want []byte) string {
	n := 0
	for n < len(got) && n < len(want) && got[n] == want[n] {
		n++
	}
	from := max(0, n-160)
	cut := func(b []byte) []byte { return b[from:min(len(b), n+160)] }
	return fmt.Sprintf("at byte %d:\nreplay …%s…\nroom   …%s…", n, cut(got), cut(want))
}

// TestReplayOfAnOldCampaignFile replays the log of a campaign file from protocol version 1 (no
// map ids, no parties, the one party token, a staged token move): the replay falls back on the
// database where that log is silent and ends where the imported campaign stands — but for the
// session, which importing pauses without logging it (docs/history.md).
func TestReplayOfAnOldCampaignFile(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "export", "campaign-v1.hexcrawl.json"))
	if err != nil {
		t.Fatal(err)
	}
	th := newTestHub(t)
	var c game.Campaign
	th.api("POST", "/api/import", string(raw), 201, &c)
	th.campaignID = c.ID
	live := withoutPlayers(th.dm("dm").received()[0])
	ctx := context.Background()
	book, q, err := th.hub.history(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	st, err := book.StateAt(ctx, q, book.Seq())
	if err != nil {
		t.Fatal(err)
	}
	room, err := replayRoom(c.ID, st)
	if err != nil {
		t.Fatal(err)
	}
	got := withoutPlayers(room.dmState())
	got = bytes.Replace(got, []byte(`"status":"active"`), []byte(`"status":"paused"`), 1)
	if !bytes.Equal(got, live) {
		t.Fatalf("the replay of a version 1 log: %s", firstDiff(got, live))
	}
}

// asReplayed is a state as a replay can show it: without who is online now and without players'
// notes (players' own writing, not the map's story: replays leave them out, docs/history.md).
func asReplayed(t testing.TB, state []byte) []byte {
	t.Helper()
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(state, &fields); err != nil {
		t.Fatalf("a state that is not JSON: %v", err)
	}
	delete(fields, "players")
	delete(fields, "playerNotes")
	out, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
