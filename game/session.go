package game

// SessionStatus is where a campaign's play session stands. Waiting means no session has been
// started yet; after Ended a new session may start.
type SessionStatus string

const (
	Waiting SessionStatus = "waiting"
	Active  SessionStatus = "active"
	Paused  SessionStatus = "paused"
	Ended   SessionStatus = "ended"
)

// Live reports whether changes to the map are part of a running session (and so follow the
// broadcast mode).
func (s SessionStatus) Live() bool { return s == Active || s == Paused }

// BroadcastMode says whether DM changes reach players at once or wait in the staged list.
type BroadcastMode string

const (
	Immediate BroadcastMode = "immediate"
	Staged    BroadcastMode = "staged"
)

// Valid reports whether m is a known mode.
func (m BroadcastMode) Valid() bool { return m == Immediate || m == Staged }

// Role is who is on the other end of a connection.
type Role string

const (
	RoleDM     Role = "dm"
	RolePlayer Role = "player"
)

// EventType names an entry in the append-only session event log. Stored: append only.
type EventType string

const (
	EventSessionStart  EventType = "session:start"
	EventSessionPause  EventType = "session:pause"
	EventSessionResume EventType = "session:resume"
	EventSessionEnd    EventType = "session:end"
	EventBroadcastMode EventType = "broadcast:mode"
	EventPublish       EventType = "broadcast:publish"
	EventStagedAdd     EventType = "staged:add"
	EventStagedUndo    EventType = "staged:undo"
	EventHexReveal     EventType = "hex:reveal"
	EventHexHide       EventType = "hex:hide"
	EventHexUpdate     EventType = "hex:update"
	// EventTokenMove is protocol version 1's move of the one party token (the default party's,
	// since migration 00002); no longer written.
	EventTokenMove      EventType = "token:move"
	EventMemberJoin     EventType = "member:join"
	EventMemberRevoke   EventType = "member:revoke"
	EventMapActivate    EventType = "map:activate"
	EventMapResize      EventType = "map:resize"
	EventCampaignRename EventType = "campaign:rename"
	// EventCampaignCreate opens a campaign's log: its name and its default party. Campaigns made
	// before it was logged start their log later (docs/history.md).
	EventCampaignCreate EventType = "campaign:create"
	EventMapCreate      EventType = "map:create"
	EventPartyCreate    EventType = "party:create"
	EventPartyUpdate    EventType = "party:update"
	EventPartyAssign    EventType = "party:assign"
	EventPartyMerge     EventType = "party:merge"
	EventPartyMove      EventType = "party:move"
	EventPartyPlace     EventType = "party:place"
	EventPartyUndo      EventType = "party:undo"
	EventMarkerPlace    EventType = "marker:place"
	EventMarkerUpdate   EventType = "marker:update"
	EventMarkerRemove   EventType = "marker:remove"
	EventSightRules     EventType = "sight:rules"
)
