package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"

	"github.com/google/uuid"
	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// The travel turn in the room (docs/travel.md): the rules in game/travel.go decide, with the
// hub's random source; the room checks what the client can get wrong, writes the outcome and
// its event, then changes memory and sends each client what it may know. Players hear of it
// through their own projection (roomState.playerTravel, diffed like parties): their party's
// clock, pace and shared weather, nothing else.

// travelState is the campaign's travel turn in memory.
type travelState struct {
	saved   *game.TravelRules // as the DM saved them; nil: the defaults
	rules   *game.Travel      // compiled, the defaults filled in
	parties map[string]game.PartyTravel
	prompts []storage.Encounter // waiting for the DM, oldest first
}

func loadTravel(ctx context.Context, q storage.Queries, campaignID string) (*travelState, error) {
	saved, err := q.TravelRules(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	t := &travelState{saved: saved}
	var rules game.TravelRules
	if saved != nil {
		rules = *saved
	}
	if t.rules, err = rules.Compile(); err != nil {
		return nil, err
	}
	if t.parties, err = q.LoadPartyTravel(ctx, campaignID); err != nil {
		return nil, err
	}
	if t.prompts, err = q.LoadEncounters(ctx, campaignID); err != nil {
		return nil, err
	}
	return t, nil
}

// of is a party's travel state: where it stands now, or the campaign's start.
func (t *travelState) of(partyID string) game.PartyTravel {
	if st, ok := t.parties[partyID]; ok {
		return st
	}
	return game.NewPartyTravel()
}

func (t *travelState) lost(partyID string) bool { return t.parties[partyID].Lost != nil }

func (t *travelState) prompt(id string) (int, error) {
	for n, e := range t.prompts {
		if e.ID == id {
			return n, nil
		}
	}
	return -1, game.Errorf(game.ENotFound, "encounterId: no waiting encounter %q", game.Truncate(id, 40))
}

// travelView is a party's travel state for the DM.
func (s *roomState) travelView(partyID string) travelView {
	st, travelled := s.travel.parties[partyID]
	if !travelled {
		st = game.NewPartyTravel()
	}
	return travelView{PartyID: partyID, Minutes: st.Minutes, Clock: s.travel.rules.Calendar().At(st.Minutes),
		Pace: st.Pace, Weather: st.Weather, Lost: st.Lost, Travelled: travelled}
}

// dmTravel is every party's travel state, in the parties' order.
func (s *roomState) dmTravel() []travelView {
	out := make([]travelView, 0, len(s.partyOrder))
	for _, id := range s.partyOrder {
		out = append(out, s.travelView(id))
	}
	return out
}

// playerTravel is what a player in party partyID sees of travel: the party's clock and pace and
// the weather while it is shared — once the party has travelled at all (a campaign that does
// not use the travel turn shows players no clock).
func (s *roomState) playerTravel(partyID string) *playerTravelView {
	st, ok := s.travel.parties[partyID]
	if partyID == "" || !ok {
		return nil
	}
	c := s.travel.rules.Calendar().At(st.Minutes)
	v := &playerTravelView{Clock: playerClock{Day: c.Day, Watch: c.Watch, WatchName: c.WatchName}, Pace: st.Pace}
	if st.Weather != nil && st.Weather.Shared {
		v.Weather = &playerWeather{Name: st.Weather.Name}
	}
	return v
}

func (s *roomState) dmEncounters() []encounterPrompt {
	out := make([]encounterPrompt, len(s.travel.prompts))
	cal := s.travel.rules.Calendar()
	for n, e := range s.travel.prompts {
		out[n] = encounterPrompt{ID: e.ID, PartyID: e.PartyID, Minutes: e.Minutes, Clock: cal.At(e.Minutes), Check: e.Check}
	}
	return out
}

// hiddenLost reports whether party id, lost, is hidden from a player of another party: its
// token stands where its own players believe they are, and its true position is the DM's.
func (s *roomState) hiddenLost(id, viewerParty string) bool {
	return id != viewerParty && s.travel.lost(id)
}

func (r *Room) travelMap() game.TravelMap {
	mp := r.st.mp
	return game.TravelMap{Size: mp.size, Orientation: mp.info.Orientation, Terrain: mp.terrain, Roads: mp.roads}
}

// travelParty checks what every travel action on a party needs: the party, a live session (when
// live), and its token on the active map; it returns the party and where its token stands.
func (r *Room) travelParty(partyID string, live bool) (*game.Party, int, error) {
	p, err := r.party("partyId", partyID)
	if err != nil {
		return nil, -1, err
	}
	if live && !r.st.status().Live() {
		return nil, -1, game.Errorf(game.EConflict, "travel needs a live session (the session is %s)", r.st.status())
	}
	from := r.position(p.ID)
	if from < 0 {
		return nil, -1, game.Errorf(game.EConflict, "%s is not on this map: place it first (party:place)", p.Name)
	}
	return p, from, nil
}

// travelFrames queues the DM's frames for a travel action: what it did with the party's travel
// state after it (travel:happened; travel:changed when it rolled nothing), and the prompts when
// it opened some.
func (r *Room) travelFrames(b *batch, partyID, action string, events json.RawMessage, prompted bool) {
	if events != nil {
		b.toDMs(travelHappenedMsg{Seq: b.reqSeq, PartyID: partyID, Action: action, Events: events, Travel: r.st.travelView(partyID)}.frame())
	} else {
		b.toDMs(travelChangedDMMsg{Seq: b.reqSeq, Travel: r.st.travelView(partyID)}.frame())
	}
	if prompted {
		r.encountersChanged(b)
	}
}

func (r *Room) encountersChanged(b *batch) {
	b.toDMs(encountersChangedMsg{Seq: b.reqSeq, Encounters: r.st.dmEncounters()}.frame())
}

// newPrompts makes a waiting prompt of every check of out that hit.
func newPrompts(partyID string, out game.TravelOutcome) []storage.Encounter {
	var prompts []storage.Encounter
	for _, e := range out.Events {
		if e.Encounter != nil && e.Encounter.Hit {
			prompts = append(prompts, storage.Encounter{ID: uuid.NewString(), PartyID: partyID, Minutes: e.Minutes, Check: *e.Encounter})
		}
	}
	return prompts
}

// writeOutcome writes a party's travel state after an action, the prompts it opened and its
// event; it returns how many prompts it opened, every prompt then waiting (for the room to keep
// once the request has succeeded) and the events as JSON (for travel:happened).
func (r *Room) writeOutcome(b *batch, tx *storage.Tx, partyID string, ev game.EventType, out game.TravelOutcome, payload map[string]any) (int, []storage.Encounter, json.RawMessage, error) {
	if err := tx.SetPartyTravel(b.ctx, partyID, out.State); err != nil {
		return 0, nil, nil, err
	}
	prompts := newPrompts(partyID, out)
	for _, e := range prompts {
		if err := tx.AddEncounter(b.ctx, r.id, e); err != nil {
			return 0, nil, nil, err
		}
	}
	events := json.RawMessage(mustJSON(out.Events))
	payload["partyId"], payload["events"], payload["travel"] = partyID, events, out.State
	if len(prompts) > 0 {
		ids := make([]string, len(prompts))
		for n, e := range prompts {
			ids[n] = e.ID
		}
		payload["encounterIds"] = ids
	}
	// The oldest prompts make room first, so the action's event is the request's last (its seq
	// names a move for undo).
	waiting := append(slices.Clone(r.st.travel.prompts), prompts...)
	if over := len(waiting) - game.MaxWaitingEncounters; over > 0 {
		for _, e := range waiting[:over] {
			if err := r.expireEncounter(b, tx, e); err != nil {
				return 0, nil, nil, err
			}
		}
		waiting = slices.Clone(waiting[over:])
	}
	if _, err := b.event(ev, actorDM, payload); err != nil {
		return 0, nil, nil, err
	}
	return len(prompts), waiting, events, nil
}

// expireEncounter dismisses a prompt the DM left waiting past MaxWaitingEncounters, logged as a
// dismissal the hub made.
func (r *Room) expireEncounter(b *batch, tx *storage.Tx, e storage.Encounter) error {
	if err := tx.DeleteEncounter(b.ctx, e.ID); err != nil {
		return err
	}
	_, err := b.event(game.EventTravelEncounter, actorDM, r.answerPayload(e, "dismiss", true))
	return err
}

// answerPayload is a travel:encounter event's payload: when and where the encounter was, so the
// travel log can put the answer beside its check (example: testdata/protocol/events).
func (r *Room) answerPayload(e storage.Encounter, answer string, expired bool) *encounterAnswerPayload {
	return &encounterAnswerPayload{EncounterID: e.ID, PartyID: e.PartyID, Answer: answer, Minutes: e.Minutes,
		Clock: r.st.travel.rules.Calendar().At(e.Minutes), At: e.Check.At, Result: e.Check.Result, Expired: expired}
}

// stepSights says, for each step event of a move, whether it reveals and through what weather.
func stepSights(out game.TravelOutcome) []stepSight {
	var sights []stepSight
	for _, e := range out.Events {
		if e.Step != nil {
			sights = append(sights, stepSight{reveal: e.Step.Reveal, penalty: e.Step.SightPenalty})
		}
	}
	return sights
}

// hasStagedSteps reports whether a staged move or placement of the party waits in the list: a
// travel action starts from where the token stands now, so it waits for those.
func (r *Room) hasStagedSteps(partyID string) bool {
	return slices.ContainsFunc(r.st.staged, func(sc game.StagedChange) bool {
		return sc.PartyID == partyID && (sc.Kind == game.StageMove || sc.Kind == game.StagePlace)
	})
}

// travelMove is travel:move: the party walks the path at its pace, with navigation, time,
// weather and encounter checks; what each step reveals follows its weather, and nothing while
// the party is lost. It applies at once in either broadcast mode and can be taken back with
// party:undo (its travel state too).
func (r *Room) travelMove(b *batch, c command) error {
	p, from, err := r.travelParty(c.partyID, true)
	if err != nil {
		return err
	}
	if r.hasStagedSteps(p.ID) {
		return game.Errorf(game.EConflict, "%s has a staged move or placement: publish or undo it first", p.Name)
	}
	mp := r.st.mp
	cells, err := r.keysOnMapInOrder("path", c.Path)
	if err != nil {
		return err
	}
	if err := r.checkPath(from, cells); err != nil {
		return err
	}
	path := make([]game.Key, len(cells))
	for n, cell := range cells {
		path[n] = mp.size.KeyAt(cell)
	}
	before := r.st.travel.of(p.ID)
	out, err := r.st.travel.rules.Move(r.travelMap(), before, mp.size.KeyAt(from), path, p.Reveal != game.RevealNone, r.hub.rnd)
	if err != nil {
		return err
	}
	to := cells[len(cells)-1]
	raised := r.planSteps(p, cells, stepSights(out))
	kls, explored, glimpsed := r.raisedLevels(raised)

	tx, err := b.write()
	if err != nil {
		return err
	}
	toKey := mp.size.KeyAt(to)
	if err := r.writeStep(b, tx, p.ID, &toKey, kls); err != nil {
		return err
	}
	opened, waiting, events, err := r.writeOutcome(b, tx, p.ID, game.EventTravelMove, out, map[string]any{"mapId": mp.info.ID,
		"from": mp.keyOrNil(from), "path": c.Path, "explored": explored, "glimpsed": glimpsed})
	if err != nil {
		return err
	}
	rec := &moveRecord{seq: b.reqSeq, from: from, to: to, raised: raised, travel: &travelUndo{Minutes: before.Minutes, Lost: before.Lost}}
	if err := r.appendMove(b, tx, p.ID, rec); err != nil {
		return err
	}

	ch := r.newChange()
	ch.snapParties()
	mp.stepTo(ch, p.ID, to, raised)
	undo := mp.pushMove(p.ID, rec)
	r.st.travel.parties[p.ID] = out.State
	r.st.travel.prompts = waiting
	b.toDMs(partyMovedMsg{Seq: b.reqSeq, PartyID: p.ID, Key: mp.keyOrNil(to), Path: c.Path, Explored: explored,
		Glimpsed: glimpsed, Undo: undo}.frame())
	r.travelFrames(b, p.ID, "move", events, opened > 0)
	r.emitPlayerDiffs(b, ch)
	return nil
}

// raisedLevels is what a list of raises writes, and the keys it raised to explored and glimpsed.
func (r *Room) raisedLevels(raised []raise) (kls []storage.KeyLevel, explored, glimpsed []string) {
	mp := r.st.mp
	kls = make([]storage.KeyLevel, len(raised))
	for n, x := range raised {
		k := mp.size.KeyAt(x.cell)
		kls[n] = storage.KeyLevel{Key: k, Level: x.after}
		if x.after == game.LevelExplored {
			explored = append(explored, k.String())
		} else {
			glimpsed = append(glimpsed, k.String())
		}
	}
	return kls, orEmpty(explored), orEmpty(glimpsed)
}

// travelPause is travel:rest, travel:camp and travel:advance: time passes where the party
// stands. It ends the party's undo history: a move before the time passed can no longer be
// taken back exactly.
func (r *Room) travelPause(b *batch, c command) error {
	p, from, err := r.travelParty(c.partyID, true)
	if err != nil {
		return err
	}
	mp := r.st.mp
	st, token := r.st.travel.of(p.ID), mp.size.KeyAt(from)
	rules, rnd := r.st.travel.rules, r.hub.rnd
	var out game.TravelOutcome
	var ev game.EventType
	action := ""
	payload := map[string]any{}
	switch c.Type {
	case cmdTravelRest:
		out, err = rules.Rest(r.travelMap(), st, token, rnd)
		ev, action = game.EventTravelRest, "rest"
	case cmdTravelCamp:
		out, err = rules.Camp(r.travelMap(), st, token, rnd)
		ev, action = game.EventTravelCamp, "camp"
	default:
		out, err = rules.Advance(r.travelMap(), st, token, *c.Watches, rnd)
		ev, action = game.EventTravelAdvance, "advance"
		payload["watches"] = *c.Watches
	}
	if err != nil {
		return err
	}
	tx, err := b.write()
	if err != nil {
		return err
	}
	opened, waiting, events, err := r.writeOutcome(b, tx, p.ID, ev, out, payload)
	if err != nil {
		return err
	}
	if err := tx.ClearPartyMoves(b.ctx, p.ID); err != nil {
		return err
	}
	ch := r.newChange()
	ch.snapParties()
	r.st.travel.parties[p.ID] = out.State
	r.st.travel.prompts = waiting
	hadMoves := len(mp.moves[p.ID]) > 0
	delete(mp.moves, p.ID)
	if hadMoves {
		r.partiesChanged(b) // the undo count
	}
	r.travelFrames(b, p.ID, action, events, opened > 0)
	r.emitPlayerDiffs(b, ch)
	return nil
}

// travelFound is travel:found: the lost party's token jumps to where it truly is and sees from
// there as a step would. Its undo history ends.
func (r *Room) travelFound(b *batch, c command) error {
	p, from, err := r.travelParty(c.partyID, true)
	if err != nil {
		return err
	}
	mp := r.st.mp
	st := r.st.travel.of(p.ID)
	out, err := r.st.travel.rules.Found(r.travelMap(), st, mp.size.KeyAt(from))
	if err != nil {
		return game.Errorf(game.CodeOf(err), "%s: %s", p.Name, game.MessageOf(err))
	}
	to := mp.size.Index(out.Token)
	raised := r.planSteps(p, []int{to}, []stepSight{{reveal: p.Reveal != game.RevealNone, penalty: st.Weather.Penalty()}})
	kls, explored, glimpsed := r.raisedLevels(raised)
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := r.writeStep(b, tx, p.ID, &out.Token, kls); err != nil {
		return err
	}
	_, _, events, err := r.writeOutcome(b, tx, p.ID, game.EventTravelFound, out, map[string]any{"mapId": mp.info.ID,
		"from": mp.keyOrNil(from), "key": out.Token.String(), "explored": explored, "glimpsed": glimpsed})
	if err != nil {
		return err
	}
	if err := tx.ClearPartyMoves(b.ctx, p.ID); err != nil {
		return err
	}
	ch := r.newChange()
	ch.snapParties()
	mp.stepTo(ch, p.ID, to, raised)
	delete(mp.moves, p.ID)
	r.st.travel.parties[p.ID] = out.State
	b.toDMs(partyMovedMsg{Seq: b.reqSeq, PartyID: p.ID, Key: mp.keyOrNil(to), Path: []string{out.Token.String()},
		Explored: explored, Glimpsed: glimpsed, Undo: 0}.frame())
	r.travelFrames(b, p.ID, "found", events, false)
	r.emitPlayerDiffs(b, ch)
	return nil
}

// setTravelState writes a party's travel state changed by an action that rolls nothing on the
// map (pace, weather), logs it and tells whoever may know.
func (r *Room) setTravelState(b *batch, partyID string, st game.PartyTravel, ev game.EventType, action string, events []game.TravelEvent, payload map[string]any) error {
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := tx.SetPartyTravel(b.ctx, partyID, st); err != nil {
		return err
	}
	payload["partyId"], payload["travel"] = partyID, st
	var raw json.RawMessage
	if events != nil {
		raw = mustJSON(events)
		payload["events"] = raw
	}
	if _, err := b.event(ev, actorDM, payload); err != nil {
		return err
	}
	ch := r.newChangeOrNil()
	if ch != nil {
		ch.snapParties()
	}
	r.st.travel.parties[partyID] = st
	r.travelFrames(b, partyID, action, raw, false)
	r.emitIf(b, ch)
	return nil
}

// travelPace is travel:pace.
func (r *Room) travelPace(b *batch, c command) error {
	if _, err := r.party("partyId", c.partyID); err != nil {
		return err
	}
	st := r.st.travel.of(c.partyID)
	st.Pace = *c.Pace
	return r.setTravelState(b, c.partyID, st, game.EventTravelPace, "pace", nil, map[string]any{"pace": st.Pace})
}

// weatherRoll is weather:roll: new weather for the party now, from the table in use.
func (r *Room) weatherRoll(b *batch, c command) error {
	if _, err := r.party("partyId", c.partyID); err != nil {
		return err
	}
	if !r.st.status().Live() {
		return game.Errorf(game.EConflict, "rolling the weather needs a live session (the session is %s)", r.st.status())
	}
	out := r.st.travel.rules.RollWeather(r.st.travel.of(c.partyID), r.hub.rnd)
	return r.setTravelState(b, c.partyID, out.State, game.EventTravelWeather, "weather", out.Events, map[string]any{"rolled": true})
}

// weatherSet is weather:set: the DM picks an entry of the table in use, or shows or hides the
// weather from players.
func (r *Room) weatherSet(b *batch, c command) error {
	if _, err := r.party("partyId", c.partyID); err != nil {
		return err
	}
	st := r.st.travel.of(c.partyID)
	payload := map[string]any{}
	if c.Entry != nil {
		w, err := r.st.travel.rules.Rules().Weather.Choose(*c.Entry, st.Minutes)
		if err != nil {
			return game.Errorf(game.EInvalid, "entry: %s", game.MessageOf(err))
		}
		st.Weather, payload["entry"] = &w, *c.Entry
	} else if st.Weather == nil {
		return game.Errorf(game.EConflict, "the party has no weather yet: roll it or choose an entry")
	} else {
		w := *st.Weather
		st.Weather = &w
	}
	if c.Shared != nil {
		st.Weather.Shared, payload["shared"] = *c.Shared, *c.Shared
	}
	ev := game.TravelEvent{Kind: game.WeatherEvent, Minutes: st.Minutes, Clock: r.st.travel.rules.Calendar().At(st.Minutes), Weather: st.Weather}
	return r.setTravelState(b, c.partyID, st, game.EventTravelWeather, "weather", []game.TravelEvent{ev}, payload)
}

// encounterCheck is encounter:check: a check by hand where the party truly stands.
func (r *Room) encounterCheck(b *batch, c command) error {
	p, from, err := r.travelParty(c.partyID, true)
	if err != nil {
		return err
	}
	out, err := r.st.travel.rules.CheckEncounter(r.travelMap(), r.st.travel.of(p.ID), r.st.mp.size.KeyAt(from), r.hub.rnd)
	if err != nil {
		return err
	}
	tx, err := b.write()
	if err != nil {
		return err
	}
	opened, waiting, events, err := r.writeOutcome(b, tx, p.ID, game.EventTravelCheck, out, map[string]any{})
	if err != nil {
		return err
	}
	ch := r.newChange()
	ch.snapParties()
	r.st.travel.parties[p.ID] = out.State
	r.st.travel.prompts = waiting
	r.travelFrames(b, p.ID, "check", events, opened > 0)
	r.emitPlayerDiffs(b, ch)
	return nil
}

// encounterAnswer is encounter:reroll, encounter:dismiss and encounter:place.
func (r *Room) encounterAnswer(b *batch, c command) error {
	n, err := r.st.travel.prompt(c.EncounterID)
	if err != nil {
		return err
	}
	e := r.st.travel.prompts[n]
	payload := r.answerPayload(e, "", false) // the answer and, for a reroll, its result are set below
	tx, err := b.write()
	if err != nil {
		return err
	}
	switch c.Type {
	case cmdEncounterReroll:
		res := r.st.travel.rules.Rules().Encounters.RollEncounter(r.hub.rnd, e.Check.Terrain)
		e.Check.Hit, e.Check.Result = true, &res
		if err := tx.UpdateEncounter(b.ctx, e); err != nil {
			return err
		}
		payload.Answer, payload.Result = "reroll", &res
	case cmdEncounterPlace:
		if r.st.mp == nil {
			return game.Errorf(game.EConflict, "the campaign has no map yet")
		}
		key, err := r.st.mp.size.ParseKeyOn(e.Check.At)
		if err != nil {
			return game.Errorf(game.EConflict, "the encounter's hex %s is not on this map", e.Check.At)
		}
		mc := command{Key: mustJSON(key.String()), Kind: c.Kind, Label: c.Label, Visibility: c.Visibility}
		if mc.Kind == nil {
			kind := game.MarkerMonster
			mc.Kind = &kind
		}
		if mc.Label == nil {
			label := encounterLabel(e.Check)
			mc.Label = &label
		}
		if mc.Visibility == nil {
			vis := game.VisibleDM
			mc.Visibility = &vis
		}
		if err := r.placeMarker(b, mc); err != nil {
			return err
		}
		payload.Answer, payload.Key = "place", key.String()
		if err := tx.DeleteEncounter(b.ctx, e.ID); err != nil {
			return err
		}
	default:
		if err := tx.DeleteEncounter(b.ctx, e.ID); err != nil {
			return err
		}
		payload.Answer = "dismiss"
	}
	if _, err := b.event(game.EventTravelEncounter, actorDM, payload); err != nil {
		return err
	}
	if c.Type == cmdEncounterReroll {
		r.st.travel.prompts[n] = e
	} else {
		r.st.travel.prompts = slices.Delete(r.st.travel.prompts, n, n+1)
	}
	r.encountersChanged(b)
	return nil
}

// encounterLabel is a marker's label made from an encounter: its summary, cut to a label's
// length.
func encounterLabel(c game.EncounterCheck) string {
	label := "An encounter"
	if c.Result != nil && c.Result.Summary != "" {
		label = c.Result.Summary
	}
	runes := []rune(label)
	if len(runes) > game.MaxLabelChars {
		label = string(runes[:game.MaxLabelChars])
	}
	return label
}

// setTravelRules is travel:rules: the campaign's rules, parts left out taking the defaults.
func (r *Room) setTravelRules(b *batch, c command) error {
	compiled, err := c.travelRules.Compile()
	if err != nil {
		return game.Errorf(game.EInvalid, "rules: %s", game.MessageOf(err))
	}
	tx, err := b.write()
	if err != nil {
		return err
	}
	saved := c.travelRules
	if err := tx.SetTravelRules(b.ctx, r.id, &saved); err != nil {
		return err
	}
	if _, err := b.event(game.EventTravelRules, actorDM, map[string]any{"rules": saved}); err != nil {
		return err
	}
	ch := r.newChangeOrNil()
	if ch != nil {
		ch.snapParties() // a new calendar renames the watches players see
	}
	r.st.travel.saved, r.st.travel.rules = &saved, compiled
	b.toDMs(travelRulesChangedMsg{Seq: b.reqSeq, Rules: compiled.Rules()}.frame())
	for _, id := range r.st.partyOrder {
		b.toDMs(travelChangedDMMsg{Seq: b.reqSeq, Travel: r.st.travelView(id)}.frame())
	}
	r.emitIf(b, ch)
	return nil
}

// Hooks for the party commands (parties.go). Each writes in the request's transaction and
// returns what changes memory, which the caller runs after snapshotting for the players' diffs.

func nothing() {}

// splitTravel gives a new party the travel state of the party it split from: its clock,
// pace and weather, and its being lost when it stands where that party stood.
func (r *Room) splitTravel(b *batch, tx *storage.Tx, source, partyID string, samePlace bool) (func(), error) {
	st, ok := r.st.travel.parties[source]
	if !ok {
		return nothing, nil // not travelled: the new party's view is the campaign's start
	}
	if !samePlace {
		st.Lost = nil
	}
	if err := tx.SetPartyTravel(b.ctx, partyID, st); err != nil {
		return nil, err
	}
	return func() { r.st.travel.parties[partyID] = st }, nil
}

// travelChanged tells the DM a party's travel state (a new party's, after the parties).
func (r *Room) travelChanged(b *batch, partyID string) {
	b.toDMs(travelChangedDMMsg{Seq: b.reqSeq, Travel: r.st.travelView(partyID)}.frame())
}

// mergeTravel gives the surviving party the later clock (game.MergeTravel) and the merged
// party's waiting encounters; call it before the merged party is deleted (its rows cascade).
func (r *Room) mergeTravel(b *batch, tx *storage.Tx, from, into string) (func(), error) {
	_, fromOK := r.st.travel.parties[from]
	_, intoOK := r.st.travel.parties[into]
	if !fromOK && !intoOK {
		return nothing, nil
	}
	st := game.MergeTravel(r.st.travel.of(into), r.st.travel.of(from))
	if err := tx.SetPartyTravel(b.ctx, into, st); err != nil {
		return nil, err
	}
	if err := tx.MoveEncounters(b.ctx, from, into); err != nil {
		return nil, err
	}
	return func() {
		r.st.travel.parties[into] = st
		delete(r.st.travel.parties, from)
		for n := range r.st.travel.prompts {
			if r.st.travel.prompts[n].PartyID == from {
				r.st.travel.prompts[n].PartyID = into
			}
		}
		b.toDMs(travelChangedDMMsg{Seq: b.reqSeq, Travel: r.st.travelView(into)}.frame())
		r.encountersChanged(b)
	}, nil
}

// placedTravel ends a party's being lost when the DM places its token: it is where the DM put
// it.
func (r *Room) placedTravel(b *batch, tx *storage.Tx, partyID string) (func(), error) {
	st, ok := r.st.travel.parties[partyID]
	if !ok || st.Lost == nil {
		return nothing, nil
	}
	st.Lost = nil
	if err := tx.SetPartyTravel(b.ctx, partyID, st); err != nil {
		return nil, err
	}
	return func() {
		r.st.travel.parties[partyID] = st
		b.toDMs(travelChangedDMMsg{Seq: b.reqSeq, Travel: r.st.travelView(partyID)}.frame())
	}, nil
}

// travelUndo is what an undo record keeps of a travel move: the clock and the lost state before
// it (small: every move writes one). Undo puts these back; the pace and the weather stay as they
// are now.
type travelUndo struct {
	Minutes int        `json:"minutes"`
	Lost    *game.Lost `json:"lost,omitempty"`
}

// undoneTravel puts back the clock and lost state a travel move saved when party:undo takes it
// back; it returns the party's travel state after it (nil: not a travel move), for the log.
func (r *Room) undoneTravel(b *batch, tx *storage.Tx, partyID string, before *travelUndo) (func(), *game.PartyTravel, error) {
	if before == nil {
		return nothing, nil, nil
	}
	st := r.st.travel.of(partyID)
	st.Minutes, st.Lost = before.Minutes, before.Lost
	if err := tx.SetPartyTravel(b.ctx, partyID, st); err != nil {
		return nil, nil, err
	}
	return func() {
		r.st.travel.parties[partyID] = st
		b.toDMs(travelChangedDMMsg{Seq: b.reqSeq, Travel: r.st.travelView(partyID)}.frame())
	}, &st, nil
}

// decodeTravelRules reads travel:rules' rules strictly: unknown fields are errors.
func decodeTravelRules(raw json.RawMessage) (game.TravelRules, error) {
	var rules game.TravelRules
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rules); err != nil {
		return rules, game.Errorf(game.EInvalid, "rules: %s", jsonProblem(err))
	}
	if err := rules.Validate(); err != nil {
		return rules, game.Errorf(game.EInvalid, "rules: %s", game.MessageOf(err))
	}
	return rules, nil
}
