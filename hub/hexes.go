package hub

import (
	"github.com/hexcrawl/hexcrawl/game"
)

// What the DM does to the map: reveal, hide, paint, label and note. Each stages or applies;
// applying writes, then changes memory, then queues the DM's frame and, per player, the
// difference in what they know (diff.go). Parties' moves are in parties.go.

// revealOrHide is hex:reveal and hex:hide.
func (r *Room) revealOrHide(b *batch, kind game.StagedKind, c command) error {
	if !r.st.status().Live() {
		return game.Errorf(game.EConflict, "%s needs a live session (the session is %s)", c.Type, r.st.status())
	}
	if _, err := r.keysOnMap("hexKeys", c.HexKeys); err != nil {
		return err
	}
	if err := r.checkTargets(*c.Targets); err != nil {
		return err
	}
	sc := game.StagedChange{Kind: kind, HexKeys: c.HexKeys, Targets: c.Targets}
	if kind == game.StageReveal {
		sc.State = game.Explored
		if c.State != nil {
			sc.State = *c.State
		}
	}
	return r.stageOrApply(b, sc)
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

func (r *Room) checkTargets(t game.Targets) error {
	for n, id := range t.PlayerIDs {
		if _, ok := r.st.members[id]; !ok {
			return game.Errorf(game.ENotFound, "targets.playerIds[%d]: no player %q in this campaign", n, game.Truncate(id, 40))
		}
	}
	for n, id := range t.PartyIDs {
		if _, ok := r.st.parties[id]; !ok {
			return game.Errorf(game.ENotFound, "targets.partyIds[%d]: no party %q in this campaign", n, game.Truncate(id, 40))
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
			visible = append(visible, game.HexChange{Key: c.Key, Terrain: c.Terrain, Label: c.Label, Road: c.Road})
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
	case game.StageMove, game.StagePlace:
		return r.applyStep(b, ch, sc)
	}
	return r.applyReveal(b, ch, sc)
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
	seq, err := b.event(game.EventHexUpdate, actorDM, map[string]any{"mapId": mp.info.ID, "changes": changes})
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
		mp.setRoad(i, h.Road)
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
