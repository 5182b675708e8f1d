package storage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/hexcrawl/hexcrawl/game"
)

// MustOpen opens a fresh database file in a temp dir and closes it when the test ends.
func MustOpen(tb testing.TB) *Store {
	tb.Helper()
	s, err := Open(context.Background(), filepath.Join(tb.TempDir(), "hexcrawl.db"))
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	t.Run("OK reopen keeps data", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "h.db")
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.CreateCampaign(ctx, "Fen")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		s, err = Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		got, err := s.GetCampaign(ctx, c.ID)
		if err != nil || got.Name != "Fen" {
			t.Fatalf("after reopen: %+v, %v", got, err)
		}
		v, err := s.SchemaVersion(ctx)
		if err != nil || v < 1 {
			t.Fatalf("schema version %d, %v", v, err)
		}
	})
	t.Run("OK a path with # and ? opens that file", func(t *testing.T) {
		dir := t.TempDir()
		for _, name := range []string{"a#1", "a?x=1", "a%23"} {
			if err := os.Mkdir(filepath.Join(dir, name), 0o700); err != nil {
				t.Fatal(err)
			}
			s, err := Open(ctx, filepath.Join(dir, name, "h.db"))
			if err != nil {
				t.Fatal(err)
			}
			cs, _ := s.ListCampaigns(ctx)
			if _, err := s.CreateCampaign(ctx, name); err != nil || len(cs) != 0 {
				t.Fatalf("%s: %d campaigns there already (%v)", name, len(cs), err)
			}
			_ = s.Close()
			if _, err := os.Stat(filepath.Join(dir, name, "h.db")); err != nil {
				t.Fatalf("%s: the database is not where asked: %v", name, err)
			}
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 3 {
			t.Fatalf("files beside the directories: %v", entries)
		}
	})
	t.Run("ErrLocked second opener", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "h.db")
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := Open(ctx, path); !errors.Is(err, ErrLocked) {
			t.Fatalf("second open: %v, want ErrLocked", err)
		}
	})
	t.Run("ErrNotHexcrawl plain file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "notes.txt")
		if err := os.WriteFile(path, []byte("shopping list: rope, torches, 10ft pole\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(ctx, path); !errors.Is(err, ErrNotHexcrawl) {
			t.Fatalf("open text file: %v, want ErrNotHexcrawl", err)
		}
	})
	t.Run("ErrNotHexcrawl foreign sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "other.db")
		other, err := open(ctx, path, Options{}) // make a Hexcrawl db, then strip its mark and add a table
		if err != nil {
			t.Fatal(err)
		}
		if _, err := other.db.ExecContext(ctx, "PRAGMA application_id = 7"); err != nil {
			t.Fatal(err)
		}
		other.db.Close()
		if _, err := Open(ctx, path); !errors.Is(err, ErrNotHexcrawl) {
			t.Fatalf("open foreign db: %v, want ErrNotHexcrawl", err)
		}
	})
	t.Run("ErrNewerVersion", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "h.db")
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.ExecContext(ctx, "INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, 1)"); err != nil {
			t.Fatal(err)
		}
		s.Close()
		if _, err := Open(ctx, path); !errors.Is(err, ErrNewerVersion) {
			t.Fatalf("open newer db: %v, want ErrNewerVersion", err)
		}
	})
}

func TestCampaignMapHexes(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	c, err := s.CreateCampaign(ctx, "Fen")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCampaign(ctx, ""); game.CodeOf(err) != game.EInvalid {
		t.Fatalf("empty name: %v", err)
	}
	m, err := s.CreateMap(ctx, c.ID, "Fenlands", game.Size{Width: 10, Height: 8}, game.Flat)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ = s.GetCampaign(ctx, c.ID); c.ActiveMapID != m.ID {
		t.Fatalf("first map not active: %q", c.ActiveMapID)
	}
	tests := []struct {
		name string
		size game.Size
		o    game.Orientation
	}{
		{"ErrTooWide", game.Size{Width: 401, Height: 1}, game.Flat},
		{"ErrZero", game.Size{Width: 0, Height: 5}, game.Flat},
		{"ErrOrientation", game.Size{Width: 5, Height: 5}, "round"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.CreateMap(ctx, c.ID, "x", tt.size, tt.o); game.CodeOf(err) != game.EInvalid {
				t.Fatalf("got %v, want invalid", err)
			}
		})
	}
	hexes := []game.Hex{
		{Key: game.Key{Col: 1, Row: 1}, Terrain: game.Forest, Label: "Elderwood"},
		{Key: game.Key{Col: 9, Row: 7}, Terrain: game.Water, Notes: "kraken"},
	}
	if err := s.PutHexes(ctx, m.ID, hexes); err != nil {
		t.Fatal(err)
	}
	if err := s.RevealToAll(ctx, m.ID, []game.Key{{Col: 1, Row: 1}, {Col: 9, Row: 7}}, game.LevelExplored); err != nil {
		t.Fatal(err)
	}
	parties, _ := s.ListParties(ctx, c.ID)
	if err := s.SetPartyPosition(ctx, parties[0].ID, m.ID, &game.Key{Col: 9, Row: 7}); err != nil {
		t.Fatal(err)
	}
	// Shrinking drops what no longer fits and keeps the rest.
	if err := s.ResizeMap(ctx, m.ID, game.Size{Width: 5, Height: 5}); err != nil {
		t.Fatal(err)
	}
	got, err := s.LoadHexes(ctx, m.ID)
	if err != nil || len(got) != 1 || got[0].Label != "Elderwood" {
		t.Fatalf("after shrink: %+v, %v", got, err)
	}
	rev, _ := s.LoadReveals(ctx, m.ID)
	if len(rev.All) != 1 {
		t.Fatalf("reveals after shrink: %+v", rev.All)
	}
	if tokens, _ := s.LoadPartyPositions(ctx, m.ID); len(tokens) != 0 {
		t.Fatalf("token off the shrunk map kept: %+v", tokens)
	}
	if m, _ = s.GetMap(ctx, m.ID); m.Width != 5 {
		t.Fatalf("map after shrink: %+v", m)
	}
	// Clearing every field deletes the row.
	if err := s.PutHexes(ctx, m.ID, []game.Hex{{Key: game.Key{Col: 1, Row: 1}}}); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.LoadHexes(ctx, m.ID); len(got) != 0 {
		t.Fatalf("cleared hex kept: %+v", got)
	}
}

func TestRevealsPerMember(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	c, _ := s.CreateCampaign(ctx, "Fen")
	m, _ := s.CreateMap(ctx, c.ID, "Fen", game.Size{Width: 4, Height: 4}, game.Pointy)
	ana, err := s.CreateMember(ctx, c.ID, "Ana", []byte("hash-a"))
	if err != nil {
		t.Fatal(err)
	}
	bo, _ := s.CreateMember(ctx, c.ID, "Bo", []byte("hash-b"))
	keys := []game.Key{{Col: 0, Row: 0}, {Col: 1, Row: 0}}
	if err := s.RevealToMember(ctx, m.ID, ana.ID, keys, game.LevelExplored); err != nil {
		t.Fatal(err)
	}
	if err := s.RevealToMember(ctx, m.ID, bo.ID, keys[:1], game.LevelExplored); err != nil {
		t.Fatal(err)
	}
	if err := s.HideFromMember(ctx, m.ID, ana.ID, keys[1:]); err != nil {
		t.Fatal(err)
	}
	rev, _ := s.LoadReveals(ctx, m.ID)
	if len(rev.ByMember[ana.ID]) != 1 || len(rev.ByMember[bo.ID]) != 1 {
		t.Fatalf("reveals: %+v", rev.ByMember)
	}
	if err := s.HideFromAll(ctx, m.ID, keys[:1]); err != nil {
		t.Fatal(err)
	}
	if rev, _ = s.LoadReveals(ctx, m.ID); len(rev.ByMember) != 0 {
		t.Fatalf("hide from all left private reveals: %+v", rev.ByMember)
	}
	if got, err := s.MemberBySecret(ctx, []byte("hash-a")); err != nil || got.ID != ana.ID {
		t.Fatalf("by secret: %+v %v", got, err)
	}
	if err := s.RevokeMember(ctx, c.ID, ana.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MemberBySecret(ctx, []byte("hash-a")); game.CodeOf(err) != game.EUnauth {
		t.Fatalf("revoked member still authenticates: %v", err)
	}
}

func TestEventLog(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	c, _ := s.CreateCampaign(ctx, "Fen")
	sess, err := s.StartSession(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		seq, err := s.AppendEvent(ctx, c.ID, sess.ID, game.EventHexReveal, "dm", map[string]int{"i": i})
		if err != nil {
			t.Fatal(err)
		}
		if seq != int64(i) {
			t.Fatalf("seq %d, want %d", seq, i)
		}
	}
	evs, err := s.ListEvents(ctx, c.ID, 1, 10)
	if err != nil || len(evs) != 2 || evs[0].Seq != 2 {
		t.Fatalf("list after 1: %+v %v", evs, err)
	}
	if _, err := s.db.ExecContext(ctx, "UPDATE session_event SET actor = 'forged'"); err == nil {
		t.Fatal("event log accepted an UPDATE")
	}
	// A crash leaves the session active; the next start pauses it and says so in the log.
	n, err := s.PauseInterruptedSessions(ctx)
	if err != nil || n != 1 {
		t.Fatalf("paused %d, %v", n, err)
	}
	cur, _ := s.CurrentSession(ctx, c.ID)
	if cur.Status != game.Paused {
		t.Fatalf("status %s", cur.Status)
	}
	if last, _ := s.LastSeq(ctx, c.ID); last != 4 {
		t.Fatalf("last seq %d, want 4", last)
	}
}

func TestSavepointRollsBackOneRequest(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	c, _ := s.CreateCampaign(ctx, "Fen")
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.AppendEvent(ctx, c.ID, "", game.EventHexUpdate, "dm", 1); err != nil {
		t.Fatal(err)
	}
	if err := tx.Savepoint(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.AppendEvent(ctx, c.ID, "", game.EventHexUpdate, "dm", 2); err != nil {
		t.Fatal(err)
	}
	if err := tx.RollbackTo(ctx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if last, _ := s.LastSeq(ctx, c.ID); last != 1 {
		t.Fatalf("last seq %d, want 1 (second event rolled back)", last)
	}
}
