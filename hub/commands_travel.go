package hub

import (
	"maps"

	"github.com/hexcrawl/hexcrawl/game"
)

// The travel turn's client messages (docs/travel.md), added to the commands table. Their checks
// look at the message alone, like every validate; the room checks the rest.

const (
	cmdTravelMove      = "travel:move"
	cmdTravelPace      = "travel:pace"
	cmdTravelRest      = "travel:rest"
	cmdTravelCamp      = "travel:camp"
	cmdTravelAdvance   = "travel:advance"
	cmdTravelFound     = "travel:found"
	cmdWeatherRoll     = "weather:roll"
	cmdWeatherSet      = "weather:set"
	cmdEncounterCheck  = "encounter:check"
	cmdEncounterReroll = "encounter:reroll"
	cmdEncounterDismss = "encounter:dismiss"
	cmdEncounterPlace  = "encounter:place"
	cmdTravelRules     = "travel:rules"
)

var travelCommands = map[string]commandSpec{
	cmdTravelMove: {fields: []string{"partyId", "path"}, dmOnly: true, needsMap: true, validate: validatePartyMove,
		run: (*Room).travelMove},
	cmdTravelPace: {fields: []string{"partyId", "pace"}, dmOnly: true, validate: validateTravelPace,
		run: (*Room).travelPace},
	cmdTravelRest: {fields: []string{"partyId"}, dmOnly: true, needsMap: true, validate: validatePartyID,
		run: (*Room).travelPause},
	cmdTravelCamp: {fields: []string{"partyId"}, dmOnly: true, needsMap: true, validate: validatePartyID,
		run: (*Room).travelPause},
	cmdTravelAdvance: {fields: []string{"partyId", "watches"}, dmOnly: true, needsMap: true, validate: validateTravelAdvance,
		run: (*Room).travelPause},
	cmdTravelFound: {fields: []string{"partyId"}, dmOnly: true, needsMap: true, validate: validatePartyID,
		run: (*Room).travelFound},
	cmdWeatherRoll: {fields: []string{"partyId"}, dmOnly: true, validate: validatePartyID,
		run: (*Room).weatherRoll},
	cmdWeatherSet: {fields: []string{"partyId"}, optional: []string{"entry", "shared"}, dmOnly: true, validate: validateWeatherSet,
		run: (*Room).weatherSet},
	cmdEncounterCheck: {fields: []string{"partyId"}, dmOnly: true, needsMap: true, validate: validatePartyID,
		run: (*Room).encounterCheck},
	cmdEncounterReroll: {fields: []string{"encounterId"}, dmOnly: true, validate: validateEncounterID,
		run: (*Room).encounterAnswer},
	cmdEncounterDismss: {fields: []string{"encounterId"}, dmOnly: true, validate: validateEncounterID,
		run: (*Room).encounterAnswer},
	cmdEncounterPlace: {fields: []string{"encounterId"}, optional: []string{"kind", "label", "visibility"}, dmOnly: true,
		validate: validateEncounterPlace, run: (*Room).encounterAnswer},
	cmdTravelRules: {fields: []string{"rules"}, dmOnly: true, validate: validateTravelRules,
		run: (*Room).setTravelRules},
}

func init() { maps.Copy(commands, travelCommands) }

func validateTravelPace(c *command) error {
	if err := validatePartyID(c); err != nil {
		return err
	}
	if c.Pace == nil || !c.Pace.Valid() {
		return game.Errorf(game.EInvalid, `pace must be "slow", "normal" or "fast"`)
	}
	return nil
}

func validateTravelAdvance(c *command) error {
	if err := validatePartyID(c); err != nil {
		return err
	}
	if c.Watches == nil || *c.Watches < 1 || *c.Watches > game.MaxAdvanceWatches {
		return game.Errorf(game.EInvalid, "watches must be a whole number from 1 to %d", game.MaxAdvanceWatches)
	}
	return nil
}

func validateWeatherSet(c *command) error {
	if err := validatePartyID(c); err != nil {
		return err
	}
	if c.Entry == nil && c.Shared == nil {
		return game.Errorf(game.EInvalid, "weather:set needs entry, shared or both")
	}
	if c.Entry != nil && *c.Entry < 0 {
		return game.Errorf(game.EInvalid, "entry must be a non-negative index into the weather table in use")
	}
	return nil
}

func validateEncounterID(c *command) error {
	if c.EncounterID == "" {
		return game.Errorf(game.EInvalid, "encounterId must be a non-empty string")
	}
	return nil
}

func validateEncounterPlace(c *command) error {
	if err := validateEncounterID(c); err != nil {
		return err
	}
	if c.Kind != nil && !c.Kind.Valid() {
		return game.Errorf(game.EInvalid, "kind must be one of the marker kinds")
	}
	if c.Label != nil {
		if err := game.ValidMarkerLabel(*c.Label); err != nil {
			return game.Errorf(game.EInvalid, "label: %v", err)
		}
	}
	if c.Visibility != nil && !c.Visibility.Valid() {
		return game.Errorf(game.EInvalid, `visibility must be "dm" or "players"`)
	}
	return nil
}

func validateTravelRules(c *command) error {
	rules, err := decodeTravelRules(c.Rules)
	if err != nil {
		return err
	}
	c.travelRules = rules
	return nil
}
