package hub

import (
	"bytes"
	"encoding/binary"

	"github.com/hexcrawl/hexcrawl/game"
)

// change remembers what a request is about to touch as it looked before, so each player can be
// sent exactly the difference in what they know — and, by construction, nothing they may not.
// Whatever decides what a player knows (mapState.level, roomState.playerParties,
// roomState.playerMarkers) decides the diff; the fan-out does not change.
//
// Players who know the same things share one computation: a class is a party plus, for a player
// with private knowledge, that player. Eight players walking together are one class.
type change struct {
	r       *Room
	mp      *mapState
	classes []viewerClass // before the change
	members []*member     // online before the change
	classOf []int32       // members[n]'s class, before
	cells   map[int]*cellSnap
	order   []int
	// The parties and markers each class saw before, encoded; nil until something they depend
	// on is about to change (snapParties, snapMarkers).
	parties [][]byte
	markers [][]byte
}

// viewerClass is who knows the same: a party, and a player's own knowledge when they have any.
// The private knowledge is by pointer: cheap to hash for a thousand players, and a player
// given private knowledge during a request is a new class after it.
type viewerClass struct {
	partyID string
	private *knowledge
}

type cellSnap struct {
	terrain byte
	label   string
	levels  []uint8 // per class
}

func (r *Room) classOf(m *member) viewerClass {
	return viewerClass{partyID: m.PartyID, private: r.st.mp.private[m.ID]}
}

func (r *Room) viewerOfClass(c viewerClass) viewer {
	return viewer{party: r.st.mp.party[c.partyID], private: c.private}
}

func (r *Room) newChange() *change {
	ch := &change{r: r, mp: r.st.mp, cells: map[int]*cellSnap{}}
	index := map[viewerClass]int32{}
	for _, id := range r.st.order {
		m := r.st.members[id]
		if !m.online() {
			continue
		}
		c := r.classOf(m)
		n, ok := index[c]
		if !ok {
			n = int32(len(ch.classes))
			index[c] = n
			ch.classes = append(ch.classes, c)
		}
		ch.members = append(ch.members, m)
		ch.classOf = append(ch.classOf, n)
	}
	return ch
}

// touch snapshots hex i before its first change in this request. Every change to a hex's
// terrain, label or anyone's knowledge of it must be preceded by a touch.
func (ch *change) touch(i int) {
	if _, ok := ch.cells[i]; ok {
		return
	}
	mp := ch.mp
	snap := &cellSnap{terrain: mp.terrain[i], label: mp.labels[i], levels: make([]uint8, len(ch.classes))}
	for n, c := range ch.classes {
		snap.levels[n] = mp.level(ch.r.viewerOfClass(c), i)
	}
	ch.cells[i] = snap
	ch.order = append(ch.order, i)
	// What players see of parties and markers depends on what they know of the hexes these
	// stand on.
	if mp.markerAt[i] > 0 {
		ch.snapMarkers()
	}
	if mp.tokenAt(i) {
		ch.snapParties()
	}
}

// touchKnown touches every hex a scope knows.
func (ch *change) touchKnown(k *knowledge) {
	k.each(func(i int, _ uint8) { ch.touch(i) })
}

// snapParties remembers what each class sees of the parties; call it before changing a party,
// a token or who is in which party.
func (ch *change) snapParties() {
	if ch.parties != nil {
		return
	}
	ch.parties = make([][]byte, len(ch.classes))
	for n, c := range ch.classes {
		ch.parties[n] = mustJSON(ch.r.st.playerParties(c.partyID, ch.r.viewerOfClass(c)))
	}
}

// snapMarkers remembers what each class sees of the markers; call it before changing one.
func (ch *change) snapMarkers() {
	if ch.markers != nil {
		return
	}
	ch.markers = make([][]byte, len(ch.classes))
	for n, c := range ch.classes {
		ch.markers[n] = mustJSON(ch.r.st.playerMarkers(ch.r.viewerOfClass(c)))
	}
}

// emitPlayerDiffs sends each online player what changed in their own projection. Players of the
// same class before and after share one computation; players with the same difference, one
// set of marshalled frames written to all of them.
func (r *Room) emitPlayerDiffs(b *batch, ch *change) {
	type group struct {
		clients []*client
		frames  [][]byte
	}
	afterIndex := map[viewerClass]int32{}
	var after []viewerClass
	pairs := map[[2]int32]*group{}
	groups := map[string]*group{}
	var order []*group
	var sig []byte
	for n, m := range ch.members {
		if m.gone || !m.online() {
			continue
		}
		c := r.classOf(m)
		a, ok := afterIndex[c]
		if !ok {
			a = int32(len(after))
			afterIndex[c] = a
			after = append(after, c)
		}
		key := [2]int32{ch.classOf[n], a}
		g := pairs[key]
		if g == nil {
			var frames [][]byte
			frames, sig = r.diffFrames(b.reqSeq, ch, int(key[0]), c, sig[:0])
			if g = groups[string(sig)]; g == nil {
				g = &group{frames: frames}
				groups[string(sig)] = g
				order = append(order, g)
			}
			pairs[key] = g
		}
		for cl := range m.clients {
			g.clients = append(g.clients, cl)
		}
	}
	for _, g := range order {
		for _, f := range g.frames {
			b.send(f, g.clients...)
		}
	}
}

// diffFrames builds the frames that take one class's projection from before to after: hidden,
// revealed (new, or known differently), updated hexes, then parties and markers. sig is
// appended a signature of the difference.
func (r *Room) diffFrames(seq int64, ch *change, before int, after viewerClass, sig []byte) ([][]byte, []byte) {
	mp := ch.mp
	v := r.viewerOfClass(after)
	var hidden, revealed, updated []int
	var levels []uint8 // of revealed and updated, in order
	for _, i := range ch.order {
		snap := ch.cells[i]
		was, now := snap.levels[before], mp.level(v, i)
		switch {
		case was == game.LevelUnknown && now == game.LevelUnknown:
		case now == game.LevelUnknown:
			hidden = append(hidden, i)
		case was != now:
			revealed = append(revealed, i)
			levels = append(levels, now)
		case snap.terrain != mp.terrain[i] || now == game.LevelExplored && snap.label != mp.labels[i]:
			updated = append(updated, i)
		}
	}
	for _, i := range updated {
		levels = append(levels, mp.level(v, i))
	}
	var parties, markers []byte
	if ch.parties != nil {
		if now := mustJSON(r.st.playerParties(after.partyID, v)); !bytes.Equal(now, ch.parties[before]) {
			parties = now
		}
	}
	if ch.markers != nil {
		if now := mustJSON(r.st.playerMarkers(v)); !bytes.Equal(now, ch.markers[before]) {
			markers = now
		}
	}
	for _, list := range [][]int{hidden, revealed, updated} {
		sig = binary.AppendUvarint(sig, uint64(len(list)))
		for _, i := range list {
			sig = binary.AppendUvarint(sig, uint64(i))
		}
	}
	sig = append(sig, levels...)
	sig = binary.AppendUvarint(sig, uint64(len(parties)))
	sig = append(sig, parties...)
	sig = binary.AppendUvarint(sig, uint64(len(markers)))
	sig = append(sig, markers...)

	var frames [][]byte
	views := func(idx []int, levels []uint8) []playerHexView {
		out := make([]playerHexView, len(idx))
		for n, i := range idx {
			out[n] = mp.playerHex(i, levels[n])
		}
		return out
	}
	if len(hidden) > 0 {
		keys := make([]string, len(hidden))
		for n, i := range hidden {
			keys[n] = mp.size.KeyAt(i).String()
		}
		frames = append(frames, hexHiddenMsg{Seq: seq, Keys: keys}.frame())
	}
	if len(revealed) > 0 {
		frames = append(frames, hexRevealedMsg{Seq: seq, Hexes: views(revealed, levels)}.frame())
	}
	if len(updated) > 0 {
		frames = append(frames, hexUpdatedMsg{Seq: seq, Hexes: views(updated, levels[len(revealed):])}.frame())
	}
	if parties != nil {
		frames = append(frames, partiesChangedMsg{Seq: seq, Parties: r.st.playerParties(after.partyID, v)}.frame())
	}
	if markers != nil {
		frames = append(frames, markersChangedMsg{Seq: seq, Markers: r.st.playerMarkers(v)}.frame())
	}
	return frames, sig
}
