package hub

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

const (
	maxBodyBytes   = 2 << 20
	maxImportBytes = 64 << 20
	inviteAlphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789" // no 0/O, 1/I/L, U: easy to read aloud and type
	inviteLength   = 10
)

func (h *Hub) routes() {
	mux := http.NewServeMux()
	// The WebSocket route gets no middleware: nothing may write headers around the upgrade.
	mux.HandleFunc("GET /ws", h.handleWS)

	mux.HandleFunc("GET /api/hub", h.api(h.getHub))
	mux.HandleFunc("POST /api/join", h.api(h.join))
	mux.HandleFunc("GET /api/invites/{code}", h.api(h.lookupInvite))
	mux.HandleFunc("GET /api/me", h.api(h.me))

	mux.HandleFunc("GET /api/campaigns", h.dm(h.listCampaigns))
	mux.HandleFunc("POST /api/campaigns", h.dm(h.createCampaign))
	mux.HandleFunc("GET /api/campaigns/{id}", h.dm(h.getCampaign))
	mux.HandleFunc("PATCH /api/campaigns/{id}", h.dm(h.renameCampaign))
	mux.HandleFunc("DELETE /api/campaigns/{id}", h.dm(h.deleteCampaign))
	mux.HandleFunc("GET /api/campaigns/{id}/maps", h.dm(h.listMaps))
	mux.HandleFunc("POST /api/campaigns/{id}/maps", h.dm(h.createMap))
	mux.HandleFunc("PUT /api/campaigns/{id}/active-map", h.dm(h.setActiveMap))
	mux.HandleFunc("GET /api/maps/{id}", h.dm(h.getMap))
	mux.HandleFunc("PATCH /api/maps/{id}", h.dm(h.patchMap))
	mux.HandleFunc("PATCH /api/maps/{id}/hexes", h.dm(h.patchHexes))
	mux.HandleFunc("POST /api/campaigns/{id}/invites", h.dm(h.createInvite))
	mux.HandleFunc("GET /api/campaigns/{id}/invites", h.dm(h.listInvites))
	mux.HandleFunc("DELETE /api/invites/{code}", h.dm(h.deleteInvite))
	mux.HandleFunc("GET /api/campaigns/{id}/members", h.dm(h.listMembers))
	mux.HandleFunc("DELETE /api/campaigns/{id}/members/{memberId}", h.dm(h.revokeMember))
	mux.HandleFunc("GET /api/campaigns/{id}/events", h.dm(h.listEvents))
	mux.HandleFunc("GET /api/campaigns/{id}/export", h.dm(h.exportCampaign))
	mux.HandleFunc("POST /api/import", h.dm(h.importCampaign))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, game.Errorf(game.ENotFound, "no such API route: %s %s", r.Method, r.URL.Path))
	})

	mux.Handle("/", h.uiHandler())
	h.mux = mux
}

// apiFunc handles one API call and returns the status and body to write.
type apiFunc func(w http.ResponseWriter, r *http.Request) (int, any, error)

func (h *Hub) api(fn apiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		status, body, err := fn(w, r)
		if err != nil {
			if game.CodeOf(err) == game.EInternal {
				h.log.Error("api", "method", r.Method, "path", r.URL.Path, "err", err)
			}
			writeError(w, err)
			return
		}
		if body == nil {
			w.WriteHeader(status)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(body)
	}
}

// dm wraps a handler that needs the DM's bearer token.
func (h *Hub) dm(fn apiFunc) http.HandlerFunc {
	return h.api(func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || !h.isDMToken(token) {
			return 0, nil, game.Errorf(game.EUnauth, "this needs the DM token: Authorization: Bearer <token>")
		}
		return fn(w, r)
	})
}

func statusOf(err error) int {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	switch game.CodeOf(err) {
	case game.EMalformed, game.EInvalid, game.EUnknownType:
		return http.StatusBadRequest
	case game.EUnauth:
		return http.StatusUnauthorized
	case game.EForbidden:
		return http.StatusForbidden
	case game.ENotFound:
		return http.StatusNotFound
	case game.EConflict:
		return http.StatusConflict
	case game.EGone:
		return http.StatusGone
	}
	return http.StatusInternalServerError
}

func writeError(w http.ResponseWriter, err error) {
	status := statusOf(err)
	code, msg := game.CodeOf(err), game.MessageOf(err)
	if status == http.StatusRequestEntityTooLarge {
		code, msg = game.EInvalid, "request body too large"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": string(code), "message": msg}})
}

// decodeBody reads a JSON body strictly: unknown fields and trailing data are errors.
func decodeBody(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return game.Errorf(game.EInvalid, "request body: %s", jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return game.Errorf(game.EInvalid, "request body: trailing data after the JSON object")
	}
	return nil
}

func (h *Hub) getHub(w http.ResponseWriter, r *http.Request) (int, any, error) {
	cs, err := h.store.ListCampaigns(r.Context())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"name": "Hexcrawl", "version": h.cfg.Version, "protocol": ProtocolVersion,
		"campaigns": len(cs), "urls": h.playerURLs(r)}, nil
}

// Campaigns.

func (h *Hub) listCampaigns(w http.ResponseWriter, r *http.Request) (int, any, error) {
	cs, err := h.store.ListCampaigns(r.Context())
	return http.StatusOK, cs, err
}

type nameBody struct {
	Name string `json:"name"`
}

func (h *Hub) createCampaign(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body nameBody
	if err := decodeBody(w, r, maxBodyBytes, &body); err != nil {
		return 0, nil, err
	}
	c, err := h.store.CreateCampaign(r.Context(), strings.TrimSpace(body.Name))
	return http.StatusCreated, c, err
}

func (h *Hub) getCampaign(w http.ResponseWriter, r *http.Request) (int, any, error) {
	c, err := h.store.GetCampaign(r.Context(), r.PathValue("id"))
	return http.StatusOK, c, err
}

// inRoom runs fn inside the campaign's room, so the change is ordered with live session
// traffic and logged with the right seq.
func (h *Hub) inRoom(r *http.Request, campaignID string, fn func(b *batch, room *Room) error) error {
	room, err := h.room(r.Context(), campaignID)
	if err != nil {
		return err
	}
	return room.do(r.Context(), func(b *batch) error { return fn(b, room) })
}

// changeAndResync is for changes deltas cannot describe (map switch, resize, rename): write,
// log, rebuild the room from the transaction and send everyone a fresh state.
func changeAndResync(b *batch, room *Room, ev game.EventType, payload any, write func(tx *storage.Tx) error) error {
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := write(tx); err != nil {
		return err
	}
	if _, err := b.event(ev, actorDM, payload); err != nil {
		return err
	}
	if err := room.reload(b.ctx, tx); err != nil {
		return err
	}
	room.st.seq = b.reqSeq
	room.resyncAll(b)
	return nil
}

func (h *Hub) renameCampaign(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body nameBody
	if err := decodeBody(w, r, maxBodyBytes, &body); err != nil {
		return 0, nil, err
	}
	id, name := r.PathValue("id"), strings.TrimSpace(body.Name)
	err := h.inRoom(r, id, func(b *batch, room *Room) error {
		return changeAndResync(b, room, game.EventCampaignRename, map[string]string{"name": name}, func(tx *storage.Tx) error {
			return tx.RenameCampaign(b.ctx, id, name)
		})
	})
	if err != nil {
		return 0, nil, err
	}
	c, err := h.store.GetCampaign(r.Context(), id)
	return http.StatusOK, c, err
}

func (h *Hub) deleteCampaign(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id := r.PathValue("id")
	err := h.inRoom(r, id, func(b *batch, room *Room) error {
		tx, err := b.write()
		if err != nil {
			return err
		}
		if err := tx.DeleteCampaign(b.ctx, id); err != nil {
			return err
		}
		for c := range room.clients {
			b.after = append(b.after, func() { c.close(CloseMissingCampaign, "campaign deleted") })
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	h.forgetPlayers()
	h.dropRoom(id)
	return http.StatusNoContent, nil, nil
}

// Maps.

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
	var body createMapBody
	if err := decodeBody(w, r, maxBodyBytes, &body); err != nil {
		return 0, nil, err
	}
	id := r.PathValue("id")
	var created storage.MapInfo
	err := h.inRoom(r, id, func(b *batch, room *Room) error {
		first := room.st.mp == nil
		write := func(tx *storage.Tx) error {
			m, err := tx.CreateMap(b.ctx, id, strings.TrimSpace(body.Name), game.Size{Width: body.Width, Height: body.Height}, body.Orientation)
			created = m
			return err
		}
		if first { // it becomes the active map: everyone needs the new state
			return changeAndResync(b, room, game.EventMapActivate, map[string]string{"created": "true"}, write)
		}
		tx, err := b.write()
		if err != nil {
			return err
		}
		return write(tx)
	})
	return http.StatusCreated, created, err
}

type activeMapBody struct {
	MapID string `json:"mapId"`
}

func (h *Hub) setActiveMap(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body activeMapBody
	if err := decodeBody(w, r, maxBodyBytes, &body); err != nil {
		return 0, nil, err
	}
	id := r.PathValue("id")
	err := h.inRoom(r, id, func(b *batch, room *Room) error {
		if len(room.st.staged) > 0 {
			return game.Errorf(game.EConflict, "publish or undo the staged changes before switching maps")
		}
		return changeAndResync(b, room, game.EventMapActivate, map[string]string{"mapId": body.MapID}, func(tx *storage.Tx) error {
			return tx.SetActiveMap(b.ctx, id, body.MapID)
		})
	})
	return http.StatusNoContent, nil, err
}

// MapDetail is a map with its contents, for the DM's editor.
type MapDetail struct {
	storage.MapInfo
	Grid   string            `json:"grid"`
	Labels map[string]string `json:"labels"`
	Notes  map[string]string `json:"notes"`
	Token  *string           `json:"token"`
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
	if m.Token != nil {
		k := m.Token.String()
		d.Token = &k
	}
	return http.StatusOK, d, nil
}

type patchMapBody struct {
	Name   *string `json:"name"`
	Width  *int    `json:"width"`
	Height *int    `json:"height"`
}

func (h *Hub) patchMap(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body patchMapBody
	if err := decodeBody(w, r, maxBodyBytes, &body); err != nil {
		return 0, nil, err
	}
	m, err := h.store.GetMap(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	size := m.Size()
	if body.Width != nil {
		size.Width = *body.Width
	}
	if body.Height != nil {
		size.Height = *body.Height
	}
	err = h.inRoom(r, m.CampaignID, func(b *batch, room *Room) error {
		if size != m.Size() && len(room.st.staged) > 0 && room.st.campaign.ActiveMapID == m.ID {
			return game.Errorf(game.EConflict, "publish or undo the staged changes before resizing the map")
		}
		payload := map[string]any{"mapId": m.ID, "width": size.Width, "height": size.Height}
		return changeAndResync(b, room, game.EventMapResize, payload, func(tx *storage.Tx) error {
			if body.Name != nil {
				if err := tx.RenameMap(b.ctx, m.ID, strings.TrimSpace(*body.Name)); err != nil {
					return err
				}
			}
			if size != m.Size() {
				return tx.ResizeMap(b.ctx, m.ID, size)
			}
			return nil
		})
	})
	if err != nil {
		return 0, nil, err
	}
	m, err = h.store.GetMap(r.Context(), m.ID)
	return http.StatusOK, m, err
}

type patchHexesBody struct {
	Changes []HexChange `json:"changes"`
}

func (h *Hub) patchHexes(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body patchHexesBody
	if err := decodeBody(w, r, maxBodyBytes*8, &body); err != nil {
		return 0, nil, err
	}
	cmd := command{Type: cmdUpdate, Changes: body.Changes}
	if err := cmd.validate(); err != nil {
		return 0, nil, err
	}
	m, err := h.store.GetMap(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	var seq int64
	err = h.inRoom(r, m.CampaignID, func(b *batch, room *Room) error {
		if room.st.mp == nil || room.st.mp.info.ID != m.ID {
			// Not the active map: nobody sees it live; write straight through.
			tx, err := b.write()
			if err != nil {
				return err
			}
			return putInactiveHexes(b, tx, m, body.Changes)
		}
		staging := room.st.status().Live() && room.st.campaign.BroadcastMode == game.Staged
		if err := room.update(b, body.Changes, staging); err != nil {
			return err
		}
		seq = b.reqSeq
		return nil
	})
	return http.StatusOK, map[string]int64{"seq": seq}, err
}

func putInactiveHexes(b *batch, tx *storage.Tx, m storage.MapInfo, changes []HexChange) error {
	hexes, err := tx.LoadHexes(b.ctx, m.ID)
	if err != nil {
		return err
	}
	size := m.Size()
	cur := map[game.Key]storage.Hex{}
	for _, hx := range hexes {
		cur[hx.Key] = hx
	}
	var rows []storage.Hex
	for i, c := range changes {
		k, err := size.ParseKeyOn(c.Key)
		if err != nil {
			return game.Errorf(game.EInvalid, "changes[%d]: %v", i, err)
		}
		hx, ok := cur[k]
		if !ok {
			hx = storage.Hex{Key: k}
		}
		hx = c.apply(hx)
		cur[k] = hx
		rows = append(rows, hx)
	}
	if err := tx.PutHexes(b.ctx, m.ID, rows); err != nil {
		return err
	}
	_, err = b.event(game.EventHexUpdate, actorDM, map[string]any{"mapId": m.ID, "changes": changes})
	return err
}

// Invites, joining and members.

type inviteBody struct {
	ExpiresInHours *float64 `json:"expiresInHours"`
}

type inviteView struct {
	storage.Invite
	JoinURL string `json:"joinUrl"`
}

// playerURLs are the hub's addresses for players, .local first; without a configured list,
// the address this request reached the hub by.
func (h *Hub) playerURLs(r *http.Request) []string {
	var urls []string
	if h.cfg.PlayerURLs != nil {
		for _, u := range h.cfg.PlayerURLs() {
			urls = append(urls, strings.TrimRight(u, "/"))
		}
	}
	if len(urls) == 0 {
		urls = []string{"http://" + r.Host}
	}
	return urls
}

// joinURL prefers an IP address: phones scanning the QR code do not all resolve .local names.
func (h *Hub) joinURL(r *http.Request, code string) string {
	urls := h.playerURLs(r)
	for _, u := range urls {
		if !strings.Contains(u, ".local") {
			return u + "/join/" + code
		}
	}
	return urls[0] + "/join/" + code
}

// NewInviteCode makes an unguessable join code.
func NewInviteCode() (string, error) {
	buf := make([]byte, inviteLength)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("invite code: %w", err)
	}
	out := make([]byte, inviteLength)
	for i, b := range buf {
		// 256 % 30 leaves a slight bias toward the first 16 letters; 10 letters still carry
		// over 48 bits, far beyond guessing over a LAN before the code expires.
		out[i] = inviteAlphabet[int(b)%len(inviteAlphabet)]
	}
	return string(out), nil
}

// normalizeCode accepts codes typed with spaces, dashes or in lower case.
func normalizeCode(s string) string {
	s = strings.ToUpper(s)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
}

func (h *Hub) createInvite(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body inviteBody
	if r.ContentLength != 0 {
		if err := decodeBody(w, r, maxBodyBytes, &body); err != nil {
			return 0, nil, err
		}
	}
	hours := 168.0
	if body.ExpiresInHours != nil {
		hours = *body.ExpiresInHours
	}
	if hours <= 0 || hours > 24*365 {
		return 0, nil, game.Errorf(game.EInvalid, "expiresInHours must be more than 0 and at most a year")
	}
	id := r.PathValue("id")
	if _, err := h.store.GetCampaign(r.Context(), id); err != nil {
		return 0, nil, err
	}
	code, err := NewInviteCode()
	if err != nil {
		return 0, nil, err
	}
	inv, err := h.store.CreateInvite(r.Context(), id, code, time.Now().Add(time.Duration(hours*float64(time.Hour))))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, inviteView{Invite: inv, JoinURL: h.joinURL(r, code)}, nil
}

func (h *Hub) listInvites(w http.ResponseWriter, r *http.Request) (int, any, error) {
	invs, err := h.store.ListInvites(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	out := make([]inviteView, len(invs))
	for i, inv := range invs {
		out[i] = inviteView{Invite: inv, JoinURL: h.joinURL(r, inv.Code)}
	}
	return http.StatusOK, out, nil
}

func (h *Hub) deleteInvite(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return http.StatusNoContent, nil, h.store.DeleteInvite(r.Context(), normalizeCode(r.PathValue("code")))
}

type joinBody struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type meView struct {
	PlayerID     string `json:"playerId"`
	CampaignID   string `json:"campaignId"`
	CampaignName string `json:"campaignName"`
	Name         string `json:"name"`
}

// validInvite finds a join code as typed and refuses an expired one: POST /api/join and the
// lookup below must agree on what a usable code is.
func (h *Hub) validInvite(r *http.Request, code string) (storage.Invite, error) {
	inv, err := h.store.GetInvite(r.Context(), normalizeCode(code))
	if err != nil {
		return storage.Invite{}, err
	}
	if time.Now().After(inv.ExpiresAt) {
		return storage.Invite{}, game.Errorf(game.EGone, "this join code has expired: ask the DM for a new one")
	}
	return inv, nil
}

type inviteLookup struct {
	CampaignID   string `json:"campaignId"`
	CampaignName string `json:"campaignName"`
}

// lookupInvite names the campaign a join code is for, so a player page holding a seat elsewhere
// can tell "this is your table" from "this is another campaign" before anyone joins. Public:
// the code is the secret, and its holder learns nothing here that joining would not tell them.
// Nothing about the map, members or sessions; a 404 or 410 says no more than POST /api/join.
func (h *Hub) lookupInvite(w http.ResponseWriter, r *http.Request) (int, any, error) {
	inv, err := h.validInvite(r, r.PathValue("code"))
	if err != nil {
		return 0, nil, err
	}
	c, err := h.store.GetCampaign(r.Context(), inv.CampaignID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, inviteLookup{CampaignID: c.ID, CampaignName: c.Name}, nil
}

func (h *Hub) join(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body joinBody
	if err := decodeBody(w, r, maxBodyBytes, &body); err != nil {
		return 0, nil, err
	}
	name := strings.TrimSpace(body.Name)
	if err := storage.ValidPlayerName(name); err != nil {
		return 0, nil, err
	}
	inv, err := h.validInvite(r, body.Code)
	if err != nil {
		return 0, nil, err
	}
	secretBytes := make([]byte, 32)
	if _, err := rand.Read(secretBytes); err != nil {
		return 0, nil, fmt.Errorf("player secret: %w", err)
	}
	secret := base64.RawURLEncoding.EncodeToString(secretBytes)
	sum := sha256.Sum256([]byte(secret))
	var m storage.Member
	var campaignName string
	err = h.inRoom(r, inv.CampaignID, func(b *batch, room *Room) error {
		tx, err := b.write()
		if err != nil {
			return err
		}
		if m, err = tx.CreateMember(b.ctx, inv.CampaignID, name, sum[:]); err != nil {
			return err
		}
		if _, err := b.event(game.EventMemberJoin, m.ID, map[string]string{"name": name}); err != nil {
			return err
		}
		room.st.members[m.ID] = newMember(m)
		room.st.order = append(room.st.order, m.ID)
		campaignName = room.st.campaign.Name
		b.toDMs(mustJSON(struct {
			Type   string    `json:"type"`
			Member memberRef `json:"member"`
		}{msgMemberAdded, memberRef{ID: m.ID, Name: m.Name}}))
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	http.SetCookie(w, &http.Cookie{
		Name: playerCookieName, Value: secret, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, MaxAge: 400 * 24 * 3600,
	})
	return http.StatusCreated, meView{PlayerID: m.ID, CampaignID: m.CampaignID, CampaignName: campaignName, Name: m.Name}, nil
}

func (h *Hub) me(w http.ResponseWriter, r *http.Request) (int, any, error) {
	m, err := h.playerFromCookie(r)
	if err != nil {
		return 0, nil, game.Errorf(game.EUnauth, "not joined, or removed by the DM")
	}
	c, err := h.store.GetCampaign(r.Context(), m.CampaignID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, meView{PlayerID: m.ID, CampaignID: m.CampaignID, CampaignName: c.Name, Name: m.Name}, nil
}

type memberView struct {
	storage.Member
	Online bool `json:"online"`
}

func (h *Hub) listMembers(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id := r.PathValue("id")
	var out []memberView
	err := h.inRoom(r, id, func(b *batch, room *Room) error {
		all, err := h.store.ListMembers(b.ctx, id)
		if err != nil {
			return err
		}
		out = make([]memberView, len(all))
		for i, m := range all {
			live := room.st.members[m.ID]
			out[i] = memberView{Member: m, Online: live != nil && live.online()}
		}
		return nil
	})
	return http.StatusOK, out, err
}

func (h *Hub) revokeMember(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, memberID := r.PathValue("id"), r.PathValue("memberId")
	err := h.inRoom(r, id, func(b *batch, room *Room) error {
		m := room.st.members[memberID]
		if m == nil {
			return game.Errorf(game.ENotFound, "no player %q in this campaign", truncate(memberID, 40))
		}
		tx, err := b.write()
		if err != nil {
			return err
		}
		if err := tx.RevokeMember(b.ctx, id, memberID); err != nil {
			return err
		}
		if _, err := b.event(game.EventMemberRevoke, actorDM, map[string]string{"memberId": memberID}); err != nil {
			return err
		}
		// Forget the cached cookie now and again after the commit: a connect racing with this
		// request may have cached it from the not yet committed database.
		h.forgetPlayers(memberID)
		b.after = append(b.after, func() { h.forgetPlayers(memberID) })
		delete(room.st.members, memberID)
		room.st.order = deleteString(room.st.order, memberID)
		for c := range m.clients {
			delete(room.clients, c)
			b.after = append(b.after, func() { c.close(CloseRevoked, "removed by the DM") })
		}
		// Say so at once (even if their arrival was never announced): they left the table.
		delete(room.dirty, memberID)
		delete(room.announced, memberID)
		b.toAll(mustJSON(struct {
			Type      string   `json:"type"`
			PlayerIDs []string `json:"playerIds"`
		}{msgPlayerLeft, []string{memberID}}))
		return nil
	})
	return http.StatusNoContent, nil, err
}

func deleteString(list []string, s string) []string {
	out := list[:0:0]
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
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
	evs, err := h.store.ListEvents(r.Context(), id, after, limit)
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
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return 0, nil, err
		}
		return 0, nil, game.Errorf(game.EInvalid, "not a readable campaign file: %s", jsonProblem(err))
	}
	var c storage.Campaign
	err := h.store.Update(r.Context(), func(tx *storage.Tx) error {
		var err error
		c, err = tx.ImportCampaign(r.Context(), &f)
		return err
	})
	return http.StatusCreated, c, err
}
