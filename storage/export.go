package storage

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
)

// Campaign files: one JSON document holding everything of one campaign, for backups and for
// moving a campaign to another laptop.
const (
	CampaignFileFormat  = "hexcrawl-campaign"
	CampaignFileVersion = 1
)

// CampaignFile is the exported form of a campaign.
type CampaignFile struct {
	Format     string         `json:"format"`
	Version    int            `json:"version"`
	ExportedAt time.Time      `json:"exportedAt"`
	Campaign   game.Campaign  `json:"campaign"`
	Maps       []FileMap      `json:"maps"`
	Members    []FileMember   `json:"members"`
	Invites    []game.Invite  `json:"invites"`
	Sessions   []game.Session `json:"sessions"`
	Staged     []FileStaged   `json:"staged"`
	Events     []Event        `json:"events"`
}

// FileMap is a map with its hexes and reveal state.
type FileMap struct {
	ID          string              `json:"id"`
	Name        string              `json:"name"`
	Width       int                 `json:"width"`
	Height      int                 `json:"height"`
	Orientation game.Orientation    `json:"orientation"`
	Token       *string             `json:"token"`
	Hexes       []FileHex           `json:"hexes"`
	RevealedAll []string            `json:"revealedAll"`
	RevealedTo  map[string][]string `json:"revealedTo"`
}

// FileHex is one stored hex.
type FileHex struct {
	Key     string       `json:"key"`
	Terrain game.Terrain `json:"terrain,omitempty"`
	Label   string       `json:"label,omitempty"`
	Notes   string       `json:"notes,omitempty"`
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

func keyStrings(keys []game.Key) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.String()
	}
	return out
}

// ExportCampaign reads a whole campaign. Run it in a Tx for a consistent snapshot.
func (q Queries) ExportCampaign(ctx context.Context, id string) (*CampaignFile, error) {
	c, err := q.GetCampaign(ctx, id)
	if err != nil {
		return nil, err
	}
	f := &CampaignFile{Format: CampaignFileFormat, Version: CampaignFileVersion, ExportedAt: time.Now().UTC(), Campaign: c,
		Maps: []FileMap{}, Members: []FileMember{}, Sessions: []game.Session{}, Staged: []FileStaged{}}
	maps, err := q.ListMaps(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, m := range maps {
		fm := FileMap{ID: m.ID, Name: m.Name, Width: m.Width, Height: m.Height, Orientation: m.Orientation,
			Hexes: []FileHex{}, RevealedAll: []string{}, RevealedTo: map[string][]string{}}
		if m.Token != nil {
			k := m.Token.String()
			fm.Token = &k
		}
		hexes, err := q.LoadHexes(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		for _, h := range hexes {
			fm.Hexes = append(fm.Hexes, FileHex{Key: h.Key.String(), Terrain: h.Terrain, Label: h.Label, Notes: h.Notes})
		}
		rev, err := q.LoadReveals(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		fm.RevealedAll = append(fm.RevealedAll, keyStrings(rev.All)...)
		for member, keys := range rev.ByMember {
			fm.RevealedTo[member] = keyStrings(keys)
		}
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
	return f, nil
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// ImportCampaign writes a campaign file into the database. Call it in a Tx: any error leaves
// nothing behind. The file is checked as it goes; a campaign already on this hub is a conflict.
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
	for _, m := range f.Members {
		if game.ValidPlayerName(m.Name) != nil || len(m.SecretHash) == 0 {
			return bad("member %q", m.ID)
		}
		var revoked any
		if m.RevokedAt != nil {
			revoked = ts(*m.RevokedAt)
		}
		if err := exec("member "+m.ID, `INSERT INTO member (id, campaign_id, name, secret_hash, joined_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)`,
			m.ID, c.ID, m.Name, m.SecretHash, ts(m.JoinedAt), revoked); err != nil {
			return game.Campaign{}, err
		}
	}
	for _, m := range f.Maps {
		size := game.Size{Width: m.Width, Height: m.Height}
		if !size.Valid() || !m.Orientation.Valid() || game.ValidName(m.Name) != nil {
			return bad("map %q has a bad size, orientation or name", m.ID)
		}
		var tc, tr any
		if m.Token != nil {
			k, err := size.ParseKeyOn(*m.Token)
			if err != nil {
				return bad("map %q token: %v", m.Name, err)
			}
			tc, tr = k.Col, k.Row
		}
		if err := exec("map "+m.ID, `INSERT INTO map (id, campaign_id, name, width, height, orientation, token_col, token_row, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, c.ID, m.Name, m.Width, m.Height, m.Orientation, tc, tr, ts(time.Now()), ts(time.Now())); err != nil {
			return game.Campaign{}, err
		}
		hexes := make([]game.Hex, 0, len(m.Hexes))
		for _, h := range m.Hexes {
			k, err := size.ParseKeyOn(h.Key)
			if err != nil {
				return bad("map %q: %v", m.Name, err)
			}
			if !h.Terrain.Valid() {
				return bad("map %q: unknown terrain %q", m.Name, h.Terrain)
			}
			hexes = append(hexes, game.Hex{Key: k, Terrain: h.Terrain, Label: h.Label, Notes: h.Notes})
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
		all, err := parse(m.RevealedAll)
		if err != nil {
			return bad("map %q reveals: %v", m.Name, err)
		}
		if err := q.RevealToAll(ctx, m.ID, all); err != nil {
			return game.Campaign{}, err
		}
		for member, list := range m.RevealedTo {
			keys, err := parse(list)
			if err != nil {
				return bad("map %q reveals: %v", m.Name, err)
			}
			if err := q.RevealToMember(ctx, m.ID, member, keys); err != nil {
				return bad("map %q reveals to %q: %v", m.Name, member, err)
			}
		}
	}
	if c.ActiveMapID != "" {
		if err := exec("active map", `UPDATE campaign SET active_map_id = ? WHERE id = ?`, c.ActiveMapID, c.ID); err != nil {
			return game.Campaign{}, err
		}
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
		if !json.Valid(s.Payload) {
			return bad("staged change %q", s.ID)
		}
		if err := exec("staged change", `INSERT INTO staged_change (campaign_id, position, id, payload) VALUES (?, ?, ?, ?)`,
			c.ID, i+1, s.ID, string(s.Payload)); err != nil {
			return game.Campaign{}, err
		}
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
