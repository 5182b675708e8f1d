package history

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
)

// Event is one entry of the log, its payload decoded by type. Keys are parsed once here; they
// become grid indices only when applied, since a map's size can change along the log.
type Event struct {
	Seq       int64
	SessionID string
	Type      game.EventType
	Actor     string
	At        time.Time
	// P is the decoded payload: one of the *…Payload types below, or nil for a type the log
	// carries but the replay ignores (and for payloads it could not read).
	P any
}

// The payloads, field for field as the hub writes them (docs/exploration.md, "The event log",
// docs/history.md).

type campaignCreatePayload struct {
	Name       string `json:"name"`
	PartyID    string `json:"partyId"`
	PartyName  string `json:"partyName"`
	PartyColor string `json:"partyColor"`
}

type namePayload struct {
	Name string `json:"name"`
}

type mapPayload struct {
	MapID       string           `json:"mapId"`
	Name        string           `json:"name"`
	Width       int              `json:"width"`
	Height      int              `json:"height"`
	Orientation game.Orientation `json:"orientation"`
}

type revealPayload struct {
	MapID   string        `json:"mapId"`
	HexKeys []string      `json:"hexKeys"`
	Targets game.Targets  `json:"targets"`
	State   game.HexState `json:"state"`
	keys    []game.Key
}

type updatePayload struct {
	MapID   string           `json:"mapId"`
	Changes []game.HexChange `json:"changes"`
	keys    []game.Key
}

type joinPayload struct {
	Name    string          `json:"name"`
	PartyID json.RawMessage `json:"partyId"` // absent before protocol v2, null: in no party
}

type revokePayload struct {
	MemberID string `json:"memberId"`
}

type partyCreatePayload struct {
	PartyID    string           `json:"partyId"`
	Name       string           `json:"name"`
	Color      string           `json:"color"`
	Reveal     game.PartyReveal `json:"reveal"`
	PlayerIDs  []string         `json:"playerIds"`
	CopiedFrom *string          `json:"copiedFrom"`
	MapID      string           `json:"mapId"`
	Key        *string          `json:"key"`
}

type partyUpdatePayload struct {
	PartyID string            `json:"partyId"`
	Name    *string           `json:"name"`
	Color   *string           `json:"color"`
	Reveal  *game.PartyReveal `json:"reveal"`
}

type partyAssignPayload struct {
	PartyID   *string  `json:"partyId"`
	PlayerIDs []string `json:"playerIds"`
}

type partyMergePayload struct {
	PartyID   string   `json:"partyId"`
	IntoID    string   `json:"intoId"`
	PlayerIDs []string `json:"playerIds"`
	Default   bool     `json:"default"`
}

// stepPayload is party:move, party:place, travel:move and travel:found: where the token went and
// the party knowledge it raised.
type stepPayload struct {
	PartyID  string   `json:"partyId"`
	MapID    string   `json:"mapId"`
	From     *string  `json:"from"`
	Path     []string `json:"path"`
	Key      *string  `json:"key"`
	Reveal   *bool    `json:"reveal"`
	Explored []string `json:"explored"`
	Glimpsed []string `json:"glimpsed"`
	travelPayload
	place    bool      // party:place: Key, not Path, says where the token went
	to       *game.Key // where the token stands after; nil: off the map
	path     []game.Key
	explored []game.Key
	glimpsed []game.Key
}

type undoPayload struct {
	PartyID   string   `json:"partyId"`
	MapID     string   `json:"mapId"`
	Undid     int64    `json:"undid"`
	Key       *string  `json:"key"`
	Forgotten []string `json:"forgotten"`
	Glimpsed  []string `json:"glimpsed"`
	// Travel is the party's travel state after an undo that put back a travel move's clock
	// (logged since the history work; older logs: the replay puts back what it remembered).
	Travel    *game.PartyTravel `json:"travel"`
	to        *game.Key
	forgotten []game.Key
	glimpsed  []game.Key
}

type markerPayload struct {
	MarkerID   string                `json:"markerId"`
	MapID      string                `json:"mapId"`
	Key        string                `json:"key"`
	Kind       game.MarkerKind       `json:"kind"`
	Label      string                `json:"label"`
	Visibility game.MarkerVisibility `json:"visibility"`
	key        game.Key
}

type sightRulesPayload struct {
	Rules game.SightRules `json:"rules"`
}

type travelRulesPayload struct {
	Rules game.TravelRules `json:"rules"`
}

type sessionStartPayload struct {
	SessionID string `json:"sessionId"`
}

type modePayload struct {
	Mode game.BroadcastMode `json:"mode"`
}

type stagedUndoPayload struct {
	Index int `json:"index"`
}

type publishPayload struct {
	Changes int `json:"changes"`
	// First is the seq of the first change the publish applied (logged since the history
	// work): the events from First up to the publish reached players as one change.
	First int64 `json:"first"`
}

type tokenMovePayload struct {
	Key *string `json:"key"`
	to  *game.Key
}

// travelPayload is what every travel event carries about the party's travel state.
type travelPayload struct {
	PartyID      string             `json:"partyId"`
	Events       []game.TravelEvent `json:"events"`
	EncounterIDs []string           `json:"encounterIds"`
	Pace         game.Pace          `json:"pace"`
	// Travel is the party's state after the action (logged since the history work). Older logs
	// leave it out and the replay reads what the events say instead.
	Travel *game.PartyTravel `json:"travel"`
}

type travelActionPayload struct {
	travelPayload
}

type encounterPayload struct {
	EncounterID string                `json:"encounterId"`
	PartyID     string                `json:"partyId"`
	Answer      string                `json:"answer"`
	Result      *game.EncounterResult `json:"result"`
	Key         string                `json:"key"`
}

// Decode reads one stored event. A payload that does not decode is an error: the log is ours,
// and replaying around a damaged entry would show a state that never was.
func Decode(e storage.Event) (Event, error) {
	out := Event{Seq: e.Seq, SessionID: e.SessionID, Type: e.Type, Actor: e.Actor, At: e.At}
	var err error
	switch e.Type {
	case game.EventCampaignCreate:
		out.P, err = decodeAs[campaignCreatePayload](e.Payload)
	case game.EventCampaignRename:
		out.P, err = decodeAs[namePayload](e.Payload)
	case game.EventMapCreate, game.EventMapActivate, game.EventMapResize:
		out.P, err = decodeAs[mapPayload](e.Payload)
	case game.EventHexReveal, game.EventHexHide:
		var p *revealPayload
		if p, err = decodeAs[revealPayload](e.Payload); err == nil {
			p.keys, err = parseKeys(p.HexKeys)
		}
		out.P = p
	case game.EventHexUpdate:
		var p *updatePayload
		if p, err = decodeAs[updatePayload](e.Payload); err == nil {
			p.keys = make([]game.Key, len(p.Changes))
			for n, c := range p.Changes {
				if p.keys[n], err = game.ParseKey(c.Key); err != nil {
					break
				}
			}
		}
		out.P = p
	case game.EventMemberJoin:
		out.P, err = decodeAs[joinPayload](e.Payload)
	case game.EventMemberRevoke:
		out.P, err = decodeAs[revokePayload](e.Payload)
	case game.EventPartyCreate:
		out.P, err = decodeAs[partyCreatePayload](e.Payload)
	case game.EventPartyUpdate:
		out.P, err = decodeAs[partyUpdatePayload](e.Payload)
	case game.EventPartyAssign:
		out.P, err = decodeAs[partyAssignPayload](e.Payload)
	case game.EventPartyMerge:
		out.P, err = decodeAs[partyMergePayload](e.Payload)
	case game.EventPartyMove, game.EventPartyPlace, game.EventTravelMove, game.EventTravelFound:
		var p *stepPayload
		if p, err = decodeAs[stepPayload](e.Payload); err == nil {
			err = p.parse(e.Type)
		}
		out.P = p
	case game.EventPartyUndo:
		var p *undoPayload
		if p, err = decodeAs[undoPayload](e.Payload); err == nil {
			if p.to, err = parseOptKey(p.Key); err == nil {
				if p.forgotten, err = parseKeys(p.Forgotten); err == nil {
					p.glimpsed, err = parseKeys(p.Glimpsed)
				}
			}
		}
		out.P = p
	case game.EventMarkerPlace, game.EventMarkerUpdate, game.EventMarkerRemove:
		var p *markerPayload
		if p, err = decodeAs[markerPayload](e.Payload); err == nil && e.Type != game.EventMarkerRemove {
			p.key, err = game.ParseKey(p.Key)
		}
		out.P = p
	case game.EventSightRules:
		out.P, err = decodeAs[sightRulesPayload](e.Payload)
	case game.EventTravelRules:
		out.P, err = decodeAs[travelRulesPayload](e.Payload)
	case game.EventSessionStart:
		out.P, err = decodeAs[sessionStartPayload](e.Payload)
	case game.EventBroadcastMode:
		out.P, err = decodeAs[modePayload](e.Payload)
	case game.EventStagedAdd:
		out.P, err = decodeAs[game.StagedChange](e.Payload)
	case game.EventStagedUndo:
		out.P, err = decodeAs[stagedUndoPayload](e.Payload)
	case game.EventPublish:
		out.P, err = decodeAs[publishPayload](e.Payload)
	case game.EventTokenMove:
		var p *tokenMovePayload
		if p, err = decodeAs[tokenMovePayload](e.Payload); err == nil {
			p.to, err = parseOptKey(p.Key)
		}
		out.P = p
	case game.EventTravelRest, game.EventTravelCamp, game.EventTravelAdvance, game.EventTravelPace,
		game.EventTravelWeather, game.EventTravelCheck:
		out.P, err = decodeAs[travelActionPayload](e.Payload)
	case game.EventTravelEncounter:
		out.P, err = decodeAs[encounterPayload](e.Payload)
	}
	if err != nil {
		return Event{}, fmt.Errorf("event %d (%s): %w", e.Seq, e.Type, err)
	}
	return out, nil
}

func decodeAs[T any](raw json.RawMessage) (*T, error) {
	v := new(T)
	if len(raw) == 0 || string(raw) == "null" {
		return v, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, err
	}
	return v, nil
}

func parseKeys(in []string) ([]game.Key, error) {
	out := make([]game.Key, len(in))
	for n, s := range in {
		k, err := game.ParseKey(s)
		if err != nil {
			return nil, err
		}
		out[n] = k
	}
	return out, nil
}

func parseOptKey(s *string) (*game.Key, error) {
	if s == nil {
		return nil, nil
	}
	k, err := game.ParseKey(*s)
	if err != nil {
		return nil, err
	}
	return &k, nil
}

func (p *stepPayload) parse(t game.EventType) error {
	var err error
	if p.path, err = parseKeys(p.Path); err != nil {
		return err
	}
	if p.explored, err = parseKeys(p.Explored); err != nil {
		return err
	}
	if p.glimpsed, err = parseKeys(p.Glimpsed); err != nil {
		return err
	}
	switch {
	case t == game.EventPartyPlace:
		p.place = true
		p.to, err = parseOptKey(p.Key)
	case t == game.EventTravelFound:
		p.to, err = parseOptKey(p.Key)
	case len(p.path) > 0:
		to := p.path[len(p.path)-1]
		p.to = &to
	}
	return err
}
