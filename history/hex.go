package history

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// HexEntry is one thing that happened to a hex.
type HexEntry struct {
	Seq       int64     `json:"seq"`
	At        time.Time `json:"at"`
	SessionID string    `json:"sessionId"`
	// What: painted, labelled, noted, road, revealed, hidden, visited (a party stood there),
	// seen (a party saw it from another hex), forgotten (a move taken back), marker.
	What    string        `json:"what"`
	Text    string        `json:"text"`
	State   game.HexState `json:"state,omitempty"`
	PartyID string        `json:"partyId,omitempty"`
	Targets *game.Targets `json:"targets,omitempty"`
}

// HexHistory is everything the log says happened to one hex of a map, oldest first: found by
// the key's text in the payloads (an index SQLite keeps no cheaper, docs/benchmarks.md), then
// read properly. Events before protocol v2 name no map and count for every map.
func (b *Book) HexHistory(ctx context.Context, q storage.Queries, mapID string, key game.Key) ([]HexEntry, error) {
	names := b.names()
	raws, err := q.EventsMentioning(ctx, b.campaignID, `"`+key.String()+`"`)
	if err != nil {
		return nil, err
	}
	out := []HexEntry{}
	on := func(id string) bool { return id == "" || id == mapID }
	for _, raw := range raws {
		e, err := Decode(raw)
		if err != nil {
			return nil, err
		}
		add := func(what, text string) *HexEntry {
			out = append(out, HexEntry{Seq: e.Seq, At: e.At, SessionID: e.SessionID, What: what, Text: text})
			return &out[len(out)-1]
		}
		switch p := e.P.(type) {
		case *updatePayload:
			if !on(p.MapID) {
				continue
			}
			for n, c := range p.Changes {
				if p.keys[n] != key {
					continue
				}
				if c.Terrain != nil {
					add("painted", "Painted "+terrainName(*c.Terrain))
				}
				if c.Label != nil {
					if *c.Label == "" {
						add("labelled", "Label removed")
					} else {
						add("labelled", fmt.Sprintf("Labelled %q", *c.Label))
					}
				}
				if c.Notes != nil {
					add("noted", "Notes edited (DM only)")
				}
				if c.Road != nil {
					if *c.Road {
						add("road", "Road laid")
					} else {
						add("road", "Road lifted")
					}
				}
			}
		case *revealPayload:
			if !on(p.MapID) || !slices.Contains(p.keys, key) {
				continue
			}
			t := p.Targets
			if e.Type == game.EventHexReveal {
				st := game.StateOfLevel(p.State.Level())
				x := add("revealed", fmt.Sprintf("Revealed to %s (%s)", names.targetNames(t), st))
				x.State, x.Targets = st, &t
			} else {
				x := add("hidden", "Hidden from "+names.targetNames(t))
				x.Targets = &t
			}
		case *stepPayload:
			if !on(p.MapID) {
				continue
			}
			name := names.partyName(p.PartyID)
			stood := slices.Contains(p.path, key) || (p.to != nil && *p.to == key && (e.Type != game.EventPartyMove && e.Type != game.EventTravelMove))
			var x *HexEntry
			switch {
			case stood && e.Type == game.EventPartyPlace:
				x = add("visited", name+" placed here")
			case stood:
				x = add("visited", name+" passed through")
			case slices.Contains(p.explored, key) || slices.Contains(p.glimpsed, key):
				x = add("seen", name+" saw it from afar")
			default:
				continue
			}
			x.PartyID = p.PartyID
			switch {
			case slices.Contains(p.explored, key):
				x.State = game.Explored
			case slices.Contains(p.glimpsed, key):
				x.State = game.Glimpsed
			}
		case *undoPayload:
			if !on(p.MapID) {
				continue
			}
			switch {
			case slices.Contains(p.forgotten, key):
				add("forgotten", names.partyName(p.PartyID)+"'s move taken back: unknown to it again").PartyID = p.PartyID
			case slices.Contains(p.glimpsed, key):
				add("forgotten", names.partyName(p.PartyID)+"'s move taken back: glimpsed again").PartyID = p.PartyID
			case p.to != nil && *p.to == key:
				add("visited", names.partyName(p.PartyID)+" back here (move taken back)").PartyID = p.PartyID
			}
		case *partyCreatePayload:
			if p.Key != nil && *p.Key == key.String() && on(p.MapID) {
				add("visited", fmt.Sprintf("Party %q formed here", p.Name)).PartyID = p.PartyID
			}
		case *markerPayload:
			if on(p.MapID) && p.key == key && e.Type != game.EventMarkerRemove {
				verb := "placed"
				if e.Type == game.EventMarkerUpdate {
					verb = "now"
				}
				add("marker", fmt.Sprintf("Marker %s %q %s here (%s)", p.Kind, p.Label, verb, visibility(p.Visibility)))
			}
		case *tokenMovePayload:
			if p.to != nil && *p.to == key {
				add("visited", "The party token moved here")
			}
		}
	}
	return out, nil
}

func terrainName(t game.Terrain) string {
	if t == game.Unpainted {
		return "unpainted"
	}
	return string(t)
}
