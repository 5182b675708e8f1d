package hub

import (
	"github.com/hexcrawl/hexcrawl/game"
)

// What the DM does to the map: reveal, hide, paint, label, note and move the party token. Each
// stages or applies; applying writes, then changes memory, then queues the DM's frame and, per
// player, the difference in what they see (diff.go).

// revealOrHide is hex:reveal and hex:hide.
func (r *Room) revealOrHide(b *batch, kind game.StagedKind, c command) error {
	if !r.st.status().Live() {
		return game.Errorf(game.EConflict, "%s needs a live session (the session is %s)", c.Type, r.st.status())
	}
	if _, err := r.keysOnMap("hexKeys", c.HexKeys); err != nil {
		return err
	}
	if err := r.checkPlayers(*c.Targets); err != nil {
		return err
	}
	return r.stageOrApply(b, game.StagedChange{Kind: kind, HexKeys: c.HexKeys, Targets: c.Targets})
}

// fill is hex:fill: paint the connected region of the key's terrain.
func (r *Room) fill(b *batch, c command) error {
	k, _ := c.keyOrNull()
	if err := r.onMap(*k); err != nil {
		return err
	}
	mp := r.st.mp
	region := game.FloodFill(mp.size, mp.info.Orientation, *k, func(k game.Key) game.Terrain { return mp.terrainAt(mp.size.Index(k)) })
	changes := make([]game.HexChange, len(region))
	for i, rk := range region {
		changes[i] = game.HexChange{Key: rk.String(), Terrain: c.Terrain}
	}
	return r.update(b, changes, r.staging())
}

func (r *Room) onMap(k game.Key) error {
	if size := r.st.mp.size; !size.Contains(k) {
		return game.Errorf(game.EInvalid, "key: %q is off the %d×%d map", k.String(), size.Width, size.Height)
	}
	return nil
}

// stageOrApply queues a change in staged mode, or applies it and tells each player what they
// now see.
func (r *Room) stageOrApply(b *batch, sc game.StagedChange) error {
	if r.staging() {
		return r.stage(b, sc)
	}
	ch := r.newChange()
	if err := r.applyStaged(b, ch, sc); err != nil {
		return err
	}
	r.emitPlayerDiffs(b, ch)
	return nil
}

// keysOnMap turns wire keys into grid indices, rejecting keys off the active map.
func (r *Room) keysOnMap(field string, keys []string) ([]int, error) {
	size := r.st.mp.size
	out := make([]int, 0, len(keys))
	seen := make(map[int]struct{}, len(keys))
	for i, s := range keys {
		k, err := size.ParseKeyOn(s)
		if err != nil {
			return nil, game.Errorf(game.EInvalid, "%s[%d]: %v", field, i, err)
		}
		idx := size.Index(k)
		if _, dup := seen[idx]; !dup {
			seen[idx] = struct{}{}
			out = append(out, idx)
		}
	}
	return out, nil
}

func (r *Room) checkPlayers(t game.Targets) error {
	for _, id := range t.PlayerIDs {
		if _, ok := r.st.members[id]; !ok {
			return game.Errorf(game.ENotFound, "no player %q in this campaign", game.Truncate(id, 40))
		}
	}
	return nil
}

// update applies hex edits. In staged mode the visible part (terrain, label) is staged while
// notes, which only the DM ever sees, apply at once.
func (r *Room) update(b *batch, changes []game.HexChange, staging bool) error {
	if _, err := r.keysOnMap("changes", keysOf(changes)); err != nil {
		return err
	}
	if !staging {
		ch := r.newChange()
		if err := r.applyUpdate(b, ch, changes); err != nil {
			return err
		}
		r.emitPlayerDiffs(b, ch)
		return nil
	}
	var notesNow, visible []game.HexChange
	for _, c := range changes {
		if c.Notes != nil {
			notesNow = append(notesNow, game.HexChange{Key: c.Key, Notes: c.Notes})
		}
		if c.Visible() {
			visible = append(visible, game.HexChange{Key: c.Key, Terrain: c.Terrain, Label: c.Label})
		}
	}
	if len(notesNow) > 0 {
		if err := r.applyUpdate(b, r.newChange(), notesNow); err != nil {
			return err
		}
	}
	if len(visible) > 0 {
		return r.stage(b, game.StagedChange{Kind: game.StageUpdate, Changes: visible})
	}
	return nil
}

func keysOf(changes []game.HexChange) []string {
	keys := make([]string, len(changes))
	for i, c := range changes {
		keys[i] = c.Key
	}
	return keys
}

// applyStaged applies one staged change now (immediately, or when the list is published).
func (r *Room) applyStaged(b *batch, ch *change, sc game.StagedChange) error {
	switch sc.Kind {
	case game.StageUpdate:
		return r.applyUpdate(b, ch, sc.Changes)
	case game.StageToken, game.StageMove, game.StagePlace:
		return errNotYet
	}
	return r.applyReveal(b, ch, sc)
}

// applyReveal applies a reveal or a hide.
func (r *Room) applyReveal(b *batch, ch *change, sc game.StagedChange) error {
	mp := r.st.mp
	idx, err := r.keysOnMap("hexKeys", sc.HexKeys)
	if err != nil {
		return game.Errorf(game.EConflict, "staged %s: %v", sc.Kind, game.MessageOf(err))
	}
	t := *sc.Targets
	if !t.All {
		// A player revoked after the change was staged simply drops out of it; publishing the
		// rest must not fail on them.
		var live []string
		for _, id := range t.PlayerIDs {
			if _, ok := r.st.members[id]; ok {
				live = append(live, id)
			}
		}
		if len(live) == 0 {
			return nil
		}
		t.PlayerIDs = live
	}
	keys := make([]game.Key, len(idx))
	for i, x := range idx {
		keys[i] = mp.size.KeyAt(x)
	}
	tx, err := b.write()
	if err != nil {
		return err
	}
	reveal := sc.Kind == game.StageReveal
	switch {
	case reveal && t.All:
		err = tx.RevealToAll(b.ctx, mp.info.ID, keys)
	case reveal:
		for _, p := range t.PlayerIDs {
			if err = tx.RevealToMember(b.ctx, mp.info.ID, p, keys); err != nil {
				break
			}
		}
	case t.All:
		err = tx.HideFromAll(b.ctx, mp.info.ID, keys)
	default:
		for _, p := range t.PlayerIDs {
			if err = tx.HideFromMember(b.ctx, mp.info.ID, p, keys); err != nil {
				break
			}
		}
	}
	if err != nil {
		return err
	}
	ev := game.EventHexReveal
	if !reveal {
		ev = game.EventHexHide
	}
	seq, err := b.event(ev, actorDM, struct {
		HexKeys []string     `json:"hexKeys"`
		Targets game.Targets `json:"targets"`
	}{sc.HexKeys, t})
	if err != nil {
		return err
	}

	for _, i := range idx {
		ch.touch(i)
		switch {
		case reveal && t.All:
			mp.all.set(i)
		case reveal:
			for _, p := range t.PlayerIDs {
				bs := mp.private[p]
				if bs == nil {
					bs = newBitset(mp.size.Cells())
					mp.private[p] = bs
				}
				bs.set(i)
			}
		case t.All:
			mp.all.clear(i)
			for _, bs := range mp.private {
				bs.clear(i)
			}
		default:
			for _, p := range t.PlayerIDs {
				if bs := mp.private[p]; bs != nil {
					bs.clear(i)
				}
			}
		}
	}
	if reveal {
		hexes := make([]hexView, len(idx))
		for n, i := range idx {
			hexes[n] = mp.dmHex(i)
		}
		b.toDMs(hexRevealedDMMsg{Seq: seq, Hexes: hexes, Targets: t}.frame())
	} else {
		b.toDMs(hexHiddenDMMsg{Seq: seq, Keys: sc.HexKeys, Targets: t}.frame())
	}
	return nil
}

func (r *Room) applyUpdate(b *batch, ch *change, changes []game.HexChange) error {
	mp := r.st.mp
	idx, err := r.keysOnMap("changes", keysOf(changes))
	if err != nil {
		return game.Errorf(game.EConflict, "staged update: %v", game.MessageOf(err))
	}
	// Later changes to the same hex win; merge into the hex's current contents.
	next := make(map[int]game.Hex, len(idx))
	for _, c := range changes {
		k, _ := mp.size.ParseKeyOn(c.Key)
		i := mp.size.Index(k)
		h, ok := next[i]
		if !ok {
			h = mp.storedHex(i)
		}
		next[i] = c.Apply(h)
	}
	rows := make([]game.Hex, 0, len(next))
	for _, i := range idx {
		rows = append(rows, next[i])
	}
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := tx.PutHexes(b.ctx, mp.info.ID, rows); err != nil {
		return err
	}
	seq, err := b.event(game.EventHexUpdate, actorDM, map[string][]game.HexChange{"changes": changes})
	if err != nil {
		return err
	}
	hexes := make([]hexView, 0, len(idx))
	for _, i := range idx {
		ch.touch(i)
		h := next[i]
		mp.terrain[i] = h.Terrain.Code()
		setOrDelete(mp.labels, i, h.Label)
		setOrDelete(mp.notes, i, h.Notes)
		hexes = append(hexes, mp.dmHex(i))
	}
	b.toDMs(hexUpdatedDMMsg{Seq: seq, Hexes: hexes}.frame())
	return nil
}

func setOrDelete(m map[int]string, i int, v string) {
	if v == "" {
		delete(m, i)
	} else {
		m[i] = v
	}
}
