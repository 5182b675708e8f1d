package hub

import (
	"net/url"
	"strings"

	"github.com/hexcrawl/hexcrawl/game"
)

// The wire's constants (docs/protocol.md). The numbers shared with the front end are also in
// testdata/protocol/constants.json, which TestSharedConstants checks them against.

// ProtocolVersion is the wire protocol's version.
const ProtocolVersion = 2

const (
	subprotocol      = "hexcrawl.v1"
	dmTokenProtocol  = "hexcrawl.dm."      // + the DM token: the browser's only way to send it
	displayProtocol  = "hexcrawl.display." // + a table screen's token (docs/table.md)
	playerCookieName = "hexcrawl_player"
)

// Close codes the hub sends. Clients act on them: append only.
const (
	CloseUnauthorized    = 4001
	CloseMissingCampaign = 4002
	CloseForbidden       = 4003
	CloseRevoked         = 4004
	CloseSlowConsumer    = 4008
	CloseFlooding        = 4009 // too many bad messages (or, from a player, too many messages)
)

// What a socket may send before it is throttled, and when it is closed with CloseFlooding.
// Errors (malformed, unknown types, invalid fields, a player's DM actions) are answered while
// the socket has error budget; past it, the socket's reader waits for the budget to refill
// (its sender's TCP window fills: the flood slows down at the source), and a socket that had to
// wait floodCloseAfter times without the budget ever refilling is closed. Players send only
// heartbeats, hex pings (which have their own bucket, game.PingsPerSecond) and notes besides
// that, so every message of theirs counts against a second, looser budget that only throttles.
const (
	errorBurst       = 100
	errorsPerSecond  = 20
	floodCloseAfter  = 100
	playerMsgBurst   = 200
	playerMsgsPerSec = 50
)

// Limits on what a client may send. A whole 400×400 map fits in one reveal.
const (
	maxFrameBytes = 1 << 20
	maxKeys       = game.MaxMapSide * game.MaxMapSide
	maxRefLen     = 64
)

// Server → client message types (messages.go has their shapes).
const (
	msgSessionState   = "session:state"
	msgStatusChanged  = "session:statusChanged"
	msgModeChanged    = "broadcast:modeChanged"
	msgHexRevealed    = "hex:revealed"
	msgHexHidden      = "hex:hidden"
	msgHexUpdated     = "hex:updated"
	msgMapChanged     = "map:changed"
	msgStagedChanged  = "staged:changed"
	msgPlayerJoined   = "player:joined"
	msgPlayerLeft     = "player:left"
	msgMemberAdded    = "member:added"
	msgDMPreparing    = "dm:preparing"
	msgPartiesChanged = "parties:changed"
	msgPartyMoved     = "party:moved"
	msgPartyKnown     = "party:known"
	msgPlayerKnown    = "player:known"
	msgMarkersChanged = "markers:changed"
	msgRulesChanged   = "sight:rulesChanged"
	msgStorageStatus  = "storage:status"
	msgHexPinged      = "hex:pinged"
	msgNotesChanged   = "playerNotes:changed"
	msgPong           = "pong"
	msgError          = "error"
)

// Client → server message types (commands.go says what each carries and does).
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
	cmdPartyCreate  = "party:create"
	cmdPartyUpdate  = "party:update"
	cmdPartyAssign  = "party:assign"
	cmdPartyMerge   = "party:merge"
	cmdPartyMove    = "party:move"
	cmdPartyPlace   = "party:place"
	cmdPartyUndo    = "party:undo"
	cmdMarkerPlace  = "marker:place"
	cmdMarkerUpdate = "marker:update"
	cmdMarkerRemove = "marker:remove"
	cmdSightRules   = "sight:rules"
	cmdHexPing      = "hex:ping"
	cmdNoteSet      = "note:set"
	cmdNoteRemove   = "note:remove"
	cmdPing         = "ping"
)

// PreferredJoinURL picks, from the hub's addresses for players, the one a join link and its QR
// code should carry: the first that is not an mDNS name (*.local), because many phones that scan
// cannot resolve those; the first of all when every one is. "" for none.
func PreferredJoinURL(urls []string) string {
	for _, u := range urls {
		if p, err := url.Parse(u); err == nil && p.Host != "" && !isMDNSName(p.Hostname()) {
			return u
		}
	}
	if len(urls) == 0 {
		return ""
	}
	return urls[0]
}

func isMDNSName(host string) bool {
	return strings.HasSuffix(strings.ToLower(host), ".local")
}
