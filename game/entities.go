package game

import "time"

// The entities below are what a campaign is made of. storage reads and writes them as rows;
// their JSON is, unchanged, the HTTP API's bodies and the campaign file's sections, so a field
// renamed here is renamed in both (docs/architecture.md, "Where the types live").

// Campaign is a game: its maps, members, sessions and log hang off it.
type Campaign struct {
	ID            string        `json:"id"`
	Name          string        `json:"name"`
	ActiveMapID   string        `json:"activeMapId"`
	BroadcastMode BroadcastMode `json:"broadcastMode"`
	// SightRules are the campaign's own rules as the DM set them; nil: the defaults.
	SightRules SightRules `json:"sightRules,omitempty"`
	CreatedAt  time.Time  `json:"createdAt"`
	UpdatedAt  time.Time  `json:"updatedAt"`
}

// MapInfo describes a map without its hexes.
type MapInfo struct {
	ID          string      `json:"id"`
	CampaignID  string      `json:"campaignId"`
	Name        string      `json:"name"`
	Width       int         `json:"width"`
	Height      int         `json:"height"`
	Orientation Orientation `json:"orientation"`
	CreatedAt   time.Time   `json:"createdAt"`
	UpdatedAt   time.Time   `json:"updatedAt"`
}

// Size is the map's dimensions.
func (m MapInfo) Size() Size { return Size{Width: m.Width, Height: m.Height} }

// Hex is one painted, labelled or noted hex. Hexes with none of these are not stored.
type Hex struct {
	Key     Key
	Terrain Terrain
	Label   string
	Notes   string
	Road    bool // a road runs through it (docs/travel.md)
}

// Empty reports whether the hex carries nothing worth storing.
func (h Hex) Empty() bool { return h.Terrain == Unpainted && h.Label == "" && h.Notes == "" && !h.Road }

// Member is a player of one campaign. The DM is not a member.
type Member struct {
	ID         string     `json:"id"`
	CampaignID string     `json:"campaignId"`
	Name       string     `json:"name"`
	PartyID    string     `json:"partyId,omitempty"` // "": in no party
	JoinedAt   time.Time  `json:"joinedAt"`
	RevokedAt  *time.Time `json:"revokedAt,omitempty"`
}

// Invite is a join code for a campaign. Codes are multi-use until they expire, so one QR code
// serves the whole table.
type Invite struct {
	Code       string    `json:"code"`
	CampaignID string    `json:"campaignId"`
	CreatedAt  time.Time `json:"createdAt"`
	ExpiresAt  time.Time `json:"expiresAt"`
}

// Session is one evening at the table.
type Session struct {
	ID         string        `json:"id"`
	CampaignID string        `json:"campaignId"`
	Status     SessionStatus `json:"status"`
	StartedAt  time.Time     `json:"startedAt"`
	EndedAt    *time.Time    `json:"endedAt,omitempty"`
}
