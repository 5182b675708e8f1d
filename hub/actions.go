package hub

import (
	"encoding/binary"
	"encoding/json"
	"slices"

	"github.com/google/uuid"
	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

const actorDM = "dm"

// command runs one validated client command in the room.
func (r *Room) command(b *batch, c command) error {
	st := r.st
	switch c.Type {
	case cmdSessionStart:
		return r.startSession(b)
	case cmdSessionPause:
		return r.moveSession(b, game.Active, game.Paused, game.EventSessionPause, nil)
	case cmdResume:
		return r.moveSession(b, game.Paused, game.Active, game.EventSessionResume, nil)
	case cmdSessionEnd:
		return r.endSession(b)
	case cmdMode:
		return r.setMode(b, c.Mode)
	case cmdPublish:
		return r.publish(b)
	case cmdUndo:
		return r.undo(b, *c.Index)
	}

	// The rest act on the map.
	if st.mp == nil {
		return game.Errorf(game.EConflict, "the campaign has no map yet")
	}
	staging := st.status().Live() && st.campaign.BroadcastMode == game.Staged
	switch c.Type {
	case cmdReveal, cmdHide:
		if !st.status().Live() {
			return game.Errorf(game.EConflict, "%s needs a live session (the session is %s)", c.Type, st.status())
		}
		if _, err := r.keysOnMap("hexKeys", c.HexKeys); err != nil {
			return err
		}
		if err := r.checkPlayers(*c.Targets); err != nil {
			return err
		}
		kind := "reveal"
		if c.Type == cmdHide {
			kind = "hide"
		}
		return r.stageOrApply(b, stagedChange{Kind: kind, HexKeys: c.HexKeys, Targets: c.Targets}, staging)
	case cmdToken:
		if !st.status().Live() {
			return game.Errorf(game.EConflict, "moving the party token needs a live session (the session is %s)", st.status())
		}
		k, _ := c.keyOrNull()
		key := json.RawMessage("null")
		if k != nil {
			if !st.mp.size.Contains(*k) {
				return game.Errorf(game.EInvalid, "key: %q is off the %d×%d map", k.String(), st.mp.size.Width, st.mp.size.Height)
			}
			key = mustJSON(k.String())
		}
		return r.stageOrApply(b, stagedChange{Kind: "token", Key: key}, staging)
	case cmdFill:
		k, _ := c.keyOrNull()
		if !st.mp.size.Contains(*k) {
			return game.Errorf(game.EInvalid, "key: %q is off the %d×%d map", k.String(), st.mp.size.Width, st.mp.size.Height)
		}
		mp := st.mp
		region := game.FloodFill(mp.size, mp.info.Orientation, *k, func(k game.Key) game.Terrain { return mp.terrainAt(mp.size.Index(k)) })
		changes := make([]HexChange, len(region))
		for i, rk := range region {
			changes[i] = HexChange{Key: rk.String(), Terrain: c.Terrain}
		}
		return r.update(b, changes, staging)
	case cmdUpdate:
		return r.update(b, c.Changes, staging)
	}
	return game.Errorf(game.EUnknownType, "unknown message type %q", c.Type)
}

// stageOrApply queues a change in staged mode, or applies it and tells each player what they
// now see.
func (r *Room) stageOrApply(b *batch, sc stagedChange, staging bool) error {
	if staging {
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

func (r *Room) checkPlayers(t Targets) error {
	for _, id := range t.PlayerIDs {
		if _, ok := r.st.members[id]; !ok {
			return game.Errorf(game.ENotFound, "no player %q in this campaign", truncate(id, 40))
		}
	}
	return nil
}

// Session lifecycle.

func (r *Room) statusChanged(b *batch, seq int64) {
	s := r.st.session
	b.toAll(mustJSON(struct {
		Type      string             `json:"type"`
		Seq       int64              `json:"seq"`
		SessionID string             `json:"sessionId"`
		Status    game.SessionStatus `json:"status"`
	}{msgStatusChanged, seq, s.ID, s.Status}))
}

func (r *Room) startSession(b *batch) error {
	if s := r.st.status(); s != game.Waiting && s != game.Ended {
		return game.Errorf(game.EConflict, "a session is already %s", s)
	}
	if r.st.mp == nil {
		return game.Errorf(game.EConflict, "create a map before starting a session")
	}
	tx, err := b.write()
	if err != nil {
		return err
	}
	sess, err := tx.StartSession(b.ctx, r.id)
	if err != nil {
		return err
	}
	prev := r.st.session
	r.st.session = &sess // so the event is filed under the new session
	seq, err := b.event(game.EventSessionStart, actorDM, map[string]string{"sessionId": sess.ID})
	if err != nil {
		r.st.session = prev
		return err
	}
	r.statusChanged(b, seq)
	return nil
}

func (r *Room) moveSession(b *batch, from, to game.SessionStatus, ev game.EventType, payload any) error {
	if s := r.st.status(); s != from {
		return game.Errorf(game.EConflict, "the session is %s, not %s", s, from)
	}
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := tx.SetSessionStatus(b.ctx, r.st.session.ID, to); err != nil {
		return err
	}
	seq, err := b.event(ev, actorDM, payload)
	if err != nil {
		return err
	}
	r.st.session.Status = to
	r.statusChanged(b, seq)
	return nil
}

func (r *Room) endSession(b *batch) error {
	if !r.st.status().Live() {
		return game.Errorf(game.EConflict, "there is no live session to end (the session is %s)", r.st.status())
	}
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := tx.SetSessionStatus(b.ctx, r.st.session.ID, game.Ended); err != nil {
		return err
	}
	discarded := len(r.st.staged)
	if discarded > 0 {
		if err := tx.ClearStaged(b.ctx, r.id); err != nil {
			return err
		}
	}
	seq, err := b.event(game.EventSessionEnd, actorDM, map[string]int{"discardedStaged": discarded})
	if err != nil {
		return err
	}
	r.st.session.Status = game.Ended
	if discarded > 0 {
		r.st.staged = nil
		r.stagedChanged(b, seq, true)
	}
	r.statusChanged(b, seq)
	return nil
}

func (r *Room) setMode(b *batch, mode game.BroadcastMode) error {
	if r.st.campaign.BroadcastMode == mode {
		return nil
	}
	if mode == game.Immediate && len(r.st.staged) > 0 {
		return game.Errorf(game.EConflict, "publish or undo the %d staged changes before switching to immediate", len(r.st.staged))
	}
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := tx.SetBroadcastMode(b.ctx, r.id, mode); err != nil {
		return err
	}
	seq, err := b.event(game.EventBroadcastMode, actorDM, map[string]game.BroadcastMode{"mode": mode})
	if err != nil {
		return err
	}
	r.st.campaign.BroadcastMode = mode
	b.toDMs(mustJSON(struct {
		Type string             `json:"type"`
		Seq  int64              `json:"seq"`
		Mode game.BroadcastMode `json:"mode"`
	}{msgModeChanged, seq, mode}))
	return nil
}

// The staged list.

func (r *Room) stagedChanged(b *batch, seq int64, preparingMayChange bool) {
	staged := r.st.staged
	if staged == nil {
		staged = []stagedChange{}
	}
	b.toDMs(mustJSON(struct {
		Type   string         `json:"type"`
		Seq    int64          `json:"seq"`
		Staged []stagedChange `json:"staged"`
	}{msgStagedChanged, seq, staged}))
	if preparingMayChange {
		b.toPlayers(mustJSON(struct {
			Type      string `json:"type"`
			Preparing bool   `json:"preparing"`
		}{msgDMPreparing, r.st.preparing()}))
	}
}

func (r *Room) stage(b *batch, sc stagedChange) error {
	sc.ID = uuid.NewString()
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := tx.AppendStaged(b.ctx, r.id, storage.StagedRow{ID: sc.ID, Payload: mustJSON(sc)}); err != nil {
		return err
	}
	seq, err := b.event(game.EventStagedAdd, actorDM, sc)
	if err != nil {
		return err
	}
	wasEmpty := len(r.st.staged) == 0
	r.st.staged = append(r.st.staged, sc)
	r.stagedChanged(b, seq, wasEmpty)
	return nil
}

func (r *Room) undo(b *batch, index int) error {
	if index >= len(r.st.staged) {
		return game.Errorf(game.ENotFound, "no staged change at index %d (there are %d)", index, len(r.st.staged))
	}
	sc := r.st.staged[index]
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := tx.DeleteStaged(b.ctx, r.id, sc.ID); err != nil {
		return err
	}
	seq, err := b.event(game.EventStagedUndo, actorDM, map[string]any{"index": index, "change": sc})
	if err != nil {
		return err
	}
	r.st.staged = slices.Delete(slices.Clone(r.st.staged), index, index+1)
	r.stagedChanged(b, seq, len(r.st.staged) == 0)
	return nil
}

// publish applies the whole staged list in one transaction; each player then gets one diff of
// what they see, not one message per staged change.
func (r *Room) publish(b *batch) error {
	if !r.st.status().Live() {
		return game.Errorf(game.EConflict, "publishing needs a live session (the session is %s)", r.st.status())
	}
	if len(r.st.staged) == 0 {
		return game.Errorf(game.EConflict, "nothing is staged")
	}
	if r.st.mp == nil {
		return game.Errorf(game.EConflict, "the campaign has no map yet")
	}
	ch := r.newChange()
	for _, sc := range r.st.staged {
		if err := r.applyStaged(b, ch, sc); err != nil {
			return err
		}
	}
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := tx.ClearStaged(b.ctx, r.id); err != nil {
		return err
	}
	seq, err := b.event(game.EventPublish, actorDM, map[string]int{"changes": len(r.st.staged)})
	if err != nil {
		return err
	}
	r.st.staged = nil
	r.stagedChanged(b, seq, true)
	r.emitPlayerDiffs(b, ch)
	return nil
}

// update applies hex edits. In staged mode the visible part (terrain, label) is staged while
// notes, which only the DM ever sees, apply at once.
func (r *Room) update(b *batch, changes []HexChange, staging bool) error {
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
	var notesNow, visible []HexChange
	for _, c := range changes {
		if c.Notes != nil {
			notesNow = append(notesNow, HexChange{Key: c.Key, Notes: c.Notes})
		}
		if c.visible() {
			visible = append(visible, HexChange{Key: c.Key, Terrain: c.Terrain, Label: c.Label})
		}
	}
	if len(notesNow) > 0 {
		if err := r.applyUpdate(b, r.newChange(), notesNow); err != nil {
			return err
		}
	}
	if len(visible) > 0 {
		return r.stage(b, stagedChange{Kind: "update", Changes: visible})
	}
	return nil
}

func keysOf(changes []HexChange) []string {
	keys := make([]string, len(changes))
	for i, c := range changes {
		keys[i] = c.Key
	}
	return keys
}

// applyStaged applies one reveal, hide or token change now (immediately or at publish).
func (r *Room) applyStaged(b *batch, ch *change, sc stagedChange) error {
	mp := r.st.mp
	switch sc.Kind {
	case "update":
		return r.applyUpdate(b, ch, sc.Changes)
	case "token":
		var k *game.Key
		var s string
		if json.Unmarshal(sc.Key, &s) == nil {
			parsed, err := mp.size.ParseKeyOn(s)
			if err != nil {
				return game.Errorf(game.EConflict, "staged token move: %v", err)
			}
			k = &parsed
		}
		tx, err := b.write()
		if err != nil {
			return err
		}
		if err := tx.SetToken(b.ctx, mp.info.ID, k); err != nil {
			return err
		}
		seq, err := b.event(game.EventTokenMove, actorDM, map[string]json.RawMessage{"key": sc.Key})
		if err != nil {
			return err
		}
		ch.touchToken()
		mp.token = -1
		if k != nil {
			mp.token = mp.size.Index(*k)
		}
		b.toDMs(mustJSON(struct {
			Type string          `json:"type"`
			Seq  int64           `json:"seq"`
			Key  json.RawMessage `json:"key"`
		}{msgTokenMoved, seq, sc.Key}))
		return nil
	}

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
	reveal := sc.Kind == "reveal"
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
		HexKeys []string `json:"hexKeys"`
		Targets Targets  `json:"targets"`
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
			hexes[n] = mp.hex(i, true)
		}
		b.toDMs(mustJSON(struct {
			Type    string    `json:"type"`
			Seq     int64     `json:"seq"`
			Hexes   []hexView `json:"hexes"`
			Targets Targets   `json:"targets"`
		}{msgHexRevealed, seq, hexes, t}))
	} else {
		b.toDMs(mustJSON(struct {
			Type    string   `json:"type"`
			Seq     int64    `json:"seq"`
			Keys    []string `json:"keys"`
			Targets Targets  `json:"targets"`
		}{msgHexHidden, seq, sc.HexKeys, t}))
	}
	return nil
}

func (r *Room) applyUpdate(b *batch, ch *change, changes []HexChange) error {
	mp := r.st.mp
	idx, err := r.keysOnMap("changes", keysOf(changes))
	if err != nil {
		return game.Errorf(game.EConflict, "staged update: %v", game.MessageOf(err))
	}
	// Later changes to the same hex win; merge into the hex's current contents.
	next := make(map[int]storage.Hex, len(idx))
	for _, c := range changes {
		k, _ := mp.size.ParseKeyOn(c.Key)
		i := mp.size.Index(k)
		h, ok := next[i]
		if !ok {
			h = mp.storedHex(i)
		}
		next[i] = c.apply(h)
	}
	rows := make([]storage.Hex, 0, len(next))
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
	seq, err := b.event(game.EventHexUpdate, actorDM, map[string][]HexChange{"changes": changes})
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
		hexes = append(hexes, mp.hex(i, true))
	}
	b.toDMs(mustJSON(struct {
		Type  string    `json:"type"`
		Seq   int64     `json:"seq"`
		Hexes []hexView `json:"hexes"`
	}{msgHexUpdated, seq, hexes}))
	return nil
}

func setOrDelete(m map[int]string, i int, v string) {
	if v == "" {
		delete(m, i)
	} else {
		m[i] = v
	}
}

// change remembers what touched hexes looked like before a request, so each player can be sent
// exactly the difference in what they see — and, by construction, nothing they cannot see.
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

// touchToken is a no-op marker: tokenBefore was taken when the change began.
func (ch *change) touchToken() {}

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
		tokenBefore, tokenNow := -1, -1
		if ch.tokenBefore >= 0 && ch.visibleBefore(id, ch.tokenBefore) {
			tokenBefore = ch.tokenBefore
		}
		if mp.token >= 0 && mp.visible(id, mp.token) {
			tokenNow = mp.token
		}
		tokenMoved := tokenBefore != tokenNow
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

func playerFrames(mp *mapState, seq int64, revealed, hidden, updated []int, tokenMoved bool, token int) [][]byte {
	var frames [][]byte
	views := func(idx []int) []hexView {
		out := make([]hexView, len(idx))
		for n, i := range idx {
			out[n] = mp.hex(i, false)
		}
		return out
	}
	if len(hidden) > 0 {
		keys := make([]string, len(hidden))
		for n, i := range hidden {
			keys[n] = mp.size.KeyAt(i).String()
		}
		frames = append(frames, mustJSON(struct {
			Type string   `json:"type"`
			Seq  int64    `json:"seq"`
			Keys []string `json:"keys"`
		}{msgHexHidden, seq, keys}))
	}
	if len(revealed) > 0 {
		frames = append(frames, mustJSON(struct {
			Type  string    `json:"type"`
			Seq   int64     `json:"seq"`
			Hexes []hexView `json:"hexes"`
		}{msgHexRevealed, seq, views(revealed)}))
	}
	if len(updated) > 0 {
		frames = append(frames, mustJSON(struct {
			Type  string    `json:"type"`
			Seq   int64     `json:"seq"`
			Hexes []hexView `json:"hexes"`
		}{msgHexUpdated, seq, views(updated)}))
	}
	if tokenMoved {
		var key *string
		if token >= 0 {
			k := mp.size.KeyAt(token).String()
			key = &k
		}
		frames = append(frames, mustJSON(struct {
			Type string  `json:"type"`
			Seq  int64   `json:"seq"`
			Key  *string `json:"key"`
		}{msgTokenMoved, seq, key}))
	}
	return frames
}
