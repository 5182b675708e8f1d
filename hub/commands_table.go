package hub

import "github.com/hexcrawl/hexcrawl/game"

// The structural checks of the messages of docs/table.md; what needs the room (the hex on the
// map, whether the sender may see it) is the room's.

func validateNoteKey(c *command) error {
	k, err := c.keyOrNull()
	if err != nil || k == nil {
		return game.Errorf(game.EInvalid, "key must be a hex key")
	}
	c.key = *k
	return nil
}

func validateNoteSet(c *command) error {
	if err := validateNoteKey(c); err != nil {
		return err
	}
	if c.Shared == nil {
		return game.Errorf(game.EInvalid, "shared must be true or false")
	}
	if c.Text == nil {
		return game.Errorf(game.EInvalid, "text must be a string")
	}
	text, err := game.CleanNote(*c.Text)
	if err != nil {
		return err
	}
	c.Text = &text
	return nil
}
