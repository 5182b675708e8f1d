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
	all     bitset            // revealed to everyone
	private map[string]bitset // member id → privately revealed
	token   int               // index of the party token, -1 when off the map
}

func (m *mapState) visible(member string, i int) bool {
	return m.all.get(i) || m.private[member].get(i)
}

func (m *mapState) terrainAt(i int) game.Terrain {
	t, _ := game.TerrainFromCode(m.terrain[i])
	return t
}

func (m *mapState) dmHex(i int) hexView {
	return hexView{Key: m.size.KeyAt(i).String(), Terrain: m.terrainAt(i), Label: m.labels[i], Notes: m.notes[i]}
}

func (m *mapState) playerHex(i int) playerHexView {
	return playerHexView{Key: m.size.KeyAt(i).String(), Terrain: m.terrainAt(i), Label: m.labels[i]}
}

func (m *mapState) storedHex(i int) game.Hex {
	return game.Hex{Key: m.size.KeyAt(i), Terrain: m.terrainAt(i), Label: m.labels[i], Notes: m.notes[i]}
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
	campaign game.Campaign
	session  *game.Session      // nil until the first session starts
	mp       *mapState          // nil when the campaign has no map
	members  map[string]*member // active (not revoked) members
	order    []string           // member ids in joining order
	staged   []game.StagedChange
	seq      int64
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
	s := &roomState{campaign: c, members: map[string]*member{}}
	if s.session, err = q.CurrentSession(ctx, campaignID); err != nil {
		return nil, err
	}
	members, err := q.ListMembers(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		if m.RevokedAt == nil {
			s.members[m.ID] = newMember(m)
			s.order = append(s.order, m.ID)
		}
	}
	if s.staged, err = q.LoadStaged(ctx, campaignID); err != nil {
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
		labels: map[int]string{}, notes: map[int]string{}, all: newBitset(size.Cells()),
		private: map[string]bitset{}, token: -1}
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
	}
	rev, err := q.LoadReveals(ctx, mapID)
	if err != nil {
		return nil, err
	}
	for _, k := range rev.All {
		if size.Contains(k) {
			m.all.set(size.Index(k))
		}
	}
	for id, keys := range rev.ByMember {
		b := newBitset(size.Cells())
		for _, k := range keys {
			if size.Contains(k) {
				b.set(size.Index(k))
			}
		}
		m.private[id] = b
	}
	if info.Token != nil && size.Contains(*info.Token) {
		m.token = size.Index(*info.Token)
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
		Labels: map[string]string{},
	}
	if s.session != nil {
		st.Session = &sessionView{ID: s.session.ID, Status: s.session.Status}
	}
	if s.mp != nil {
		st.Map = s.mp.view()
	}
	return st
}

// playerState is the full projection for one player: fog on every hex they cannot see, and
// nothing at all about those hexes beyond that.
func (s *roomState) playerState(memberID string) []byte {
	st := playerStateMsg{stateHead: s.head(game.RolePlayer)}
	if m := s.members[memberID]; m != nil {
		st.You = &youView{ID: memberID, Name: m.Name}
	}
	if mp := s.mp; mp != nil {
		grid := make([]byte, len(mp.terrain))
		priv := mp.private[memberID]
		for i, code := range mp.terrain {
			if mp.all.get(i) || priv.get(i) {
				grid[i] = code
			} else {
				grid[i] = game.FogCode
			}
		}
		st.Grid = string(grid)
		for i, label := range mp.labels {
			if mp.visible(memberID, i) {
				st.Labels[mp.size.KeyAt(i).String()] = label
			}
		}
	}
	return st.frameWith(s.playersJSON())
}

// dmState is the DM's projection: everything.
func (s *roomState) dmState() []byte {
	st := dmStateMsg{stateHead: s.head(game.RoleDM), Notes: map[string]string{},
		RevealedTo: map[string]map[string]uint8{}, Staged: s.staged}
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
		all := make([]byte, len(mp.terrain))
		for i := range all {
			all[i] = '0'
			if mp.all.get(i) {
				all[i] = '1'
			}
		}
		st.RevealedAll = string(all)
		for id, b := range mp.private {
			if _, ok := s.members[id]; !ok {
				continue
			}
			keys := map[string]uint8{}
			for i := 0; i < len(mp.terrain); i++ {
				if b.get(i) {
					keys[mp.size.KeyAt(i).String()] = 2
				}
			}
			if len(keys) > 0 {
				st.RevealedTo[id] = keys
			}
		}
	}
	return st.frameWith(s.playersJSON())
}
