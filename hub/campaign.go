package hub

import (
	"context"
	"slices"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// The changes the HTTP API asks for. Each is a room method like a socket's command: it runs on
// the room's goroutine, is ordered with the live session, logged with the campaign's seq and
// persisted before anyone hears of it. The handlers in api_*.go only decode, call and encode.
// Values computed in the room come back through the closure: do returns only after the room has
// finished with them.

// resyncAfter is for changes deltas cannot describe (map switch, resize, rename): write, log,
// rebuild the room from the transaction and send everyone a fresh state.
// payload may be a func() any, called after write (for what write makes, like a new map's id).
func (r *Room) resyncAfter(b *batch, ev game.EventType, payload any, write func(tx *storage.Tx) error) error {
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := write(tx); err != nil {
		return err
	}
	if fn, ok := payload.(func() any); ok {
		payload = fn()
	}
	if _, err := b.event(ev, actorDM, payload); err != nil {
		return err
	}
	if err := r.reload(b.ctx, tx); err != nil {
		return err
	}
	r.st.seq = b.reqSeq
	r.resyncAll(b)
	return nil
}

// renameCampaign renames the room's campaign; everyone gets a fresh state with the new name.
func (r *Room) renameCampaign(ctx context.Context, name string) (game.Campaign, error) {
	var c game.Campaign
	err := r.do(ctx, func(b *batch) error {
		err := r.resyncAfter(b, game.EventCampaignRename, map[string]string{"name": name}, func(tx *storage.Tx) error {
			return tx.RenameCampaign(b.ctx, r.id, name)
		})
		if err != nil {
			return err
		}
		c = r.st.campaign
		b.notify(CampaignRenamed)
		return nil
	})
	return c, err
}

// deleteCampaign deletes the room's campaign and closes its sockets with 4002. The hub then
// forgets the room (Hub.removeCampaign).
func (r *Room) deleteCampaign(ctx context.Context) error {
	return r.do(ctx, func(b *batch) error {
		tx, err := b.write()
		if err != nil {
			return err
		}
		if err := tx.DeleteCampaign(b.ctx, r.id); err != nil {
			return err
		}
		for c := range r.clients {
			b.closeAfter(c, CloseMissingCampaign, "campaign deleted")
		}
		return nil
	})
}

// createMap adds a map. The campaign's first map becomes its active one, so everyone gets a
// fresh state with it.
func (r *Room) createMap(ctx context.Context, name string, size game.Size, o game.Orientation) (game.MapInfo, error) {
	var created game.MapInfo
	err := r.do(ctx, func(b *batch) error {
		// Every map's creation is logged with all it is made of, so a replay of the log can build
		// it; the campaign's first map is also activated, which everyone sees.
		write := func(tx *storage.Tx) error {
			m, err := tx.CreateMap(b.ctx, r.id, name, size, o)
			if err != nil {
				return err
			}
			created = m
			_, err = b.event(game.EventMapCreate, actorDM, map[string]any{"mapId": m.ID, "name": m.Name,
				"width": m.Width, "height": m.Height, "orientation": m.Orientation})
			return err
		}
		if r.st.mp == nil {
			return r.resyncAfter(b, game.EventMapActivate, func() any { return map[string]string{"mapId": created.ID} }, write)
		}
		tx, err := b.write()
		if err != nil {
			return err
		}
		return write(tx)
	})
	return created, err
}

// setActiveMap switches the map the session plays on; everyone gets a fresh state.
func (r *Room) setActiveMap(ctx context.Context, mapID string) error {
	return r.do(ctx, func(b *batch) error {
		if len(r.st.staged) > 0 {
			return game.Errorf(game.EConflict, "publish or undo the staged changes before switching maps")
		}
		return r.resyncAfter(b, game.EventMapActivate, map[string]string{"mapId": mapID}, func(tx *storage.Tx) error {
			return tx.SetActiveMap(b.ctx, r.id, mapID)
		})
	})
}

// mapPatch is a rename and resize of one map; nil fields stay as they are.
type mapPatch struct {
	Name   *string `json:"name"`
	Width  *int    `json:"width"`
	Height *int    `json:"height"`
}

// patchMap renames and resizes map m (resizing keeps the painted hexes that still fit);
// everyone gets a fresh state.
func (r *Room) patchMap(ctx context.Context, m game.MapInfo, p mapPatch) (game.MapInfo, error) {
	size := m.Size()
	if p.Width != nil {
		size.Width = *p.Width
	}
	if p.Height != nil {
		size.Height = *p.Height
	}
	var out game.MapInfo
	err := r.do(ctx, func(b *batch) error {
		if size != m.Size() && len(r.st.staged) > 0 && r.st.campaign.ActiveMapID == m.ID {
			return game.Errorf(game.EConflict, "publish or undo the staged changes before resizing the map")
		}
		name := m.Name
		if p.Name != nil {
			name = *p.Name
		}
		payload := map[string]any{"mapId": m.ID, "name": name, "width": size.Width, "height": size.Height}
		return r.resyncAfter(b, game.EventMapResize, payload, func(tx *storage.Tx) error {
			if p.Name != nil {
				if err := tx.RenameMap(b.ctx, m.ID, *p.Name); err != nil {
					return err
				}
			}
			if size != m.Size() {
				if err := tx.ResizeMap(b.ctx, m.ID, size); err != nil {
					return err
				}
			}
			var err error
			out, err = tx.GetMap(b.ctx, m.ID)
			return err
		})
	})
	return out, err
}

// patchHexes edits hexes of map m like hex:update does. The active map follows the broadcast
// mode and players see the difference; any other map is written straight through.
func (r *Room) patchHexes(ctx context.Context, m game.MapInfo, changes []game.HexChange) (int64, error) {
	var seq int64
	err := r.do(ctx, func(b *batch) error {
		if r.st.mp == nil || r.st.mp.info.ID != m.ID {
			return r.putInactiveHexes(b, m, changes)
		}
		if err := r.update(b, changes, r.staging()); err != nil {
			return err
		}
		seq = b.reqSeq
		return nil
	})
	return seq, err
}

func (r *Room) putInactiveHexes(b *batch, m game.MapInfo, changes []game.HexChange) error {
	tx, err := b.write()
	if err != nil {
		return err
	}
	hexes, err := tx.LoadHexes(b.ctx, m.ID)
	if err != nil {
		return err
	}
	size := m.Size()
	cur := map[game.Key]game.Hex{}
	for _, hx := range hexes {
		cur[hx.Key] = hx
	}
	var rows []game.Hex
	for i, c := range changes {
		k, err := size.ParseKeyOn(c.Key)
		if err != nil {
			return game.Errorf(game.EInvalid, "changes[%d]: %v", i, err)
		}
		hx, ok := cur[k]
		if !ok {
			hx = game.Hex{Key: k}
		}
		hx = c.Apply(hx)
		cur[k] = hx
		rows = append(rows, hx)
	}
	if err := tx.PutHexes(b.ctx, m.ID, rows); err != nil {
		return err
	}
	_, err = b.event(game.EventHexUpdate, actorDM, map[string]any{"mapId": m.ID, "changes": changes})
	return err
}

// join makes a new member whose cookie secret hashes to secretHash, and tells the DM. A
// campaign holds at most Config.MaxMembers players (revoked ones do not count).
func (r *Room) join(ctx context.Context, name string, secretHash []byte) (game.Member, string, error) {
	var m game.Member
	var campaignName string
	err := r.do(ctx, func(b *batch) error {
		if limit := r.hub.cfg.MaxMembers; len(r.st.members) >= limit {
			return game.Errorf(game.EConflict, "this campaign already has %d players, the most this hub allows: "+
				"the DM can remove players who left (or start the hub with a higher --max-members)", limit)
		}
		tx, err := b.write()
		if err != nil {
			return err
		}
		if m, err = tx.CreateMember(b.ctx, r.id, name, secretHash); err != nil {
			return err
		}
		if _, err := b.event(game.EventMemberJoin, m.ID, map[string]any{"name": name, "partyId": nullable(m.PartyID)}); err != nil {
			return err
		}
		campaignName = r.st.campaign.Name
		b.toDMs(memberAddedMsg{Member: memberRef{ID: m.ID, Name: m.Name}}.frame())
		r.memberJoined(b, newMember(m))
		return nil
	})
	return m, campaignName, err
}

// revoke removes members, all or none: their cookies stop working, their sockets close with
// 4004, and everyone hears they left. Unless keepCode, every join code of the campaign is
// withdrawn and a new one made, returned here: the removed players saw the old code, and it
// would let them straight back in.
func (r *Room) revoke(ctx context.Context, memberIDs []string, keepCode bool) (*game.Invite, error) {
	h := r.hub
	var fresh *game.Invite
	err := r.do(ctx, func(b *batch) error {
		ids := slices.Compact(slices.Sorted(slices.Values(memberIDs)))
		for _, id := range ids {
			if r.st.members[id] == nil {
				return game.Errorf(game.ENotFound, "no player %q in this campaign", game.Truncate(id, 40))
			}
		}
		tx, err := b.write()
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := tx.RevokeMember(b.ctx, r.id, id); err != nil {
				return err
			}
			if _, err := b.event(game.EventMemberRevoke, actorDM, map[string]any{"memberId": id, "codeRotated": !keepCode}); err != nil {
				return err
			}
		}
		if !keepCode {
			if _, err := tx.DeleteCampaignInvites(b.ctx, r.id); err != nil {
				return err
			}
			code, err := game.NewInviteCode()
			if err != nil {
				return err
			}
			inv, err := tx.CreateInvite(b.ctx, r.id, code, time.Now().Add(game.InviteDefaultExpiry))
			if err != nil {
				return err
			}
			fresh = &inv
		}
		// Forget the cached cookies now and again after the commit: a connect racing with this
		// request may have cached one from the not yet committed database.
		h.forgetPlayers(ids...)
		b.after = append(b.after, func() { h.forgetPlayers(ids...) })
		for _, id := range ids {
			m := r.st.members[id]
			r.memberLeft(b, id)
			for c := range m.clients {
				delete(r.clients, c)
				b.closeAfter(c, CloseRevoked, "removed by the DM")
			}
			// Say so at once (even if their arrival was never announced): they left the table.
			delete(r.dirty, id)
			delete(r.announced, id)
		}
		b.toAll(playerLeftMsg{PlayerIDs: ids}.frame())
		return nil
	})
	return fresh, err
}

// members lists every member, revoked ones included, with who is online now.
func (r *Room) members(ctx context.Context) ([]memberView, error) {
	var out []memberView
	err := r.do(ctx, func(b *batch) error {
		all, err := r.hub.store.ListMembers(b.ctx, r.id)
		if err != nil {
			return err
		}
		out = make([]memberView, len(all))
		for i, m := range all {
			live := r.st.members[m.ID]
			out[i] = memberView{Member: m, Online: live != nil && live.online()}
		}
		return nil
	})
	return out, err
}

// Changes outside any room: campaigns appearing and disappearing.

// addCampaign makes an empty campaign, its log opening with campaign:create.
func (h *Hub) addCampaign(ctx context.Context, name string) (game.Campaign, error) {
	var c game.Campaign
	err := h.store.Update(ctx, func(tx *storage.Tx) error {
		var err error
		if c, err = tx.CreateCampaign(ctx, name); err != nil {
			return err
		}
		return tx.LogCampaignCreate(ctx, c, actorDM)
	})
	if err == nil {
		h.notify(CampaignCreated, c.ID)
	}
	return c, err
}

// restoreCampaign writes a campaign file into the database, all or nothing.
func (h *Hub) restoreCampaign(ctx context.Context, f *storage.CampaignFile) (game.Campaign, error) {
	var c game.Campaign
	err := h.store.Update(ctx, func(tx *storage.Tx) error {
		var err error
		c, err = tx.ImportCampaign(ctx, f)
		return err
	})
	if err == nil {
		h.notify(CampaignCreated, c.ID)
	}
	return c, err
}

// removeCampaign deletes a campaign through its room, then forgets the room and every cached
// player cookie.
func (h *Hub) removeCampaign(ctx context.Context, id string) error {
	room, err := h.room(ctx, id)
	if err != nil {
		return err
	}
	if err := room.deleteCampaign(ctx); err != nil {
		return err
	}
	h.forgetPlayers()
	h.dropRoom(id)
	h.notify(CampaignDeleted, id)
	return nil
}
