package history

import (
	"fmt"
	"strings"

	"github.com/hexcrawl/hexcrawl/game"
)

// describe tells an event in a line for the DM's timeline, with the names as they were before
// it (s is the state before the event).
func describe(s *State, e Event) Entry {
	out := Entry{Seq: e.Seq, At: e.At, SessionID: e.SessionID, Type: string(e.Type), Kind: KindOf(e.Type)}
	keys := func(mapID string, ks []string) {
		out.MapID = mapID
		if mapID == "" {
			out.MapID = s.ActiveMapID
		}
		out.KeyCount = len(ks)
		out.Keys = ks[:min(len(ks), MaxEntryKeys)]
	}
	party := func(id string) string {
		out.PartyID = id
		return s.partyName(id)
	}
	switch p := e.P.(type) {
	case *campaignCreatePayload:
		out.Text = fmt.Sprintf("Campaign %q created", p.Name)
	case *namePayload:
		out.Text = fmt.Sprintf("Campaign renamed %q", p.Name)
	case *mapPayload:
		switch e.Type {
		case game.EventMapCreate:
			out.Text = fmt.Sprintf("Map %q created (%d×%d)", p.Name, p.Width, p.Height)
		case game.EventMapActivate:
			out.Text = fmt.Sprintf("Map %q made active", s.mapName(p.MapID))
		default:
			out.Text = fmt.Sprintf("Map %q resized to %d×%d", p.Name, p.Width, p.Height)
		}
		out.MapID = p.MapID
	case *revealPayload:
		keys(p.MapID, p.HexKeys)
		who := s.targetNames(p.Targets)
		if e.Type == game.EventHexReveal {
			out.Text = fmt.Sprintf("Revealed %s to %s (%s)", hexes(len(p.HexKeys)), who, game.StateOfLevel(p.State.Level()))
		} else {
			out.Text = fmt.Sprintf("Hid %s from %s", hexes(len(p.HexKeys)), who)
		}
	case *updatePayload:
		ks := make([]string, len(p.Changes))
		var what []string
		var painted, labelled, noted, roads bool
		for n, c := range p.Changes {
			ks[n] = c.Key
			painted, labelled, noted, roads = painted || c.Terrain != nil, labelled || c.Label != nil, noted || c.Notes != nil, roads || c.Road != nil
		}
		for _, w := range []struct {
			on   bool
			verb string
		}{{painted, "painted"}, {labelled, "labelled"}, {noted, "noted"}, {roads, "roads"}} {
			if w.on {
				what = append(what, w.verb)
			}
		}
		keys(p.MapID, ks)
		out.Text = fmt.Sprintf("Edited %s (%s)", hexes(len(ks)), strings.Join(what, ", "))
		if len(p.Changes) == 1 && p.Changes[0].Label != nil && *p.Changes[0].Label != "" {
			out.Text = fmt.Sprintf("Labelled %s %q", p.Changes[0].Key, *p.Changes[0].Label)
		}
	case *joinPayload:
		out.Text = fmt.Sprintf("%s joined", p.Name)
	case *revokePayload:
		out.Text = fmt.Sprintf("%s was removed", s.memberName(p.MemberID))
	case *partyCreatePayload:
		out.PartyID = p.PartyID
		out.Text = fmt.Sprintf("Party %q formed", p.Name)
		if len(p.PlayerIDs) > 0 {
			out.Text += " with " + s.memberNames(p.PlayerIDs)
		}
		if p.CopiedFrom != nil {
			out.Text += fmt.Sprintf(", split from %s", s.partyName(*p.CopiedFrom))
		}
	case *partyUpdatePayload:
		out.Text = fmt.Sprintf("%s changed", party(p.PartyID))
		if p.Name != nil {
			out.Text = fmt.Sprintf("%s renamed %q", party(p.PartyID), *p.Name)
		}
	case *partyAssignPayload:
		to := "no party"
		if p.PartyID != nil {
			to = party(*p.PartyID)
		}
		out.Text = fmt.Sprintf("%s moved to %s", s.memberNames(p.PlayerIDs), to)
	case *partyMergePayload:
		out.Text = fmt.Sprintf("%s merged into %s", s.partyName(p.PartyID), party(p.IntoID))
	case *stepPayload:
		name := party(p.PartyID)
		switch e.Type {
		case game.EventPartyPlace:
			keys(p.MapID, optKeys(p.Key))
			if p.Key == nil {
				out.Text = fmt.Sprintf("%s taken off the map", name)
			} else {
				out.Text = fmt.Sprintf("%s placed at %s", name, *p.Key)
			}
		case game.EventTravelFound:
			keys(p.MapID, optKeys(p.Key))
			out.Text = fmt.Sprintf("%s found again at %s", name, deref(p.Key))
		default:
			keys(p.MapID, p.Path)
			verb := "moved"
			if e.Type == game.EventTravelMove {
				verb = "travelled"
			}
			out.Text = fmt.Sprintf("%s %s %s: %s", name, verb, hexes(len(p.Path)), strings.Join(p.Path[:min(len(p.Path), 8)], " → "))
			if len(p.Path) > 8 {
				out.Text += " …"
			}
		}
		if n := len(p.Explored) + len(p.Glimpsed); n > 0 {
			out.Text += fmt.Sprintf(" (saw %d new)", n)
		}
	case *undoPayload:
		keys(p.MapID, optKeys(p.Key))
		out.Text = fmt.Sprintf("%s's last move taken back", party(p.PartyID))
	case *markerPayload:
		out.MapID = p.MapID
		switch e.Type {
		case game.EventMarkerRemove:
			out.Text = "Marker removed"
		case game.EventMarkerPlace:
			keys(p.MapID, []string{p.Key})
			out.Text = fmt.Sprintf("Marker %s %q placed at %s (%s)", p.Kind, p.Label, p.Key, visibility(p.Visibility))
		default:
			keys(p.MapID, []string{p.Key})
			out.Text = fmt.Sprintf("Marker %s %q at %s (%s)", p.Kind, p.Label, p.Key, visibility(p.Visibility))
		}
	case *sightRulesPayload:
		out.Text = "Sight rules changed"
	case *travelRulesPayload:
		out.Text = "Travel rules changed"
	case *sessionStartPayload:
		out.Text = "Session started"
	case *modePayload:
		out.Text = "Changes reach players " + map[game.BroadcastMode]string{game.Immediate: "at once", game.Staged: "when published"}[p.Mode]
	case *game.StagedChange:
		out.Text = fmt.Sprintf("Staged: %s", p.Kind)
	case *stagedUndoPayload:
		out.Text = "Staged change undone"
	case *publishPayload:
		out.Text = fmt.Sprintf("Published %d staged changes", p.Changes)
	case *tokenMovePayload:
		keys("", optKeys(p.Key))
		out.Text = "The party token moved"
	case *travelActionPayload:
		out.Text = fmt.Sprintf("%s: %s", party(p.PartyID), strings.TrimPrefix(string(e.Type), game.TravelEventPrefix))
		if e.Type == game.EventTravelPace {
			out.Text = fmt.Sprintf("%s sets a %s pace", party(p.PartyID), p.Pace)
		}
		if hits := len(p.EncounterIDs); hits > 0 {
			out.Text += fmt.Sprintf(" — %d encounter(s)", hits)
		}
	case *encounterPayload:
		out.Text = fmt.Sprintf("Encounter %s (%s)", p.Answer, party(p.PartyID))
	default:
		switch e.Type {
		case game.EventSessionPause:
			out.Text = "Session paused"
		case game.EventSessionResume:
			out.Text = "Session resumed"
		case game.EventSessionEnd:
			out.Text = "Session ended"
		default:
			out.Text = string(e.Type)
		}
	}
	if out.Keys == nil {
		out.Keys = []string{}
	}
	return out
}

func hexes(n int) string {
	if n == 1 {
		return "1 hex"
	}
	return fmt.Sprintf("%d hexes", n)
}

func optKeys(k *string) []string {
	if k == nil {
		return []string{}
	}
	return []string{*k}
}

func deref(k *string) string {
	if k == nil {
		return "nowhere"
	}
	return *k
}

func visibility(v game.MarkerVisibility) string {
	if v == game.VisiblePlayers {
		return "players see it"
	}
	return "DM only"
}

func (s *State) partyName(id string) string {
	if p, ok := s.PartyNames[id]; ok {
		return p.Name
	}
	if id == "" {
		return "no party"
	}
	return "a party"
}

func (s *State) memberName(id string) string {
	if m := s.Members[id]; m != nil {
		return m.Name
	}
	return "a player"
}

func (s *State) memberNames(ids []string) string {
	names := make([]string, len(ids))
	for n, id := range ids {
		names[n] = s.memberName(id)
	}
	return strings.Join(names, ", ")
}

func (s *State) mapName(id string) string {
	if m := s.Maps[id]; m != nil {
		return m.Info.Name
	}
	return "a map"
}

func (s *State) targetNames(t game.Targets) string {
	switch {
	case t.All:
		return "everyone"
	case t.PartyIDs != nil:
		names := make([]string, len(t.PartyIDs))
		for n, id := range t.PartyIDs {
			names[n] = s.partyName(id)
		}
		return strings.Join(names, ", ")
	}
	return s.memberNames(t.PlayerIDs)
}
