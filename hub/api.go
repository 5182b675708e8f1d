package hub

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// The HTTP API (docs/protocol.md, "HTTP API"): routes, authentication and errors here; the
// handlers by resource in api_campaigns.go and api_players.go. A handler decodes, calls the
// room (or the store, for what no room holds) and encodes.

const (
	maxBodyBytes   = 2 << 20
	maxImportBytes = 64 << 20
)

func (h *Hub) routes() {
	mux := http.NewServeMux()
	// The WebSocket route gets no middleware: nothing may write headers around the upgrade.
	mux.HandleFunc("GET /ws", h.handleWS)

	mux.HandleFunc("GET /api/hub", h.api(h.getHub))
	mux.HandleFunc("POST /api/join", h.api(h.limitJoins("join attempts", h.join)))
	mux.HandleFunc("GET /api/invites/{code}", h.api(h.limitJoins("join code lookups", h.lookupInvite)))
	mux.HandleFunc("GET /api/me", h.api(h.me))
	mux.HandleFunc("GET /api/me/journal", h.api(h.getJournal))
	mux.HandleFunc("GET /api/display", h.display(h.displayMe))
	mux.HandleFunc("GET /api/display/join", h.display(h.displayJoin))

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
	mux.HandleFunc("POST /api/campaigns/{id}/members/revoke", h.dm(h.revokeMembers))
	mux.HandleFunc("POST /api/campaigns/{id}/displays", h.dm(h.createDisplay))
	mux.HandleFunc("GET /api/campaigns/{id}/displays", h.dm(h.listDisplays))
	mux.HandleFunc("DELETE /api/campaigns/{id}/displays/{displayId}", h.dm(h.revokeDisplay))
	mux.HandleFunc("GET /api/campaigns/{id}/events", h.dm(h.listEvents))
	mux.HandleFunc("GET /api/campaigns/{id}/history", h.dm(h.getTimeline))
	mux.HandleFunc("GET /api/campaigns/{id}/history/entries", h.dm(h.getEntries))
	mux.HandleFunc("GET /api/campaigns/{id}/history/state", h.dm(h.getReplay))
	mux.HandleFunc("GET /api/campaigns/{id}/history/hex", h.dm(h.getHexHistory))
	mux.HandleFunc("GET /api/campaigns/{id}/history/recap", h.dm(h.getRecap))
	mux.HandleFunc("GET /api/campaigns/{id}/export", h.dm(h.exportCampaign))
	mux.HandleFunc("POST /api/import", h.dm(h.importCampaign))
	mux.HandleFunc("GET /api/backups", h.dm(h.listBackups))
	mux.HandleFunc("POST /api/backups", h.dm(h.backupNow))
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
		if err := h.sameSiteJSON(r); err != nil {
			h.log.Info("api request refused", "method", r.Method, "path", r.URL.Path, "err", err,
				"origin", r.Header.Get("Origin"), "remote", r.RemoteAddr)
			writeError(w, err)
			return
		}
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

// sameSiteJSON refuses a state-changing request from another site's page (403) and one whose
// body is not JSON (415). An HTML form on any web page can POST to the hub with a text/plain or
// form body and the player's cookie; it can send neither a JSON content type nor a same-site
// Origin without the browser asking first (a CORS preflight, which the hub never allows).
// Safe methods (GET, HEAD, OPTIONS) pass. Requests without Origin or Sec-Fetch-Site (curl, the
// tests) are not from a browser page and pass the first check.
func (h *Hub) sameSiteJSON(r *http.Request) error {
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
		return nil
	}
	if err := h.crossOrigin.Check(r); err != nil {
		return game.Errorf(game.EForbidden, "cross-site request refused: the hub accepts changes only from its own pages "+
			"and the desktop window (origin %q; start the hub with --allow-origin to allow another)", game.Truncate(r.Header.Get("Origin"), 80))
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" && r.ContentLength == 0 && len(r.TransferEncoding) == 0 {
		return nil // no body at all (a DELETE, an invite with the defaults)
	}
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return game.Errorf(game.EUnsupportedMedia, "the body must be JSON, sent with Content-Type: application/json (got %q)", game.Truncate(ct, 80))
	}
	return nil
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
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
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
	case game.EUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case game.ERateLimited:
		return http.StatusTooManyRequests
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
	_ = json.NewEncoder(w).Encode(apiError{Error: apiErrorDetail{Code: code, Message: msg}})
}

// decodeBody reads a JSON body strictly: unknown fields and trailing data are errors.
func decodeBody(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
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
	return http.StatusOK, hubInfo{Name: "Hexcrawl", Version: h.cfg.Version, Protocol: ProtocolVersion,
		Campaigns: len(cs), URLs: h.playerURLs(r)}, nil
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

func (h *Hub) listBackups(w http.ResponseWriter, r *http.Request) (int, any, error) {
	v := backupsView{Dir: h.cfg.BackupDir, Keep: h.cfg.BackupKeep, Backups: []storage.BackupInfo{}}
	if h.cfg.BackupDir != "" {
		all, err := storage.ListBackups(h.cfg.BackupDir)
		if err != nil {
			return 0, nil, err
		}
		v.Backups = all
	}
	return http.StatusOK, v, nil
}

func (h *Hub) backupNow(w http.ResponseWriter, r *http.Request) (int, any, error) {
	info, err := h.Backup(r.Context(), "asked by the DM")
	if err != nil {
		if p := storage.Problem(err); p != "" {
			return 0, nil, game.Errorf(game.EInternal, "backup failed: %s", p)
		}
		return 0, nil, err
	}
	return http.StatusCreated, info, nil
}
