package hub

import (
	"crypto/sha256"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"
	"github.com/hexcrawl/hexcrawl/game"
	"github.com/olahol/melody"
	"golang.org/x/time/rate"
)

// verdict is the outcome of checking an upgrade request, carried into the connect handler so
// the socket is upgraded first and then closed with a code the browser can read.
type verdict struct {
	code     int
	reason   string
	role     game.Role
	memberID string
	room     *Room
}

func (h *Hub) handleWS(w http.ResponseWriter, r *http.Request) {
	v := h.checkUpgrade(r)
	rec := &hijackRecorder{ResponseWriter: w}
	if err := h.m.HandleRequestWithKeys(rec, r, map[string]any{"verdict": v, "conn": rec}); err != nil && !errors.Is(err, melody.ErrClosed) {
		h.log.Debug("websocket upgrade failed", "err", err, "remote", r.RemoteAddr)
	}
}

// checkUpgrade checks, in the order docs/protocol.md gives: Origin, then credentials, then the
// campaign, then membership.
func (h *Hub) checkUpgrade(r *http.Request) verdict {
	if origin := r.Header.Get("Origin"); origin != "" && !h.originAllowed(origin, r.Host) {
		return verdict{code: CloseForbidden, reason: "forbidden origin"}
	}
	role, memberID, memberCampaign, ok := h.credentials(r)
	if !ok {
		return verdict{code: CloseUnauthorized, reason: "unauthorized"}
	}
	campaignID := r.URL.Query().Get("campaignId")
	if campaignID == "" {
		return verdict{code: CloseMissingCampaign, reason: "missing campaignId"}
	}
	if _, err := uuid.Parse(campaignID); err != nil {
		return verdict{code: CloseMissingCampaign, reason: "unknown campaign"}
	}
	if role != game.RoleDM && memberCampaign != campaignID {
		// Say "unknown" rather than "not a member" when the campaign does not exist at all.
		if _, err := h.store.GetCampaign(r.Context(), campaignID); err != nil {
			return verdict{code: CloseMissingCampaign, reason: "unknown campaign"}
		}
		return verdict{code: CloseForbidden, reason: "not a member"}
	}
	room, err := h.room(r.Context(), campaignID)
	if err != nil {
		if game.CodeOf(err) == game.ENotFound {
			return verdict{code: CloseMissingCampaign, reason: "unknown campaign"}
		}
		h.log.Error("load campaign", "campaign", campaignID, "err", err)
		return verdict{code: websocket.CloseInternalServerErr, reason: "internal error"}
	}
	return verdict{role: role, memberID: memberID, room: room}
}

// credentials finds who is asking: the DM (token as subprotocol or bearer), a table screen
// (its token as subprotocol) or a player (cookie). A wrong DM or screen token fails even if a
// player cookie is present.
func (h *Hub) credentials(r *http.Request) (role game.Role, memberID, campaignID string, ok bool) {
	if token, present := dmTokenFrom(r); present {
		return game.RoleDM, "", "", h.isDMToken(token)
	}
	if token, present := displayTokenFrom(r); present {
		d, err := h.displayFromToken(r.Context(), token)
		if err != nil {
			return "", "", "", false
		}
		return game.RoleDisplay, d.ID, d.CampaignID, true
	}
	m, err := h.playerFromCookie(r)
	if err != nil {
		return "", "", "", false
	}
	return game.RolePlayer, m.ID, m.CampaignID, true
}

func displayTokenFrom(r *http.Request) (string, bool) {
	for _, p := range websocket.Subprotocols(r) {
		if token, ok := strings.CutPrefix(p, displayProtocol); ok {
			return token, true
		}
	}
	return "", false
}

func dmTokenFrom(r *http.Request) (string, bool) {
	for _, p := range websocket.Subprotocols(r) {
		if token, ok := strings.CutPrefix(p, dmTokenProtocol); ok {
			return token, true
		}
	}
	if auth := r.Header.Get("Authorization"); auth != "" {
		token, ok := strings.CutPrefix(auth, "Bearer ")
		return token, ok
	}
	return "", false
}

func (h *Hub) playerFromCookie(r *http.Request) (memberRecord, error) {
	ck, err := r.Cookie(playerCookieName)
	if err != nil || ck.Value == "" || len(ck.Value) > 128 {
		return memberRecord{}, game.Errorf(game.EUnauth, "not joined")
	}
	sum := sha256.Sum256([]byte(ck.Value))
	h.authMu.RLock()
	rec, ok := h.playerIDs[sum]
	h.authMu.RUnlock()
	if ok {
		return rec, nil
	}
	m, err := h.store.MemberBySecret(r.Context(), sum[:])
	if err != nil {
		return memberRecord{}, err
	}
	rec = memberRecord{ID: m.ID, CampaignID: m.CampaignID, Name: m.Name}
	h.authMu.Lock()
	h.playerIDs[sum] = rec
	h.authMu.Unlock()
	return rec, nil
}

type memberRecord struct{ ID, CampaignID, Name string }

// originAllowed: the hub's own origin under whatever name or address it was reached by, the
// desktop window, and configured extras. Same-origin is judged against Host, which a browser
// always sets to what the page itself used.
func (h *Hub) originAllowed(origin, host string) bool {
	for _, o := range DesktopOrigins {
		if strings.EqualFold(origin, o) {
			return true
		}
	}
	for _, o := range h.cfg.AllowedOrigins {
		if strings.EqualFold(origin, strings.TrimRight(o, "/")) {
			return true
		}
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	return strings.EqualFold(u.Host, host)
}

func (h *Hub) onConnect(s *melody.Session) {
	v := s.MustGet("verdict").(verdict)
	origin := s.Request.Header.Get("Origin")
	if v.code != 0 {
		h.log.Info("socket refused", "code", v.code, "reason", v.reason, "origin", origin, "remote", s.Request.RemoteAddr)
		_ = s.CloseWithMsg(melody.FormatCloseMessage(v.code, v.reason))
		return
	}
	h.log.Info("socket connected", "role", v.role, "campaign", v.room.id, "player", v.memberID, "origin", origin, "remote", s.Request.RemoteAddr)
	c := &client{s: s, role: v.role, memberID: v.memberID, highWater: int32(h.cfg.SendQueue - 8), closeWait: h.cfg.WriteWait,
		log: h.log.With("campaign", v.room.id, "role", v.role, "player", v.memberID, "remote", s.Request.RemoteAddr)}
	c.errs = rate.NewLimiter(errorsPerSecond, errorBurst)
	if v.role == game.RolePlayer {
		c.msgs = rate.NewLimiter(playerMsgsPerSec, playerMsgBurst)
	}
	if rec, ok := s.Get("conn"); ok && rec.(*hijackRecorder).conn != nil {
		c.conn = rec.(*hijackRecorder).conn
		c.conn.startFraming()
	}
	s.Set("client", c)
	s.Set("room", v.room)
	v.room.submit(v.room.connect(c))
}

func sessionClient(s *melody.Session) (*client, *Room) {
	c, ok := s.Get("client")
	if !ok {
		return nil, nil
	}
	r, _ := s.Get("room")
	return c.(*client), r.(*Room)
}

func (h *Hub) onDisconnect(s *melody.Session) {
	if c, r := sessionClient(s); c != nil {
		r.submit(r.disconnect(c))
	}
}

func (h *Hub) onSent(s *melody.Session, _ []byte) {
	if c, _ := sessionClient(s); c != nil {
		c.pending.Add(-1)
	}
}

func (h *Hub) onError(s *melody.Session, err error) {
	if errors.Is(err, melody.ErrMessageBufferFull) || errors.Is(err, melody.ErrWriteClosed) {
		// melody dropped a frame send had counted (a full buffer, or the socket closed between
		// send's check and melody's): it will never be sent, so it is no longer pending. A
		// dropped frame leaves a hole in the client's deltas: it must resync.
		if c, _ := sessionClient(s); c != nil {
			c.pending.Add(-1)
			if errors.Is(err, melody.ErrMessageBufferFull) {
				c.tooSlow("melody's buffer was full and a frame was dropped")
			}
		}
		return
	}
	h.log.Debug("socket error", "err", err, "remote", s.Request.RemoteAddr)
}

func (h *Hub) onBinary(s *melody.Session, _ []byte) {
	if c, _ := sessionClient(s); c != nil && c.admit() {
		c.refuse(game.Errorf(game.EMalformed, "messages are JSON text frames"), "")
	}
}

func (h *Hub) onMessage(s *melody.Session, raw []byte) {
	c, r := sessionClient(s)
	if c == nil || !c.admit() {
		return // rejected at connect, or closed for flooding: its close frame is on the way
	}
	cmd, err := decodeCommand(raw)
	if err != nil {
		c.refuse(err, cmd.Ref)
		return
	}
	if cmd.Type == cmdPing {
		// Straight back from the read goroutine: a heartbeat must not wait behind the room's
		// batch (an fsync) and changes nothing, so there is nothing to log or persist.
		c.send(pongMsg{Ref: cmd.Ref}.frame())
		return
	}
	if err := c.allowed(cmd); err != nil {
		c.refuse(err, cmd.Ref)
		return
	}
	if cmd.Type == cmdHexPing {
		// Counted on the reader: a flood of pings never reaches the room.
		if err := h.pingAllowed(c); err != nil {
			c.refuse(err, cmd.Ref)
			return
		}
	}
	cmd.from = c
	r.submit(&request{from: c, ref: cmd.Ref, fn: func(b *batch) error { return r.command(b, cmd) }})
}

// admit is called on the socket's read goroutine for every message. It throttles a player who
// sends more than players ever need (by waiting: the reader stops reading, so the sender slows)
// and drops everything once the socket is being closed for flooding.
func (c *client) admit() bool {
	if c.flooding {
		return false
	}
	if c.msgs != nil {
		waitFor(c.msgs)
	}
	return true
}

// refuse answers a bad message with its error, within the socket's error budget. Past the
// budget the reader waits for it to refill; a socket that keeps it empty is closed with
// CloseFlooding (4009) and its further messages are not even decoded.
func (c *client) refuse(err error, ref string) {
	if waited := waitFor(c.errs); !waited {
		c.throttled = 0
	} else if c.throttled++; c.throttled > floodCloseAfter {
		c.flooding = true
		c.log.Warn("socket sends too many bad messages: closing it with 4009", "last", game.MessageOf(err))
		payload := melody.FormatCloseMessage(CloseFlooding, "too many bad messages")
		if c.conn != nil {
			c.conn.closeNow(payload, c.closeWait)
		} else {
			_ = c.s.CloseWithMsg(payload)
		}
		return
	}
	c.send(errorFrame(err, ref))
}

// waitFor takes one token from l, sleeping until there is one; it says whether it had to wait.
func waitFor(l *rate.Limiter) bool {
	now := time.Now()
	d := l.ReserveN(now, 1).DelayFrom(now)
	if d <= 0 {
		return false
	}
	time.Sleep(d)
	return true
}
