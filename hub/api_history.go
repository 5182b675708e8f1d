package hub

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/history"
)

// The history's HTTP API (docs/protocol.md, "History"): the DM's timeline, replays, a hex's
// history and a session's recap; a player's journal. Each reads the campaign's book (history.go)
// and never a room.

type timelineBody struct {
	history.Timeline
	Kinds []history.Kind `json:"kinds"`
}

func (h *Hub) getTimeline(w http.ResponseWriter, r *http.Request) (int, any, error) {
	book, _, err := h.history(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, timelineBody{Timeline: book.Timeline(), Kinds: history.Kinds}, nil
}

type entriesBody struct {
	Entries []history.Entry `json:"entries"`
	// More is true when the page filled up before upTo: ask again after the last entry.
	More bool `json:"more"`
}

func (h *Hub) getEntries(w http.ResponseWriter, r *http.Request) (int, any, error) {
	query := r.URL.Query()
	after, err := seqParam(query.Get("after"), "after", 0)
	if err != nil {
		return 0, nil, err
	}
	upTo, err := seqParam(query.Get("upTo"), "upTo", 1<<62)
	if err != nil {
		return 0, nil, err
	}
	kinds := map[history.Kind]bool{}
	if k := query.Get("kinds"); k != "" {
		for _, name := range strings.Split(k, ",") {
			kind := history.Kind(name)
			if !slices.Contains(history.Kinds, kind) {
				return 0, nil, game.Errorf(game.EInvalid, "kinds: %q is not one of %v", game.Truncate(name, 20), history.Kinds)
			}
			kinds[kind] = true
		}
	}
	book, q, err := h.history(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	entries, err := book.Entries(r.Context(), q, after, upTo, kinds)
	if err != nil {
		return 0, nil, err
	}
	more := len(entries) >= history.MaxEntries && entries[len(entries)-1].Seq < min(upTo, book.Seq())
	return http.StatusOK, entriesBody{Entries: entries, More: more}, nil
}

// seqParam reads a seq from the query string; empty is def.
func seqParam(s, name string, def int64) (int64, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, game.Errorf(game.EInvalid, "%s must be a seq (a whole number, 0 or more)", name)
	}
	return n, nil
}

// getReplay is the campaign as it was after event seq, as a session:state seen by the DM, a
// player, a party or the whole table. A player's or party's view of a seq inside a publish is
// the view before it: they never saw its changes one by one.
func (h *Hub) getReplay(w http.ResponseWriter, r *http.Request) (int, any, error) {
	query := r.URL.Query()
	seq, err := seqParam(query.Get("seq"), "seq", 1<<62)
	if err != nil {
		return 0, nil, err
	}
	view, err := parseReplayView(query.Get("as"))
	if err != nil {
		return 0, nil, err
	}
	book, q, err := h.history(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	seq = min(seq, book.Seq())
	if view.role != "dm" {
		seq = book.VisibleSeq(seq)
	}
	st, err := book.StateAt(r.Context(), q, seq)
	if err != nil {
		return 0, nil, err
	}
	room, err := replayRoom(r.PathValue("id"), st)
	if err != nil {
		return 0, nil, err
	}
	frame, err := room.project(view)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, json.RawMessage(frame), nil
}

type hexHistoryBody struct {
	MapID   string             `json:"mapId"`
	Key     string             `json:"key"`
	Entries []history.HexEntry `json:"entries"`
}

func (h *Hub) getHexHistory(w http.ResponseWriter, r *http.Request) (int, any, error) {
	query := r.URL.Query()
	mapID := query.Get("mapId")
	key, err := game.ParseKey(query.Get("key"))
	if err != nil {
		return 0, nil, game.Errorf(game.EInvalid, "key: %v", err)
	}
	m, err := h.store.GetMap(r.Context(), mapID)
	if err != nil {
		return 0, nil, err
	}
	if m.CampaignID != r.PathValue("id") {
		return 0, nil, game.Errorf(game.ENotFound, "no map %q in this campaign", game.Truncate(mapID, 40))
	}
	if !m.Size().Contains(key) {
		return 0, nil, game.Errorf(game.EInvalid, "key: %q is off the %d×%d map", key.String(), m.Width, m.Height)
	}
	book, q, err := h.history(r.Context(), m.CampaignID)
	if err != nil {
		return 0, nil, err
	}
	entries, err := book.HexHistory(r.Context(), q, mapID, key)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, hexHistoryBody{MapID: mapID, Key: key.String(), Entries: entries}, nil
}

func (h *Hub) getRecap(w http.ResponseWriter, r *http.Request) (int, any, error) {
	book, q, err := h.history(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	recap, err := book.Recap(r.Context(), q, r.URL.Query().Get("sessionId"))
	return http.StatusOK, recap, err
}

// getJournal is the player's own journal: their cookie says whose.
func (h *Hub) getJournal(w http.ResponseWriter, r *http.Request) (int, any, error) {
	m, err := h.playerFromCookie(r)
	if err != nil {
		return 0, nil, game.Errorf(game.EUnauth, "not joined, or removed by the DM")
	}
	book, _, err := h.history(r.Context(), m.CampaignID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, book.Journal(m.ID), nil
}
