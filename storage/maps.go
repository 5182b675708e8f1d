package storage

import (
	"context"
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

const mapColumns = `id, campaign_id, name, width, height, orientation, created_at, updated_at`

func scanMap(row rowScanner) (game.MapInfo, error) {
	var m game.MapInfo
	var created, updated string
	err := row.Scan(&m.ID, &m.CampaignID, &m.Name, &m.Width, &m.Height, &m.Orientation, &created, &updated)
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

// ResizeMap changes a map's size. Hexes, reveals, tokens and markers that still fit are kept;
// the rest are dropped (the map grows or shrinks at its right and bottom edges). The map's undo
// history goes: a move recorded on the old map cannot be taken back exactly on the new one.
func (q Queries) ResizeMap(ctx context.Context, id string, size game.Size) error {
	if !size.Valid() {
		return game.Errorf(game.EInvalid, "width and height must be 1 to %d", game.MaxMapSide)
	}
	res, err := q.q.ExecContext(ctx, `UPDATE map SET width = ?, height = ?, updated_at = ? WHERE id = ?`,
		size.Width, size.Height, now(), id)
	if err != nil {
		return fmt.Errorf("resize map: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("map", id)
	}
	for _, table := range []string{"hex", "reveal_all", "reveal_player", "reveal_party", "party_position", "marker", "player_note"} {
		if _, err := q.q.ExecContext(ctx, `DELETE FROM `+table+` WHERE map_id = ? AND (col >= ? OR row >= ?)`,
			id, size.Width, size.Height); err != nil {
			return fmt.Errorf("resize map: trim %s: %w", table, err)
		}
	}
	return q.exec(ctx, "resize map: undo history", `DELETE FROM party_move WHERE map_id = ?`, id)
}

// LoadHexes returns every stored hex of a map.
func (q Queries) LoadHexes(ctx context.Context, mapID string) ([]game.Hex, error) {
	return queryAll(ctx, q.q, "load hexes", func(row rowScanner) (h game.Hex, err error) {
		err = row.Scan(&h.Key.Col, &h.Key.Row, &h.Terrain, &h.Label, &h.Notes, &h.Road)
		return h, err
	}, `SELECT col, row, terrain, label, notes, road FROM hex WHERE map_id = ?`, mapID)
}

const (
	sqlPutHex = `INSERT INTO hex (map_id, col, row, terrain, label, notes, road) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (map_id, col, row) DO UPDATE SET terrain = excluded.terrain, label = excluded.label, notes = excluded.notes, road = excluded.road`
	sqlDeleteHex = `DELETE FROM hex WHERE map_id = ? AND col = ? AND row = ?`
)

// PutHexes stores the given hexes' full contents; an empty hex loses its row.
func (q Queries) PutHexes(ctx context.Context, mapID string, hexes []game.Hex) error {
	for _, h := range hexes {
		var err error
		if h.Empty() {
			_, err = q.q.ExecContext(ctx, sqlDeleteHex, mapID, h.Key.Col, h.Key.Row)
		} else {
			_, err = q.q.ExecContext(ctx, sqlPutHex, mapID, h.Key.Col, h.Key.Row, h.Terrain, h.Label, h.Notes, h.Road)
		}
		if err != nil {
			return fmt.Errorf("put hex %v: %w", h.Key, err)
		}
	}
	return nil
}

// KeyLevel is what a scope knows of one hex: 1 glimpsed, 2 explored.
type KeyLevel struct {
	Key   game.Key
	Level uint8
}

// Reveals is a map's knowledge: what all players, each player privately and each party know.
type Reveals struct {
	All      []KeyLevel
	ByMember map[string][]KeyLevel
	ByParty  map[string][]KeyLevel
}

// LoadReveals returns who knows which hexes of a map, and how well.
func (q Queries) LoadReveals(ctx context.Context, mapID string) (Reveals, error) {
	r := Reveals{ByMember: map[string][]KeyLevel{}, ByParty: map[string][]KeyLevel{}}
	var err error
	r.All, err = queryAll(ctx, q.q, "load reveals", func(row rowScanner) (k KeyLevel, err error) {
		err = row.Scan(&k.Key.Col, &k.Key.Row, &k.Level)
		return k, err
	}, `SELECT col, row, state FROM reveal_all WHERE map_id = ?`, mapID)
	if err != nil {
		return r, err
	}
	type scoped struct {
		id string
		kl KeyLevel
	}
	scan := func(row rowScanner) (s scoped, err error) {
		err = row.Scan(&s.id, &s.kl.Key.Col, &s.kl.Key.Row, &s.kl.Level)
		return s, err
	}
	rows, err := queryAll(ctx, q.q, "load player reveals", scan, `SELECT member_id, col, row, state FROM reveal_player WHERE map_id = ?`, mapID)
	if err != nil {
		return r, err
	}
	for _, p := range rows {
		r.ByMember[p.id] = append(r.ByMember[p.id], p.kl)
	}
	rows, err = queryAll(ctx, q.q, "load party reveals", scan, `SELECT party_id, col, row, state FROM reveal_party WHERE map_id = ?`, mapID)
	for _, p := range rows {
		r.ByParty[p.id] = append(r.ByParty[p.id], p.kl)
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

// levelsJSON encodes keys with levels as [[col,row,level],...].
func levelsJSON(kls []KeyLevel) string {
	b := make([]byte, 0, len(kls)*12+2)
	b = append(b, '[')
	for i, kl := range kls {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(kl.Key.Col), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(kl.Key.Row), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(kl.Level), 10)
		b = append(b, ']')
	}
	return string(append(b, ']'))
}

// A reveal never lowers: each upsert keeps the higher of the stored and the new level. The
// WHERE true lets SQLite tell the upsert's ON CONFLICT from a join's ON.
const (
	keysFrom       = ` FROM json_each(?) `
	upsertMax      = ` ON CONFLICT DO UPDATE SET state = max(state, excluded.state)`
	raiseTail      = ` WHERE true` + upsertMax
	sqlRevealToAll = `INSERT INTO reveal_all (map_id, col, row, state)
		SELECT ?, value->>0, value->>1, ?` + keysFrom + raiseTail
	sqlRevealToMember = `INSERT INTO reveal_player (map_id, member_id, col, row, state)
		SELECT ?, ?, value->>0, value->>1, ?` + keysFrom + raiseTail
	sqlRevealToParty = `INSERT INTO reveal_party (map_id, party_id, col, row, state)
		SELECT ?, ?, value->>0, value->>1, ?` + keysFrom + raiseTail
	sqlRaiseMember = `INSERT INTO reveal_player (map_id, member_id, col, row, state)
		SELECT ?, ?, value->>0, value->>1, value->>2` + keysFrom + raiseTail
	sqlRaiseParty = `INSERT INTO reveal_party (map_id, party_id, col, row, state)
		SELECT ?, ?, value->>0, value->>1, value->>2` + keysFrom + raiseTail
	sqlSetParty = `INSERT INTO reveal_party (map_id, party_id, col, row, state)
		SELECT ?, ?, value->>0, value->>1, value->>2` + keysFrom + ` WHERE true ON CONFLICT DO UPDATE SET state = excluded.state`
	sqlHideAllShared = `DELETE FROM reveal_all WHERE map_id = ? AND (col, row) IN
		(SELECT value->>0, value->>1` + keysFrom + `)`
	sqlHideAllPrivate = `DELETE FROM reveal_player WHERE map_id = ? AND (col, row) IN
		(SELECT value->>0, value->>1` + keysFrom + `)`
	sqlHideAllParties = `DELETE FROM reveal_party WHERE map_id = ? AND (col, row) IN
		(SELECT value->>0, value->>1` + keysFrom + `)`
	sqlHideFromMember = `DELETE FROM reveal_player WHERE map_id = ? AND member_id = ? AND (col, row) IN
		(SELECT value->>0, value->>1` + keysFrom + `)`
	sqlHideFromParty = `DELETE FROM reveal_party WHERE map_id = ? AND party_id = ? AND (col, row) IN
		(SELECT value->>0, value->>1` + keysFrom + `)`
)

// RevealToAll raises hexes to level for every member, present and future.
func (q Queries) RevealToAll(ctx context.Context, mapID string, keys []game.Key, level uint8) error {
	return q.exec(ctx, "reveal to all", sqlRevealToAll, mapID, level, keysJSON(keys))
}

// RevealToMember raises hexes to level for one member.
func (q Queries) RevealToMember(ctx context.Context, mapID, memberID string, keys []game.Key, level uint8) error {
	return q.exec(ctx, "reveal to "+memberID, sqlRevealToMember, mapID, memberID, level, keysJSON(keys))
}

// RevealToParty raises hexes to level for one party.
func (q Queries) RevealToParty(ctx context.Context, mapID, partyID string, keys []game.Key, level uint8) error {
	return q.exec(ctx, "reveal to party "+partyID, sqlRevealToParty, mapID, partyID, level, keysJSON(keys))
}

// RaiseMember raises each hex to its level for one member (never lowering).
func (q Queries) RaiseMember(ctx context.Context, mapID, memberID string, kls []KeyLevel) error {
	return q.exec(ctx, "raise "+memberID, sqlRaiseMember, mapID, memberID, levelsJSON(kls))
}

// RaiseParty raises each hex to its level for one party (never lowering): a move's sight.
func (q Queries) RaiseParty(ctx context.Context, mapID, partyID string, kls []KeyLevel) error {
	return q.exec(ctx, "raise party "+partyID, sqlRaiseParty, mapID, partyID, levelsJSON(kls))
}

// SetPartyLevels sets each hex to exactly its level for one party; level 0 forgets the hex
// (undoing a move).
func (q Queries) SetPartyLevels(ctx context.Context, mapID, partyID string, kls []KeyLevel) error {
	var set []KeyLevel
	var forget []game.Key
	for _, kl := range kls {
		if kl.Level == 0 {
			forget = append(forget, kl.Key)
		} else {
			set = append(set, kl)
		}
	}
	if len(forget) > 0 {
		if err := q.HideFromParty(ctx, mapID, partyID, forget); err != nil {
			return err
		}
	}
	if len(set) > 0 {
		return q.exec(ctx, "set party "+partyID, sqlSetParty, mapID, partyID, levelsJSON(set))
	}
	return nil
}

// HideFromAll makes hexes unknown to everyone: all, every player, every party.
func (q Queries) HideFromAll(ctx context.Context, mapID string, keys []game.Key) error {
	js := keysJSON(keys)
	for _, stmt := range []string{sqlHideAllShared, sqlHideAllPrivate, sqlHideAllParties} {
		if err := q.exec(ctx, "hide from all", stmt, mapID, js); err != nil {
			return err
		}
	}
	return nil
}

// HideFromMember removes one member's private knowledge of hexes.
func (q Queries) HideFromMember(ctx context.Context, mapID, memberID string, keys []game.Key) error {
	return q.exec(ctx, "hide from "+memberID, sqlHideFromMember, mapID, memberID, keysJSON(keys))
}

// HideFromParty removes one party's knowledge of hexes.
func (q Queries) HideFromParty(ctx context.Context, mapID, partyID string, keys []game.Key) error {
	return q.exec(ctx, "hide from party "+partyID, sqlHideFromParty, mapID, partyID, keysJSON(keys))
}
