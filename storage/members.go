package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/hexcrawl/hexcrawl/game"
)

// CreateMember adds a player to the campaign's default party. secretHash is the SHA-256 of the
// player's cookie secret.
func (q Queries) CreateMember(ctx context.Context, campaignID, name string, secretHash []byte) (game.Member, error) {
	if err := game.ValidPlayerName(name); err != nil {
		return game.Member{}, err
	}
	ts := now()
	m := game.Member{ID: uuid.NewString(), CampaignID: campaignID, Name: name, JoinedAt: parseTime(ts)}
	// Every new player joins the campaign's default party.
	err := q.q.QueryRowContext(ctx, `INSERT INTO member (id, campaign_id, name, secret_hash, joined_at, party_id)
		VALUES (?, ?, ?, ?, ?, (SELECT id FROM party WHERE campaign_id = ? AND is_default = 1))
		RETURNING COALESCE(party_id, '')`, m.ID, campaignID, name, secretHash, ts, campaignID).Scan(&m.PartyID)
	if err != nil {
		return game.Member{}, fmt.Errorf("create member: %w", err)
	}
	return m, nil
}

const memberColumns = `id, campaign_id, name, COALESCE(party_id, ''), joined_at, revoked_at`

func scanMember(row rowScanner) (game.Member, error) {
	var m game.Member
	var joined string
	var revoked sql.NullString
	err := row.Scan(&m.ID, &m.CampaignID, &m.Name, &m.PartyID, &joined, &revoked)
	m.JoinedAt, m.RevokedAt = parseTime(joined), parseNullTime(revoked)
	return m, err
}

// MemberBySecret finds the active (not revoked) member whose cookie secret hashes to h.
func (q Queries) MemberBySecret(ctx context.Context, h []byte) (game.Member, error) {
	return queryOne(ctx, q.q, "member by secret", game.Errorf(game.EUnauth, "unknown or revoked player"), scanMember,
		`SELECT `+memberColumns+` FROM member WHERE secret_hash = ? AND revoked_at IS NULL`, h)
}

// SeatBySecret finds the member whose cookie secret hashes to h, revoked or not: a join from a
// browser whose seat the DM revoked is refused.
func (q Queries) SeatBySecret(ctx context.Context, h []byte) (game.Member, error) {
	return queryOne(ctx, q.q, "seat by secret", game.Errorf(game.ENotFound, "no such seat"), scanMember,
		`SELECT `+memberColumns+` FROM member WHERE secret_hash = ?`, h)
}

// GetMember finds a member of a campaign (revoked ones too).
func (q Queries) GetMember(ctx context.Context, campaignID, id string) (game.Member, error) {
	return queryOne(ctx, q.q, "get member", notFound("player", id), scanMember,
		`SELECT `+memberColumns+` FROM member WHERE id = ? AND campaign_id = ?`, id, campaignID)
}

// ListMembers returns a campaign's members, revoked ones included, in joining order.
func (q Queries) ListMembers(ctx context.Context, campaignID string) ([]game.Member, error) {
	return queryAll(ctx, q.q, "list members", scanMember, `SELECT `+memberColumns+` FROM member WHERE campaign_id = ? ORDER BY joined_at, id`, campaignID)
}

// RevokeMember stops a member's cookie from working. The row stays so the log keeps its actor.
func (q Queries) RevokeMember(ctx context.Context, campaignID, id string) error {
	res, err := q.q.ExecContext(ctx, `UPDATE member SET revoked_at = ? WHERE id = ? AND campaign_id = ? AND revoked_at IS NULL`, now(), id, campaignID)
	if err != nil {
		return fmt.Errorf("revoke member: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("player", id)
	}
	return nil
}

// CreateInvite stores a join code.
func (q Queries) CreateInvite(ctx context.Context, campaignID, code string, expiresAt time.Time) (game.Invite, error) {
	ts := now()
	exp := expiresAt.UTC().Format(time.RFC3339Nano)
	_, err := q.q.ExecContext(ctx, `INSERT INTO invite (code, campaign_id, created_at, expires_at) VALUES (?, ?, ?, ?)`, code, campaignID, ts, exp)
	if err != nil {
		return game.Invite{}, fmt.Errorf("create invite: %w", err)
	}
	return game.Invite{Code: code, CampaignID: campaignID, CreatedAt: parseTime(ts), ExpiresAt: parseTime(exp)}, nil
}

const inviteColumns = `code, campaign_id, created_at, expires_at`

func scanInvite(row rowScanner) (game.Invite, error) {
	var inv game.Invite
	var created, expires string
	err := row.Scan(&inv.Code, &inv.CampaignID, &created, &expires)
	inv.CreatedAt, inv.ExpiresAt = parseTime(created), parseTime(expires)
	return inv, err
}

// GetInvite finds a join code (expired ones too: the caller says "expired", not "unknown").
func (q Queries) GetInvite(ctx context.Context, code string) (game.Invite, error) {
	return queryOne(ctx, q.q, "get invite", game.Errorf(game.ENotFound, "unknown join code"), scanInvite,
		`SELECT `+inviteColumns+` FROM invite WHERE code = ?`, code)
}

// ListInvites returns a campaign's join codes, newest first.
func (q Queries) ListInvites(ctx context.Context, campaignID string) ([]game.Invite, error) {
	return queryAll(ctx, q.q, "list invites", scanInvite, `SELECT `+inviteColumns+` FROM invite WHERE campaign_id = ? ORDER BY created_at DESC`, campaignID)
}

// DeleteCampaignInvites withdraws every join code of a campaign and says how many there were.
func (q Queries) DeleteCampaignInvites(ctx context.Context, campaignID string) (int, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM invite WHERE campaign_id = ?`, campaignID)
	if err != nil {
		return 0, fmt.Errorf("delete invites: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// DeleteInvite withdraws a join code.
func (q Queries) DeleteInvite(ctx context.Context, code string) error {
	res, err := q.q.ExecContext(ctx, `DELETE FROM invite WHERE code = ?`, code)
	if err != nil {
		return fmt.Errorf("delete invite: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return game.Errorf(game.ENotFound, "unknown join code")
	}
	return nil
}
