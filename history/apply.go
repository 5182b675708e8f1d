package history

import (
	"encoding/json"
	"slices"

	"github.com/hexcrawl/hexcrawl/game"
)

// Apply changes the state by one event, as the hub changed its own when it wrote that event.
// Each case mirrors the room's method named beside it; the hub's tests compare the two.
func (s *State) Apply(e Event) {
	s.Seq = e.Seq
	switch p := e.P.(type) {
	case *campaignCreatePayload:
		s.Name = p.Name
		if p.PartyID != "" {
			s.addParty(game.Party{ID: p.PartyID, Name: p.PartyName, Color: p.PartyColor, Reveal: game.RevealSight, Default: true}, false)
		}
	case *namePayload: // campaign:rename
		s.Name = p.Name
	case *mapPayload:
		s.applyMap(e.Type, p)
	case *revealPayload: // Room.applyReveal
		if m := s.mapOf(p.MapID); m != nil {
			if e.Type == game.EventHexReveal {
				s.reveal(m, p)
			} else {
				s.hide(m, p)
			}
		}
	case *updatePayload: // Room.applyUpdate, Room.putInactiveHexes
		if m := s.mapOf(p.MapID); m != nil {
			for n, c := range p.Changes {
				if k := p.keys[n]; m.Size.Contains(k) {
					m.applyChange(m.Size.Index(k), c)
				}
			}
		}
	case *joinPayload: // Room.join
		party := ""
		switch {
		case len(p.PartyID) == 0: // protocol version 1: the default party migration 00002 made
			party = s.defaultParty()
			if party == "" {
				party = s.base.DefaultPartyID
				s.knowParty(party)
			}
		case string(p.PartyID) != "null":
			_ = json.Unmarshal(p.PartyID, &party)
			s.knowParty(party)
		}
		if s.Members[e.Actor] == nil {
			s.MemberOrder = append(s.MemberOrder, e.Actor)
		}
		s.Members[e.Actor] = &Member{ID: e.Actor, Name: p.Name, PartyID: party}
	case *revokePayload:
		if m := s.Members[p.MemberID]; m != nil {
			m.Revoked = true
		}
	case *partyCreatePayload:
		s.createParty(p)
	case *partyUpdatePayload:
		s.knowParty(p.PartyID)
		if party := s.Parties[p.PartyID]; party != nil {
			if p.Name != nil {
				party.Name = *p.Name
			}
			if p.Color != nil {
				party.Color = *p.Color
			}
			if p.Reveal != nil {
				party.Reveal = *p.Reveal
			}
			s.PartyNames[party.ID] = *party
		}
	case *partyAssignPayload: // Room.assignParty
		to := ""
		if p.PartyID != nil {
			to = *p.PartyID
			s.knowParty(to)
		}
		for _, id := range p.PlayerIDs {
			if m := s.Members[id]; m != nil && m.PartyID != to {
				s.leave(m, to)
			}
		}
	case *partyMergePayload:
		s.mergeParty(p)
	case *stepPayload:
		s.step(e, p)
	case *undoPayload: // Room.undoPartyMove
		s.undo(p)
	case *markerPayload:
		s.applyMarker(e.Type, p)
	case *sightRulesPayload:
		s.SightRules = p.Rules
	case *travelRulesPayload:
		rules := p.Rules
		cal := rules.With().Calendar
		s.TravelRules, s.calendar = &rules, &cal
	case *sessionStartPayload:
		s.Session = &game.Session{ID: p.SessionID, Status: game.Active, StartedAt: e.At}
	case *modePayload:
		s.Mode = p.Mode
	case *game.StagedChange:
		sc := *p
		if sc.Kind == game.StageToken { // protocol version 1: what storage.importStaged makes of it
			no, key := false, sc.Key
			if len(key) == 0 {
				key = json.RawMessage("null")
			}
			if s.defaultParty() == "" {
				s.knowParty(s.base.DefaultPartyID)
			}
			sc = game.StagedChange{ID: sc.ID, Kind: game.StagePlace, PartyID: s.defaultParty(), Key: key, Reveal: &no}
		}
		s.Staged = append(slices.Clone(s.Staged), sc)
	case *stagedUndoPayload:
		if p.Index >= 0 && p.Index < len(s.Staged) {
			s.Staged = slices.Delete(slices.Clone(s.Staged), p.Index, p.Index+1)
		}
	case *publishPayload:
		s.Staged = nil
	case *tokenMovePayload: // protocol version 1: the one party token, the default party's since
		if s.defaultParty() == "" {
			s.knowParty(s.base.DefaultPartyID)
		}
		if m, def := s.ActiveMap(), s.defaultParty(); m != nil && def != "" {
			if c := m.cell(p.to); c >= 0 {
				m.Tokens[def] = c
			} else {
				delete(m.Tokens, def)
			}
		}
	case *travelActionPayload:
		s.travelAction(e, p)
	case *encounterPayload:
		s.answer(p)
	case nil:
		s.applyBare(e)
	}
}

// applyBare is the events whose payload says nothing the replay needs.
func (s *State) applyBare(e Event) {
	switch e.Type {
	case game.EventSessionPause:
		s.setStatus(game.Paused)
	case game.EventSessionResume:
		s.setStatus(game.Active)
	case game.EventSessionEnd:
		s.setStatus(game.Ended)
		s.Staged = nil
	}
}

func (s *State) setStatus(st game.SessionStatus) {
	if s.Session != nil {
		sess := *s.Session
		sess.Status = st
		s.Session = &sess
	}
}

func (s *State) applyMap(t game.EventType, p *mapPayload) {
	switch t {
	case game.EventMapCreate:
		if s.Maps[p.MapID] != nil {
			return
		}
		s.Maps[p.MapID] = newMap(game.MapInfo{ID: p.MapID, Name: p.Name, Width: p.Width, Height: p.Height, Orientation: p.Orientation})
		s.MapOrder = append(s.MapOrder, p.MapID)
		if s.ActiveMapID == "" {
			s.ActiveMapID = p.MapID // storage.CreateMap: the first map is the active one
		}
	case game.EventMapActivate:
		id := p.MapID
		if id == "" && len(s.base.Maps) > 0 { // protocol version 1: the first map, made active
			id = s.base.Maps[0].ID
		}
		if s.mapOf(id) != nil {
			s.ActiveMapID = id
		}
	case game.EventMapResize:
		if m := s.mapOf(p.MapID); m != nil {
			m.Info.Name = p.Name
			m.resize(game.Size{Width: p.Width, Height: p.Height})
		}
	}
}

func (m *Map) applyChange(i int, c game.HexChange) {
	if c.Terrain != nil {
		m.Terrain[i] = c.Terrain.Code()
	}
	if c.Label != nil {
		setOrDelete(m.Labels, i, *c.Label)
	}
	if c.Notes != nil {
		setOrDelete(m.Notes, i, *c.Notes)
	}
	if c.Road != nil {
		m.setRoad(i, *c.Road)
	}
}

func setOrDelete(m map[int]string, i int, v string) {
	if v == "" {
		delete(m, i)
	} else {
		m[i] = v
	}
}

// knowParty makes a party the log names but never made: the default party of a campaign made
// before campaign:create was logged (its name and colour then are the defaults every campaign
// starts with, docs/history.md). It goes first: it was made with the campaign.
func (s *State) knowParty(id string) {
	if id == "" || s.Parties[id] != nil {
		return
	}
	if _, gone := s.PartyNames[id]; gone {
		return // merged away
	}
	s.addParty(game.Party{ID: id, Name: game.DefaultPartyName, Color: game.DefaultPartyColor, Reveal: game.RevealSight,
		Default: s.defaultParty() == ""}, true)
}

func (s *State) addParty(p game.Party, first bool) {
	if s.Parties[p.ID] != nil {
		return
	}
	if p.Default {
		for _, other := range s.Parties {
			other.Default = false
		}
	}
	s.Parties[p.ID] = &p
	s.PartyNames[p.ID] = p
	if first {
		s.PartyOrder = append([]string{p.ID}, s.PartyOrder...)
	} else {
		s.PartyOrder = append(s.PartyOrder, p.ID)
	}
}

func (s *State) defaultParty() string {
	for _, id := range s.PartyOrder {
		if s.Parties[id].Default {
			return id
		}
	}
	return ""
}

func raiseTo(l []uint8, cells []int, level uint8) {
	for _, i := range cells {
		if l[i] < level {
			l[i] = level
		}
	}
}

func forget(l []uint8, cells []int) {
	if l == nil {
		return
	}
	for _, i := range cells {
		l[i] = game.LevelUnknown
	}
}

func (s *State) reveal(m *Map, p *revealPayload) {
	cells, level, t := m.cells(p.keys), p.State.Level(), p.Targets
	switch {
	case t.All:
		raiseTo(m.All, cells, level)
	case t.PartyIDs != nil:
		for _, id := range t.PartyIDs {
			s.knowParty(id)
			raiseTo(m.scope(m.Party, id), cells, level)
		}
	default:
		for _, id := range t.PlayerIDs {
			raiseTo(m.scope(m.Private, id), cells, level)
		}
	}
}

// hide is Room.applyReveal's hide and its rule for players who knew a hex through their party:
// the party's knowledge moves into its other members' private knowledge first.
func (s *State) hide(m *Map, p *revealPayload) {
	cells, t := m.cells(p.keys), p.Targets
	switch {
	case t.All:
		forget(m.All, cells)
		for _, l := range m.Private {
			forget(l, cells)
		}
		for _, l := range m.Party {
			forget(l, cells)
		}
	case t.PartyIDs != nil:
		for _, id := range t.PartyIDs {
			forget(m.Party[id], cells)
			for _, mem := range s.PartyMembers(id) {
				forget(m.Private[mem], cells)
			}
		}
	default:
		isTarget := map[string]bool{}
		var parties []string
		for _, id := range t.PlayerIDs {
			isTarget[id] = true
			if mem := s.Members[id]; mem != nil && mem.PartyID != "" && !slices.Contains(parties, mem.PartyID) {
				parties = append(parties, mem.PartyID)
			}
		}
		for _, party := range parties {
			pk := m.Party[party]
			if pk == nil {
				continue
			}
			for _, other := range s.PartyMembers(party) {
				if isTarget[other] {
					continue
				}
				priv := m.scope(m.Private, other)
				for _, i := range cells {
					if pk[i] > priv[i] {
						priv[i] = pk[i]
					}
				}
			}
			forget(pk, cells)
		}
		for _, id := range t.PlayerIDs {
			forget(m.Private[id], cells)
		}
	}
}

// leave moves a member into party to ("" for none), keeping, on every map, what their old party
// knew and the new one does not (Room.keepInMemory, storage.KeepPartyKnowledge).
func (s *State) leave(mem *Member, to string) {
	if from := mem.PartyID; from != "" && from != to {
		for _, m := range s.Maps {
			fk := m.Party[from]
			if fk == nil {
				continue
			}
			tk := m.Party[to]
			for i, l := range fk {
				if l == game.LevelUnknown || (tk != nil && tk[i] >= l) {
					continue
				}
				priv := m.scope(m.Private, mem.ID)
				if priv[i] < l {
					priv[i] = l
				}
			}
		}
	}
	mem.PartyID = to
}

// createParty is Room.createParty: the new party copies the knowledge and tokens of the party the
// first listed player left, on every map, then the players move into it.
func (s *State) createParty(p *partyCreatePayload) {
	reveal := p.Reveal
	if reveal == "" {
		reveal = game.RevealSight
	}
	source := ""
	if p.CopiedFrom != nil {
		source = *p.CopiedFrom
		s.knowParty(source)
	}
	for _, id := range p.PlayerIDs {
		if m := s.Members[id]; m != nil {
			s.knowParty(m.PartyID)
		}
	}
	s.addParty(game.Party{ID: p.PartyID, Name: p.Name, Color: p.Color, Reveal: reveal}, false)
	if source != "" {
		for _, m := range s.Maps {
			if k := m.Party[source]; k != nil {
				m.Party[p.PartyID] = slices.Clone(k)
			}
			if c, ok := m.Tokens[source]; ok {
				m.Tokens[p.PartyID] = c
			}
		}
		if st, ok := s.Travel[source]; ok {
			if p.Key != nil {
				st.Lost = nil // Room.splitTravel: placed elsewhere, so not where the parent is lost
			}
			s.Travel[p.PartyID] = st
		}
	}
	if p.Key != nil {
		if m := s.mapOf(p.MapID); m != nil {
			if k, err := game.ParseKey(*p.Key); err == nil && m.Size.Contains(k) {
				m.Tokens[p.PartyID] = m.Size.Index(k)
			}
		}
	}
	for _, id := range p.PlayerIDs {
		if m := s.Members[id]; m != nil {
			s.leave(m, p.PartyID)
		}
	}
}

// mergeParty is Room.mergeParty: the survivor knows the union, gets the members (and the default
// role), both undo histories end, the merged party goes with its tokens.
func (s *State) mergeParty(p *partyMergePayload) {
	s.knowParty(p.PartyID)
	s.knowParty(p.IntoID)
	from, into := s.Parties[p.PartyID], s.Parties[p.IntoID]
	if from == nil || into == nil {
		return
	}
	for _, m := range s.Maps {
		if k := m.Party[from.ID]; k != nil {
			raiseAll(m.scope(m.Party, into.ID), k)
		}
		delete(m.Party, from.ID)
		delete(m.Tokens, from.ID)
		delete(m.Moves, from.ID)
		delete(m.Moves, into.ID)
	}
	for _, id := range s.PartyMembers(from.ID) {
		s.Members[id].PartyID = into.ID
	}
	if p.Default || from.Default {
		into.Default = true
	}
	_, fromOK := s.Travel[from.ID]
	_, intoOK := s.Travel[into.ID]
	if fromOK || intoOK {
		s.Travel[into.ID] = game.MergeTravel(s.travelOf(into.ID), s.travelOf(from.ID))
	}
	delete(s.Travel, from.ID)
	for n := range s.Prompts {
		if s.Prompts[n].PartyID == from.ID {
			s.Prompts[n].PartyID = into.ID
		}
	}
	delete(s.Parties, from.ID)
	s.PartyOrder = slices.DeleteFunc(s.PartyOrder, func(id string) bool { return id == from.ID })
}

func raiseAll(into, from []uint8) {
	for i, l := range from {
		if into[i] < l {
			into[i] = l
		}
	}
}

func (s *State) travelOf(partyID string) game.PartyTravel {
	if st, ok := s.Travel[partyID]; ok {
		return st
	}
	return game.NewPartyTravel()
}

// step is a move, a placement, a travel move or a found party: the token goes, the party's
// knowledge rises by exactly what the event says it raised, and an undo record is kept.
func (s *State) step(e Event, p *stepPayload) {
	s.knowParty(p.PartyID)
	m := s.mapOf(p.MapID)
	if m == nil || s.Parties[p.PartyID] == nil {
		return
	}
	before, travelled := s.Travel[p.PartyID]
	if c := m.cell(p.to); c >= 0 {
		m.Tokens[p.PartyID] = c
	} else {
		delete(m.Tokens, p.PartyID)
	}
	if len(p.explored)+len(p.glimpsed) > 0 {
		k := m.scope(m.Party, p.PartyID)
		raiseTo(k, m.cells(p.glimpsed), game.LevelGlimpsed)
		raiseTo(k, m.cells(p.explored), game.LevelExplored)
	}
	switch e.Type {
	case game.EventPartyMove, game.EventPartyPlace:
		m.pushMove(p.PartyID, Move{Seq: e.Seq})
		if p.place && travelled && before.Lost != nil { // Room.placedTravel
			before.Lost = nil
			s.Travel[p.PartyID] = before
		}
	case game.EventTravelMove:
		prev := s.travelOf(p.PartyID)
		m.pushMove(p.PartyID, Move{Seq: e.Seq, Travel: &prev})
		s.setTravel(p.PartyID, e.Type, &p.travelPayload)
	case game.EventTravelFound:
		s.clearMoves(p.PartyID)
		s.setTravel(p.PartyID, e.Type, &p.travelPayload)
	}
}

func (m *Map) pushMove(partyID string, mv Move) {
	moves := append(m.Moves[partyID], mv)
	if len(moves) > game.MaxUndoMoves {
		moves = moves[len(moves)-game.MaxUndoMoves:]
	}
	m.Moves[partyID] = moves
}

func (s *State) clearMoves(partyID string) {
	for _, m := range s.Maps {
		delete(m.Moves, partyID)
	}
}

func (s *State) undo(p *undoPayload) {
	m := s.mapOf(p.MapID)
	if m == nil {
		return
	}
	if k := m.Party[p.PartyID]; k != nil {
		for _, i := range m.cells(p.forgotten) {
			k[i] = game.LevelUnknown
		}
		for _, i := range m.cells(p.glimpsed) {
			k[i] = game.LevelGlimpsed
		}
	}
	if c := m.cell(p.to); c >= 0 {
		m.Tokens[p.PartyID] = c
	} else {
		delete(m.Tokens, p.PartyID)
	}
	moves := m.Moves[p.PartyID]
	var undone *Move
	if n := len(moves); n > 0 {
		undone = &moves[n-1]
		m.Moves[p.PartyID] = moves[:n-1]
	}
	switch {
	case p.Travel != nil:
		s.Travel[p.PartyID] = *p.Travel
	case undone != nil && undone.Travel != nil: // Room.undoneTravel: the clock and lost state
		st := s.travelOf(p.PartyID)
		st.Minutes, st.Lost = undone.Travel.Minutes, undone.Travel.Lost
		s.Travel[p.PartyID] = st
	}
}

func (s *State) applyMarker(t game.EventType, p *markerPayload) {
	m := s.mapOf(p.MapID)
	if m == nil {
		return
	}
	n := slices.IndexFunc(m.Markers, func(mk game.Marker) bool { return mk.ID == p.MarkerID })
	mk := game.Marker{ID: p.MarkerID, MapID: p.MapID, Key: p.key, Kind: p.Kind, Label: p.Label, Visibility: p.Visibility}
	switch {
	case t == game.EventMarkerRemove:
		if n >= 0 {
			m.Markers = slices.Delete(m.Markers, n, n+1)
		}
	case n >= 0:
		m.Markers[n] = mk
	case m.Size.Contains(mk.Key):
		m.Markers = append(m.Markers, mk)
	}
}

// travelAction is rest, camp, advance, pace, weather and a check by hand.
func (s *State) travelAction(e Event, p *travelActionPayload) {
	s.knowParty(p.PartyID)
	switch e.Type {
	case game.EventTravelRest, game.EventTravelCamp, game.EventTravelAdvance:
		s.clearMoves(p.PartyID) // time passed: the moves before it can no longer be taken back
	}
	s.setTravel(p.PartyID, e.Type, &p.travelPayload)
}

// setTravel sets a party's travel state after a travel event and opens the prompts of its hits.
// Logs from before the state was logged are read from the events: the clock of the last,
// the weather of the last that had one, the pace the event set, lost as the last step left it.
func (s *State) setTravel(partyID string, t game.EventType, p *travelPayload) {
	hit := 0
	for _, ev := range p.Events { // Room.writeOutcome: a prompt per hit, ids in order
		if ev.Encounter == nil || !ev.Encounter.Hit {
			continue
		}
		if hit < len(p.EncounterIDs) {
			s.Prompts = append(slices.Clone(s.Prompts), Prompt{ID: p.EncounterIDs[hit], PartyID: partyID, Minutes: ev.Minutes, Check: *ev.Encounter})
		}
		hit++
	}
	if p.Travel != nil {
		s.Travel[partyID] = *p.Travel
		return
	}
	st := s.travelOf(partyID)
	if t == game.EventTravelPace && p.Pace != "" {
		st.Pace = p.Pace
	}
	for _, ev := range p.Events {
		st.Minutes = ev.Minutes
		if ev.Weather != nil {
			w := *ev.Weather
			st.Weather = &w
		}
		if ev.Step != nil {
			if ev.Step.Lost {
				if st.Lost == nil {
					st.Lost = &game.Lost{Since: ev.Step.Start}
				}
				st.Lost.At = ev.Step.True
			} else {
				st.Lost = nil
			}
		}
		if ev.Kind == game.FoundEvent {
			st.Lost = nil
		}
	}
	s.Travel[partyID] = st
}

// answer is a prompt rerolled, dismissed or made into a marker (the marker has its own event).
func (s *State) answer(p *encounterPayload) {
	n := slices.IndexFunc(s.Prompts, func(pr Prompt) bool { return pr.ID == p.EncounterID })
	if n < 0 {
		return
	}
	if p.Answer == "reroll" {
		s.Prompts = slices.Clone(s.Prompts)
		s.Prompts[n].Check.Hit, s.Prompts[n].Check.Result = true, p.Result
		return
	}
	s.Prompts = slices.Delete(slices.Clone(s.Prompts), n, n+1)
}
