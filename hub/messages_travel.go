package hub

import (
	"encoding/json"

	"github.com/hexcrawl/hexcrawl/game"
)

// The travel turn's messages (docs/travel.md). What a player may know of travel — their own
// party's clock, pace, and the weather while it is shared — has its own types with no field for
// rolls, tables or a lost party's true position.

const (
	msgTravelChanged      = "travel:changed"
	msgTravelHappened     = "travel:happened"
	msgEncountersChanged  = "encounters:changed"
	msgTravelRulesChanged = "travel:rulesChanged"
)

// travelView is a party's travel state as the DM sees it.
type travelView struct {
	PartyID string         `json:"partyId"`
	Minutes int            `json:"minutes"`
	Clock   game.ClockTime `json:"clock"`
	Pace    game.Pace      `json:"pace"`
	Weather *game.Weather  `json:"weather"`
	Lost    *game.Lost     `json:"lost"`
	// Travelled says whether the party has travelled at all: until it has, its players see no
	// clock.
	Travelled bool `json:"travelled"`
}

// playerWeather is the weather as players see it: its name, while the DM shares it.
type playerWeather struct {
	Name string `json:"name"`
}

// playerClock is the day and watch as players see them: no time of day, so their view changes
// when a watch begins, not with every step.
type playerClock struct {
	Day       int    `json:"day"`
	Watch     int    `json:"watch"`
	WatchName string `json:"watchName"`
}

// playerTravelView is a player's view of their own party's travel.
type playerTravelView struct {
	Clock   playerClock    `json:"clock"`
	Pace    game.Pace      `json:"pace"`
	Weather *playerWeather `json:"weather"`
}

// encounterPrompt is an encounter waiting for the DM's answer (place a marker, reroll, dismiss).
type encounterPrompt struct {
	ID      string              `json:"id"`
	PartyID string              `json:"partyId"`
	Minutes int                 `json:"minutes"`
	Clock   game.ClockTime      `json:"clock"`
	Check   game.EncounterCheck `json:"check"`
}

// travelChangedDMMsg tells the DM one party's travel state after a change.
type travelChangedDMMsg struct {
	Type   string     `json:"type"`
	Seq    int64      `json:"seq"`
	Travel travelView `json:"travel"`
}

func (m travelChangedDMMsg) frame() []byte { m.Type = msgTravelChanged; return mustJSON(m) }

// travelChangedMsg tells a player their party's travel view after it changed; null when they
// are in no party (or one that has not travelled) any more.
type travelChangedMsg struct {
	Type   string            `json:"type"`
	Seq    int64             `json:"seq"`
	Travel *playerTravelView `json:"travel"`
}

func (m travelChangedMsg) frame() []byte { m.Type = msgTravelChanged; return mustJSON(m) }

// travelHappenedMsg is what a travel action did, every roll in it, for the DM's prompt and log,
// and the party's travel state after it (one frame, not a travel:changed besides). Events are
// the action's []game.TravelEvent, marshalled once for the log and this frame.
type travelHappenedMsg struct {
	Type    string          `json:"type"`
	Seq     int64           `json:"seq"`
	PartyID string          `json:"partyId"`
	Action  string          `json:"action"`
	Events  json.RawMessage `json:"events"`
	Travel  travelView      `json:"travel"`
}

func (m travelHappenedMsg) frame() []byte { m.Type = msgTravelHappened; return mustJSON(m) }

// encountersChangedMsg is the DM's whole list of waiting encounter prompts.
type encountersChangedMsg struct {
	Type       string            `json:"type"`
	Seq        int64             `json:"seq"`
	Encounters []encounterPrompt `json:"encounters"`
}

func (m encountersChangedMsg) frame() []byte { m.Type = msgEncountersChanged; return mustJSON(m) }

// travelRulesChangedMsg is the campaign's travel rules after the DM saved them, every part
// filled in.
type travelRulesChangedMsg struct {
	Type  string           `json:"type"`
	Seq   int64            `json:"seq"`
	Rules game.TravelRules `json:"rules"`
}

func (m travelRulesChangedMsg) frame() []byte { m.Type = msgTravelRulesChanged; return mustJSON(m) }

// encounterAnswerPayload is the event log's payload of travel:encounter, the DM's answer to an
// encounter prompt (or the hub's, expired: past game.MaxWaitingEncounters); the console's travel
// log reads it (docs/travel.md).
type encounterAnswerPayload struct {
	EncounterID string                `json:"encounterId"`
	PartyID     string                `json:"partyId"`
	Answer      string                `json:"answer"` // dismiss, reroll, place
	Minutes     int                   `json:"minutes"`
	Clock       game.ClockTime        `json:"clock"`
	At          string                `json:"at"`
	Result      *game.EncounterResult `json:"result,omitempty"`
	Key         string                `json:"key,omitempty"` // place: the marker's hex
	Expired     bool                  `json:"expired,omitempty"`
}
