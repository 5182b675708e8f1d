package hub

import (
	"context"
	"crypto/sha256"
	"slices"

	"github.com/google/uuid"
	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
	"golang.org/x/time/rate"
)

// At the table (docs/table.md): pings, players' notes on hexes, and table screens. The rules
// that keep the fog: a ping or a note reaches only someone who knows its hex (glimpsed or
// explored); a player's notes reach their author and, when shared, the members of the party
// they are shared with; a table screen watches like a member of its party with no private
// knowledge (or, for everyone, like a player in no party) and can send nothing but the heartbeat.

// ---------------------------------------------------------------- who may send what

// allowed says whether this socket may send cmd at all (what it may do with it is the room's).
func (c *client) allowed(cmd command) error {
	spec := commands[cmd.Type]
	switch {
	case c.role == game.RoleDisplay:
		return game.Errorf(game.EForbidden, "a table screen can only watch: %s is refused", cmd.Type)
	case spec.dmOnly && c.role != game.RoleDM:
		return game.Errorf(game.EForbidden, "%s is for the DM only", cmd.Type)
	case spec.playersOnly && c.role != game.RolePlayer:
		return game.Errorf(game.EForbidden, "%s is a player's own: the DM reads players' notes but writes none", cmd.Type)
	}
	return nil
}

// pingAllowed takes one ping from the sender's bucket: a player's is shared by all their
// sockets. Past it the ping is refused at once; a client that keeps flooding is handled like
// any other flood of errors.
func (h *Hub) pingAllowed(c *client) error {
	key, burst, perSecond := c.memberID, game.PingBurst, game.PingsPerSecond
	if c.role == game.RoleDM {
		key, burst, perSecond = "dm", game.DMPingBurst, game.DMPingsPerSecond
	}
	h.pingMu.Lock()
	l := h.pingBuckets[key]
	if l == nil {
		l = rate.NewLimiter(rate.Limit(perSecond), burst)
		h.pingBuckets[key] = l
	}
	h.pingMu.Unlock()
	if !l.Allow() {
		return game.Errorf(game.ERateLimited, "too many pings: at most %d a second", perSecond)
	}
	return nil
}

// ---------------------------------------------------------------- pings

// ping is hex:ping. A player's ping goes to the DM and to the members of their party who know
// the hex (the pinger included: their echo is the sign it went out), and to their party's table
// screens that show it; the DM's goes to whom targets name (default everyone) among those who
// know the hex. Nothing is written: a ping changes no state, so it is neither logged nor kept,
// and a socket that connects later never hears of it.
func (r *Room) ping(b *batch, c command) error {
	if err := r.onMap(c.key); err != nil {
		return err
	}
	mp := r.st.mp
	i := mp.size.Index(c.key)
	msg := hexPingedMsg{ID: uuid.NewString(), Key: c.key.String()}
	knows := func(m *member) bool { return m.online() && mp.level(mp.viewerOf(m), i) > game.LevelUnknown }
	var to []*client
	add := func(m *member) {
		if knows(m) {
			for cl := range m.clients {
				to = append(to, cl)
			}
		}
	}
	partyIn := func(ids []string, id string) bool { return id != "" && slices.Contains(ids, id) }
	if c.from != nil && c.from.role == game.RolePlayer {
		me := r.st.members[c.from.memberID]
		if me == nil {
			return game.Errorf(game.EConflict, "you are no longer at this table")
		}
		if c.Targets != nil {
			return game.Errorf(game.EForbidden, "targets: a player's ping goes to their own party; only the DM chooses")
		}
		if mp.level(mp.viewerOf(me), i) == game.LevelUnknown {
			return game.Errorf(game.EForbidden, "key: you cannot ping %s, a hex you have not seen", c.key.String())
		}
		msg.From = &pingFrom{ID: me.ID, Name: me.Name}
		for _, id := range r.st.order {
			if m := r.st.members[id]; m == me || me.PartyID != "" && m.PartyID == me.PartyID {
				add(m)
			}
		}
		for _, id := range r.st.displayOrder {
			if d := r.st.displays[id]; me.PartyID != "" && d.PartyID == me.PartyID {
				add(d)
			}
		}
	} else {
		t := game.Targets{All: true}
		if c.Targets != nil {
			t = *c.Targets
		}
		if err := r.checkTargets(t); err != nil {
			return err
		}
		for _, id := range r.st.order {
			if m := r.st.members[id]; t.All || slices.Contains(t.PlayerIDs, id) || partyIn(t.PartyIDs, m.PartyID) {
				add(m)
			}
		}
		for _, id := range r.st.displayOrder {
			if d := r.st.displays[id]; t.All || partyIn(t.PartyIDs, d.PartyID) {
				add(d)
			}
		}
	}
	for cl := range r.clients {
		if cl.role == game.RoleDM {
			to = append(to, cl)
		}
	}
	b.send(msg.frame(), to...)
	return nil
}

// ---------------------------------------------------------------- notes

func (m *mapState) addNote(n game.PlayerNote) {
	m.notesOf = append(m.notesOf, &n)
	m.notesAt[m.size.Index(n.Key)]++
}

// noteAt finds an author's note on hex i, and its place in the list.
func (m *mapState) noteAt(author string, i int) (*game.PlayerNote, int) {
	for n, note := range m.notesOf {
		if note.AuthorID == author && m.size.Index(note.Key) == i {
			return note, n
		}
	}
	return nil, -1
}

func (m *mapState) dropNote(n int) {
	i := m.size.Index(m.notesOf[n].Key)
	if m.notesAt[i]--; m.notesAt[i] <= 0 {
		delete(m.notesAt, i)
	}
	m.notesOf = slices.Delete(m.notesOf, n, n+1)
}

func (m *mapState) notesBy(author string) int {
	count := 0
	for _, note := range m.notesOf {
		if note.AuthorID == author {
			count++
		}
	}
	return count
}

// readsNote says whether a member may ever read a note: their own, or one shared with their
// party. Whether they read it now depends also on knowing its hex (playerNotes).
func readsNote(m *member, n *game.PlayerNote) bool {
	return n.AuthorID == m.ID || n.PartyID != "" && n.PartyID == m.PartyID
}

func (s *roomState) noteView(n *game.PlayerNote) noteView {
	return noteView{ID: n.ID, Key: n.Key.String(), Text: n.Text, Shared: n.Shared(), AuthorID: n.AuthorID,
		AuthorName: s.authors[n.AuthorID], UpdatedAt: n.Updated}
}

// playerNotes is what member m, knowing v, may read: their own notes and those shared with their
// party, on hexes they know.
func (s *roomState) playerNotes(m *member, v viewer) []noteView {
	out := []noteView{}
	mp := s.mp
	if mp == nil {
		return out
	}
	for _, n := range mp.notesOf {
		if readsNote(m, n) && mp.level(v, mp.size.Index(n.Key)) > game.LevelUnknown {
			out = append(out, s.noteView(n))
		}
	}
	return out
}

// dmNotes is every player's note on the active map.
func (s *roomState) dmNotes() []dmNoteView {
	out := []dmNoteView{}
	if s.mp == nil {
		return out
	}
	for _, n := range s.mp.notesOf {
		out = append(out, dmNoteView{noteView: s.noteView(n), PartyID: nullable(n.PartyID)})
	}
	return out
}

func (r *Room) dmNotesChanged(b *batch) {
	b.toDMs(notesChangedDMMsg{Seq: b.reqSeq, Notes: r.st.dmNotes()}.frame())
}

// noteAuthor is the member sending a note command, and the hex they name, which they must know.
func (r *Room) noteAuthor(c command) (*member, int, error) {
	if err := r.onMap(c.key); err != nil {
		return nil, 0, err
	}
	if c.from == nil || c.from.role != game.RolePlayer {
		return nil, 0, game.Errorf(game.EForbidden, "notes are a player's own")
	}
	me := r.st.members[c.from.memberID]
	if me == nil {
		return nil, 0, game.Errorf(game.EConflict, "you are no longer at this table")
	}
	mp := r.st.mp
	i := mp.size.Index(c.key)
	if mp.level(mp.viewerOf(me), i) == game.LevelUnknown {
		return nil, 0, game.Errorf(game.EForbidden, "key: you cannot write a note on %s, a hex you have not seen", c.key.String())
	}
	return me, i, nil
}

// setNote is note:set: the sender's note on a hex they know, created or replaced. Shared, it is
// shared with the sender's party as it is now (saving it again from another party moves it).
func (r *Room) setNote(b *batch, c command) error {
	me, i, err := r.noteAuthor(c)
	if err != nil {
		return err
	}
	mp := r.st.mp
	old, at := mp.noteAt(me.ID, i)
	if old == nil && mp.notesBy(me.ID) >= game.MaxPlayerNotesPerMap {
		return game.Errorf(game.EConflict, "you have %d notes on this map, the most there can be: remove one first", game.MaxPlayerNotesPerMap)
	}
	party := ""
	if *c.Shared {
		if me.PartyID == "" {
			return game.Errorf(game.EConflict, "shared: you are in no party to share with")
		}
		party = me.PartyID
	}
	n := game.PlayerNote{MapID: mp.info.ID, Key: c.key, AuthorID: me.ID, Text: *c.Text, PartyID: party}
	if old != nil {
		n.ID = old.ID
	}
	tx, err := b.write()
	if err != nil {
		return err
	}
	if n, err = tx.PutPlayerNote(b.ctx, n); err != nil {
		return err
	}
	if _, err := b.event(game.EventNoteSet, me.ID, map[string]any{"noteId": n.ID, "mapId": n.MapID, "key": n.Key.String(),
		"text": n.Text, "partyId": nullable(n.PartyID)}); err != nil {
		return err
	}
	ch := r.newChange()
	ch.snapNotes()
	if old != nil {
		mp.dropNote(at)
	}
	mp.addNote(n)
	r.dmNotesChanged(b)
	r.emitPlayerDiffs(b, ch)
	return nil
}

// removeNote is note:remove: the sender's note on a hex goes.
func (r *Room) removeNote(b *batch, c command) error {
	if err := r.onMap(c.key); err != nil {
		return err
	}
	me := r.st.members[c.from.memberID]
	if me == nil {
		return game.Errorf(game.EConflict, "you are no longer at this table")
	}
	mp := r.st.mp
	old, at := mp.noteAt(me.ID, mp.size.Index(c.key))
	if old == nil {
		return game.Errorf(game.ENotFound, "key: you have no note on %s", c.key.String())
	}
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := tx.DeletePlayerNote(b.ctx, old.ID); err != nil {
		return err
	}
	if _, err := b.event(game.EventNoteRemove, me.ID, map[string]any{"noteId": old.ID, "mapId": old.MapID, "key": old.Key.String()}); err != nil {
		return err
	}
	ch := r.newChange()
	ch.snapNotes()
	mp.dropNote(at)
	r.dmNotesChanged(b)
	r.emitPlayerDiffs(b, ch)
	return nil
}

// mergeNotesAndDisplays hands what was shared with a merged party, and the screens watching it,
// to the party it merged into: people who meet compare maps, notes included.
func (r *Room) mergeNotesAndDisplays(b *batch, tx *storage.Tx, from, into string) (apply func() bool, err error) {
	if err := tx.MovePartyNotes(b.ctx, from, into); err != nil {
		return nil, err
	}
	if err := tx.MovePartyDisplays(b.ctx, from, into); err != nil {
		return nil, err
	}
	return func() bool {
		moved := false
		if mp := r.st.mp; mp != nil {
			for _, n := range mp.notesOf {
				if n.PartyID == from {
					n.PartyID, moved = into, true
				}
			}
		}
		for _, d := range r.st.displays {
			if d.PartyID == from {
				d.PartyID = into
			}
		}
		return moved
	}, nil
}

// ---------------------------------------------------------------- table screens

func newDisplay(d game.Display) *member {
	return &member{Member: game.Member{ID: d.ID, CampaignID: d.CampaignID, Name: d.Name, PartyID: d.PartyID}, clients: map[*client]struct{}{}}
}

func (s *roomState) loadDisplays(ctx context.Context, q storage.Queries) error {
	all, err := q.ListDisplays(ctx, s.campaign.ID)
	if err != nil {
		return err
	}
	for _, d := range all {
		if d.RevokedAt == nil {
			s.displays[d.ID] = newDisplay(d)
			s.displayOrder = append(s.displayOrder, d.ID)
		}
	}
	return nil
}

// displayState is a table screen's full projection: a party's (all ∪ party scope) or
// everyone's (all scope), without anyone's private knowledge and without notes.
func (s *roomState) displayState(id string) []byte {
	d := s.displays[id]
	st := displayStateMsg{stateHead: s.head(game.RoleDisplay), Parties: []playerPartyView{}, Markers: []playerMarkerView{}}
	st.Display = displayView{ID: d.ID, Name: d.Name, PartyID: nullable(d.PartyID)}
	if mp := s.mp; mp != nil {
		st.Parties, st.Markers = s.projectMap(&st.stateHead, d.PartyID, viewer{party: mp.party[d.PartyID]})
	}
	st.Travel = s.playerTravel(d.PartyID)
	return st.frameWith(s.playersJSON())
}

// viewerMember is the member (or table screen) a player's or screen's socket watches as; nil
// for the DM, and for one removed since.
func (s *roomState) viewerMember(c *client) *member {
	switch c.role {
	case game.RolePlayer:
		return s.members[c.memberID]
	case game.RoleDisplay:
		return s.displays[c.memberID]
	}
	return nil
}

// stateFor is the full state a socket gets on connect and on resync.
func (s *roomState) stateFor(c *client) []byte {
	switch c.role {
	case game.RolePlayer:
		return s.playerState(c.memberID)
	case game.RoleDisplay:
		return s.displayState(c.memberID)
	}
	return s.dmState()
}

// createDisplay makes a table screen watching partyID ("" for everyone) whose token hashes to
// secretHash.
func (r *Room) createDisplay(ctx context.Context, name, partyID string, secretHash []byte) (game.Display, error) {
	var d game.Display
	err := r.do(ctx, func(b *batch) error {
		if partyID != "" {
			if _, err := r.party("partyId", partyID); err != nil {
				return err
			}
		}
		if len(r.st.displays) >= game.MaxDisplaysPerCampaign {
			return game.Errorf(game.EConflict, "this campaign has %d table screens, the most there can be: revoke one first", game.MaxDisplaysPerCampaign)
		}
		tx, err := b.write()
		if err != nil {
			return err
		}
		if d, err = tx.CreateDisplay(b.ctx, game.Display{CampaignID: r.id, Name: name, PartyID: partyID}, secretHash); err != nil {
			return err
		}
		// The token is not logged: the log is not a place for credentials.
		if _, err := b.event(game.EventDisplayCreate, actorDM, map[string]any{"displayId": d.ID, "name": d.Name, "partyId": nullable(partyID)}); err != nil {
			return err
		}
		r.st.displays[d.ID] = newDisplay(d)
		r.st.displayOrder = append(r.st.displayOrder, d.ID)
		r.invalidateViewers()
		return nil
	})
	return d, err
}

// revokeDisplay ends a table screen's token; its sockets close with 4004.
func (r *Room) revokeDisplay(ctx context.Context, id string) error {
	h := r.hub
	return r.do(ctx, func(b *batch) error {
		d := r.st.displays[id]
		if d == nil {
			return game.Errorf(game.ENotFound, "no table screen %q in this campaign", game.Truncate(id, 40))
		}
		tx, err := b.write()
		if err != nil {
			return err
		}
		if err := tx.RevokeDisplay(b.ctx, r.id, id); err != nil {
			return err
		}
		if _, err := b.event(game.EventDisplayRevoke, actorDM, map[string]any{"displayId": id}); err != nil {
			return err
		}
		h.forgetDisplays(id)
		b.after = append(b.after, func() { h.forgetDisplays(id) })
		delete(r.st.displays, id)
		r.st.displayOrder = slices.DeleteFunc(r.st.displayOrder, func(x string) bool { return x == id })
		r.invalidateViewers()
		for c := range d.clients {
			delete(r.clients, c)
			b.closeAfter(c, CloseRevoked, "table screen revoked by the DM")
		}
		return nil
	})
}

// listDisplays lists the campaign's table screens, revoked ones too, with which are watching.
func (r *Room) listDisplays(ctx context.Context) ([]displayInfo, error) {
	var out []displayInfo
	err := r.do(ctx, func(b *batch) error {
		all, err := r.hub.store.ListDisplays(b.ctx, r.id)
		if err != nil {
			return err
		}
		out = make([]displayInfo, len(all))
		for n, d := range all {
			live := r.st.displays[d.ID]
			if live != nil {
				d.PartyID = live.PartyID // a merge may have moved it since the read began
			}
			out[n] = displayInfo{Display: d, Online: live != nil && live.online()}
		}
		return nil
	})
	return out, err
}

// displayFromToken finds the live table screen a token belongs to.
func (h *Hub) displayFromToken(ctx context.Context, token string) (game.Display, error) {
	if token == "" || len(token) > 128 {
		return game.Display{}, game.Errorf(game.EUnauth, "not a table screen's token")
	}
	sum := sha256.Sum256([]byte(token))
	h.authMu.RLock()
	d, ok := h.displayIDs[sum]
	h.authMu.RUnlock()
	if ok {
		return d, nil
	}
	d, err := h.store.DisplayBySecret(ctx, sum[:])
	if err != nil {
		return game.Display{}, err
	}
	h.authMu.Lock()
	h.displayIDs[sum] = d
	h.authMu.Unlock()
	return d, nil
}

// forgetDisplays drops cached screen tokens (after a revoke); with no ids, all of them.
func (h *Hub) forgetDisplays(ids ...string) {
	h.authMu.Lock()
	defer h.authMu.Unlock()
	for k, d := range h.displayIDs {
		if len(ids) == 0 || slices.Contains(ids, d.ID) {
			delete(h.displayIDs, k)
		}
	}
}
