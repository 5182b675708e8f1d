package storage

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"
	"github.com/hexcrawl/hexcrawl/game"
)

// At the table (docs/table.md): players' notes on hexes and table screens. Pings are never
// stored.

const noteColumns = `id, map_id, col, row, member_id, COALESCE(party_id, ''), body, updated_at`

func scanNote(row rowScanner) (game.PlayerNote, error) {
	var n game.PlayerNote
	var updated string
	err := row.Scan(&n.ID, &n.MapID, &n.Key.Col, &n.Key.Row, &n.AuthorID, &n.PartyID, &n.Text, &updated)
	n.Updated = parseTime(updated)
	return n, err
}

// PutPlayerNote writes a player's note on a hex (one per player, map and hex): a new note gets
// n.ID, a note already there keeps its id and takes n's text and party. It returns the note as
// stored.
func (q Queries) PutPlayerNote(ctx context.Context, n game.PlayerNote) (game.PlayerNote, error) {
	if n.ID == "" {
		n.ID = uuid.NewString()
	}
	var party any
	if n.PartyID != "" {
		party = n.PartyID
	}
	return queryOne(ctx, q.q, "put player note", fmt.Errorf("put player note: no row"), scanNote,
		`INSERT INTO player_note (id, map_id, col, row, member_id, party_id, body, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (map_id, member_id, col, row) DO UPDATE SET party_id = excluded.party_id, body = excluded.body, updated_at = excluded.updated_at
		RETURNING `+noteColumns, n.ID, n.MapID, n.Key.Col, n.Key.Row, n.AuthorID, party, n.Text, now())
}

// DeletePlayerNote removes a note.
func (q Queries) DeletePlayerNote(ctx context.Context, id string) error {
	return q.exec(ctx, "delete player note", `DELETE FROM player_note WHERE id = ?`, id)
}

// LoadPlayerNotes returns every note on a map, oldest first.
func (q Queries) LoadPlayerNotes(ctx context.Context, mapID string) ([]game.PlayerNote, error) {
	return queryAll(ctx, q.q, "load player notes", scanNote,
		`SELECT `+noteColumns+` FROM player_note WHERE map_id = ? ORDER BY updated_at, id`, mapID)
}

// campaignNotes returns every note on a campaign's maps, for export.
func (q Queries) campaignNotes(ctx context.Context, campaignID string) ([]game.PlayerNote, error) {
	return queryAll(ctx, q.q, "export player notes", scanNote,
		`SELECT `+noteColumns+` FROM player_note WHERE map_id IN (SELECT id FROM map WHERE campaign_id = ?) ORDER BY updated_at, id`, campaignID)
}

// MovePartyNotes hands the notes shared with one party to another (a merge).
func (q Queries) MovePartyNotes(ctx context.Context, from, into string) error {
	return q.exec(ctx, "move party notes", `UPDATE player_note SET party_id = ? WHERE party_id = ?`, into, from)
}

const displayColumns = `id, campaign_id, name, COALESCE(party_id, ''), created_at, revoked_at`

func scanDisplay(row rowScanner) (game.Display, error) {
	var d game.Display
	var created string
	var revoked sql.NullString
	err := row.Scan(&d.ID, &d.CampaignID, &d.Name, &d.PartyID, &created, &revoked)
	d.CreatedAt, d.RevokedAt = parseTime(created), parseNullTime(revoked)
	return d, err
}

// CreateDisplay stores a table screen whose token hashes to secretHash.
func (q Queries) CreateDisplay(ctx context.Context, d game.Display, secretHash []byte) (game.Display, error) {
	if err := game.ValidDisplayName(d.Name); err != nil {
		return game.Display{}, err
	}
	if d.ID == "" {
		d.ID = uuid.NewString()
	}
	var party any
	if d.PartyID != "" {
		party = d.PartyID
	}
	return queryOne(ctx, q.q, "create display", fmt.Errorf("create display: no row"), scanDisplay,
		`INSERT INTO display (id, campaign_id, name, party_id, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)
		RETURNING `+displayColumns, d.ID, d.CampaignID, d.Name, party, secretHash, now())
}

// ListDisplays returns a campaign's table screens, revoked ones too, oldest first.
func (q Queries) ListDisplays(ctx context.Context, campaignID string) ([]game.Display, error) {
	return queryAll(ctx, q.q, "list displays", scanDisplay,
		`SELECT `+displayColumns+` FROM display WHERE campaign_id = ? ORDER BY created_at, id`, campaignID)
}

// DisplayBySecret finds the live (not revoked) table screen whose token hashes to h.
func (q Queries) DisplayBySecret(ctx context.Context, h []byte) (game.Display, error) {
	return queryOne(ctx, q.q, "display by secret", game.Errorf(game.EUnauth, "unknown or revoked table screen"), scanDisplay,
		`SELECT `+displayColumns+` FROM display WHERE secret_hash = ? AND revoked_at IS NULL`, h)
}

// RevokeDisplay stops a table screen's token from working.
func (q Queries) RevokeDisplay(ctx context.Context, campaignID, id string) error {
	res, err := q.q.ExecContext(ctx, `UPDATE display SET revoked_at = ? WHERE id = ? AND campaign_id = ? AND revoked_at IS NULL`, now(), id, campaignID)
	if err != nil {
		return fmt.Errorf("revoke display: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("table screen", id)
	}
	return nil
}

// MovePartyDisplays points the table screens watching one party at another (a merge).
func (q Queries) MovePartyDisplays(ctx context.Context, from, into string) error {
	return q.exec(ctx, "move party displays", `UPDATE display SET party_id = ? WHERE party_id = ?`, into, from)
}
