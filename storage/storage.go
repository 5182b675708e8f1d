// Package storage keeps Hexcrawl's state in one SQLite file (modernc.org/sqlite, pure Go):
// campaigns, maps and hexes, members and invites, sessions, reveal state, the DM's staged list
// and the append-only session event log. It knows nothing about HTTP or WebSockets.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// applicationID marks a SQLite file as Hexcrawl's ("HXCR"), so we can tell our database from
// any other SQLite file before touching it.
const applicationID = 0x48584352

//go:embed migrations/*.sql
var migrations embed.FS

// ErrLocked means another Hexcrawl process has the database open.
var ErrLocked = errors.New("another Hexcrawl is already running with this data file")

// ErrNotHexcrawl means the file is a database, but not one of ours.
var ErrNotHexcrawl = errors.New("not a Hexcrawl database")

// ErrNewerVersion means the file was written by a newer Hexcrawl than this one.
var ErrNewerVersion = errors.New("the data file is from a newer version of Hexcrawl")

// Store is an open Hexcrawl database. All methods are safe for concurrent use.
type Store struct {
	Queries
	db    *sql.DB
	stmts stmtCache
	lock  *flock.Flock
	path  string
}

// Options tune how the database file is written.
type Options struct {
	// Synchronous is SQLite's synchronous setting: "FULL" (the default: a commit survives a power
	// cut) or "NORMAL" (a commit survives the hub crashing or being killed, not a power cut, and
	// costs no fsync; see docs/architecture.md for the numbers).
	Synchronous string
}

// Open opens (creating if needed) the database at path, takes the single-process lock, checks
// that the file is Hexcrawl's and migrates it to the current schema.
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenWith(ctx, path, Options{})
}

// OpenWith is Open with Options.
func OpenWith(ctx context.Context, path string, o Options) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	lock := flock.New(path + ".lock")
	locked, err := lock.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !locked {
		return nil, fmt.Errorf("%s: %w", path, ErrLocked)
	}
	s, err := open(ctx, path, o)
	if err != nil {
		_ = lock.Unlock()
		return nil, err
	}
	s.lock = lock
	return s, nil
}

func open(ctx context.Context, path string, o Options) (*Store, error) {
	// Pragmas go in the DSN so that every pooled connection gets them, not just the first.
	// synchronous(FULL): a DM's laptop can lose power mid-session; a reveal players saw must
	// survive that. Group commit in the hub keeps throughput up despite the fsync per commit.
	// wal_autocheckpoint(0): a checkpoint (copying the log into the database, with an fsync of
	// its own) never runs inside a commit; the hub checkpoints at idle moments (Checkpoint).
	// journal_size_limit: a log grown large in a busy stretch shrinks back to 32 MB when reused.
	// _txlock=immediate: writers take the write lock at BEGIN, so two writers never deadlock
	// upgrading a read lock.
	sync := strings.ToUpper(o.Synchronous)
	switch sync {
	case "":
		sync = "FULL"
	case "FULL", "NORMAL":
	default:
		return nil, fmt.Errorf("synchronous %q: want FULL or NORMAL", o.Synchronous)
	}
	dsn := "file:" + uriPath(path) +
		"?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)" +
		"&_pragma=synchronous(" + sync + ")&_pragma=wal_autocheckpoint(0)&_pragma=journal_size_limit(33554432)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{Queries: Queries{q: db}, db: db, path: path}
	if err := s.checkAndMigrate(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// After migrating: SQLite checks tables and columns when it prepares.
	if s.stmts, err = prepareHot(ctx, db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s.Queries = Queries{q: cachedQuerier{querier: db, cache: s.stmts}}
	return s, nil
}

// uriPath escapes a file path for a "file:" URI: SQLite reads '?' as the start of the
// parameters and '#' as a fragment, so "/tmp/a#1/h.db" would open "/tmp/a" (Go names a fuzz
// seed's temporary directory "…seed#0…").
func uriPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

func (s *Store) checkAndMigrate(ctx context.Context) error {
	var appID int64
	if err := s.db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		if isCorrupt(err) && headerIsOurs(s.path) {
			return fmt.Errorf("%w (%w): restore a backup with `hexcrawl restore FILE`", ErrDamaged, err)
		}
		// modernc reports a non-SQLite file here ("file is not a database").
		return fmt.Errorf("%w: %w", ErrNotHexcrawl, err)
	}
	var tables int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'").Scan(&tables); err != nil {
		if isCorrupt(err) && headerIsOurs(s.path) {
			return fmt.Errorf("%w (%w): restore a backup with `hexcrawl restore FILE`", ErrDamaged, err)
		}
		return fmt.Errorf("%w: %w", ErrNotHexcrawl, err)
	}
	switch {
	case appID == 0 && tables == 0:
		if _, err := s.db.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
			return fmt.Errorf("mark database: %w", err)
		}
	case appID != applicationID:
		return ErrNotHexcrawl
	}
	if tables > 0 {
		if err := quickCheck(ctx, s.db); err != nil {
			return err
		}
	}

	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	provider, err := goose.NewProvider(goose.DialectSQLite3, s.db, fsys)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	current, err := provider.GetDBVersion(ctx)
	if err != nil && tables > 0 {
		return fmt.Errorf("read schema version: %w", err)
	}
	if latest := latestVersion(provider); current > latest {
		return fmt.Errorf("%w (schema %d, this build knows up to %d): update Hexcrawl", ErrNewerVersion, current, latest)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

func latestVersion(p *goose.Provider) int64 {
	var v int64
	for _, src := range p.ListSources() {
		v = max(v, src.Version)
	}
	return v
}

// SchemaVersion is the migration version the database is at.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied").Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// Checkpoint copies the write-ahead log into the database file (PASSIVE: it never waits for
// a writer, and a commit never waits for it beyond SQLite's locks) and says how many log frames
// there were and how many were copied. The hub calls it when the table is idle.
func (s *Store) Checkpoint(ctx context.Context) (logFrames, copied int, err error) {
	var busy int
	err = s.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &copied)
	if err != nil {
		return 0, 0, fmt.Errorf("checkpoint: %w", err)
	}
	return logFrames, copied, nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database and releases the process lock.
func (s *Store) Close() error {
	s.stmts.close()
	err := s.db.Close()
	if s.lock != nil {
		if uerr := s.lock.Unlock(); uerr != nil && err == nil {
			err = uerr
		}
	}
	if err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// Tx is one write transaction. Get one from Begin or Update.
type Tx struct {
	Queries
	tx *sql.Tx
}

// Begin starts a write transaction (it takes SQLite's write lock at once).
func (s *Store) Begin(ctx context.Context) (*Tx, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{Queries: Queries{q: cachedQuerier{querier: tx, tx: tx, cache: s.stmts}}, tx: tx}, nil
}

// Commit makes the transaction durable.
func (t *Tx) Commit() error {
	if err := t.tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Rollback abandons the transaction; after Commit it is a no-op.
func (t *Tx) Rollback() error {
	if err := t.tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return fmt.Errorf("rollback: %w", err)
	}
	return nil
}

// Savepoint marks a point that RollbackTo can return to, so one request in a group-committed
// batch can fail without undoing the others.
func (t *Tx) Savepoint(ctx context.Context) error {
	_, err := t.q.ExecContext(ctx, sqlSavepoint)
	if err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	return nil
}

// Release keeps everything since the last Savepoint.
func (t *Tx) Release(ctx context.Context) error {
	if _, err := t.q.ExecContext(ctx, sqlRelease); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

const (
	sqlSavepoint = "SAVEPOINT req"
	sqlRelease   = "RELEASE req"
)

// RollbackTo undoes everything since the last Savepoint and releases it.
func (t *Tx) RollbackTo(ctx context.Context) error {
	if _, err := t.tx.ExecContext(ctx, "ROLLBACK TO req; RELEASE req"); err != nil {
		return fmt.Errorf("rollback to savepoint: %w", err)
	}
	return nil
}

// Update runs fn in a write transaction and commits if fn returns nil.
func (s *Store) Update(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := s.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Queries are the reads and writes, usable on the Store (each its own implicit transaction)
// or inside a Tx.
type Queries struct {
	q querier
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// parseNullTime reads a nullable time column: nil for NULL.
func parseNullTime(s sql.NullString) *time.Time {
	if !s.Valid {
		return nil
	}
	t := parseTime(s.String)
	return &t
}
