package hub

import (
	"time"

	"github.com/hexcrawl/hexcrawl/game"
)

// The messages of docs/table.md: pings, players' notes, the table screen's state.

// pingFrom names who pinged; a ping of the DM has none (from: null).
type pingFrom struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// hexPingedMsg is a ping: the DM's, or a player's to their party. Not a state change: no seq,
// never logged, never replayed to a socket that connects later.
type hexPingedMsg struct {
	Type string    `json:"type"`
	ID   string    `json:"id"`
	Key  string    `json:"key"`
	From *pingFrom `json:"from"`
}

func (m hexPingedMsg) frame() []byte { m.Type = msgHexPinged; return mustJSON(m) }

// noteView is a player's note as a player sees it: their own, or one shared with their party.
// It says whether it is shared, not with which party.
type noteView struct {
	ID         string    `json:"id"`
	Key        string    `json:"key"`
	Text       string    `json:"text"`
	Shared     bool      `json:"shared"`
	AuthorID   string    `json:"authorId"`
	AuthorName string    `json:"authorName"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// dmNoteView is a player's note as the DM reads it: every note, with the party it is shared
// with (null: private).
type dmNoteView struct {
	noteView
	PartyID *string `json:"partyId"`
}

// notesChangedMsg is a player's whole list of the notes they may read on the active map.
type notesChangedMsg struct {
	Type  string     `json:"type"`
	Seq   int64      `json:"seq"`
	Notes []noteView `json:"playerNotes"`
}

func (m notesChangedMsg) frame() []byte { m.Type = msgNotesChanged; return mustJSON(m) }

// notesChangedDMMsg is every player's note on the active map, for the DM.
type notesChangedDMMsg struct {
	Type  string       `json:"type"`
	Seq   int64        `json:"seq"`
	Notes []dmNoteView `json:"playerNotes"`
}

func (m notesChangedDMMsg) frame() []byte { m.Type = msgNotesChanged; return mustJSON(m) }

// displayView is a table screen's own credential, in its session:state.
type displayView struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	PartyID *string `json:"partyId"` // null: what everyone knows
}

// displayStateMsg is session:state for a table screen: the projection of a party (all ∪ party
// scope) or of everyone (all scope), with no notes and no private knowledge of anyone.
type displayStateMsg struct {
	stateHead
	Display displayView        `json:"display"`
	Parties []playerPartyView  `json:"parties"`
	Markers []playerMarkerView `json:"markers"`
	Travel  *playerTravelView  `json:"travel"`
	Players []playerView       `json:"players"` // last: see withPlayers
}

func (m displayStateMsg) frame() []byte { return m.frameWith(mustJSON(m.Players)) }

func (m displayStateMsg) frameWith(players []byte) []byte {
	m.Type, m.Players = msgSessionState, nil
	return withPlayers(mustJSON(m), players)
}

// displayInfo is a table screen as the DM lists it; the token only once, when it is made.
type displayInfo struct {
	game.Display
	Online bool   `json:"online"`
	Token  string `json:"token,omitempty"`
	URL    string `json:"url,omitempty"`
}

// displayMe answers a table screen's GET /api/display: what it watches.
type displayMe struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	CampaignID   string  `json:"campaignId"`
	CampaignName string  `json:"campaignName"`
	PartyID      *string `json:"partyId"`
}

// displayJoin is the table's join code for the screen's QR code while nobody plays yet.
type displayJoin struct {
	Code    string `json:"code"`
	JoinURL string `json:"joinUrl"`
}
