package hub

import "github.com/hexcrawl/hexcrawl/game"

var errNotYet = game.Errorf(game.EConflict, "not implemented yet")

func (r *Room) createParty(b *batch, c command) error    { return errNotYet }
func (r *Room) updateParty(b *batch, c command) error    { return errNotYet }
func (r *Room) assignParty(b *batch, c command) error    { return errNotYet }
func (r *Room) mergeParty(b *batch, c command) error     { return errNotYet }
func (r *Room) moveParty(b *batch, c command) error      { return errNotYet }
func (r *Room) placeParty(b *batch, c command) error     { return errNotYet }
func (r *Room) undoPartyMove(b *batch, c command) error  { return errNotYet }
func (r *Room) placeMarker(b *batch, c command) error    { return errNotYet }
func (r *Room) updateMarker(b *batch, c command) error   { return errNotYet }
func (r *Room) removeMarker(b *batch, c command) error   { return errNotYet }
func (r *Room) setSightRules(b *batch, c command) error  { return errNotYet }
