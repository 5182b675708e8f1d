package hub

import (
	"context"
	"encoding/json"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// bitset marks hexes by row-major index. One per player costs width×height/8 bytes.
type bitset []uint64

func newBitset(n int) bitset    { return make(bitset, (n+63)/64) }
func (b bitset) get(i int) bool { return b != nil && b[i>>6]&(1<<(uint(i)&63)) != 0 }
func (b bitset) set(i int)      { b[i>>6] |= 1 << (uint(i) & 63) }
func (b bitset) clear(i int)    { b[i>>6] &^= 1 << (uint(i) & 63) }

// mapState is the active map held in memory: the room answers every question about
// visibility from here without touching SQLite.
type mapState struct {
	info    game.MapInfo
	size    game.Size
	terrain []byte // terrain codes, row-major
	labels  map[int]string
	notes   map[int]string
	all     *knowledge            // revealed to everyone
	private map[string]*knowledge // member id → revealed to them alone
	party   map[string]*knowledge // party id → what the party knows
	tokens  map[string]int        // party id → the hex its token stands on; absent: off the map
	roads   []bool                // row-major; nil: no roads on this map
	moves   map[string][]*moveRecord
	markers []*game.Marker // in the order they were placed
	// markerAt counts the markers on each hex: a change to a hex with none cannot change what
	// anyone sees of markers.
	markerAt map[int]int
	// Players' notes (docs/table.md), oldest first; notesAt counts them per hex like markerAt.
	notesOf []*game.PlayerNote
	notesAt map[int]int
}

func (m *mapState) addMarker(mk game.Marker) {
	m.markers = append(m.markers, &mk)
	m.markerAt[m.size.Index(mk.Key)]++
}

func (m *mapState) marker(id string) (*game.Marker, int) {
	for n, mk := range m.markers {
		if mk.ID == id {
			return mk, n
		}
	}
	return nil, -1
}

// tokenAt reports whether some party's token stands on hex i.
func (m *mapState) tokenAt(i int) bool {
	for _, c := range m.tokens {
		if c == i {
			return true
		}
	}
	return false
}

func (m *mapState) road(i int) bool { return m.roads != nil && m.roads[i] }

// setRoad marks or clears a road; a map gets its road grid with its first road.
func (m *mapState) setRoad(i int, road bool) {
	if m.roads == nil {
		if !road {
			return
		}
		m.roads = make([]bool, m.size.Cells())
	}
	m.roads[i] = road
}

// roadKeys lists the roads on hexes keep accepts, in row-major order.
func (m *mapState) roadKeys(keep func(i int) bool) []string {
	out := []string{}
	for i, r := range m.roads {
		if r && keep(i) {
			out = append(out, m.size.KeyAt(i).String())
		}
	}
	return out
}

func (m *mapState) terrainAt(i int) game.Terrain {
	t, _ := game.TerrainFromCode(m.terrain[i])
	return t
}

func (m *mapState) dmHex(i int) hexView {
	return hexView{Key: m.size.KeyAt(i).String(), Terrain: m.terrainAt(i), Label: m.labels[i], Notes: m.notes[i], Road: m.road(i)}
}

// playerHex is hex i as a player who knows it at level l sees it: a glimpsed hex is its
// terrain, nothing more.
func (m *mapState) playerHex(i int, l uint8) playerHexView {
	h := playerHexView{Key: m.size.KeyAt(i).String(), Terrain: m.terrainAt(i), State: game.StateOfLevel(l)}
	if l == game.LevelExplored {
		h.Label, h.Road = m.labels[i], m.road(i)
	}
	return h
}

func (m *mapState) storedHex(i int) game.Hex {
	return game.Hex{Key: m.size.KeyAt(i), Terrain: m.terrainAt(i), Label: m.labels[i], Notes: m.notes[i], Road: m.road(i)}
}

func (m *mapState) view() *mapView {
	return &mapView{ID: m.info.ID, Name: m.info.Name, Width: m.size.Width, Height: m.size.Height, Orientation: m.info.Orientation}
}

// member is a campaign's player as the room knows them.
type member struct {
	game.Member
	clients map[*client]struct{}
	// jsonPrefix is `{"id":…,"name":…,"online":` marshalled once: every connect sends the whole
	// player list, so 1000 players joining would otherwise re-encode a million entries.
	jsonPrefix []byte
	gone       bool // revoked during the current request: sent nothing more
}

func newMember(m game.Member) *member {
	prefix, _ := json.Marshal(struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}{m.ID, m.Name})
	prefix = append(prefix[:len(prefix)-1], `,"online":`...)
	return &member{Member: m, clients: map[*client]struct{}{}, jsonPrefix: prefix}
}

func (m *member) online() bool { return len(m.clients) > 0 }

// roomState is everything the room projects to its clients.
type roomState struct {
	campaign   game.Campaign
	session    *game.Session      // nil until the first session starts
	mp         *mapState          // nil when the campaign has no map
	members    map[string]*member // active (not revoked) members
	order      []string           // member ids in joining order
	parties    map[string]*game.Party
	partyOrder []string     // party ids in the order they were made
	sight      *game.Sight  // the campaign's rules (campaign.SightRules), compiled
	viewers    *viewerIndex // nil until needed, and whenever who is in which party changes
	travel     *travelState
	staged     []game.StagedChange
	seq        int64
	// Table screens (docs/table.md): each watches like a member of its party with no private
	// knowledge, so the diff treats it as one (a viewer class); never in members or order.
	displays     map[string]*member
	displayOrder []string
	authors      map[string]string // every member's name, removed ones too: notes name their author
}

// partyMembers lists a party's members in joining order.
func (s *roomState) partyMembers(partyID string) []string {
	out := []string{}
	for _, id := range s.order {
		if s.members[id].PartyID == partyID {
			out = append(out, id)
		}
	}
	return out
}

func (s *roomState) status() game.SessionStatus {
	if s.session == nil {
		return game.Waiting
	}
	return s.session.Status
}

func (s *roomState) preparing() bool { return len(s.staged) > 0 }

// loadRoomState reads a campaign's live state. q is the Store or a Tx (to see its writes).
func loadRoomState(ctx context.Context, q storage.Queries, campaignID string) (*roomState, error) {
	c, err := q.GetCampaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	s := &roomState{campaign: c, members: map[string]*member{}, displays: map[string]*member{}, authors: map[string]string{}}
	if s.session, err = q.CurrentSession(ctx, campaignID); err != nil {
		return nil, err
	}
	members, err := q.ListMembers(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		s.authors[m.ID] = m.Name
		if m.RevokedAt == nil {
			s.members[m.ID] = newMember(m)
			s.order = append(s.order, m.ID)
		}
	}
	if err := s.loadDisplays(ctx, q); err != nil {
		return nil, err
	}
	if s.staged, err = q.LoadStaged(ctx, campaignID); err != nil {
		return nil, err
	}
	parties, err := q.ListParties(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	s.parties = make(map[string]*game.Party, len(parties))
	for _, p := range parties {
		s.parties[p.ID] = &p
		s.partyOrder = append(s.partyOrder, p.ID)
	}
	if s.sight, err = c.SightRules.Compile(); err != nil {
		return nil, err
	}
	if s.travel, err = loadTravel(ctx, q, campaignID); err != nil {
		return nil, err
	}
	if s.seq, err = q.LastSeq(ctx, campaignID); err != nil {
		return nil, err
	}
	if c.ActiveMapID != "" {
		if s.mp, err = loadMapState(ctx, q, c.ActiveMapID); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func loadMapState(ctx context.Context, q storage.Queries, mapID string) (*mapState, error) {
	info, err := q.GetMap(ctx, mapID)
	if err != nil {
		return nil, err
	}
	size := info.Size()
	m := &mapState{info: info, size: size, terrain: make([]byte, size.Cells()),
		labels: map[int]string{}, notes: map[int]string{}, all: newKnowledge(size.Cells()),
		private: map[string]*knowledge{}, party: map[string]*knowledge{}, tokens: map[string]int{},
		moves: map[string][]*moveRecord{}, markerAt: map[int]int{}, notesAt: map[int]int{}}
	for i := range m.terrain {
		m.terrain[i] = game.Unpainted.Code()
	}
	hexes, err := q.LoadHexes(ctx, mapID)
	if err != nil {
		return nil, err
	}
	for _, h := range hexes {
		if !size.Contains(h.Key) || !h.Terrain.Valid() {
			continue // rows outside the map are trimmed on resize; never trust them here
		}
		i := size.Index(h.Key)
		m.terrain[i] = h.Terrain.Code()
		if h.Label != "" {
			m.labels[i] = h.Label
		}
		if h.Notes != "" {
			m.notes[i] = h.Notes
		}
		m.setRoad(i, h.Road)
	}
	rev, err := q.LoadReveals(ctx, mapID)
	if err != nil {
		return nil, err
	}
	tokens, err := q.LoadPartyPositions(ctx, mapID)
	if err != nil {
		return nil, err
	}
	markers, err := q.LoadMarkers(ctx, mapID)
	if err != nil {
		return nil, err
	}
	moves, err := q.LoadPartyMoves(ctx, mapID)
	if err != nil {
		return nil, err
	}
	if err := m.loadExploration(rev, tokens, markers, moves); err != nil {
		return nil, err
	}
	notes, err := q.LoadPlayerNotes(ctx, mapID)
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		if size.Contains(n.Key) {
			m.addNote(n)
		}
	}
	return m, nil
}

// playersJSON is the player list with presence, as JSON ([]playerView).
func (s *roomState) playersJSON() []byte {
	n := 2
	for _, id := range s.order {
		n += len(s.members[id].jsonPrefix) + 7
	}
	out := make([]byte, 0, n)
	out = append(out, '[')
	for i, id := range s.order {
		m := s.members[id]
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, m.jsonPrefix...)
		if m.online() {
			out = append(out, "true}"...)
		} else {
			out = append(out, "false}"...)
		}
	}
	return append(out, ']')
}

func (s *roomState) head(role game.Role) stateHead {
	st := stateHead{
		Seq: s.seq, Role: role,
		Campaign:      campaignView{ID: s.campaign.ID, Name: s.campaign.Name},
		BroadcastMode: s.campaign.BroadcastMode, Preparing: s.preparing(),
		Labels: map[string]string{}, Roads: []string{},
	}
	if s.session != nil {
		st.Session = &sessionView{ID: s.session.ID, Status: s.session.Status}
	}
	if s.mp != nil {
		st.Map = s.mp.view()
	}
	return st
}

// playerState is the full projection for one player: fog on every hex they do not know,
// glimpsed hexes as terrain alone, and nothing at all about either beyond that.
func (s *roomState) playerState(memberID string) []byte {
	m := s.members[memberID]
	if m == nil {
		return s.viewState(nil, "", nil, nil)
	}
	you := &youView{ID: memberID, Name: m.Name}
	if m.PartyID != "" {
		you.PartyID = &m.PartyID
	}
	var v *viewer
	if s.mp != nil {
		vv := s.mp.viewerOf(m)
		v = &vv
	}
	return s.viewState(you, m.PartyID, v, m)
}

// viewState is the projection for someone in party partyID who knows v (nil: no map to know):
// a player (you, and reader: whose notes they read), or, for the history's replays, a party or
// the whole table (you and reader nil: no notes).
func (s *roomState) viewState(you *youView, partyID string, v *viewer, reader *member) []byte {
	st := playerStateMsg{stateHead: s.head(game.RolePlayer), Parties: []playerPartyView{}, Markers: []playerMarkerView{}, PlayerNotes: []noteView{}}
	st.You = you
	if s.mp != nil && v != nil {
		st.Parties, st.Markers = s.projectMap(&st.stateHead, partyID, *v)
		if reader != nil {
			st.PlayerNotes = s.playerNotes(reader, *v)
		}
	}
	if v != nil || you != nil {
		st.Travel = s.playerTravel(partyID)
	}
	return st.frameWith(s.playersJSON())
}

// projectMap fills head's grid, labels and roads with what v knows of the active map, and
// returns the parties and markers someone in party partyID who knows v may see. Players and
// table screens share it; it needs an active map.
func (s *roomState) projectMap(head *stateHead, partyID string, v viewer) ([]playerPartyView, []playerMarkerView) {
	mp := s.mp
	grid := make([]byte, len(mp.terrain))
	for i, code := range mp.terrain {
		grid[i] = game.GridCode(code, mp.level(v, i))
	}
	head.Grid = string(grid)
	for i, label := range mp.labels {
		if mp.level(v, i) == game.LevelExplored {
			head.Labels[mp.size.KeyAt(i).String()] = label
		}
	}
	head.Roads = mp.roadKeys(func(i int) bool { return mp.level(v, i) == game.LevelExplored })
	return s.playerParties(partyID, v), s.playerMarkers(v)
}

// playerParties is what a player in party partyID, knowing v, may see of the parties: their own
// (with its members, wherever it stands), and any other whose token stands on a hex they
// explored.
func (s *roomState) playerParties(partyID string, v viewer) []playerPartyView {
	out := []playerPartyView{}
	mp := s.mp
	for _, id := range s.partyOrder {
		p := s.parties[id]
		if s.hiddenLost(id, partyID) {
			continue
		}
		var key *string
		if mp != nil {
			if c, ok := mp.tokens[id]; ok {
				key = mp.keyOrNil(c)
				if id != partyID && mp.level(v, c) != game.LevelExplored {
					continue
				}
			} else if id != partyID {
				continue
			}
		} else if id != partyID {
			continue
		}
		view := playerPartyView{ID: id, Name: p.Name, Color: p.Color, Key: key}
		if id == partyID {
			view.MemberIDs = s.partyMembers(id)
		}
		out = append(out, view)
	}
	return out
}

// playerMarkers is the markers a player knowing v may see: visible to players, on a hex they
// explored.
func (s *roomState) playerMarkers(v viewer) []playerMarkerView {
	out := []playerMarkerView{}
	mp := s.mp
	if mp == nil {
		return out
	}
	for _, mk := range mp.markers {
		if mk.Visibility == game.VisiblePlayers && mp.level(v, mp.size.Index(mk.Key)) == game.LevelExplored {
			out = append(out, playerMarkerView{ID: mk.ID, Key: mk.Key.String(), Kind: mk.Kind, Label: mk.Label})
		}
	}
	return out
}

// dmParties is every party as the DM sees it.
func (s *roomState) dmParties() []dmPartyView {
	out := make([]dmPartyView, 0, len(s.partyOrder))
	for _, id := range s.partyOrder {
		p := s.parties[id]
		view := dmPartyView{ID: id, Name: p.Name, Color: p.Color, Default: p.Default, Reveal: p.Reveal,
			MemberIDs: s.partyMembers(id)}
		if mp := s.mp; mp != nil {
			if c, ok := mp.tokens[id]; ok {
				view.Key = mp.keyOrNil(c)
			}
			view.Undo = len(mp.moves[id])
		}
		out = append(out, view)
	}
	return out
}

// dmMarkers is every marker of the active map.
func (s *roomState) dmMarkers() []markerView {
	out := []markerView{}
	if s.mp == nil {
		return out
	}
	for _, mk := range s.mp.markers {
		out = append(out, markerView{ID: mk.ID, Key: mk.Key.String(), Kind: mk.Kind, Label: mk.Label, Visibility: mk.Visibility})
	}
	return out
}

// privateLevels is one player's private knowledge as the DM's wire shows it.
func (m *mapState) privateLevels(id string) keyLevels {
	var out keyLevels
	m.private[id].each(func(i int, l uint8) {
		out.keys, out.levels = append(out.keys, m.size.KeyAt(i).String()), append(out.levels, l)
	})
	return out
}

// dmState is the DM's projection: everything.
func (s *roomState) dmState() []byte {
	st := dmStateMsg{stateHead: s.head(game.RoleDM), Notes: map[string]string{},
		RevealedTo: map[string]keyLevels{}, PartyKnown: map[string]string{}, Staged: s.staged,
		Parties: s.dmParties(), Markers: s.dmMarkers(), SightRules: s.campaign.SightRules.With(),
		TravelRules: s.travel.rules.Rules(), Travel: s.dmTravel(), Encounters: s.dmEncounters(), PlayerNotes: []dmNoteView{}}
	if st.Staged == nil {
		st.Staged = []game.StagedChange{}
	}
	if mp := s.mp; mp != nil {
		st.Grid = string(mp.terrain)
		for i, label := range mp.labels {
			st.Labels[mp.size.KeyAt(i).String()] = label
		}
		for i, note := range mp.notes {
			st.Notes[mp.size.KeyAt(i).String()] = note
		}
		st.Roads = mp.roadKeys(func(int) bool { return true })
		n := len(mp.terrain)
		st.RevealedAll = mp.all.levels(n)
		for id := range mp.private {
			if _, ok := s.members[id]; !ok {
				continue
			}
			if known := mp.privateLevels(id); len(known.keys) > 0 {
				st.RevealedTo[id] = known
			}
		}
		for _, id := range s.partyOrder {
			st.PartyKnown[id] = mp.party[id].levels(n)
		}
		st.PlayerNotes = s.dmNotes()
	}
	return st.frameWith(s.playersJSON())
}
