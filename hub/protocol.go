package hub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// ProtocolVersion is the wire protocol's version (docs/protocol.md).
const ProtocolVersion = 1

// Limits on what a client may send. A whole 400×400 map fits in one reveal.
const (
	maxFrameBytes = 1 << 20
	maxKeys       = game.MaxMapSide * game.MaxMapSide
	maxLabelRunes = 80
	maxNotesRunes = 4000
	maxRefLen     = 64
)

// Server → client message types.
const (
	msgSessionState  = "session:state"
	msgStatusChanged = "session:statusChanged"
	msgModeChanged   = "broadcast:modeChanged"
	msgHexRevealed   = "hex:revealed"
	msgHexHidden     = "hex:hidden"
	msgHexUpdated    = "hex:updated"
	msgTokenMoved    = "token:moved"
	msgMapChanged    = "map:changed"
	msgStagedChanged = "staged:changed"
	msgPlayerJoined  = "player:joined"
	msgPlayerLeft    = "player:left"
	msgMemberAdded   = "member:added"
	msgDMPreparing   = "dm:preparing"
	msgPong          = "pong"
	msgError         = "error"
)

// Client → server message types.
const (
	cmdSessionStart = "session:start"
	cmdSessionPause = "session:pause"
	cmdResume       = "session:resume"
	cmdSessionEnd   = "session:end"
	cmdMode         = "broadcast:mode"
	cmdPublish      = "broadcast:publish"
	cmdUndo         = "staged:undo"
	cmdReveal       = "hex:reveal"
	cmdHide         = "hex:hide"
	cmdUpdate       = "hex:update"
	cmdFill         = "hex:fill"
	cmdToken        = "token:move"
	cmdPing         = "ping"
)

// Targets says who a reveal or hide is for: everyone, or the listed players.
type Targets struct {
	All       bool
	PlayerIDs []string
}

// MarshalJSON writes "all" or {"playerIds": [...]}.
func (t Targets) MarshalJSON() ([]byte, error) {
	if t.All {
		return []byte(`"all"`), nil
	}
	return json.Marshal(struct {
		PlayerIDs []string `json:"playerIds"`
	}{t.PlayerIDs})
}

// UnmarshalJSON accepts exactly "all" or {"playerIds": [one or more ids]}.
func (t *Targets) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte(`"all"`)) {
		*t = Targets{All: true}
		return nil
	}
	var v struct {
		PlayerIDs []string `json:"playerIds"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil || len(v.PlayerIDs) == 0 {
		return fmt.Errorf(`targets must be "all" or {"playerIds": [one or more ids]}`)
	}
	*t = Targets{PlayerIDs: v.PlayerIDs}
	return nil
}

// HexChange edits one hex; absent fields stay as they are.
type HexChange struct {
	Key     string        `json:"key"`
	Terrain *game.Terrain `json:"terrain,omitempty"`
	Label   *string       `json:"label,omitempty"`
	Notes   *string       `json:"notes,omitempty"`
}

// apply returns h with the change's fields set.
func (c HexChange) apply(h storage.Hex) storage.Hex {
	if c.Terrain != nil {
		h.Terrain = *c.Terrain
	}
	if c.Label != nil {
		h.Label = *c.Label
	}
	if c.Notes != nil {
		h.Notes = *c.Notes
	}
	return h
}

// visible reports whether the change touches what players can see.
func (c HexChange) visible() bool { return c.Terrain != nil || c.Label != nil }

// command is one validated client message. Fields are set according to Type.
type command struct {
	Type    string             `json:"type"`
	Ref     string             `json:"ref,omitempty"`
	Mode    game.BroadcastMode `json:"mode,omitempty"`
	Index   *int               `json:"index,omitempty"`
	HexKeys []string           `json:"hexKeys,omitempty"`
	Targets *Targets           `json:"targets,omitempty"`
	Changes []HexChange        `json:"changes,omitempty"`
	Key     json.RawMessage    `json:"key,omitempty"`
	Terrain *game.Terrain      `json:"terrain,omitempty"`
}

// knownCommands lists every client message, its fields, and whether only the DM may send it.
var knownCommands = map[string]struct {
	fields []string // allowed fields besides type and ref
	dmOnly bool
}{
	cmdSessionStart: {nil, true},
	cmdSessionPause: {nil, true},
	cmdResume:       {nil, true},
	cmdSessionEnd:   {nil, true},
	cmdMode:         {[]string{"mode"}, true},
	cmdPublish:      {nil, true},
	cmdUndo:         {[]string{"index"}, true},
	cmdReveal:       {[]string{"hexKeys", "targets"}, true},
	cmdHide:         {[]string{"hexKeys", "targets"}, true},
	cmdUpdate:       {[]string{"changes"}, true},
	cmdFill:         {[]string{"key", "terrain"}, true},
	cmdToken:        {[]string{"key"}, true},
	// The client's heartbeat; answered on the socket's own goroutine (Hub.onMessage).
	cmdPing: {nil, false},
}

// decodeCommand parses and structurally validates one client frame. Checks that need the
// room's state (keys on the map, players that exist, session status) happen in the room.
func decodeCommand(raw []byte) (command, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return command{}, game.Errorf(game.EMalformed, "a message must be a JSON object with a string \"type\"")
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
		return fail(game.Errorf(game.EMalformed, "a message must be a JSON object with a string \"type\""))
	}
	spec, ok := knownCommands[typ]
	if !ok {
		return fail(game.Errorf(game.EUnknownType, "unknown message type %q", truncate(typ, 40)))
	}
	for name := range fields {
		if name == "type" || name == "ref" || contains(spec.fields, name) {
			continue
		}
		return fail(game.Errorf(game.EInvalid, "%s: unexpected field %q", typ, truncate(name, 40)))
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
	if err := c.validate(); err != nil {
		return fail(err)
	}
	return c, nil
}

func (c *command) validate() error {
	switch c.Type {
	case cmdMode:
		if !c.Mode.Valid() {
			return game.Errorf(game.EInvalid, `mode must be "immediate" or "staged"`)
		}
	case cmdUndo:
		if c.Index == nil || *c.Index < 0 {
			return game.Errorf(game.EInvalid, "index must be a non-negative integer")
		}
	case cmdReveal, cmdHide:
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
	case cmdUpdate:
		if len(c.Changes) == 0 || len(c.Changes) > maxKeys {
			return game.Errorf(game.EInvalid, "changes must list 1 to %d hexes", maxKeys)
		}
		for i, ch := range c.Changes {
			if err := validateChange(ch); err != nil {
				return game.Errorf(game.EInvalid, "changes[%d]: %v", i, err)
			}
		}
	case cmdFill:
		k, err := c.keyOrNull()
		if err != nil || k == nil {
			return game.Errorf(game.EInvalid, "key must be a hex key")
		}
		if c.Terrain == nil || !c.Terrain.Valid() {
			return game.Errorf(game.EInvalid, "terrain must be one of the known terrains")
		}
	case cmdToken:
		if _, err := c.keyOrNull(); err != nil {
			return game.Errorf(game.EInvalid, "key must be a hex key or null")
		}
	}
	return nil
}

func validateChange(ch HexChange) error {
	if _, err := game.ParseKey(ch.Key); err != nil {
		return err
	}
	if ch.Terrain == nil && ch.Label == nil && ch.Notes == nil {
		return fmt.Errorf("a change needs terrain, label or notes")
	}
	if ch.Terrain != nil && !ch.Terrain.Valid() {
		return fmt.Errorf("unknown terrain %q", truncate(string(*ch.Terrain), 40))
	}
	if ch.Label != nil && (utf8.RuneCountInString(*ch.Label) > maxLabelRunes || !utf8.ValidString(*ch.Label)) {
		return fmt.Errorf("label is longer than %d characters", maxLabelRunes)
	}
	if ch.Notes != nil && (utf8.RuneCountInString(*ch.Notes) > maxNotesRunes || !utf8.ValidString(*ch.Notes)) {
		return fmt.Errorf("notes are longer than %d characters", maxNotesRunes)
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
	var te *json.UnmarshalTypeError
	if ok := asTypeError(err, &te); ok {
		return fmt.Sprintf("field %q has the wrong type (got %s)", te.Field, te.Value)
	}
	return err.Error()
}

func asTypeError(err error, target **json.UnmarshalTypeError) bool {
	te, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*target = te
	}
	return ok
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Server messages. Each is marshalled once per distinct audience and written as-is.

type hexView struct {
	Key     string       `json:"key"`
	Terrain game.Terrain `json:"terrain"`
	Label   string       `json:"label,omitempty"`
	Notes   string       `json:"notes,omitempty"`
}

type playerView struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Online bool   `json:"online"`
}

type memberRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type campaignView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type sessionView struct {
	ID     string             `json:"id"`
	Status game.SessionStatus `json:"status"`
}

type mapView struct {
	ID          string           `json:"id"`
	Name        string           `json:"name"`
	Width       int              `json:"width"`
	Height      int              `json:"height"`
	Orientation game.Orientation `json:"orientation"`
}

type stateCommon struct {
	Type          string             `json:"type"`
	Seq           int64              `json:"seq"`
	Role          game.Role          `json:"role"`
	You           *memberRef         `json:"you"`
	Campaign      campaignView       `json:"campaign"`
	Session       *sessionView       `json:"session"`
	BroadcastMode game.BroadcastMode `json:"broadcastMode"`
	Preparing     bool               `json:"preparing"`
	Map           *mapView           `json:"map"`
	Grid          string             `json:"grid"`
	Labels        map[string]string  `json:"labels"`
	Token         *string            `json:"token"`
	// Players ([]playerView) is spliced in by marshalState from cached fragments: as a
	// json.RawMessage, encoding/json would re-scan ~70 KB per connect with 1000 players.
	players []byte
}

type dmState struct {
	stateCommon
	Notes       map[string]string   `json:"notes"`
	RevealedAll string              `json:"revealedAll"`
	RevealedTo  map[string][]string `json:"revealedTo"`
	Staged      []stagedChange      `json:"staged"`
}

// stagedChange is one queued DM change. Kind is reveal, hide, update or token.
type stagedChange struct {
	ID      string          `json:"id"`
	Kind    string          `json:"kind"`
	HexKeys []string        `json:"hexKeys,omitempty"`
	Targets *Targets        `json:"targets,omitempty"`
	Changes []HexChange     `json:"changes,omitempty"`
	Key     json.RawMessage `json:"key,omitempty"`
}

// pongMsg answers a ping: proof of life for a client that cannot see WebSocket ping frames.
type pongMsg struct {
	Type string `json:"type"`
	Ref  string `json:"ref,omitempty"`
}

type errorMsg struct {
	Type    string         `json:"type"`
	Code    game.ErrorCode `json:"code"`
	Message string         `json:"message"`
	Ref     string         `json:"ref,omitempty"`
}

// marshalState encodes a session:state and appends its players list.
func marshalState(v any, players []byte) []byte {
	b := mustJSON(v)
	out := make([]byte, 0, len(b)+len(players)+12)
	out = append(out, b[:len(b)-1]...)
	out = append(out, `,"players":`...)
	out = append(out, players...)
	return append(out, '}')
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only our own server message structs are marshalled here; failing is a programming error.
		panic(fmt.Sprintf("marshal %T: %v", v, err))
	}
	return b
}
