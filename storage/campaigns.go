package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/hexcrawl/hexcrawl/game"
)

func notFound(what, id string) error {
	return game.Errorf(game.ENotFound, "no %s %q", what, id)
}

// CreateCampaign makes an empty campaign with its default party.
func (q Queries) CreateCampaign(ctx context.Context, name string) (game.Campaign, error) {
	if err := game.ValidName(name); err != nil {
		return game.Campaign{}, err
	}
	ts := now()
	c := game.Campaign{ID: uuid.NewString(), Name: name, BroadcastMode: game.Immediate}
	_, err := q.q.ExecContext(ctx,
		`INSERT INTO campaign (id, name, broadcast_mode, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
		c.ID, c.Name, c.BroadcastMode, ts, ts)
	if err != nil {
		return game.Campaign{}, fmt.Errorf("create campaign: %w", err)
	}
	if _, err := q.CreateParty(ctx, c.ID, game.Party{Name: game.DefaultPartyName, Color: game.DefaultPartyColor, Default: true}); err != nil {
		return game.Campaign{}, err
	}
	c.CreatedAt, c.UpdatedAt = parseTime(ts), parseTime(ts)
	return c, nil
}

const campaignColumns = `id, name, COALESCE(active_map_id, ''), broadcast_mode, sight_rules, created_at, updated_at`

func scanCampaign(row rowScanner) (game.Campaign, error) {
	var c game.Campaign
	var created, updated string
	var rules sql.NullString
	err := row.Scan(&c.ID, &c.Name, &c.ActiveMapID, &c.BroadcastMode, &rules, &created, &updated)
	c.CreatedAt, c.UpdatedAt = parseTime(created), parseTime(updated)
	if err == nil {
		c.SightRules, err = parseSightRules(rules)
	}
	return c, err
}

// GetCampaign finds one campaign.
func (q Queries) GetCampaign(ctx context.Context, id string) (game.Campaign, error) {
	return queryOne(ctx, q.q, "get campaign", notFound("campaign", id), scanCampaign, `SELECT `+campaignColumns+` FROM campaign WHERE id = ?`, id)
}

// ListCampaigns returns every campaign, oldest first.
func (q Queries) ListCampaigns(ctx context.Context) ([]game.Campaign, error) {
	return queryAll(ctx, q.q, "list campaigns", scanCampaign, `SELECT `+campaignColumns+` FROM campaign ORDER BY created_at, id`)
}

func (q Queries) updateCampaign(ctx context.Context, id, set string, args ...any) error {
	args = append(args, now(), id)
	res, err := q.q.ExecContext(ctx, `UPDATE campaign SET `+set+`, updated_at = ? WHERE id = ?`, args...)
	if err != nil {
		return fmt.Errorf("update campaign: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("campaign", id)
	}
	return nil
}

// RenameCampaign sets a campaign's name.
func (q Queries) RenameCampaign(ctx context.Context, id, name string) error {
	if err := game.ValidName(name); err != nil {
		return err
	}
	return q.updateCampaign(ctx, id, "name = ?", name)
}

// SetActiveMap chooses the map the live session plays on. The map must belong to the campaign.
func (q Queries) SetActiveMap(ctx context.Context, campaignID, mapID string) error {
	m, err := q.GetMap(ctx, mapID)
	if err != nil {
		return err
	}
	if m.CampaignID != campaignID {
		return notFound("map", mapID)
	}
	return q.updateCampaign(ctx, campaignID, "active_map_id = ?", mapID)
}

// SetBroadcastMode records the campaign's broadcast mode.
func (q Queries) SetBroadcastMode(ctx context.Context, id string, mode game.BroadcastMode) error {
	return q.updateCampaign(ctx, id, "broadcast_mode = ?", mode)
}

// DeleteCampaign removes a campaign and everything that belongs to it.
func (q Queries) DeleteCampaign(ctx context.Context, id string) error {
	res, err := q.q.ExecContext(ctx, `DELETE FROM campaign WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete campaign: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("campaign", id)
	}
	return nil
}

// GetSetting reads a hub-wide setting; ok is false when it is not set.
func (q Queries) GetSetting(ctx context.Context, key string) (value string, ok bool, err error) {
	err = q.q.QueryRowContext(ctx, `SELECT value FROM setting WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("get setting %s: %w", key, err)
	}
	return value, true, nil
}

// SetSetting writes a hub-wide setting.
func (q Queries) SetSetting(ctx context.Context, key, value string) error {
	return q.exec(ctx, "set setting "+key, `INSERT INTO setting (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
}
