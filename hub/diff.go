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
	r     *Room
	mp    *mapState
	index *viewerIndex // the classes before the change
	// active marks the classes with a player online: only theirs are snapshotted and diffed.
	active []bool
	cells  map[int]*cellSnap
	order  []int
	// The parties and markers each class saw before, encoded; nil until something they depend
	// on is about to change (snapParties, snapMarkers).
	parties [][]byte
	markers [][]byte
	travel  [][]byte // each class's view of its party's travel, with parties
	// What each online player could read of the players' notes (docs/table.md), encoded: notes
	// are per player, not per class (their own are theirs alone). nil until something they
	// depend on is about to change (snapNotes).
	notes map[*member][]byte
}

// viewerClass is who knows the same: a party, and a player's own knowledge when they have any.
// The private knowledge is by pointer: cheap to hash, and a player given private knowledge
// during a request is in a new class after it.
type viewerClass struct {
	partyID string
	private *knowledge
}

// viewerIndex sorts the room's members into classes. It is kept between requests (working it
// out costs a few map lookups per member, which for a thousand players is most of a reveal's
// diff) and dropped whenever what it depends on changes: who is in which party
// (invalidateViewers), or a player's first private knowledge of the map (privates).
type viewerIndex struct {
	classes  []viewerClass
	members  []*member // every active member, in joining order
	classOf  []int32   // members[n]'s class
	privates int       // len(mp.private) when built
}

type cellSnap struct {
	terrain byte
	road    bool
	label   string
	levels  []uint8 // per class (0 for classes nobody online is in)
}

func (r *Room) classOf(m *member) viewerClass {
	return viewerClass{partyID: m.PartyID, private: r.st.mp.private[m.ID]}
}

func (r *Room) viewerOfClass(c viewerClass) viewer {
	return viewer{party: r.st.mp.party[c.partyID], private: c.private}
}

// invalidateViewers drops the viewer index: call it whenever a member joins, leaves or changes
// party.
func (r *Room) invalidateViewers() { r.st.viewers = nil }

// viewers is the current viewer index, built if needed.
func (r *Room) viewers() *viewerIndex {
	if v := r.st.viewers; v != nil && v.privates == len(r.st.mp.private) {
		return v
	}
	v := &viewerIndex{privates: len(r.st.mp.private)}
	index := map[viewerClass]int32{}
	add := func(m *member) {
		c := r.classOf(m)
		n, ok := index[c]
		if !ok {
			n = int32(len(v.classes))
			index[c] = n
			v.classes = append(v.classes, c)
		}
		v.members = append(v.members, m)
		v.classOf = append(v.classOf, n)
	}
	for _, id := range r.st.order {
		add(r.st.members[id])
	}
	// Table screens watch as a member of their party with no knowledge of their own.
	for _, id := range r.st.displayOrder {
		add(r.st.displays[id])
	}
	r.st.viewers = v
	return v
}

func (r *Room) newChange() *change {
	idx := r.viewers()
	ch := &change{r: r, mp: r.st.mp, index: idx, cells: map[int]*cellSnap{}, active: make([]bool, len(idx.classes))}
	for n, m := range idx.members {
		if m.online() {
			ch.active[idx.classOf[n]] = true
		}
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
	snap := &cellSnap{terrain: mp.terrain[i], road: mp.road(i), label: mp.labels[i], levels: make([]uint8, len(ch.index.classes))}
	for n, c := range ch.index.classes {
		if ch.active[n] {
			snap.levels[n] = mp.level(ch.r.viewerOfClass(c), i)
		}
	}
	ch.cells[i] = snap
	ch.order = append(ch.order, i)
	// What players see of parties and markers depends on what they know of the hexes these
	// stand on.
	if mp.markerAt[i] > 0 {
		ch.snapMarkers()
	}
	if mp.notesAt[i] > 0 {
		ch.snapNotes()
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
	if len(ch.mp.notesOf) > 0 {
		ch.snapNotes() // who reads a shared note follows who is in which party
	}
	ch.parties = make([][]byte, len(ch.index.classes))
	ch.travel = make([][]byte, len(ch.index.classes))
	for n, c := range ch.index.classes {
		if ch.active[n] {
			ch.parties[n] = mustJSON(ch.r.st.playerParties(c.partyID, ch.r.viewerOfClass(c)))
			ch.travel[n] = mustJSON(ch.r.st.playerTravel(c.partyID))
		}
	}
}

// snapMarkers remembers what each class sees of the markers; call it before changing one.
func (ch *change) snapMarkers() {
	if ch.markers != nil {
		return
	}
	ch.markers = make([][]byte, len(ch.index.classes))
	for n, c := range ch.index.classes {
		if ch.active[n] {
			ch.markers[n] = mustJSON(ch.r.st.playerMarkers(ch.r.viewerOfClass(c)))
		}
	}
}

// snapNotes remembers what each online player may read of the notes; call it before changing a
// note, or anything snapParties or touch covers.
func (ch *change) snapNotes() {
	if ch.notes != nil {
		return
	}
	ch.notes = map[*member][]byte{}
	st := ch.r.st
	for _, id := range st.order {
		if m := st.members[id]; m.online() {
			ch.notes[m] = mustJSON(st.playerNotes(m, ch.mp.viewerOf(m)))
		}
	}
}

// emitNoteDiffs sends each online player whose readable notes changed their whole list.
func (r *Room) emitNoteDiffs(b *batch, ch *change) {
	if ch.notes == nil {
		return
	}
	st := r.st
	for _, id := range st.order {
		m := st.members[id]
		if m.gone || !m.online() {
			continue
		}
		notes := st.playerNotes(m, ch.mp.viewerOf(m))
		now := mustJSON(notes)
		if before, ok := ch.notes[m]; ok && bytes.Equal(before, now) {
			continue
		}
		frame := notesChangedMsg{Seq: b.reqSeq, Notes: notes}.frame()
		for cl := range m.clients {
			b.send(frame, cl)
		}
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
	groups := map[string]*group{}
	var order []*group
	var sig []byte
	diff := func(before int, after viewerClass) *group {
		var frames [][]byte
		frames, sig = r.diffFrames(b.reqSeq, ch, before, after, sig[:0])
		g := groups[string(sig)]
		if g == nil {
			g = &group{frames: frames}
			groups[string(sig)] = g
			order = append(order, g)
		}
		return g
	}
	idx := ch.index
	if r.viewers() == idx {
		// Nobody changed class: one diff per class with someone online, no lookups per player.
		byClass := make([]*group, len(idx.classes))
		for n, m := range idx.members {
			if !m.online() {
				continue
			}
			c := idx.classOf[n]
			if byClass[c] == nil {
				byClass[c] = diff(int(c), idx.classes[c])
			}
			for cl := range m.clients {
				byClass[c].clients = append(byClass[c].clients, cl)
			}
		}
	} else {
		pairs := map[[2]int32]*group{}
		afterIndex := map[viewerClass]int32{}
		for n, m := range idx.members {
			if m.gone || !m.online() {
				continue
			}
			c := r.classOf(m)
			a, ok := afterIndex[c]
			if !ok {
				a = int32(len(afterIndex))
				afterIndex[c] = a
			}
			key := [2]int32{idx.classOf[n], a}
			g := pairs[key]
			if g == nil {
				g = diff(int(key[0]), c)
				pairs[key] = g
			}
			for cl := range m.clients {
				g.clients = append(g.clients, cl)
			}
		}
	}
	for _, g := range order {
		for _, f := range g.frames {
			b.send(f, g.clients...)
		}
	}
	r.emitNoteDiffs(b, ch)
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
		case snap.terrain != mp.terrain[i] || now == game.LevelExplored && (snap.label != mp.labels[i] || snap.road != mp.road(i)):
			updated = append(updated, i)
		}
	}
	for _, i := range updated {
		levels = append(levels, mp.level(v, i))
	}
	var parties, markers, travel []byte
	if ch.parties != nil {
		if now := mustJSON(r.st.playerParties(after.partyID, v)); !bytes.Equal(now, ch.parties[before]) {
			parties = now
		}
		if now := mustJSON(r.st.playerTravel(after.partyID)); !bytes.Equal(now, ch.travel[before]) {
			travel = now
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
	sig = binary.AppendUvarint(sig, uint64(len(travel)))
	sig = append(sig, travel...)

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
	if travel != nil {
		frames = append(frames, travelChangedMsg{Seq: seq, Travel: r.st.playerTravel(after.partyID)}.frame())
	}
	return frames, sig
}
