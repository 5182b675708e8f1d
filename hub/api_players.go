package hub

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
)

// Invites, joining, a player's own seat, and the DM's list of members.

type inviteBody struct {
	ExpiresInHours *float64 `json:"expiresInHours"`
}

// joinURL is the link players open for code, at the address PreferredJoinURL picks.
func (h *Hub) joinURL(r *http.Request, code string) string {
	return PreferredJoinURL(h.playerURLs(r)) + "/join/" + code
}

func (h *Hub) createInvite(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body inviteBody
	if r.ContentLength != 0 {
		if err := decodeBody(w, r, maxBodyBytes, &body); err != nil {
			return 0, nil, err
		}
	}
	expiry := game.InviteDefaultExpiry
	if body.ExpiresInHours != nil {
		hours := *body.ExpiresInHours
		if hours <= 0 || hours > game.InviteMaxExpiry.Hours() {
			return 0, nil, game.Errorf(game.EInvalid, "expiresInHours must be more than 0 and at most a year")
		}
		expiry = time.Duration(hours * float64(time.Hour))
	}
	id := r.PathValue("id")
	if _, err := h.store.GetCampaign(r.Context(), id); err != nil {
		return 0, nil, err
	}
	code, err := game.NewInviteCode()
	if err != nil {
		return 0, nil, err
	}
	inv, err := h.store.CreateInvite(r.Context(), id, code, time.Now().Add(expiry))
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
	return http.StatusNoContent, nil, h.store.DeleteInvite(r.Context(), game.NormalizeInviteCode(r.PathValue("code")))
}

// validInvite finds a join code as typed and refuses an expired one: POST /api/join and the
// lookup below must agree on what a usable code is.
func (h *Hub) validInvite(r *http.Request, code string) (game.Invite, error) {
	inv, err := h.store.GetInvite(r.Context(), game.NormalizeInviteCode(code))
	if err != nil {
		return game.Invite{}, err
	}
	if time.Now().After(inv.ExpiresAt) {
		return game.Invite{}, game.Errorf(game.EGone, "this join code has expired: ask the DM for a new one")
	}
	return inv, nil
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

type joinBody struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func (h *Hub) join(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body joinBody
	if err := decodeBody(w, r, maxBodyBytes, &body); err != nil {
		return 0, nil, err
	}
	name := strings.TrimSpace(body.Name)
	if err := game.ValidPlayerName(name); err != nil {
		return 0, nil, err
	}
	inv, err := h.validInvite(r, body.Code)
	if err != nil {
		return 0, nil, err
	}
	if err := h.refuseRevokedSeat(r, inv.CampaignID); err != nil {
		return 0, nil, err
	}
	secretBytes := make([]byte, 32)
	if _, err := rand.Read(secretBytes); err != nil {
		return 0, nil, fmt.Errorf("player secret: %w", err)
	}
	secret := base64.RawURLEncoding.EncodeToString(secretBytes)
	sum := sha256.Sum256([]byte(secret))
	room, err := h.room(r.Context(), inv.CampaignID)
	if err != nil {
		return 0, nil, err
	}
	m, campaignName, err := room.join(r.Context(), name, sum[:])
	if err != nil {
		return 0, nil, err
	}
	http.SetCookie(w, &http.Cookie{
		Name: playerCookieName, Value: secret, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, MaxAge: 400 * 24 * 3600,
	})
	return http.StatusCreated, meView{PlayerID: m.ID, CampaignID: m.CampaignID, CampaignName: campaignName, Name: m.Name}, nil
}

// refuseRevokedSeat refuses a join from a browser whose seat in this campaign the DM revoked:
// following the table's link again must not seat a removed player anew. (A new code keeps out
// someone who clears their cookies; see revoke.)
func (h *Hub) refuseRevokedSeat(r *http.Request, campaignID string) error {
	ck, err := r.Cookie(playerCookieName)
	if err != nil || ck.Value == "" || len(ck.Value) > 128 {
		return nil
	}
	sum := sha256.Sum256([]byte(ck.Value))
	seat, err := h.store.SeatBySecret(r.Context(), sum[:])
	if game.CodeOf(err) == game.ENotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if seat.RevokedAt != nil && seat.CampaignID == campaignID {
		return game.Errorf(game.EForbidden, "the DM removed you from this campaign; ask the DM if you should rejoin")
	}
	return nil
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

func (h *Hub) listMembers(w http.ResponseWriter, r *http.Request) (int, any, error) {
	room, err := h.room(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	ms, err := room.members(r.Context())
	return http.StatusOK, ms, err
}

// revokeMember removes one player; ?keepCode=true keeps the campaign's join codes.
func (h *Hub) revokeMember(w http.ResponseWriter, r *http.Request) (int, any, error) {
	keep, err := keepCodeParam(r)
	if err != nil {
		return 0, nil, err
	}
	return h.revokeAndAnswer(r, []string{r.PathValue("memberId")}, keep)
}

type revokeBody struct {
	MemberIDs []string `json:"memberIds"`
	KeepCode  bool     `json:"keepCode"`
}

// revokeMembers removes several players at once, all or none (a console full of strangers who
// joined with a leaked code, or stale seats from earlier sessions).
func (h *Hub) revokeMembers(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body revokeBody
	if err := decodeBody(w, r, maxBodyBytes, &body); err != nil {
		return 0, nil, err
	}
	if len(body.MemberIDs) == 0 || len(body.MemberIDs) > maxRevokeAtOnce {
		return 0, nil, game.Errorf(game.EInvalid, "memberIds must list 1 to %d players", maxRevokeAtOnce)
	}
	return h.revokeAndAnswer(r, body.MemberIDs, body.KeepCode)
}

const maxRevokeAtOnce = 10000

func keepCodeParam(r *http.Request) (bool, error) {
	switch v := r.URL.Query().Get("keepCode"); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, game.Errorf(game.EInvalid, "keepCode must be true or false, not %q", game.Truncate(v, 20))
	}
}

func (h *Hub) revokeAndAnswer(r *http.Request, ids []string, keepCode bool) (int, any, error) {
	room, err := h.room(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	inv, err := room.revoke(r.Context(), ids, keepCode)
	if err != nil {
		return 0, nil, err
	}
	res := revokeResult{Revoked: slices.Compact(slices.Sorted(slices.Values(ids)))}
	if inv != nil {
		res.Invite = &inviteView{Invite: *inv, JoinURL: h.joinURL(r, inv.Code)}
	}
	return http.StatusOK, res, nil
}
