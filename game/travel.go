package game

import (
	"fmt"
	"maps"
	"math"
	"slices"
)

// The travel turn (docs/travel.md): a party's clock, what its moves cost by terrain and pace,
// navigation checks and getting lost, encounter checks, weather; camp, rest and advancing
// time. Everything here is pure: the state goes in, the outcome comes out with every roll as
// data, and the hub persists and broadcasts it.

// Pace is how fast a party travels.
type Pace string

const (
	Slow   Pace = "slow"
	Normal Pace = "normal"
	Fast   Pace = "fast"
)

// Paces lists the paces from slowest.
var Paces = []Pace{Slow, Normal, Fast}

// Valid reports whether p is one of Paces.
func (p Pace) Valid() bool { return slices.Contains(Paces, p) }

// PaceMinutes is how long one hex takes at each pace.
type PaceMinutes struct {
	Slow   int `json:"slow"`
	Normal int `json:"normal"`
	Fast   int `json:"fast"`
}

// At is the minutes for pace p.
func (m PaceMinutes) At(p Pace) int {
	switch p {
	case Slow:
		return m.Slow
	case Fast:
		return m.Fast
	}
	return m.Normal
}

// MaxStepMinutes bounds one hex's time: three days.
const MaxStepMinutes = 3 * MinutesPerDay

// MaxWaitingEncounters bounds the encounter prompts waiting for the DM: a DM who lets them pile
// up (a long journey checked every hex) keeps the newest, and the oldest are dismissed, logged.
const MaxWaitingEncounters = 50

func (m PaceMinutes) validate() error {
	for _, v := range []int{m.Slow, m.Normal, m.Fast} {
		if v < 1 || v > MaxStepMinutes {
			return fmt.Errorf("minutes per hex must be 1 to %d", MaxStepMinutes)
		}
	}
	return nil
}

// TimeRules say how long a step takes.
type TimeRules struct {
	// Terrain is the time to enter a hex of each terrain (unpainted is ""). Terrains left out
	// use the defaults.
	Terrain map[Terrain]PaceMinutes `json:"terrain"`
	// Road is the time of a step from a road hex to a road hex, whatever the terrain.
	Road PaceMinutes `json:"road"`
	// Unknown is the time of a step that reveals nothing (the party is lost, or moves without
	// revealing): the clock players see must not tell them the terrain of a hex they were not
	// shown.
	Unknown PaceMinutes `json:"unknown"`
}

// TravelRules are a campaign's travel settings: calendar, time, navigation, encounters and
// weather. The zero parts of a campaign that never saved any are the defaults.
type TravelRules struct {
	Calendar Calendar  `json:"calendar"`
	Time     TimeRules `json:"time"`
	// Navigation is the chance per terrain that a party leaving a hex of that terrain, off a
	// road, gets lost. Terrains left out use the defaults.
	Navigation map[Terrain]Chance `json:"navigation"`
	Encounters EncounterRules     `json:"encounters"`
	Weather    WeatherRules       `json:"weather"`
}

// DefaultTravelRules are the rules a campaign starts with (docs/travel.md has the reasons).
func DefaultTravelRules() TravelRules {
	hex := func(factor int) PaceMinutes {
		// 6-mile hexes; 5e's paces of 2, 3 and 4 miles an hour on open ground.
		return PaceMinutes{Slow: 180 * factor, Normal: 120 * factor, Fast: 90 * factor}
	}
	c := func(in, of int) Chance { return Chance{In: in, Of: of} }
	return TravelRules{
		Calendar: DefaultCalendar(),
		Time: TimeRules{
			Terrain: map[Terrain]PaceMinutes{
				Unpainted: hex(1), Plains: hex(1), Desert: hex(1), Coast: hex(1), Tundra: hex(1),
				Settlement: hex(1), Ruins: hex(1),
				Forest: hex(2), Hills: hex(2), Swamp: hex(2), Jungle: hex(2), Water: hex(2),
				Mountains: hex(3),
			},
			Road:    hex(1),
			Unknown: hex(2),
		},
		Navigation: map[Terrain]Chance{
			Unpainted: c(0, 6), Settlement: c(0, 6), Coast: c(0, 6),
			Plains: c(1, 10), Ruins: c(1, 10), Water: c(1, 10),
			Desert: c(2, 10), Tundra: c(2, 10), Hills: c(2, 10),
			Forest: c(3, 10), Swamp: c(3, 10), Mountains: c(3, 10),
			Jungle: c(4, 10),
		},
		Encounters: DefaultEncounterRules(),
		Weather:    DefaultWeatherRules(),
	}
}

// With returns the rules with the defaults filled in for every terrain they leave out (an
// encounter table present but empty stays empty: that terrain uses the unpainted table). Rules
// without a calendar or weather tables (never saved) take the default ones.
func (r TravelRules) With() TravelRules {
	d := DefaultTravelRules()
	out := r
	if len(out.Calendar.Watches) == 0 {
		out.Calendar = d.Calendar
	}
	if out.Time.Road == (PaceMinutes{}) {
		out.Time.Road = d.Time.Road
	}
	if out.Time.Unknown == (PaceMinutes{}) {
		out.Time.Unknown = d.Time.Unknown
	}
	out.Time.Terrain = fill(d.Time.Terrain, r.Time.Terrain)
	out.Navigation = fill(d.Navigation, r.Navigation)
	if r.Encounters.Chance == nil && r.Encounters.Tables == nil && r.Encounters.Points == (EncounterPoints{}) {
		out.Encounters = d.Encounters // no encounter rules at all: when to check is the defaults' too
	}
	out.Encounters.Chance = fill(d.Encounters.Chance, r.Encounters.Chance)
	out.Encounters.Tables = fill(d.Encounters.Tables, r.Encounters.Tables)
	if len(out.Weather.Tables) == 0 {
		out.Weather = d.Weather
	}
	return out
}

func fill[V any](defaults, given map[Terrain]V) map[Terrain]V {
	out := maps.Clone(defaults)
	maps.Copy(out, given)
	return out
}

// Validate checks every part, naming the first bad entry. It checks the rules as given; With
// fills in what they leave out.
func (r TravelRules) Validate() error {
	r = r.With()
	if err := r.Calendar.Validate(); err != nil {
		return err
	}
	for _, t := range slices.Sorted(maps.Keys(r.Time.Terrain)) {
		if !t.Valid() {
			return Errorf(EInvalid, "travel time: unknown terrain %q", Truncate(string(t), 40))
		}
		if err := r.Time.Terrain[t].validate(); err != nil {
			return Errorf(EInvalid, "travel time: %s: %s", terrainName(t), err)
		}
	}
	if err := r.Time.Road.validate(); err != nil {
		return Errorf(EInvalid, "travel time: road: %s", err)
	}
	if err := r.Time.Unknown.validate(); err != nil {
		return Errorf(EInvalid, "travel time: unknown ground: %s", err)
	}
	for _, t := range slices.Sorted(maps.Keys(r.Navigation)) {
		if !t.Valid() {
			return Errorf(EInvalid, "navigation: unknown terrain %q", Truncate(string(t), 40))
		}
	}
	if err := r.Encounters.Validate(); err != nil {
		return err
	}
	return r.Weather.Validate()
}

// Travel is a compiled, read-only set of travel rules.
type Travel struct {
	rules     TravelRules // defaults filled in
	time      [256]PaceMinutes
	nav       [256]Chance
	encounter [256]Chance
}

// Compile checks the rules and prepares them for the actions below.
func (r TravelRules) Compile() (*Travel, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	t := &Travel{rules: r.With()}
	for terrain, v := range t.rules.Time.Terrain {
		t.time[terrain.Code()] = v
	}
	for terrain, v := range t.rules.Navigation {
		t.nav[terrain.Code()] = v
	}
	for terrain, v := range t.rules.Encounters.Chance {
		t.encounter[terrain.Code()] = v
	}
	return t, nil
}

// MustCompile is Compile for rules known to be valid; it panics otherwise.
func (r TravelRules) MustCompile() *Travel {
	t, err := r.Compile()
	if err != nil {
		panic(err)
	}
	return t
}

// Rules returns the rules with the defaults filled in.
func (t *Travel) Rules() TravelRules { return t.rules }

// Calendar is the rules' calendar.
func (t *Travel) Calendar() Calendar { return t.rules.Calendar }

// TravelMap is what travel needs of a map.
type TravelMap struct {
	Size        Size
	Orientation Orientation
	Terrain     []byte // row-major terrain codes
	Roads       []bool // row-major; nil when the map has no roads
}

func (m TravelMap) terrain(k Key) Terrain {
	t, _ := TerrainFromCode(m.Terrain[m.Size.Index(k)])
	return t
}

func (m TravelMap) road(k Key) bool { return m.Roads != nil && m.Roads[m.Size.Index(k)] }

// Lost says where a lost party truly is (the DM's alone; its token shows where the players
// believe they are).
type Lost struct {
	At    string `json:"at"`    // the true hex
	Since int    `json:"since"` // the clock when they got lost
}

// PartyTravel is one party's travel state.
type PartyTravel struct {
	Minutes int      `json:"minutes"` // since the campaign's start (day 1, first watch)
	Pace    Pace     `json:"pace"`
	Weather *Weather `json:"weather,omitempty"` // nil until first rolled
	Lost    *Lost    `json:"lost,omitempty"`
}

// NewPartyTravel is a party's state at the campaign's start.
func NewPartyTravel() PartyTravel { return PartyTravel{Pace: Normal} }

// TruePosition is where the party truly stands: its token, unless it is lost.
func (p PartyTravel) TruePosition(size Size, token Key) Key {
	if p.Lost != nil {
		if k, err := size.ParseKeyOn(p.Lost.At); err == nil {
			return k
		}
	}
	return token
}

// MergeTravel is the travel state of a party that absorbs another: the later clock wins (the
// party that waited catches up), with that clock's weather; the surviving party keeps its
// pace and whether it is lost (its token stays where it stood).
func MergeTravel(survivor, merged PartyTravel) PartyTravel {
	out := survivor
	if merged.Minutes > survivor.Minutes {
		out.Minutes, out.Weather = merged.Minutes, merged.Weather
	}
	return out
}

// Travel limits.
const (
	MaxTravelPath     = 100           // hexes in one move
	MaxAdvanceWatches = 100           // watches in one advance
	MaxClockMinutes   = 100000 * 1440 // day 100,000: a campaign never gets there; overflow never either
)

// TravelEventKind says what a TravelEvent records.
type TravelEventKind string

const (
	StepEvent      TravelEventKind = "step"      // one hex of a move
	WatchEvent     TravelEventKind = "watch"     // a new watch began
	WeatherEvent   TravelEventKind = "weather"   // weather rolled or set
	EncounterEvent TravelEventKind = "encounter" // an encounter check
	RestEvent      TravelEventKind = "rest"      // the party rested one watch
	CampEvent      TravelEventKind = "camp"      // the party camped until the next morning
	AdvanceEvent   TravelEventKind = "advance"   // the DM moved the clock on
	FoundEvent     TravelEventKind = "found"     // the DM declared a lost party found
)

// CostKind is which row of the time rules a step was charged.
type CostKind string

const (
	CostTerrain CostKind = "terrain"
	CostRoad    CostKind = "road"
	CostUnknown CostKind = "unknown"
)

// NavigationCheck is the roll for getting lost on leaving a hex off a road.
type NavigationCheck struct {
	Terrain Terrain `json:"terrain"` // of the hex left
	Chance  Chance  `json:"chance"`
	Roll    Roll    `json:"roll"`
	Lost    bool    `json:"lost"`
	// Veer is the 1d6 that picked the neighbour of the intended hex the party strayed into
	// (faces 1–6 in the order of CubeDirections); set when Lost.
	Veer *Roll `json:"veer,omitempty"`
}

// TravelStep is one hex of a move.
type TravelStep struct {
	From    string   `json:"from"`           // the token's hex before the step
	To      string   `json:"to"`             // the token's hex after: where the players believe they are
	True    string   `json:"true,omitempty"` // where the party truly is, when lost (the DM's alone)
	Terrain Terrain  `json:"terrain"`        // of the hex truly entered
	Cost    CostKind `json:"cost"`
	Minutes int      `json:"minutes"` // time the step took
	// Start is the clock when the party set off (the navigation check's time), read by the
	// calendar in StartClock; the event's own clock is the arrival.
	Start      int       `json:"start"`
	StartClock ClockTime `json:"startClock"`
	Road       bool      `json:"road"` // road to road: no navigation check
	// Navigation is the check made on leaving From; nil when none was due (a road, already
	// lost, or a "0 in N" chance).
	Navigation *NavigationCheck `json:"navigation,omitempty"`
	Lost       bool             `json:"lost"` // lost after this step
	// Reveal says whether the step reveals what is seen from To (never while lost), and with
	// which weather penalty.
	Reveal       bool `json:"reveal"`
	SightPenalty int  `json:"sightPenalty"`
}

// TravelEvent is one thing that happened during an action, stamped with the party's clock.
type TravelEvent struct {
	Kind      TravelEventKind `json:"kind"`
	Minutes   int             `json:"minutes"`
	Clock     ClockTime       `json:"clock"` // Minutes read by the calendar, as it was then
	Step      *TravelStep     `json:"step,omitempty"`
	Weather   *Weather        `json:"weather,omitempty"`
	Encounter *EncounterCheck `json:"encounter,omitempty"`
	Spent     int             `json:"spent,omitempty"` // rest, camp, advance: minutes spent
	At        string          `json:"at,omitempty"`    // found: the hex the token jumps to
}

// TravelOutcome is what an action did: its events in order, the party's state after it and
// where its token stands (the believed position).
type TravelOutcome struct {
	Events []TravelEvent `json:"events"`
	State  PartyTravel   `json:"state"`
	Token  Key           `json:"-"`
}

// Hits are the outcome's encounter checks that hit.
func (o TravelOutcome) Hits() []EncounterCheck {
	var out []EncounterCheck
	for _, e := range o.Events {
		if e.Encounter != nil && e.Encounter.Hit {
			out = append(out, *e.Encounter)
		}
	}
	return out
}

// run carries one action's state while it unfolds.
type run struct {
	t      *Travel
	m      TravelMap
	st     PartyTravel
	token  Key
	r      Roller
	events []TravelEvent
}

func (t *Travel) start(m TravelMap, st PartyTravel, token Key, r Roller) (*run, error) {
	if !m.Size.Valid() || len(m.Terrain) != m.Size.Cells() || (m.Roads != nil && len(m.Roads) != m.Size.Cells()) {
		return nil, fmt.Errorf("travel: the map's grids do not match its %d×%d size", m.Size.Width, m.Size.Height)
	}
	if !m.Size.Contains(token) {
		return nil, Errorf(EInvalid, "the party's token is not on the map")
	}
	if !st.Pace.Valid() {
		st.Pace = Normal
	}
	if st.Lost != nil {
		lost := *st.Lost // the outcome is a new value: the caller's state stays as it was
		if _, err := m.Size.ParseKeyOn(lost.At); err != nil {
			lost.At = token.String() // the map shrank under a lost party: it is where its token is
		}
		st.Lost = &lost
	}
	x := &run{t: t, m: m, st: st, token: token, r: r}
	if x.st.Weather == nil {
		x.rollWeather()
	}
	return x, nil
}

func (x *run) outcome() TravelOutcome {
	return TravelOutcome{Events: x.events, State: x.st, Token: x.token}
}

// emit records an event at the party's clock now.
func (x *run) emit(e TravelEvent) {
	e.Minutes = x.st.Minutes
	e.Clock = x.t.rules.Calendar.At(e.Minutes)
	x.events = append(x.events, e)
}

func (x *run) truePos() Key { return x.st.TruePosition(x.m.Size, x.token) }

func (x *run) rollWeather() {
	w := x.t.rules.Weather.Roll(x.r, x.st.Minutes)
	x.st.Weather = &w
	x.emit(TravelEvent{Kind: WeatherEvent, Weather: &w})
}

func (x *run) check(reason CheckReason, at Key) {
	t := x.m.terrain(at)
	c := x.t.rules.Encounters.check(x.r, reason, at, t, x.t.encounter[t.Code()])
	x.emit(TravelEvent{Kind: EncounterEvent, Encounter: &c})
}

// spend moves the clock on by `minutes`, and at every watch that begins on the way rolls the
// weather (each day's first watch, or every watch) and checks for an encounter (if the DM
// checks each watch) where the party truly stands.
func (x *run) spend(minutes int) error {
	end := x.st.Minutes + minutes
	if end > MaxClockMinutes {
		return Errorf(EInvalid, "the clock stops at day %d", MaxClockMinutes/MinutesPerDay)
	}
	cal := x.t.rules.Calendar
	for next := cal.NextWatch(x.st.Minutes); next <= end; next = cal.NextWatch(next) {
		x.st.Minutes = next
		x.emit(TravelEvent{Kind: WatchEvent})
		if x.t.rules.Weather.Every == WeatherPerWatch || IsDayStart(next) {
			x.rollWeather()
		}
		if x.t.rules.Encounters.Points.Watch {
			x.check(CheckWatch, x.truePos())
		}
	}
	x.st.Minutes = end
	return nil
}

// Move walks the party's token along path (each key a neighbour of the one before, the first
// of the token). For each step, in order: a navigation check on leaving a hex off a road
// (unless already lost); the time it takes at the party's pace and in its weather; the watches
// that begin meanwhile (weather, encounter checks); an encounter check on entering the hex if
// the DM checks each hex. reveals is false for a party whose moves reveal nothing (reveal mode
// "none"): its steps cost unknown-ground time. A lost party's token moves as the DM steps it,
// and its true position by the same direction (it stays put at the map's edge).
func (t *Travel) Move(m TravelMap, st PartyTravel, token Key, path []Key, reveals bool, r Roller) (TravelOutcome, error) {
	if len(path) < 1 || len(path) > MaxTravelPath {
		return TravelOutcome{}, Errorf(EInvalid, "a move has 1 to %d steps", MaxTravelPath)
	}
	prev := token
	for i, to := range path {
		if !m.Size.Contains(to) {
			return TravelOutcome{}, Errorf(EInvalid, "step %d: %s is off the map", i+1, to)
		}
		if !Adjacent(m.Orientation, prev, to) {
			return TravelOutcome{}, Errorf(EInvalid, "step %d: %s is not next to %s", i+1, to, prev)
		}
		prev = to
	}
	x, err := t.start(m, st, token, r)
	if err != nil {
		return TravelOutcome{}, err
	}
	for _, to := range path {
		if err := x.step(to, reveals); err != nil {
			return TravelOutcome{}, err
		}
	}
	return x.outcome(), nil
}

func (x *run) step(to Key, reveals bool) error {
	from := x.token
	s := TravelStep{From: from.String(), To: to.String(), Start: x.st.Minutes, StartClock: x.t.rules.Calendar.At(x.st.Minutes)}
	s.Road = x.m.road(from) && x.m.road(to)
	trueTo := to
	if x.st.Lost != nil {
		trueTo = x.lostStep(from, to)
	} else if !s.Road {
		left := x.m.terrain(from)
		if chance := x.t.nav[left.Code()]; !chance.Never() {
			roll, lost := chance.Check(x.r)
			nav := &NavigationCheck{Terrain: left, Chance: chance, Roll: roll, Lost: lost}
			if lost {
				veer := Dice{Count: 1, Sides: 6}.Roll(x.r)
				nav.Veer = &veer
				trueTo = x.veer(to, veer.Total-1)
				x.st.Lost = &Lost{At: trueTo.String(), Since: x.st.Minutes}
			}
			s.Navigation = nav
		}
	}
	x.token = to
	if x.st.Lost != nil {
		x.st.Lost.At = trueTo.String()
		s.True, s.Lost = trueTo.String(), true
	}
	s.Terrain = x.m.terrain(trueTo)
	var base PaceMinutes
	switch {
	case s.Lost || !reveals:
		s.Cost, base = CostUnknown, x.t.rules.Time.Unknown
	case s.Road:
		s.Cost, base = CostRoad, x.t.rules.Time.Road
	default:
		s.Cost, base = CostTerrain, x.t.time[s.Terrain.Code()]
	}
	s.Minutes = max(1, int(math.Round(float64(base.At(x.st.Pace))/x.st.Weather.Pace())))
	if err := x.spend(s.Minutes); err != nil {
		return err
	}
	s.Reveal = reveals && !s.Lost
	s.SightPenalty = x.st.Weather.Penalty()
	x.emit(TravelEvent{Kind: StepEvent, Step: &s})
	if x.t.rules.Encounters.Points.Hex {
		x.check(CheckHex, trueTo)
	}
	return nil
}

// lostStep moves a lost party's true position the way its token moves, from `from` to `to`;
// off the map it stays where it is.
func (x *run) lostStep(from, to Key) Key {
	o := x.m.Orientation
	a, b := ToCube(o, from), ToCube(o, to)
	cur := ToCube(o, x.truePos())
	next := FromCube(o, Cube{Q: cur.Q + b.Q - a.Q, R: cur.R + b.R - a.R})
	if !x.m.Size.Contains(next) {
		return x.truePos()
	}
	return next
}

// veer is the neighbour of the intended hex in cube direction d (0–5); off the map, the intended
// hex itself.
func (x *run) veer(intended Key, d int) Key {
	o := x.m.Orientation
	c := ToCube(o, intended)
	dir := CubeDirections[d]
	n := FromCube(o, Cube{Q: c.Q + dir.Q, R: c.R + dir.R})
	if !x.m.Size.Contains(n) {
		return intended
	}
	return n
}

// CubeDirections are the six neighbours' offsets in cube coordinates, counter-clockwise from
// +q (east-south-east on a flat map, east on a pointy one). A navigation failure's 1d6 face f
// picks direction f-1.
var CubeDirections = [6]Cube{{Q: 1, R: 0}, {Q: 1, R: -1}, {Q: 0, R: -1}, {Q: -1, R: 0}, {Q: -1, R: 1}, {Q: 0, R: 1}}

// Rest spends one watch (the length of the watch the party is in), with an encounter check
// first if the DM checks on rest.
func (t *Travel) Rest(m TravelMap, st PartyTravel, token Key, r Roller) (TravelOutcome, error) {
	return t.pause(m, st, token, r, RestEvent, func(now int) int { return t.rules.Calendar.WatchMinutes(now) })
}

// Camp spends the time until the next day's first watch begins (strictly after now: camping
// at dawn lasts a full day), with an encounter check first if the DM checks on rest.
func (t *Travel) Camp(m TravelMap, st PartyTravel, token Key, r Roller) (TravelOutcome, error) {
	return t.pause(m, st, token, r, CampEvent, func(now int) int { return t.rules.Calendar.NextDay(now) - now })
}

func (t *Travel) pause(m TravelMap, st PartyTravel, token Key, r Roller, kind TravelEventKind, length func(now int) int) (TravelOutcome, error) {
	x, err := t.start(m, st, token, r)
	if err != nil {
		return TravelOutcome{}, err
	}
	start := x.st.Minutes
	spent := length(start)
	if t.rules.Encounters.Points.Rest {
		x.check(CheckRest, x.truePos())
	}
	if err := x.spend(spent); err != nil {
		return TravelOutcome{}, err
	}
	x.emit(TravelEvent{Kind: kind, Spent: spent})
	return x.outcome(), nil
}

// Advance moves the clock to the start of the n-th watch after the current one (n = 1: the next
// watch), rolling weather and checking each watch on the way as the rules say.
func (t *Travel) Advance(m TravelMap, st PartyTravel, token Key, n int, r Roller) (TravelOutcome, error) {
	if n < 1 || n > MaxAdvanceWatches {
		return TravelOutcome{}, Errorf(EInvalid, "advance 1 to %d watches", MaxAdvanceWatches)
	}
	x, err := t.start(m, st, token, r)
	if err != nil {
		return TravelOutcome{}, err
	}
	target := x.st.Minutes
	for range n {
		target = t.rules.Calendar.NextWatch(target)
	}
	spent := target - x.st.Minutes
	if err := x.spend(spent); err != nil {
		return TravelOutcome{}, err
	}
	x.emit(TravelEvent{Kind: AdvanceEvent, Spent: spent})
	return x.outcome(), nil
}

// CheckEncounter is the DM's check by hand, where the party truly stands.
func (t *Travel) CheckEncounter(m TravelMap, st PartyTravel, token Key, r Roller) (TravelOutcome, error) {
	x, err := t.start(m, st, token, r)
	if err != nil {
		return TravelOutcome{}, err
	}
	x.check(CheckManual, x.truePos())
	return x.outcome(), nil
}

// RollWeather rolls the weather again for the party now (the DM's reroll).
func (t *Travel) RollWeather(st PartyTravel, r Roller) TravelOutcome {
	x := &run{t: t, st: st, r: r}
	x.rollWeather()
	return x.outcome()
}

// Found ends a party's being lost: its token jumps to where it truly is. Not lost: an error.
func (t *Travel) Found(m TravelMap, st PartyTravel, token Key) (TravelOutcome, error) {
	if st.Lost == nil {
		return TravelOutcome{}, Errorf(EConflict, "the party is not lost")
	}
	at := st.TruePosition(m.Size, token)
	st.Lost = nil
	return TravelOutcome{
		Events: []TravelEvent{{Kind: FoundEvent, Minutes: st.Minutes, Clock: t.rules.Calendar.At(st.Minutes), At: at.String()}},
		State:  st, Token: at,
	}, nil
}

// The travel turn's events in the campaign's log: each action's payload holds its TravelEvents,
// so the travel log (and the weather's history) is read back from the log.
const (
	EventTravelMove      EventType = "travel:move"
	EventTravelRest      EventType = "travel:rest"
	EventTravelCamp      EventType = "travel:camp"
	EventTravelAdvance   EventType = "travel:advance"
	EventTravelFound     EventType = "travel:found"
	EventTravelPace      EventType = "travel:pace"
	EventTravelWeather   EventType = "travel:weather"   // rolled, chosen, shown or hidden
	EventTravelCheck     EventType = "travel:check"     // an encounter check by hand
	EventTravelEncounter EventType = "travel:encounter" // a prompt answered: rerolled, dismissed, placed
	EventTravelRules     EventType = "travel:rules"
)

// TravelEventPrefix starts the type of every travel event.
const TravelEventPrefix = "travel:"
