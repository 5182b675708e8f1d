package hub

import (
	"context"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// The data file as the DM sees it: backups, a data file that refuses changes (a full disk, a
// read-only folder, a damaged database), and commits that take long.

// Defaults for the backup and saving settings of Config.
const (
	DefaultBackupKeep  = 10
	DefaultBackupEvery = 24 * time.Hour
	defaultSavingAfter = 500 * time.Millisecond
)

// reportStorage notes a failure of the data file itself, if err is one: every DM hears of it
// (storage:status) and the log says it once, plainly. It returns the words for the DM ("" if err
// is something else).
func (h *Hub) reportStorage(err error) string {
	p := storage.Problem(err)
	if p == "" {
		return ""
	}
	if old := h.problem.Swap(&p); old == nil || *old != p {
		h.log.Error("DATA FILE PROBLEM: "+p, "err", err, "data", h.store.Path())
	}
	return p
}

// storageWorks clears a reported problem once a commit succeeds again.
func (h *Hub) storageWorks() {
	if old := h.problem.Swap(nil); old != nil {
		h.log.Info("the data file takes changes again", "data", h.store.Path())
	}
}

func (h *Hub) storageStatus(saving bool) []byte {
	return storageStatusMsg{Saving: saving, Problem: h.problem.Load()}.frame()
}

// refusedBecause is the error a request gets when the data file refused its batch.
func refusedBecause(problem string) error {
	if problem == "" {
		return game.Errorf(game.EInternal, "internal error")
	}
	return game.Errorf(game.EInternal, "not saved: %s", problem)
}

// tellStorage sends this room's DMs the data file's state when it changed since they were told.
func (r *Room) tellStorage() {
	cur := r.hub.problem.Load()
	if cur == r.toldProblem {
		return
	}
	r.toldProblem = cur
	f := r.hub.storageStatus(false)
	for c := range r.clients {
		if c.role == game.RoleDM {
			c.send(f)
		}
	}
}

// savingNotice tells the room's DMs "saving…" when a commit takes longer than SavingAfter, and
// "saved" once it is done; a quick commit says nothing.
type savingNotice struct {
	timer *time.Timer
	shown chan struct{} // closed once "saving" went out
	dms   []*client
	h     *Hub
}

func (r *Room) startSavingNotice() *savingNotice {
	var dms []*client
	for c := range r.clients {
		if c.role == game.RoleDM {
			dms = append(dms, c)
		}
	}
	if len(dms) == 0 {
		return nil
	}
	n := &savingNotice{shown: make(chan struct{}), dms: dms, h: r.hub}
	n.timer = time.AfterFunc(r.hub.cfg.SavingAfter, func() {
		f := n.h.storageStatus(true)
		for _, c := range n.dms {
			c.send(f)
		}
		close(n.shown)
	})
	return n
}

// done stops the notice; if "saving" went out, "saved" follows it (after its frame).
func (n *savingNotice) done() {
	if n == nil || n.timer.Stop() {
		return
	}
	<-n.shown
	f := n.h.storageStatus(false)
	for _, c := range n.dms {
		c.send(f)
	}
}

// Backup copies the database into the backups folder now (Config.BackupDir), keeping the newest
// BackupKeep. One at a time.
func (h *Hub) Backup(ctx context.Context, reason string) (storage.BackupInfo, error) {
	if h.cfg.BackupDir == "" {
		return storage.BackupInfo{}, game.Errorf(game.EConflict, "this hub has no backups folder")
	}
	h.backupMu.Lock()
	defer h.backupMu.Unlock()
	info, err := h.store.Backup(ctx, h.cfg.BackupDir, h.cfg.BackupKeep)
	if err != nil {
		h.log.Error("backup failed", "reason", reason, "dir", h.cfg.BackupDir, "err", err)
		return info, err
	}
	h.log.Info("backed up", "reason", reason, "file", info.Path, "bytes", info.Size)
	return info, nil
}

// backupSoon backs up in the background (at the end of a session).
func (h *Hub) backupSoon(reason string) {
	if h.cfg.BackupDir == "" || h.closing.Load() {
		return
	}
	h.backups.Add(1)
	go func() {
		defer h.backups.Done()
		_, _ = h.Backup(context.Background(), reason)
	}()
}

// dailyBackups backs up whenever the newest backup is older than BackupEvery: at start, then
// checking every hour, until ctx ends.
func (h *Hub) dailyBackups(ctx context.Context) {
	defer h.backups.Done()
	check := func() {
		all, err := storage.ListBackups(h.cfg.BackupDir)
		if err != nil {
			h.log.Warn("cannot list backups", "dir", h.cfg.BackupDir, "err", err)
			return
		}
		if len(all) == 0 || time.Since(all[0].At) >= h.cfg.BackupEvery {
			_, _ = h.Backup(ctx, "daily")
		}
	}
	check()
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			check()
		}
	}
}

// Checkpoints (copying SQLite's write-ahead log into the database file, with an fsync of their
// own) run here, off the commit path: once the table has been quiet for checkpointIdle, or after
// checkpointBusy commits in a long busy stretch, so the log stays bounded. (The log file's size
// says nothing: a checkpointed log is reused from its start, not shrunk.)
const (
	checkpointIdle = time.Second
	checkpointBusy = 250
	checkpointPoll = 100 * time.Millisecond
)

func (h *Hub) checkpoints(ctx context.Context) {
	defer h.backups.Done()
	t := time.NewTicker(checkpointPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		commits := h.uncheckpointed.Load()
		if commits == 0 {
			continue
		}
		idle := time.Since(time.Unix(0, h.lastCommit.Load())) >= checkpointIdle
		if !idle && commits < checkpointBusy {
			continue
		}
		h.uncheckpointed.Store(0)
		start := time.Now()
		frames, copied, err := h.store.Checkpoint(ctx)
		if err != nil {
			h.log.Warn("checkpoint failed", "err", err)
			continue
		}
		h.log.Debug("checkpoint", "frames", frames, "copied", copied, "idle", idle, "took", time.Since(start))
	}
}
