package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/pressly/goose/v3"
)

func levelsOf(kls []KeyLevel) map[game.Key]uint8 {
	out := map[game.Key]uint8{}
	for _, kl := range kls {
		out[kl.Key] = kl.Level
	}
	return out
}

var (
	k00 = game.Key{Col: 0, Row: 0}
	k10 = game.Key{Col: 1, Row: 0}
	k20 = game.Key{Col: 2, Row: 0}
	k30 = game.Key{Col: 3, Row: 0}
)

// Knowledge only rises by reveals, in every scope; setting a party's levels (undo) is exact.
func TestKnowledgeLevels(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	c, _ := s.CreateCampaign(ctx, "Fen")
	m, _ := s.CreateMap(ctx, c.ID, "Fen", game.Size{Width: 4, Height: 4}, game.Flat)
	ana, _ := s.CreateMember(ctx, c.ID, "Ana", []byte("a"))
	parties, _ := s.ListParties(ctx, c.ID)
	p := parties[0].ID

	steps := []struct {
		name string
		do   func() error
	}{
		{"explore all", func() error { return s.RevealToAll(ctx, m.ID, []game.Key{k00}, game.LevelExplored) }},
		{"glimpse all never lowers", func() error { return s.RevealToAll(ctx, m.ID, []game.Key{k00, k10}, game.LevelGlimpsed) }},
		{"glimpse Ana", func() error { return s.RevealToMember(ctx, m.ID, ana.ID, []game.Key{k20}, game.LevelGlimpsed) }},
		{"raise Ana", func() error {
			return s.RaiseMember(ctx, m.ID, ana.ID, []KeyLevel{{k20, game.LevelExplored}, {k30, game.LevelGlimpsed}})
		}},
		{"raise party", func() error {
			return s.RaiseParty(ctx, m.ID, p, []KeyLevel{{k10, game.LevelExplored}, {k20, game.LevelGlimpsed}})
		}},
		{"raise party never lowers", func() error { return s.RaiseParty(ctx, m.ID, p, []KeyLevel{{k10, game.LevelGlimpsed}}) }},
		{"party reveal", func() error { return s.RevealToParty(ctx, m.ID, p, []game.Key{k30}, game.LevelGlimpsed) }},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
	}
	rev, err := s.LoadReveals(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := levelsOf(rev.All); !reflect.DeepEqual(got, map[game.Key]uint8{k00: 2, k10: 1}) {
		t.Errorf("all: %v", got)
	}
	if got := levelsOf(rev.ByMember[ana.ID]); !reflect.DeepEqual(got, map[game.Key]uint8{k20: 2, k30: 1}) {
		t.Errorf("Ana: %v", got)
	}
	if got := levelsOf(rev.ByParty[p]); !reflect.DeepEqual(got, map[game.Key]uint8{k10: 2, k20: 1, k30: 1}) {
		t.Errorf("party: %v", got)
	}
	// Undo sets levels back exactly, lower included; 0 forgets.
	if err := s.SetPartyLevels(ctx, m.ID, p, []KeyLevel{{k10, 1}, {k20, 0}}); err != nil {
		t.Fatal(err)
	}
	rev, _ = s.LoadReveals(ctx, m.ID)
	if got := levelsOf(rev.ByParty[p]); !reflect.DeepEqual(got, map[game.Key]uint8{k10: 1, k30: 1}) {
		t.Errorf("party after undo: %v", got)
	}
	// Hiding from all forgets every scope.
	if err := s.HideFromAll(ctx, m.ID, []game.Key{k10, k30}); err != nil {
		t.Fatal(err)
	}
	rev, _ = s.LoadReveals(ctx, m.ID)
	if len(rev.ByParty[p]) != 0 || len(levelsOf(rev.ByMember[ana.ID])) != 1 || len(rev.All) != 1 {
		t.Errorf("after hide from all: %+v", rev)
	}
}

// Splits copy knowledge and tokens, merges unite knowledge, a player leaving keeps what their
// new party does not know: on every map of the campaign, not only the one in play.
func TestPartyKnowledgeAcrossMaps(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	c, _ := s.CreateCampaign(ctx, "Fen")
	m1, _ := s.CreateMap(ctx, c.ID, "Fen", game.Size{Width: 4, Height: 4}, game.Flat)
	m2, _ := s.CreateMap(ctx, c.ID, "Underdark", game.Size{Width: 4, Height: 4}, game.Pointy)
	ana, _ := s.CreateMember(ctx, c.ID, "Ana", []byte("a"))
	if ana.PartyID == "" {
		t.Fatal("a new member joined no party")
	}
	company := ana.PartyID
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.RaiseParty(ctx, m1.ID, company, []KeyLevel{{k00, 2}, {k10, 1}}))
	must(s.RaiseParty(ctx, m2.ID, company, []KeyLevel{{k20, 2}}))
	must(s.SetPartyPosition(ctx, company, m1.ID, &k00))
	must(s.SetPartyPosition(ctx, company, m2.ID, &k20))

	scouts, err := s.CreateParty(ctx, c.ID, game.Party{Name: "Scouts", Color: "#3070c0"})
	must(err)
	must(s.CopyParty(ctx, company, scouts.ID))
	for _, mp := range []string{m1.ID, m2.ID} {
		rev, _ := s.LoadReveals(ctx, mp)
		if !reflect.DeepEqual(levelsOf(rev.ByParty[company]), levelsOf(rev.ByParty[scouts.ID])) {
			t.Fatalf("split on %s: %v vs %v", mp, rev.ByParty[company], rev.ByParty[scouts.ID])
		}
		tokens, _ := s.LoadPartyPositions(ctx, mp)
		if tokens[company] != tokens[scouts.ID] {
			t.Fatalf("split tokens on %s: %v", mp, tokens)
		}
	}
	// The scouts explore what the company only glimpsed, and more; the company then keeps...
	must(s.RaiseParty(ctx, m1.ID, scouts.ID, []KeyLevel{{k10, 2}, {k30, 1}}))
	// ... Ana leaving the company for the scouts keeps only what the scouts lack: nothing here
	// (the scouts know all the company knows, at least as well).
	must(s.KeepPartyKnowledge(ctx, company, scouts.ID, ana.ID))
	rev, _ := s.LoadReveals(ctx, m1.ID)
	if len(rev.ByMember[ana.ID]) != 0 {
		t.Fatalf("Ana kept what the scouts know: %v", rev.ByMember[ana.ID])
	}
	// Leaving the scouts for no party: she keeps all of it, on both maps.
	must(s.KeepPartyKnowledge(ctx, scouts.ID, "", ana.ID))
	rev, _ = s.LoadReveals(ctx, m1.ID)
	if got := levelsOf(rev.ByMember[ana.ID]); !reflect.DeepEqual(got, map[game.Key]uint8{k00: 2, k10: 2, k30: 1}) {
		t.Fatalf("Ana keeps on map 1: %v", got)
	}
	rev, _ = s.LoadReveals(ctx, m2.ID)
	if got := levelsOf(rev.ByMember[ana.ID]); !reflect.DeepEqual(got, map[game.Key]uint8{k20: 2}) {
		t.Fatalf("Ana keeps on map 2: %v", got)
	}
	// Merging the scouts into the company: the union, the higher level winning.
	must(s.MergePartyKnowledge(ctx, scouts.ID, company))
	must(s.DeleteParty(ctx, scouts.ID))
	rev, _ = s.LoadReveals(ctx, m1.ID)
	if got := levelsOf(rev.ByParty[company]); !reflect.DeepEqual(got, map[game.Key]uint8{k00: 2, k10: 2, k30: 1}) {
		t.Fatalf("merged: %v", got)
	}
	if _, ok := rev.ByParty[scouts.ID]; ok {
		t.Fatal("a deleted party's knowledge stayed")
	}
	if tokens, _ := s.LoadPartyPositions(ctx, m1.ID); len(tokens) != 1 {
		t.Fatalf("a deleted party's token stayed: %v", tokens)
	}
}

// Exactly one default party; a member follows it; deleting a party leaves its members in none.
func TestPartiesAndMembers(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	c, _ := s.CreateCampaign(ctx, "Fen")
	parties, _ := s.ListParties(ctx, c.ID)
	if len(parties) != 1 || !parties[0].Default || parties[0].Reveal != game.RevealSight {
		t.Fatalf("a new campaign's parties: %+v", parties)
	}
	scouts, err := s.CreateParty(ctx, c.ID, game.Party{Name: "Scouts", Color: "#3070c0", Reveal: game.RevealHex})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []game.Party{{Name: "", Color: "#000000"}, {Name: "X", Color: "red"}, {Name: "X", Color: "#000000", Reveal: "all"}} {
		if _, err := s.CreateParty(ctx, c.ID, bad); game.CodeOf(err) != game.EInvalid {
			t.Errorf("party %+v: %v", bad, err)
		}
	}
	if err := s.SetDefaultParty(ctx, c.ID, scouts.ID); err != nil {
		t.Fatal(err)
	}
	bo, _ := s.CreateMember(ctx, c.ID, "Bo", []byte("b"))
	if bo.PartyID != scouts.ID {
		t.Fatalf("Bo joined %q, not the default %q", bo.PartyID, scouts.ID)
	}
	parties, _ = s.ListParties(ctx, c.ID)
	if parties[0].Default || !parties[1].Default {
		t.Fatalf("default after switching: %+v", parties)
	}
	scouts.Name, scouts.Reveal = "Bo's scouts", game.RevealNone
	if err := s.UpdateParty(ctx, scouts); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMemberParty(ctx, bo.ID, parties[0].ID); err != nil {
		t.Fatal(err)
	}
	got, _ := s.GetMember(ctx, c.ID, bo.ID)
	if got.PartyID != parties[0].ID {
		t.Fatalf("Bo's party %q", got.PartyID)
	}
	if err := s.DeleteParty(ctx, parties[0].ID); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.GetMember(ctx, c.ID, bo.ID); got.PartyID != "" {
		t.Fatalf("Bo is in a deleted party %q", got.PartyID)
	}
	parties, _ = s.ListParties(ctx, c.ID)
	if len(parties) != 1 || parties[0].Name != "Bo's scouts" || parties[0].Reveal != game.RevealNone {
		t.Fatalf("parties: %+v", parties)
	}
}

func TestPartyMovesKeepTheNewest(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	c, _ := s.CreateCampaign(ctx, "Fen")
	m, _ := s.CreateMap(ctx, c.ID, "Fen", game.Size{Width: 4, Height: 4}, game.Flat)
	parties, _ := s.ListParties(ctx, c.ID)
	p := parties[0].ID
	for seq := int64(1); seq <= 5; seq++ {
		var drop int64
		if seq == 5 {
			drop = 1
		}
		if err := s.AppendPartyMove(ctx, p, m.ID, seq, []byte(`{"n":`+string(rune('0'+seq))+`}`), drop); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.LoadPartyMoves(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	var seqs []int64
	for _, r := range got {
		seqs = append(seqs, r.Seq)
	}
	if !slices.Equal(seqs, []int64{2, 3, 4, 5}) || string(got[3].Payload) != `{"n":5}` {
		t.Fatalf("moves kept: %v %s", seqs, got[2].Payload)
	}
	if err := s.UpdatePartyMove(ctx, p, m.ID, 4, []byte(`{"n":9}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.DeletePartyMove(ctx, p, m.ID, 5); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.LoadPartyMoves(ctx, m.ID); len(got) != 3 || string(got[2].Payload) != `{"n":9}` {
		t.Fatalf("after update and delete: %+v", got)
	}
	// Resizing the map ends its undo history (the records name hexes of the old size).
	if err := s.ResizeMap(ctx, m.ID, game.Size{Width: 5, Height: 5}); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.LoadPartyMoves(ctx, m.ID); len(got) != 0 {
		t.Fatalf("undo history after a resize: %+v", got)
	}
	if err := s.AppendPartyMove(ctx, p, m.ID, 9, []byte(`{}`), 0); err != nil {
		t.Fatal(err)
	}
	if err := s.ClearPartyMoves(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.LoadPartyMoves(ctx, m.ID); len(got) != 0 {
		t.Fatalf("after clear: %+v", got)
	}
}

func TestMarkersAndSightRules(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	c, _ := s.CreateCampaign(ctx, "Fen")
	m, _ := s.CreateMap(ctx, c.ID, "Fen", game.Size{Width: 6, Height: 6}, game.Flat)
	mk := game.Marker{ID: "m1", MapID: m.ID, Key: game.Key{Col: 5, Row: 5}, Kind: game.MarkerMonster, Label: "Owlbear", Visibility: game.VisibleDM}
	if err := s.CreateMarker(ctx, mk); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateMarker(ctx, mk); err == nil {
		t.Fatal("a second marker with the same id")
	}
	if err := s.CreateMarker(ctx, game.Marker{ID: "m2", MapID: m.ID, Kind: "dragon", Visibility: game.VisibleDM}); game.CodeOf(err) != game.EInvalid {
		t.Fatalf("bad kind: %v", err)
	}
	mk.Visibility, mk.Label = game.VisiblePlayers, "An owlbear, asleep"
	if err := s.UpdateMarker(ctx, mk); err != nil {
		t.Fatal(err)
	}
	got, _ := s.LoadMarkers(ctx, m.ID)
	if len(got) != 1 || got[0] != mk {
		t.Fatalf("markers %+v", got)
	}
	if err := s.ResizeMap(ctx, m.ID, game.Size{Width: 5, Height: 5}); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.LoadMarkers(ctx, m.ID); len(got) != 0 {
		t.Fatalf("a marker off the shrunk map stayed: %+v", got)
	}

	rules := game.SightRules{game.Hills: {Sight: 4, Height: 1}, game.Unpainted: {Sight: 2}}
	if err := s.SetSightRules(ctx, c.ID, rules); err != nil {
		t.Fatal(err)
	}
	back, _ := s.GetCampaign(ctx, c.ID)
	if !reflect.DeepEqual(back.SightRules, rules) {
		t.Fatalf("rules back: %+v", back.SightRules)
	}
	if err := s.SetSightRules(ctx, c.ID, nil); err != nil {
		t.Fatal(err)
	}
	if back, _ = s.GetCampaign(ctx, c.ID); back.SightRules != nil {
		t.Fatalf("rules after reset: %+v", back.SightRules)
	}
}

// A database written before exploration (schema 1) opens at schema 2 with what
// docs/exploration.md promises: a default party per campaign holding its active members,
// standing where the one token stood; every reveal explored; a staged token move now a
// placement of that party.
func TestMigrationToParties(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
		t.Fatal(err)
	}
	fsys, _ := fs.Sub(migrations, "migrations")
	provider, err := goose.NewProvider(goose.DialectSQLite3, db, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`INSERT INTO campaign (id, name, created_at, updated_at) VALUES ('c1', 'Fen', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
		`INSERT INTO campaign (id, name, created_at, updated_at) VALUES ('c2', 'Empty', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
		`INSERT INTO map (id, campaign_id, name, width, height, orientation, token_col, token_row, created_at, updated_at)
			VALUES ('m1', 'c1', 'Fen', 8, 6, 'flat', 2, 3, 'x', 'x')`,
		`INSERT INTO map (id, campaign_id, name, width, height, orientation, created_at, updated_at) VALUES ('m2', 'c1', 'Deep', 3, 3, 'flat', 'x', 'x')`,
		`UPDATE campaign SET active_map_id = 'm1' WHERE id = 'c1'`,
		`INSERT INTO member (id, campaign_id, name, secret_hash, joined_at) VALUES ('ana', 'c1', 'Ana', x'01', 'x')`,
		`INSERT INTO member (id, campaign_id, name, secret_hash, joined_at, revoked_at) VALUES ('rex', 'c1', 'Rex', x'02', 'x', 'y')`,
		`INSERT INTO reveal_all (map_id, col, row) VALUES ('m1', 1, 1)`,
		`INSERT INTO reveal_player (map_id, member_id, col, row) VALUES ('m1', 'ana', 3, 3)`,
		`INSERT INTO staged_change (campaign_id, position, id, payload) VALUES ('c1', 1, 's1', '{"id":"s1","kind":"token","key":"4,4"}')`,
		`INSERT INTO staged_change (campaign_id, position, id, payload) VALUES ('c1', 2, 's2', '{"id":"s2","kind":"token","key":null}')`,
		`INSERT INTO staged_change (campaign_id, position, id, payload) VALUES ('c1', 3, 's3', '{"id":"s3","kind":"reveal","hexKeys":["1,1"],"targets":"all"}')`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.SchemaVersion(ctx); v < 2 { // 2 and whatever migrations came after
		t.Fatalf("schema %d", v)
	}
	for _, cid := range []string{"c1", "c2"} {
		parties, err := s.ListParties(ctx, cid)
		if err != nil || len(parties) != 1 || !parties[0].Default || parties[0].Name != game.DefaultPartyName ||
			parties[0].Color != game.DefaultPartyColor || len(parties[0].ID) != 36 {
			t.Fatalf("%s's parties after migrating: %+v, %v", cid, parties, err)
		}
	}
	parties, _ := s.ListParties(ctx, "c1")
	p := parties[0].ID
	members, _ := s.ListMembers(ctx, "c1")
	if members[0].PartyID != p || members[1].PartyID != "" {
		t.Fatalf("members after migrating: %+v", members)
	}
	if tokens, _ := s.LoadPartyPositions(ctx, "m1"); !reflect.DeepEqual(tokens, map[string]game.Key{p: {Col: 2, Row: 3}}) {
		t.Fatalf("tokens on m1: %v", tokens)
	}
	if tokens, _ := s.LoadPartyPositions(ctx, "m2"); len(tokens) != 0 {
		t.Fatalf("tokens on m2: %v", tokens)
	}
	rev, _ := s.LoadReveals(ctx, "m1")
	if rev.All[0].Level != game.LevelExplored || rev.ByMember["ana"][0].Level != game.LevelExplored {
		t.Fatalf("reveals after migrating: %+v", rev)
	}
	staged, err := s.LoadStaged(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	no := false
	want := []game.StagedChange{
		{ID: "s1", Kind: game.StagePlace, PartyID: p, Key: json.RawMessage(`"4,4"`), Reveal: &no},
		{ID: "s2", Kind: game.StagePlace, PartyID: p, Key: json.RawMessage(`null`), Reveal: &no},
		{ID: "s3", Kind: game.StageReveal, HexKeys: []string{"1,1"}, Targets: &game.Targets{All: true}},
	}
	if !reflect.DeepEqual(staged, want) {
		t.Fatalf("staged after migrating:\n%+v\nwant\n%+v", staged, want)
	}
}
