package hub

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/hexcrawl/hexcrawl/game"
)

// The messages of exploration (docs/exploration.md): parties, their moves, what each party and
// player knows, markers and sight rules. As in messages.go, a player's types are separate from
// the DM's, so what players must not see has no field to travel in.

// playerPartyView is a party as a player sees it: their own (always, with its members; Key null
// while its token is off the map) or another whose token stands on a hex the player explored.
type playerPartyView struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Color     string   `json:"color"`
	Key       *string  `json:"key"`
	MemberIDs []string `json:"memberIds,omitempty"` // their own party only
}

// dmPartyView is a party as the DM sees it.
type dmPartyView struct {
	ID        string           `json:"id"`
	Name      string           `json:"name"`
	Color     string           `json:"color"`
	Default   bool             `json:"default"`
	Reveal    game.PartyReveal `json:"reveal"`
	Key       *string          `json:"key"` // on the active map; null: off it
	MemberIDs []string         `json:"memberIds"`
	Undo      int              `json:"undo"` // moves party:undo can take back on the active map
}

// playerMarkerView is a marker a player may see: visible to players, on a hex they explored.
type playerMarkerView struct {
	ID    string          `json:"id"`
	Key   string          `json:"key"`
	Kind  game.MarkerKind `json:"kind"`
	Label string          `json:"label"`
}

// markerView is a marker as the DM sees it.
type markerView struct {
	ID         string                `json:"id"`
	Key        string                `json:"key"`
	Kind       game.MarkerKind       `json:"kind"`
	Label      string                `json:"label"`
	Visibility game.MarkerVisibility `json:"visibility"`
}

// partiesChangedMsg is a player's whole list of parties, whenever what they may know of parties
// changed.
type partiesChangedMsg struct {
	Type    string            `json:"type"`
	Seq     int64             `json:"seq"`
	Parties []playerPartyView `json:"parties"`
}

func (m partiesChangedMsg) frame() []byte { m.Type = msgPartiesChanged; return mustJSON(m) }

// partiesChangedDMMsg is the DM's whole list of parties.
type partiesChangedDMMsg struct {
	Type    string        `json:"type"`
	Seq     int64         `json:"seq"`
	Parties []dmPartyView `json:"parties"`
}

func (m partiesChangedDMMsg) frame() []byte { m.Type = msgPartiesChanged; return mustJSON(m) }

// partyMovedMsg tells the DM a party moved or was placed, and what its knowledge gained.
type partyMovedMsg struct {
	Type     string   `json:"type"`
	Seq      int64    `json:"seq"`
	PartyID  string   `json:"partyId"`
	Key      *string  `json:"key"`      // where it stands now; null: off the map
	Path     []string `json:"path"`     // the hexes stepped on, in order ([] when taken off the map)
	Explored []string `json:"explored"` // party knowledge raised to explored
	Glimpsed []string `json:"glimpsed"` // party knowledge raised from unknown to glimpsed
	Undo     int      `json:"undo"`
}

func (m partyMovedMsg) frame() []byte { m.Type = msgPartyMoved; return mustJSON(m) }

// partyKnownMsg is a party's whole knowledge of the active map, after a change the DM could not
// derive from other messages (split, merge, undo, a hide that moved party knowledge).
type partyKnownMsg struct {
	Type    string `json:"type"`
	Seq     int64  `json:"seq"`
	PartyID string `json:"partyId"`
	Known   string `json:"known"` // a level per hex, row-major: 0, 1 or 2
}

func (m partyKnownMsg) frame() []byte { m.Type = msgPartyKnown; return mustJSON(m) }

// playerKnownMsg is one player's whole private knowledge of the active map, after a change that
// copied party knowledge into it (leaving a party, a hide from a fellow member).
type playerKnownMsg struct {
	Type     string    `json:"type"`
	Seq      int64     `json:"seq"`
	PlayerID string    `json:"playerId"`
	Known    keyLevels `json:"known"` // key → level (1 or 2)
}

func (m playerKnownMsg) frame() []byte { m.Type = msgPlayerKnown; return mustJSON(m) }

// markersChangedMsg is a player's whole list of markers they may see.
type markersChangedMsg struct {
	Type    string             `json:"type"`
	Seq     int64              `json:"seq"`
	Markers []playerMarkerView `json:"markers"`
}

func (m markersChangedMsg) frame() []byte { m.Type = msgMarkersChanged; return mustJSON(m) }

// markersChangedDMMsg is the DM's whole list of markers on the active map.
type markersChangedDMMsg struct {
	Type    string       `json:"type"`
	Seq     int64        `json:"seq"`
	Markers []markerView `json:"markers"`
}

func (m markersChangedDMMsg) frame() []byte { m.Type = msgMarkersChanged; return mustJSON(m) }

// rulesChangedMsg gives the DM the campaign's sight rules, every terrain filled in.
type rulesChangedMsg struct {
	Type  string          `json:"type"`
	Seq   int64           `json:"seq"`
	Rules game.SightRules `json:"rules"`
}

func (m rulesChangedMsg) frame() []byte { m.Type = msgRulesChanged; return mustJSON(m) }

// keyLevels is some hexes' knowledge levels, as JSON {"col,row": level}, written in row-major
// order: encoding/json would sort a map's keys, and the DM's state lists thousands of them.
type keyLevels struct {
	keys   []string
	levels []uint8
}

func (k keyLevels) MarshalJSON() ([]byte, error) {
	out := make([]byte, 0, 2+len(k.keys)*10)
	out = append(out, '{')
	for n, key := range k.keys {
		if n > 0 {
			out = append(out, ',')
		}
		out = append(out, '"')
		out = append(out, key...) // digits and a comma: nothing to escape
		out = append(out, '"', ':', '0'+k.levels[n])
	}
	return append(out, '}'), nil
}

func (k *keyLevels) UnmarshalJSON(b []byte) error {
	var m map[string]uint8
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*k = keyLevels{}
	for _, key := range slices.Sorted(maps.Keys(m)) {
		if _, err := game.ParseKey(key); err != nil || m[key] < game.LevelGlimpsed || m[key] > game.LevelExplored {
			return fmt.Errorf("%q: %d is not a hex key's level", key, m[key])
		}
		k.keys, k.levels = append(k.keys, key), append(k.levels, m[key])
	}
	return nil
}
