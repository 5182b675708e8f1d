package storage

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/hexcrawl/hexcrawl/game"
)

// Campaign files: one JSON document holding everything of one campaign, for backups and for
// moving a campaign to another laptop.
// Version 2 added parties, markers, glimpsed knowledge and sight rules; version 1 files (one
// party token per map, every reveal explored) still import.
const (
	CampaignFileFormat  = "hexcrawl-campaign"
	CampaignFileVersion = 2
)

// CampaignFile is the exported form of a campaign.
type CampaignFile struct {
	Format     string         `json:"format"`
	Version    int            `json:"version"`
	ExportedAt time.Time      `json:"exportedAt"`
	Campaign   game.Campaign  `json:"campaign"`
	Maps       []FileMap      `json:"maps"`
	Members    []FileMember   `json:"members"`
	Parties    []game.Party   `json:"parties"`
	Invites    []game.Invite  `json:"invites"`
	Sessions   []game.Session `json:"sessions"`
	Staged     []FileStaged   `json:"staged"`
	Events     []Event        `json:"events"`
	// The travel turn (docs/travel.md); absent from files made before it, and when unused.
	TravelRules *game.TravelRules           `json:"travelRules,omitempty"`
	Travel      map[string]game.PartyTravel `json:"travel,omitempty"` // party id → its travel state
	Encounters  []Encounter                 `json:"encounters,omitempty"`
	// Players' notes (docs/table.md); absent when there are none. Table screens are not kept:
	// they are credentials, and a restored campaign makes new ones.
	PlayerNotes []FilePlayerNote `json:"playerNotes,omitempty"`
}

// FilePlayerNote is a player's note on a hex of one of the file's maps.
type FilePlayerNote struct {
	ID        string    `json:"id"`
	MapID     string    `json:"mapId"`
	Key       string    `json:"key"`
	AuthorID  string    `json:"authorId"`
	PartyID   string    `json:"partyId,omitempty"` // the party it is shared with; "": private
	Text      string    `json:"text"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// FileMap is a map with its hexes, knowledge, tokens and markers. Explored hexes are "revealed"
// (the one state version 1 had), glimpsed ones "glimpsed".
type FileMap struct {
	ID          string           `json:"id"`
	Name        string           `json:"name"`
	Width       int              `json:"width"`
	Height      int              `json:"height"`
	Orientation game.Orientation `json:"orientation"`
	// Token is version 1's one party token (the default party's); read, never written.
	Token         *string             `json:"token,omitempty"`
	Tokens        map[string]string   `json:"tokens"` // party id → key
	Hexes         []FileHex           `json:"hexes"`
	RevealedAll   []string            `json:"revealedAll"`
	GlimpsedAll   []string            `json:"glimpsedAll"`
	RevealedTo    map[string][]string `json:"revealedTo"`
	GlimpsedTo    map[string][]string `json:"glimpsedTo"`
	RevealedParty map[string][]string `json:"revealedParty"`
	GlimpsedParty map[string][]string `json:"glimpsedParty"`
	Markers       []FileMarker        `json:"markers"`
}

// FileMarker is a marker of a map.
type FileMarker struct {
	ID         string                `json:"id"`
	Key        string                `json:"key"`
	Kind       game.MarkerKind       `json:"kind"`
	Label      string                `json:"label"`
	Visibility game.MarkerVisibility `json:"visibility"`
}

// FileHex is one stored hex.
type FileHex struct {
	Key     string       `json:"key"`
	Terrain game.Terrain `json:"terrain,omitempty"`
	Label   string       `json:"label,omitempty"`
	Notes   string       `json:"notes,omitempty"`
	Road    bool         `json:"road,omitempty"`
}

// FileMember is a player, with the hash of their cookie secret so that, on the same hub,
// their browser keeps working after a restore.
type FileMember struct {
	game.Member
	SecretHash []byte `json:"secretHash"`
}

// FileStaged is one entry of the DM's staged list.
type FileStaged struct {
	ID      string          `json:"id"`
	Payload json.RawMessage `json:"payload"`
}

// byLevel splits knowledge into the keys explored and the keys glimpsed.
func byLevel(kls []KeyLevel) (explored, glimpsed []string) {
	explored, glimpsed = []string{}, []string{}
	for _, kl := range kls {
		if kl.Level == game.LevelGlimpsed {
			glimpsed = append(glimpsed, kl.Key.String())
		} else {
			explored = append(explored, kl.Key.String())
		}
	}
	return explored, glimpsed
}

// splitScopes fills the file's revealed and glimpsed maps of one scope.
func splitScopes(by map[string][]KeyLevel, revealed, glimpsed map[string][]string) {
	for id, kls := range by {
		e, g := byLevel(kls)
		if len(e) > 0 {
			revealed[id] = e
		}
		if len(g) > 0 {
			glimpsed[id] = g
		}
	}
}

// ExportCampaign reads a whole campaign. Run it in a Tx for a consistent snapshot.
func (q Queries) ExportCampaign(ctx context.Context, id string) (*CampaignFile, error) {
	c, err := q.GetCampaign(ctx, id)
	if err != nil {
		return nil, err
	}
	f := &CampaignFile{Format: CampaignFileFormat, Version: CampaignFileVersion, ExportedAt: time.Now().UTC(), Campaign: c,
		Maps: []FileMap{}, Members: []FileMember{}, Sessions: []game.Session{}, Staged: []FileStaged{}}
	if f.Parties, err = q.ListParties(ctx, id); err != nil {
		return nil, err
	}
	maps, err := q.ListMaps(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, m := range maps {
		fm := FileMap{ID: m.ID, Name: m.Name, Width: m.Width, Height: m.Height, Orientation: m.Orientation,
			Tokens: map[string]string{}, Hexes: []FileHex{}, RevealedTo: map[string][]string{}, GlimpsedTo: map[string][]string{},
			RevealedParty: map[string][]string{}, GlimpsedParty: map[string][]string{}, Markers: []FileMarker{}}
		tokens, err := q.LoadPartyPositions(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		for party, k := range tokens {
			fm.Tokens[party] = k.String()
		}
		markers, err := q.LoadMarkers(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		for _, mk := range markers {
			fm.Markers = append(fm.Markers, FileMarker{ID: mk.ID, Key: mk.Key.String(), Kind: mk.Kind, Label: mk.Label, Visibility: mk.Visibility})
		}
		hexes, err := q.LoadHexes(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		for _, h := range hexes {
			fm.Hexes = append(fm.Hexes, FileHex{Key: h.Key.String(), Terrain: h.Terrain, Label: h.Label, Notes: h.Notes, Road: h.Road})
		}
		rev, err := q.LoadReveals(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		fm.RevealedAll, fm.GlimpsedAll = byLevel(rev.All)
		splitScopes(rev.ByMember, fm.RevealedTo, fm.GlimpsedTo)
		splitScopes(rev.ByParty, fm.RevealedParty, fm.GlimpsedParty)
		f.Maps = append(f.Maps, fm)
	}
	type secret struct {
		member string
		hash   []byte
	}
	secrets, err := queryAll(ctx, q.q, "export members", func(row rowScanner) (s secret, err error) {
		err = row.Scan(&s.member, &s.hash)
		return s, err
	}, `SELECT id, secret_hash FROM member WHERE campaign_id = ?`, id)
	if err != nil {
		return nil, err
	}
	hashes := map[string][]byte{}
	for _, s := range secrets {
		hashes[s.member] = s.hash
	}
	members, err := q.ListMembers(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		f.Members = append(f.Members, FileMember{Member: m, SecretHash: hashes[m.ID]})
	}
	if f.Invites, err = q.ListInvites(ctx, id); err != nil {
		return nil, err
	}
	notes, err := q.campaignNotes(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		f.PlayerNotes = append(f.PlayerNotes, FilePlayerNote{ID: n.ID, MapID: n.MapID, Key: n.Key.String(), AuthorID: n.AuthorID,
			PartyID: n.PartyID, Text: n.Text, UpdatedAt: n.Updated})
	}
	if f.Sessions, err = queryAll(ctx, q.q, "export sessions", scanSession,
		`SELECT `+sessionColumns+` FROM game_session WHERE campaign_id = ? ORDER BY started_at, rowid`, id); err != nil {
		return nil, err
	}
	if f.Staged, err = q.stagedRows(ctx, id); err != nil {
		return nil, err
	}
	if f.Events, err = q.ListEvents(ctx, id, 0, 1<<62); err != nil {
		return nil, err
	}
	if f.TravelRules, err = q.TravelRules(ctx, id); err != nil {
		return nil, err
	}
	if f.Travel, err = q.LoadPartyTravel(ctx, id); err != nil {
		return nil, err
	}
	if len(f.Travel) == 0 {
		f.Travel = nil
	}
	if f.Encounters, err = q.LoadEncounters(ctx, id); err != nil {
		return nil, err
	}
	if len(f.Encounters) == 0 {
		f.Encounters = nil
	}
	return f, nil
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// ImportCampaign writes a campaign file into the database. Call it in a Tx: any error leaves
// nothing behind. The file is checked as it goes; a campaign already on this hub is a conflict.
// A version 1 file gets what migration 00002 gives an older database: a default party holding
// every active member, standing where the one party token stood.
func (q Queries) ImportCampaign(ctx context.Context, f *CampaignFile) (game.Campaign, error) {
	bad := func(format string, args ...any) (game.Campaign, error) {
		return game.Campaign{}, game.Errorf(game.EInvalid, "damaged campaign file: "+format, args...)
	}
	if f.Format != CampaignFileFormat {
		return game.Campaign{}, game.Errorf(game.EInvalid, "not a Hexcrawl campaign file")
	}
	if f.Version > CampaignFileVersion {
		return game.Campaign{}, game.Errorf(game.EInvalid, "this campaign file is from a newer Hexcrawl (file version %d, this one reads up to %d): update Hexcrawl", f.Version, CampaignFileVersion)
	}
	if f.Version < 1 {
		return bad("unknown version %d", f.Version)
	}
	c := f.Campaign
	if c.ID == "" || game.ValidName(c.Name) != nil || !c.BroadcastMode.Valid() {
		return bad("the campaign needs an id, a name of 1 to 120 characters and a broadcast mode")
	}
	if err := c.SightRules.Validate(); err != nil {
		return bad("%v", err)
	}
	if _, err := q.GetCampaign(ctx, c.ID); err == nil {
		return game.Campaign{}, game.Errorf(game.EConflict, "campaign %q is already on this hub: delete it first to restore this file", c.Name)
	}
	exec := func(what, query string, args ...any) error {
		if _, err := q.q.ExecContext(ctx, query, args...); err != nil {
			return game.Errorf(game.EInvalid, "damaged campaign file: %s: %v", what, err)
		}
		return nil
	}
	if err := exec("campaign", `INSERT INTO campaign (id, name, broadcast_mode, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
		c.ID, c.Name, c.BroadcastMode, ts(c.CreatedAt), ts(time.Now())); err != nil {
		return game.Campaign{}, err
	}
	if c.SightRules != nil {
		if err := q.SetSightRules(ctx, c.ID, c.SightRules); err != nil {
			return game.Campaign{}, err
		}
	}

	parties := f.Parties
	if f.Version == 1 {
		parties = []game.Party{{ID: uuid.NewString(), Name: game.DefaultPartyName, Color: game.DefaultPartyColor, Default: true}}
	}
	partyIDs := map[string]bool{}
	defaultParty := ""
	for _, p := range parties {
		if p.ID == "" || partyIDs[p.ID] {
			return bad("party %q: a party needs an id of its own", p.ID)
		}
		if p.Default {
			if defaultParty != "" {
				return bad("parties %q and %q are both the default", defaultParty, p.ID)
			}
			defaultParty = p.ID
		}
		p.Default = false // marked below, once the file's parties are known to be sound
		if _, err := q.CreateParty(ctx, c.ID, p); err != nil {
			return bad("party %q: %v", p.ID, game.MessageOf(err))
		}
		partyIDs[p.ID] = true
	}
	if defaultParty == "" {
		return bad("no party is the default")
	}
	if err := q.SetDefaultParty(ctx, c.ID, defaultParty); err != nil {
		return game.Campaign{}, err
	}

	for _, m := range f.Members {
		if game.ValidPlayerName(m.Name) != nil || len(m.SecretHash) == 0 {
			return bad("member %q", m.ID)
		}
		var revoked any
		if m.RevokedAt != nil {
			revoked = ts(*m.RevokedAt)
		}
		party := m.PartyID
		if f.Version == 1 && m.RevokedAt == nil {
			party = defaultParty
		}
		var partyArg any
		if party != "" {
			if !partyIDs[party] {
				return bad("member %q is in party %q, which the file lacks", m.ID, party)
			}
			partyArg = party
		}
		if err := exec("member "+m.ID, `INSERT INTO member (id, campaign_id, name, secret_hash, joined_at, revoked_at, party_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			m.ID, c.ID, m.Name, m.SecretHash, ts(m.JoinedAt), revoked, partyArg); err != nil {
			return game.Campaign{}, err
		}
	}
	for _, m := range f.Maps {
		if _, err := q.importMap(ctx, c.ID, m, f.Version, defaultParty, partyIDs); err != nil {
			return game.Campaign{}, err
		}
	}
	if c.ActiveMapID != "" {
		if err := exec("active map", `UPDATE campaign SET active_map_id = ? WHERE id = ?`, c.ActiveMapID, c.ID); err != nil {
			return game.Campaign{}, err
		}
	}
	if err := q.importNotes(ctx, f, partyIDs); err != nil {
		return game.Campaign{}, err
	}
	for _, inv := range f.Invites {
		if err := exec("invite", `INSERT INTO invite (code, campaign_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			inv.Code, c.ID, ts(inv.CreatedAt), ts(inv.ExpiresAt)); err != nil {
			return game.Campaign{}, err
		}
	}
	for _, s := range f.Sessions {
		if s.Status != game.Active && s.Status != game.Paused && s.Status != game.Ended {
			return bad("session %q has status %q", s.ID, s.Status)
		}
		status := s.Status
		if status == game.Active {
			status = game.Paused // like a restart: the DM resumes deliberately
		}
		var ended any
		if s.EndedAt != nil {
			ended = ts(*s.EndedAt)
		}
		if err := exec("session", `INSERT INTO game_session (id, campaign_id, status, started_at, ended_at) VALUES (?, ?, ?, ?, ?)`,
			s.ID, c.ID, status, ts(s.StartedAt), ended); err != nil {
			return game.Campaign{}, err
		}
	}
	for i, s := range f.Staged {
		payload, err := importStaged(s.Payload, defaultParty)
		if err != nil {
			return bad("staged change %q: %v", s.ID, err)
		}
		if err := exec("staged change", `INSERT INTO staged_change (campaign_id, position, id, payload) VALUES (?, ?, ?, ?)`,
			c.ID, i+1, s.ID, string(payload)); err != nil {
			return game.Campaign{}, err
		}
	}
	if err := q.importTravel(ctx, c.ID, f, partyIDs); err != nil {
		return game.Campaign{}, err
	}
	for i, e := range f.Events {
		if e.Seq != int64(i+1) || !json.Valid(e.Payload) {
			return bad("the event log is not a gap-free sequence at entry %d", i)
		}
		var sess any
		if e.SessionID != "" {
			sess = e.SessionID
		}
		if err := exec("event", `INSERT INTO session_event (campaign_id, seq, session_id, type, actor, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			c.ID, e.Seq, sess, e.Type, e.Actor, string(e.Payload), ts(e.At)); err != nil {
			return game.Campaign{}, err
		}
	}
	return q.GetCampaign(ctx, c.ID)
}

// importStaged checks a staged entry and turns version 1's token move into a placement of the
// default party that reveals nothing (what migration 00002 does to a database's).
func importStaged(payload json.RawMessage, defaultParty string) (json.RawMessage, error) {
	var sc game.StagedChange
	if err := json.Unmarshal(payload, &sc); err != nil {
		return nil, err
	}
	if sc.Kind != game.StageToken {
		return payload, nil
	}
	no := false
	key := sc.Key
	if len(key) == 0 {
		key = json.RawMessage("null")
	}
	sc = game.StagedChange{ID: sc.ID, Kind: game.StagePlace, PartyID: defaultParty, Key: key, Reveal: &no}
	return json.Marshal(sc)
}

func (q Queries) importMap(ctx context.Context, campaignID string, m FileMap, version int, defaultParty string, partyIDs map[string]bool) (game.Campaign, error) {
	bad := func(format string, args ...any) (game.Campaign, error) {
		return game.Campaign{}, game.Errorf(game.EInvalid, "damaged campaign file: map %q: "+format, append([]any{m.Name}, args...)...)
	}
	size := game.Size{Width: m.Width, Height: m.Height}
	if !size.Valid() || !m.Orientation.Valid() || game.ValidName(m.Name) != nil {
		return bad("a bad size, orientation or name")
	}
	if _, err := q.q.ExecContext(ctx, `INSERT INTO map (id, campaign_id, name, width, height, orientation, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, campaignID, m.Name, m.Width, m.Height, m.Orientation, ts(time.Now()), ts(time.Now())); err != nil {
		return bad("%v", err)
	}
	hexes := make([]game.Hex, 0, len(m.Hexes))
	for _, h := range m.Hexes {
		k, err := size.ParseKeyOn(h.Key)
		if err != nil {
			return bad("%v", err)
		}
		if !h.Terrain.Valid() {
			return bad("unknown terrain %q", h.Terrain)
		}
		hexes = append(hexes, game.Hex{Key: k, Terrain: h.Terrain, Label: h.Label, Notes: h.Notes, Road: h.Road})
	}
	if err := q.PutHexes(ctx, m.ID, hexes); err != nil {
		return game.Campaign{}, err
	}
	parse := func(list []string) ([]game.Key, error) {
		out := make([]game.Key, len(list))
		for i, s := range list {
			k, err := size.ParseKeyOn(s)
			if err != nil {
				return nil, err
			}
			out[i] = k
		}
		return out, nil
	}
	// Glimpsed first: a hex listed in both ends up explored, never lowered.
	for _, scope := range []struct {
		list  []string
		level uint8
	}{{m.GlimpsedAll, game.LevelGlimpsed}, {m.RevealedAll, game.LevelExplored}} {
		keys, err := parse(scope.list)
		if err != nil {
			return bad("reveals: %v", err)
		}
		if err := q.RevealToAll(ctx, m.ID, keys, scope.level); err != nil {
			return game.Campaign{}, err
		}
	}
	for _, scope := range []struct {
		by    map[string][]string
		level uint8
	}{{m.GlimpsedTo, game.LevelGlimpsed}, {m.RevealedTo, game.LevelExplored}} {
		for member, list := range scope.by {
			keys, err := parse(list)
			if err != nil {
				return bad("reveals: %v", err)
			}
			if err := q.RevealToMember(ctx, m.ID, member, keys, scope.level); err != nil {
				return bad("reveals to %q: %v", member, err)
			}
		}
	}
	for _, scope := range []struct {
		by    map[string][]string
		level uint8
	}{{m.GlimpsedParty, game.LevelGlimpsed}, {m.RevealedParty, game.LevelExplored}} {
		for party, list := range scope.by {
			keys, err := parse(list)
			if err != nil {
				return bad("party reveals: %v", err)
			}
			if !partyIDs[party] {
				return bad("reveals to party %q, which the file lacks", party)
			}
			if err := q.RevealToParty(ctx, m.ID, party, keys, scope.level); err != nil {
				return game.Campaign{}, err
			}
		}
	}
	tokens := m.Tokens
	if version == 1 && m.Token != nil {
		tokens = map[string]string{defaultParty: *m.Token}
	}
	for party, s := range tokens {
		k, err := size.ParseKeyOn(s)
		if err != nil {
			return bad("token: %v", err)
		}
		if !partyIDs[party] {
			return bad("a token of party %q, which the file lacks", party)
		}
		if err := q.SetPartyPosition(ctx, party, m.ID, &k); err != nil {
			return game.Campaign{}, err
		}
	}
	if len(m.Markers) > game.MaxMarkersPerMap {
		return bad("%d markers, more than %d", len(m.Markers), game.MaxMarkersPerMap)
	}
	for _, mk := range m.Markers {
		k, err := size.ParseKeyOn(mk.Key)
		if err != nil {
			return bad("marker %q: %v", mk.ID, err)
		}
		if mk.ID == "" {
			return bad("a marker without an id")
		}
		if err := q.CreateMarker(ctx, game.Marker{ID: mk.ID, MapID: m.ID, Key: k, Kind: mk.Kind, Label: mk.Label, Visibility: mk.Visibility}); err != nil {
			return bad("marker %q: %v", mk.ID, game.MessageOf(err))
		}
	}
	return game.Campaign{}, nil
}

// importNotes stores the file's players' notes, each on a map, by a member and (shared) with a
// party the file has, within the limits the hub keeps.
func (q Queries) importNotes(ctx context.Context, f *CampaignFile, partyIDs map[string]bool) error {
	bad := func(format string, args ...any) error {
		return game.Errorf(game.EInvalid, "damaged campaign file: "+format, args...)
	}
	sizes := map[string]game.Size{}
	for _, m := range f.Maps {
		sizes[m.ID] = game.Size{Width: m.Width, Height: m.Height}
	}
	members := map[string]bool{}
	for _, m := range f.Members {
		members[m.ID] = true
	}
	perAuthor := map[[2]string]int{}
	for _, n := range f.PlayerNotes {
		size, ok := sizes[n.MapID]
		switch {
		case n.ID == "":
			return bad("a player's note without an id")
		case !ok:
			return bad("note %q is on map %q, which the file lacks", n.ID, n.MapID)
		case !members[n.AuthorID]:
			return bad("note %q is by %q, who the file lacks", n.ID, n.AuthorID)
		case n.PartyID != "" && !partyIDs[n.PartyID]:
			return bad("note %q is shared with party %q, which the file lacks", n.ID, n.PartyID)
		}
		k, err := size.ParseKeyOn(n.Key)
		if err != nil {
			return bad("note %q: %v", n.ID, err)
		}
		text, err := game.CleanNote(n.Text)
		if err != nil || text != n.Text {
			return bad("note %q: its text must be 1 to %d characters, trimmed", n.ID, game.MaxPlayerNoteChars)
		}
		if perAuthor[[2]string{n.MapID, n.AuthorID}]++; perAuthor[[2]string{n.MapID, n.AuthorID}] > game.MaxPlayerNotesPerMap {
			return bad("more than %d notes of one player on one map", game.MaxPlayerNotesPerMap)
		}
		var party any
		if n.PartyID != "" {
			party = n.PartyID
		}
		if _, err := q.q.ExecContext(ctx, `INSERT INTO player_note (id, map_id, col, row, member_id, party_id, body, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			n.ID, n.MapID, k.Col, k.Row, n.AuthorID, party, n.Text, ts(n.UpdatedAt)); err != nil {
			return bad("note %q: %v", n.ID, err)
		}
	}
	return nil
}
