package hub

import (
	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// Reveals and hides by the DM's hand, in the three scopes of docs/exploration.md: all, parties,
// players. A reveal raises to its state and never lowers; a hide makes hexes unknown to its
// targets, whatever scope they knew them through.

// keptKnowledge is party knowledge that a hide from some members moves into the private
// knowledge of the party's other members, so that exactly the targets lose it.
type keptKnowledge struct {
	partyID string
	others  []string
	cells   []int
}

// applyReveal applies a reveal or a hide (immediately, or when the staged list is published).
func (r *Room) applyReveal(b *batch, ch *change, sc game.StagedChange) error {
	mp := r.st.mp
	idx, err := r.keysOnMap("hexKeys", sc.HexKeys)
	if err != nil {
		return game.Errorf(game.EConflict, "staged %s: %v", sc.Kind, game.MessageOf(err))
	}
	t := *sc.Targets
	// A player revoked or a party merged away after the change was staged simply drops out of
	// it; publishing the rest must not fail on them.
	switch {
	case t.PlayerIDs != nil:
		if t.PlayerIDs = liveIDs(t.PlayerIDs, func(id string) bool { return r.st.members[id] != nil }); t.PlayerIDs == nil {
			return nil
		}
	case t.PartyIDs != nil:
		if t.PartyIDs = liveIDs(t.PartyIDs, func(id string) bool { return r.st.parties[id] != nil }); t.PartyIDs == nil {
			return nil
		}
	}
	reveal := sc.Kind == game.StageReveal
	level := sc.State.Level()
	keys := make([]game.Key, len(idx))
	inKeys := make(map[int]bool, len(idx))
	for n, i := range idx {
		keys[n] = mp.size.KeyAt(i)
		inKeys[i] = true
	}

	// Whose party knowledge changes other than by their own moves: their undo records must
	// leave those hexes alone from now on.
	var strips []*stripPlan
	strip := func(partyID string, changed func(i int) bool) {
		if plan := mp.planStrip(partyID, func(i int) bool { return inKeys[i] && changed(i) }); plan != nil {
			strips = append(strips, plan)
		}
	}
	known := func(partyID string) func(int) bool {
		return func(i int) bool { return mp.party[partyID].level(i) > game.LevelUnknown }
	}
	var kept []keptKnowledge
	switch {
	case reveal && t.PartyIDs != nil:
		// Even where it changes nothing: the DM said the party knows these hexes, and taking a
		// move back must not take that away.
		for _, id := range t.PartyIDs {
			strip(id, func(int) bool { return true })
		}
	case reveal:
	case t.All:
		for id := range mp.party {
			strip(id, known(id))
		}
	case t.PartyIDs != nil:
		for _, id := range t.PartyIDs {
			strip(id, known(id))
		}
	default:
		kept = r.planKept(t.PlayerIDs, idx)
		for _, k := range kept {
			strip(k.partyID, known(k.partyID))
		}
	}

	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := r.writeReveal(b, tx, reveal, t, keys, level, kept); err != nil {
		return err
	}
	for _, plan := range strips {
		if err := r.writeStrip(b, tx, plan); err != nil {
			return err
		}
	}
	ev := game.EventHexReveal
	payload := map[string]any{"mapId": mp.info.ID, "hexKeys": sc.HexKeys, "targets": t}
	if reveal {
		payload["state"] = game.StateOfLevel(level)
	} else {
		ev = game.EventHexHide
	}
	seq, err := b.event(ev, actorDM, payload)
	if err != nil {
		return err
	}

	for _, i := range idx {
		ch.touch(i)
	}
	r.applyRevealInMemory(reveal, t, idx, level, kept)
	for _, plan := range strips {
		mp.applyStrip(plan)
	}
	if reveal {
		hexes := make([]hexView, len(idx))
		for n, i := range idx {
			hexes[n] = mp.dmHex(i)
		}
		b.toDMs(hexRevealedDMMsg{Seq: seq, Hexes: hexes, Targets: t, State: game.StateOfLevel(level)}.frame())
		return nil
	}
	b.toDMs(hexHiddenDMMsg{Seq: seq, Keys: sc.HexKeys, Targets: t}.frame())
	for _, k := range kept {
		r.partyKnown(b, k.partyID)
		for _, id := range k.others {
			r.playerKnown(b, id)
		}
	}
	return nil
}

func liveIDs(ids []string, live func(string) bool) []string {
	var out []string
	for _, id := range ids {
		if live(id) {
			out = append(out, id)
		}
	}
	return out
}

// planKept finds, for a hide from players, the party knowledge of those hexes that the targets'
// fellow members keep.
func (r *Room) planKept(targets []string, idx []int) []keptKnowledge {
	mp := r.st.mp
	isTarget := map[string]bool{}
	var parties []string
	for _, id := range targets {
		isTarget[id] = true
		if p := r.st.members[id].PartyID; p != "" && !contains(parties, p) {
			parties = append(parties, p)
		}
	}
	var out []keptKnowledge
	for _, p := range parties {
		k := mp.party[p]
		var cells []int
		for _, i := range idx {
			if k.level(i) > game.LevelUnknown {
				cells = append(cells, i)
			}
		}
		if len(cells) == 0 {
			continue
		}
		kk := keptKnowledge{partyID: p, cells: cells}
		for _, id := range r.st.partyMembers(p) {
			if !isTarget[id] {
				kk.others = append(kk.others, id)
			}
		}
		out = append(out, kk)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (r *Room) writeReveal(b *batch, tx *storage.Tx, reveal bool, t game.Targets, keys []game.Key, level uint8, kept []keptKnowledge) error {
	mapID := r.st.mp.info.ID
	switch {
	case reveal && t.All:
		return tx.RevealToAll(b.ctx, mapID, keys, level)
	case reveal && t.PartyIDs != nil:
		for _, p := range t.PartyIDs {
			if err := tx.RevealToParty(b.ctx, mapID, p, keys, level); err != nil {
				return err
			}
		}
	case reveal:
		for _, p := range t.PlayerIDs {
			if err := tx.RevealToMember(b.ctx, mapID, p, keys, level); err != nil {
				return err
			}
		}
	case t.All:
		return tx.HideFromAll(b.ctx, mapID, keys)
	case t.PartyIDs != nil:
		for _, p := range t.PartyIDs {
			if err := tx.HideFromParty(b.ctx, mapID, p, keys); err != nil {
				return err
			}
			for _, m := range r.st.partyMembers(p) {
				if err := tx.HideFromMember(b.ctx, mapID, m, keys); err != nil {
					return err
				}
			}
		}
	default:
		mp := r.st.mp
		for _, k := range kept {
			kls := make([]storage.KeyLevel, len(k.cells))
			partyKeys := make([]game.Key, len(k.cells))
			for n, i := range k.cells {
				partyKeys[n] = mp.size.KeyAt(i)
				kls[n] = storage.KeyLevel{Key: partyKeys[n], Level: mp.party[k.partyID].level(i)}
			}
			for _, o := range k.others {
				if err := tx.RaiseMember(b.ctx, mapID, o, kls); err != nil {
					return err
				}
			}
			if err := tx.HideFromParty(b.ctx, mapID, k.partyID, partyKeys); err != nil {
				return err
			}
		}
		for _, p := range t.PlayerIDs {
			if err := tx.HideFromMember(b.ctx, mapID, p, keys); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyRevealInMemory mirrors writeReveal in the room's bitsets.
func (r *Room) applyRevealInMemory(reveal bool, t game.Targets, idx []int, level uint8, kept []keptKnowledge) {
	mp := r.st.mp
	raise := func(k *knowledge) {
		for _, i := range idx {
			if k.level(i) < level {
				k.set(i, level)
			}
		}
	}
	forget := func(k *knowledge) {
		if k == nil {
			return
		}
		for _, i := range idx {
			k.set(i, game.LevelUnknown)
		}
	}
	switch {
	case reveal && t.All:
		raise(mp.all)
	case reveal && t.PartyIDs != nil:
		for _, p := range t.PartyIDs {
			raise(mp.scope(mp.party, p))
		}
	case reveal:
		for _, p := range t.PlayerIDs {
			raise(mp.scope(mp.private, p))
		}
	case t.All:
		forget(mp.all)
		for _, k := range mp.private {
			forget(k)
		}
		for _, k := range mp.party {
			forget(k)
		}
	case t.PartyIDs != nil:
		for _, p := range t.PartyIDs {
			forget(mp.party[p])
			for _, m := range r.st.partyMembers(p) {
				forget(mp.private[m])
			}
		}
	default:
		for _, k := range kept {
			pk := mp.party[k.partyID]
			for _, o := range k.others {
				priv := mp.scope(mp.private, o)
				for _, i := range k.cells {
					if l := pk.level(i); priv.level(i) < l {
						priv.set(i, l)
					}
				}
			}
			for _, i := range k.cells {
				pk.set(i, game.LevelUnknown)
			}
		}
		for _, p := range t.PlayerIDs {
			forget(mp.private[p])
		}
	}
}
