package hub

import (
	"encoding/json"
	"slices"

	"github.com/google/uuid"
	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// Parties: split, merge, assign, rename, move, place, undo (docs/exploration.md). Each room method
// checks everything a client can get wrong first, then writes, then changes memory, then queues
// the DM's frames and, per player, the difference in what they know (diff.go). A failure after
// the checks is the database's, an internal error, after which Room.process rebuilds memory
// from the transaction.

func (r *Room) party(field, id string) (*game.Party, error) {
	p := r.st.parties[id]
	if p == nil {
		return nil, game.Errorf(game.ENotFound, "%s: no party %q in this campaign", field, game.Truncate(id, 40))
	}
	return p, nil
}

func (r *Room) players(ids []string) ([]*member, error) {
	out := make([]*member, len(ids))
	for n, id := range ids {
		m := r.st.members[id]
		if m == nil {
			return nil, game.Errorf(game.ENotFound, "playerIds[%d]: no player %q in this campaign", n, game.Truncate(id, 40))
		}
		out[n] = m
	}
	return out, nil
}

// partiesChanged sends the DM every party.
func (r *Room) partiesChanged(b *batch) {
	b.toDMs(partiesChangedDMMsg{Seq: b.reqSeq, Parties: r.st.dmParties()}.frame())
}

func (r *Room) partyKnown(b *batch, partyID string) {
	if mp := r.st.mp; mp != nil {
		b.toDMs(partyKnownMsg{Seq: b.reqSeq, PartyID: partyID, Known: mp.party[partyID].levels(mp.size.Cells())}.frame())
	}
}

func (r *Room) playerKnown(b *batch, memberID string) {
	if mp := r.st.mp; mp != nil {
		b.toDMs(playerKnownMsg{Seq: b.reqSeq, PlayerID: memberID, Known: mp.privateLevels(memberID)}.frame())
	}
}

// newChangeOrNil starts a diff when there is a map to diff.
func (r *Room) newChangeOrNil() *change {
	if r.st.mp == nil {
		return nil
	}
	return r.newChange()
}

func (r *Room) emitIf(b *batch, ch *change) {
	if ch != nil {
		r.emitPlayerDiffs(b, ch)
	}
}

// leaving is what moving players between parties does to their knowledge: each keeps, as private
// knowledge, what of their old party's their new party does not know.
type leaving struct {
	m        *member
	from, to string
}

// keepInMemory copies, on the active map, what a leaving player keeps into their private
// knowledge; it reports whether that grew.
func (r *Room) keepInMemory(l leaving) bool {
	mp := r.st.mp
	if mp == nil || l.from == "" || l.from == l.to {
		return false
	}
	from, to := mp.party[l.from], mp.party[l.to]
	grew := false
	from.each(func(i int, lv uint8) {
		if to.level(i) >= lv {
			return
		}
		priv := mp.scope(mp.private, l.m.ID)
		if priv.level(i) < lv {
			priv.set(i, lv)
			grew = true
		}
	})
	return grew
}

// touchMembership snapshots what changing parties could change: parties, and every hex the
// parties involved know.
func (r *Room) touchMembership(ch *change, partyIDs ...string) {
	if ch == nil {
		return
	}
	ch.snapParties()
	for _, id := range partyIDs {
		if id != "" {
			ch.touchKnown(ch.mp.party[id])
		}
	}
}

// writeMembers writes players' moves into their new party ("" for none), keeping what they knew.
func (r *Room) writeMembers(b *batch, tx *storage.Tx, moving []leaving) error {
	for _, l := range moving {
		if l.from != "" && l.from != l.to {
			if err := tx.KeepPartyKnowledge(b.ctx, l.from, l.to, l.m.ID); err != nil {
				return err
			}
		}
		if err := tx.SetMemberParty(b.ctx, l.m.ID, l.to); err != nil {
			return err
		}
	}
	return nil
}

// applyMembers moves players in memory and returns those whose private knowledge grew (the DM
// hears of them after the parties).
func (r *Room) applyMembers(moving []leaving) (grew []string) {
	for _, l := range moving {
		if r.keepInMemory(l) {
			grew = append(grew, l.m.ID)
		}
		l.m.PartyID = l.to
	}
	r.invalidateViewers()
	return grew
}

// createParty is party:create: a new party, the listed players moved into it. It starts with the
// knowledge and tokens of the party the first listed player left (a split remembers the map
// made together), its token on the active map at key if given.
func (r *Room) createParty(b *batch, c command) error {
	members, err := r.players(*c.PlayerIDs)
	if err != nil {
		return err
	}
	var key *game.Key
	if len(c.Key) > 0 {
		if r.st.mp == nil {
			return game.Errorf(game.EConflict, "key: the campaign has no map yet")
		}
		if key, err = c.keyOrNull(); err != nil {
			return game.Errorf(game.EInvalid, "key: %v", err)
		}
		if err := r.onMap(*key); err != nil {
			return err
		}
	}
	p := game.Party{ID: uuid.NewString(), Name: *c.Name, Color: *c.Color, Reveal: game.RevealSight}
	source := ""
	if len(members) > 0 {
		source = members[0].PartyID
	}
	moving := make([]leaving, len(members))
	for n, m := range members {
		moving[n] = leaving{m: m, from: m.PartyID, to: p.ID}
	}

	tx, err := b.write()
	if err != nil {
		return err
	}
	if _, err := tx.CreateParty(b.ctx, r.id, p); err != nil {
		return err
	}
	if source != "" {
		if err := tx.CopyParty(b.ctx, source, p.ID); err != nil {
			return err
		}
	}
	if key != nil {
		if err := tx.SetPartyPosition(b.ctx, p.ID, r.st.mp.info.ID, key); err != nil {
			return err
		}
	}
	if err := r.writeMembers(b, tx, moving); err != nil {
		return err
	}
	split, err := r.splitTravel(b, tx, source, p.ID, key == nil)
	if err != nil {
		return err
	}
	payload := map[string]any{"partyId": p.ID, "name": p.Name, "color": p.Color, "reveal": p.Reveal,
		"playerIds": *c.PlayerIDs, "copiedFrom": nullable(source)}
	if key != nil {
		payload["mapId"], payload["key"] = r.st.mp.info.ID, key.String()
	}
	if _, err := b.event(game.EventPartyCreate, actorDM, payload); err != nil {
		return err
	}

	ch := r.newChangeOrNil()
	var from []string
	for _, l := range moving {
		from = append(from, l.from)
	}
	r.touchMembership(ch, from...)
	r.st.parties[p.ID] = &p
	split()
	r.st.partyOrder = append(r.st.partyOrder, p.ID)
	if mp := r.st.mp; mp != nil {
		if k := mp.party[source].clone(); k != nil {
			mp.party[p.ID] = k
		}
		if cell, ok := mp.tokens[source]; ok && source != "" {
			mp.tokens[p.ID] = cell
		}
		if key != nil {
			mp.tokens[p.ID] = mp.size.Index(*key)
		}
	}
	grew := r.applyMembers(moving)
	r.partiesChanged(b)
	r.partyKnown(b, p.ID)
	for _, id := range grew {
		r.playerKnown(b, id)
	}
	r.travelChanged(b, p.ID)
	r.emitIf(b, ch)
	return nil
}

func nullable(id string) *string {
	if id == "" {
		return nil
	}
	return &id
}

// updateParty is party:update: name, colour, reveal mode.
func (r *Room) updateParty(b *batch, c command) error {
	p, err := r.party("partyId", c.partyID)
	if err != nil {
		return err
	}
	next := *p
	payload := map[string]any{"partyId": p.ID}
	if c.Name != nil {
		next.Name, payload["name"] = *c.Name, *c.Name
	}
	if c.Color != nil {
		next.Color, payload["color"] = *c.Color, *c.Color
	}
	if len(c.Reveal) > 0 {
		next.Reveal, payload["reveal"] = c.revealMode, c.revealMode
	}
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := tx.UpdateParty(b.ctx, next); err != nil {
		return err
	}
	if _, err := b.event(game.EventPartyUpdate, actorDM, payload); err != nil {
		return err
	}
	ch := r.newChangeOrNil()
	if ch != nil {
		ch.snapParties()
	}
	*p = next
	r.partiesChanged(b)
	r.emitIf(b, ch)
	return nil
}

// assignParty is party:assign: players into a party, or into none.
func (r *Room) assignParty(b *batch, c command) error {
	if c.partyID != "" {
		if _, err := r.party("partyId", c.partyID); err != nil {
			return err
		}
	}
	members, err := r.players(*c.PlayerIDs)
	if err != nil {
		return err
	}
	var moving []leaving
	parties := []string{c.partyID}
	for _, m := range members {
		if m.PartyID != c.partyID {
			moving = append(moving, leaving{m: m, from: m.PartyID, to: c.partyID})
			parties = append(parties, m.PartyID)
		}
	}
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := r.writeMembers(b, tx, moving); err != nil {
		return err
	}
	if _, err := b.event(game.EventPartyAssign, actorDM, map[string]any{"partyId": nullable(c.partyID), "playerIds": *c.PlayerIDs}); err != nil {
		return err
	}
	ch := r.newChangeOrNil()
	r.touchMembership(ch, parties...)
	grew := r.applyMembers(moving)
	r.partiesChanged(b)
	for _, id := range grew {
		r.playerKnown(b, id)
	}
	r.emitIf(b, ch)
	return nil
}

// mergeParty is party:merge: every member of one party joins another, whose knowledge becomes
// the union of both; the merged party is deleted (its default role passing to the survivor).
// Both undo histories end: taking back a move of either could no longer be exact about what the
// other brought.
func (r *Room) mergeParty(b *batch, c command) error {
	from, err := r.party("partyId", c.partyID)
	if err != nil {
		return err
	}
	into, err := r.party("intoId", c.IntoID)
	if err != nil {
		return err
	}
	members := r.st.partyMembers(from.ID)
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := tx.MergePartyKnowledge(b.ctx, from.ID, into.ID); err != nil {
		return err
	}
	for _, id := range members {
		if err := tx.SetMemberParty(b.ctx, id, into.ID); err != nil {
			return err
		}
	}
	if from.Default {
		if err := tx.SetDefaultParty(b.ctx, r.id, into.ID); err != nil {
			return err
		}
	}
	if err := tx.ClearPartyMoves(b.ctx, into.ID); err != nil {
		return err
	}
	merged, err := r.mergeTravel(b, tx, from.ID, into.ID)
	if err != nil {
		return err
	}
	handOver, err := r.mergeNotesAndDisplays(b, tx, from.ID, into.ID)
	if err != nil {
		return err
	}
	if err := tx.DeleteParty(b.ctx, from.ID); err != nil {
		return err
	}
	if _, err := b.event(game.EventPartyMerge, actorDM, map[string]any{"partyId": from.ID, "intoId": into.ID,
		"playerIds": members, "default": from.Default}); err != nil {
		return err
	}

	ch := r.newChangeOrNil()
	r.touchMembership(ch, from.ID, into.ID)
	merged()
	notesMoved := handOver()
	for _, id := range members {
		r.st.members[id].PartyID = into.ID
	}
	r.invalidateViewers()
	if from.Default {
		into.Default = true
	}
	delete(r.st.parties, from.ID)
	r.st.partyOrder = slices.DeleteFunc(r.st.partyOrder, func(id string) bool { return id == from.ID })
	if mp := r.st.mp; mp != nil {
		if k := mp.party[from.ID]; k != nil {
			union := mp.scope(mp.party, into.ID)
			k.each(func(i int, l uint8) {
				if union.level(i) < l {
					union.set(i, l)
				}
			})
		}
		delete(mp.party, from.ID)
		delete(mp.tokens, from.ID)
		delete(mp.moves, from.ID)
		delete(mp.moves, into.ID)
	}
	r.partiesChanged(b)
	r.partyKnown(b, into.ID)
	if notesMoved {
		r.dmNotesChanged(b)
	}
	r.emitIf(b, ch)
	return nil
}

// memberJoined tells the new player's fellow members and the DM who is in the party now.
func (r *Room) memberJoined(b *batch, m *member) {
	ch := r.newChangeOrNil()
	if ch != nil {
		ch.snapParties()
	}
	r.st.members[m.ID] = m
	r.st.order = append(r.st.order, m.ID)
	r.st.authors[m.ID] = m.Name
	r.invalidateViewers()
	r.partiesChanged(b)
	r.emitIf(b, ch)
}

// memberLeft does the same when a player is revoked.
func (r *Room) memberLeft(b *batch, memberID string) {
	ch := r.newChangeOrNil()
	if ch != nil {
		ch.snapParties()
	}
	if m := r.st.members[memberID]; m != nil {
		m.gone = true
	}
	delete(r.st.members, memberID)
	r.st.order = slices.DeleteFunc(r.st.order, func(id string) bool { return id == memberID })
	r.invalidateViewers()
	r.partiesChanged(b)
	r.emitIf(b, ch)
}

// moveParty is party:move.
func (r *Room) moveParty(b *batch, c command) error {
	if !r.st.status().Live() {
		return game.Errorf(game.EConflict, "moving a party needs a live session (the session is %s)", r.st.status())
	}
	p, err := r.party("partyId", c.partyID)
	if err != nil {
		return err
	}
	if r.st.travel.lost(p.ID) {
		return game.Errorf(game.EConflict, "%s is lost: move it with travel:move, or declare it found (travel:found)", p.Name)
	}
	cells, err := r.keysOnMapInOrder("path", c.Path)
	if err != nil {
		return err
	}
	sc := game.StagedChange{Kind: game.StageMove, PartyID: c.partyID, Path: c.Path}
	if err := r.checkPath(r.stagedPosition(c.partyID), cells); err != nil {
		return err
	}
	return r.stageOrApply(b, sc)
}

// placeParty is party:place.
func (r *Room) placeParty(b *batch, c command) error {
	if _, err := r.party("partyId", c.partyID); err != nil {
		return err
	}
	k, _ := c.keyOrNull()
	key := json.RawMessage("null")
	if k != nil {
		if err := r.onMap(*k); err != nil {
			return err
		}
		key = mustJSON(k.String())
	}
	live := r.st.status().Live()
	if c.revealHexes && !live {
		return game.Errorf(game.EConflict, "placing a party with reveal: true needs a live session (the session is %s)", r.st.status())
	}
	reveal := c.revealHexes
	sc := game.StagedChange{Kind: game.StagePlace, PartyID: c.partyID, Key: key, Reveal: &reveal}
	return r.stageOrApply(b, sc)
}

// keysOnMapInOrder is keysOnMap keeping order and repeats: a path may cross itself.
func (r *Room) keysOnMapInOrder(field string, keys []string) ([]int, error) {
	size := r.st.mp.size
	out := make([]int, len(keys))
	for n, s := range keys {
		k, err := size.ParseKeyOn(s)
		if err != nil {
			return nil, game.Errorf(game.EInvalid, "%s[%d]: %v", field, n, err)
		}
		out[n] = size.Index(k)
	}
	return out, nil
}

// checkPath checks that each step of a path is a neighbour of the one before, the first of the
// token at from (a cell; -1: off the map).
func (r *Room) checkPath(from int, path []int) error {
	mp := r.st.mp
	if from < 0 {
		return game.Errorf(game.EConflict, "the party is not on this map: place it first (party:place)")
	}
	prev := from
	for n, cell := range path {
		if !game.Adjacent(mp.info.Orientation, mp.size.KeyAt(prev), mp.size.KeyAt(cell)) {
			return game.Errorf(game.EInvalid, "path[%d]: %s is not next to %s", n, mp.size.KeyAt(cell), mp.size.KeyAt(prev))
		}
		prev = cell
	}
	return nil
}

// stagedPosition is where a party will stand once the staged list is published: a staged move
// starts where the staged moves and placements before it leave the party.
func (r *Room) stagedPosition(partyID string) int {
	pos := r.position(partyID)
	if !r.staging() {
		return pos
	}
	for _, sc := range r.st.staged {
		if sc.PartyID != partyID {
			continue
		}
		switch sc.Kind {
		case game.StagePlace:
			pos = r.placeCell(sc)
		case game.StageMove:
			if cells, err := r.keysOnMapInOrder("path", sc.Path); err == nil && len(cells) > 0 {
				pos = cells[len(cells)-1]
			}
		}
	}
	return pos
}

func (r *Room) position(partyID string) int {
	if c, ok := r.st.mp.tokens[partyID]; ok {
		return c
	}
	return -1
}

// placeCell reads a staged placement's key: a cell, or -1 off the map.
func (r *Room) placeCell(sc game.StagedChange) int {
	var s *string
	if json.Unmarshal(sc.Key, &s) != nil || s == nil {
		return -1
	}
	k, err := r.st.mp.size.ParseKeyOn(*s)
	if err != nil {
		return -1
	}
	return r.st.mp.size.Index(k)
}

// checkStagedMoves checks, before publishing changes anything, that every staged move still
// starts next to where its party will stand (a staged move or placement before it may have been
// undone). Moves of parties merged away since are skipped when published.
func (r *Room) checkStagedMoves() error {
	pos := map[string]int{}
	at := func(id string) int {
		if c, ok := pos[id]; ok {
			return c
		}
		return r.position(id)
	}
	for n, sc := range r.st.staged {
		if r.st.parties[sc.PartyID] == nil {
			continue
		}
		switch sc.Kind {
		case game.StagePlace:
			pos[sc.PartyID] = r.placeCell(sc)
		case game.StageMove:
			cells, err := r.keysOnMapInOrder("path", sc.Path)
			if err == nil {
				err = r.checkPath(at(sc.PartyID), cells)
			}
			if err != nil {
				return game.Errorf(game.EConflict, "staged change %d (a move of %s): %s; undo it or stage a placement first",
					n, r.st.parties[sc.PartyID].Name, game.MessageOf(err))
			}
			pos[sc.PartyID] = cells[len(cells)-1]
		}
	}
	return nil
}

// stepSight is how one step of a move sees: whether it reveals at all (a lost party's steps do
// not) and the weather's sight penalty.
type stepSight struct {
	reveal  bool
	penalty int
}

// planSteps computes what stepping on cells in order reveals to a party, without changing
// anything: the hexes whose party knowledge rises, in the order they first rise. sights says
// how each step sees; nil: every step reveals, through the party's weather now.
func (r *Room) planSteps(p *game.Party, steps []int, sights []stepSight) []raise {
	mp := r.st.mp
	k := mp.party[p.ID]
	var out []raise
	at := map[int]int{} // cell → index in out
	lift := func(i int, l uint8) {
		if n, ok := at[i]; ok {
			out[n].after = max(out[n].after, l)
			return
		}
		if before := k.level(i); before < l {
			at[i] = len(out)
			out = append(out, raise{cell: i, before: before, after: l})
		}
	}
	now := stepSight{reveal: true, penalty: r.st.travel.of(p.ID).Weather.Penalty()}
	for n, cell := range steps {
		s := now
		if sights != nil {
			s = sights[n]
		}
		if !s.reveal {
			continue
		}
		switch p.Reveal {
		case game.RevealSight:
			r.st.sight.SeenFrom(mp.size, mp.info.Orientation, mp.terrain, mp.size.KeyAt(cell), s.penalty, func(i int) {
				lift(i, game.LevelGlimpsed)
			})
			lift(cell, game.LevelExplored)
		case game.RevealHex:
			lift(cell, game.LevelExplored)
		}
	}
	return out
}

// applyStep applies a staged (or immediate) move or placement: the token goes, the party's
// knowledge rises by what it sees, the event says all of it (a replay needs no sight rules), and
// an undo record remembers it.
func (r *Room) applyStep(b *batch, ch *change, sc game.StagedChange) error {
	mp := r.st.mp
	p := r.st.parties[sc.PartyID]
	if p == nil {
		return nil // merged away after it was staged: nothing to move
	}
	from := r.position(p.ID)
	var path []int
	to := -1
	reveal := sc.Kind == game.StageMove
	if sc.Kind == game.StageMove {
		if r.st.travel.lost(p.ID) {
			return game.Errorf(game.EConflict, "staged move: %s is lost: undo the staged move, or declare the party found", p.Name)
		}
		cells, err := r.keysOnMapInOrder("path", sc.Path)
		if err == nil {
			err = r.checkPath(from, cells)
		}
		if err != nil {
			return game.Errorf(game.EConflict, "staged move: %s", game.MessageOf(err))
		}
		path, to = cells, cells[len(cells)-1]
	} else {
		to = r.placeCell(sc)
		if to >= 0 {
			path = []int{to}
		}
		reveal = sc.Reveal != nil && *sc.Reveal
	}
	var raised []raise
	if reveal {
		raised = r.planSteps(p, path, nil)
	}
	kls, explored, glimpsed := r.raisedLevels(raised)
	keys := make([]string, len(path))
	for n, c := range path {
		keys[n] = mp.size.KeyAt(c).String()
	}

	tx, err := b.write()
	if err != nil {
		return err
	}
	var toKey *game.Key
	if to >= 0 {
		k := mp.size.KeyAt(to)
		toKey = &k
	}
	if err := r.writeStep(b, tx, p.ID, toKey, kls); err != nil {
		return err
	}
	found := func() {}
	if sc.Kind == game.StagePlace {
		if found, err = r.placedTravel(b, tx, p.ID); err != nil {
			return err
		}
	}
	payload := map[string]any{"partyId": p.ID, "mapId": mp.info.ID, "from": mp.keyOrNil(from),
		"explored": explored, "glimpsed": glimpsed}
	ev := game.EventPartyMove
	if sc.Kind == game.StageMove {
		payload["path"] = keys
	} else {
		ev = game.EventPartyPlace
		payload["key"], payload["reveal"] = mp.keyOrNil(to), reveal
	}
	seq, err := b.event(ev, actorDM, payload)
	if err != nil {
		return err
	}
	rec := &moveRecord{seq: seq, from: from, to: to, raised: raised}
	if err := r.appendMove(b, tx, p.ID, rec); err != nil {
		return err
	}

	ch.snapParties()
	found()
	mp.stepTo(ch, p.ID, to, raised)
	undo := mp.pushMove(p.ID, rec)
	b.toDMs(partyMovedMsg{Seq: seq, PartyID: p.ID, Key: mp.keyOrNil(to), Path: keys, Explored: explored,
		Glimpsed: glimpsed, Undo: undo}.frame())
	return nil
}

// writeStep persists where a party's token now stands (nil: off the map) and the knowledge its
// step raised.
func (r *Room) writeStep(b *batch, tx *storage.Tx, partyID string, to *game.Key, kls []storage.KeyLevel) error {
	mp := r.st.mp
	if err := tx.SetPartyPosition(b.ctx, partyID, mp.info.ID, to); err != nil {
		return err
	}
	if len(kls) == 0 {
		return nil
	}
	return tx.RaiseParty(b.ctx, mp.info.ID, partyID, kls)
}

// appendMove persists rec as the party's newest undo record, dropping its oldest when it would
// have more than game.MaxUndoMoves (as pushMove does in memory).
func (r *Room) appendMove(b *batch, tx *storage.Tx, partyID string, rec *moveRecord) error {
	mp := r.st.mp
	var drop int64
	if old := mp.moves[partyID]; len(old) >= game.MaxUndoMoves {
		drop = old[len(old)-game.MaxUndoMoves].seq
	}
	return tx.AppendPartyMove(b.ctx, partyID, mp.info.ID, rec.seq, mp.encodeMove(rec), drop)
}

// stepTo puts the party's token on cell to (off the map: to < 0) and raises its knowledge as
// raised says, marking those hexes for the players' diffs.
func (m *mapState) stepTo(ch *change, partyID string, to int, raised []raise) {
	for _, x := range raised {
		ch.touch(x.cell)
	}
	k := m.scope(m.party, partyID)
	for _, x := range raised {
		k.set(x.cell, x.after)
	}
	if to >= 0 {
		m.tokens[partyID] = to
	} else {
		delete(m.tokens, partyID)
	}
}

// pushMove remembers rec as the party's newest undo record, keeping the newest
// game.MaxUndoMoves, and returns how many the party has.
func (m *mapState) pushMove(partyID string, rec *moveRecord) int {
	moves := append(m.moves[partyID], rec)
	if len(moves) > game.MaxUndoMoves {
		moves = moves[len(moves)-game.MaxUndoMoves:]
	}
	m.moves[partyID] = moves
	return len(moves)
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// undoPartyMove is party:undo: the party's last move or placement on the active map is taken
// back with exactly the reveals it caused. Hexes whose party knowledge something else changed
// since were dropped from the record when that happened (stripMoves), so they stay as they are.
func (r *Room) undoPartyMove(b *batch, c command) error {
	if !r.st.status().Live() {
		return game.Errorf(game.EConflict, "party:undo needs a live session (the session is %s)", r.st.status())
	}
	p, err := r.party("partyId", c.partyID)
	if err != nil {
		return err
	}
	mp := r.st.mp
	moves := mp.moves[p.ID]
	if len(moves) == 0 {
		return game.Errorf(game.EConflict, "%s has no move on this map to take back", p.Name)
	}
	rec := moves[len(moves)-1]
	kls := make([]storage.KeyLevel, len(rec.raised))
	forgotten, glimpsed := []string{}, []string{}
	for n, x := range rec.raised {
		k := mp.size.KeyAt(x.cell)
		kls[n] = storage.KeyLevel{Key: k, Level: x.before}
		if x.before == game.LevelUnknown {
			forgotten = append(forgotten, k.String())
		} else {
			glimpsed = append(glimpsed, k.String())
		}
	}
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := tx.SetPartyLevels(b.ctx, mp.info.ID, p.ID, kls); err != nil {
		return err
	}
	var fromKey *game.Key
	if rec.from >= 0 {
		k := mp.size.KeyAt(rec.from)
		fromKey = &k
	}
	if err := tx.SetPartyPosition(b.ctx, p.ID, mp.info.ID, fromKey); err != nil {
		return err
	}
	if err := tx.DeletePartyMove(b.ctx, p.ID, mp.info.ID, rec.seq); err != nil {
		return err
	}
	undone, travel, err := r.undoneTravel(b, tx, p.ID, rec.travel)
	if err != nil {
		return err
	}
	payload := map[string]any{"partyId": p.ID, "mapId": mp.info.ID,
		"undid": rec.seq, "key": mp.keyOrNil(rec.from), "forgotten": forgotten, "glimpsed": glimpsed}
	if travel != nil {
		payload["travel"] = travel
	}
	if _, err := b.event(game.EventPartyUndo, actorDM, payload); err != nil {
		return err
	}

	ch := r.newChange()
	ch.snapParties()
	undone()
	for _, x := range rec.raised {
		ch.touch(x.cell)
	}
	k := mp.scope(mp.party, p.ID)
	for _, x := range rec.raised {
		k.set(x.cell, x.before)
	}
	if rec.from >= 0 {
		mp.tokens[p.ID] = rec.from
	} else {
		delete(mp.tokens, p.ID)
	}
	mp.moves[p.ID] = moves[:len(moves)-1]
	r.partiesChanged(b)
	r.partyKnown(b, p.ID)
	r.emitPlayerDiffs(b, ch)
	return nil
}

// stripPlan is a party's undo records without some hexes: their party knowledge changed by
// something other than the party's own moves, so an undo must leave them alone.
type stripPlan struct {
	partyID string
	records []*moveRecord // the new list
	changed []*moveRecord // to write back
}

// planStrip drops from a party's undo records the hexes for which changed is true.
func (m *mapState) planStrip(partyID string, changed func(i int) bool) *stripPlan {
	recs := m.moves[partyID]
	plan := &stripPlan{partyID: partyID, records: make([]*moveRecord, len(recs))}
	for n, rec := range recs {
		plan.records[n] = rec
		var kept []raise
		for _, x := range rec.raised {
			if !changed(x.cell) {
				kept = append(kept, x)
			}
		}
		if len(kept) != len(rec.raised) {
			next := *rec
			next.raised = kept
			plan.records[n] = &next
			plan.changed = append(plan.changed, &next)
		}
	}
	if len(plan.changed) == 0 {
		return nil
	}
	return plan
}

func (r *Room) writeStrip(b *batch, tx *storage.Tx, plan *stripPlan) error {
	if plan == nil {
		return nil
	}
	mp := r.st.mp
	for _, rec := range plan.changed {
		if err := tx.UpdatePartyMove(b.ctx, plan.partyID, mp.info.ID, rec.seq, mp.encodeMove(rec)); err != nil {
			return err
		}
	}
	return nil
}

func (m *mapState) applyStrip(plan *stripPlan) {
	if plan != nil {
		m.moves[plan.partyID] = plan.records
	}
}
