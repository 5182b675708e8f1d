package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// `hexcrawl backup` works while the hub runs; `hexcrawl restore` refuses then, and works once the
// hub has stopped, bringing the campaigns back as they were at the backup.
func TestBackupAndRestoreCommands(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "hexcrawl.db")
	p := startServe(t, data)
	var before []struct{ ID, Name string }
	p.api(t, "GET", "/api/campaigns", "", "", &before)
	out, errOut, code := runHexcrawl(t, dir, "backup", "--data", data)
	if code != 0 || !strings.Contains(out, filepath.Join(dir, "backups")) {
		t.Fatalf("backup: %d %q %q", code, out, errOut)
	}
	backups, _ := filepath.Glob(filepath.Join(dir, "backups", "hexcrawl-*.db"))
	if len(backups) == 0 {
		t.Fatal("no backup file")
	}
	backup := backups[len(backups)-1]
	p.api(t, "POST", "/api/campaigns", `{"name":"After the backup"}`, "", nil)
	if out, errOut, code := runHexcrawl(t, dir, "restore", backup, "--data", data); code != 1 || !strings.Contains(errOut, "stop it first") {
		t.Fatalf("restore under a running hub: %d %q %q", code, out, errOut)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	_ = p.cmd.Wait()
	out, errOut, code = runHexcrawl(t, dir, "restore", backup, "--data", data)
	if code != 0 || !strings.Contains(out, "Restored") || !strings.Contains(out, "pre-restore-") {
		t.Fatalf("restore: %d %q %q", code, out, errOut)
	}
	p2 := startServe(t, data)
	var after []struct{ ID, Name string }
	p2.api(t, "GET", "/api/campaigns", "", "", &after)
	if len(after) != len(before) {
		t.Fatalf("campaigns after the restore: %+v, want %+v", after, before)
	}
	if out, errOut, code := runHexcrawl(t, dir, "restore", filepath.Join(dir, "nope.db"), "--data", data); code != 1 || errOut == "" {
		t.Fatalf("restore of a missing file: %d %q %q", code, out, errOut)
	}
	_ = os.Remove(backup)
}
