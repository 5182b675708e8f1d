package game

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Targets says who a reveal or hide is for: everyone, the listed players, or the listed parties.
// Exactly one of All, PlayerIDs and PartyIDs is set.
type Targets struct {
	All       bool
	PlayerIDs []string
	PartyIDs  []string
}

// MarshalJSON writes "all", {"playerIds": [...]} or {"partyIds": [...]}.
func (t Targets) MarshalJSON() ([]byte, error) {
	switch {
	case t.All:
		return []byte(`"all"`), nil
	case t.PartyIDs != nil:
		return json.Marshal(struct {
			PartyIDs []string `json:"partyIds"`
		}{t.PartyIDs})
	}
	return json.Marshal(struct {
		PlayerIDs []string `json:"playerIds"`
	}{t.PlayerIDs})
}

var errTargets = fmt.Errorf(`targets must be "all", {"playerIds": [one or more ids]} or {"partyIds": [one or more ids]}`)

// UnmarshalJSON accepts exactly "all", {"playerIds": [one or more ids]} or {"partyIds": [one or
// more ids]}.
func (t *Targets) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte(`"all"`)) {
		*t = Targets{All: true}
		return nil
	}
	var v struct {
		PlayerIDs []string `json:"playerIds"`
		PartyIDs  []string `json:"partyIds"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil || (len(v.PlayerIDs) == 0) == (len(v.PartyIDs) == 0) {
		return errTargets
	}
	*t = Targets{PlayerIDs: v.PlayerIDs, PartyIDs: v.PartyIDs}
	return nil
}

// HexChange edits one hex; absent fields stay as they are.
type HexChange struct {
	Key     string   `json:"key"`
	Terrain *Terrain `json:"terrain,omitempty"`
	Label   *string  `json:"label,omitempty"`
	Notes   *string  `json:"notes,omitempty"`
	Road    *bool    `json:"road,omitempty"` // a road runs through the hex (docs/travel.md)
}

// Apply returns h with the change's fields set.
func (c HexChange) Apply(h Hex) Hex {
	if c.Terrain != nil {
		h.Terrain = *c.Terrain
	}
	if c.Label != nil {
		h.Label = *c.Label
	}
	if c.Notes != nil {
		h.Notes = *c.Notes
	}
	if c.Road != nil {
		h.Road = *c.Road
	}
	return h
}

// Visible reports whether the change touches what players can see (notes are the DM's alone).
func (c HexChange) Visible() bool { return c.Terrain != nil || c.Label != nil || c.Road != nil }

// Validate checks the change on its own: a canonical key, something to change, a known terrain
// and texts within their limits. Whether the key lies on a map is the map's question.
func (c HexChange) Validate() error {
	if _, err := ParseKey(c.Key); err != nil {
		return err
	}
	if c.Terrain == nil && c.Label == nil && c.Notes == nil && c.Road == nil {
		return fmt.Errorf("a change needs terrain, label, notes or road")
	}
	if c.Terrain != nil && !c.Terrain.Valid() {
		return fmt.Errorf("unknown terrain %q", Truncate(string(*c.Terrain), 40))
	}
	if c.Label != nil && !validText(*c.Label, MaxLabelChars) {
		return fmt.Errorf("label is longer than %d characters", MaxLabelChars)
	}
	if c.Notes != nil && !validText(*c.Notes, MaxNotesChars) {
		return fmt.Errorf("notes are longer than %d characters", MaxNotesChars)
	}
	return nil
}

func validText(s string, maxChars int) bool {
	return utf8.ValidString(s) && utf8.RuneCountInString(s) <= maxChars
}

// StagedKind is what a staged change does when it is published.
type StagedKind string

const (
	StageReveal StagedKind = "reveal"
	StageHide   StagedKind = "hide"
	StageUpdate StagedKind = "update"
	StageMove   StagedKind = "move"
	StagePlace  StagedKind = "place"
	// StageToken moved the one party token of protocol version 1. Storage turns such entries
	// into a place of the default party (migration 00002, importing an older campaign file).
	StageToken StagedKind = "token"
)

// StagedChange is one DM change waiting in the staged list for publishing. Its JSON is at once
// the staged list's entry on the DM's socket, the row the database keeps and the campaign file's
// entry: all three are the DM's, so one shape serves, and it must stay readable in old files.
// The fields set depend on Kind: hexKeys, targets and state (reveal; a reveal without a state
// is explored), hexKeys and targets (hide), changes (update, visible fields only), partyId and
// path (move), partyId, key (a key or null) and reveal (place).
type StagedChange struct {
	ID      string          `json:"id"`
	Kind    StagedKind      `json:"kind"`
	HexKeys []string        `json:"hexKeys,omitempty"`
	Targets *Targets        `json:"targets,omitempty"`
	State   HexState        `json:"state,omitempty"`
	Changes []HexChange     `json:"changes,omitempty"`
	PartyID string          `json:"partyId,omitempty"`
	Path    []string        `json:"path,omitempty"`
	Key     json.RawMessage `json:"key,omitempty"`
	Reveal  *bool           `json:"reveal,omitempty"`
}

// Truncate shortens s to n bytes for an error message, marking the cut.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
