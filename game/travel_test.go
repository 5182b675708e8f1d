package game

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// travelMap builds a map from rows of terrain codes and, optionally, rows marking roads with '='.
func travelMap(t *testing.T, o Orientation, rows []string, roads ...string) TravelMap {
	t.Helper()
	m := TravelMap{Size: Size{Width: len(rows[0]), Height: len(rows)}, Orientation: o, Terrain: []byte(strings.Join(rows, ""))}
	if len(roads) > 0 {
		m.Roads = make([]bool, m.Size.Cells())
		for i, c := range strings.Join(roads, "") {
			m.Roads[i] = c == '='
		}
	}
	return m
}

func key(t *testing.T, s string) Key {
	t.Helper()
	k, err := ParseKey(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func keys(t *testing.T, ss ...string) []Key {
	out := make([]Key, len(ss))
	for i, s := range ss {
		out[i] = key(t, s)
	}
	return out
}

// quietRules are the defaults without navigation checks, encounter checks or changing weather,
// so a test sees only the part it is about.
func quietRules() TravelRules {
	r := DefaultTravelRules()
	for t := range r.Navigation {
		r.Navigation[t] = Chance{In: 0, Of: 6}
	}
	r.Encounters.Points = EncounterPoints{}
	fair := []WeatherEntry{{Name: "Fair", Weight: 1, Share: true}}
	r.Weather.Climate = "calm"
	r.Weather.Tables = map[string]map[Season][]WeatherEntry{"calm": {Spring: fair, Summer: fair, Autumn: fair, Winter: fair}}
	return r
}

func fair() *Weather { return &Weather{Name: "Fair", PaceFactor: 1, Shared: true} }

func kinds(events []TravelEvent) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = string(e.Kind)
		if e.Encounter != nil {
			out[i] += ":" + string(e.Encounter.Reason)
			if e.Encounter.Hit {
				out[i] += ":hit"
			}
		}
	}
	return out
}

func TestStepTime(t *testing.T) {
	custom := quietRules()
	custom.Time.Terrain = map[Terrain]PaceMinutes{Forest: {Slow: 300, Normal: 200, Fast: 150}}
	cases := []struct {
		name    string
		rules   TravelRules
		to      byte
		roads   string
		pace    Pace
		weather float64
		reveals bool
		minutes int
		cost    CostKind
	}{
		{"plains normal", quietRules(), 'p', "", Normal, 1, true, 120, CostTerrain},
		{"plains slow", quietRules(), 'p', "", Slow, 1, true, 180, CostTerrain},
		{"plains fast", quietRules(), 'p', "", Fast, 1, true, 90, CostTerrain},
		{"unpainted normal", quietRules(), '.', "", Normal, 1, true, 120, CostTerrain},
		{"desert normal", quietRules(), 'd', "", Normal, 1, true, 120, CostTerrain},
		{"settlement normal", quietRules(), 'v', "", Normal, 1, true, 120, CostTerrain},
		{"forest normal", quietRules(), 'f', "", Normal, 1, true, 240, CostTerrain},
		{"forest slow", quietRules(), 'f', "", Slow, 1, true, 360, CostTerrain},
		{"forest fast", quietRules(), 'f', "", Fast, 1, true, 180, CostTerrain},
		{"hills normal", quietRules(), 'h', "", Normal, 1, true, 240, CostTerrain},
		{"swamp normal", quietRules(), 's', "", Normal, 1, true, 240, CostTerrain},
		{"jungle normal", quietRules(), 'j', "", Normal, 1, true, 240, CostTerrain},
		{"water normal", quietRules(), 'w', "", Normal, 1, true, 240, CostTerrain},
		{"mountains normal", quietRules(), 'm', "", Normal, 1, true, 360, CostTerrain},
		{"mountains slow", quietRules(), 'm', "", Slow, 1, true, 540, CostTerrain},
		{"mountains fast", quietRules(), 'm', "", Fast, 1, true, 270, CostTerrain},
		{"forest road to road", quietRules(), 'f', "==", Normal, 1, true, 120, CostRoad},
		{"forest road to road, fast", quietRules(), 'f', "==", Fast, 1, true, 90, CostRoad},
		{"onto a road from off it", quietRules(), 'f', ".=", Normal, 1, true, 240, CostTerrain},
		{"off a road", quietRules(), 'f', "=.", Normal, 1, true, 240, CostTerrain},
		{"forest in half-pace weather", quietRules(), 'f', "", Normal, 0.5, true, 480, CostTerrain},
		{"plains in three-quarter-pace weather", quietRules(), 'p', "", Normal, 0.75, true, 160, CostTerrain},
		{"road in half-pace weather", quietRules(), 'f', "==", Normal, 0.5, true, 240, CostRoad},
		{"a move that reveals nothing", quietRules(), 'p', "", Normal, 1, false, 240, CostUnknown},
		{"a move that reveals nothing, on a road", quietRules(), 'p', "==", Normal, 1, false, 240, CostUnknown},
		{"the campaign's forest time", custom, 'f', "", Normal, 1, true, 200, CostTerrain},
		{"the campaign's forest time, slow", custom, 'f', "", Slow, 1, true, 300, CostTerrain},
		{"the campaign's rules leave hills at the default", custom, 'h', "", Normal, 1, true, 240, CostTerrain},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := tc.rules.MustCompile()
			var roads []string
			if tc.roads != "" {
				roads = []string{tc.roads}
			}
			m := travelMap(t, Flat, []string{"p" + string(tc.to)}, roads...)
			w := fair()
			w.PaceFactor = tc.weather
			st := PartyTravel{Minutes: 0, Pace: tc.pace, Weather: w}
			r := roll(t)
			out, err := tr.Move(m, st, key(t, "0,0"), keys(t, "1,0"), tc.reveals, r)
			if err != nil {
				t.Fatal(err)
			}
			r.done()
			var step *TravelStep
			for _, e := range out.Events {
				if e.Kind == StepEvent {
					step = e.Step
				}
			}
			if step == nil || step.Minutes != tc.minutes || step.Cost != tc.cost || out.State.Minutes != tc.minutes {
				t.Fatalf("step %+v, clock %d; want %d minutes charged as %s", step, out.State.Minutes, tc.minutes, tc.cost)
			}
			if out.Token != key(t, "1,0") || step.Reveal != tc.reveals {
				t.Fatalf("token %v, reveal %v", out.Token, step.Reveal)
			}
		})
	}
}

// A move through the forest with a check each watch and each hex: the checks come in the
// order the steps and watches happen, each with its roll and result.
func TestMoveClockAndChecks(t *testing.T) {
	rules := quietRules()
	rules.Encounters.Points = EncounterPoints{Watch: true, Hex: true}
	rules.Encounters.Chance = map[Terrain]Chance{Forest: {1, 6}}
	rules.Encounters.Tables = map[Terrain][]EncounterEntry{Forest: {{"2d4 wolves", 3}, {"a lone hermit", 1}}}
	tr := rules.MustCompile()
	m := travelMap(t, Flat, []string{"fffff", "fffff", "fffff"})
	st := PartyTravel{Pace: Normal, Weather: fair()}
	// step 1 (to 240): watch check 6 misses; hex check 1 hits, pick 4: the hermit.
	// step 2 (to 480): watch check 1 hits, pick 2: wolves, 3+4 of them; hex check 5 misses.
	r := roll(t, 6, 1, 4, 1, 2, 3, 4, 5)
	out, err := tr.Move(m, st, key(t, "0,1"), keys(t, "1,1", "2,1"), true, r)
	if err != nil {
		t.Fatal(err)
	}
	r.done()
	want := []string{"watch", "encounter:watch", "step", "encounter:hex:hit", "watch", "encounter:watch:hit", "step", "encounter:hex"}
	if got := kinds(out.Events); !slices.Equal(got, want) {
		t.Fatalf("events %v\nwant %v", got, want)
	}
	hits := out.Hits()
	if len(hits) != 2 || hits[0].Result.Summary != "a lone hermit" || hits[1].Result.Summary != "7 wolves" {
		t.Fatalf("hits %+v", hits)
	}
	// The watch began during the second step: checked where that step ends.
	if hits[1].At != "2,1" || hits[1].Terrain != Forest || hits[1].Roll.Total != 1 || hits[1].Result.Count.Dice != "2d4" {
		t.Fatalf("the watch check: %+v", hits[1])
	}
	if out.State.Minutes != 480 || tr.Calendar().At(out.State.Minutes).WatchName != "Afternoon" {
		t.Fatalf("clock %d", out.State.Minutes)
	}
	if w := out.Events[0].Clock; w.WatchName != "Midday" || w.Day != 1 || out.Events[0].Minutes != 240 {
		t.Fatalf("first watch event %+v", out.Events[0])
	}
}

func TestRestCampAdvance(t *testing.T) {
	uneven := quietRules()
	uneven.Calendar = Calendar{Watches: []Watch{{"A", 2}, {"B", 10}, {"C", 12}}}
	cases := []struct {
		name    string
		rules   TravelRules
		action  string
		n       int
		from    int
		to      int
		watches int
	}{
		{"rest at the start of a watch", quietRules(), "rest", 0, 0, 240, 1},
		{"rest mid-watch", quietRules(), "rest", 0, 100, 340, 1},
		{"rest in a long watch", uneven, "rest", 0, 130, 730, 1},
		{"camp at dawn lasts a day", quietRules(), "camp", 0, 0, 1440, 6},
		{"camp in the afternoon", quietRules(), "camp", 0, 600, 1440, 4},
		{"camp in the small hours", quietRules(), "camp", 0, 1300, 1440, 1},
		{"camp on day 2", quietRules(), "camp", 0, 1440 + 500, 2880, 4},
		{"advance to the next watch", quietRules(), "advance", 1, 100, 240, 1},
		{"advance a day", quietRules(), "advance", 6, 0, 1440, 6},
		{"advance three watches mid-watch", quietRules(), "advance", 3, 250, 960, 3},
		{"advance in an uneven day", uneven, "advance", 2, 0, 720, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := tc.rules.MustCompile()
			m := travelMap(t, Flat, []string{"pp"})
			st := PartyTravel{Minutes: tc.from, Pace: Normal, Weather: fair()}
			var out TravelOutcome
			var err error
			r := NewSeededRandom(1)
			switch tc.action {
			case "rest":
				out, err = tr.Rest(m, st, key(t, "0,0"), r)
			case "camp":
				out, err = tr.Camp(m, st, key(t, "0,0"), r)
			default:
				out, err = tr.Advance(m, st, key(t, "0,0"), tc.n, r)
			}
			if err != nil {
				t.Fatal(err)
			}
			last := out.Events[len(out.Events)-1]
			if out.State.Minutes != tc.to || last.Spent != tc.to-tc.from || string(last.Kind) != tc.action {
				t.Fatalf("clock %d (last event %+v), want %d", out.State.Minutes, last, tc.to)
			}
			n := 0
			for _, e := range out.Events {
				if e.Kind == WatchEvent {
					n++
				}
			}
			if n != tc.watches {
				t.Fatalf("%d watches began, want %d", n, tc.watches)
			}
		})
	}
	tr := quietRules().MustCompile()
	m := travelMap(t, Flat, []string{"pp"})
	for _, n := range []int{0, -1, MaxAdvanceWatches + 1} {
		if _, err := tr.Advance(m, NewPartyTravel(), key(t, "0,0"), n, roll(t)); CodeOf(err) != EInvalid {
			t.Fatalf("advance %d: %v", n, err)
		}
	}
	if _, err := tr.Advance(m, PartyTravel{Minutes: MaxClockMinutes - 10, Weather: fair()}, key(t, "0,0"), 2, roll(t)); CodeOf(err) != EInvalid {
		t.Fatalf("past the end of time: %v", err)
	}
}

// Camping with checks on rest and each watch: one rest check first, then one per watch.
func TestCampChecks(t *testing.T) {
	rules := quietRules()
	rules.Encounters.Points = EncounterPoints{Watch: true, Rest: true}
	rules.Encounters.Chance = map[Terrain]Chance{Plains: {1, 6}}
	tr := rules.MustCompile()
	m := travelMap(t, Flat, []string{"pp"})
	r := roll(t, 2, 3, 4, 5, 1, 6) // the 1 is the new day's weather, on the quiet 1-entry table
	out, err := tr.Camp(m, PartyTravel{Minutes: 600, Pace: Normal, Weather: fair()}, key(t, "1,0"), r)
	if err != nil {
		t.Fatal(err)
	}
	r.done()
	want := []string{"encounter:rest", "watch", "encounter:watch", "watch", "encounter:watch", "watch", "encounter:watch", "watch", "weather", "encounter:watch", "camp"}
	if got := kinds(out.Events); !slices.Equal(got, want) {
		t.Fatalf("events %v\nwant %v", got, want)
	}
}

func TestWeatherEvery(t *testing.T) {
	cases := []struct {
		every    WeatherEvery
		from, n  int
		weathers int
	}{
		{WeatherDaily, 0, 5, 0},
		{WeatherDaily, 0, 6, 1},
		{WeatherDaily, 1000, 13, 2},
		{WeatherPerWatch, 0, 2, 2},
		{WeatherPerWatch, 100, 6, 6},
	}
	for _, tc := range cases {
		rules := quietRules()
		rules.Weather.Every = tc.every
		tr := rules.MustCompile()
		m := travelMap(t, Flat, []string{"pp"})
		out, err := tr.Advance(m, PartyTravel{Minutes: tc.from, Pace: Normal, Weather: fair()}, key(t, "0,0"), tc.n, NewSeededRandom(3))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range out.Events {
			if e.Kind == WeatherEvent {
				n++
				if e.Minutes%(4*60) != 0 || (tc.every == WeatherDaily && !IsDayStart(e.Minutes)) {
					t.Fatalf("weather rolled at %d", e.Minutes)
				}
			}
		}
		if n != tc.weathers {
			t.Fatalf("every %s, %d watches from %d: %d rolls, want %d", tc.every, tc.n, tc.from, n, tc.weathers)
		}
	}
	// A party that never had weather gets it rolled before its first action.
	tr := quietRules().MustCompile()
	out, err := tr.Rest(travelMap(t, Flat, []string{"pp"}), NewPartyTravel(), key(t, "0,0"), NewSeededRandom(3))
	if err != nil {
		t.Fatal(err)
	}
	if out.Events[0].Kind != WeatherEvent || out.Events[0].Minutes != 0 || out.State.Weather == nil || out.State.Weather.Name != "Fair" {
		t.Fatalf("events %v, weather %+v", kinds(out.Events), out.State.Weather)
	}
}

func TestWeatherRoll(t *testing.T) {
	rules := DefaultWeatherRules() // temperate spring: 5 clear, 4 overcast, 4 light rain, 2 heavy rain, 2 fog, 1 storm
	cases := []struct {
		face    int
		name    string
		penalty int
		pace    float64
	}{
		{1, "Clear", 0, 1}, {5, "Clear", 0, 1}, {6, "Overcast", 0, 1}, {14, "Heavy rain", 1, 0.75},
		{16, "Fog", 1, 1}, {17, "Fog", 1, 1}, {18, "Thunderstorm", 1, 0.75},
	}
	for _, tc := range cases {
		r := roll(t, tc.face)
		w := rules.Roll(r, 90)
		r.done()
		if w.Name != tc.name || w.SightPenalty != tc.penalty || w.PaceFactor != tc.pace || !w.Shared ||
			w.Minutes != 90 || w.Climate != "temperate" || w.Season != Spring || w.Roll == nil || w.Roll.Dice != "1d18" || w.Roll.Total != tc.face {
			t.Fatalf("face %d: %+v", tc.face, w)
		}
	}
	// Bad weather shrinks the sight of a step taken in it.
	tr := quietRules().MustCompile()
	fog := &Weather{Name: "Fog", SightPenalty: 2, PaceFactor: 1}
	out, err := tr.Move(travelMap(t, Flat, []string{"pp"}), PartyTravel{Pace: Normal, Weather: fog}, key(t, "0,0"), keys(t, "1,0"), true, roll(t))
	if err != nil {
		t.Fatal(err)
	}
	if s := out.Events[0].Step; s == nil || s.SightPenalty != 2 {
		t.Fatalf("%+v", out.Events)
	}
	// The DM chooses instead of rolling.
	w, err := rules.Choose(4, 10)
	if err != nil || w.Name != "Fog" || w.Roll != nil {
		t.Fatal(w, err)
	}
	if _, err := rules.Choose(6, 10); CodeOf(err) != EInvalid {
		t.Fatal(err)
	}
}

// The getting-lost rule: a failed navigation check puts the party on the neighbour of the
// intended hex that 1d6 picks (CubeDirections order), or on the intended hex when that
// neighbour is off the map; players keep seeing the intended hex.
func TestGettingLost(t *testing.T) {
	rules := quietRules()
	rules.Navigation = map[Terrain]Chance{Forest: {1, 2}}
	tr := rules.MustCompile()
	m := travelMap(t, Flat, []string{"fffffff", "fffffff", "fffffff", "fffffff", "fffffff", "fffffff", "fffffff"})
	cases := []struct {
		from, to string
		veer     int
		true     string
	}{
		// From 3,3 north to 3,2 (an odd column of a flat map).
		{"3,3", "3,2", 1, "4,3"}, // lower right
		{"3,3", "3,2", 2, "4,2"}, // upper right
		{"3,3", "3,2", 3, "3,1"}, // straight on
		{"3,3", "3,2", 4, "2,2"}, // upper left
		{"3,3", "3,2", 5, "2,3"}, // lower left
		{"3,3", "3,2", 6, "3,3"}, // back where they started: a circle in the woods
		// From 3,1 north to 3,0, the top edge: the neighbour above is off the map.
		{"3,1", "3,0", 3, "3,0"},
		{"3,1", "3,0", 2, "4,0"},
		{"3,1", "3,0", 4, "2,0"},
	}
	for _, tc := range cases {
		r := roll(t, 1, tc.veer)
		out, err := tr.Move(m, PartyTravel{Pace: Normal, Weather: fair()}, key(t, tc.from), keys(t, tc.to), true, r)
		if err != nil {
			t.Fatal(err)
		}
		r.done()
		s := out.Events[len(out.Events)-1].Step
		if s == nil || s.Navigation == nil || !s.Navigation.Lost || s.Navigation.Veer.Total != tc.veer || s.Navigation.Terrain != Forest {
			t.Fatalf("%s→%s veer %d: %+v", tc.from, tc.to, tc.veer, s)
		}
		if out.Token != key(t, tc.to) || out.State.Lost == nil || out.State.Lost.At != tc.true || s.True != tc.true {
			t.Fatalf("%s→%s veer %d: token %v, lost %+v; want true %s", tc.from, tc.to, tc.veer, out.Token, out.State.Lost, tc.true)
		}
		if s.Reveal || !s.Lost || s.Cost != CostUnknown || s.Minutes != 240 {
			t.Fatalf("a step that got lost revealed or was charged its terrain: %+v", s)
		}
	}
	// A check that succeeds: 2 on 1 in 2.
	r := roll(t, 2)
	out, err := tr.Move(m, PartyTravel{Pace: Normal, Weather: fair()}, key(t, "3,3"), keys(t, "3,2"), true, r)
	r.done()
	last := out.Events[len(out.Events)-1].Step
	if err != nil || out.State.Lost != nil || last.Navigation.Lost || !last.Reveal || last.Cost != CostTerrain {
		t.Fatalf("%+v %v", out, err)
	}
}

func TestLostSteps(t *testing.T) {
	rules := quietRules()
	rules.Navigation = map[Terrain]Chance{Forest: {2, 2}} // every check fails: none may be rolled while lost
	tr := rules.MustCompile()
	m := travelMap(t, Flat, []string{"fffffff", "fffffff", "fffffff", "fffffff", "fffffff", "fffffff", "fffffff"})
	cases := []struct {
		name      string
		token     string
		lostAt    string
		path      []string
		wantToken string
		wantTrue  []string
	}{
		{"north, twice", "3,2", "4,3", []string{"3,1", "3,0"}, "3,0", []string{"4,2", "4,1"}},
		{"a turn", "3,2", "4,3", []string{"4,2", "5,2"}, "5,2", []string{"5,2", "6,3"}},
		{"the true position stops at the edge", "3,3", "0,3", []string{"2,3", "2,2"}, "2,2", []string{"0,3", "0,2"}},
		{"the true position stops at the bottom", "3,3", "3,6", []string{"3,4", "3,5"}, "3,5", []string{"3,6", "3,6"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := PartyTravel{Pace: Normal, Weather: fair(), Lost: &Lost{At: tc.lostAt, Since: 0}}
			r := roll(t)
			out, err := tr.Move(m, st, key(t, tc.token), keys(t, tc.path...), true, r)
			if err != nil {
				t.Fatal(err)
			}
			r.done()
			var trues []string
			for _, e := range out.Events {
				if e.Step != nil {
					trues = append(trues, e.Step.True)
					if e.Step.Reveal || e.Step.Navigation != nil || e.Step.Cost != CostUnknown {
						t.Fatalf("a lost step revealed, checked or was charged its terrain: %+v", e.Step)
					}
				}
			}
			if out.Token != key(t, tc.wantToken) || !slices.Equal(trues, tc.wantTrue) || out.State.Lost.At != tc.wantTrue[len(tc.wantTrue)-1] {
				t.Fatalf("token %v, true %v; want %s, %v", out.Token, trues, tc.wantToken, tc.wantTrue)
			}
			// The DM's original state is untouched: outcomes are new values.
			if st.Lost.At != tc.lostAt {
				t.Fatalf("the input state changed: %+v", st.Lost)
			}
		})
	}
	// Found: the token jumps to the truth.
	st := PartyTravel{Minutes: 300, Pace: Normal, Weather: fair(), Lost: &Lost{At: "4,2"}}
	out, err := tr.Found(m, st, key(t, "3,1"))
	if err != nil || out.Token != key(t, "4,2") || out.State.Lost != nil || out.Events[0].Kind != FoundEvent || out.Events[0].At != "4,2" || out.State.Minutes != 300 {
		t.Fatalf("%+v %v", out, err)
	}
	if _, err := tr.Found(m, out.State, out.Token); CodeOf(err) != EConflict {
		t.Fatalf("found twice: %v", err)
	}
}

func TestRoadsNeedNoNavigation(t *testing.T) {
	rules := quietRules()
	rules.Navigation = map[Terrain]Chance{Forest: {2, 2}, Plains: {2, 2}}
	tr := rules.MustCompile()
	m := travelMap(t, Flat, []string{"ffff"}, "===.")
	r := roll(t, 2, 4) // only the last step, off the road, is checked: lost, veer 4 (back to 2,0)
	out, err := tr.Move(m, PartyTravel{Pace: Normal, Weather: fair()}, key(t, "0,0"), keys(t, "1,0", "2,0", "3,0"), true, r)
	if err != nil {
		t.Fatal(err)
	}
	r.done()
	var checks, roads int
	for _, e := range out.Events {
		if e.Step != nil {
			if e.Step.Navigation != nil {
				checks++
			}
			if e.Step.Road {
				roads++
			}
		}
	}
	if checks != 1 || roads != 2 || out.State.Lost == nil || out.State.Lost.At != "2,0" || out.State.Minutes != 120+120+240 {
		t.Fatalf("checks %d, road steps %d, lost %+v, clock %d", checks, roads, out.State.Lost, out.State.Minutes)
	}
}

func TestMoveErrors(t *testing.T) {
	tr := quietRules().MustCompile()
	m := travelMap(t, Pointy, []string{"ppp", "ppp", "ppp"})
	long := make([]Key, MaxTravelPath+1)
	cases := []struct {
		name  string
		token Key
		path  []Key
		why   string
	}{
		{"no steps", Key{1, 1}, nil, "a move has 1 to 100 steps"},
		{"too many steps", Key{1, 1}, long, "a move has 1 to 100 steps"},
		{"not adjacent", Key{1, 1}, []Key{{1, 0}, {0, 2}}, "step 2: 0,2 is not next to 1,0"},
		{"a jump", Key{0, 0}, []Key{{2, 2}}, "step 1: 2,2 is not next to 0,0"},
		{"off the map", Key{2, 1}, []Key{{3, 1}}, "step 1: 3,1 is off the map"},
		{"standing still", Key{1, 1}, []Key{{1, 1}}, "not next to"},
		{"token off the map", Key{5, 5}, []Key{{2, 2}}, "not next to"},
	}
	for _, tc := range cases {
		r := roll(t)
		_, err := tr.Move(m, PartyTravel{Pace: Normal}, tc.token, tc.path, true, r)
		if err == nil || CodeOf(err) != EInvalid || !strings.Contains(err.Error(), tc.why) {
			t.Fatalf("%s: %v, want %q", tc.name, err, tc.why)
		}
		r.done() // nothing rolled for a bad move
	}
}

func TestEncounterEntries(t *testing.T) {
	rules := EncounterRules{Tables: map[Terrain][]EncounterEntry{
		Unpainted: {{"1d4 travellers", 1}},
		Forest:    {{"2d4 wolves", 3}, {"a lone hermit", 1}, {"a patrol of 1d4+2 riders", 2}, {"3 goblins", 0}},
		Hills:     {},
	}}
	cases := []struct {
		terrain Terrain
		faces   []int
		owner   Terrain
		entry   int
		summary string
	}{
		{Forest, []int{1, 2, 2}, Forest, 0, "4 wolves"},
		{Forest, []int{4}, Forest, 1, "a lone hermit"},
		{Forest, []int{6, 4}, Forest, 2, "a patrol of 6 riders"},
		{Hills, []int{1, 3}, Unpainted, 0, "3 travellers"}, // an empty table: the unpainted one's
		{Swamp, []int{1, 1}, Unpainted, 0, "1 travellers"}, // no table at all: the unpainted one's
	}
	for _, tc := range cases {
		r := roll(t, tc.faces...)
		res := rules.RollEncounter(r, tc.terrain)
		r.done()
		if res.Terrain != tc.owner || res.Entry != tc.entry || res.Summary != tc.summary || res.Pick == nil {
			t.Fatalf("%s %v: %+v", tc.terrain, tc.faces, res)
		}
	}
	none := EncounterRules{Tables: map[Terrain][]EncounterEntry{}}
	if res := none.RollEncounter(roll(t), Forest); res.Entry != -1 || res.Summary != "an encounter (no table for forest)" {
		t.Fatalf("%+v", res)
	}
	// A "0 in N" chance rolls nothing and never hits.
	c := rules.check(roll(t), CheckManual, Key{1, 1}, Forest, Chance{0, 6})
	if c.Hit || c.Roll != nil {
		t.Fatalf("%+v", c)
	}
}

func TestTravelRulesValidate(t *testing.T) {
	if err := DefaultTravelRules().Validate(); err != nil {
		t.Fatal(err)
	}
	if err := (TravelRules{}).Validate(); err != nil {
		t.Fatalf("rules never saved are the defaults: %v", err)
	}
	if got := (TravelRules{}).With(); !reflect.DeepEqual(got, DefaultTravelRules()) {
		t.Fatalf("rules never saved are not the defaults:\n%+v", got)
	}
	pace := func(f float64) *float64 { return &f }
	cases := []struct {
		name   string
		change func(r *TravelRules)
		why    string
	}{
		{"bad dice", func(r *TravelRules) { r.Encounters.Tables[Forest][0].Text = "2d0 wolves" },
			`encounters: forest, entry 1 ("2d0 wolves"): "2d0" is not dice notation: a die has 2 to 100 sides`},
		{"too many dice", func(r *TravelRules) { r.Encounters.Tables[Hills][2].Text = "101d6 goats" },
			`encounters: hills, entry 3 ("101d6 goats"): "101d6" is not dice notation: roll 1 to 100 dice`},
		{"dice with nothing met", func(r *TravelRules) { r.Encounters.Tables[Forest][1].Text = "1d6+1" },
			`encounters: forest, entry 2 ("1d6+1"): say what is met besides the dice`},
		{"two dice", func(r *TravelRules) { r.Encounters.Tables[Forest][1].Text = "1d6 orcs and 1d4 wolves" },
			"roll one set of dice per entry"},
		{"encounter weights summing to zero", func(r *TravelRules) {
			r.Encounters.Tables[Swamp] = []EncounterEntry{{"1d6 frogs", 0}, {"a bog", 0}}
		}, "encounters: swamp: the weights sum to zero"},
		{"negative weight", func(r *TravelRules) { r.Encounters.Tables[Forest][0].Weight = -1 },
			`encounters: forest, entry 1 ("2d4 wolves"): weight must be 0 to 1000`},
		{"empty entry", func(r *TravelRules) { r.Encounters.Tables[Forest][0].Text = "" }, "the text has 1 to 80 characters"},
		{"encounter table for an unknown terrain", func(r *TravelRules) { r.Encounters.Tables["lava"] = nil }, `encounters: unknown terrain "lava"`},
		{"chance for an unknown terrain", func(r *TravelRules) { r.Encounters.Chance["lava"] = Chance{1, 6} }, `encounters: unknown terrain "lava"`},
		{"weather weights summing to zero", func(r *TravelRules) {
			for i := range r.Weather.Tables["temperate"][Winter] {
				r.Weather.Tables["temperate"][Winter][i].Weight = 0
			}
		}, "weather: temperate, winter: the weights sum to zero"},
		{"weather penalty", func(r *TravelRules) { r.Weather.Tables["arid"][Summer][4].SightPenalty = 13 },
			`weather: arid, summer: entry 5 ("Sandstorm"): sight penalty must be 0 to 12 hexes`},
		{"weather pace", func(r *TravelRules) { r.Weather.Tables["cold"][Winter][0].PaceFactor = pace(0) },
			`weather: cold, winter: entry 1 ("Bitter cold"): pace factor must be 0.1 to 2`},
		{"weather without a name", func(r *TravelRules) { r.Weather.Tables["cold"][Winter][0].Name = "" },
			"weather: cold, winter: entry 1 needs a name"},
		{"a missing season", func(r *TravelRules) { delete(r.Weather.Tables["tropical"], Autumn) }, "weather: tropical has no table for autumn"},
		{"an unknown season", func(r *TravelRules) { r.Weather.Tables["tropical"]["monsoon"] = nil }, `weather: tropical: unknown season "monsoon"`},
		{"the climate in use has no tables", func(r *TravelRules) { r.Weather.Climate = "volcanic" }, `the climate in use, "volcanic", has no tables`},
		{"the season in use", func(r *TravelRules) { r.Weather.Season = "monsoon" }, "the season in use is spring, summer, autumn or winter"},
		{"weather every hour", func(r *TravelRules) { r.Weather.Every = "hour" }, `"every" is "day" or "watch"`},
		{"a calendar of 23 hours", func(r *TravelRules) { r.Calendar.Watches[0].Hours = 3 }, "the watches last 23 hours"},
		{"a step of no time", func(r *TravelRules) { r.Time.Terrain[Hills] = PaceMinutes{Slow: 1, Normal: 0, Fast: 1} },
			"travel time: hills: minutes per hex must be 1 to 4320"},
		{"a road of no time", func(r *TravelRules) { r.Time.Road.Fast = -5 }, "travel time: road: minutes per hex"},
		{"time for an unknown terrain", func(r *TravelRules) { r.Time.Terrain["lava"] = PaceMinutes{1, 1, 1} }, `travel time: unknown terrain "lava"`},
		{"navigation for an unknown terrain", func(r *TravelRules) { r.Navigation["lava"] = Chance{1, 6} }, `navigation: unknown terrain "lava"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := DefaultTravelRules()
			tc.change(&r)
			err := r.Validate()
			if err == nil || CodeOf(err) != EInvalid || !strings.Contains(err.Error(), tc.why) {
				t.Fatalf("got %v\nwant an invalid error saying %q", err, tc.why)
			}
			if _, err := r.Compile(); err == nil {
				t.Fatal("bad rules compiled")
			}
		})
	}
}

// Rules saved with only some terrains keep the defaults for the others; an empty encounter
// table stays empty (that terrain uses the unpainted table).
func TestTravelRulesWith(t *testing.T) {
	var r TravelRules
	if err := json.Unmarshal([]byte(`{"time":{"terrain":{"forest":{"slow":1,"normal":2,"fast":3}}},
		"navigation":{"hills":"5 in 6"},"encounters":{"points":{"hex":true},"tables":{"forest":[]}}}`), &r); err != nil {
		t.Fatal(err)
	}
	w := r.With()
	d := DefaultTravelRules()
	if w.Time.Terrain[Forest] != (PaceMinutes{1, 2, 3}) || w.Time.Terrain[Hills] != d.Time.Terrain[Hills] {
		t.Fatalf("time %+v", w.Time.Terrain)
	}
	if w.Navigation[Hills] != (Chance{5, 6}) || w.Navigation[Forest] != d.Navigation[Forest] {
		t.Fatalf("navigation %+v", w.Navigation)
	}
	if !w.Encounters.Points.Hex || w.Encounters.Points.Watch || len(w.Encounters.Tables[Forest]) != 0 || len(w.Encounters.Tables[Hills]) == 0 {
		t.Fatalf("encounters %+v", w.Encounters)
	}
	if !reflect.DeepEqual(w.Calendar, d.Calendar) || !reflect.DeepEqual(w.Weather, d.Weather) || w.Time.Road != d.Time.Road {
		t.Fatal("the calendar, weather and road time are not the defaults")
	}
}

// testdata/travel/defaults.json is the default rules for the front end's editors; it must be
// exactly what DefaultTravelRules marshals to. UPDATE_TRAVEL_DEFAULTS=1 rewrites it.
func TestTravelDefaultsFile(t *testing.T) {
	const path = "../testdata/travel/defaults.json"
	want, err := json.MarshalIndent(DefaultTravelRules(), "", " ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	if os.Getenv("UPDATE_TRAVEL_DEFAULTS") == "1" {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from DefaultTravelRules(); run UPDATE_TRAVEL_DEFAULTS=1 go test ./game/ -run TravelDefaultsFile", path)
	}
	var back TravelRules
	dec := json.NewDecoder(bytes.NewReader(got))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, DefaultTravelRules()) {
		t.Fatal("the defaults do not survive a JSON round trip")
	}
}

func TestMergeTravel(t *testing.T) {
	early := PartyTravel{Minutes: 100, Pace: Slow, Weather: &Weather{Name: "Fog"}}
	late := PartyTravel{Minutes: 900, Pace: Fast, Weather: &Weather{Name: "Rain"}, Lost: &Lost{At: "1,1"}}
	got := MergeTravel(early, late)
	if got.Minutes != 900 || got.Weather.Name != "Rain" || got.Pace != Slow || got.Lost != nil {
		t.Fatalf("%+v", got)
	}
	got = MergeTravel(late, early)
	if got.Minutes != 900 || got.Weather.Name != "Rain" || got.Pace != Fast || got.Lost == nil {
		t.Fatalf("%+v", got)
	}
}

// BenchmarkTravelStep is the travel rules' own work for one step of a move on a 200×200 map
// with every check on (navigation, each hex, each watch): the part a travel move adds to a
// party move. docs/benchmarks.md has the numbers.
func BenchmarkTravelStep(b *testing.B) {
	rules := DefaultTravelRules()
	rules.Encounters.Points = EncounterPoints{Watch: true, Hex: true, Rest: true}
	tr := rules.MustCompile()
	size := Size{Width: 200, Height: 200}
	terrain := make([]byte, size.Cells())
	codes := []byte("pfhmsdwctjvr.")
	for i := range terrain {
		terrain[i] = codes[(i*7+i/200)%len(codes)]
	}
	m := TravelMap{Size: size, Orientation: Flat, Terrain: terrain}
	r := NewSeededRandom(1)
	from, to := Key{Col: 100, Row: 100}, Key{Col: 101, Row: 100}
	st := PartyTravel{Pace: Normal, Weather: &Weather{Name: "Fair", PaceFactor: 1}}
	path := []Key{to}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tr.Move(m, st, from, path, true, r); err != nil {
			b.Fatal(err)
		}
	}
}

// testdata/travel/log-example.json is a short journey as the hub logs it (the entries the
// front end's travel log reads): two moves through forest into hills, the second getting lost,
// a camp, and the party found. The front end parses it with its zod schemas and builds its log
// from it, so the two sides cannot drift apart. UPDATE_TRAVEL_DEFAULTS=1 rewrites it.
func TestTravelLogExample(t *testing.T) {
	const path = "../testdata/travel/log-example.json"
	rules := DefaultTravelRules()
	rules.Navigation = map[Terrain]Chance{Forest: {1, 2}, Hills: {0, 6}}
	rules.Encounters.Chance = map[Terrain]Chance{Forest: {1, 6}, Hills: {1, 6}}
	rules.Encounters.Tables = map[Terrain][]EncounterEntry{Forest: {{"1d4+2 wolves", 1}}, Hills: {{"a lone hermit", 1}}}
	tr := rules.MustCompile()
	m := travelMap(t, Flat, []string{"ffhh", "ffhh", "ffhh"})
	type entry struct {
		Seq      int           `json:"seq"`
		PartyID  string        `json:"partyId"`
		Action   string        `json:"action"`
		Events   []TravelEvent `json:"events"`
		Explored []string      `json:"explored,omitempty"`
		Glimpsed []string      `json:"glimpsed,omitempty"`
	}
	var entries []entry
	const party = "5d1f0c2e-0000-4000-8000-000000000001"
	st, token := NewPartyTravel(), key(t, "0,1")
	do := func(action string, faces []int, f func(r Roller) (TravelOutcome, error), explored, glimpsed []string) {
		t.Helper()
		r := roll(t, faces...)
		out, err := f(r)
		if err != nil {
			t.Fatal(err)
		}
		r.done()
		st, token = out.State, out.Token
		entries = append(entries, entry{Seq: 10 + len(entries), PartyID: party, Action: action, Events: out.Events, Explored: explored, Glimpsed: glimpsed})
	}
	// Fog (16 on 1d18); on course (2 on 1d2); Midday's check finds 3+2 wolves.
	do("move", []int{16, 2, 1, 1, 3}, func(r Roller) (TravelOutcome, error) {
		return tr.Move(m, st, token, keys(t, "1,1"), true, r)
	}, []string{"1,1"}, nil)
	// Lost (1 on 1d2), veering straight on (3 on 1d6) to 2,0; Afternoon's check finds nothing.
	do("move", []int{1, 3, 5}, func(r Roller) (TravelOutcome, error) {
		return tr.Move(m, st, token, keys(t, "2,1"), true, r)
	}, nil, nil)
	// Camp: three watches' checks, then day 2's weather (Clear) and its check.
	do("camp", []int{2, 3, 4, 1, 6}, func(r Roller) (TravelOutcome, error) { return tr.Camp(m, st, token, r) }, nil, nil)
	do("found", nil, func(Roller) (TravelOutcome, error) { return tr.Found(m, st, token) }, []string{"2,0"}, []string{"3,0", "3,1"})
	if token != key(t, "2,0") || st.Lost != nil || st.Minutes != 1440 {
		t.Fatalf("the journey ended at %v, %+v", token, st)
	}
	want, err := json.MarshalIndent(struct {
		About   string  `json:"about"`
		Entries []entry `json:"entries"`
	}{"A short journey as the travel log reads it (docs/travel.md); written by game/travel_test.go TestTravelLogExample, read by frontend/src/dm/travelLog.test.ts.", entries}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	if os.Getenv("UPDATE_TRAVEL_DEFAULTS") == "1" {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the journey; run UPDATE_TRAVEL_DEFAULTS=1 go test ./game/ -run TravelLogExample", path)
	}
}
