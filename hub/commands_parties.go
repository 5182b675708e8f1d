package hub

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"

	"github.com/hexcrawl/hexcrawl/game"
)

// Structural checks of the exploration commands (docs/exploration.md). Like every validate,
// they look at the message alone; whether a party, player, marker or hex exists is the room's
// question. Every error names the field.

func validateReveal(c *command) error {
	if err := validateKeysAndTargets(c); err != nil {
		return err
	}
	if c.State != nil && !c.State.Valid() {
		return game.Errorf(game.EInvalid, `state must be "glimpsed" or "explored"`)
	}
	return nil
}

// rawString reads a JSON string field that must not be empty.
func rawString(raw json.RawMessage, field string) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil || s == "" {
		return "", game.Errorf(game.EInvalid, "%s must be a non-empty string", field)
	}
	return s, nil
}

func validatePartyID(c *command) error {
	id, err := rawString(c.PartyID, "partyId")
	c.partyID = id
	return err
}

// validatePlayerIDs checks a list of player ids: non-empty strings, none listed twice.
func validatePlayerIDs(ids []string, minLen int) error {
	if len(ids) < minLen {
		return game.Errorf(game.EInvalid, "playerIds must list at least %d player", minLen)
	}
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		if id == "" {
			return game.Errorf(game.EInvalid, "playerIds[%d] must be a non-empty string", i)
		}
		if seen[id] {
			return game.Errorf(game.EInvalid, "playerIds[%d]: player %q is listed twice", i, game.Truncate(id, 40))
		}
		seen[id] = true
	}
	return nil
}

func validatePartyName(name *string) error {
	if name == nil {
		return game.Errorf(game.EInvalid, "name must be a string")
	}
	if err := game.ValidPartyName(*name); err != nil {
		return game.Errorf(game.EInvalid, "name: %v", err)
	}
	return nil
}

func validateColor(color *string) error {
	if color == nil {
		return game.Errorf(game.EInvalid, "color must be a string")
	}
	if err := game.ValidColor(*color); err != nil {
		return game.Errorf(game.EInvalid, "color: %v", err)
	}
	return nil
}

func validatePartyCreate(c *command) error {
	if err := validatePartyName(c.Name); err != nil {
		return err
	}
	if err := validateColor(c.Color); err != nil {
		return err
	}
	if c.PlayerIDs == nil {
		return game.Errorf(game.EInvalid, "playerIds must be a list of player ids (it may be empty)")
	}
	if err := validatePlayerIDs(*c.PlayerIDs, 0); err != nil {
		return err
	}
	if len(c.Key) > 0 {
		if k, err := c.keyOrNull(); err != nil || k == nil {
			return game.Errorf(game.EInvalid, "key must be a hex key")
		}
	}
	return nil
}

func validatePartyUpdate(c *command) error {
	if err := validatePartyID(c); err != nil {
		return err
	}
	if c.Name == nil && c.Color == nil && len(c.Reveal) == 0 {
		return game.Errorf(game.EInvalid, "party:update needs at least one of name, color and reveal")
	}
	if c.Name != nil {
		if err := validatePartyName(c.Name); err != nil {
			return err
		}
	}
	if c.Color != nil {
		if err := validateColor(c.Color); err != nil {
			return err
		}
	}
	if len(c.Reveal) > 0 {
		if json.Unmarshal(c.Reveal, &c.revealMode) != nil || !c.revealMode.Valid() {
			return game.Errorf(game.EInvalid, `reveal must be "sight", "hex" or "none"`)
		}
	}
	return nil
}

func validatePartyAssign(c *command) error {
	if !bytes.Equal(c.PartyID, []byte("null")) {
		if err := validatePartyID(c); err != nil {
			return game.Errorf(game.EInvalid, "partyId must be a party id or null (no party)")
		}
	}
	if c.PlayerIDs == nil {
		return game.Errorf(game.EInvalid, "playerIds must be a list of player ids")
	}
	return validatePlayerIDs(*c.PlayerIDs, 1)
}

func validatePartyMerge(c *command) error {
	if err := validatePartyID(c); err != nil {
		return err
	}
	if c.IntoID == "" {
		return game.Errorf(game.EInvalid, "intoId must be a non-empty string")
	}
	if c.IntoID == c.partyID {
		return game.Errorf(game.EInvalid, "intoId: a party cannot be merged into itself")
	}
	return nil
}

func validatePartyMove(c *command) error {
	if err := validatePartyID(c); err != nil {
		return err
	}
	if len(c.Path) == 0 || len(c.Path) > game.MaxPathLength {
		return game.Errorf(game.EInvalid, "path must list 1 to %d hex keys", game.MaxPathLength)
	}
	for i, k := range c.Path {
		if _, err := game.ParseKey(k); err != nil {
			return game.Errorf(game.EInvalid, "path[%d]: %v", i, err)
		}
	}
	return nil
}

func validatePartyPlace(c *command) error {
	if err := validatePartyID(c); err != nil {
		return err
	}
	if _, err := c.keyOrNull(); err != nil {
		return game.Errorf(game.EInvalid, "key must be a hex key or null")
	}
	if json.Unmarshal(c.Reveal, &c.revealHexes) != nil {
		return game.Errorf(game.EInvalid, "reveal must be true or false")
	}
	return nil
}

func validateMarkerID(c *command) error {
	if c.MarkerID == "" {
		return game.Errorf(game.EInvalid, "markerId must be a non-empty string")
	}
	return nil
}

func validateMarkerFields(c *command) error {
	if len(c.Key) > 0 {
		if k, err := c.keyOrNull(); err != nil || k == nil {
			return game.Errorf(game.EInvalid, "key must be a hex key")
		}
	}
	if c.Kind != nil && !c.Kind.Valid() {
		return game.Errorf(game.EInvalid, "kind must be one of %v", game.MarkerKinds)
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

func validateMarkerPlace(c *command) error {
	if c.Kind == nil || c.Label == nil || c.Visibility == nil {
		return game.Errorf(game.EInvalid, "marker:place needs kind, label and visibility as strings")
	}
	return validateMarkerFields(c)
}

func validateMarkerUpdate(c *command) error {
	if err := validateMarkerID(c); err != nil {
		return err
	}
	if len(c.Key) == 0 && c.Kind == nil && c.Label == nil && c.Visibility == nil {
		return game.Errorf(game.EInvalid, "marker:update needs at least one of key, kind, label and visibility")
	}
	return validateMarkerFields(c)
}

// validateSightRules reads the rules strictly: every entry a known terrain ("" is unpainted)
// with exactly sight, height and landmark, each within its limits.
func validateSightRules(c *command) error {
	var entries map[string]json.RawMessage
	if err := json.Unmarshal(c.Rules, &entries); err != nil || entries == nil {
		return game.Errorf(game.EInvalid, "rules must be an object of terrain → {sight, height, landmark}")
	}
	rules := make(game.SightRules, len(entries))
	for _, name := range slices.Sorted(maps.Keys(entries)) {
		t := game.Terrain(name)
		if !t.Valid() {
			return game.Errorf(game.EInvalid, "rules: unknown terrain %q", game.Truncate(name, 40))
		}
		var fields map[string]json.RawMessage
		if json.Unmarshal(entries[name], &fields) != nil || fields == nil {
			return game.Errorf(game.EInvalid, "rules[%q] must be an object {sight, height, landmark}", name)
		}
		for f := range fields {
			if f != "sight" && f != "height" && f != "landmark" {
				return game.Errorf(game.EInvalid, "rules[%q]: unexpected field %q", name, game.Truncate(f, 40))
			}
		}
		var rule game.SightRule
		for f, dst := range map[string]*int{"sight": &rule.Sight, "height": &rule.Height, "landmark": &rule.Landmark} {
			raw, ok := fields[f]
			if !ok || json.Unmarshal(raw, dst) != nil {
				return game.Errorf(game.EInvalid, "rules[%q].%s must be a whole number", name, f)
			}
		}
		rules[t] = rule
	}
	if err := rules.Validate(); err != nil {
		return game.Errorf(game.EInvalid, "%v", err)
	}
	c.rules = rules
	return nil
}
