package game

import (
	"strings"
	"time"
	"unicode/utf8"
)

// At the table (docs/table.md): pings, players' notes on hexes, and the table screen.

// RoleDisplay is a table screen: a read-only credential that watches a party's map (or what
// everyone knows) and can send nothing but the heartbeat.
const RoleDisplay Role = "display"

// Limits of what players write and how often they ping.
const (
	MaxPlayerNoteChars     = 1000 // one player's note on one hex
	MaxPlayerNotesPerMap   = 500  // notes of one player on one map
	PingBurst              = 4    // pings a player may send at once …
	PingsPerSecond         = 2    // … refilled at this rate (a token bucket per player)
	DMPingBurst            = 10   // the DM's bucket: looser, the DM is trusted, but not a fire hose
	DMPingsPerSecond       = 5
	MaxDisplayNameChars    = 40 // a table screen's name, shown in the DM's list
	MaxDisplaysPerCampaign = 20 // live (not revoked) table screens of one campaign
)

// The log's events of this page. A ping changes nothing and is not logged.
const (
	EventNoteSet       EventType = "note:set"
	EventNoteRemove    EventType = "note:remove"
	EventDisplayCreate EventType = "display:create"
	EventDisplayRevoke EventType = "display:revoke"
)

// PlayerNote is one player's note on one hex of one map. Shared notes are shared with one
// party: the author's when they last saved it shared (docs/table.md says what happens when
// players change parties).
type PlayerNote struct {
	ID       string    `json:"id"`
	MapID    string    `json:"mapId"`
	Key      Key       `json:"key"`
	AuthorID string    `json:"authorId"`
	Text     string    `json:"text"`
	PartyID  string    `json:"partyId,omitempty"` // "": private to its author (and the DM)
	Updated  time.Time `json:"updatedAt"`
}

// Shared reports whether the note is shared with a party.
func (n PlayerNote) Shared() bool { return n.PartyID != "" }

// CleanNote trims a note's text and checks its length.
func CleanNote(text string) (string, error) {
	text = strings.TrimSpace(text)
	if n := utf8.RuneCountInString(text); n < 1 || n > MaxPlayerNoteChars {
		if n > MaxPlayerNoteChars {
			return "", Errorf(EInvalid, "text: a note is at most %d characters (this one has %d)", MaxPlayerNoteChars, n)
		}
		return "", Errorf(EInvalid, "text: a note needs some text (note:remove deletes one)")
	}
	return text, nil
}

// Display is a table screen's credential: it watches one party's map, or what everyone knows
// (PartyID ""). Only the SHA-256 of its token is stored.
type Display struct {
	ID         string     `json:"id"`
	CampaignID string     `json:"campaignId"`
	Name       string     `json:"name"`
	PartyID    string     `json:"partyId,omitempty"`
	CreatedAt  time.Time  `json:"createdAt"`
	RevokedAt  *time.Time `json:"revokedAt,omitempty"`
}

// ValidDisplayName checks a table screen's name.
func ValidDisplayName(name string) error { return validName(name, MaxDisplayNameChars) }
