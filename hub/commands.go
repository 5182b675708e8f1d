package hub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/hexcrawl/hexcrawl/game"
)

// command is one validated client message. Fields are set according to Type. A field that may
// be null or of two types on the wire (key, partyId, reveal) stays raw until validated.
type command struct {
	Type       string                 `json:"type"`
	Ref        string                 `json:"ref,omitempty"`
	Mode       game.BroadcastMode     `json:"mode,omitempty"`
	Index      *int                   `json:"index,omitempty"`
	HexKeys    []string               `json:"hexKeys,omitempty"`
	Targets    *game.Targets          `json:"targets,omitempty"`
	State      *game.HexState         `json:"state,omitempty"`
	Changes    []game.HexChange       `json:"changes,omitempty"`
	Key        json.RawMessage        `json:"key,omitempty"`
	Terrain    *game.Terrain          `json:"terrain,omitempty"`
	PartyID    json.RawMessage        `json:"partyId,omitempty"`
	IntoID     string                 `json:"intoId,omitempty"`
	PlayerIDs  *[]string              `json:"playerIds,omitempty"`
	Name       *string                `json:"name,omitempty"`
	Color      *string                `json:"color,omitempty"`
	Reveal     json.RawMessage        `json:"reveal,omitempty"`
	Path       []string               `json:"path,omitempty"`
	MarkerID   string                 `json:"markerId,omitempty"`
	Kind       *game.MarkerKind       `json:"kind,omitempty"`
	Label      *string                `json:"label,omitempty"`
	Visibility *game.MarkerVisibility `json:"visibility,omitempty"`
	Rules      json.RawMessage        `json:"rules,omitempty"`
	// The travel turn (commands_travel.go).
	Pace        *game.Pace `json:"pace,omitempty"`
	Watches     *int       `json:"watches,omitempty"`
	Entry       *int       `json:"entry,omitempty"`
	Shared      *bool      `json:"shared,omitempty"`
	EncounterID string     `json:"encounterId,omitempty"`
	// At the table (commands_table.go).
	Text *string `json:"text,omitempty"`

	// Set by the socket: who sent it (pings and notes are the sender's own).
	from *client

	// Set by validation from the raw fields above.
	partyID     string // "" for null (party:assign: into no party)
	key         game.Key
	revealMode  game.PartyReveal
	revealHexes bool
	rules       game.SightRules
	travelRules game.TravelRules
}

// commandSpec is everything the hub knows about one client message. Adding a message is one
// entry here, its type name in protocol.go, an example in testdata/protocol/client and its zod
// schema.
type commandSpec struct {
	fields   []string // besides type and ref; every one is required
	optional []string
	dmOnly   bool
	// playersOnly: a player's own (their notes); the DM reads them but writes none.
	playersOnly bool
	needsMap    bool                   // refused with conflict while the campaign has no map
	validate    func(c *command) error // structure only; what needs the room's state is run's job
	run         func(r *Room, b *batch, c command) error
}

// commands lists every client message. A nil run means the socket answers it itself (ping).
var commands = map[string]commandSpec{
	cmdSessionStart: {dmOnly: true, run: func(r *Room, b *batch, _ command) error { return r.startSession(b) }},
	cmdSessionPause: {dmOnly: true, run: func(r *Room, b *batch, _ command) error {
		return r.moveSession(b, game.Active, game.Paused, game.EventSessionPause)
	}},
	cmdResume: {dmOnly: true, run: func(r *Room, b *batch, _ command) error {
		return r.moveSession(b, game.Paused, game.Active, game.EventSessionResume)
	}},
	cmdSessionEnd: {dmOnly: true, run: func(r *Room, b *batch, _ command) error { return r.endSession(b) }},
	cmdMode: {fields: []string{"mode"}, dmOnly: true, validate: validateMode,
		run: func(r *Room, b *batch, c command) error { return r.setMode(b, c.Mode) }},
	cmdPublish: {dmOnly: true, run: func(r *Room, b *batch, _ command) error { return r.publish(b) }},
	cmdUndo: {fields: []string{"index"}, dmOnly: true, validate: validateIndex,
		run: func(r *Room, b *batch, c command) error { return r.undo(b, *c.Index) }},
	cmdReveal: {fields: []string{"hexKeys", "targets"}, optional: []string{"state"}, dmOnly: true, needsMap: true, validate: validateReveal,
		run: func(r *Room, b *batch, c command) error { return r.revealOrHide(b, game.StageReveal, c) }},
	cmdHide: {fields: []string{"hexKeys", "targets"}, dmOnly: true, needsMap: true, validate: validateKeysAndTargets,
		run: func(r *Room, b *batch, c command) error { return r.revealOrHide(b, game.StageHide, c) }},
	cmdUpdate: {fields: []string{"changes"}, dmOnly: true, needsMap: true, validate: validateChanges,
		run: func(r *Room, b *batch, c command) error { return r.update(b, c.Changes, r.staging()) }},
	cmdFill: {fields: []string{"key", "terrain"}, dmOnly: true, needsMap: true, validate: validateFill,
		run: (*Room).fill},
	cmdPartyCreate: {fields: []string{"name", "color", "playerIds"}, optional: []string{"key"}, dmOnly: true, validate: validatePartyCreate,
		run: (*Room).createParty},
	cmdPartyUpdate: {fields: []string{"partyId"}, optional: []string{"name", "color", "reveal"}, dmOnly: true, validate: validatePartyUpdate,
		run: (*Room).updateParty},
	cmdPartyAssign: {fields: []string{"partyId", "playerIds"}, dmOnly: true, validate: validatePartyAssign,
		run: (*Room).assignParty},
	cmdPartyMerge: {fields: []string{"partyId", "intoId"}, dmOnly: true, validate: validatePartyMerge,
		run: (*Room).mergeParty},
	cmdPartyMove: {fields: []string{"partyId", "path"}, dmOnly: true, needsMap: true, validate: validatePartyMove,
		run: (*Room).moveParty},
	cmdPartyPlace: {fields: []string{"partyId", "key", "reveal"}, dmOnly: true, needsMap: true, validate: validatePartyPlace,
		run: (*Room).placeParty},
	cmdPartyUndo: {fields: []string{"partyId"}, dmOnly: true, needsMap: true, validate: validatePartyID,
		run: (*Room).undoPartyMove},
	cmdMarkerPlace: {fields: []string{"key", "kind", "label", "visibility"}, dmOnly: true, needsMap: true, validate: validateMarkerPlace,
		run: (*Room).placeMarker},
	cmdMarkerUpdate: {fields: []string{"markerId"}, optional: []string{"key", "kind", "label", "visibility"}, dmOnly: true, needsMap: true,
		validate: validateMarkerUpdate, run: (*Room).updateMarker},
	cmdMarkerRemove: {fields: []string{"markerId"}, dmOnly: true, needsMap: true, validate: validateMarkerID,
		run: (*Room).removeMarker},
	cmdSightRules: {fields: []string{"rules"}, dmOnly: true, validate: validateSightRules,
		run: (*Room).setSightRules},
	// Anyone's: a player pings their party, the DM whom targets name (docs/table.md).
	cmdHexPing: {fields: []string{"key"}, optional: []string{"targets"}, needsMap: true, validate: validateNoteKey,
		run: (*Room).ping},
	cmdNoteSet: {fields: []string{"key", "text", "shared"}, needsMap: true, playersOnly: true, validate: validateNoteSet,
		run: (*Room).setNote},
	cmdNoteRemove: {fields: []string{"key"}, needsMap: true, playersOnly: true, validate: validateNoteKey,
		run: (*Room).removeNote},
	// The client's heartbeat; answered on the socket's own goroutine (Hub.onMessage).
	cmdPing: {},
}

// command runs one decoded client command in the room.
func (r *Room) command(b *batch, c command) error {
	spec, ok := commands[c.Type]
	if !ok || spec.run == nil {
		return game.Errorf(game.EUnknownType, "unknown message type %q", c.Type)
	}
	if spec.needsMap && r.st.mp == nil {
		return game.Errorf(game.EConflict, "the campaign has no map yet")
	}
	return spec.run(r, b, c)
}

var errNotAnObject = game.Errorf(game.EMalformed, "a message must be a JSON object with a string \"type\"")

// decodeCommand parses and structurally validates one client frame. Checks that need the
// room's state (keys on the map, players that exist, session status) happen in the room.
func decodeCommand(raw []byte) (command, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return command{}, errNotAnObject
	}
	// Read ref first, so that even a rejected message's error can be matched to it.
	var ref string
	if r, ok := fields["ref"]; ok {
		if json.Unmarshal(r, &ref) != nil || len(ref) > maxRefLen {
			return command{}, game.Errorf(game.EInvalid, "ref must be a string of at most %d characters", maxRefLen)
		}
	}
	fail := func(err error) (command, error) { return command{Ref: ref}, err }
	var typ string
	if rawType, ok := fields["type"]; !ok || json.Unmarshal(rawType, &typ) != nil {
		return fail(errNotAnObject)
	}
	spec, ok := commands[typ]
	if !ok {
		return fail(game.Errorf(game.EUnknownType, "unknown message type %q", game.Truncate(typ, 40)))
	}
	for name := range fields {
		if name != "type" && name != "ref" && !slices.Contains(spec.fields, name) && !slices.Contains(spec.optional, name) {
			return fail(game.Errorf(game.EInvalid, "%s: unexpected field %q", typ, game.Truncate(name, 40)))
		}
	}
	for _, name := range spec.fields {
		if _, ok := fields[name]; !ok {
			return fail(game.Errorf(game.EInvalid, "%s: missing field %q", typ, name))
		}
	}
	var c command
	if err := json.Unmarshal(raw, &c); err != nil {
		return fail(game.Errorf(game.EInvalid, "%s: %s", typ, jsonProblem(err)))
	}
	c.Ref = ref
	if spec.validate != nil {
		if err := spec.validate(&c); err != nil {
			return fail(err)
		}
	}
	return c, nil
}

func validateMode(c *command) error {
	if !c.Mode.Valid() {
		return game.Errorf(game.EInvalid, `mode must be "immediate" or "staged"`)
	}
	return nil
}

func validateIndex(c *command) error {
	if c.Index == nil || *c.Index < 0 {
		return game.Errorf(game.EInvalid, "index must be a non-negative integer")
	}
	return nil
}

func validateKeysAndTargets(c *command) error {
	if len(c.HexKeys) == 0 || len(c.HexKeys) > maxKeys {
		return game.Errorf(game.EInvalid, "hexKeys must list 1 to %d keys", maxKeys)
	}
	for i, k := range c.HexKeys {
		if _, err := game.ParseKey(k); err != nil {
			return game.Errorf(game.EInvalid, "hexKeys[%d]: %v", i, err)
		}
	}
	if c.Targets == nil {
		return game.Errorf(game.EInvalid, "targets is required")
	}
	return nil
}

func validateChanges(c *command) error { return validateHexChanges(c.Changes) }

// validateHexChanges checks a list of hex edits, from a socket's hex:update or PATCH
// /api/maps/{id}/hexes alike.
func validateHexChanges(changes []game.HexChange) error {
	if len(changes) == 0 || len(changes) > maxKeys {
		return game.Errorf(game.EInvalid, "changes must list 1 to %d hexes", maxKeys)
	}
	for i, ch := range changes {
		if err := ch.Validate(); err != nil {
			return game.Errorf(game.EInvalid, "changes[%d]: %v", i, err)
		}
	}
	return nil
}

func validateFill(c *command) error {
	if k, err := c.keyOrNull(); err != nil || k == nil {
		return game.Errorf(game.EInvalid, "key must be a hex key")
	}
	if c.Terrain == nil || !c.Terrain.Valid() {
		return game.Errorf(game.EInvalid, "terrain must be one of the known terrains")
	}
	return nil
}

// keyOrNull reads a "key" field that is a hex key or null.
func (c *command) keyOrNull() (*game.Key, error) {
	if len(c.Key) == 0 || bytes.Equal(c.Key, []byte("null")) {
		return nil, nil
	}
	var s string
	if err := json.Unmarshal(c.Key, &s); err != nil {
		return nil, err
	}
	k, err := game.ParseKey(s)
	if err != nil {
		return nil, err
	}
	return &k, nil
}

func jsonProblem(err error) string {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return fmt.Sprintf("field %q has the wrong type (got %s)", te.Field, te.Value)
	}
	return err.Error()
}
