package hub

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/history"
	"github.com/hexcrawl/hexcrawl/storage"
)

// The history (docs/history.md): a campaign's log replayed by the history package, projected by
// the room's own code (roomState.dmState, viewState), so a replay shows a player exactly what
// their socket would have. It never goes near a room: it reads through its own read-only
// connection, keeps its own books, and a replay reaches no player.

// maxBooks is how many campaigns' books stay in memory; the least recently used goes first.
const maxBooks = 4

type historyService struct {
	mu     sync.Mutex
	reader *storage.Reader
	books  map[string]*bookEntry
}

type bookEntry struct {
	book *history.Book
	used time.Time
}

// history returns a campaign's book brought up to its log's end, and the read connection to
// replay it through.
func (h *Hub) history(ctx context.Context, campaignID string) (*history.Book, storage.Queries, error) {
	hs := &h.hist
	hs.mu.Lock()
	if hs.reader == nil {
		r, err := h.store.OpenReader()
		if err != nil {
			hs.mu.Unlock()
			return nil, storage.Queries{}, err
		}
		hs.reader = r
	}
	q := hs.reader.Queries
	hs.mu.Unlock()

	// The campaign as it is now: it must exist, and it says what an older log leaves out.
	c, err := q.GetCampaign(ctx, campaignID)
	if err != nil {
		return nil, storage.Queries{}, err
	}

	hs.mu.Lock()
	entry := hs.books[campaignID]
	if entry == nil {
		base, err := bookBase(ctx, q, c)
		if err != nil {
			hs.mu.Unlock()
			return nil, storage.Queries{}, err
		}
		if hs.books == nil {
			hs.books = map[string]*bookEntry{}
		}
		if len(hs.books) >= maxBooks {
			oldest := ""
			for id, e := range hs.books {
				if oldest == "" || e.used.Before(hs.books[oldest].used) {
					oldest = id
				}
			}
			delete(hs.books, oldest)
		}
		entry = &bookEntry{book: history.NewBook(campaignID, base)}
		hs.books[campaignID] = entry
	}
	entry.used = time.Now()
	hs.mu.Unlock()

	if err := entry.book.Sync(ctx, q); err != nil {
		return nil, storage.Queries{}, err
	}
	return entry.book, q, nil
}

// warmHistory reads a campaign's book as its room opens, on the side: a long campaign's log
// takes a second or more to replay from the start, and the DM's first look at the timeline
// should not be the one to pay for it (docs/benchmarks.md, "History"). The room never waits.
func (h *Hub) warmHistory(campaignID string) {
	defer h.backups.Done()
	if _, _, err := h.history(h.background, campaignID); err != nil && h.background.Err() == nil {
		slog.Warn("history: reading the campaign's log ahead", "campaign", campaignID, "err", err)
	}
}

func bookBase(ctx context.Context, q storage.Queries, c game.Campaign) (history.Base, error) {
	base := history.Base{Name: c.Name}
	maps, err := q.ListMaps(ctx, c.ID)
	if err != nil {
		return base, err
	}
	base.Maps = maps
	parties, err := q.ListParties(ctx, c.ID)
	if err != nil {
		return base, err
	}
	for _, p := range parties {
		if p.Default {
			base.DefaultPartyID = p.ID
		}
	}
	return base, nil
}

func (hs *historyService) close() error {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	hs.books = nil
	if hs.reader == nil {
		return nil
	}
	err := hs.reader.Close()
	hs.reader = nil
	return err
}

// replayRoom makes the room's shape of a replayed state, for the room's projections. Nobody is
// online in a replay.
func replayRoom(campaignID string, s *history.State) (*roomState, error) {
	st := &roomState{
		campaign: game.Campaign{ID: campaignID, Name: s.Name, ActiveMapID: s.ActiveMapID, BroadcastMode: s.Mode, SightRules: s.SightRules},
		members:  map[string]*member{}, parties: map[string]*game.Party{}, seq: s.Seq, staged: s.Staged,
	}
	if s.Session != nil {
		sess := *s.Session
		sess.CampaignID = campaignID
		st.session = &sess
	}
	for _, m := range s.ActiveMembers() {
		st.members[m.ID] = newMember(game.Member{ID: m.ID, CampaignID: campaignID, Name: m.Name, PartyID: m.PartyID})
		st.order = append(st.order, m.ID)
	}
	for _, id := range s.PartyOrder {
		p := *s.Parties[id]
		st.parties[id] = &p
		st.partyOrder = append(st.partyOrder, id)
	}
	var err error
	if st.sight, err = s.SightRules.Compile(); err != nil {
		return nil, err
	}
	t := &travelState{saved: s.TravelRules, parties: map[string]game.PartyTravel{}}
	var rules game.TravelRules
	if s.TravelRules != nil {
		rules = *s.TravelRules
	}
	if t.rules, err = rules.Compile(); err != nil {
		return nil, err
	}
	for id, pt := range s.Travel {
		t.parties[id] = pt
	}
	for _, p := range s.Prompts {
		t.prompts = append(t.prompts, storage.Encounter{ID: p.ID, PartyID: p.PartyID, Minutes: p.Minutes, Check: p.Check})
	}
	st.travel = t
	if m := s.ActiveMap(); m != nil {
		st.mp = replayMap(m)
	}
	return st, nil
}

func replayMap(m *history.Map) *mapState {
	n := m.Size.Cells()
	known := func(levels []uint8) *knowledge {
		k := newKnowledge(n)
		for i, l := range levels {
			if l > game.LevelUnknown {
				k.set(i, l)
			}
		}
		return k
	}
	mp := &mapState{info: m.Info, size: m.Size, terrain: append([]byte(nil), m.Terrain...),
		labels: map[int]string{}, notes: map[int]string{}, all: known(m.All),
		private: map[string]*knowledge{}, party: map[string]*knowledge{}, tokens: map[string]int{},
		moves: map[string][]*moveRecord{}, markerAt: map[int]int{}}
	for i, t := range m.Labels {
		mp.labels[i] = t
	}
	for i, t := range m.Notes {
		mp.notes[i] = t
	}
	if m.Roads != nil {
		mp.roads = append([]bool(nil), m.Roads...)
	}
	for id, l := range m.Private {
		mp.private[id] = known(l)
	}
	for id, l := range m.Party {
		mp.party[id] = known(l)
	}
	for id, c := range m.Tokens {
		mp.tokens[id] = c
	}
	for id, moves := range m.Moves {
		for _, mv := range moves {
			mp.moves[id] = append(mp.moves[id], &moveRecord{seq: mv.Seq})
		}
	}
	for _, mk := range m.Markers {
		mp.addMarker(mk)
	}
	return mp
}

// replayView is who a replay is shown as: the DM, a player, a party (what its members know
// together, without anyone's private knowledge) or the table (every player's knowledge at once).
type replayView struct {
	role string // "dm", "player", "party", "players"
	id   string
}

func parseReplayView(as string) (replayView, error) {
	switch as {
	case "", "dm":
		return replayView{role: "dm"}, nil
	case "players":
		return replayView{role: "players"}, nil
	}
	role, id, ok := strings.Cut(as, ":")
	if !ok || id == "" || (role != "player" && role != "party") {
		return replayView{}, game.Errorf(game.EInvalid, `as: %q is not "dm", "players", "player:<id>" or "party:<id>"`, game.Truncate(as, 60))
	}
	return replayView{role: role, id: id}, nil
}

// project is the session:state of a replayed state as v sees it.
func (st *roomState) project(v replayView) ([]byte, error) {
	switch v.role {
	case "dm":
		return st.dmState(), nil
	case "player":
		if st.members[v.id] == nil {
			return nil, game.Errorf(game.ENotFound, "as: no player %q in the campaign at that point", game.Truncate(v.id, 40))
		}
		return st.playerState(v.id), nil
	case "party":
		if st.parties[v.id] == nil {
			return nil, game.Errorf(game.ENotFound, "as: no party %q in the campaign at that point", game.Truncate(v.id, 40))
		}
		var vw *viewer
		if st.mp != nil {
			vw = &viewer{party: st.mp.party[v.id]}
		}
		return st.viewState(nil, v.id, vw, nil), nil
	}
	var vw *viewer
	if mp := st.mp; mp != nil {
		union := newKnowledge(mp.size.Cells())
		for _, id := range st.order {
			pv := mp.viewerOf(st.members[id])
			for i := range mp.terrain {
				if l := mp.level(pv, i); union.level(i) < l {
					union.set(i, l)
				}
			}
		}
		vw = &viewer{private: union}
	}
	return st.viewState(nil, "", vw, nil), nil
}
