package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/hexcrawl/hexcrawl/game"
)

// CurrentSession returns the campaign's most recent session, or nil if none was ever started.
func (q Queries) CurrentSession(ctx context.Context, campaignID string) (*game.Session, error) {
	s, err := queryOne(ctx, q.q, "current session", errNoSession, scanSession, `SELECT `+sessionColumns+` FROM game_session
		WHERE campaign_id = ? ORDER BY started_at DESC, rowid DESC LIMIT 1`, campaignID)
	if errors.Is(err, errNoSession) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &s, nil
}

var errNoSession = errors.New("no session yet")

const sessionColumns = `id, campaign_id, status, started_at, ended_at`

func scanSession(row rowScanner) (game.Session, error) {
	var s game.Session
	var started string
	var ended sql.NullString
	err := row.Scan(&s.ID, &s.CampaignID, &s.Status, &started, &ended)
	s.StartedAt, s.EndedAt = parseTime(started), parseNullTime(ended)
	return s, err
}

// StartSession opens a new active session.
func (q Queries) StartSession(ctx context.Context, campaignID string) (game.Session, error) {
	ts := now()
	s := game.Session{ID: uuid.NewString(), CampaignID: campaignID, Status: game.Active, StartedAt: parseTime(ts)}
	_, err := q.q.ExecContext(ctx, `INSERT INTO game_session (id, campaign_id, status, started_at) VALUES (?, ?, ?, ?)`,
		s.ID, campaignID, s.Status, ts)
	if err != nil {
		return game.Session{}, fmt.Errorf("start session: %w", err)
	}
	return s, nil
}

const sqlSetSessionStatus = `UPDATE game_session SET status = ?, ended_at = COALESCE(?, ended_at) WHERE id = ?`

// SetSessionStatus moves a session along its lifecycle; Ended also stamps ended_at.
func (q Queries) SetSessionStatus(ctx context.Context, id string, status game.SessionStatus) error {
	var ended any
	if status == game.Ended {
		ended = now()
	}
	res, err := q.q.ExecContext(ctx, sqlSetSessionStatus, status, ended, id)
	if err != nil {
		return fmt.Errorf("set session status: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("session", id)
	}
	return nil
}

// PauseInterruptedSessions turns every session left active by a crash or kill into a paused
// one, logging why, so the DM resumes deliberately. It returns how many it paused.
func (q Queries) PauseInterruptedSessions(ctx context.Context) (int, error) {
	type pair struct{ id, campaign string }
	found, err := queryAll(ctx, q.q, "find interrupted sessions", func(row rowScanner) (p pair, err error) {
		err = row.Scan(&p.id, &p.campaign)
		return p, err
	}, `SELECT id, campaign_id FROM game_session WHERE status = 'active'`)
	if err != nil {
		return 0, err
	}
	for _, p := range found {
		if err := q.SetSessionStatus(ctx, p.id, game.Paused); err != nil {
			return 0, err
		}
		payload := map[string]string{"reason": "hub restarted"}
		if _, err := q.AppendEvent(ctx, p.campaign, p.id, game.EventSessionPause, "hub", payload); err != nil {
			return 0, err
		}
	}
	return len(found), nil
}

// LoadStaged returns the campaign's staged list in order.
func (q Queries) LoadStaged(ctx context.Context, campaignID string) ([]game.StagedChange, error) {
	rows, err := q.stagedRows(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	out := make([]game.StagedChange, len(rows))
	for i, r := range rows {
		if err := json.Unmarshal(r.Payload, &out[i]); err != nil {
			return nil, fmt.Errorf("staged change %s: %w", r.ID, err)
		}
	}
	return out, nil
}

// stagedRows reads the staged list as stored: the campaign file keeps each entry's JSON as it is.
func (q Queries) stagedRows(ctx context.Context, campaignID string) ([]FileStaged, error) {
	return queryAll(ctx, q.q, "load staged", func(row rowScanner) (r FileStaged, err error) {
		var payload string
		err = row.Scan(&r.ID, &payload)
		r.Payload = json.RawMessage(payload)
		return r, err
	}, `SELECT id, payload FROM staged_change WHERE campaign_id = ? ORDER BY position`, campaignID)
}

const (
	sqlAppendStaged = `INSERT INTO staged_change (campaign_id, position, id, payload)
		VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM staged_change WHERE campaign_id = ?), ?, ?)`
	sqlDeleteStaged = `DELETE FROM staged_change WHERE campaign_id = ? AND id = ?`
	sqlClearStaged  = `DELETE FROM staged_change WHERE campaign_id = ?`
)

// AppendStaged adds an entry at the end of the staged list.
func (q Queries) AppendStaged(ctx context.Context, campaignID string, sc game.StagedChange) error {
	payload, err := json.Marshal(sc)
	if err != nil {
		return fmt.Errorf("encode staged change: %w", err)
	}
	return q.exec(ctx, "append staged", sqlAppendStaged, campaignID, campaignID, sc.ID, string(payload))
}

// DeleteStaged removes one entry of the staged list by id.
func (q Queries) DeleteStaged(ctx context.Context, campaignID, id string) error {
	return q.exec(ctx, "delete staged", sqlDeleteStaged, campaignID, id)
}

// ClearStaged empties the staged list.
func (q Queries) ClearStaged(ctx context.Context, campaignID string) error {
	return q.exec(ctx, "clear staged", sqlClearStaged, campaignID)
}

// Event is one entry of the append-only session event log.
type Event struct {
	Seq       int64           `json:"seq"`
	SessionID string          `json:"sessionId,omitempty"`
	Type      game.EventType  `json:"type"`
	Actor     string          `json:"actor"`
	Payload   json.RawMessage `json:"payload"`
	At        time.Time       `json:"at"`
}

const sqlAppendEvent = `INSERT INTO session_event (campaign_id, seq, session_id, type, actor, payload, created_at)
		VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM session_event WHERE campaign_id = ?), ?, ?, ?, ?, ?)
		RETURNING seq`

// AppendEvent adds an entry to the campaign's log and returns its sequence number. The number
// is computed in the same statement, so it is gap-free and ordered by commit.
func (q Queries) AppendEvent(ctx context.Context, campaignID, sessionID string, typ game.EventType, actor string, payload any) (int64, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return 0, fmt.Errorf("encode %s event: %w", typ, err)
	}
	var sess any
	if sessionID != "" {
		sess = sessionID
	}
	var seq int64
	err = q.q.QueryRowContext(ctx, sqlAppendEvent, campaignID, campaignID, sess, typ, actor, string(body), now()).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("append %s event: %w", typ, err)
	}
	return seq, nil
}

// LastSeq is the campaign's newest event sequence number (0 if none).
func (q Queries) LastSeq(ctx context.Context, campaignID string) (int64, error) {
	var seq int64
	if err := q.q.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM session_event WHERE campaign_id = ?`, campaignID).Scan(&seq); err != nil {
		return 0, fmt.Errorf("last seq: %w", err)
	}
	return seq, nil
}

// ListEvents returns up to limit events after seq, oldest first.
func (q Queries) ListEvents(ctx context.Context, campaignID string, after int64, limit int) ([]Event, error) {
	return q.ListEventsOfType(ctx, campaignID, after, limit, "")
}

// ListEventsOfType is ListEvents of the events whose type starts with prefix ("travel:": the
// travel log); "" lists all.
func (q Queries) ListEventsOfType(ctx context.Context, campaignID string, after int64, limit int, prefix string) ([]Event, error) {
	return queryAll(ctx, q.q, "list events", scanEvent, `SELECT `+eventColumns+` FROM session_event
		WHERE campaign_id = ? AND seq > ? AND substr(type, 1, length(?)) = ? ORDER BY seq LIMIT ?`, campaignID, after, prefix, prefix, limit)
}
