package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hexcrawl/hexcrawl/game"
)

// travelOf is the DM's view of a party's travel state after the frames of one request (the
// last travel:changed for that party), or of a fresh DM state.
func (tb *table) travelOf(partyID string) travelView {
	tb.t.Helper()
	var st struct{ Travel []travelView }
	if err := json.Unmarshal(tb.dmState(), &st); err != nil {
		tb.t.Fatal(err)
	}
	for _, v := range st.Travel {
		if v.PartyID == partyID {
			return v
		}
	}
	tb.t.Fatalf("no travel state for party %s", partyID)
	return travelView{}
}

// prompts are the DM's waiting encounters, from a fresh DM state.
func (tb *table) prompts() []encounterPrompt {
	tb.t.Helper()
	var st struct{ Encounters []encounterPrompt }
	if err := json.Unmarshal(tb.dmState(), &st); err != nil {
		tb.t.Fatal(err)
	}
	return st.Encounters
}

// playerTravel is a player's travel view, built from their frames.
func (tb *table) playerTravel(name string) string {
	tb.t.Helper()
	tb.syncPlayers()
	p, err := replayPlayer(tb.players[name].received())
	if err != nil {
		tb.t.Fatal(err)
	}
	return p.travel
}

// happenedMsg is travel:happened as a test reads it.
type happenedMsg struct {
	Action string
	Events []game.TravelEvent
}

func happened(t *testing.T, frames [][]byte) happenedMsg {
	t.Helper()
	for _, raw := range frames {
		if strings.Contains(string(raw), `"type":"travel:happened"`) {
			var m happenedMsg
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			return m
		}
	}
	t.Fatalf("no travel:happened among %s", frames)
	return happenedMsg{}
}

// travelRules is a travel:rules line: navigation and encounter chances per terrain as given,
// checks each watch, everything else the defaults.
func travelRules(nav, encounters map[string]string) string {
	rules := game.DefaultTravelRules()
	for t, c := range nav {
		ch, _ := game.ParseChance(c)
		rules.Navigation[game.Terrain(t)] = ch
	}
	for t, c := range encounters {
		ch, _ := game.ParseChance(c)
		rules.Encounters.Chance[game.Terrain(t)] = ch
	}
	return string(mustJSON(map[string]any{"type": "travel:rules", "rules": rules}))
}

// TestTravelSession runs the travel turn on a live table: moves that spend time by terrain and
// pace, encounters each watch answered in every way, a party that gets lost, wanders and is
// found, rest and camp, weather shown and hidden, a split and a merge, undo of a travel move.
// After every step the fog property holds (each player's deltas == a fresh state == what the
// DM's state says, memory == the database), with the travel turn's DM-only fields banned from
// every player frame.
func TestTravelSession(t *testing.T) {
	tb := newTable(t, "Ana", "Bo", "Cy")
	tb.do(paintLine())
	tb.refuse(`{"type":"travel:move","partyId":"$P0","path":["1,1"]}`, game.EConflict, "live session")
	tb.do(`{"type":"session:start"}`)
	tb.refuse(`{"type":"travel:move","partyId":"$P0","path":["1,1"]}`, game.EConflict, "place it first")
	tb.do(`{"type":"party:place","partyId":"$P0","key":"3,1","reveal":true}`)
	if got := tb.playerTravel("Ana"); got != "null" {
		t.Fatalf("before the party travels, players see a clock: %s", got)
	}

	// Never lost, an encounter on every watch check: one step into the forest takes 4 hours and
	// so begins Midday, whose check finds something.
	tb.do(travelRules(map[string]string{"forest": "0 in 6", "plains": "0 in 6"}, map[string]string{"forest": "6 in 6", "plains": "0 in 6"}))
	frames := tb.do(`{"type":"travel:move","partyId":"$P0","path":["4,1"]}`)
	h := happened(t, frames)
	if h.Action != "move" || len(h.Events) == 0 {
		t.Fatalf("travel:happened %+v", h)
	}
	m := moved(t, frames)
	if !slices.Contains(m.Explored, "4,1") || m.Undo != 2 {
		t.Fatalf("the step into the forest: %+v", m)
	}
	tv := tb.travelOf(tb.parties[0])
	if tv.Minutes != 240 || tv.Clock.WatchName != "Midday" || !tv.Travelled || tv.Weather == nil || tv.Weather.Roll == nil {
		t.Fatalf("the clock after a forest hex: %+v", tv)
	}
	tb.check("a step into the forest")
	if got := tb.playerTravel("Ana"); !strings.Contains(got, `"watchName":"Midday"`) || !strings.Contains(got, `"day":1`) {
		t.Fatalf("Ana's clock: %s", got)
	}
	prompts := tb.prompts()
	if len(prompts) != 1 || prompts[0].Check.Reason != game.CheckWatch || prompts[0].Check.At != "4,1" || prompts[0].Check.Result == nil {
		t.Fatalf("the watch's encounter: %+v", prompts)
	}
	// Reroll it, then place it: a DM-only marker where the party stands, the prompt gone.
	tb.do(`{"type":"encounter:reroll","encounterId":"` + prompts[0].ID + `"}`)
	if again := tb.prompts(); len(again) != 1 || again[0].Check.Result == nil || again[0].Check.Result.Pick == nil {
		t.Fatalf("after a reroll: %+v", again)
	}
	tb.do(`{"type":"encounter:place","encounterId":"` + prompts[0].ID + `"}`)
	if len(tb.prompts()) != 0 || len(tb.markers) != 1 {
		t.Fatalf("placing the encounter: prompts %+v, markers %v", tb.prompts(), tb.markers)
	}
	tb.check("an encounter placed as a DM-only marker")
	tb.refuse(`{"type":"encounter:dismiss","encounterId":"`+prompts[0].ID+`"}`, game.ENotFound, "no waiting encounter")

	// A check by hand, dismissed.
	tb.do(`{"type":"encounter:check","partyId":"$P0"}`)
	if p := tb.prompts(); len(p) != 1 || p[0].Check.Reason != game.CheckManual {
		t.Fatalf("a check by hand: %+v", p)
	}
	tb.do(`{"type":"encounter:dismiss","encounterId":"` + tb.prompts()[0].ID + `"}`)
	tb.check("a dismissed encounter")

	// Pace: slow through the forest takes 6 hours.
	tb.do(`{"type":"travel:pace","partyId":"$P0","pace":"slow"}`)
	tb.do(`{"type":"travel:move","partyId":"$P0","path":["5,1"]}`)
	if tv := tb.travelOf(tb.parties[0]); tv.Minutes != 240+360 || tv.Pace != game.Slow {
		t.Fatalf("a slow forest hex: %+v", tv)
	}
	for _, p := range tb.prompts() {
		tb.do(`{"type":"encounter:dismiss","encounterId":"` + p.ID + `"}`)
	}
	tb.check("a slow step")

	// Undo takes back the step and its time.
	tb.do(`{"type":"party:undo","partyId":"$P0"}`)
	if tv := tb.travelOf(tb.parties[0]); tv.Minutes != 240 {
		t.Fatalf("undo left the clock at %d", tv.Minutes)
	}
	tb.check("undoing a travel move")

	// Bo splits off with the party's clock; Ana's company sees the scouts (on an explored hex).
	tb.do(`{"type":"party:create","name":"Scouts","color":"#3070c0","playerIds":["$BO"]}`)
	if tv := tb.travelOf(tb.parties[1]); tv.Minutes != 240 || !tv.Travelled {
		t.Fatalf("the scouts' clock: %+v", tv)
	}
	tb.check("the split")
	// The scouts look into the next hex and come back: they have explored 4,2.
	tb.do(`{"type":"party:move","partyId":"$P1","path":["4,2","4,1"]}`)
	tb.check("the scouts looking around")

	// Getting lost: every check fails. The company's token goes where the players believe;
	// the party is truly elsewhere; the step reveals nothing; the scouts no longer see it.
	tb.do(`{"type":"travel:pace","partyId":"$P0","pace":"normal"}`)
	tb.do(travelRules(map[string]string{"forest": "6 in 6", "plains": "6 in 6"}, map[string]string{"forest": "0 in 6", "plains": "0 in 6"}))
	knownBefore := tb.partyKnown(tb.parties[0])
	frames = tb.do(`{"type":"travel:move","partyId":"$P0","path":["4,2"]}`)
	if m := moved(t, frames); len(m.Explored)+len(m.Glimpsed) != 0 || *m.Key != "4,2" {
		t.Fatalf("a lost step revealed: %+v", m)
	}
	tv = tb.travelOf(tb.parties[0])
	if tv.Lost == nil {
		t.Fatalf("the company did not get lost: %+v", tv)
	}
	if tb.partyKnown(tb.parties[0]) != knownBefore {
		t.Fatal("a lost step changed what the party knows")
	}
	tb.check("getting lost")
	bo, _ := replayPlayer(tb.players["Bo"].received())
	if strings.Contains(bo.parties, tb.parties[0]) {
		t.Fatalf("the scouts see the lost company: %s", bo.parties)
	}
	ana, _ := replayPlayer(tb.players["Ana"].received())
	if !strings.Contains(ana.parties, `"key":"4,2"`) {
		t.Fatalf("Ana does not see her token where she believes she is: %s", ana.parties)
	}
	tb.refuse(`{"type":"party:move","partyId":"$P0","path":["4,3"]}`, game.EConflict, "is lost")

	// Wandering while lost: the token follows the DM, the truth the same way (or stays at the
	// edge); still nothing revealed.
	truth := tv.Lost.At
	tb.do(`{"type":"travel:move","partyId":"$P0","path":["4,3"]}`)
	tv = tb.travelOf(tb.parties[0])
	if tv.Lost == nil || tb.partyKnown(tb.parties[0]) != knownBefore {
		t.Fatalf("wandering: %+v", tv)
	}
	if tv.Lost.At == truth && !atEdge(truth) {
		t.Fatalf("the true position stayed at %s", truth)
	}
	tb.check("wandering while lost")

	// Found: the token jumps to the truth, and the party sees from there.
	tb.refuse(`{"type":"travel:found","partyId":"$P1"}`, game.EConflict, "not lost")
	truth = tv.Lost.At
	frames = tb.do(`{"type":"travel:found","partyId":"$P0"}`)
	if m := moved(t, frames); *m.Key != truth || !slices.Contains(m.Explored, truth) {
		t.Fatalf("found at %s: %+v", truth, m)
	}
	if tv := tb.travelOf(tb.parties[0]); tv.Lost != nil {
		t.Fatalf("still lost: %+v", tv)
	}
	tb.check("found")
	if p := tb.dmPartyUndo(tb.parties[0]); p != 0 {
		t.Fatalf("being found left %d moves to undo", p)
	}

	// Rest, camp, advance.
	start := tb.travelOf(tb.parties[0]).Minutes
	tb.do(`{"type":"travel:rest","partyId":"$P0"}`)
	if got := tb.travelOf(tb.parties[0]).Minutes; got != start+240 {
		t.Fatalf("a rest: %d → %d", start, got)
	}
	tb.do(`{"type":"travel:camp","partyId":"$P0"}`)
	if got := tb.travelOf(tb.parties[0]); got.Minutes != 1440 || got.Clock.Day != 2 || got.Clock.WatchName != "Morning" {
		t.Fatalf("camping: %+v", got)
	}
	tb.do(`{"type":"travel:advance","partyId":"$P0","watches":2}`)
	if got := tb.travelOf(tb.parties[0]); got.Minutes != 1440+480 {
		t.Fatalf("advancing two watches: %+v", got)
	}
	tb.check("resting, camping and advancing")
	if got := tb.playerTravel("Ana"); !strings.Contains(got, `"day":2`) || !strings.Contains(got, `"watchName":"Afternoon"`) {
		t.Fatalf("Ana's clock after camping: %s", got)
	}

	// Weather: hidden from players, chosen, shown again.
	tb.do(`{"type":"weather:set","partyId":"$P0","shared":false}`)
	if got := tb.playerTravel("Ana"); !strings.Contains(got, `"weather":null`) {
		t.Fatalf("hidden weather reached Ana: %s", got)
	}
	tb.do(`{"type":"weather:set","partyId":"$P0","entry":4,"shared":true}`) // temperate spring: Fog
	if got := tb.playerTravel("Ana"); !strings.Contains(got, `"weather":{"name":"Fog"}`) {
		t.Fatalf("Ana's weather: %s", got)
	}
	tb.do(`{"type":"weather:roll","partyId":"$P0"}`)
	tb.check("the weather")
	tb.refuse(`{"type":"weather:set","partyId":"$P0","entry":99}`, game.EInvalid, "entries 1 to 6")

	// The scouts, far behind in time, rejoin: the later clock wins.
	tb.do(`{"type":"party:merge","partyId":"$P1","intoId":"$P0"}`)
	if got := tb.travelOf(tb.parties[0]); got.Minutes != 1440+480 {
		t.Fatalf("after the merge: %+v", got)
	}
	tb.check("the merge")

	for name, c := range tb.players {
		assertNoSecrets(t, name, c.received())
	}
}

func atEdge(key string) bool {
	k, _ := game.ParseKey(key)
	return k.Col == 0 || k.Row == 0 || k.Col == 7 || k.Row == 5
}

// partyKnown is a party's knowledge as the DM's state has it.
func (tb *table) partyKnown(partyID string) string {
	tb.t.Helper()
	var st struct{ PartyKnown map[string]string }
	if err := json.Unmarshal(tb.dmState(), &st); err != nil {
		tb.t.Fatal(err)
	}
	return st.PartyKnown[partyID]
}

func (tb *table) dmPartyUndo(partyID string) int {
	tb.t.Helper()
	var st struct{ Parties []dmPartyView }
	if err := json.Unmarshal(tb.dmState(), &st); err != nil {
		tb.t.Fatal(err)
	}
	for _, p := range st.Parties {
		if p.ID == partyID {
			return p.Undo
		}
	}
	return -1
}

// Bad travel input gets a clear error and changes nothing, not even the log.
func TestBadTravelInput(t *testing.T) {
	tb := newTable(t, "Ana")
	tb.do(paintLine())
	tb.do(`{"type":"session:start"}`)
	tb.do(`{"type":"party:place","partyId":"$P0","key":"3,1","reveal":true}`)
	bad := func(rules func(r *game.TravelRules)) string {
		r := game.DefaultTravelRules()
		rules(&r)
		return string(mustJSON(map[string]any{"type": "travel:rules", "rules": r}))
	}
	for _, tc := range []struct {
		line string
		code game.ErrorCode
		want string
	}{
		{`{"type":"travel:move","partyId":"$P0","path":["5,5"]}`, game.EInvalid, "path[0]: 5,5 is not next to 3,1"},
		{`{"type":"travel:move","partyId":"nobody","path":["3,2"]}`, game.ENotFound, "no party"},
		{`{"type":"travel:move","partyId":"$P0","path":["3,2","9,9"]}`, game.EInvalid, "off the"},
		{`{"type":"travel:found","partyId":"$P0"}`, game.EConflict, "not lost"},
		{`{"type":"travel:advance","partyId":"$P0","watches":0}`, game.EInvalid, "watches must be"},
		{`{"type":"travel:pace","partyId":"$P0","pace":"gallop"}`, game.EInvalid, "pace must be"},
		{`{"type":"weather:set","partyId":"$P0","shared":true}`, game.EConflict, "no weather yet"},
		{`{"type":"encounter:reroll","encounterId":"e1"}`, game.ENotFound, "no waiting encounter"},
		{`{"type":"travel:rules","rules":{"navigation":{"forest":"7 in 6"}}}`, game.EInvalid, "at most 6 in 6"},
		{`{"type":"travel:rules","rules":{"moons":2}}`, game.EInvalid, "moons"},
		{bad(func(r *game.TravelRules) { r.Encounters.Tables[game.Forest][0].Text = "2d0 wolves" }), game.EInvalid,
			`encounters: forest, entry 1 ("2d0 wolves"): "2d0" is not dice notation: a die has 2 to 100 sides`},
		{bad(func(r *game.TravelRules) {
			r.Encounters.Tables[game.Hills] = []game.EncounterEntry{{Text: "goats", Weight: 0}}
		}), game.EInvalid, "encounters: hills: the weights sum to zero"},
		{bad(func(r *game.TravelRules) { r.Calendar.Watches = r.Calendar.Watches[:5] }), game.EInvalid, "the watches last 20 hours in all"},
	} {
		tb.refuse(tc.line, tc.code, tc.want)
	}
	// Travel needs the session live.
	tb.do(`{"type":"session:pause"}`)
	tb.do(`{"type":"session:end"}`)
	tb.refuse(`{"type":"travel:camp","partyId":"$P0"}`, game.EConflict, "live session")
	tb.refuse(`{"type":"weather:roll","partyId":"$P0"}`, game.EConflict, "live session")
}

// The travel rules a DM saves survive a restart, and so do a party's clock and prompts: the
// room rebuilt from the database (as tb.check does) equals the one in memory.
func TestTravelRulesSaved(t *testing.T) {
	tb := newTable(t, "Ana")
	tb.do(paintLine())
	tb.do(`{"type":"session:start"}`)
	tb.do(`{"type":"party:place","partyId":"$P0","key":"3,1","reveal":true}`)
	frames := tb.do(travelRules(nil, map[string]string{"plains": "6 in 6"}))
	if !strings.Contains(string(frames[0]), `"type":"travel:rulesChanged"`) || !strings.Contains(string(frames[0]), `"plains":"6 in 6"`) {
		t.Fatalf("the DM heard %s", frames[0])
	}
	tb.do(`{"type":"travel:advance","partyId":"$P0","watches":1}`)
	if len(tb.prompts()) != 1 {
		t.Fatalf("prompts %+v", tb.prompts())
	}
	tb.check("rules, a clock and a prompt")
	rules, err := tb.th.store.TravelRules(context.Background(), tb.th.campaignID)
	if err != nil || rules == nil || rules.Encounters.Chance[game.Plains] != (game.Chance{In: 6, Of: 6}) {
		t.Fatalf("stored rules %+v, %v", rules, err)
	}
}

// Roads: painted with hex:update, shown to players on explored hexes only, and a party that
// follows one (road hex to road hex) spends open-ground time and cannot get lost.
func TestTravelRoads(t *testing.T) {
	tb := newTable(t, "Ana")
	tb.do(paintLine())
	// A road through the forest of row 1 (4,1 and 5,1) from the plains either side.
	tb.do(`{"type":"hex:update","changes":[{"key":"3,1","road":true},{"key":"4,1","road":true},{"key":"5,1","road":true},{"key":"6,1","road":true}]}`)
	tb.do(`{"type":"session:start"}`)
	tb.do(`{"type":"party:place","partyId":"$P0","key":"3,1","reveal":true}`)
	tb.check("a road, partly glimpsed")
	if p, _ := replayPlayer(tb.players["Ana"].received()); p.roads != "3,1;" {
		t.Fatalf("Ana sees roads %q; she explored only 3,1", p.roads)
	}
	tb.do(travelRules(map[string]string{"forest": "6 in 6", "plains": "6 in 6"}, nil))
	frames := tb.do(`{"type":"travel:move","partyId":"$P0","path":["4,1","5,1"]}`)
	for _, e := range happened(t, frames).Events {
		if e.Step != nil && (e.Step.Cost != game.CostRoad || e.Step.Navigation != nil || e.Step.Minutes != 120) {
			t.Fatalf("a road step: %+v", e.Step)
		}
	}
	if tv := tb.travelOf(tb.parties[0]); tv.Lost != nil || tv.Minutes != 240 {
		t.Fatalf("after following the road: %+v", tv)
	}
	tb.check("following the road")
	if p, _ := replayPlayer(tb.players["Ana"].received()); p.roads != "3,1;4,1;5,1;" {
		t.Fatalf("Ana's roads after walking them: %q", p.roads)
	}
	// Off the road, into the mountains: checked, and lost.
	tb.do(`{"type":"travel:move","partyId":"$P0","path":["5,2"]}`)
	if tv := tb.travelOf(tb.parties[0]); tv.Lost == nil {
		t.Fatalf("leaving the road: %+v", tv)
	}
	// Taking a road away.
	tb.do(`{"type":"hex:update","changes":[{"key":"4,1","road":false}]}`)
	tb.check("a road taken away")
	if p, _ := replayPlayer(tb.players["Ana"].received()); p.roads != "3,1;5,1;" {
		t.Fatalf("Ana's roads: %q", p.roads)
	}
}

// The travel log is the event log's travel events: GET …/events?type=travel: lists them alone.
func TestTravelLogFromEvents(t *testing.T) {
	tb := newTable(t, "Ana")
	tb.do(paintLine())
	tb.do(`{"type":"session:start"}`)
	tb.do(`{"type":"party:place","partyId":"$P0","key":"3,1","reveal":true}`)
	tb.do(`{"type":"travel:move","partyId":"$P0","path":["4,1"]}`)
	tb.do(`{"type":"travel:camp","partyId":"$P0"}`)
	var evs []struct {
		Seq     int64
		Type    string
		Payload struct {
			PartyID string
			Events  []game.TravelEvent
		}
	}
	tb.th.api("GET", "/api/campaigns/"+tb.th.campaignID+"/events?type=travel:", "", 200, &evs)
	var types []string
	for _, e := range evs {
		types = append(types, e.Type)
		if e.Payload.PartyID != tb.parties[0] || len(e.Payload.Events) == 0 {
			t.Fatalf("event %d: %+v", e.Seq, e.Payload)
		}
	}
	if !slices.Equal(types, []string{"travel:move", "travel:camp"}) {
		t.Fatalf("travel events %v", types)
	}
	// A campaign that never saved rules has the defaults: a check each watch.
	if !slices.ContainsFunc(evs[0].Payload.Events, func(e game.TravelEvent) bool { return e.Encounter != nil && e.Encounter.Reason == game.CheckWatch }) {
		t.Fatalf("no watch check with the default rules: %+v", evs[0].Payload.Events)
	}
}

// An answered encounter is in the travel log with when and where it was, so the log can tell
// the answer beside its check.
func TestTravelLogKeepsAnswers(t *testing.T) {
	tb := newTable(t, "Ana")
	tb.do(paintLine())
	tb.do(`{"type":"session:start"}`)
	tb.do(`{"type":"party:place","partyId":"$P0","key":"3,1","reveal":true}`)
	tb.do(travelRules(map[string]string{"forest": "0 in 6", "plains": "0 in 6"}, map[string]string{"forest": "6 in 6", "plains": "0 in 6"}))
	tb.do(`{"type":"travel:move","partyId":"$P0","path":["4,1"]}`)
	prompts := tb.prompts()
	if len(prompts) != 1 || prompts[0].Check.Result == nil {
		t.Fatalf("the watch's encounter: %+v", prompts)
	}
	tb.do(`{"type":"encounter:dismiss","encounterId":"` + prompts[0].ID + `"}`)

	var evs []struct {
		Type    string
		Payload struct {
			EncounterID string
			PartyID     string
			Answer      string
			Minutes     int
			Clock       game.ClockTime
			At          string
			Result      *game.EncounterResult
		}
	}
	tb.th.api("GET", "/api/campaigns/"+tb.th.campaignID+"/events?type=travel:encounter", "", 200, &evs)
	if len(evs) != 1 {
		t.Fatalf("answers in the log: %+v", evs)
	}
	p := evs[0].Payload
	want := prompts[0]
	if p.EncounterID != want.ID || p.PartyID != tb.parties[0] || p.Answer != "dismiss" || p.Minutes != want.Minutes ||
		p.Clock != want.Clock || p.At != "4,1" || p.Result == nil || p.Result.Summary != want.Check.Result.Summary {
		t.Fatalf("the logged answer %+v, the prompt %+v", p, want)
	}
	var raw []struct{ Payload json.RawMessage }
	tb.th.api("GET", "/api/campaigns/"+tb.th.campaignID+"/events?type=travel:encounter", "", 200, &raw)
	checkAPIExample(t, filepath.Join("..", "testdata", "protocol", "events", "travel-encounter.json"), encounterAnswerPayload{}, raw[0].Payload)
}

// Prompts the DM leaves waiting are bounded: past game.MaxWaitingEncounters the oldest is
// dismissed by the hub, logged as such, in the database as in memory.
func TestWaitingEncountersBounded(t *testing.T) {
	tb := newTable(t, "Ana")
	tb.do(paintLine())
	tb.do(`{"type":"session:start"}`)
	tb.do(`{"type":"party:place","partyId":"$P0","key":"3,1","reveal":true}`)
	tb.do(travelRules(nil, map[string]string{"plains": "6 in 6"}))
	var first []encounterPrompt
	for n := 0; n < game.MaxWaitingEncounters+2; n++ {
		tb.do(`{"type":"encounter:check","partyId":"$P0"}`)
		if n == 1 {
			first = tb.prompts()
		}
	}
	waiting := tb.prompts()
	if len(waiting) != game.MaxWaitingEncounters || waiting[0].ID == first[0].ID || waiting[0].ID == first[1].ID {
		t.Fatalf("%d prompts waiting, the oldest %s (the first two were %s, %s)", len(waiting), waiting[0].ID, first[0].ID, first[1].ID)
	}
	tb.check("the oldest prompts dismissed")
	var evs []struct {
		Payload struct {
			EncounterID string
			Answer      string
			Expired     bool
		}
	}
	tb.th.api("GET", "/api/campaigns/"+tb.th.campaignID+"/events?type=travel:encounter", "", 200, &evs)
	if len(evs) != 2 || evs[0].Payload.EncounterID != first[0].ID || evs[1].Payload.EncounterID != first[1].ID ||
		evs[0].Payload.Answer != "dismiss" || !evs[0].Payload.Expired {
		t.Fatalf("the log of the expired prompts: %+v", evs)
	}
}

// A party that travels more moves than undo keeps drops its oldest record, in the database as in
// memory (a travel move once deleted the record whose seq happened to be MaxUndoMoves instead).
func TestTravelUndoRecordsBounded(t *testing.T) {
	tb := newTable(t, "Ana")
	tb.do(paintLine())
	tb.do(`{"type":"session:start"}`)
	tb.do(`{"type":"party:place","partyId":"$P0","key":"3,1","reveal":true}`)
	tb.do(travelRules(map[string]string{"forest": "0 in 6", "plains": "0 in 6"}, map[string]string{"forest": "0 in 6", "plains": "0 in 6"}))
	for n := 0; n < game.MaxUndoMoves+5; n++ {
		to := "4,1"
		if n%2 == 1 {
			to = "3,1"
		}
		tb.do(`{"type":"travel:move","partyId":"$P0","path":["` + to + `"]}`)
		if n == game.MaxUndoMoves-2 || n == game.MaxUndoMoves+4 {
			tb.check(fmt.Sprintf("travel move %d", n+1))
		}
	}
	if got := tb.dmPartyUndo(tb.parties[0]); got != game.MaxUndoMoves {
		t.Fatalf("undo %d, want %d", got, game.MaxUndoMoves)
	}
}
