package game

import (
	"fmt"
	"regexp"
	"unicode/utf8"
)

// Parties, what each player knows of a hex, and markers (docs/exploration.md).

// HexState is what a player knows of a hex beyond fog: glimpsed (seen from afar: terrain only)
// or explored (stood there, or revealed in full: terrain and label). Stored as a level (1, 2).
type HexState string

const (
	Glimpsed HexState = "glimpsed"
	Explored HexState = "explored"
)

// Valid reports whether s is a known state.
func (s HexState) Valid() bool { return s == Glimpsed || s == Explored }

// Level is the state as a number: 0 unknown, 1 glimpsed, 2 explored. An empty state (a reveal
// that did not say) means explored.
func (s HexState) Level() uint8 {
	if s == Glimpsed {
		return LevelGlimpsed
	}
	return LevelExplored
}

// Knowledge levels: a higher level includes the lower.
const (
	LevelUnknown  uint8 = 0
	LevelGlimpsed uint8 = 1
	LevelExplored uint8 = 2
)

// StateOfLevel is the wire name of a level above unknown.
func StateOfLevel(l uint8) HexState {
	if l == LevelGlimpsed {
		return Glimpsed
	}
	return Explored
}

// GlimpsedUnpaintedCode is the compact grid's code for a glimpsed hex with no terrain; any other
// glimpsed hex is its terrain code in upper case.
const GlimpsedUnpaintedCode byte = ','

// GridCode is the compact grid's code for a hex of terrain code c at level l.
func GridCode(c byte, l uint8) byte {
	switch l {
	case LevelExplored:
		return c
	case LevelGlimpsed:
		if c == '.' {
			return GlimpsedUnpaintedCode
		}
		return c - 'a' + 'A'
	}
	return FogCode
}

// PartyReveal is what a party's move reveals to its members.
type PartyReveal string

const (
	RevealSight PartyReveal = "sight" // the hex stood on explored, what is seen from it glimpsed
	RevealHex   PartyReveal = "hex"   // the hex stood on explored, nothing else
	RevealNone  PartyReveal = "none"  // nothing: the token moves, the DM narrates
)

// PartyReveals lists the modes in the order the docs give them.
var PartyReveals = []PartyReveal{RevealSight, RevealHex, RevealNone}

// Valid reports whether r is a known mode.
func (r PartyReveal) Valid() bool { return r == RevealSight || r == RevealHex || r == RevealNone }

// Party is a group of players travelling together: one token per map, one shared map of what
// they have seen. Exactly one party of a campaign is its default: new players join it.
type Party struct {
	ID      string      `json:"id"`
	Name    string      `json:"name"`
	Color   string      `json:"color"`
	Reveal  PartyReveal `json:"reveal"`
	Default bool        `json:"default"`
}

// DefaultPartyName and DefaultPartyColor are a new campaign's party (and what migrating an
// older campaign makes of its one party token).
const (
	DefaultPartyName  = "The party"
	DefaultPartyColor = "#e0a030"
)

var colorPattern = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// ValidColor checks a party colour: "#rrggbb", lower case (one spelling per colour).
func ValidColor(c string) error {
	if !colorPattern.MatchString(c) {
		return fmt.Errorf("color must be \"#rrggbb\" in lower-case hex, not %q", Truncate(c, 20))
	}
	return nil
}

// ValidPartyName checks a party's name.
func ValidPartyName(name string) error {
	if n := utf8.RuneCountInString(name); !utf8.ValidString(name) || n < 1 || n > MaxPartyNameChars {
		return fmt.Errorf("name must be 1 to %d characters", MaxPartyNameChars)
	}
	return nil
}

// MarkerKind is what a marker shows.
type MarkerKind string

const (
	MarkerMonster  MarkerKind = "monster"
	MarkerCamp     MarkerKind = "camp"
	MarkerNPC      MarkerKind = "npc"
	MarkerTreasure MarkerKind = "treasure"
	MarkerDanger   MarkerKind = "danger"
	MarkerPOI      MarkerKind = "poi"
)

// MarkerKinds lists every kind in the order the docs give them.
var MarkerKinds = []MarkerKind{MarkerMonster, MarkerCamp, MarkerNPC, MarkerTreasure, MarkerDanger, MarkerPOI}

// Valid reports whether k is a known kind.
func (k MarkerKind) Valid() bool {
	for _, m := range MarkerKinds {
		if k == m {
			return true
		}
	}
	return false
}

// MarkerVisibility says who sees a marker: the DM alone, or every player who explored its hex.
type MarkerVisibility string

const (
	VisibleDM      MarkerVisibility = "dm"
	VisiblePlayers MarkerVisibility = "players"
)

// Valid reports whether v is a known visibility.
func (v MarkerVisibility) Valid() bool { return v == VisibleDM || v == VisiblePlayers }

// Marker is a token that reveals nothing: a monster, a camp, an NPC on one hex of one map.
type Marker struct {
	ID         string           `json:"id"`
	MapID      string           `json:"mapId"`
	Key        Key              `json:"-"`
	Kind       MarkerKind       `json:"kind"`
	Label      string           `json:"label"`
	Visibility MarkerVisibility `json:"visibility"`
}

// ValidMarkerLabel checks a marker's label (it may be empty: the kind's glyph says enough).
func ValidMarkerLabel(s string) error {
	if !validText(s, MaxLabelChars) {
		return fmt.Errorf("label is longer than %d characters", MaxLabelChars)
	}
	return nil
}
