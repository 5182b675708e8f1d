package storage

// Benchmarks of the durable commit the hub pays for every batch of changes (docs/benchmarks.md,
// "Hub"). Real SQLite files in b.TempDir(), WAL, synchronous=FULL as the Store opens them.
//
//	go test ./storage -run '^$' -bench . -benchtime 2s -count 5

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
)

// benchMap is a store with one campaign and a 100×100 map.
func benchMap(b *testing.B) (s *Store, campaignID, mapID string) {
	b.Helper()
	ctx := context.Background()
	s = MustOpen(b)
	c, err := s.CreateCampaign(ctx, "Bench")
	if err != nil {
		b.Fatal(err)
	}
	m, err := s.CreateMap(ctx, c.ID, "Bench", game.Size{Width: 100, Height: 100}, game.Flat)
	if err != nil {
		b.Fatal(err)
	}
	return s, c.ID, m.ID
}

// revealRequest is what the hub writes for one single-hex reveal: a savepoint (so one request
// of a group commit can fail alone), the reveal row, the log entry, the release.
func revealRequest(ctx context.Context, tx *Tx, campaignID, mapID string, i int) error {
	if err := tx.Savepoint(ctx); err != nil {
		return err
	}
	k := game.Key{Col: i % 100, Row: (i / 100) % 100}
	if err := tx.RevealToAll(ctx, mapID, []game.Key{k}, game.LevelExplored); err != nil {
		return err
	}
	payload := map[string]any{"hexKeys": []string{k.String()}, "targets": "all"}
	if _, err := tx.AppendEvent(ctx, campaignID, "", game.EventHexReveal, "dm", payload); err != nil {
		return err
	}
	return tx.Release(ctx)
}

// BenchmarkCommit is one durable transaction per op. event: just one AppendEvent (the log
// entry, the smallest durable change); reveal: everything one reveal writes.
// sync=normal is the same with synchronous=NORMAL (no fsync at commit in WAL mode: fast,
// but a power cut loses the last commits), shown only to price the choice of FULL.
func BenchmarkCommit(b *testing.B) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		pragma string // run on the only pooled connection first
		reveal bool
	}{
		{name: "event/sync=full"},
		{name: "reveal/sync=full", reveal: true},
		{name: "event/sync=normal", pragma: "PRAGMA synchronous=NORMAL"},
		{name: "reveal/sync=normal", reveal: true, pragma: "PRAGMA synchronous=NORMAL"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s, campaignID, mapID := benchMap(b)
			if tc.pragma != "" {
				// One pooled connection, so the pragma covers every transaction below.
				s.db.SetMaxOpenConns(1)
				if _, err := s.db.ExecContext(ctx, tc.pragma); err != nil {
					b.Fatal(err)
				}
			}
			i := 0
			lat := make([]time.Duration, 0, 4096)
			for b.Loop() {
				start := time.Now()
				err := s.Update(ctx, func(tx *Tx) error {
					i++
					if tc.reveal {
						return revealRequest(ctx, tx, campaignID, mapID, i)
					}
					_, err := tx.AppendEvent(ctx, campaignID, "", game.EventTokenMove, "dm", map[string]string{"key": "1,2"})
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			reportPercentiles(b, lat)
		})
	}
}

// BenchmarkFsync is the disk's floor under every durable commit: 4 KB appended to a file and
// fsynced, with no SQLite at all. A commit in WAL mode with synchronous=FULL costs at least one.
func BenchmarkFsync(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "fsync"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	page := make([]byte, 4096)
	lat := make([]time.Duration, 0, 4096)
	for b.Loop() {
		start := time.Now()
		if _, err := f.Write(page); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	reportPercentiles(b, lat)
}

// BenchmarkGroupCommit is what the hub's room does with a burst: n reveal requests, each in its
// own savepoint, sharing one transaction and one fsync. One op is one transaction; µs/request
// is what each request costs.
func BenchmarkGroupCommit(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1, 8, 32, 64} {
		b.Run(fmt.Sprintf("requests=%d", n), func(b *testing.B) {
			s, campaignID, mapID := benchMap(b)
			i := 0
			for b.Loop() {
				err := s.Update(ctx, func(tx *Tx) error {
					for range n {
						i++
						if err := revealRequest(ctx, tx, campaignID, mapID, i); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/request")
		})
	}
}

// reportPercentiles reports the median and the 99th percentile of per-operation latencies.
func reportPercentiles(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
