package hub

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hexcrawl/hexcrawl/storage"
)

// Backups: the DM sees where they are and can make one; a session's end makes one; only the
// newest BackupKeep stay; each is a whole database that opens.
func TestBackups(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "backups")
	th := newTestHub(t, withConfig(func(c *Config) { c.BackupDir = dir; c.BackupKeep = 2 }))
	var v backupsView
	deadline := time.Now().Add(10 * time.Second)
	for { // the first (daily) backup is made at start
		th.api("GET", "/api/backups", "", 200, &v)
		if len(v.Backups) == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if v.Dir != dir || v.Keep != 2 || len(v.Backups) != 1 {
		t.Fatalf("backups at start: %+v", v)
	}
	var made storage.BackupInfo
	th.api("POST", "/api/backups", "", 201, &made)
	if filepath.Dir(made.Path) != dir || made.Size == 0 {
		t.Fatalf("made %+v", made)
	}
	dm := th.dm("dm")
	dm.send(`{"type":"session:start"}`)
	dm.expectNonPresence("session:statusChanged")
	dm.send(`{"type":"hex:reveal","hexKeys":["2,2"],"targets":"all"}`)
	dm.expectNonPresence("hex:revealed")
	dm.send(`{"type":"session:end"}`)
	dm.expectNonPresence("session:statusChanged")
	var newest storage.BackupInfo
	for deadline := time.Now().Add(10 * time.Second); ; {
		th.api("GET", "/api/backups", "", 200, &v)
		// The oldest goes just after the newest is linked (storage.backupInto): the listing may
		// catch the moment between, with one too many.
		if len(v.Backups) > 0 && v.Backups[0].Name != made.Name && v.Backups[0].At.After(made.At.Add(-time.Second)) {
			newest = v.Backups[0]
			if len(v.Backups) <= 2 {
				break
			}
		}
		if time.Now().After(deadline) {
			if newest.Name != "" {
				break // the count below says what is wrong
			}
			t.Fatalf("no backup after the session ended: %+v", v)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(v.Backups) != 2 {
		t.Fatalf("%d backups kept, want 2: %+v", len(v.Backups), v.Backups)
	}
	// The session-end backup holds the session's reveal.
	st, err := storage.Open(context.Background(), newest.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rev, err := st.LoadReveals(context.Background(), th.mapID)
	if err != nil || len(rev.All) != 1 || rev.All[0].Key.String() != "2,2" {
		t.Fatalf("the backup's reveals: %+v %v", rev, err)
	}
}

// A commit that takes longer than SavingAfter tells the DM "saving" and then "saved"; players
// hear nothing of it.
func TestSlowCommitTellsTheDM(t *testing.T) {
	th := newTestHub(t, withConfig(func(c *Config) { c.SavingAfter = time.Microsecond }))
	cookie, _ := th.join("Ana")
	dm := th.dm("dm")
	ana := th.player("Ana", cookie)
	dm.send(`{"type":"session:start"}`)
	var saw []string
	for {
		f := dm.next()
		if f.Type == "storage:status" {
			st := decode[storageStatusMsg](t, f)
			if st.Problem != nil {
				t.Fatalf("a problem: %s", *st.Problem)
			}
			saw = append(saw, map[bool]string{true: "saving", false: "saved"}[st.Saving])
			continue
		}
		if f.Type == "session:statusChanged" {
			break
		}
	}
	if len(saw) != 2 || saw[0] != "saving" || saw[1] != "saved" {
		t.Fatalf("the DM heard %v before the change, want [saving saved]", saw)
	}
	for _, raw := range append(ana.received(), ana.skipUntil("session:statusChanged").raw) {
		if strings.Contains(string(raw), "storage:status") {
			t.Fatalf("a player heard %s", raw)
		}
	}
}
