package hub

import (
	"slices"

	"github.com/google/uuid"
	"github.com/hexcrawl/hexcrawl/game"
)

// The session's lifecycle, the broadcast mode and the DM's staged list: room methods, run in a
// batch on the room's goroutine.

const actorDM = "dm"

func (r *Room) statusChanged(b *batch, seq int64) {
	s := r.st.session
	b.toAll(statusChangedMsg{Seq: seq, SessionID: s.ID, Status: s.Status}.frame())
	b.notify(SessionChanged)
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

// moveSession pauses or resumes.
func (r *Room) moveSession(b *batch, from, to game.SessionStatus, ev game.EventType) error {
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
	seq, err := b.event(ev, actorDM, nil)
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
	b.after = append(b.after, func() { r.hub.backupSoon("session end") })
	if discarded > 0 {
		r.st.staged = nil
		r.stagedChanged(b, seq, true)
	}
	r.statusChanged(b, seq)
	return nil
}

// staging reports whether visible changes wait in the staged list instead of applying.
func (r *Room) staging() bool {
	return r.st.status().Live() && r.st.campaign.BroadcastMode == game.Staged
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
	b.toDMs(modeChangedMsg{Seq: seq, Mode: mode}.frame())
	return nil
}

// stagedChanged sends the DM the staged list and, when it may have become empty or non-empty,
// tells players whether the DM is preparing something.
func (r *Room) stagedChanged(b *batch, seq int64, preparingMayChange bool) {
	staged := r.st.staged
	if staged == nil {
		staged = []game.StagedChange{}
	}
	b.toDMs(stagedChangedMsg{Seq: seq, Staged: staged}.frame())
	if preparingMayChange {
		b.toPlayers(dmPreparingMsg{Preparing: r.st.preparing()}.frame())
	}
}

func (r *Room) stage(b *batch, sc game.StagedChange) error {
	sc.ID = uuid.NewString()
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := tx.AppendStaged(b.ctx, r.id, sc); err != nil {
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
	if err := r.checkStagedMoves(); err != nil {
		return err
	}
	first := r.st.seq + 1 // the seq the first change applied here gets, if any writes one
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
	// first tells a replay which events players heard of as one change (docs/history.md).
	payload := map[string]int64{"changes": int64(len(r.st.staged))}
	if b.reqSeq >= first {
		payload["first"] = first
	}
	seq, err := b.event(game.EventPublish, actorDM, payload)
	if err != nil {
		return err
	}
	r.st.staged = nil
	r.stagedChanged(b, seq, true)
	r.emitPlayerDiffs(b, ch)
	return nil
}
