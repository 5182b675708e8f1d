package hub

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
)

// Switching the active map or resizing it sends everyone map:changed and a fresh state; the
// fog carries over per map, and resizing keeps what still fits.
func TestMapSwitchAndResize(t *testing.T) {
	th := newTestHub(t)
	cookie, _ := th.join("Ana")
	dm := th.dm("dm")
	p := th.player("Ana", cookie)
	dm.send(`{"type":"hex:update","changes":[{"key":"7,5","terrain":"water","label":"Far Lake"},{"key":"1,1","terrain":"hills"}]}`)
	dm.expectNonPresence("hex:updated")
	dm.send(`{"type":"session:start"}`)
	dm.expectNonPresence("session:statusChanged")
	p.expectNonPresence("session:statusChanged")
	dm.send(`{"type":"hex:reveal","hexKeys":["1,1","7,5"],"targets":"all"}`)
	dm.expectNonPresence("hex:revealed")
	p.expectNonPresence("hex:revealed")

	var second struct{ ID string }
	th.api("POST", "/api/campaigns/"+th.campaignID+"/maps", `{"name":"Underdark","width":3,"height":2,"orientation":"pointy"}`, 201, &second)
	th.api("PUT", "/api/campaigns/"+th.campaignID+"/active-map", `{"mapId":"`+second.ID+`"}`, 204, nil)
	p.expectNonPresence("map:changed")
	st := decode[stateMsg](t, p.expectNonPresence("session:state"))
	if st.Map == nil || st.Map.Name != "Underdark" || st.Grid != "??????" || len(st.Labels) != 0 {
		t.Fatalf("player state on the new map: %+v", st)
	}
	dm.expectNonPresence("map:changed")
	if dmSt := decode[stateMsg](t, dm.expectNonPresence("session:state")); dmSt.Map.Width != 3 || dmSt.Session.Status != "active" {
		t.Fatalf("DM state on the new map: %+v", dmSt)
	}

	// Back to the first map, shrunk to 4×3: 1,1 stays revealed, 7,5 is gone.
	th.api("PUT", "/api/campaigns/"+th.campaignID+"/active-map", `{"mapId":"`+th.mapID+`"}`, 204, nil)
	p.expectNonPresence("map:changed")
	if st := decode[stateMsg](t, p.expectNonPresence("session:state")); !strings.Contains(st.Grid, "h") || st.Labels["7,5"] != "Far Lake" {
		t.Fatalf("back on the first map: %+v", st)
	}
	th.api("PATCH", "/api/maps/"+th.mapID, `{"width":4,"height":3}`, 200, nil)
	p.expectNonPresence("map:changed")
	st = decode[stateMsg](t, p.expectNonPresence("session:state"))
	if st.Map.Width != 4 || len(st.Grid) != 12 || st.Grid[1*4+1] != 'h' || len(st.Labels) != 0 {
		t.Fatalf("after shrinking: %+v", st)
	}
	// Growing back does not resurrect what was cut.
	th.api("PATCH", "/api/maps/"+th.mapID, `{"width":8,"height":6,"name":"Fen (again)"}`, 200, nil)
	p.expectNonPresence("map:changed")
	st = decode[stateMsg](t, p.expectNonPresence("session:state"))
	if st.Map.Name != "Fen (again)" || strings.Count(st.Grid, "?") != 47 {
		t.Fatalf("after growing: %+v", st)
	}
}

// A player revoked while a private reveal to them waits in the staged list drops out of it:
// the rest still publishes.
func TestPublishAfterTargetRevoked(t *testing.T) {
	th := newTestHub(t)
	_, anaID := th.join("Ana")
	boCookie, _ := th.join("Bo")
	dm := th.dm("dm")
	bo := th.player("Bo", boCookie)
	dm.send(`{"type":"session:start"}`)
	dm.expectNonPresence("session:statusChanged")
	dm.send(`{"type":"broadcast:mode","mode":"staged"}`)
	dm.expectNonPresence("broadcast:modeChanged")
	dm.send(`{"type":"hex:reveal","hexKeys":["2,2"],"targets":{"playerIds":["` + anaID + `"]}}`)
	dm.expectNonPresence("staged:changed")
	dm.send(`{"type":"hex:reveal","hexKeys":["3,3"],"targets":"all"}`)
	dm.expectNonPresence("staged:changed")
	th.api("DELETE", "/api/campaigns/"+th.campaignID+"/members/"+anaID, "", 200, nil)
	dm.send(`{"type":"broadcast:publish"}`)
	dm.skipUntil("hex:revealed") // 3,3 to all; nothing for the departed Ana
	if got := decode[struct{ Staged []game.StagedChange }](t, dm.expectNonPresence("staged:changed")); len(got.Staged) != 0 {
		t.Fatalf("staged after publish: %+v", got)
	}
	got := decode[hexesMsg](t, bo.skipUntil("hex:revealed"))
	if len(got.Hexes) != 1 || got.Hexes[0].Key != "3,3" {
		t.Fatalf("Bo got %+v", got)
	}
}

// A request that fails after writing leaves nothing behind, whether it was alone in its batch
// (the whole transaction rolls back) or shared it (only its savepoint does), and the room goes
// on working.
func TestFailedRequestWritesNothing(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	room, err := th.hub.room(ctx, th.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	writeThenFail := func(b *batch) error {
		if _, err := b.event(game.EventHexUpdate, actorDM, map[string]string{"doomed": "yes"}); err != nil {
			return err
		}
		return game.Errorf(game.EConflict, "changed my mind")
	}
	writeAndKeep := func(b *batch) error {
		_, err := b.event(game.EventHexUpdate, actorDM, map[string]string{"kept": "yes"})
		return err
	}
	seq0, _ := th.store.LastSeq(ctx, th.campaignID)

	// Alone in its batch.
	if err := room.do(ctx, writeThenFail); game.CodeOf(err) != game.EConflict {
		t.Fatalf("alone: %v", err)
	}
	if seq, _ := th.store.LastSeq(ctx, th.campaignID); seq != seq0 {
		t.Fatalf("alone: a failed request was logged: seq %d -> %d", seq0, seq)
	}

	// Sharing a batch: hold the room busy so both requests queue up and are drained together.
	hold, held := make(chan struct{}), make(chan struct{})
	go func() { _ = room.do(ctx, func(*batch) error { close(held); <-hold; return nil }) }()
	<-held
	errs := make(chan error, 2)
	go func() { errs <- room.do(ctx, writeThenFail) }()
	for len(room.inbox) < 1 {
		time.Sleep(time.Millisecond)
	}
	go func() { errs <- room.do(ctx, writeAndKeep) }()
	for len(room.inbox) < 2 {
		time.Sleep(time.Millisecond)
	}
	close(hold)
	var failed, kept int
	for range 2 {
		if err := <-errs; err == nil {
			kept++
		} else if game.CodeOf(err) == game.EConflict {
			failed++
		}
	}
	if failed != 1 || kept != 1 {
		t.Fatalf("shared batch: %d failed, %d kept", failed, kept)
	}
	events, err := th.store.ListEvents(ctx, th.campaignID, seq0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || !strings.Contains(string(events[0].Payload), "kept") {
		t.Fatalf("shared batch: the log after it holds %+v, want only the kept request", events)
	}
	if room.st.seq != events[0].Seq {
		t.Fatalf("room seq %d, log seq %d", room.st.seq, events[0].Seq)
	}
}
