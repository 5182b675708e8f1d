package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCampaignFileName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"The Fenlands", "The Fenlands.json"},
		{"fenlands.json", "fenlands.json"},
		{"Fen.JSON", "Fen.JSON"},
		{"../../etc/passwd", "-..-etc-passwd.json"},
		{`C:\maps\fen`, "C--maps-fen.json"},
		{"  ", "campaign.json"},
		{"", "campaign.json"},
		{"...", "campaign.json"},
		{"tab\there", "tabhere.json"},
	}
	for _, tt := range tests {
		if got := campaignFileName(tt.in); got != tt.want {
			t.Errorf("campaignFileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := campaignFileName(tt.in); strings.ContainsAny(got, `/\`) {
			t.Errorf("campaignFileName(%q) = %q still names a directory", tt.in, got)
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fen.json")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(path, []byte(`{"format":"hexcrawl-campaign"}`)); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != `{"format":"hexcrawl-campaign"}` {
		t.Fatalf("after writeFileAtomic: %q, %v", got, err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o644 {
		t.Fatalf("mode = %v, %v; want 0644", st.Mode(), err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("directory holds %v (%v); want only fen.json, no temporary file left", entries, err)
	}

	// A directory that does not exist: an error, nothing written.
	if err := writeFileAtomic(filepath.Join(dir, "missing", "x.json"), []byte("{}")); err == nil {
		t.Fatal("writeFileAtomic into a missing directory: want an error")
	}
	// The target is a directory: the rename fails and the temporary file is removed.
	sub := filepath.Join(dir, "sub.json")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "keep"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(sub, []byte("{}")); err == nil {
		t.Fatal("writeFileAtomic over a non-empty directory: want an error")
	}
	entries, _ = os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Fatalf("temporary file %s left behind after a failed save", e.Name())
		}
	}
}

func TestReadCampaignFile(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.json")
	if err := os.WriteFile(ok, []byte(`{"format":"hexcrawl-campaign"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxCampaignFile + 1); err != nil { // sparse: no 64 MiB written
		t.Fatal(err)
	}
	f.Close()

	tests := []struct {
		name, path, want, wantErr string
	}{
		{"regular file", ok, `{"format":"hexcrawl-campaign"}`, ""},
		{"too large", big, "", "at most"},
		{"a directory", dir, "", "not a regular file"},
		{"missing", filepath.Join(dir, "nope.json"), "", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readCampaignFile(tt.path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("readCampaignFile: error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("readCampaignFile = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestShutdownStopsTheHubOnce(t *testing.T) {
	calls := 0
	var hadDeadline bool
	boom := errors.New("db close failed")
	a := New(Options{OnShutdown: func(ctx context.Context) error {
		calls++
		_, hadDeadline = ctx.Deadline()
		return boom
	}})
	a.shutdown(context.Background())
	a.shutdown(context.Background())
	if calls != 1 {
		t.Fatalf("OnShutdown ran %d times, want 1", calls)
	}
	if !hadDeadline {
		t.Fatal("OnShutdown got a context without a deadline: a stuck client could hold the process open")
	}
	if !errors.Is(a.shutdownErr, boom) {
		t.Fatalf("shutdownErr = %v, want it to wrap %v", a.shutdownErr, boom)
	}
}
