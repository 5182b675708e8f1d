package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// Backups are whole copies of the database made with VACUUM INTO: consistent (a read
// transaction's snapshot, taken while the hub keeps writing), compact, and a plain SQLite file
// that Open accepts as it is.

// BackupPrefix and BackupSuffix frame a backup's file name: hexcrawl-20261203-101500.db.
const (
	BackupPrefix = "hexcrawl-"
	BackupSuffix = ".db"
)

// BackupInfo describes one backup file.
type BackupInfo struct {
	Name string    `json:"name"`
	Path string    `json:"path"`
	Size int64     `json:"size"`
	At   time.Time `json:"at"`
}

// BackupsDir is where the backups of the database at dataPath go: backups/ beside it.
func BackupsDir(dataPath string) string {
	return filepath.Join(filepath.Dir(dataPath), "backups")
}

// Backup writes a copy of the database into dir (created if needed) under a name with the
// time, then deletes the oldest backups beyond keep (0: keep all).
func (s *Store) Backup(ctx context.Context, dir string, keep int) (BackupInfo, error) {
	return backupInto(ctx, s.db, dir, keep)
}

// BackupFile backs up the database at dataPath without opening it as a Store: it works while a
// hub is running on it (SQLite gives the copy a consistent snapshot), and needs no lock.
func BackupFile(ctx context.Context, dataPath, dir string, keep int) (BackupInfo, error) {
	if _, err := os.Stat(dataPath); err != nil {
		return BackupInfo{}, fmt.Errorf("no database to back up: %w", err)
	}
	db, err := sql.Open("sqlite", "file:"+uriPath(dataPath)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return BackupInfo{}, err
	}
	defer db.Close()
	if err := checkHexcrawlFile(ctx, db); err != nil {
		return BackupInfo{}, fmt.Errorf("%s: %w", dataPath, err)
	}
	return backupInto(ctx, db, dir, keep)
}

func backupInto(ctx context.Context, db *sql.DB, dir string, keep int) (BackupInfo, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return BackupInfo{}, fmt.Errorf("create the backups folder: %w", err)
	}
	// Written under a temporary name of its own (the hub's daily backup and `hexcrawl backup`
	// may run in the same second) and then linked to its final name: a backup cut short (a full
	// disk) never looks like a good one, and two never overwrite each other.
	f, err := os.CreateTemp(dir, ".backup-*.part")
	if err != nil {
		return BackupInfo{}, fmt.Errorf("back up into %s: %w", dir, err)
	}
	tmp := f.Name()
	_ = f.Close() // VACUUM INTO accepts an empty file
	defer os.Remove(tmp)
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return BackupInfo{}, fmt.Errorf("back up into %s: %w", dir, err)
	}
	now := time.Now()
	stamp := now.UTC().Format("20060102-150405")
	var name, final string
	for i := 1; ; i++ {
		name = BackupPrefix + stamp + BackupSuffix
		if i > 1 {
			name = fmt.Sprintf("%s%s-%d%s", BackupPrefix, stamp, i, BackupSuffix)
		}
		final = filepath.Join(dir, name)
		err := os.Link(tmp, final)
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) || i > 100 {
			return BackupInfo{}, fmt.Errorf("back up: %w", err)
		}
	}
	fi, err := os.Stat(final)
	if err != nil {
		return BackupInfo{}, err
	}
	if keep > 0 {
		all, err := ListBackups(dir)
		if err == nil && len(all) > keep {
			for _, old := range all[keep:] {
				_ = os.Remove(old.Path)
			}
		}
	}
	return BackupInfo{Name: name, Path: final, Size: fi.Size(), At: now}, nil
}

// ListBackups lists the backups in dir, newest first; a missing folder has none.
func ListBackups(dir string) ([]BackupInfo, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return []BackupInfo{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := []BackupInfo{}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasPrefix(n, BackupPrefix) || !strings.HasSuffix(n, BackupSuffix) {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, BackupInfo{Name: n, Path: filepath.Join(dir, n), Size: fi.Size(), At: fi.ModTime()})
	}
	slices.SortFunc(out, func(a, b BackupInfo) int { return b.At.Compare(a.At) })
	return out, nil
}

// ErrRunning means a hub has the data file open: restoring under it would be lost or worse.
var ErrRunning = errors.New("a Hexcrawl hub is running with this data file: stop it first, then restore")

// Restore replaces the database at dataPath with the backup at from. It refuses while a hub
// holds the data file's lock, and checks that from is a whole Hexcrawl database first. The
// database it replaces is kept in the backups folder (pre-restore-…), so a restore can be undone.
func Restore(ctx context.Context, from, dataPath string) (kept string, err error) {
	lock := flock.New(dataPath + ".lock")
	locked, err := lock.TryLock()
	if err != nil {
		return "", fmt.Errorf("lock %s: %w", dataPath, err)
	}
	if !locked {
		return "", ErrRunning
	}
	defer func() { _ = lock.Unlock() }()
	if err := checkBackup(ctx, from); err != nil {
		return "", fmt.Errorf("%s: %w", from, err)
	}
	if _, err := os.Stat(dataPath); err == nil {
		info, err := BackupFile(ctx, dataPath, BackupsDir(dataPath), 0)
		if err != nil {
			// A damaged database cannot be vacuumed: keep its bytes as they are.
			kept = filepath.Join(BackupsDir(dataPath), "pre-restore-"+time.Now().UTC().Format("20060102-150405")+".db")
			if cerr := copyFile(dataPath, kept); cerr != nil {
				return "", fmt.Errorf("keep the current database before restoring: %w (and %w)", err, cerr)
			}
		} else {
			kept = filepath.Join(filepath.Dir(info.Path), "pre-restore-"+info.Name)
			if err := os.Rename(info.Path, kept); err != nil {
				return "", err
			}
		}
	}
	tmp := dataPath + ".restoring"
	if err := copyFile(from, tmp); err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("copy the backup: %w", err)
	}
	// The old database's write-ahead log must not be replayed onto the restored file.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dataPath + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			_ = os.Remove(tmp)
			return "", fmt.Errorf("remove %s: %w", dataPath+suffix, err)
		}
	}
	if err := os.Rename(tmp, dataPath); err != nil {
		_ = os.Remove(tmp)
		return "", err
	}
	return kept, nil
}

// checkBackup opens a file read-only and checks it is a whole Hexcrawl database.
func checkBackup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+uriPath(path)+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	if err := checkHexcrawlFile(ctx, db); err != nil {
		return err
	}
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("%w: %w", ErrDamaged, err)
	}
	if res != "ok" {
		return fmt.Errorf("%w: %s", ErrDamaged, res)
	}
	return nil
}

func checkHexcrawlFile(ctx context.Context, db *sql.DB) error {
	var appID int64
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return fmt.Errorf("%w: %w", ErrNotHexcrawl, err)
	}
	if appID != applicationID {
		return ErrNotHexcrawl
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}
