package hub

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// Everything the hub sends, by name: the WebSocket's server → client messages first, then the
// HTTP API's bodies where they are not game's entities as they are. docs/protocol.md describes
// them; testdata/protocol/server has an example of each WebSocket message, and
// TestProtocolExamples decodes every example strictly into its type here and checks that the
// type writes it back field for field, so neither can change without the other.
//
// Each WebSocket message's frame method sets its type name and marshals it; a frame is
// marshalled once per distinct audience and written as it is.

// hexView is a hex as the DM sees it, notes included.
type hexView struct {
	Key     string       `json:"key"`
	Terrain game.Terrain `json:"terrain"`
	Label   string       `json:"label,omitempty"`
	Notes   string       `json:"notes,omitempty"`
	Road    bool         `json:"road,omitempty"`
}

// playerHexView is a hex as a player sees it. It has no field for notes: a player's message
// cannot carry them. A glimpsed hex never has a label (mapState.playerHex).
type playerHexView struct {
	Key     string        `json:"key"`
	Terrain game.Terrain  `json:"terrain"`
	Label   string        `json:"label,omitempty"`
	Road    bool          `json:"road,omitempty"` // explored hexes only, like the label
	State   game.HexState `json:"state"`
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

// youView is a player's own seat in their session:state.
type youView struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	PartyID *string `json:"partyId"` // null: in no party
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

// stateHead is what every session:state carries, for either role.
type stateHead struct {
	Type          string             `json:"type"`
	Seq           int64              `json:"seq"`
	Role          game.Role          `json:"role"`
	You           *youView           `json:"you"`
	Campaign      campaignView       `json:"campaign"`
	Session       *sessionView       `json:"session"`
	BroadcastMode game.BroadcastMode `json:"broadcastMode"`
	Preparing     bool               `json:"preparing"`
	Map           *mapView           `json:"map"`
	Grid          string             `json:"grid"`
	Labels        map[string]string  `json:"labels"`
	Roads         []string           `json:"roads"` // the roads on hexes shown with labels (explored, for a player)
}

// playerStateMsg is session:state for a player: fog on every hex they do not know, glimpsed
// hexes in upper case without labels, and only the parties and markers they may see.
type playerStateMsg struct {
	stateHead
	Parties []playerPartyView  `json:"parties"`
	Markers []playerMarkerView `json:"markers"`
	Travel  *playerTravelView  `json:"travel"` // their party's clock; null before it travels
	// The notes they may read: their own and their party's shared ones, on hexes they know.
	PlayerNotes []noteView   `json:"playerNotes"`
	Players     []playerView `json:"players"` // last: see withPlayers
}

// dmStateMsg is session:state for the DM: everything, and what each scope knows of each hex
// (levels 0 unknown, 1 glimpsed, 2 explored).
type dmStateMsg struct {
	stateHead
	Notes       map[string]string    `json:"notes"`
	RevealedAll string               `json:"revealedAll"` // a level per hex, row-major
	RevealedTo  map[string]keyLevels `json:"revealedTo"`  // player → key → level
	PartyKnown  map[string]string    `json:"partyKnown"`  // party → a level per hex
	Parties     []dmPartyView        `json:"parties"`
	Markers     []markerView         `json:"markers"`
	SightRules  game.SightRules      `json:"sightRules"`
	Staged      []game.StagedChange  `json:"staged"`
	TravelRules game.TravelRules     `json:"travelRules"`
	Travel      []travelView         `json:"travel"`
	Encounters  []encounterPrompt    `json:"encounters"`
	PlayerNotes []dmNoteView         `json:"playerNotes"` // every player's, on the active map
	Players     []playerView         `json:"players"`     // last: see withPlayers
}

func (m playerStateMsg) frame() []byte { return m.frameWith(mustJSON(m.Players)) }
func (m dmStateMsg) frame() []byte     { return m.frameWith(mustJSON(m.Players)) }

// frameWith marshals the state with players, the player list already encoded.
func (m playerStateMsg) frameWith(players []byte) []byte {
	m.Type, m.Players = msgSessionState, nil
	return withPlayers(mustJSON(m), players)
}

func (m dmStateMsg) frameWith(players []byte) []byte {
	m.Type, m.Players = msgSessionState, nil
	return withPlayers(mustJSON(m), players)
}

// withPlayers puts an encoded player list in place of the null that ends a session:state
// marshalled without one. Every connect sends the whole list: encoding 1000 entries again, or
// having encoding/json re-scan them as a json.RawMessage, on every connect is what the room's
// cached fragments (roomState.playersJSON) save.
func withPlayers(state, players []byte) []byte {
	const tail = `null}`
	if !bytes.HasSuffix(state, []byte(`"players":`+tail)) {
		panic("a session:state must end with its players")
	}
	out := make([]byte, 0, len(state)-len(tail)+len(players)+1)
	out = append(out, state[:len(state)-len(tail)]...)
	out = append(out, players...)
	return append(out, '}')
}

type statusChangedMsg struct {
	Type      string             `json:"type"`
	Seq       int64              `json:"seq"`
	SessionID string             `json:"sessionId"`
	Status    game.SessionStatus `json:"status"`
}

func (m statusChangedMsg) frame() []byte { m.Type = msgStatusChanged; return mustJSON(m) }

type modeChangedMsg struct {
	Type string             `json:"type"`
	Seq  int64              `json:"seq"`
	Mode game.BroadcastMode `json:"mode"`
}

func (m modeChangedMsg) frame() []byte { m.Type = msgModeChanged; return mustJSON(m) }

// hexRevealedMsg tells a player which hexes they now see.
type hexRevealedMsg struct {
	Type  string          `json:"type"`
	Seq   int64           `json:"seq"`
	Hexes []playerHexView `json:"hexes"`
}

func (m hexRevealedMsg) frame() []byte { m.Type = msgHexRevealed; return mustJSON(m) }

// hexRevealedDMMsg tells the DM what was revealed, to whom, and as what.
type hexRevealedDMMsg struct {
	Type    string        `json:"type"`
	Seq     int64         `json:"seq"`
	Hexes   []hexView     `json:"hexes"`
	Targets game.Targets  `json:"targets"`
	State   game.HexState `json:"state"`
}

func (m hexRevealedDMMsg) frame() []byte { m.Type = msgHexRevealed; return mustJSON(m) }

// hexHiddenMsg tells a player which hexes they no longer see.
type hexHiddenMsg struct {
	Type string   `json:"type"`
	Seq  int64    `json:"seq"`
	Keys []string `json:"keys"`
}

func (m hexHiddenMsg) frame() []byte { m.Type = msgHexHidden; return mustJSON(m) }

// hexHiddenDMMsg tells the DM what was hidden, and from whom.
type hexHiddenDMMsg struct {
	Type    string       `json:"type"`
	Seq     int64        `json:"seq"`
	Keys    []string     `json:"keys"`
	Targets game.Targets `json:"targets"`
}

func (m hexHiddenDMMsg) frame() []byte { m.Type = msgHexHidden; return mustJSON(m) }

// hexUpdatedMsg carries the new look of hexes a player sees.
type hexUpdatedMsg struct {
	Type  string          `json:"type"`
	Seq   int64           `json:"seq"`
	Hexes []playerHexView `json:"hexes"`
}

func (m hexUpdatedMsg) frame() []byte { m.Type = msgHexUpdated; return mustJSON(m) }

// hexUpdatedDMMsg carries edited hexes to the DM, notes included.
type hexUpdatedDMMsg struct {
	Type  string    `json:"type"`
	Seq   int64     `json:"seq"`
	Hexes []hexView `json:"hexes"`
}

func (m hexUpdatedDMMsg) frame() []byte { m.Type = msgHexUpdated; return mustJSON(m) }

// mapChangedMsg announces a fresh session:state: deltas cannot describe the change.
type mapChangedMsg struct {
	Type string `json:"type"`
	Seq  int64  `json:"seq"`
}

func (m mapChangedMsg) frame() []byte { m.Type = msgMapChanged; return mustJSON(m) }

type stagedChangedMsg struct {
	Type   string              `json:"type"`
	Seq    int64               `json:"seq"`
	Staged []game.StagedChange `json:"staged"`
}

func (m stagedChangedMsg) frame() []byte { m.Type = msgStagedChanged; return mustJSON(m) }

type playerJoinedMsg struct {
	Type    string      `json:"type"`
	Players []memberRef `json:"players"`
}

func (m playerJoinedMsg) frame() []byte { m.Type = msgPlayerJoined; return mustJSON(m) }

type playerLeftMsg struct {
	Type      string   `json:"type"`
	PlayerIDs []string `json:"playerIds"`
}

func (m playerLeftMsg) frame() []byte { m.Type = msgPlayerLeft; return mustJSON(m) }

type memberAddedMsg struct {
	Type   string    `json:"type"`
	Member memberRef `json:"member"`
}

func (m memberAddedMsg) frame() []byte { m.Type = msgMemberAdded; return mustJSON(m) }

// dmPreparingMsg tells players whether the DM's staged list holds anything.
type dmPreparingMsg struct {
	Type      string `json:"type"`
	Preparing bool   `json:"preparing"`
}

func (m dmPreparingMsg) frame() []byte { m.Type = msgDMPreparing; return mustJSON(m) }

// storageStatusMsg tells the DM how saving goes: a commit that takes long (saving), or a data
// file that refuses changes (problem, in words for the DM; null when all is well).
type storageStatusMsg struct {
	Type    string  `json:"type"`
	Saving  bool    `json:"saving"`
	Problem *string `json:"problem"`
}

func (m storageStatusMsg) frame() []byte { m.Type = msgStorageStatus; return mustJSON(m) }

// backupsView is where the backups are and which there are (GET /api/backups).
type backupsView struct {
	Dir     string               `json:"dir"`
	Keep    int                  `json:"keep"`
	Backups []storage.BackupInfo `json:"backups"`
}

// pongMsg answers a ping: proof of life for a client that cannot see WebSocket ping frames.
type pongMsg struct {
	Type string `json:"type"`
	Ref  string `json:"ref,omitempty"`
}

func (m pongMsg) frame() []byte { m.Type = msgPong; return mustJSON(m) }

type errorMsg struct {
	Type    string         `json:"type"`
	Code    game.ErrorCode `json:"code"`
	Message string         `json:"message"`
	Ref     string         `json:"ref,omitempty"`
}

func (m errorMsg) frame() []byte { m.Type = msgError; return mustJSON(m) }

// errorFrame is the error message for err, safe to show its sender.
func errorFrame(err error, ref string) []byte {
	return errorMsg{Code: game.CodeOf(err), Message: game.MessageOf(err), Ref: ref}.frame()
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only the hub's own message types are marshalled here; failing is a programming error.
		panic(fmt.Sprintf("marshal %T: %v", v, err))
	}
	return b
}

// HTTP bodies.

// hubInfo answers GET /api/hub.
type hubInfo struct {
	Campaigns int      `json:"campaigns"`
	Name      string   `json:"name"`
	Protocol  int      `json:"protocol"`
	URLs      []string `json:"urls"`
	Version   string   `json:"version"`
}

// apiError is every HTTP error's body.
type apiError struct {
	Error apiErrorDetail `json:"error"`
}

type apiErrorDetail struct {
	Code    game.ErrorCode `json:"code"`
	Message string         `json:"message"`
}

// seqResult answers a change made over HTTP with the seq it was logged at.
type seqResult struct {
	Seq int64 `json:"seq"`
}

// MapDetail is a map with its contents, for the DM's editor.
type MapDetail struct {
	game.MapInfo
	Grid   string            `json:"grid"`
	Labels map[string]string `json:"labels"`
	Notes  map[string]string `json:"notes"`
	Tokens map[string]string `json:"tokens"` // party id → where its token stands on this map
}

// inviteView is an invite with the link players open.
type inviteView struct {
	game.Invite
	JoinURL string `json:"joinUrl"`
}

// inviteLookup names the campaign of a join code, before anyone joins.
type inviteLookup struct {
	CampaignID   string `json:"campaignId"`
	CampaignName string `json:"campaignName"`
}

// meView is a player's own seat (POST /api/join, GET /api/me).
type meView struct {
	PlayerID     string `json:"playerId"`
	CampaignID   string `json:"campaignId"`
	CampaignName string `json:"campaignName"`
	Name         string `json:"name"`
}

// revokeResult answers a revoke: who was removed and, unless the DM kept the old codes, the
// table's new join code (every earlier one was withdrawn).
type revokeResult struct {
	Revoked []string    `json:"revoked"`
	Invite  *inviteView `json:"invite"`
}

// memberView is a member with their presence, for the DM.
type memberView struct {
	game.Member
	Online bool `json:"online"`
}
