package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
)

// LogCampaignCreate opens a new campaign's log with its name and default party (the first event
// a replay reads, docs/history.md). Call it in the transaction that made the campaign.
func (q Queries) LogCampaignCreate(ctx context.Context, c game.Campaign, actor string) error {
	parties, err := q.ListParties(ctx, c.ID)
	if err != nil {
		return err
	}
	payload := map[string]string{"name": c.Name}
	for _, p := range parties {
		if p.Default {
			payload["partyId"], payload["partyName"], payload["partyColor"] = p.ID, p.Name, p.Color
		}
	}
	if _, err := q.AppendEvent(ctx, c.ID, "", game.EventCampaignCreate, actor, payload); err != nil {
		return fmt.Errorf("log campaign: %w", err)
	}
	return nil
}

// Reader is a read-only pool of connections to the data file, apart from the Store's own:
// readers that must never make the room wait (the history's replay) use it. In WAL mode a
// reader reads a snapshot beside the writer and takes no lock the writer waits for.
type Reader struct {
	Queries
	db *sql.DB
}

// OpenReader opens a Reader on the Store's file. Close it before the Store.
func (s *Store) OpenReader() (*Reader, error) {
	// query_only: this pool cannot write, whatever asks it to.
	dsn := "file:" + uriPath(s.path) + "?_pragma=query_only(1)&_pragma=busy_timeout(5000)&_txlock=deferred"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open reader: %w", err)
	}
	db.SetMaxOpenConns(2)
	db.SetConnMaxIdleTime(time.Minute)
	return &Reader{Queries: Queries{q: db}, db: db}, nil
}

// Close closes the reader's connections.
func (r *Reader) Close() error {
	if err := r.db.Close(); err != nil {
		return fmt.Errorf("close reader: %w", err)
	}
	return nil
}

// EachEvent calls fn for every event of the campaign with after < seq <= upTo (upTo 0: to the
// end), oldest first, streaming: a long log is never held whole.
func (q Queries) EachEvent(ctx context.Context, campaignID string, after, upTo int64, fn func(Event) error) error {
	if upTo <= 0 {
		upTo = 1 << 62
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+eventColumns+` FROM session_event
		WHERE campaign_id = ? AND seq > ? AND seq <= ? ORDER BY seq`, campaignID, after, upTo)
	if err != nil {
		return fmt.Errorf("read events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return fmt.Errorf("read events: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read events: %w", err)
	}
	return nil
}

// EventsMentioning lists the campaign's events whose payload holds text (a hex key in quotes,
// say), oldest first: the candidates of a hex's history, which the caller reads properly.
func (q Queries) EventsMentioning(ctx context.Context, campaignID, text string) ([]Event, error) {
	return queryAll(ctx, q.q, "events mentioning", scanEvent, `SELECT `+eventColumns+` FROM session_event
		WHERE campaign_id = ? AND instr(payload, ?) > 0 ORDER BY seq`, campaignID, text)
}

// EventAt reads one event; ok is false when there is none with that seq.
func (q Queries) EventAt(ctx context.Context, campaignID string, seq int64) (e Event, ok bool, err error) {
	e, err = scanEvent(q.q.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM session_event
		WHERE campaign_id = ? AND seq = ?`, campaignID, seq))
	if errors.Is(err, sql.ErrNoRows) {
		return Event{}, false, nil
	}
	if err != nil {
		return Event{}, false, fmt.Errorf("event %d: %w", seq, err)
	}
	return e, true, nil
}

// eventColumns are the columns scanEvent reads, in its order.
const eventColumns = "seq, COALESCE(session_id, ''), type, actor, payload, created_at"

func scanEvent(row rowScanner) (e Event, err error) {
	var payload, at string
	err = row.Scan(&e.Seq, &e.SessionID, &e.Type, &e.Actor, &payload, &at)
	e.Payload, e.At = json.RawMessage(payload), parseTime(at)
	return e, err
}
