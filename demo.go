package main

import (
	"context"
	"fmt"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// ensureDemoCampaign gives a first launch something to look at: a small generated map, a few
// labelled places, DM notes and a join code. It runs once per data file, so deleting the demo
// campaign keeps it deleted.
func ensureDemoCampaign(ctx context.Context, store *storage.Store) error {
	if _, done, err := store.GetSetting(ctx, "demo_created"); err != nil || done {
		return err
	}
	return store.Update(ctx, func(tx *storage.Tx) error {
		c, err := tx.CreateCampaign(ctx, "The Fenlands (demo)")
		if err != nil {
			return err
		}
		size := game.Size{Width: 16, Height: 12}
		m, err := tx.CreateMap(ctx, c.ID, "Fenlands", size, game.Flat)
		if err != nil {
			return err
		}
		hexes := demoHexes(size)
		if err := tx.PutHexes(ctx, m.ID, hexes); err != nil {
			return err
		}
		parties, err := tx.ListParties(ctx, c.ID)
		if err != nil {
			return err
		}
		start := game.Key{Col: 3, Row: 6}
		if err := tx.SetPartyPosition(ctx, parties[0].ID, m.ID, &start); err != nil {
			return err
		}
		if err := logDemo(ctx, tx, c, m, hexes, parties[0].ID, start); err != nil {
			return err
		}
		code, err := game.NewInviteCode()
		if err != nil {
			return err
		}
		if _, err := tx.CreateInvite(ctx, c.ID, code, time.Now().Add(game.InviteDefaultExpiry)); err != nil {
			return err
		}
		return tx.SetSetting(ctx, "demo_created", time.Now().UTC().Format(time.RFC3339))
	})
}

// demoHexes paints a coast on the west, fens in the middle, hills and mountains to the east:
// deterministic, so screenshots and tests see the same map every time.
func demoHexes(size game.Size) []game.Hex {
	var out []game.Hex
	for row := 0; row < size.Height; row++ {
		for col := 0; col < size.Width; col++ {
			wobble := (col*7 + row*13) % 5
			var t game.Terrain
			switch {
			case col+wobble%2 < 2:
				t = game.Water
			case col+wobble%2 < 3:
				t = game.Coast
			case col < 7 && (row+wobble)%4 == 0:
				t = game.Swamp
			case col < 9:
				if wobble < 2 {
					t = game.Forest
				} else {
					t = game.Plains
				}
			case col < 12:
				if wobble < 3 {
					t = game.Hills
				} else {
					t = game.Forest
				}
			default:
				t = game.Mountains
			}
			out = append(out, game.Hex{Key: game.Key{Col: col, Row: row}, Terrain: t})
		}
	}
	places := []game.Hex{
		{Key: game.Key{Col: 3, Row: 6}, Terrain: game.Settlement, Label: "Millbrook", Notes: "The miller is a werewolf. He pays well for silence."},
		{Key: game.Key{Col: 6, Row: 3}, Terrain: game.Ruins, Label: "Drowned Chapel", Notes: "A bell tolls at midnight; the crypt holds the Fen Crown."},
		{Key: game.Key{Col: 10, Row: 8}, Terrain: game.Hills, Label: "Barrow Downs", Notes: "Three barrows; the middle one is not empty."},
		{Key: game.Key{Col: 13, Row: 2}, Terrain: game.Mountains, Label: "Greyfang", Notes: "Wyvern nest near the summit."},
	}
	for _, p := range places {
		out[size.Index(p.Key)] = p
	}
	return out
}

// logDemo writes the demo's making into its log as the hub would have logged it, so that its
// history replays like any campaign's (docs/history.md).
func logDemo(ctx context.Context, tx *storage.Tx, c game.Campaign, m game.MapInfo, hexes []game.Hex, partyID string, start game.Key) error {
	if err := tx.LogCampaignCreate(ctx, c, "dm"); err != nil {
		return err
	}
	changes := make([]game.HexChange, len(hexes))
	for n, h := range hexes {
		changes[n] = game.HexChange{Key: h.Key.String(), Terrain: &h.Terrain}
		if h.Label != "" {
			changes[n].Label = &h.Label
		}
		if h.Notes != "" {
			changes[n].Notes = &h.Notes
		}
	}
	events := []struct {
		typ     game.EventType
		payload any
	}{
		{game.EventMapCreate, map[string]any{"mapId": m.ID, "name": m.Name, "width": m.Width, "height": m.Height, "orientation": m.Orientation}},
		{game.EventMapActivate, map[string]string{"mapId": m.ID}},
		{game.EventHexUpdate, map[string]any{"mapId": m.ID, "changes": changes}},
		{game.EventPartyPlace, map[string]any{"partyId": partyID, "mapId": m.ID, "from": nil, "key": start.String(),
			"reveal": false, "explored": []string{}, "glimpsed": []string{}}},
	}
	for _, e := range events {
		seq, err := tx.AppendEvent(ctx, c.ID, "", e.typ, "dm", e.payload)
		if err != nil {
			return err
		}
		if e.typ == game.EventPartyPlace {
			// A placement can be taken back (party:undo), as the room's own would: its record,
			// in the room's shape (hub/knowledge.go, moveRecordJSON).
			record := fmt.Sprintf(`{"from":null,"to":%q,"raised":[]}`, start.String())
			if err := tx.AppendPartyMove(ctx, partyID, m.ID, seq, []byte(record), 0); err != nil {
				return err
			}
		}
	}
	return nil
}
