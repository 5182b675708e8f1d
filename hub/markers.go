package hub

import (
	"github.com/google/uuid"
	"github.com/hexcrawl/hexcrawl/game"
)

// Markers (tokens that reveal nothing) and the campaign's sight rules. Both apply at once in
// either broadcast mode: a marker is placed DM-only or visible to whoever explored its hex, so
// placing it is not a reveal of anything new; making it visible is the reveal.

func (r *Room) markersChanged(b *batch) {
	b.toDMs(markersChangedDMMsg{Seq: b.reqSeq, Markers: r.st.dmMarkers()}.frame())
}

// placeMarker is marker:place.
func (r *Room) placeMarker(b *batch, c command) error {
	mp := r.st.mp
	k, _ := c.keyOrNull()
	if err := r.onMap(*k); err != nil {
		return err
	}
	if len(mp.markers) >= game.MaxMarkersPerMap {
		return game.Errorf(game.EConflict, "this map has %d markers, the most it may have: remove one first", game.MaxMarkersPerMap)
	}
	mk := game.Marker{ID: uuid.NewString(), MapID: mp.info.ID, Key: *k, Kind: *c.Kind, Label: *c.Label, Visibility: *c.Visibility}
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := tx.CreateMarker(b.ctx, mk); err != nil {
		return err
	}
	if _, err := b.event(game.EventMarkerPlace, actorDM, markerEvent(mk)); err != nil {
		return err
	}
	ch := r.newChange()
	ch.snapMarkers()
	mp.addMarker(mk)
	r.markersChanged(b)
	r.emitPlayerDiffs(b, ch)
	return nil
}

func markerEvent(mk game.Marker) map[string]any {
	return map[string]any{"markerId": mk.ID, "mapId": mk.MapID, "key": mk.Key.String(), "kind": mk.Kind,
		"label": mk.Label, "visibility": mk.Visibility}
}

func (r *Room) markerByID(id string) (*game.Marker, int, error) {
	mk, n := r.st.mp.marker(id)
	if mk == nil {
		return nil, -1, game.Errorf(game.ENotFound, "markerId: no marker %q on this map", game.Truncate(id, 40))
	}
	return mk, n, nil
}

// updateMarker is marker:update.
func (r *Room) updateMarker(b *batch, c command) error {
	mp := r.st.mp
	mk, _, err := r.markerByID(c.MarkerID)
	if err != nil {
		return err
	}
	next := *mk
	if len(c.Key) > 0 {
		k, _ := c.keyOrNull()
		if err := r.onMap(*k); err != nil {
			return err
		}
		next.Key = *k
	}
	if c.Kind != nil {
		next.Kind = *c.Kind
	}
	if c.Label != nil {
		next.Label = *c.Label
	}
	if c.Visibility != nil {
		next.Visibility = *c.Visibility
	}
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := tx.UpdateMarker(b.ctx, next); err != nil {
		return err
	}
	if _, err := b.event(game.EventMarkerUpdate, actorDM, markerEvent(next)); err != nil {
		return err
	}
	ch := r.newChange()
	ch.snapMarkers()
	mp.markerAt[mp.size.Index(mk.Key)]--
	mp.markerAt[mp.size.Index(next.Key)]++
	*mk = next
	r.markersChanged(b)
	r.emitPlayerDiffs(b, ch)
	return nil
}

// removeMarker is marker:remove.
func (r *Room) removeMarker(b *batch, c command) error {
	mp := r.st.mp
	mk, n, err := r.markerByID(c.MarkerID)
	if err != nil {
		return err
	}
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := tx.DeleteMarker(b.ctx, mk.ID); err != nil {
		return err
	}
	if _, err := b.event(game.EventMarkerRemove, actorDM, map[string]any{"markerId": mk.ID, "mapId": mk.MapID}); err != nil {
		return err
	}
	ch := r.newChange()
	ch.snapMarkers()
	mp.markerAt[mp.size.Index(mk.Key)]--
	mp.markers = append(mp.markers[:n:n], mp.markers[n+1:]...)
	r.markersChanged(b)
	r.emitPlayerDiffs(b, ch)
	return nil
}

// setSightRules is sight:rules: the campaign's rules, terrains left out taking the defaults.
// They shape moves from now on; what parties already know stays.
func (r *Room) setSightRules(b *batch, c command) error {
	sight, err := c.rules.Compile()
	if err != nil {
		return game.Errorf(game.EInvalid, "%v", err)
	}
	tx, err := b.write()
	if err != nil {
		return err
	}
	if err := tx.SetSightRules(b.ctx, r.id, c.rules); err != nil {
		return err
	}
	seq, err := b.event(game.EventSightRules, actorDM, map[string]any{"rules": c.rules})
	if err != nil {
		return err
	}
	r.st.campaign.SightRules, r.st.sight = c.rules, sight
	b.toDMs(rulesChangedMsg{Seq: seq, Rules: c.rules.With()}.frame())
	return nil
}
