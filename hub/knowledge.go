package hub

import (
	"encoding/json"
	"math/bits"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// What each player knows of each hex of the active map (docs/exploration.md): three scopes —
// revealed to all, to the player's party, to the player alone — each two bitsets (seen: glimpsed
// or explored; explored). A player's level on a hex is the highest of the three. Two bits per hex
// and scope: a 200×200 map costs 10 KB per party or player with private knowledge.

// knowledge is one scope's levels on a map. A nil *knowledge knows nothing.
type knowledge struct {
	seen     bitset // level ≥ 1
	explored bitset // level 2
}

func newKnowledge(n int) *knowledge { return &knowledge{seen: newBitset(n), explored: newBitset(n)} }

func (k *knowledge) level(i int) uint8 {
	switch {
	case k == nil:
		return game.LevelUnknown
	case k.explored.get(i):
		return game.LevelExplored
	case k.seen.get(i):
		return game.LevelGlimpsed
	}
	return game.LevelUnknown
}

func (k *knowledge) set(i int, l uint8) {
	switch l {
	case game.LevelUnknown:
		k.seen.clear(i)
		k.explored.clear(i)
	case game.LevelGlimpsed:
		k.seen.set(i)
		k.explored.clear(i)
	default:
		k.seen.set(i)
		k.explored.set(i)
	}
}

func (k *knowledge) clone() *knowledge {
	if k == nil {
		return nil
	}
	return &knowledge{seen: append(bitset(nil), k.seen...), explored: append(bitset(nil), k.explored...)}
}

// each calls fn for every hex the scope knows, in row-major order.
func (k *knowledge) each(fn func(i int, l uint8)) {
	if k == nil {
		return
	}
	for w, word := range k.seen {
		for word != 0 {
			i := w*64 + bits.TrailingZeros64(word)
			word &= word - 1
			fn(i, k.level(i))
		}
	}
}

// levels is the scope as the DM's wire shows it: a level per hex, row-major.
func (k *knowledge) levels(n int) string {
	out := make([]byte, n)
	for i := range out {
		out[i] = '0'
	}
	k.each(func(i int, l uint8) { out[i] = '0' + l })
	return string(out)
}

// scope returns the knowledge of id in a scope map, making it on first use.
func (m *mapState) scope(scopes map[string]*knowledge, id string) *knowledge {
	k := scopes[id]
	if k == nil {
		k = newKnowledge(m.size.Cells())
		scopes[id] = k
	}
	return k
}

// viewer is what one player knows through their party and privately; all is the map's.
type viewer struct {
	party, private *knowledge
}

func (m *mapState) viewerOf(mem *member) viewer {
	return viewer{party: m.party[mem.PartyID], private: m.private[mem.ID]}
}

// level is a player's state of hex i: the highest of the three scopes.
func (m *mapState) level(v viewer, i int) uint8 {
	l := m.all.level(i)
	if l == game.LevelExplored {
		return l
	}
	return max(l, v.party.level(i), v.private.level(i))
}

// raise is one hex whose knowledge a move raised, for taking it back.
type raise struct {
	cell          int
	before, after uint8
}

// moveRecord is what party:undo takes back: a move or placement of one party on the active
// map, stored in party_move under the seq of its event.
type moveRecord struct {
	seq      int64
	from, to int // cells; -1 off the map
	raised   []raise
	travel   *travelUndo // a travel move: the party's clock and lost state before it
}

// moveRecordJSON is a moveRecord as party_move keeps it.
type moveRecordJSON struct {
	From   *string      `json:"from"`
	To     *string      `json:"to"`
	Raised []raisedJSON `json:"raised"`
	Travel *travelUndo  `json:"travel,omitempty"`
}

type raisedJSON struct {
	Key    string `json:"key"`
	Before uint8  `json:"before"`
	After  uint8  `json:"after"`
}

func (m *mapState) keyOrNil(cell int) *string {
	if cell < 0 {
		return nil
	}
	k := m.size.KeyAt(cell).String()
	return &k
}

func (m *mapState) encodeMove(rec *moveRecord) []byte {
	out := moveRecordJSON{From: m.keyOrNil(rec.from), To: m.keyOrNil(rec.to), Raised: make([]raisedJSON, len(rec.raised)), Travel: rec.travel}
	for n, r := range rec.raised {
		out.Raised[n] = raisedJSON{Key: m.size.KeyAt(r.cell).String(), Before: r.before, After: r.after}
	}
	return mustJSON(out)
}

// decodeMove reads a stored record; hexes off the map (never written so) are dropped.
func (m *mapState) decodeMove(rec storage.PartyMoveRecord) (*moveRecord, error) {
	var in moveRecordJSON
	if err := json.Unmarshal(rec.Payload, &in); err != nil {
		return nil, err
	}
	out := &moveRecord{seq: rec.Seq, from: m.cellOf(in.From), to: m.cellOf(in.To), travel: in.Travel}
	for _, r := range in.Raised {
		if k, err := m.size.ParseKeyOn(r.Key); err == nil {
			out.raised = append(out.raised, raise{cell: m.size.Index(k), before: r.Before, after: r.After})
		}
	}
	return out, nil
}

func (m *mapState) cellOf(key *string) int {
	if key == nil {
		return -1
	}
	k, err := m.size.ParseKeyOn(*key)
	if err != nil {
		return -1
	}
	return m.size.Index(k)
}

// loadExploration fills a map's knowledge, tokens, markers and undo records from storage.
func (m *mapState) loadExploration(rev storage.Reveals, tokens map[string]game.Key, markers []game.Marker, moves []storage.PartyMoveRecord) error {
	fill := func(k *knowledge, kls []storage.KeyLevel) {
		for _, kl := range kls {
			if m.size.Contains(kl.Key) {
				k.set(m.size.Index(kl.Key), kl.Level)
			}
		}
	}
	fill(m.all, rev.All)
	for id, kls := range rev.ByMember {
		fill(m.scope(m.private, id), kls)
	}
	for id, kls := range rev.ByParty {
		fill(m.scope(m.party, id), kls)
	}
	for id, k := range tokens {
		if m.size.Contains(k) {
			m.tokens[id] = m.size.Index(k)
		}
	}
	for _, mk := range markers {
		if m.size.Contains(mk.Key) {
			m.addMarker(mk)
		}
	}
	for _, rec := range moves {
		mr, err := m.decodeMove(rec)
		if err != nil {
			return err
		}
		m.moves[rec.PartyID] = append(m.moves[rec.PartyID], mr)
	}
	return nil
}
