package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/google/uuid"
	"github.com/hexcrawl/hexcrawl/game"
)

// CreateMap adds a map to a campaign. The campaign's first map becomes its active one.
func (q Queries) CreateMap(ctx context.Context, campaignID, name string, size game.Size, o game.Orientation) (game.MapInfo, error) {
	if err := game.ValidName(name); err != nil {
		return game.MapInfo{}, err
	}
	if !size.Valid() {
		return game.MapInfo{}, game.Errorf(game.EInvalid, "width and height must be 1 to %d", game.MaxMapSide)
	}
	if !o.Valid() {
		return game.MapInfo{}, game.Errorf(game.EInvalid, "orientation must be \"flat\" or \"pointy\"")
	}
	c, err := q.GetCampaign(ctx, campaignID)
	if err != nil {
		return game.MapInfo{}, err
	}
	ts := now()
	m := game.MapInfo{ID: uuid.NewString(), CampaignID: campaignID, Name: name, Width: size.Width, Height: size.Height,
		Orientation: o, CreatedAt: parseTime(ts), UpdatedAt: parseTime(ts)}
	_, err = q.q.ExecContext(ctx, `INSERT INTO map (id, campaign_id, name, width, height, orientation, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, campaignID, name, size.Width, size.Height, o, ts, ts)
	if err != nil {
		return game.MapInfo{}, fmt.Errorf("create map: %w", err)
	}
	if c.ActiveMapID == "" {
		if err := q.updateCampaign(ctx, campaignID, "active_map_id = ?", m.ID); err != nil {
			return game.MapInfo{}, err
		}
	}
	return m, nil
}

const mapColumns = `id, campaign_id, name, width, height, orientation, token_col, token_row, created_at, updated_at`

func scanMap(row interface{ Scan(...any) error }) (game.MapInfo, error) {
	var m game.MapInfo
	var tc, tr sql.NullInt64
	var created, updated string
	err := row.Scan(&m.ID, &m.CampaignID, &m.Name, &m.Width, &m.Height, &m.Orientation, &tc, &tr, &created, &updated)
	if tc.Valid && tr.Valid {
		m.Token = &game.Key{Col: int(tc.Int64), Row: int(tr.Int64)}
	}
	m.CreatedAt, m.UpdatedAt = parseTime(created), parseTime(updated)
	return m, err
}

// GetMap finds one map.
func (q Queries) GetMap(ctx context.Context, id string) (game.MapInfo, error) {
	m, err := scanMap(q.q.QueryRowContext(ctx, `SELECT `+mapColumns+` FROM map WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return game.MapInfo{}, notFound("map", id)
	}
	if err != nil {
		return game.MapInfo{}, fmt.Errorf("get map: %w", err)
	}
	return m, nil
}

// ListMaps returns a campaign's maps, oldest first.
func (q Queries) ListMaps(ctx context.Context, campaignID string) ([]game.MapInfo, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+mapColumns+` FROM map WHERE campaign_id = ? ORDER BY created_at, id`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("list maps: %w", err)
	}
	defer rows.Close()
	out := []game.MapInfo{}
	for rows.Next() {
		m, err := scanMap(rows)
		if err != nil {
			return nil, fmt.Errorf("list maps: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// RenameMap sets a map's name.
func (q Queries) RenameMap(ctx context.Context, id, name string) error {
	if err := game.ValidName(name); err != nil {
		return err
	}
	res, err := q.q.ExecContext(ctx, `UPDATE map SET name = ?, updated_at = ? WHERE id = ?`, name, now(), id)
	if err != nil {
		return fmt.Errorf("rename map: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("map", id)
	}
	return nil
}

// ResizeMap changes a map's size. Hexes, reveals and the token that still fit are kept; the
// rest are dropped (the map grows or shrinks at its right and bottom edges).
func (q Queries) ResizeMap(ctx context.Context, id string, size game.Size) error {
	if !size.Valid() {
		return game.Errorf(game.EInvalid, "width and height must be 1 to %d", game.MaxMapSide)
	}
	res, err := q.q.ExecContext(ctx, `UPDATE map SET width = ?, height = ?, updated_at = ?,
		token_col = CASE WHEN token_col < ? AND token_row < ? THEN token_col END,
		token_row = CASE WHEN token_col < ? AND token_row < ? THEN token_row END
		WHERE id = ?`, size.Width, size.Height, now(), size.Width, size.Height, size.Width, size.Height, id)
	if err != nil {
		return fmt.Errorf("resize map: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("map", id)
	}
	for _, table := range []string{"hex", "reveal_all", "reveal_player"} {
		if _, err := q.q.ExecContext(ctx, `DELETE FROM `+table+` WHERE map_id = ? AND (col >= ? OR row >= ?)`,
			id, size.Width, size.Height); err != nil {
			return fmt.Errorf("resize map: trim %s: %w", table, err)
		}
	}
	return nil
}

const sqlSetToken = `UPDATE map SET token_col = ?, token_row = ?, updated_at = ? WHERE id = ?`

// SetToken places the party token on a hex, or removes it with nil.
func (q Queries) SetToken(ctx context.Context, mapID string, k *game.Key) error {
	var col, row any
	if k != nil {
		col, row = k.Col, k.Row
	}
	_, err := q.q.ExecContext(ctx, sqlSetToken, col, row, now(), mapID)
	if err != nil {
		return fmt.Errorf("set token: %w", err)
	}
	return nil
}

// LoadHexes returns every stored hex of a map.
func (q Queries) LoadHexes(ctx context.Context, mapID string) ([]game.Hex, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT col, row, terrain, label, notes FROM hex WHERE map_id = ?`, mapID)
	if err != nil {
		return nil, fmt.Errorf("load hexes: %w", err)
	}
	defer rows.Close()
	out := []game.Hex{}
	for rows.Next() {
		var h game.Hex
		if err := rows.Scan(&h.Key.Col, &h.Key.Row, &h.Terrain, &h.Label, &h.Notes); err != nil {
			return nil, fmt.Errorf("load hexes: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

const (
	sqlPutHex = `INSERT INTO hex (map_id, col, row, terrain, label, notes) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (map_id, col, row) DO UPDATE SET terrain = excluded.terrain, label = excluded.label, notes = excluded.notes`
	sqlDeleteHex = `DELETE FROM hex WHERE map_id = ? AND col = ? AND row = ?`
)

// PutHexes stores the given hexes' full contents; an empty hex loses its row.
func (q Queries) PutHexes(ctx context.Context, mapID string, hexes []game.Hex) error {
	for _, h := range hexes {
		var err error
		if h.Empty() {
			_, err = q.q.ExecContext(ctx, sqlDeleteHex, mapID, h.Key.Col, h.Key.Row)
		} else {
			_, err = q.q.ExecContext(ctx, sqlPutHex, mapID, h.Key.Col, h.Key.Row, h.Terrain, h.Label, h.Notes)
		}
		if err != nil {
			return fmt.Errorf("put hex %v: %w", h.Key, err)
		}
	}
	return nil
}

// Reveals is a map's reveal state.
type Reveals struct {
	All      []game.Key
	ByMember map[string][]game.Key
}

// LoadReveals returns who sees which hexes of a map.
func (q Queries) LoadReveals(ctx context.Context, mapID string) (Reveals, error) {
	r := Reveals{ByMember: map[string][]game.Key{}}
	rows, err := q.q.QueryContext(ctx, `SELECT col, row FROM reveal_all WHERE map_id = ?`, mapID)
	if err != nil {
		return r, fmt.Errorf("load reveals: %w", err)
	}
	for rows.Next() {
		var k game.Key
		if err := rows.Scan(&k.Col, &k.Row); err != nil {
			rows.Close()
			return r, fmt.Errorf("load reveals: %w", err)
		}
		r.All = append(r.All, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("load reveals: %w", err)
	}
	rows, err = q.q.QueryContext(ctx, `SELECT member_id, col, row FROM reveal_player WHERE map_id = ?`, mapID)
	if err != nil {
		return r, fmt.Errorf("load player reveals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var k game.Key
		if err := rows.Scan(&id, &k.Col, &k.Row); err != nil {
			return r, fmt.Errorf("load player reveals: %w", err)
		}
		r.ByMember[id] = append(r.ByMember[id], k)
	}
	return r, rows.Err()
}

// keysJSON encodes keys as [[col,row],...] so one statement can handle a whole batch through
// json_each instead of one round trip per hex (a 10,000-hex reveal is one statement).
func keysJSON(keys []game.Key) string {
	b := make([]byte, 0, len(keys)*10+2)
	b = append(b, '[')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(k.Col), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(k.Row), 10)
		b = append(b, ']')
	}
	return string(append(b, ']'))
}

const (
	keysFrom       = ` FROM json_each(?) `
	sqlRevealToAll = `INSERT OR IGNORE INTO reveal_all (map_id, col, row)
		SELECT ?, value->>0, value->>1` + keysFrom
	sqlRevealToMember = `INSERT OR IGNORE INTO reveal_player (map_id, member_id, col, row)
		SELECT ?, ?, value->>0, value->>1` + keysFrom
	sqlHideAllShared = `DELETE FROM reveal_all WHERE map_id = ? AND (col, row) IN
		(SELECT value->>0, value->>1` + keysFrom + `)`
	sqlHideAllPrivate = `DELETE FROM reveal_player WHERE map_id = ? AND (col, row) IN
		(SELECT value->>0, value->>1` + keysFrom + `)`
	sqlHideFromMember = `DELETE FROM reveal_player WHERE map_id = ? AND member_id = ? AND (col, row) IN
		(SELECT value->>0, value->>1` + keysFrom + `)`
)

// RevealToAll makes hexes visible to every member, present and future.
func (q Queries) RevealToAll(ctx context.Context, mapID string, keys []game.Key) error {
	_, err := q.q.ExecContext(ctx, sqlRevealToAll, mapID, keysJSON(keys))
	if err != nil {
		return fmt.Errorf("reveal to all: %w", err)
	}
	return nil
}

// RevealToMember makes hexes visible to one member.
func (q Queries) RevealToMember(ctx context.Context, mapID, memberID string, keys []game.Key) error {
	_, err := q.q.ExecContext(ctx, sqlRevealToMember, mapID, memberID, keysJSON(keys))
	if err != nil {
		return fmt.Errorf("reveal to %s: %w", memberID, err)
	}
	return nil
}

// HideFromAll removes hexes from everyone's sight, private reveals included.
func (q Queries) HideFromAll(ctx context.Context, mapID string, keys []game.Key) error {
	js := keysJSON(keys)
	for _, query := range []string{sqlHideAllShared, sqlHideAllPrivate} {
		if _, err := q.q.ExecContext(ctx, query, mapID, js); err != nil {
			return fmt.Errorf("hide from all: %w", err)
		}
	}
	return nil
}

// HideFromMember removes one member's private reveal of hexes.
func (q Queries) HideFromMember(ctx context.Context, mapID, memberID string, keys []game.Key) error {
	_, err := q.q.ExecContext(ctx, sqlHideFromMember, mapID, memberID, keysJSON(keys))
	if err != nil {
		return fmt.Errorf("hide from %s: %w", memberID, err)
	}
	return nil
}
