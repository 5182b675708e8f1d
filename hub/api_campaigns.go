package hub

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// Campaigns, maps and hexes, the event log, campaign files.

type nameBody struct {
	Name string `json:"name"`
}

func (h *Hub) listCampaigns(w http.ResponseWriter, r *http.Request) (int, any, error) {
	cs, err := h.store.ListCampaigns(r.Context())
	return http.StatusOK, cs, err
}

func (h *Hub) createCampaign(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body nameBody
	if err := decodeBody(w, r, maxBodyBytes, &body); err != nil {
		return 0, nil, err
	}
	c, err := h.addCampaign(r.Context(), strings.TrimSpace(body.Name))
	return http.StatusCreated, c, err
}

func (h *Hub) getCampaign(w http.ResponseWriter, r *http.Request) (int, any, error) {
	c, err := h.store.GetCampaign(r.Context(), r.PathValue("id"))
	return http.StatusOK, c, err
}

func (h *Hub) renameCampaign(w http.ResponseWriter, r *http.Request) (int, any, error) {
	body, room, err := bodyAndRoom[nameBody](h, w, r)
	if err != nil {
		return 0, nil, err
	}
	c, err := room.renameCampaign(r.Context(), strings.TrimSpace(body.Name))
	return http.StatusOK, c, err
}

func (h *Hub) deleteCampaign(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return http.StatusNoContent, nil, h.removeCampaign(r.Context(), r.PathValue("id"))
}

func (h *Hub) listMaps(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id := r.PathValue("id")
	if _, err := h.store.GetCampaign(r.Context(), id); err != nil {
		return 0, nil, err
	}
	ms, err := h.store.ListMaps(r.Context(), id)
	return http.StatusOK, ms, err
}

type createMapBody struct {
	Name        string           `json:"name"`
	Width       int              `json:"width"`
	Height      int              `json:"height"`
	Orientation game.Orientation `json:"orientation"`
}

func (h *Hub) createMap(w http.ResponseWriter, r *http.Request) (int, any, error) {
	body, room, err := bodyAndRoom[createMapBody](h, w, r)
	if err != nil {
		return 0, nil, err
	}
	m, err := room.createMap(r.Context(), strings.TrimSpace(body.Name), game.Size{Width: body.Width, Height: body.Height}, body.Orientation)
	return http.StatusCreated, m, err
}

type activeMapBody struct {
	MapID string `json:"mapId"`
}

func (h *Hub) setActiveMap(w http.ResponseWriter, r *http.Request) (int, any, error) {
	body, room, err := bodyAndRoom[activeMapBody](h, w, r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, room.setActiveMap(r.Context(), body.MapID)
}

func (h *Hub) getMap(w http.ResponseWriter, r *http.Request) (int, any, error) {
	m, err := h.store.GetMap(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	hexes, err := h.store.LoadHexes(r.Context(), m.ID)
	if err != nil {
		return 0, nil, err
	}
	size := m.Size()
	grid := []byte(strings.Repeat(string(game.Unpainted.Code()), size.Cells()))
	d := MapDetail{MapInfo: m, Labels: map[string]string{}, Notes: map[string]string{}}
	for _, hx := range hexes {
		if !size.Contains(hx.Key) {
			continue
		}
		grid[size.Index(hx.Key)] = hx.Terrain.Code()
		if hx.Label != "" {
			d.Labels[hx.Key.String()] = hx.Label
		}
		if hx.Notes != "" {
			d.Notes[hx.Key.String()] = hx.Notes
		}
	}
	d.Grid = string(grid)
	tokens, err := h.store.LoadPartyPositions(r.Context(), m.ID)
	if err != nil {
		return 0, nil, err
	}
	d.Tokens = map[string]string{}
	for party, k := range tokens {
		d.Tokens[party] = k.String()
	}
	return http.StatusOK, d, nil
}

// bodyAndRoom decodes a request's body and finds the room of the campaign named in its path.
func bodyAndRoom[T any](h *Hub, w http.ResponseWriter, r *http.Request) (T, *Room, error) {
	var body T
	if err := decodeBody(w, r, maxBodyBytes, &body); err != nil {
		return body, nil, err
	}
	room, err := h.room(r.Context(), r.PathValue("id"))
	return body, room, err
}

// mapRoom finds the map named in the path and the room of its campaign.
func (h *Hub) mapRoom(r *http.Request) (game.MapInfo, *Room, error) {
	m, err := h.store.GetMap(r.Context(), r.PathValue("id"))
	if err != nil {
		return m, nil, err
	}
	room, err := h.room(r.Context(), m.CampaignID)
	return m, room, err
}

func (h *Hub) patchMap(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body mapPatch
	if err := decodeBody(w, r, maxBodyBytes, &body); err != nil {
		return 0, nil, err
	}
	if body.Name != nil {
		trimmed := strings.TrimSpace(*body.Name)
		body.Name = &trimmed
	}
	m, room, err := h.mapRoom(r)
	if err != nil {
		return 0, nil, err
	}
	m, err = room.patchMap(r.Context(), m, body)
	return http.StatusOK, m, err
}

type patchHexesBody struct {
	Changes []game.HexChange `json:"changes"`
}

func (h *Hub) patchHexes(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body patchHexesBody
	if err := decodeBody(w, r, maxBodyBytes*8, &body); err != nil {
		return 0, nil, err
	}
	if err := validateHexChanges(body.Changes); err != nil {
		return 0, nil, err
	}
	m, room, err := h.mapRoom(r)
	if err != nil {
		return 0, nil, err
	}
	seq, err := room.patchHexes(r.Context(), m, body.Changes)
	return http.StatusOK, seqResult{Seq: seq}, err
}

func (h *Hub) listEvents(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id := r.PathValue("id")
	if _, err := h.store.GetCampaign(r.Context(), id); err != nil {
		return 0, nil, err
	}
	after, limit := int64(0), 500
	if v := r.URL.Query().Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return 0, nil, game.Errorf(game.EInvalid, "after must be a non-negative integer")
		}
		after = n
	}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 5000 {
			return 0, nil, game.Errorf(game.EInvalid, "limit must be 1 to 5000")
		}
		limit = n
	}
	// type=travel: lists the events whose type starts with it (the travel log).
	prefix := r.URL.Query().Get("type")
	if len(prefix) > 40 {
		return 0, nil, game.Errorf(game.EInvalid, "type is at most 40 characters")
	}
	evs, err := h.store.ListEventsOfType(r.Context(), id, after, limit, prefix)
	return http.StatusOK, evs, err
}

func (h *Hub) exportCampaign(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id := r.PathValue("id")
	var f *storage.CampaignFile
	// A write transaction gives a consistent snapshot even while a session is live.
	err := h.store.Update(r.Context(), func(tx *storage.Tx) error {
		var err error
		f, err = tx.ExportCampaign(r.Context(), id)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	name := strings.Map(func(r rune) rune {
		if r < 128 && (r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return r
		}
		return '-'
	}, f.Campaign.Name)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.hexcrawl.json"`, name))
	return http.StatusOK, f, nil
}

func (h *Hub) importCampaign(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var f storage.CampaignFile
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxImportBytes))
	if err := dec.Decode(&f); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return 0, nil, err
		}
		return 0, nil, game.Errorf(game.EInvalid, "not a readable campaign file: %s", jsonProblem(err))
	}
	c, err := h.restoreCampaign(r.Context(), &f)
	return http.StatusCreated, c, err
}
