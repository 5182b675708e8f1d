package hub

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
	"github.com/olahol/melody"
	"golang.org/x/time/rate"
)

const (
	// defaultSendQueue is each socket's queue of frames waiting to be written (melody's
	// MessageBufferSize). A client's high-water mark is a little below it; the 4008 for a client
	// past it does not go through this queue (frameConn.closeNow).
	defaultSendQueue = 256
	// maxBatch bounds how many queued requests share one SQLite commit (group commit). While a
	// commit waits for the disk, requests keep arriving in the inbox; the next batch takes all of
	// them up to this (and half a client's send queue: most requests send a client one frame or
	// none), so one slow fsync costs the table one wait, not a queue of them.
	maxBatch = 256
	// slowCommit: a commit (its fsync, mostly) taking longer is logged at debug level, for
	// finding where a slow disk's time goes.
	slowCommit = 20 * time.Millisecond
	// presenceDelay coalesces joins and leaves: 1000 phones joining at once cause a few dozen
	// presence broadcasts instead of a million frames.
	presenceDelay = 50 * time.Millisecond
)

// client is one WebSocket connection.
type client struct {
	s         *melody.Session
	conn      *frameConn // its TCP connection: the 4008 bypasses melody's queue through it
	log       *slog.Logger
	role      game.Role
	memberID  string // players only
	highWater int32  // frames allowed in flight before the client counts as slow
	closeWait time.Duration
	pending   atomic.Int32 // frames handed to melody and not yet written (or dropped)
	slow      atomic.Bool
	closing   atomic.Bool

	// Read goroutine only (Hub.onMessage): what this socket may send (ws.go, admit and refuse).
	errs      *rate.Limiter // bad messages answered with an error
	msgs      *rate.Limiter // a player's messages of any kind; nil for the DM
	throttled int           // bad messages in a row that waited for the error budget
	flooding  bool          // closed with CloseFlooding: the rest is dropped unread
}

// send queues a frame without ever blocking the room. A client whose queue is nearly full is
// closed with CloseSlowConsumer: it reconnects and gets a fresh full state, which is honest,
// instead of silently missing deltas.
func (c *client) send(b []byte) {
	if c.slow.Load() || c.closing.Load() {
		return
	}
	if c.pending.Add(1) > c.highWater {
		c.pending.Add(-1)
		c.tooSlow("its send queue is full")
		return
	}
	if err := c.s.Write(b); err != nil {
		c.pending.Add(-1)
	}
}

// tooSlow closes the client with 4008. The close frame goes ahead of the frames still queued for
// it (frameConn.closeNow): those are what it failed to read, and it resyncs on reconnecting.
func (c *client) tooSlow(why string) {
	if !c.slow.CompareAndSwap(false, true) {
		return
	}
	c.log.Warn("socket too slow: closing it with 4008 (it reconnects and resyncs)", "why", why, "queued", c.pending.Load())
	payload := melody.FormatCloseMessage(CloseSlowConsumer, "too slow: reconnect")
	if c.conn != nil {
		c.conn.closeNow(payload, c.closeWait)
		return
	}
	_ = c.s.CloseWithMsg(payload)
}

func (c *client) close(code int, reason string) {
	if c.closing.CompareAndSwap(false, true) {
		_ = c.s.CloseWithMsg(melody.FormatCloseMessage(code, reason))
	}
}

// request is one unit of work for a room: a client command, a connect, an HTTP call.
type request struct {
	fn   func(b *batch) error
	from *client // gets the error, if any
	ref  string
	done chan error // nil: nobody waits
}

// Room serialises everything that happens to one campaign. Its goroutine owns the state; work
// arrives on the inbox and is applied in batches that share one SQLite transaction, so a burst
// of DM actions costs one fsync, and nothing is broadcast before its commit is durable.
type Room struct {
	hub   *Hub
	id    string
	inbox chan *request
	quit  chan struct{}
	done  chan struct{}
	log   *slog.Logger
	// maxBatch keeps one batch's frames for a client under its send queue.
	maxBatch int

	// Owned by run.
	st        *roomState
	clients   map[*client]struct{}
	announced map[string]bool     // member id → online as last announced
	dirty     map[string]struct{} // members whose presence may have changed
	presenceC <-chan time.Time
	// toldProblem is the data file problem this room's DMs were last told of (tellStorage).
	toldProblem *string
}

func newRoom(h *Hub, st *roomState) *Room {
	r := &Room{
		hub: h, id: st.campaign.ID, inbox: make(chan *request, 1024),
		quit: make(chan struct{}), done: make(chan struct{}),
		log: h.log.With("campaign", st.campaign.ID), st: st,
		maxBatch: max(1, min(maxBatch, h.cfg.SendQueue/2)),
		clients:  map[*client]struct{}{}, announced: map[string]bool{}, dirty: map[string]struct{}{},
	}
	go r.run()
	return r
}

var errRoomClosed = game.Errorf(game.ENotFound, "the campaign is closed")

// do runs fn in the room and waits for its commit.
func (r *Room) do(ctx context.Context, fn func(b *batch) error) error {
	req := &request{fn: fn, done: make(chan error, 1)}
	select {
	case r.inbox <- req:
	case <-r.done:
		return errRoomClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-req.done:
		return err
	case <-r.done:
		return errRoomClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// submit queues work without waiting (socket reads: order is kept, errors go to the client).
func (r *Room) submit(req *request) {
	select {
	case r.inbox <- req:
	case <-r.done:
	}
}

func (r *Room) stop() {
	select {
	case <-r.quit:
	default:
		close(r.quit)
	}
	<-r.done
}

func (r *Room) run() {
	defer close(r.done)
	reqs := make([]*request, 0, maxBatch)
	for {
		select {
		case <-r.quit:
			r.failPending()
			return
		case <-r.presenceC:
			r.presenceC = nil
			r.flushPresence()
		case req := <-r.inbox:
			reqs = append(reqs[:0], req)
		drain:
			for len(reqs) < r.maxBatch {
				select {
				case more := <-r.inbox:
					reqs = append(reqs, more)
				default:
					break drain
				}
			}
			r.process(reqs)
		}
	}
}

func (r *Room) failPending() {
	for {
		select {
		case req := <-r.inbox:
			if req.done != nil {
				req.done <- errRoomClosed
			}
		default:
			return
		}
	}
}

// outbound is a frame for some clients, sent only after the batch commits.
type outbound struct {
	to   []*client
	data []byte
}

// batch is the context of one group commit.
type batch struct {
	ctx context.Context
	r   *Room
	tx  *storage.Tx
	// alone: the batch holds one request, whose failure can roll back the whole transaction,
	// so it needs no savepoint (two statements fewer on a table's usual, one-at-a-time pace).
	alone  bool
	sp     bool  // the current request has written (under a savepoint unless alone)
	reqSeq int64 // newest event seq written by the current request
	out    []outbound
	after  []func() // run after the commit, in order
}

// write returns the batch's transaction, starting it (and the current request's savepoint)
// on first use.
func (b *batch) write() (*storage.Tx, error) {
	if b.tx == nil {
		tx, err := b.r.hub.store.Begin(b.ctx)
		if err != nil {
			return nil, err
		}
		b.tx = tx
	}
	if !b.sp {
		if !b.alone {
			if err := b.tx.Savepoint(b.ctx); err != nil {
				return nil, err
			}
		}
		b.sp = true
	}
	return b.tx, nil
}

// event appends to the log in the batch's transaction and returns the new seq.
func (b *batch) event(typ game.EventType, actor string, payload any) (int64, error) {
	tx, err := b.write()
	if err != nil {
		return 0, err
	}
	sessionID := ""
	if s := b.r.st.session; s != nil && s.Status != game.Ended {
		sessionID = s.ID
	}
	seq, err := tx.AppendEvent(b.ctx, b.r.id, sessionID, typ, actor, payload)
	if err != nil {
		return 0, err
	}
	b.reqSeq = seq
	return seq, nil
}

func (b *batch) send(data []byte, to ...*client) {
	if len(to) > 0 {
		b.out = append(b.out, outbound{to: to, data: data})
	}
}

// deliver writes the batch's frames to their sockets: after the commit, if it wrote anything.
func (b *batch) deliver() {
	for _, o := range b.out {
		for _, c := range o.to {
			c.send(o.data)
		}
	}
}

// notify tells the hub's OnChange, once the batch has committed.
func (b *batch) notify(kind ChangeKind) {
	if fn := b.r.hub.cfg.OnChange; fn != nil {
		id := b.r.id
		b.after = append(b.after, func() { fn(Change{Kind: kind, CampaignID: id}) })
	}
}

// closeAfter closes a socket once the batch has committed, so it reads every frame before.
func (b *batch) closeAfter(c *client, code int, reason string) {
	b.after = append(b.after, func() { c.close(code, reason) })
}

func (b *batch) toDMs(data []byte) {
	b.toClients(data, func(c *client) bool { return c.role == game.RoleDM })
}

// toPlayers queues data for every player and table screen: everyone but the DM.
func (b *batch) toPlayers(data []byte) {
	b.toClients(data, func(c *client) bool { return c.role != game.RoleDM })
}

func (b *batch) toAll(data []byte) { b.toClients(data, func(*client) bool { return true }) }

// toClients queues data for every socket of the room that keep accepts.
func (b *batch) toClients(data []byte, keep func(*client) bool) {
	var to []*client
	for c := range b.r.clients {
		if keep(c) {
			to = append(to, c)
		}
	}
	b.send(data, to...)
}

func (r *Room) process(reqs []*request) {
	ctx := context.Background()
	b := &batch{ctx: ctx, r: r, alone: len(reqs) == 1}
	results := make([]error, len(reqs))
	for i, req := range reqs {
		mark, markAfter := len(b.out), len(b.after)
		b.sp, b.reqSeq = false, 0
		err := req.fn(b)
		if err == nil && b.sp && !b.alone {
			err = b.tx.Release(ctx)
		}
		if err != nil {
			b.out, b.after = b.out[:mark], b.after[:markAfter]
			switch {
			case b.sp && b.alone:
				if rbErr := b.tx.Rollback(); rbErr != nil {
					r.abort(b, reqs, rbErr)
					return
				}
				b.tx = nil
			case b.sp:
				if rbErr := b.tx.RollbackTo(ctx); rbErr != nil {
					r.abort(b, reqs, rbErr)
					return
				}
			}
			internal := game.CodeOf(err) == game.EInternal
			if internal {
				r.log.Error("request failed", "err", err)
				if p := r.hub.reportStorage(err); p != "" {
					err = refusedBecause(p)
				}
			}
			if b.sp || internal {
				// The request may have changed memory after its writes and before failing: rebuild
				// memory from what the transaction holds now (the earlier requests of this batch,
				// without this one). Its frames were dropped above, so no client heard of it.
				if rlErr := r.reload(ctx, b.tx); rlErr != nil {
					r.abort(b, reqs, rlErr)
					return
				}
				if internal {
					r.resyncAll(b)
				}
			}
			if req.from != nil {
				b.send(errorFrame(err, req.ref), req.from)
			}
			results[i] = err
			continue
		}
		if b.reqSeq > 0 {
			r.st.seq = b.reqSeq
		}
	}
	if b.tx != nil {
		notice := r.startSavingNotice()
		start := time.Now()
		err := b.tx.Commit()
		notice.done()
		if took := time.Since(start); took > slowCommit {
			r.log.Debug("slow commit", "took", took, "requests", len(reqs))
		}
		if err != nil {
			r.abort(b, reqs, err)
			return
		}
		r.hub.storageWorks()
		r.hub.lastCommit.Store(time.Now().UnixNano())
		r.hub.uncheckpointed.Add(1)
	}
	r.tellStorage()
	b.deliver()
	for _, fn := range b.after {
		fn()
	}
	for i, req := range reqs {
		if req.done != nil {
			req.done <- results[i]
		}
	}
	if len(r.dirty) > 0 && r.presenceC == nil {
		r.presenceC = time.After(presenceDelay)
	}
}

// abort handles a batch whose transaction could not be kept: nothing of it was durable, so
// nothing of it is sent; memory is rebuilt from the database and every client resyncs.
func (r *Room) abort(b *batch, reqs []*request, cause error) {
	r.log.Error("batch failed; rolling back and resyncing", "err", cause, "requests", len(reqs))
	if b.tx != nil {
		_ = b.tx.Rollback()
	}
	fail := refusedBecause(r.hub.reportStorage(cause))
	r.tellStorage()
	resync := &batch{ctx: b.ctx, r: r}
	if err := r.reload(b.ctx, nil); err != nil {
		r.log.Error("reload after failed batch", "err", err)
	} else {
		r.resyncAll(resync)
	}
	for _, req := range reqs {
		if req.from != nil {
			resync.send(errorFrame(fail, req.ref), req.from)
		}
	}
	resync.deliver()
	for _, req := range reqs {
		if req.done != nil {
			req.done <- errors.Join(fail, cause)
		}
	}
}

// reload rebuilds the room's state from storage (through tx when given, to see its writes),
// keeping the connected clients attached to their members.
func (r *Room) reload(ctx context.Context, tx *storage.Tx) error {
	q := r.hub.store.Queries
	if tx != nil {
		q = tx.Queries
	}
	st, err := loadRoomState(ctx, q, r.id)
	if err != nil {
		return err
	}
	for c := range r.clients {
		if m := st.viewerMember(c); m != nil {
			m.clients[c] = struct{}{}
		}
	}
	r.st = st
	return nil
}

// resyncAll sends every client its full state again (after a map switch, a resize or a
// failure): deltas cannot describe those.
func (r *Room) resyncAll(b *batch) {
	changed := mapChangedMsg{Seq: r.st.seq}.frame()
	for c := range r.clients {
		if c.role != game.RoleDM && r.st.viewerMember(c) == nil {
			b.closeAfter(c, CloseRevoked, "removed by the DM")
			continue
		}
		b.send(changed, c)
		b.send(r.st.stateFor(c), c)
	}
}

// connect adds a socket to the room and sends it the full state for its role.
func (r *Room) connect(c *client) *request {
	return &request{from: c, fn: func(b *batch) error {
		if c.role != game.RoleDM {
			m := r.st.viewerMember(c)
			if m == nil {
				b.closeAfter(c, CloseRevoked, "removed by the DM")
				return nil
			}
			m.clients[c] = struct{}{}
			if c.role == game.RolePlayer {
				r.dirty[c.memberID] = struct{}{}
			}
		}
		r.clients[c] = struct{}{}
		b.send(r.st.stateFor(c), c)
		if c.role == game.RoleDM && r.hub.problem.Load() != nil {
			b.send(r.hub.storageStatus(false), c)
		}
		return nil
	}}
}

func (r *Room) disconnect(c *client) *request {
	return &request{fn: func(b *batch) error {
		delete(r.clients, c)
		if m := r.st.viewerMember(c); m != nil {
			delete(m.clients, c)
			if c.role == game.RolePlayer {
				r.dirty[c.memberID] = struct{}{}
			}
		}
		return nil
	}}
}

// flushPresence announces, to everyone, who came online and who left since the last flush.
func (r *Room) flushPresence() {
	var joined []memberRef
	var left []string
	for id := range r.dirty {
		m := r.st.members[id]
		online := m != nil && m.online()
		if online == r.announced[id] {
			continue
		}
		if online {
			joined = append(joined, memberRef{ID: id, Name: m.Name})
			r.announced[id] = true
		} else {
			left = append(left, id)
			delete(r.announced, id)
		}
	}
	clear(r.dirty)
	b := &batch{r: r}
	if len(joined) > 0 {
		b.toAll(playerJoinedMsg{Players: joined}.frame())
	}
	if len(left) > 0 {
		b.toAll(playerLeftMsg{PlayerIDs: left}.frame())
	}
	b.deliver()
}

// closeAll closes every socket of the room with code (hub shutdown, campaign deleted).
func (r *Room) closeAll(code int, reason string) error {
	return r.do(context.Background(), func(b *batch) error {
		for c := range r.clients {
			b.closeAfter(c, code, reason)
		}
		return nil
	})
}
