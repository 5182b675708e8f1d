package hub

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
)

// Table screens over HTTP (docs/table.md): the DM makes, lists and revokes them; a screen asks
// what it watches and, for its QR code, the table's join code.

type displayBody struct {
	Name    *string `json:"name"`
	PartyID *string `json:"partyId"` // null or absent: what everyone knows
}

// defaultDisplayName names a screen the DM did not name.
const defaultDisplayName = "Table screen"

func (h *Hub) createDisplay(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body displayBody
	if err := decodeBody(w, r, maxBodyBytes, &body); err != nil {
		return 0, nil, err
	}
	name := defaultDisplayName
	if body.Name != nil {
		name = strings.TrimSpace(*body.Name)
	}
	if err := game.ValidDisplayName(name); err != nil {
		return 0, nil, err
	}
	party := ""
	if body.PartyID != nil {
		party = *body.PartyID
	}
	room, err := h.room(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return 0, nil, fmt.Errorf("table screen token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(secret)
	sum := sha256.Sum256([]byte(token))
	d, err := room.createDisplay(r.Context(), name, party, sum[:])
	if err != nil {
		return 0, nil, err
	}
	// The token travels in the link's fragment, which browsers never send to a server.
	url := PreferredJoinURL(h.playerURLs(r)) + "/table#token=" + token
	return http.StatusCreated, displayInfo{Display: d, Token: token, URL: url}, nil
}

func (h *Hub) listDisplays(w http.ResponseWriter, r *http.Request) (int, any, error) {
	room, err := h.room(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	out, err := room.listDisplays(r.Context())
	return http.StatusOK, out, err
}

func (h *Hub) revokeDisplay(w http.ResponseWriter, r *http.Request) (int, any, error) {
	room, err := h.room(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, room.revokeDisplay(r.Context(), r.PathValue("displayId"))
}

// display wraps a handler for a table screen, which shows its token as a bearer.
func (h *Hub) display(fn func(w http.ResponseWriter, r *http.Request, d game.Display) (int, any, error)) http.HandlerFunc {
	return h.api(func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			return 0, nil, game.Errorf(game.EUnauth, "this needs a table screen's token: Authorization: Bearer <token>")
		}
		d, err := h.displayFromToken(r.Context(), token)
		if err != nil {
			return 0, nil, game.Errorf(game.EUnauth, "this table screen's link is not valid: it was revoked, or never made here")
		}
		return fn(w, r, d)
	})
}

func (h *Hub) displayMe(w http.ResponseWriter, r *http.Request, d game.Display) (int, any, error) {
	c, err := h.store.GetCampaign(r.Context(), d.CampaignID)
	if err != nil {
		return 0, nil, err
	}
	room, err := h.room(r.Context(), d.CampaignID)
	if err != nil {
		return 0, nil, err
	}
	me := displayMe{ID: d.ID, Name: d.Name, CampaignID: c.ID, CampaignName: c.Name}
	// Which party it watches is the room's to say: a merge may have moved it.
	err = room.do(r.Context(), func(*batch) error {
		if live := room.st.displays[d.ID]; live != nil {
			me.PartyID = nullable(live.PartyID)
		}
		return nil
	})
	return http.StatusOK, me, err
}

// displayJoin is the campaign's current join code (the newest with more than
// game.InviteRenewBefore left, the rule `serve` prints by), for the screen's QR code. The DM put
// the screen on the table to show it; it is nothing a player does not see on that QR code.
func (h *Hub) displayJoin(w http.ResponseWriter, r *http.Request, d game.Display) (int, any, error) {
	invs, err := h.store.ListInvites(r.Context(), d.CampaignID)
	if err != nil {
		return 0, nil, err
	}
	for _, inv := range invs {
		if time.Until(inv.ExpiresAt) > game.InviteRenewBefore {
			return http.StatusOK, displayJoin{Code: inv.Code, JoinURL: h.joinURL(r, inv.Code)}, nil
		}
	}
	return 0, nil, game.Errorf(game.ENotFound, "no join code: the DM can make one with Invite players")
}
