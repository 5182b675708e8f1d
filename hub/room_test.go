package hub

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// assertMemoryIsDatabase checks that the room's memory projects exactly what a room freshly
// loaded from the committed database would: the DM's full state (grid, reveals, staged list,
// token, session, mode, members) and the seq.
func assertMemoryIsDatabase(t *testing.T, th *testHub, room *Room, when string) {
	t.Helper()
	ctx := context.Background()
	var mem, db []byte
	var memSeq, dbSeq int64
	err := room.do(ctx, func(b *batch) error {
		fresh, err := loadRoomState(ctx, th.store.Queries, room.id)
		if err != nil {
			return err
		}
		// Presence is not stored: compare as if nobody were connected.
		st := *room.st
		st.members = map[string]*member{}
		for id, m := range room.st.members {
			st.members[id] = newMember(m.Member)
		}
		mem, db = st.dmState(), fresh.dmState()
		memSeq, dbSeq = room.st.seq, fresh.seq
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mem, db) {
		t.Fatalf("%s: memory and database disagree\nmemory:   %s\ndatabase: %s", when, mem, db)
	}
	if memSeq != dbSeq {
		t.Fatalf("%s: memory seq %d, database seq %d", when, memSeq, dbSeq)
	}
}

// A publish whose later staged item fails (a key off the map, as a staged list written for a
// larger map would have) rolls back; memory must not keep the earlier items it had applied.
func TestFailedPublishLeavesMemoryAsTheDatabase(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	// A campaign prepared in the database before any room loads it.
	c, err := th.store.CreateCampaign(ctx, "Prepared")
	if err != nil {
		t.Fatal(err)
	}
	m, err := th.store.CreateMap(ctx, c.ID, "Small", game.Size{Width: 4, Height: 4}, game.Flat)
	if err != nil {
		t.Fatal(err)
	}
	if err := th.store.SetActiveMap(ctx, c.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := th.store.StartSession(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := th.store.SetBroadcastMode(ctx, c.ID, game.Staged); err != nil {
		t.Fatal(err)
	}
	forest := game.Terrain("forest")
	staged := []game.StagedChange{
		{ID: "a", Kind: game.StageReveal, HexKeys: []string{"1,1", "2,2"}, Targets: &game.Targets{All: true}},
		{ID: "b", Kind: game.StageUpdate, Changes: []game.HexChange{{Key: "0,0", Terrain: &forest}}},
		{ID: "c", Kind: game.StageUpdate, Changes: []game.HexChange{{Key: "9,9", Terrain: &forest}}},
	}
	for _, sc := range staged {
		if err := th.store.AppendStaged(ctx, c.ID, sc); err != nil {
			t.Fatal(err)
		}
	}
	th.campaignID = c.ID
	dm := th.dm("dm")
	room, err := th.hub.room(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	dm.send(`{"type":"broadcast:publish","ref":"p"}`)
	if got := decode[errorMsg](t, dm.expectNonPresence("error")); got.Code != game.EConflict || got.Ref != "p" {
		t.Fatalf("publish: %+v", got)
	}
	assertMemoryIsDatabase(t, th, room, "after the failed publish")
	// And what a reconnecting DM is told agrees: nothing was revealed or painted.
	again := decode[stateMsg](t, th.dm("dm again").received0())
	if again.RevealedAll != "0000000000000000" || again.Grid != "................" || len(again.Staged) != 3 {
		t.Fatalf("the DM's state after the failed publish: %+v", again)
	}
}

// The mechanism is the room's, not each command's: any request that wrote, changed memory and
// then failed leaves memory as the database is, alone in its batch or sharing it.
func TestFailedRequestLeavesMemoryAsTheDatabase(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	room, err := th.hub.room(ctx, th.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	dm := th.dm("dm")
	dm.send(`{"type":"session:start"}`)
	dm.expectNonPresence("session:statusChanged")
	revealThenFail := func(key string) func(b *batch) error {
		return func(b *batch) error {
			sc := game.StagedChange{Kind: game.StageReveal, HexKeys: []string{key}, Targets: &game.Targets{All: true}}
			if err := room.stageOrApply(b, sc); err != nil {
				return err
			}
			if err := room.setMode(b, game.Staged); err != nil {
				return err
			}
			return game.Errorf(game.EConflict, "changed my mind")
		}
	}
	keep := func(b *batch) error {
		return room.stageOrApply(b, game.StagedChange{Kind: game.StageReveal, HexKeys: []string{"3,3"}, Targets: &game.Targets{All: true}})
	}

	if err := room.do(ctx, revealThenFail("1,1")); game.CodeOf(err) != game.EConflict {
		t.Fatalf("alone: %v", err)
	}
	assertMemoryIsDatabase(t, th, room, "alone")

	hold, held := make(chan struct{}), make(chan struct{})
	go func() { _ = room.do(ctx, func(*batch) error { close(held); <-hold; return nil }) }()
	<-held
	errs := make(chan error, 2)
	go func() { errs <- room.do(ctx, keep) }()
	for len(room.inbox) < 1 {
		time.Sleep(time.Millisecond)
	}
	go func() { errs <- room.do(ctx, revealThenFail("2,2")) }()
	for len(room.inbox) < 2 {
		time.Sleep(time.Millisecond)
	}
	close(hold)
	for range 2 {
		if err := <-errs; err != nil && game.CodeOf(err) != game.EConflict {
			t.Fatal(err)
		}
	}
	assertMemoryIsDatabase(t, th, room, "sharing a batch")
	// The DM heard of the kept reveal only, and the room goes on.
	if got := decode[hexesMsg](t, dm.expectNonPresence("hex:revealed")); len(got.Hexes) != 1 || got.Hexes[0].Key != "3,3" {
		t.Fatalf("DM heard %+v", got)
	}
	dm.send(`{"type":"hex:reveal","hexKeys":["4,4"],"targets":"all"}`)
	dm.expectNonPresence("hex:revealed")
	assertMemoryIsDatabase(t, th, room, "afterwards")
}

// Loading a room happens outside the hub's lock: one slow load does not hold up another
// campaign's connections, concurrent callers for one campaign share a single load, and a failed
// load is not remembered.
func TestRoomLoadsOutsideTheHubLock(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	slowC, err := th.store.CreateCampaign(ctx, "Slow to load")
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	var loads atomic.Int32
	failNext := atomic.Bool{}
	th.hub.loadState = func(ctx context.Context, q storage.Queries, id string) (*roomState, error) {
		if id == slowC.ID {
			loads.Add(1)
			<-release
			if failNext.Swap(false) {
				return nil, errors.New("disk hiccup")
			}
		}
		return loadRoomState(ctx, q, id)
	}
	// A first load fails: every waiter hears it, and the next call tries again.
	failNext.Store(true)
	var wg sync.WaitGroup
	results := make(chan error, 5)
	for range 5 {
		wg.Go(func() {
			_, err := th.hub.room(ctx, slowC.ID)
			results <- err
		})
	}
	for loads.Load() < 1 {
		time.Sleep(time.Millisecond)
	}
	// Meanwhile another campaign is served (its room is already loaded) and so is a new one.
	other, err := th.store.CreateCampaign(ctx, "Other")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 2)
	go func() {
		_, err := th.hub.room(ctx, th.campaignID)
		served <- err
	}()
	go func() {
		_, err := th.hub.room(ctx, other.ID)
		served <- err
	}()
	for range 2 {
		select {
		case err := <-served:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			close(release) // let the hub go, so the test ends rather than hangs
			t.Fatal("another campaign's room waited for a slow load")
		}
	}
	close(release)
	wg.Wait()
	close(results)
	for err := range results {
		if err == nil || err.Error() != "disk hiccup" {
			t.Fatalf("a waiter of the failed load got %v", err)
		}
	}
	if n := loads.Load(); n != 1 {
		t.Fatalf("%d loads for 5 concurrent callers, want 1", n)
	}
	r1, err := th.hub.room(ctx, slowC.ID)
	if err != nil {
		t.Fatalf("after a failed load: %v", err)
	}
	r2, err := th.hub.room(ctx, slowC.ID)
	if err != nil || r1 != r2 {
		t.Fatalf("second call: %v, same room %v", err, r1 == r2)
	}
	if n := loads.Load(); n != 2 {
		t.Fatalf("%d loads in all, want 2 (the failed one and one more)", n)
	}
}
