package hub

import (
	"encoding/binary"
)

// change remembers what touched hexes looked like before a request, so each player can be sent
// exactly the difference in what they see — and, by construction, nothing they cannot see.
// Whatever decides visibility (mapState.visible) decides the diff: a new way of seeing hexes
// changes that one function and the snapshot below, not the fan-out.
type change struct {
	mp          *mapState
	cells       map[int]*cellSnap
	order       []int
	tokenBefore int
}

type cellSnap struct {
	terrain byte
	label   string
	all     bool
	private map[string]bool
}

func (r *Room) newChange() *change {
	return &change{mp: r.st.mp, cells: map[int]*cellSnap{}, tokenBefore: r.st.mp.token}
}

// touch snapshots hex i before its first change in this request.
func (ch *change) touch(i int) {
	if _, ok := ch.cells[i]; ok {
		return
	}
	mp := ch.mp
	snap := &cellSnap{terrain: mp.terrain[i], label: mp.labels[i], all: mp.all.get(i)}
	for id, bs := range mp.private {
		if bs.get(i) {
			if snap.private == nil {
				snap.private = map[string]bool{}
			}
			snap.private[id] = true
		}
	}
	ch.cells[i] = snap
	ch.order = append(ch.order, i)
}

func (ch *change) visibleBefore(member string, i int) bool {
	if s, ok := ch.cells[i]; ok {
		return s.all || s.private[member]
	}
	return ch.mp.visible(member, i)
}

// emitPlayerDiffs sends each online player what changed in their own projection. Players with
// the same difference share one marshalled frame.
func (r *Room) emitPlayerDiffs(b *batch, ch *change) {
	mp := ch.mp
	seq := b.reqSeq
	type group struct {
		clients []*client
		frames  [][]byte
	}
	groups := map[string]*group{}
	var order []string
	sig := make([]byte, 0, 64)
	for _, id := range r.st.order {
		m := r.st.members[id]
		if m == nil || !m.online() {
			continue
		}
		var revealed, hidden, updated []int
		for _, i := range ch.order {
			was, now := ch.visibleBefore(id, i), mp.visible(id, i)
			switch {
			case !was && now:
				revealed = append(revealed, i)
			case was && !now:
				hidden = append(hidden, i)
			case was && now && (ch.cells[i].terrain != mp.terrain[i] || ch.cells[i].label != mp.labels[i]):
				updated = append(updated, i)
			}
		}
		tokenMoved, tokenNow := false, -1
		if len(revealed)+len(hidden)+len(updated) == 0 && !tokenMoved {
			continue
		}
		sig = sig[:0]
		for _, list := range [][]int{revealed, hidden, updated} {
			sig = binary.AppendUvarint(sig, uint64(len(list)))
			for _, i := range list {
				sig = binary.AppendUvarint(sig, uint64(i))
			}
		}
		sig = binary.AppendVarint(sig, int64(tokenNow))
		if !tokenMoved {
			sig = append(sig, 0)
		}
		key := string(sig)
		g := groups[key]
		if g == nil {
			g = &group{frames: playerFrames(mp, seq, revealed, hidden, updated, tokenMoved, tokenNow)}
			groups[key] = g
			order = append(order, key)
		}
		for c := range m.clients {
			g.clients = append(g.clients, c)
		}
	}
	for _, key := range order {
		g := groups[key]
		for _, f := range g.frames {
			b.send(f, g.clients...)
		}
	}
}

// playerFrames builds one player's diff: hidden, revealed, updated hexes, then the token.
func playerFrames(mp *mapState, seq int64, revealed, hidden, updated []int, tokenMoved bool, token int) [][]byte {
	var frames [][]byte
	views := func(idx []int) []playerHexView {
		out := make([]playerHexView, len(idx))
		for n, i := range idx {
			out[n] = mp.playerHex(i)
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
		frames = append(frames, hexRevealedMsg{Seq: seq, Hexes: views(revealed)}.frame())
	}
	if len(updated) > 0 {
		frames = append(frames, hexUpdatedMsg{Seq: seq, Hexes: views(updated)}.frame())
	}
	_, _ = tokenMoved, token
	return frames
}
