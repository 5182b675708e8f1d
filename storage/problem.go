package storage

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"modernc.org/sqlite"
)

// ErrDamaged means the database file is damaged (SQLite's integrity check failed).
var ErrDamaged = errors.New("the database is damaged")

// SQLite's primary result codes for the ways a data file can fail underneath the hub.
const (
	sqliteReadonly = 8
	sqliteIOErr    = 10
	sqliteCorrupt  = 11
	sqliteFull     = 13
	sqliteCantOpen = 14
	sqliteNotADB   = 26
)

// Problem says, in words for the DM, what is wrong with the data file when err comes from the
// file itself (a full disk, a read-only folder, a damaged database, a failing disk); "" when err
// is anything else.
func Problem(err error) string {
	if errors.Is(err, ErrDamaged) {
		return "The data file is damaged. Stop the hub and restore the newest backup (hexcrawl restore)."
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return ""
	}
	switch se.Code() & 0xff {
	case sqliteFull:
		return "The disk is full: new changes cannot be saved and are refused. Free some space; nothing already saved is lost."
	case sqliteReadonly:
		return "The data folder cannot be written to (read-only): new changes are refused. Make it writable again; nothing already saved is lost."
	case sqliteIOErr, sqliteCantOpen:
		return "The disk failed to save (an I/O error): new changes are refused. Check the disk; nothing already saved is lost."
	case sqliteCorrupt, sqliteNotADB:
		return "The data file is damaged. Stop the hub and restore the newest backup (hexcrawl restore)."
	}
	return ""
}

// quickCheck runs SQLite's quick integrity check: a damaged file is refused at start, with a
// way out, rather than failing in the middle of a session.
func quickCheck(ctx context.Context, q querier) error {
	var res string
	if err := q.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return fmt.Errorf("%w (%w): restore a backup with `hexcrawl restore FILE`", ErrDamaged, err)
	}
	if res != "ok" {
		return fmt.Errorf("%w (%s): restore a backup with `hexcrawl restore FILE`", ErrDamaged, res)
	}
	return nil
}

func isCorrupt(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqliteCorrupt
}

// headerIsOurs reads the file's SQLite header directly: a damaged database whose schema SQLite
// cannot read may still be recognisably ours (the magic string and our application id).
func headerIsOurs(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var h [100]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		return false
	}
	return string(h[:16]) == "SQLite format 3\x00" && binary.BigEndian.Uint32(h[68:72]) == applicationID
}
