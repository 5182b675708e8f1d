package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// TestHubName: the name the hub is listed under follows what the DM is doing, read from a real
// SQLite file.
func TestHubName(t *testing.T) {
	type step struct {
		what         string
		do           func(t *testing.T, ctx context.Context, s *storage.Store, ids map[string]string)
		wantInstance string
		wantCampaign string
	}
	create := func(name string) func(*testing.T, context.Context, *storage.Store, map[string]string) {
		return func(t *testing.T, ctx context.Context, s *storage.Store, ids map[string]string) {
			c, err := s.CreateCampaign(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			ids[name] = c.ID
		}
	}
	sessions := map[string]string{}
	startSession := func(name string) func(*testing.T, context.Context, *storage.Store, map[string]string) {
		return func(t *testing.T, ctx context.Context, s *storage.Store, ids map[string]string) {
			sess, err := s.StartSession(ctx, ids[name])
			if err != nil {
				t.Fatal(err)
			}
			sessions[name] = sess.ID
		}
	}
	setStatus := func(name string, st game.SessionStatus) func(*testing.T, context.Context, *storage.Store, map[string]string) {
		return func(t *testing.T, ctx context.Context, s *storage.Store, _ map[string]string) {
			if err := s.SetSessionStatus(ctx, sessions[name], st); err != nil {
				t.Fatal(err)
			}
		}
	}
	steps := []step{
		{"no campaign yet", func(*testing.T, context.Context, *storage.Store, map[string]string) {}, "Hexcrawl", ""},
		{"one campaign", create("The Fenlands"), "The Fenlands", "The Fenlands"},
		{"renamed", func(t *testing.T, ctx context.Context, s *storage.Store, ids map[string]string) {
			if err := s.RenameCampaign(ctx, ids["The Fenlands"], "Fenmarch"); err != nil {
				t.Fatal(err)
			}
			ids["Fenmarch"] = ids["The Fenlands"]
		}, "Fenmarch", "Fenmarch"},
		{"a second campaign, none played", create("Sunken Vale"), "Hexcrawl", ""},
		{"the second one played", startSession("Sunken Vale"), "Sunken Vale", "Sunken Vale"},
		{"paused still counts", setStatus("Sunken Vale", game.Paused), "Sunken Vale", "Sunken Vale"},
		{"a session started later in the first wins", startSession("Fenmarch"), "Fenmarch", "Fenmarch"},
		{"that one ended: back to the other", setStatus("Fenmarch", game.Ended), "Sunken Vale", "Sunken Vale"},
		{"both ended", setStatus("Sunken Vale", game.Ended), "Hexcrawl", ""},
	}
	ctx := context.Background()
	s, err := storage.Open(ctx, filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ids := map[string]string{}
	for _, st := range steps {
		st.do(t, ctx, s, ids)
		inst, camp, err := hubName(ctx, s)
		if err != nil {
			t.Fatalf("%s: %v", st.what, err)
		}
		if inst != st.wantInstance || camp != st.wantCampaign {
			t.Errorf("%s: hubName = %q, %q; want %q, %q", st.what, inst, camp, st.wantInstance, st.wantCampaign)
		}
	}
}
