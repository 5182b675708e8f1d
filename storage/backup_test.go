package storage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// A backup restores over a stopped hub's data file, never under a running one; a damaged file
// is refused as a backup and, as a data file, at open with a way out; the replaced database is
// kept.
func TestBackupAndRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data := filepath.Join(dir, "hexcrawl.db")
	s, err := Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCampaign(ctx, "Before"); err != nil {
		t.Fatal(err)
	}
	info, err := s.Backup(ctx, BackupsDir(data), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCampaign(ctx, "After"); err != nil {
		t.Fatal(err)
	}
	// While the hub runs: refused, nothing touched.
	if _, err := Restore(ctx, info.Path, data); !errors.Is(err, ErrRunning) {
		t.Fatalf("restore under a running hub: %v", err)
	}
	// hexcrawl backup works while it runs.
	live, err := BackupFile(ctx, data, filepath.Join(dir, "elsewhere"), 0)
	if err != nil {
		t.Fatalf("backup of a running hub's file: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	kept, err := Restore(ctx, info.Path, data)
	if err != nil {
		t.Fatal(err)
	}
	names := func(path string) []string {
		st, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		cs, err := st.ListCampaigns(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.Name)
		}
		return out
	}
	if got := names(data); len(got) != 1 || got[0] != "Before" {
		t.Fatalf("after the restore: %v", got)
	}
	if got := names(kept); len(got) != 2 {
		t.Fatalf("the replaced database, kept as %s: %v", kept, got)
	}
	if got := names(live.Path); len(got) != 2 {
		t.Fatalf("the live backup: %v", got)
	}

	// A damaged file: refused as a backup, and refused at open with a way out.
	bad := filepath.Join(dir, "bad.db")
	raw, err := os.ReadFile(live.Path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 4096; i < len(raw); i += 7 { // every page after the header's: b-trees in pieces
		raw[i] = 0xA5
	}
	if err := os.WriteFile(bad, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(ctx, bad, data); !errors.Is(err, ErrDamaged) {
		t.Fatalf("restoring a damaged file: %v", err)
	}
	_, err = Open(ctx, bad)
	if !errors.Is(err, ErrDamaged) || Problem(err) == "" {
		t.Fatalf("opening a damaged file: %v (problem %q)", err, Problem(err))
	}
	if _, err := Restore(ctx, filepath.Join(dir, "missing.db"), data); err == nil {
		t.Fatal("restoring a missing file worked")
	}
}

// A data file whose folder has a '#' or '?' in its name is that file, not a file named after the
// part before it (SQLite URIs end a name at '#').
func TestOddFileNames(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	for _, dir := range []string{"a#b", "c?d", "e%25f"} {
		path := filepath.Join(base, dir, "hexcrawl.db")
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		if _, err := s.CreateCampaign(ctx, dir); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Backup(ctx, filepath.Join(base, dir, "backups"), 0); err != nil {
			t.Fatalf("%s: backup: %v", dir, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("%s: the database is not where it was asked to be: %v", dir, err)
		}
	}
	if entries, _ := os.ReadDir(base); len(entries) != 3 {
		t.Fatalf("files made beside the folders: %v", entries)
	}
}

// Backups made at the same moment (the hub's daily one and `hexcrawl backup`) each get a file.
func TestConcurrentBackups(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, filepath.Join(dir, "hexcrawl.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			_, err := s.Backup(ctx, filepath.Join(dir, "backups"), 0)
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	all, err := ListBackups(filepath.Join(dir, "backups"))
	if err != nil || len(all) != 4 {
		t.Fatalf("%d backups (%v), want 4", len(all), err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "backups", ".backup-*")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}
