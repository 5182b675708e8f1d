package hub

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hexcrawl/hexcrawl/game"
)

// The DM's half of the contract: what the DM's console builds from its session:state and the
// deltas after it must equal a fresh session:state. It is what tells the front end that the DM
// messages are enough (where knowledge moves between scopes by rule, the hub says so with
// party:known and player:known).

// dmModel is what a DM's client keeps of knowledge, parties and markers.
type dmModel struct {
	width       int
	grid        []byte
	labels      map[string]string
	revealedAll []byte
	revealedTo  map[string]map[string]uint8
	partyKnown  map[string][]byte
	parties     []dmPartyView
	markers     []markerView
	rules       game.SightRules
	players     []string
	// The travel turn.
	roads       map[string]bool
	travel      map[string]travelView
	encounters  []encounterPrompt
	travelRules game.TravelRules
	playerNotes []dmNoteView
}

func (d *dmModel) index(key string) int {
	k, _ := game.ParseKey(key)
	return k.Row*d.width + k.Col
}

func raiseLevel(b []byte, i int, l uint8) {
	if b[i]-'0' < l {
		b[i] = '0' + l
	}
}

func (d *dmModel) membersOf(partyID string) []string {
	for _, p := range d.parties {
		if p.ID == partyID {
			return p.MemberIDs
		}
	}
	return nil
}

// replayDM replays the DM's frames.
func replayDM(frames [][]byte) (*dmModel, error) {
	var d *dmModel
	for _, raw := range frames {
		var m struct {
			Type        string
			Grid        string
			Map         *mapView
			Labels      map[string]string
			RevealedAll string
			RevealedTo  map[string]map[string]uint8
			PartyKnown  map[string]string
			Parties     []dmPartyView
			Markers     []markerView
			SightRules  game.SightRules
			Rules       game.SightRules
			Players     []playerView
			Hexes       []hexView
			Keys        []string
			Targets     *game.Targets
			State       game.HexState
			PartyID     string
			PlayerID    string
			Key         *string
			Undo        int
			Explored    []string
			Glimpsed    []string
			Known       json.RawMessage
			Roads       []string
			Travel      json.RawMessage // session:state: [TravelView]; travel:changed, travel:happened: TravelView
			Encounters  []encounterPrompt
			TravelRules game.TravelRules
			PlayerNotes []dmNoteView
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		if m.Type != msgSessionState && d == nil {
			continue
		}
		switch m.Type {
		case msgSessionState:
			d = &dmModel{grid: []byte(m.Grid), labels: m.Labels, revealedAll: []byte(m.RevealedAll), revealedTo: m.RevealedTo,
				partyKnown: map[string][]byte{}, parties: m.Parties, markers: m.Markers, rules: m.SightRules, playerNotes: m.PlayerNotes}
			if m.Map != nil {
				d.width = m.Map.Width
			}
			for id, k := range m.PartyKnown {
				d.partyKnown[id] = []byte(k)
			}
			for _, p := range m.Players {
				d.players = append(d.players, p.ID)
			}
			d.roads, d.travel, d.encounters, d.travelRules = map[string]bool{}, map[string]travelView{}, m.Encounters, m.TravelRules
			for _, k := range m.Roads {
				d.roads[k] = true
			}
			var views []travelView
			if err := json.Unmarshal(m.Travel, &views); err != nil {
				return nil, err
			}
			for _, v := range views {
				d.travel[v.PartyID] = v
			}
		case msgHexUpdated:
			for _, h := range m.Hexes {
				d.grid[d.index(h.Key)] = h.Terrain.Code()
				setOrDeleteLabel(d.labels, h.Key, h.Label)
				if h.Road {
					d.roads[h.Key] = true
				} else {
					delete(d.roads, h.Key)
				}
			}
		case msgHexRevealed:
			l := m.State.Level()
			for _, h := range m.Hexes {
				i := d.index(h.Key)
				switch t := *m.Targets; {
				case t.All:
					raiseLevel(d.revealedAll, i, l)
				case t.PartyIDs != nil:
					for _, p := range t.PartyIDs {
						raiseLevel(d.partyKnown[p], i, l)
					}
				default:
					for _, p := range t.PlayerIDs {
						if d.revealedTo[p] == nil {
							d.revealedTo[p] = map[string]uint8{}
						}
						d.revealedTo[p][h.Key] = max(d.revealedTo[p][h.Key], l)
					}
				}
			}
		case msgHexHidden:
			t := *m.Targets
			var players []string
			switch {
			case t.All:
				players = slices.Collect(maps.Keys(d.revealedTo))
			case t.PartyIDs != nil:
				for _, p := range t.PartyIDs {
					players = append(players, d.membersOf(p)...)
				}
			default:
				players = t.PlayerIDs
			}
			for _, k := range m.Keys {
				i := d.index(k)
				if t.All {
					d.revealedAll[i] = '0'
					for _, known := range d.partyKnown {
						known[i] = '0'
					}
				}
				for _, p := range t.PartyIDs {
					d.partyKnown[p][i] = '0'
				}
				for _, p := range players {
					delete(d.revealedTo[p], k)
				}
			}
		case msgPartyMoved:
			for n, p := range d.parties {
				if p.ID == m.PartyID {
					d.parties[n].Key, d.parties[n].Undo = m.Key, m.Undo
				}
			}
			for _, k := range m.Explored {
				raiseLevel(d.partyKnown[m.PartyID], d.index(k), game.LevelExplored)
			}
			for _, k := range m.Glimpsed {
				raiseLevel(d.partyKnown[m.PartyID], d.index(k), game.LevelGlimpsed)
			}
		case msgPartiesChanged:
			d.parties = m.Parties
			known := map[string][]byte{}
			for _, p := range m.Parties {
				known[p.ID] = d.partyKnown[p.ID]
				if known[p.ID] == nil {
					known[p.ID] = []byte(strings.Repeat("0", len(d.grid)))
				}
			}
			d.partyKnown = known
			for id := range d.travel {
				if !slices.ContainsFunc(m.Parties, func(p dmPartyView) bool { return p.ID == id }) {
					delete(d.travel, id) // a merged party's travel goes with it
				}
			}
		case msgPartyKnown:
			var s string
			_ = json.Unmarshal(m.Known, &s)
			d.partyKnown[m.PartyID] = []byte(s)
		case msgPlayerKnown:
			var k map[string]uint8
			_ = json.Unmarshal(m.Known, &k)
			d.revealedTo[m.PlayerID] = k
		case msgMarkersChanged:
			d.markers = m.Markers
		case msgRulesChanged:
			d.rules = m.Rules
		case msgTravelChanged, msgTravelHappened:
			var v travelView
			if err := json.Unmarshal(m.Travel, &v); err != nil {
				return nil, err
			}
			d.travel[v.PartyID] = v
		case msgEncountersChanged:
			d.encounters = m.Encounters
		case msgNotesChanged:
			d.playerNotes = m.PlayerNotes
		case msgTravelRulesChanged:
			var r struct{ Rules game.TravelRules }
			if err := json.Unmarshal(raw, &r); err != nil {
				return nil, err
			}
			d.travelRules = r.Rules
		case msgMapChanged:
			d = nil // a fresh session:state follows
		}
	}
	if d == nil {
		return nil, fmt.Errorf("no session:state")
	}
	return d, nil
}

// summary is the model in comparable form, keeping the players of the given list only.
func (d *dmModel) summary(players []string) string {
	to := map[string]map[string]uint8{}
	for _, p := range players {
		if len(d.revealedTo[p]) > 0 {
			to[p] = d.revealedTo[p]
		}
	}
	known := map[string]string{}
	for id, k := range d.partyKnown {
		known[id] = string(k)
	}
	return string(mustJSON(map[string]any{"grid": string(d.grid), "labels": d.labels, "revealedAll": string(d.revealedAll),
		"revealedTo": to, "partyKnown": known, "parties": d.parties, "markers": d.markers, "rules": d.rules,
		"roads": d.roads, "travel": d.travel, "encounters": d.encounters, "travelRules": d.travelRules,
		"playerNotes": d.playerNotes}))
}

func setOrDeleteLabel(labels map[string]string, key, label string) {
	if label == "" {
		delete(labels, key)
	} else {
		labels[key] = label
	}
}
