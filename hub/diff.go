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
	classes []viewerClass  // before the change
	classOf map[string]int // online member → class, before
	cells   map[int]*cellSnap
	order   []int
	// The parties and markers each class saw before, encoded; nil until something they depend
	// on is about to change (snapParties, snapMarkers).
	parties [][]byte
	markers [][]byte
}

type viewerClass struct {
	partyID  string
	memberID string // "" unless the player has private knowledge
}

type cellSnap struct {
	terrain byte
	label   string
	levels  []uint8 // per class
}

func (r *Room) classOf(m *member) viewerClass {
	c := viewerClass{partyID: m.PartyID}
	if r.st.mp.private[m.ID] != nil {
		c.memberID = m.ID
	}
	return c
}

func (r *Room) viewerOfClass(c viewerClass) viewer {
	mp := r.st.mp
	return viewer{party: mp.party[c.partyID], private: mp.private[c.memberID]}
}

func (r *Room) newChange() *change {
	ch := &change{r: r, mp: r.st.mp, cells: map[int]*cellSnap{}, classOf: map[string]int{}}
	index := map[viewerClass]int{}
	for _, id := range r.st.order {
		m := r.st.members[id]
		if !m.online() {
			continue
		}
		c := r.classOf(m)
		n, ok := index[c]
		if !ok {
			n = len(ch.classes)
			index[c] = n
			ch.classes = append(ch.classes, c)
		}
		ch.classOf[id] = n
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
// same class before and after share one computation and one set of marshalled frames.
func (r *Room) emitPlayerDiffs(b *batch, ch *change) {
	type pair struct{ before, after viewerClass }
	type group struct {
		clients []*client
		frames  [][]byte
	}
	groups := map[pair]*group{}
	var order []pair
	bySig := map[string][][]byte{}
	sig := make([]byte, 0, 64)
	for _, id := range r.st.order {
		m := r.st.members[id]
		n, ok := ch.classOf[id]
		if !ok || !m.online() {
			continue
		}
		p := pair{ch.classes[n], r.classOf(m)}
		g := groups[p]
		if g == nil {
			var frames [][]byte
			frames, sig = r.diffFrames(b.reqSeq, ch, n, p.after, sig[:0])
			// Different classes often see the same difference: marshal it once.
			if prev, ok := bySig[string(sig)]; ok {
				frames = prev
			} else {
				bySig[string(sig)] = frames
			}
			g = &group{frames: frames}
			groups[p] = g
			order = append(order, p)
		}
		for c := range m.clients {
			g.clients = append(g.clients, c)
		}
	}
	for _, p := range order {
		g := groups[p]
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
