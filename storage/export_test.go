package storage

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
)

// fixtureCampaign builds a campaign with a bit of everything in it.
func fixtureCampaign(t *testing.T, s *Store) string {
	t.Helper()
	ctx := context.Background()
	c, _ := s.CreateCampaign(ctx, "Fen")
	m, _ := s.CreateMap(ctx, c.ID, "Fenlands", game.Size{Width: 6, Height: 4}, game.Pointy)
	if _, err := s.CreateMap(ctx, c.ID, "Underdark", game.Size{Width: 3, Height: 3}, game.Flat); err != nil {
		t.Fatal(err)
	}
	ana, _ := s.CreateMember(ctx, c.ID, "Ana", []byte("hash-ana"))
	_ = s.PutHexes(ctx, m.ID, []game.Hex{{Key: game.Key{Col: 1, Row: 2}, Terrain: game.Forest, Label: "Elderwood", Notes: "owlbears"}})
	_ = s.RevealToAll(ctx, m.ID, []game.Key{{Col: 0, Row: 0}}, game.LevelExplored)
	_ = s.RevealToAll(ctx, m.ID, []game.Key{{Col: 1, Row: 0}}, game.LevelGlimpsed)
	_ = s.RevealToMember(ctx, m.ID, ana.ID, []game.Key{{Col: 1, Row: 2}}, game.LevelExplored)
	_ = s.RevealToMember(ctx, m.ID, ana.ID, []game.Key{{Col: 2, Row: 2}}, game.LevelGlimpsed)
	parties, _ := s.ListParties(ctx, c.ID)
	scouts, err := s.CreateParty(ctx, c.ID, game.Party{Name: "Scouts", Color: "#3070c0", Reveal: game.RevealHex})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.SetMemberParty(ctx, ana.ID, scouts.ID)
	_ = s.SetPartyPosition(ctx, parties[0].ID, m.ID, &game.Key{Col: 1, Row: 2})
	_ = s.SetPartyPosition(ctx, scouts.ID, m.ID, &game.Key{Col: 3, Row: 3})
	_ = s.RevealToParty(ctx, m.ID, scouts.ID, []game.Key{{Col: 3, Row: 3}}, game.LevelExplored)
	_ = s.RevealToParty(ctx, m.ID, scouts.ID, []game.Key{{Col: 3, Row: 2}}, game.LevelGlimpsed)
	_ = s.CreateMarker(ctx, game.Marker{ID: "mk1", MapID: m.ID, Key: game.Key{Col: 2, Row: 1}, Kind: game.MarkerCamp, Label: "Goblins", Visibility: game.VisiblePlayers})
	_ = s.SetSightRules(ctx, c.ID, game.SightRules{game.Hills: {Sight: 3, Height: 1}})
	// The travel turn: rules, a lost party's clock, a waiting encounter, a road.
	rules := game.DefaultTravelRules()
	rules.Navigation[game.Forest] = game.Chance{In: 5, Of: 6}
	if err := s.SetTravelRules(ctx, c.ID, &rules); err != nil {
		t.Fatal(err)
	}
	fog := &game.Weather{Name: "Fog", SightPenalty: 1, PaceFactor: 1, Shared: true, Climate: "temperate", Season: game.Spring, Minutes: 1440}
	_ = s.SetPartyTravel(ctx, scouts.ID, game.PartyTravel{Minutes: 1500, Pace: game.Slow, Weather: fog, Lost: &game.Lost{At: "2,2", Since: 1480}})
	_ = s.AddEncounter(ctx, c.ID, Encounter{ID: "enc1", PartyID: scouts.ID, Minutes: 1500, Check: game.EncounterCheck{Reason: game.CheckWatch,
		At: "2,2", Terrain: game.Forest, Chance: game.Chance{In: 1, Of: 6}, Hit: true, Result: &game.EncounterResult{Terrain: game.Forest, Summary: "a lone hermit"}}})
	_ = s.PutHexes(ctx, m.ID, []game.Hex{{Key: game.Key{Col: 0, Row: 1}, Road: true}})
	// Players' notes: one shared with the scouts, one private.
	if _, err := s.PutPlayerNote(ctx, game.PlayerNote{ID: "note1", MapID: m.ID, Key: game.Key{Col: 1, Row: 2}, AuthorID: ana.ID, Text: "We buried the gold here", PartyID: scouts.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutPlayerNote(ctx, game.PlayerNote{ID: "note2", MapID: m.ID, Key: game.Key{Col: 0, Row: 0}, AuthorID: ana.ID, Text: "Bo owes me 3 gold"}); err != nil {
		t.Fatal(err)
	}
	sess, _ := s.StartSession(ctx, c.ID)
	_, _ = s.AppendEvent(ctx, c.ID, sess.ID, game.EventSessionStart, "dm", map[string]string{})
	no := false
	_ = s.AppendStaged(ctx, c.ID, game.StagedChange{ID: "st1", Kind: game.StagePlace, PartyID: scouts.ID, Key: json.RawMessage(`"0,0"`), Reveal: &no})
	if _, err := s.CreateInvite(ctx, c.ID, "ABCDEFGHJK", fixedFuture); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func exportJSON(t *testing.T, s *Store, id string) []byte {
	t.Helper()
	var f *CampaignFile
	err := s.Update(context.Background(), func(tx *Tx) error {
		var err error
		f, err = tx.ExportCampaign(context.Background(), id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(f)
	return b
}

func importJSON(s *Store, raw []byte) (game.Campaign, error) {
	var f CampaignFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return game.Campaign{}, err
	}
	var c game.Campaign
	err := s.Update(context.Background(), func(tx *Tx) error {
		var err error
		c, err = tx.ImportCampaign(context.Background(), &f)
		return err
	})
	return c, err
}

func TestExportImportRoundTrip(t *testing.T) {
	src, dst := MustOpen(t), MustOpen(t)
	id := fixtureCampaign(t, src)
	raw := exportJSON(t, src, id)
	if _, err := importJSON(dst, raw); err != nil {
		t.Fatalf("import: %v", err)
	}
	var before, after CampaignFile
	_ = json.Unmarshal(raw, &before)
	_ = json.Unmarshal(exportJSON(t, dst, id), &after)
	// The live session comes back paused, like after a restart; timestamps of the export differ.
	before.Sessions[0].Status = game.Paused
	before.ExportedAt, after.ExportedAt = after.ExportedAt, before.ExportedAt
	before.Campaign.UpdatedAt, after.Campaign.UpdatedAt = after.Campaign.UpdatedAt, before.Campaign.UpdatedAt
	if !reflect.DeepEqual(before.Maps, after.Maps) || !reflect.DeepEqual(before.Members, after.Members) ||
		!reflect.DeepEqual(before.Events, after.Events) || !reflect.DeepEqual(before.Staged, after.Staged) ||
		!reflect.DeepEqual(before.Sessions, after.Sessions) || before.Campaign.ActiveMapID != after.Campaign.ActiveMapID ||
		!reflect.DeepEqual(before.Parties, after.Parties) || !reflect.DeepEqual(before.Campaign.SightRules, after.Campaign.SightRules) {
		t.Fatalf("round trip differs:\nbefore %s\nafter  %s", raw, exportJSON(t, dst, id))
	}
	// Everything exploration adds is in the file, and came back.
	fm := after.Maps[0]
	if len(after.Parties) != 2 || len(fm.Tokens) != 2 || len(fm.GlimpsedAll) != 1 || len(fm.GlimpsedTo) != 1 ||
		len(fm.RevealedParty) != 1 || len(fm.GlimpsedParty) != 1 || len(fm.Markers) != 1 || after.Campaign.SightRules == nil ||
		after.Members[0].PartyID != after.Parties[1].ID {
		t.Fatalf("exploration lost in the round trip: %s", exportJSON(t, dst, id))
	}
	// And the players' notes, shared and private.
	if len(after.PlayerNotes) != 2 || !reflect.DeepEqual(before.PlayerNotes, after.PlayerNotes) {
		t.Fatalf("players' notes lost in the round trip: %+v", after.PlayerNotes)
	}
	// So is everything of the travel turn: rules, a lost party's clock, a waiting encounter, a road.
	if !reflect.DeepEqual(before.TravelRules, after.TravelRules) || !reflect.DeepEqual(before.Travel, after.Travel) ||
		!reflect.DeepEqual(before.Encounters, after.Encounters) || after.TravelRules == nil || len(after.Travel) != 1 ||
		len(after.Encounters) != 1 || !slices.ContainsFunc(fm.Hexes, func(h FileHex) bool { return h.Road }) {
		t.Fatalf("travel lost in the round trip: %s", exportJSON(t, dst, id))
	}
	for _, st := range after.Travel {
		if st.Lost == nil || st.Lost.At != "2,2" || st.Minutes != 1500 || st.Weather == nil || st.Weather.Name != "Fog" {
			t.Fatalf("the scouts' travel after the round trip: %+v", st)
		}
	}
	// The player's cookie hash came along: the same browser still authenticates.
	if _, err := dst.MemberBySecret(context.Background(), []byte("hash-ana")); err != nil {
		t.Fatalf("member after import: %v", err)
	}
	// Importing it again is a conflict, and changes nothing.
	if _, err := importJSON(dst, raw); game.CodeOf(err) != game.EConflict {
		t.Fatalf("second import: %v", err)
	}
}

func TestImportRejectsBadFilesAtomically(t *testing.T) {
	src := MustOpen(t)
	raw := string(exportJSON(t, src, fixtureCampaign(t, src)))
	tests := []struct {
		name    string
		file    string
		wantMsg string
	}{
		{"ErrForeign", `{"format":"something-else","version":1}`, "not a Hexcrawl campaign file"},
		{"ErrNewerVersion", strings.Replace(raw, `"version":2`, `"version":7`, 1), "newer Hexcrawl"},
		{"ErrTwoDefaultParties", strings.Replace(raw, `"default":false`, `"default":true`, 1), "both the default"},
		{"ErrNoDefaultParty", strings.Replace(raw, `"default":true`, `"default":false`, 1), "no party is the default"},
		{"ErrMemberInUnknownParty", strings.Replace(raw, `"partyId":"`, `"partyId":"x`, 1), "which the file lacks"},
		{"ErrTokenOfUnknownParty", strings.Replace(raw, `"tokens":{"`, `"tokens":{"x`, 1), "which the file lacks"},
		{"ErrMarkerKind", strings.Replace(raw, `"kind":"camp"`, `"kind":"dragon"`, 1), "marker"},
		{"ErrPartyRevealOffMap", strings.Replace(raw, `"revealedParty":{"`, `"revealedParty":{"x`, 1), "which the file lacks"},
		{"ErrBadSightRules", strings.Replace(raw, `"sight":3`, `"sight":30`, 1), "sight must be"},
		{"ErrKeyOffMap", strings.Replace(raw, `"key":"1,2"`, `"key":"9,9"`, 1), "off the"},
		{"ErrBadTerrain", strings.Replace(raw, `"terrain":"forest"`, `"terrain":"lava"`, 1), "unknown terrain"},
		{"ErrEventGap", strings.Replace(raw, `"seq":1`, `"seq":5`, 1), "gap-free"},
		{"ErrUnknownMemberReveal", strings.Replace(raw, `"revealedTo":{"`, `"revealedTo":{"x`, 1), "reveals to"},
		{"ErrTravelOfUnknownParty", strings.Replace(raw, `"travel":{"`, `"travel":{"x`, 1), "which the file lacks"},
		{"ErrBadTravelRules", strings.Replace(raw, `"forest":"5 in 6"`, `"forest":"5 in 1"`, 1), "2 to 100 sides"},
		{"ErrBadTravelPace", strings.Replace(raw, `"pace":"slow"`, `"pace":"gallop"`, 1), "a bad clock or pace"},
		{"ErrNoteByUnknownMember", strings.Replace(raw, `"authorId":"`, `"authorId":"x`, 1), "who the file lacks"},
		{"ErrNoteOffMap", strings.Replace(raw, `"key":"0,0","authorId"`, `"key":"60,0","authorId"`, 1), "note"},
		{"ErrNoteUntrimmed", strings.Replace(raw, `"text":"Bo owes me 3 gold"`, `"text":" Bo owes me 3 gold"`, 1), "trimmed"},
		{"ErrEncounterOfUnknownParty", strings.Replace(raw, `"encounters":[{"id":"enc1","partyId":"`, `"encounters":[{"id":"enc1","partyId":"x`, 1), "which the file lacks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := MustOpen(t)
			_, err := importJSON(dst, []byte(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("got %v, want an error mentioning %q", err, tt.wantMsg)
			}
			// Nothing half-imported.
			cs, _ := dst.ListCampaigns(context.Background())
			if len(cs) != 0 {
				t.Fatalf("a failed import left %d campaigns", len(cs))
			}
		})
	}
}

var fixedFuture = mustTime("2099-01-01T00:00:00Z")

func mustTime(s string) (t time.Time) {
	t, _ = time.Parse(time.RFC3339, s)
	return t
}

// A campaign file written by an earlier Hexcrawl (testdata/export: version 1, exported through
// the hub's API, with a revoked player, private reveals, a party token and every kind of staged
// change) still imports, and exporting it again gives the same document, changed exactly as
// version 2 says: one default party holding every active member, standing where the token
// stood; every reveal explored; the staged token move a placement of that party. The export
// format is a contract with files people keep, whatever the Go types behind it.
func TestOldExportFileImportsUnchanged(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("..", "testdata", "export", "campaign-v1.hexcrawl.json"))
	if err != nil {
		t.Fatal(err)
	}
	s := MustOpen(t)
	c, err := importJSON(s, golden)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	parties, err := s.ListParties(context.Background(), c.ID)
	if err != nil || len(parties) != 1 || !parties[0].Default || parties[0].Name != game.DefaultPartyName {
		t.Fatalf("a version 1 file's parties: %+v, %v", parties, err)
	}
	party := parties[0].ID
	normalise := func(raw []byte) map[string]any {
		t.Helper()
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		// What importing changes on purpose: the export time, the campaign's last update, and a
		// live session, which comes back paused as after a restart.
		delete(doc, "exportedAt")
		delete(doc["campaign"].(map[string]any), "updatedAt")
		for _, s := range doc["sessions"].([]any) {
			if s := s.(map[string]any); s["status"] == "active" {
				s["status"] = "paused"
			}
		}
		return doc
	}
	want := normalise(golden)
	// What version 2 adds to a version 1 file.
	want["version"] = float64(2)
	want["parties"] = []any{map[string]any{"id": party, "name": game.DefaultPartyName, "color": game.DefaultPartyColor, "reveal": "sight", "default": true}}
	for _, m := range want["members"].([]any) {
		if m := m.(map[string]any); m["revokedAt"] == nil {
			m["partyId"] = party
		}
	}
	for _, m := range want["maps"].([]any) {
		m := m.(map[string]any)
		tokens := map[string]any{}
		if m["token"] != nil {
			tokens[party] = m["token"]
		}
		delete(m, "token")
		m["tokens"] = tokens
		m["glimpsedAll"] = []any{}
		for _, k := range []string{"glimpsedTo", "revealedParty", "glimpsedParty"} {
			m[k] = map[string]any{}
		}
		m["markers"] = []any{}
	}
	for _, st := range want["staged"].([]any) {
		p := st.(map[string]any)["payload"].(map[string]any)
		if p["kind"] == "token" {
			p["kind"], p["partyId"], p["reveal"] = "place", party, false
		}
	}
	got := normalise(exportJSON(t, s, c.ID))
	if !reflect.DeepEqual(want, got) {
		wantJSON, _ := json.MarshalIndent(want, "", " ")
		gotJSON, _ := json.MarshalIndent(got, "", " ")
		t.Fatalf("re-export differs from the file:\nwant %s\ngot  %s", wantJSON, gotJSON)
	}
}
