package storage

import (
	"context"
	"database/sql"
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

func scanMap(row rowScanner) (game.MapInfo, error) {
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
	return queryOne(ctx, q.q, "get map", notFound("map", id), scanMap, `SELECT `+mapColumns+` FROM map WHERE id = ?`, id)
}

// ListMaps returns a campaign's maps, oldest first.
func (q Queries) ListMaps(ctx context.Context, campaignID string) ([]game.MapInfo, error) {
	return queryAll(ctx, q.q, "list maps", scanMap, `SELECT `+mapColumns+` FROM map WHERE campaign_id = ? ORDER BY created_at, id`, campaignID)
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
	return q.exec(ctx, "set token", sqlSetToken, col, row, now(), mapID)
}

// LoadHexes returns every stored hex of a map.
func (q Queries) LoadHexes(ctx context.Context, mapID string) ([]game.Hex, error) {
	return queryAll(ctx, q.q, "load hexes", func(row rowScanner) (h game.Hex, err error) {
		err = row.Scan(&h.Key.Col, &h.Key.Row, &h.Terrain, &h.Label, &h.Notes)
		return h, err
	}, `SELECT col, row, terrain, label, notes FROM hex WHERE map_id = ?`, mapID)
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
	var err error
	r.All, err = queryAll(ctx, q.q, "load reveals", func(row rowScanner) (k game.Key, err error) {
		err = row.Scan(&k.Col, &k.Row)
		return k, err
	}, `SELECT col, row FROM reveal_all WHERE map_id = ?`, mapID)
	if err != nil {
		return r, err
	}
	type private struct {
		member string
		key    game.Key
	}
	rows, err := queryAll(ctx, q.q, "load player reveals", func(row rowScanner) (p private, err error) {
		err = row.Scan(&p.member, &p.key.Col, &p.key.Row)
		return p, err
	}, `SELECT member_id, col, row FROM reveal_player WHERE map_id = ?`, mapID)
	for _, p := range rows {
		r.ByMember[p.member] = append(r.ByMember[p.member], p.key)
	}
	return r, err
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
	return q.exec(ctx, "reveal to all", sqlRevealToAll, mapID, keysJSON(keys))
}

// RevealToMember makes hexes visible to one member.
func (q Queries) RevealToMember(ctx context.Context, mapID, memberID string, keys []game.Key) error {
	return q.exec(ctx, "reveal to "+memberID, sqlRevealToMember, mapID, memberID, keysJSON(keys))
}

// HideFromAll removes hexes from everyone's sight, private reveals included.
func (q Queries) HideFromAll(ctx context.Context, mapID string, keys []game.Key) error {
	js := keysJSON(keys)
	if err := q.exec(ctx, "hide from all", sqlHideAllShared, mapID, js); err != nil {
		return err
	}
	return q.exec(ctx, "hide from all", sqlHideAllPrivate, mapID, js)
}

// HideFromMember removes one member's private reveal of hexes.
func (q Queries) HideFromMember(ctx context.Context, mapID, memberID string, keys []game.Key) error {
	return q.exec(ctx, "hide from "+memberID, sqlHideFromMember, mapID, memberID, keysJSON(keys))
}
