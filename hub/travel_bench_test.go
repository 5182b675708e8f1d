package hub

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// BenchmarkTravelStep compares travel:move with party:move, of one step and of six: the room's
// whole work for the command (checks, sight with radius 6 on a 200×200 map, the writes and the
// commit to a real SQLite file, memory, the DM's frames and each of 8 online players' diff),
// delivery to sockets aside (the frames are queued, not written). The party walks back and forth
// along plains hexes with the default travel rules; travel adds its rolls (weather, navigation,
// a check each watch), its clock, its state's row and a longer event. docs/benchmarks.md has the numbers.
//
//	go test ./hub -run '^$' -bench TravelStep -benchtime 400x -count 6
func BenchmarkTravelStep(b *testing.B) {
	paths := map[int][2]string{
		1: {`["101,100"]`, `["100,100"]`},
		6: {`["101,100","102,100","103,100","104,100","105,100","106,100"]`, `["105,100","104,100","103,100","102,100","101,100","100,100"]`},
	}
	for _, steps := range []int{1, 6} {
		for _, kind := range []string{"party:move", "travel:move"} {
			b.Run(fmt.Sprintf("steps=%d/%s", steps, kind), func(b *testing.B) { benchMoves(b, kind, paths[steps]) })
		}
	}
}

func benchMoves(b *testing.B, kind string, paths [2]string) {
	{
		{
			r, partyID := travelBenchRoom(b)
			ctx := context.Background()
			lines := [2]string{
				fmt.Sprintf(`{"type":%q,"partyId":%q,"path":%s}`, kind, partyID, paths[0]),
				fmt.Sprintf(`{"type":%q,"partyId":%q,"path":%s}`, kind, partyID, paths[1]),
			}
			cmds := [2]command{}
			for i, l := range lines {
				c, err := decodeCommand([]byte(l))
				if err != nil {
					b.Fatal(err)
				}
				cmds[i] = c
			}
			frames := 0
			n := 0
			for b.Loop() {
				bt := &batch{ctx: ctx, r: r, alone: true}
				if err := r.command(bt, cmds[n%2]); err != nil {
					b.Fatal(err)
				}
				if err := bt.tx.Commit(); err != nil {
					b.Fatal(err)
				}
				frames = len(bt.out)
				n++
				if st := r.st.travel.parties[partyID]; len(r.st.travel.prompts) > 0 || st.Lost != nil {
					// The DM answers prompts (a pile of thousands would measure the list, not the
					// step) and finds a lost party (whose steps see nothing, unlike a move's).
					b.StopTimer()
					r.st.travel.prompts = nil
					st.Lost = nil
					r.st.travel.parties[partyID] = st
					b.StartTimer()
				}
			}
			if frames < 2 {
				b.Fatalf("%d frames queued: the players' diffs were not computed", frames)
			}
			b.ReportMetric(float64(frames), "frames/op")
		}
	}
}

// travelBenchRoom is a live session on a 200×200 map of plains with hills, forest and
// mountains scattered through it, sight radius 6 on plains, eight players online in the default
// party standing at 100,100. The room is used from the benchmark's goroutine alone.
func travelBenchRoom(b *testing.B) (*Room, string) {
	b.Helper()
	ctx := context.Background()
	store, err := storage.Open(ctx, b.TempDir()+"/hexcrawl.db")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = store.Close() })
	size := game.Size{Width: 200, Height: 200}
	var campaignID, partyID string
	err = store.Update(ctx, func(tx *storage.Tx) error {
		c, err := tx.CreateCampaign(ctx, "Bench")
		if err != nil {
			return err
		}
		campaignID = c.ID
		mp, err := tx.CreateMap(ctx, c.ID, "Bench", size, game.Flat)
		if err != nil {
			return err
		}
		hexes := make([]game.Hex, size.Cells())
		for i := range hexes {
			t := game.Plains
			switch (i*7 + i/200*3) % 23 {
			case 0, 5:
				t = game.Hills
			case 9:
				t = game.Forest
			case 17:
				t = game.Mountains
			}
			hexes[i] = game.Hex{Key: size.KeyAt(i), Terrain: t}
		}
		// The hexes walked are plains.
		for col := 100; col <= 106; col++ {
			hexes[size.Index(game.Key{Col: col, Row: 100})].Terrain = game.Plains
		}
		if err := tx.PutHexes(ctx, mp.ID, hexes); err != nil {
			return err
		}
		parties, err := tx.ListParties(ctx, c.ID)
		if err != nil {
			return err
		}
		partyID = parties[0].ID
		for i := range 8 {
			m, err := tx.CreateMember(ctx, c.ID, fmt.Sprintf("Player %d", i), []byte{byte(i), 1, 2, 3})
			if err != nil {
				return err
			}
			if err := tx.SetMemberParty(ctx, m.ID, partyID); err != nil {
				return err
			}
		}
		if err := tx.SetPartyPosition(ctx, partyID, mp.ID, &game.Key{Col: 100, Row: 100}); err != nil {
			return err
		}
		if err := tx.SetSightRules(ctx, c.ID, game.SightRules{game.Plains: {Sight: 6}}); err != nil {
			return err
		}
		_, err = tx.StartSession(ctx, c.ID)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	h, err := New(Config{Store: store, DMToken: testToken, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = h.Shutdown(ctx) })
	st, err := loadRoomState(ctx, store.Queries, campaignID)
	if err != nil {
		b.Fatal(err)
	}
	r := &Room{hub: h, id: campaignID, st: st, clients: map[*client]struct{}{}}
	r.clients[&client{role: game.RoleDM}] = struct{}{}
	for id, m := range st.members {
		c := &client{role: game.RolePlayer, memberID: id}
		m.clients[c] = struct{}{}
		r.clients[c] = struct{}{}
	}
	return r, partyID
}
