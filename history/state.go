// Package history replays a campaign's event log: a pure reducer (State.Apply) that builds the
// campaign as it was after any seq — maps, what each scope knows, parties and tokens, markers,
// members, the session, the staged list, the travel turn — and, over it, the DM's timeline, a
// hex's history, each player's journal and a session's recap. It never writes: the hub serves it
// from its own read connection beside the live room (docs/history.md).
package history

import (
	"maps"
	"slices"

	"github.com/hexcrawl/hexcrawl/game"
)

// State is a campaign as it was after event Seq. Its fields mirror what the hub's room holds
// (hub/state.go), for every map rather than the active one: party knowledge and tokens follow a
// split or a merge on every map.
type State struct {
	Seq         int64
	Name        string
	ActiveMapID string
	Mode        game.BroadcastMode
	SightRules  game.SightRules
	TravelRules *game.TravelRules // as the DM saved them; nil: the defaults
	Session     *game.Session     // the latest session; nil before the first
	Maps        map[string]*Map
	MapOrder    []string
	Members     map[string]*Member // every member ever, revoked ones too
	MemberOrder []string           // in joining order
	Parties     map[string]*game.Party
	PartyOrder  []string // in the order they were made
	Travel      map[string]game.PartyTravel
	Prompts     []Prompt // encounters waiting for the DM, oldest first
	Staged      []game.StagedChange
	// Names remembers every party's last name and colour, merged ones too, for the timeline.
	PartyNames map[string]game.Party
	base       *Base
	calendar   *game.Calendar // TravelRules' calendar, defaults filled in; nil: the default one
}

// Base is what a log from before every change was logged cannot say, read from the database
// as it is now: the campaign's name (logged since campaign:create), its maps (map:create, since
// protocol v2) and its default party (made by migration 00002 for older campaigns). The
// reducer falls back on it only where the log is silent (docs/history.md).
type Base struct {
	Name           string
	Maps           []game.MapInfo
	DefaultPartyID string
}

// Member is a player as the log knows them.
type Member struct {
	ID      string
	Name    string
	PartyID string // "": in no party
	Revoked bool
}

// Prompt is an encounter waiting for the DM's answer.
type Prompt struct {
	ID      string
	PartyID string
	Minutes int
	Check   game.EncounterCheck
}

// Map is one map: what is painted on it, what each scope knows of it, tokens, markers.
type Map struct {
	Info    game.MapInfo
	Size    game.Size
	Terrain []byte // terrain codes, row-major
	Labels  map[int]string
	Notes   map[int]string
	Roads   []bool // nil: no road yet
	All     []uint8
	Party   map[string][]uint8 // party id → a level per hex
	Private map[string][]uint8 // member id → a level per hex
	Tokens  map[string]int     // party id → cell; absent: off this map
	Markers []game.Marker      // in the order they were placed
	Moves   map[string][]Move  // party id → its undo records on this map, oldest first
}

// Move is an undo record as far as a replay needs one: which event made it, and the travel
// clock a travel move would put back.
type Move struct {
	Seq    int64
	Travel *game.PartyTravel // the party's travel state before a travel move; nil for others
}

// New is a campaign before its first event.
func New(base Base) *State {
	return &State{Name: base.Name, Mode: game.Immediate, Maps: map[string]*Map{}, Members: map[string]*Member{},
		Parties: map[string]*game.Party{}, Travel: map[string]game.PartyTravel{}, PartyNames: map[string]game.Party{},
		base: &base}
}

// mapOf is the map an event names; an event without a map id (protocol version 1) is about the
// active map, and a map the log never made is made from the base.
func (s *State) mapOf(id string) *Map {
	if id == "" {
		return s.ActiveMap()
	}
	if m := s.Maps[id]; m != nil {
		return m
	}
	for _, info := range s.base.Maps {
		if info.ID == id {
			s.Maps[id] = newMap(info)
			s.MapOrder = append(s.MapOrder, id)
			return s.Maps[id]
		}
	}
	return nil
}

func newMap(info game.MapInfo) *Map {
	size := info.Size()
	m := &Map{Info: info, Size: size, Terrain: make([]byte, size.Cells()), Labels: map[int]string{},
		Notes: map[int]string{}, All: make([]uint8, size.Cells()), Party: map[string][]uint8{},
		Private: map[string][]uint8{}, Tokens: map[string]int{}, Moves: map[string][]Move{}}
	for i := range m.Terrain {
		m.Terrain[i] = game.Unpainted.Code()
	}
	return m
}

// Clone is a deep copy: the reducer changes its state in place.
func (s *State) Clone() *State {
	c := *s
	c.Maps = make(map[string]*Map, len(s.Maps))
	for id, m := range s.Maps {
		c.Maps[id] = m.clone()
	}
	c.MapOrder = slices.Clone(s.MapOrder)
	c.Members = make(map[string]*Member, len(s.Members))
	for id, m := range s.Members {
		mm := *m
		c.Members[id] = &mm
	}
	c.MemberOrder = slices.Clone(s.MemberOrder)
	c.Parties = make(map[string]*game.Party, len(s.Parties))
	for id, p := range s.Parties {
		pp := *p
		c.Parties[id] = &pp
	}
	c.PartyOrder = slices.Clone(s.PartyOrder)
	c.Travel = maps.Clone(s.Travel)
	c.Prompts = slices.Clone(s.Prompts)
	c.Staged = slices.Clone(s.Staged)
	c.PartyNames = maps.Clone(s.PartyNames)
	if s.Session != nil {
		sess := *s.Session
		c.Session = &sess
	}
	return &c
}

func (m *Map) clone() *Map {
	c := *m
	c.Terrain = slices.Clone(m.Terrain)
	c.Labels = maps.Clone(m.Labels)
	c.Notes = maps.Clone(m.Notes)
	c.Roads = slices.Clone(m.Roads)
	c.All = slices.Clone(m.All)
	c.Party = cloneLevels(m.Party)
	c.Private = cloneLevels(m.Private)
	c.Tokens = maps.Clone(m.Tokens)
	c.Markers = slices.Clone(m.Markers)
	c.Moves = make(map[string][]Move, len(m.Moves))
	for id, mv := range m.Moves {
		c.Moves[id] = slices.Clone(mv)
	}
	return &c
}

func cloneLevels(in map[string][]uint8) map[string][]uint8 {
	out := make(map[string][]uint8, len(in))
	for id, l := range in {
		out[id] = slices.Clone(l)
	}
	return out
}

// ActiveMap is the map the session plays on, or nil.
func (s *State) ActiveMap() *Map { return s.Maps[s.ActiveMapID] }

// ActiveMembers lists the members not revoked, in joining order.
func (s *State) ActiveMembers() []*Member {
	var out []*Member
	for _, id := range s.MemberOrder {
		if m := s.Members[id]; !m.Revoked {
			out = append(out, m)
		}
	}
	return out
}

// PartyMembers lists a party's active members in joining order.
func (s *State) PartyMembers(partyID string) []string {
	var out []string
	for _, id := range s.MemberOrder {
		if m := s.Members[id]; !m.Revoked && m.PartyID == partyID {
			out = append(out, id)
		}
	}
	return out
}

// Viewer is what a member knows of a map, by scope: everyone's, their party's and their own.
type Viewer struct {
	all, party, private []uint8
}

// Viewer is member id's view of map m.
func (s *State) Viewer(m *Map, memberID string) Viewer {
	v := Viewer{all: m.All}
	if mem := s.Members[memberID]; mem != nil {
		v.party, v.private = m.Party[mem.PartyID], m.Private[memberID]
	}
	return v
}

// Level is the highest of the viewer's three scopes at cell i.
func (v Viewer) Level(i int) uint8 {
	l := v.all[i]
	if v.party != nil && v.party[i] > l {
		l = v.party[i]
	}
	if v.private != nil && v.private[i] > l {
		l = v.private[i]
	}
	return l
}

// scope returns the levels of id in a scope map, making them on first use.
func (m *Map) scope(scopes map[string][]uint8, id string) []uint8 {
	l := scopes[id]
	if l == nil {
		l = make([]uint8, m.Size.Cells())
		scopes[id] = l
	}
	return l
}

// cells turns keys into indices, dropping keys off the map (a log never holds those; a
// resize in between would).
func (m *Map) cells(keys []game.Key) []int {
	out := make([]int, 0, len(keys))
	for _, k := range keys {
		if m.Size.Contains(k) {
			out = append(out, m.Size.Index(k))
		}
	}
	return out
}

func (m *Map) cell(k *game.Key) int {
	if k == nil || !m.Size.Contains(*k) {
		return -1
	}
	return m.Size.Index(*k)
}

func (m *Map) setRoad(i int, road bool) {
	if m.Roads == nil {
		if !road {
			return
		}
		m.Roads = make([]bool, m.Size.Cells())
	}
	m.Roads[i] = road
}

// Road reports whether a road runs through cell i.
func (m *Map) Road(i int) bool { return m.Roads != nil && m.Roads[i] }

// TerrainAt is cell i's terrain.
func (m *Map) TerrainAt(i int) game.Terrain {
	t, _ := game.TerrainFromCode(m.Terrain[i])
	return t
}

// resize keeps what fits of the map in its new size (the hub trims at the right and bottom
// edges) and ends its undo history.
func (m *Map) resize(size game.Size) {
	if size == m.Size {
		return
	}
	old := m.Size
	remap := func(i int) (int, bool) {
		k := old.KeyAt(i)
		if !size.Contains(k) {
			return 0, false
		}
		return size.Index(k), true
	}
	terrain := make([]byte, size.Cells())
	for i := range terrain {
		terrain[i] = game.Unpainted.Code()
	}
	levels := func(in []uint8) []uint8 {
		out := make([]uint8, size.Cells())
		for i, l := range in {
			if j, ok := remap(i); ok {
				out[j] = l
			}
		}
		return out
	}
	for i, c := range m.Terrain {
		if j, ok := remap(i); ok {
			terrain[j] = c
		}
	}
	texts := func(in map[int]string) map[int]string {
		out := map[int]string{}
		for i, t := range in {
			if j, ok := remap(i); ok {
				out[j] = t
			}
		}
		return out
	}
	var roads []bool
	if m.Roads != nil {
		roads = make([]bool, size.Cells())
		for i, r := range m.Roads {
			if j, ok := remap(i); ok {
				roads[j] = r
			}
		}
	}
	m.Terrain, m.Labels, m.Notes, m.Roads, m.All = terrain, texts(m.Labels), texts(m.Notes), roads, levels(m.All)
	for id, l := range m.Party {
		m.Party[id] = levels(l)
	}
	for id, l := range m.Private {
		m.Private[id] = levels(l)
	}
	for id, c := range m.Tokens {
		if j, ok := remap(c); ok {
			m.Tokens[id] = j
		} else {
			delete(m.Tokens, id)
		}
	}
	m.Markers = slices.DeleteFunc(m.Markers, func(mk game.Marker) bool { return !size.Contains(mk.Key) })
	m.Moves = map[string][]Move{}
	m.Size = size
	m.Info.Width, m.Info.Height = size.Width, size.Height
}
