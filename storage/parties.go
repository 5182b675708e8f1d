package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/hexcrawl/hexcrawl/game"
)

// Parties, their tokens, undo records and knowledge across maps; markers; sight rules
// (docs/exploration.md). The checks a client's input needs (names, colours, kinds) are the
// hub's; the ones here guard the file's own consistency.

const partyColumns = `id, name, color, reveal, is_default`

func scanParty(row rowScanner) (game.Party, error) {
	var p game.Party
	err := row.Scan(&p.ID, &p.Name, &p.Color, &p.Reveal, &p.Default)
	return p, err
}

// CreateParty adds a party to a campaign. A default party replaces the campaign's default.
func (q Queries) CreateParty(ctx context.Context, campaignID string, p game.Party) (game.Party, error) {
	if err := game.ValidPartyName(p.Name); err != nil {
		return game.Party{}, game.Errorf(game.EInvalid, "party %v", err)
	}
	if err := game.ValidColor(p.Color); err != nil {
		return game.Party{}, game.Errorf(game.EInvalid, "party %v", err)
	}
	if p.Reveal == "" {
		p.Reveal = game.RevealSight
	}
	if !p.Reveal.Valid() {
		return game.Party{}, game.Errorf(game.EInvalid, "party reveal %q is not sight, hex or none", p.Reveal)
	}
	if p.ID == "" {
		p.ID = uuid.NewString()
	}
	if p.Default {
		if err := q.exec(ctx, "create party", `UPDATE party SET is_default = 0 WHERE campaign_id = ?`, campaignID); err != nil {
			return game.Party{}, err
		}
	}
	err := q.exec(ctx, "create party", `INSERT INTO party (id, campaign_id, name, color, reveal, is_default, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, p.ID, campaignID, p.Name, p.Color, p.Reveal, p.Default, now())
	return p, err
}

// ListParties returns a campaign's parties in the order they were made.
func (q Queries) ListParties(ctx context.Context, campaignID string) ([]game.Party, error) {
	return queryAll(ctx, q.q, "list parties", scanParty,
		`SELECT `+partyColumns+` FROM party WHERE campaign_id = ? ORDER BY created_at, rowid`, campaignID)
}

// UpdateParty writes a party's name, colour and reveal mode.
func (q Queries) UpdateParty(ctx context.Context, p game.Party) error {
	return q.exec(ctx, "update party", `UPDATE party SET name = ?, color = ?, reveal = ? WHERE id = ?`, p.Name, p.Color, p.Reveal, p.ID)
}

// SetDefaultParty makes a party its campaign's default.
func (q Queries) SetDefaultParty(ctx context.Context, campaignID, partyID string) error {
	if err := q.exec(ctx, "set default party", `UPDATE party SET is_default = 0 WHERE campaign_id = ? AND id != ?`, campaignID, partyID); err != nil {
		return err
	}
	return q.exec(ctx, "set default party", `UPDATE party SET is_default = 1 WHERE id = ?`, partyID)
}

// DeleteParty removes a party with its tokens, knowledge and undo records. Its members, if any
// are left, end up in no party.
func (q Queries) DeleteParty(ctx context.Context, partyID string) error {
	return q.exec(ctx, "delete party", `DELETE FROM party WHERE id = ?`, partyID)
}

// SetMemberParty puts a member into a party, or into none with "".
func (q Queries) SetMemberParty(ctx context.Context, memberID, partyID string) error {
	var p any
	if partyID != "" {
		p = partyID
	}
	return q.exec(ctx, "set member party", `UPDATE member SET party_id = ? WHERE id = ?`, p, memberID)
}

const (
	sqlSetPosition = `INSERT INTO party_position (party_id, map_id, col, row) VALUES (?, ?, ?, ?)
		ON CONFLICT (party_id, map_id) DO UPDATE SET col = excluded.col, row = excluded.row`
	sqlDeletePosition = `DELETE FROM party_position WHERE party_id = ? AND map_id = ?`
)

// SetPartyPosition puts a party's token on a hex of a map, or off that map with nil.
func (q Queries) SetPartyPosition(ctx context.Context, partyID, mapID string, k *game.Key) error {
	if k == nil {
		return q.exec(ctx, "remove token", sqlDeletePosition, partyID, mapID)
	}
	return q.exec(ctx, "place token", sqlSetPosition, partyID, mapID, k.Col, k.Row)
}

// LoadPartyPositions returns where each party stands on a map.
func (q Queries) LoadPartyPositions(ctx context.Context, mapID string) (map[string]game.Key, error) {
	type pos struct {
		party string
		key   game.Key
	}
	rows, err := queryAll(ctx, q.q, "load tokens", func(row rowScanner) (p pos, err error) {
		err = row.Scan(&p.party, &p.key.Col, &p.key.Row)
		return p, err
	}, `SELECT party_id, col, row FROM party_position WHERE map_id = ?`, mapID)
	out := make(map[string]game.Key, len(rows))
	for _, p := range rows {
		out[p.party] = p.key
	}
	return out, err
}

// CopyParty gives party to the knowledge and tokens of party from, on every map (a split party
// remembers the map made together and stands where it stood).
func (q Queries) CopyParty(ctx context.Context, from, to string) error {
	if err := q.MergePartyKnowledge(ctx, from, to); err != nil {
		return err
	}
	return q.exec(ctx, "copy party tokens", `INSERT INTO party_position (party_id, map_id, col, row)
		SELECT ?, map_id, col, row FROM party_position WHERE party_id = ?
		ON CONFLICT (party_id, map_id) DO UPDATE SET col = excluded.col, row = excluded.row`, to, from)
}

// MergePartyKnowledge raises party into's knowledge to include from's, on every map.
func (q Queries) MergePartyKnowledge(ctx context.Context, from, into string) error {
	return q.exec(ctx, "merge party knowledge", `INSERT INTO reveal_party (map_id, party_id, col, row, state)
		SELECT map_id, ?, col, row, state FROM reveal_party WHERE party_id = ?`+upsertMax, into, from)
}

// KeepPartyKnowledge copies, on every map, what party from knows and party to ("" for none)
// does not into member's private knowledge: a player leaving a party forgets nothing.
func (q Queries) KeepPartyKnowledge(ctx context.Context, from, to, memberID string) error {
	return q.exec(ctx, "keep party knowledge", `INSERT INTO reveal_player (map_id, member_id, col, row, state)
		SELECT f.map_id, ?, f.col, f.row, f.state FROM reveal_party f
		WHERE f.party_id = ? AND NOT EXISTS (SELECT 1 FROM reveal_party t WHERE t.party_id = ?
			AND t.map_id = f.map_id AND t.col = f.col AND t.row = f.row AND t.state >= f.state)`+upsertMax,
		memberID, from, to)
}

// PartyMoveRecord is one undo record of party:undo as stored: its event's seq and the room's
// JSON of what the move changed.
type PartyMoveRecord struct {
	PartyID string
	Seq     int64
	Payload json.RawMessage
}

const (
	sqlAppendMove = `INSERT INTO party_move (party_id, map_id, seq, payload) VALUES (?, ?, ?, ?)`
	sqlDeleteMove = `DELETE FROM party_move WHERE party_id = ? AND map_id = ? AND seq = ?`
)

// AppendPartyMove records a move for undo and drops the record of seq drop (0: none), the
// oldest when the party has as many as it keeps: the caller knows its records, and a point
// delete costs far less than a query for the oldest on every step.
func (q Queries) AppendPartyMove(ctx context.Context, partyID, mapID string, seq int64, payload []byte, drop int64) error {
	if err := q.exec(ctx, "record move", sqlAppendMove, partyID, mapID, seq, string(payload)); err != nil {
		return err
	}
	if drop > 0 {
		return q.DeletePartyMove(ctx, partyID, mapID, drop)
	}
	return nil
}

// UpdatePartyMove rewrites an undo record (when later changes make part of it moot).
func (q Queries) UpdatePartyMove(ctx context.Context, partyID, mapID string, seq int64, payload []byte) error {
	return q.exec(ctx, "update move", `UPDATE party_move SET payload = ? WHERE party_id = ? AND map_id = ? AND seq = ?`,
		string(payload), partyID, mapID, seq)
}

// DeletePartyMove drops one undo record.
func (q Queries) DeletePartyMove(ctx context.Context, partyID, mapID string, seq int64) error {
	return q.exec(ctx, "delete move", sqlDeleteMove, partyID, mapID, seq)
}

// ClearPartyMoves ends a party's undo history on every map.
func (q Queries) ClearPartyMoves(ctx context.Context, partyID string) error {
	return q.exec(ctx, "clear moves", `DELETE FROM party_move WHERE party_id = ?`, partyID)
}

// LoadPartyMoves returns a map's undo records, oldest first.
func (q Queries) LoadPartyMoves(ctx context.Context, mapID string) ([]PartyMoveRecord, error) {
	return queryAll(ctx, q.q, "load moves", func(row rowScanner) (m PartyMoveRecord, err error) {
		var payload string
		err = row.Scan(&m.PartyID, &m.Seq, &payload)
		m.Payload = json.RawMessage(payload)
		return m, err
	}, `SELECT party_id, seq, payload FROM party_move WHERE map_id = ? ORDER BY seq`, mapID)
}

const markerColumns = `id, map_id, col, row, kind, label, visibility`

func scanMarker(row rowScanner) (game.Marker, error) {
	var m game.Marker
	err := row.Scan(&m.ID, &m.MapID, &m.Key.Col, &m.Key.Row, &m.Kind, &m.Label, &m.Visibility)
	return m, err
}

func checkMarker(m game.Marker) error {
	if m.ID == "" || !m.Kind.Valid() || !m.Visibility.Valid() || game.ValidMarkerLabel(m.Label) != nil {
		return game.Errorf(game.EInvalid, "marker %q has a bad id, kind, visibility or label", m.ID)
	}
	return nil
}

// CreateMarker adds a marker to its map.
func (q Queries) CreateMarker(ctx context.Context, m game.Marker) error {
	if err := checkMarker(m); err != nil {
		return err
	}
	return q.exec(ctx, "create marker", `INSERT INTO marker (id, map_id, col, row, kind, label, visibility, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, m.MapID, m.Key.Col, m.Key.Row, m.Kind, m.Label, m.Visibility, now())
}

// UpdateMarker rewrites a marker's key, kind, label and visibility.
func (q Queries) UpdateMarker(ctx context.Context, m game.Marker) error {
	if err := checkMarker(m); err != nil {
		return err
	}
	return q.exec(ctx, "update marker", `UPDATE marker SET col = ?, row = ?, kind = ?, label = ?, visibility = ? WHERE id = ? AND map_id = ?`,
		m.Key.Col, m.Key.Row, m.Kind, m.Label, m.Visibility, m.ID, m.MapID)
}

// DeleteMarker removes a marker.
func (q Queries) DeleteMarker(ctx context.Context, id string) error {
	return q.exec(ctx, "delete marker", `DELETE FROM marker WHERE id = ?`, id)
}

// LoadMarkers returns a map's markers in the order they were placed.
func (q Queries) LoadMarkers(ctx context.Context, mapID string) ([]game.Marker, error) {
	return queryAll(ctx, q.q, "load markers", scanMarker,
		`SELECT `+markerColumns+` FROM marker WHERE map_id = ? ORDER BY created_at, rowid`, mapID)
}

// SetSightRules stores a campaign's sight rules; nil returns it to the defaults.
func (q Queries) SetSightRules(ctx context.Context, campaignID string, rules game.SightRules) error {
	var v any
	if rules != nil {
		b, err := json.Marshal(rules)
		if err != nil {
			return fmt.Errorf("encode sight rules: %w", err)
		}
		v = string(b)
	}
	return q.updateCampaign(ctx, campaignID, "sight_rules = ?", v)
}

func parseSightRules(s sql.NullString) (game.SightRules, error) {
	if !s.Valid {
		return nil, nil
	}
	var r game.SightRules
	if err := json.Unmarshal([]byte(s.String), &r); err != nil {
		return nil, fmt.Errorf("sight rules: %w", err)
	}
	if err := r.Validate(); err != nil {
		return nil, errors.Join(errors.New("stored sight rules"), err)
	}
	return r, nil
}
